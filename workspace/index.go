package workspace

import (
	"context"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// File is a file of the vault: a note (Note set) or another possible link
// target such as an image (Note nil). Its Note is replaced under the Index's
// write lock; read it through a Snapshot.
type File struct {
	Path string // vault-relative, '/'-separated, as on disk
	Note *Note

	stem     string // Path without a note extension
	dir      string // Dir(), kept: every relative link asks
	foldPath string
	foldStem string
	// FoldedTitle is the note's title in lookup form (lower case, NFC), kept
	// so completion over a large vault does not fold every title per keystroke.
	FoldedTitle string
	// nameSlot is the file's entry in the names' table, plus one; 0 for
	// none. Beside the names, which the table's build reads.
	nameSlot int32
	keys     []string // name keys under which the file is found

	// resolved holds the note's link resolutions, parallel to Note.Links,
	// without fragments (those are checked when asked: a heading edit must
	// not re-resolve every backlink). backlinks are the links that resolve
	// to this file. Both are the index's, read and written under its lock;
	// fields rather than maps keyed by file, which cost a lookup per link.
	resolved  []stored
	backlinks []LinkRef
	// ord numbers the file while resolveAll rebuilds the link tables.
	ord int32
}

// IsNote reports whether the file is a markdown note.
func (f *File) IsNote() bool { return f.Note != nil }

// Dir is the file's folder ("" at the vault root).
func (f *File) Dir() string { return f.dir }

// dirOf is the folder of a vault path, "" at the root.
func dirOf(p string) string {
	if d := path.Dir(p); d != "." {
		return d
	}
	return ""
}

// Stem is the path without a note extension.
func (f *File) Stem() string { return f.stem }

// LinkRef names one link: the i-th link of From's note. Index is an
// int32 so that a LinkRef, with its flag, stays two words: the index holds
// one per link of the vault.
type LinkRef struct {
	From  *File
	Index int32
	// anchored says the link names a heading or block (it has a fragment):
	// a note's anchors changing concerns only those of its backlinks, and
	// reading each backlink's Link to know would be a cache miss apiece
	// (6,667 of them for the hub of a 50k vault).
	anchored bool
}

// Link returns the link it names.
func (r LinkRef) Link() *Link { return &r.From.Note.Links()[r.Index] }

// Index holds every file of a vault, its lookup tables, and each link's
// resolution under the primary profile, kept up to date incrementally.
type Index struct {
	mu  sync.RWMutex
	cfg Config
	// root is the vault's folder, from which Snapshot.Text reads the notes
	// that do not keep their text; "" for an index built in memory.
	root string
	// parser is the one the index's notes were loaded with, which
	// Snapshot.Paragraphs parses again with; nil for an index built in memory.
	parser *Parser

	files map[string]*File // folded path → file
	// byName holds, under each nameKey, the files found by it and the notes
	// whose links use it: one lookup serves a link's resolution and its place
	// in the table.
	byName   map[string]*nameEntry
	tags     map[string]map[*File]int // folded tag → notes → uses
	tagPages map[string]int           // folded tag or parent of a nested tag → tags under it
	fields   fieldTable               // frontmatter keys → notes using them, and their values
	folders  map[string]int           // folded folder path → files below it
	similar  similarCache             // typo lookup, kept up to date as names appear
	names    nameTable                // completion's scan table, kept up to date as names change
	// missing counts wikilink targets that resolve to nothing: notes people
	// mean to write, offered by completion. missingList holds them too, and
	// missingNames their names with their CharMask: completion scans those
	// on every keystroke, which iterating the map made slow at 150,000
	// names, and reading each Missing would cost a cache miss each.
	missing      map[string]*Missing
	missingList  []*Missing
	missingNames []missingName
}

// missingName is a missing note's name in lookup form, with its CharMask.
type missingName struct {
	mask, pairs uint64 // CharMask and PairMask of folded
	folded      string
}

// nameEntry is what the index holds under one nameKey.
type nameEntry struct {
	key   string  // the map's key, which links of a new index share
	files []*File // found under the key: names, index folders, aliases
	// mentions are the notes with a link under the key: when a file with the
	// key appears or goes, only those notes re-resolve.
	mentions []*File
	// ord numbers the entry (from 1) while resolveAll rebuilds the link
	// tables; 0 otherwise.
	ord int32
}

// named returns the files found under key k.
func (ix *Index) named(k string) []*File {
	if e := ix.byName[k]; e != nil {
		return e.files
	}
	return nil
}

// entry returns the entry of key k, made when there is none.
func (ix *Index) entry(k string) *nameEntry {
	e := ix.byName[k]
	if e == nil {
		// A copy of its own: k may be a slice of a note's text, which the
		// entry would keep alive after the note changed.
		k = strings.Clone(k)
		e = &nameEntry{key: k}
		ix.byName[k] = e
	}
	return e
}

// dropIfEmpty forgets k when nothing is under it any more.
func (ix *Index) dropIfEmpty(k string, e *nameEntry) {
	if len(e.files) == 0 && len(e.mentions) == 0 {
		delete(ix.byName, k)
	}
}

// Missing is a link target no file answers, and how many links name it.
type Missing struct {
	Name  string // the least of its spellings (in byte order), whatever the order of edits
	Count int

	spellings map[string]int // each spelling in use → links
	folded    string         // the name in lookup form, its key
	at        int            // its place in Index.missingList
}

// NewIndex returns an empty index.
func NewIndex(cfg Config) *Index { return newIndexSized(cfg, 0, 0, 0) }

// newIndexSized is NewIndex with room for files files, names name keys and
// missing missing notes: growing the maps from nothing rehashes them a dozen
// times at 50,000 notes.
func newIndexSized(cfg Config, files, names, missing int) *Index {
	return &Index{
		cfg:          cfg,
		files:        make(map[string]*File, files),
		byName:       make(map[string]*nameEntry, names),
		tags:         map[string]map[*File]int{},
		tagPages:     map[string]int{},
		fields:       fieldTable{},
		folders:      map[string]int{},
		missing:      make(map[string]*Missing, missing),
		missingList:  make([]*Missing, 0, missing),
		missingNames: make([]missingName, 0, missing),
	}
}

// Config returns the configuration the index resolves with.
func (ix *Index) Config() Config {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.cfg
}

// SetConfig changes the configuration. Links are resolved again only when
// what the stored resolutions depend on changed (the primary profile,
// Quartz's resolution): a diagnostic setting changes no link, and resolving
// a 50,000-note vault again takes seconds. The other profiles are resolved
// when asked (profile-mismatch), and names' keys depend on no setting.
func (ix *Index) SetConfig(cfg Config) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	same := cfg.Primary() == ix.cfg.Primary() && cfg.QuartzResolution == ix.cfg.QuartzResolution
	ix.cfg = cfg
	if !same {
		_ = ix.resolveAll(context.Background(), false)
	}
}

// Changed is what an update touched: the paths of the notes whose
// diagnostics may differ. Paths, not Files: a File is only read under the
// index's lock, and callers use Changed after the update has returned.
type Changed map[string]struct{}

func (c Changed) add(f *File) {
	if f != nil && f.Note != nil {
		c[f.Path] = struct{}{}
	}
}

// Paths lists the changed notes' paths, sorted.
func (c Changed) Paths() []string {
	out := make([]string, 0, len(c))
	for p := range c {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Bulk adds many notes and files at once (start-up): tables first, then every
// link resolved in parallel.
func (ix *Index) Bulk(notes []*Note, assets []string) {
	_ = ix.bulk(context.Background(), notes, assets)
}

// bulk is Bulk for a load, which stops when ctx is done: a load a newer one
// made useless went on for over a second at 50,000 notes, competing with it
// for the cores. The index is then half made, for no one to read.
func (ix *Index) bulk(ctx context.Context, notes []*Note, assets []string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	files := make([]*File, len(notes))
	for i, n := range notes {
		files[i] = ix.insert(n.Path, nil)
	}
	// What each note is found under is worked out on all cores; filing it
	// (key) is the index's, on one.
	parallel(len(notes), func(i int) {
		f := files[i]
		f.Note = notes[i]
		f.FoldedTitle = fold(notes[i].Title)
		f.keys = fileKeys(f)
	})
	for _, f := range files {
		ix.key(f)
	}
	for _, p := range assets {
		f := ix.insert(p, nil)
		f.keys = fileKeys(f)
		ix.key(f)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return ix.resolveAll(ctx, true)
}

// resolveAll recomputes every resolution and the tables derived from them.
// fresh says no one has seen the notes yet (Bulk), so their links may take
// the index's copy of their keys. Stopped by ctx, it leaves the index half
// resolved: only for an index no one will read.
//
// The links are resolved on all cores, a chunk of notes at a time, while
// this goroutine numbers each finished chunk's keys and targets for the
// link tables and another fills the tag and field tables. Done after the
// resolving, on one core while the others waited, those took 0.5 s of the
// 1.3 s this took at 50,000 generated notes.
func (ix *Index) resolveAll(ctx context.Context, fresh bool) error {
	notes := make([]*File, 0, len(ix.files))
	for _, f := range ix.files {
		if f.Note != nil {
			notes = append(notes, f)
		}
	}
	// Quartz's resolution reads the tag pages: they are counted before it;
	// the tables are filled beside it, which reads none.
	var fillTags func()
	if ix.cfg.Primary() == ProfileQuartz {
		fillTags = ix.tagTablesOf(notes)
	}
	tables := make(chan struct{})
	go func() {
		defer close(tables)
		if fillTags == nil {
			fillTags = ix.tagTablesOf(notes)
		}
		fillTags()
		ix.fields = fieldTable{}
		for _, f := range notes {
			ix.fieldTables(f, true)
		}
	}()
	defer func() { <-tables }()
	// The tables are emptied first: the workers below take pointers to the
	// name entries that remain.
	for _, f := range ix.files {
		f.backlinks = nil
	}
	for k, e := range ix.byName {
		e.mentions = nil
		ix.dropIfEmpty(k, e)
	}
	ix.missing = map[string]*Missing{}
	ix.missingList, ix.missingNames = nil, nil
	type result struct {
		stored  []stored
		entries []*nameEntry
	}
	results := make([]result, len(notes))
	const chunk = 256
	chunks := make([]chan struct{}, (len(notes)+chunk-1)/chunk)
	for c := range chunks {
		chunks[c] = make(chan struct{})
	}
	var next atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for {
				c := int(next.Add(1)) - 1
				if c >= len(chunks) {
					return
				}
				for i := c * chunk; i < min((c+1)*chunk, len(notes)) && ctx.Err() == nil; i++ {
					f := notes[i]
					results[i].entries = make([]*nameEntry, f.Note.linkCount())
					results[i].stored = ix.resolveNoteWith(ix.cfg.Primary(), f, results[i].entries)
				}
				close(chunks[c])
			}
		}()
	}
	// The files and the entries the links name are numbered, and the
	// backlinks and mentions filled from the numbers as from an index image
	// (linkTablesFrom): appending them link by link, as addLinks does, was
	// most of the end of a cold load, where one core works.
	all := make([]*File, 0, len(ix.files))
	for _, f := range notes {
		f.ord = int32(len(all))
		all = append(all, f)
	}
	for _, f := range ix.files {
		if f.Note == nil {
			f.ord = int32(len(all))
			all = append(all, f)
		}
	}
	first := make([]int, len(notes)+1)
	for i, f := range notes {
		first[i+1] = first[i] + f.Note.linkCount()
	}
	keyOrd := make([]uint32, first[len(notes)])
	tgtOrd := make([]uint32, first[len(notes)])
	var entries []*nameEntry
	number := func(e *nameEntry) uint32 {
		if e.ord == 0 {
			entries = append(entries, e)
			e.ord = int32(len(entries))
		}
		return uint32(e.ord)
	}
	// A link whose key has no entry yet gets one once the workers are done:
	// making it would write the table they read.
	type unfiled struct{ note, link int }
	var later []unfiled
	for c, done := range chunks {
		<-done
		for i := c * chunk; i < min((c+1)*chunk, len(notes)); i++ {
			f := notes[i]
			f.resolved = results[i].stored
			links := f.Note.Links()
			for j := range f.resolved {
				l := &links[j]
				if l.External || l.Target == "" {
					continue
				}
				if e := results[i].entries[j]; e != nil {
					if fresh {
						intern(f.Note, l, e)
					}
					keyOrd[first[i]+j] = number(e)
				} else {
					later = append(later, unfiled{i, j})
				}
				s := f.resolved[j]
				if s.status == NoSuchNote && l.Wiki {
					ix.countMissing(l.Target, true)
				}
				if s.target != nil {
					t := uint32(s.target.ord) + 1
					if l.Fragment != "" {
						t |= anchoredBit
					}
					tgtOrd[first[i]+j] = t
				}
			}
			results[i] = result{}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, u := range later {
		f := notes[u.note]
		l := &f.Note.Links()[u.link]
		e := ix.entry(l.lookupKey())
		if fresh {
			intern(f.Note, l, e)
		}
		keyOrd[first[u.note]+u.link] = number(e)
	}
	linkTablesFrom(notes, all, entries, first, keyOrd, tgtOrd)
	for _, e := range entries {
		e.ord = 0
	}
	return nil
}

// SetNote adds or replaces a note (an edit, a file created or changed on disk).
func (ix *Index) SetNote(n *Note) Changed {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	changed := Changed{}
	pages := pageChanges{}
	f := ix.files[fold(n.Path)]
	isNew := f == nil || f.Note == nil
	// The path may differ from the file's in letter case only; Quartz
	// compares case, so links naming the file resolve again.
	recased := f != nil && f.Path != n.Path
	anchors := false
	if f != nil && f.Note != nil {
		ix.linkTables(f, false)
		ix.tagTable(f, false, pages)
		ix.fieldTables(f, false)
		// What backlinks see of a note is its headings, blocks and publish
		// flag, and its path; when those stay (most keystrokes), backlinks
		// need no news. A hub note has thousands of backlinks.
		var publish bool
		anchors, publish = sameFace(f.Note, n)
		for _, r := range f.backlinks {
			// A heading or block edit matters only to links that name one.
			if recased || !publish || !anchors && r.anchored {
				changed.add(r.From)
			}
		}
	}
	if f == nil {
		f = ix.insert(n.Path, pages)
	}
	oldKeys := f.keys
	// What completion shows of a note is its title: a change of case only
	// changes no name, but the label.
	if f.Note == nil || f.Note.Title != n.Title {
		ix.names.changed(f)
	}
	f.Note = n
	if !anchors {
		ix.names.headingsChanged(f)
	}
	f.Path = n.Path
	f.dir = dirOf(n.Path)
	f.stem = trimNoteExt(n.Path)
	f.FoldedTitle = fold(n.Title)
	f.keys = fileKeys(f)
	ix.tagTable(f, true, pages)
	ix.fieldTables(f, true)
	var rekeyed []string
	if isNew || recased || !sameKeys(oldKeys, f.keys) {
		ix.unkeyWith(f, oldKeys)
		ix.key(f)
		rekeyed = append(oldKeys, f.keys...)
	}
	f.resolved = ix.resolveNote(ix.cfg.Primary(), f)
	ix.linkTables(f, true)
	// Every table is up to date: now re-resolve the notes whose links may
	// lead elsewhere (names that appeared or went, tag pages and folder
	// listings that appeared or went).
	ix.reresolveMentions(append(rekeyed, ix.changedPages(pages)...), changed)
	changed.add(f)
	return changed
}

// SetFile records a non-note file (an image appeared).
func (ix *Index) SetFile(p string) Changed {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	changed := Changed{}
	if ix.files[fold(p)] != nil {
		return changed
	}
	pages := pageChanges{}
	f := ix.insert(p, pages)
	f.keys = fileKeys(f)
	ix.key(f)
	ix.reresolveMentions(append(f.keys, ix.changedPages(pages)...), changed)
	return changed
}

// Remove deletes a file; links to it become broken (or resolve elsewhere).
func (ix *Index) Remove(p string) Changed {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	changed := Changed{}
	f := ix.files[fold(p)]
	if f == nil {
		return changed
	}
	pages := pageChanges{}
	if f.Note != nil {
		ix.linkTables(f, false)
		ix.tagTable(f, false, pages)
		ix.fieldTables(f, false)
		f.resolved = nil
	}
	for _, r := range f.backlinks {
		changed.add(r.From)
	}
	delete(ix.files, f.foldPath)
	ix.countFolders(f, -1, pages)
	ix.unkeyWith(f, f.keys)
	ix.reresolveMentions(append(f.keys, ix.changedPages(pages)...), changed)
	delete(changed, f.Path)
	return changed
}

// Rename moves a note or file; the note's own relative links re-resolve from
// its new folder. The caller rewrites links to it (that is an edit of other notes).
func (ix *Index) Rename(oldPath string, n *Note, newPath string) Changed {
	changed := ix.Remove(oldPath)
	var more Changed
	if n != nil {
		more = ix.SetNote(n)
	} else {
		more = ix.SetFile(newPath)
	}
	for p := range more {
		changed[p] = struct{}{}
	}
	return changed
}

func (ix *Index) insert(p string, pages pageChanges) *File {
	f := newFile(p)
	ix.files[f.foldPath] = f
	ix.countFolders(f, 1, pages)
	return f
}

// newFile makes the File at vault path p, outside any index.
func newFile(p string) *File {
	f := &File{Path: p, dir: dirOf(p), stem: trimNoteExt(p), foldPath: fold(p)}
	f.foldStem = fold(f.stem)
	return f
}

func (ix *Index) countFolders(f *File, delta int, pages pageChanges) {
	for d := path.Dir(f.foldPath); d != "." && d != "/"; d = path.Dir(d) {
		pages.note(page{name: d}, ix.folders[d] > 0)
		if ix.folders[d] += delta; ix.folders[d] <= 0 {
			delete(ix.folders, d)
		}
	}
}

// countFoldersOf is countFolders(f, 1, nil) for each of files, with a map
// operation per folder rather than per file and folder: files in one folder
// are usually next to each other.
func (ix *Index) countFoldersOf(files []*File) {
	var dirs []string
	var counts []int
	for _, f := range files {
		d := path.Dir(f.foldPath)
		if d == "." || d == "/" {
			continue
		}
		if len(dirs) == 0 || dirs[len(dirs)-1] != d {
			dirs, counts = append(dirs, d), append(counts, 0)
		}
		counts[len(counts)-1]++
	}
	for i, dir := range dirs {
		for d := dir; d != "." && d != "/"; d = path.Dir(d) {
			ix.folders[d] += counts[i]
		}
	}
}

// page names a page Quartz generates: a folder listing, or a tag page.
type page struct {
	tag  bool
	name string // folded folder path, or folded tag
}

// pageChanges records, for each generated page an update touches, whether it
// existed before the update. Links to a page that appeared or vanished are
// resolved again (they are filed under the page's last path segment).
type pageChanges map[page]bool

func (pc pageChanges) note(p page, existed bool) {
	if pc == nil {
		return
	}
	if _, seen := pc[p]; !seen {
		pc[p] = existed
	}
}

// changedPages lists the name keys of the touched pages whose existence changed.
func (ix *Index) changedPages(pc pageChanges) []string {
	var keys []string
	for p, existed := range pc {
		now := ix.folders[p.name] > 0
		if p.tag {
			now = ix.tagPages[p.name] > 0
		}
		if now != existed {
			keys = append(keys, nameKey(p.name))
		}
	}
	return keys
}

// fileKeys are the name keys a file is found under: its name; a folder's
// index note also by the folder's name; aliases when the profile links by them.
func fileKeys(f *File) []string {
	keys := []string{nameKey(f.Path)}
	if f.Note != nil && strings.EqualFold(path.Base(f.stem), "index") && f.Dir() != "" {
		keys = append(keys, nameKey(f.Dir()))
	}
	if f.Note != nil {
		for _, a := range f.Note.Frontmatter.Aliases {
			if !strings.HasPrefix(a, "#") {
				keys = append(keys, nameKey(a))
			}
		}
	}
	return keys
}

func sameKeys(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (ix *Index) key(f *File) {
	ix.names.changed(f)
	ix.similar.forget()
	for _, k := range f.keys {
		if e := ix.entry(k); !containsFile(e.files, f) {
			if len(e.files) == 0 {
				ix.similar.added(k)
			}
			e.files = append(e.files, f)
		}
	}
}

func (ix *Index) unkey(f *File) { ix.unkeyWith(f, f.keys) }

func (ix *Index) unkeyWith(f *File, keys []string) {
	ix.names.changed(f)
	ix.similar.forget()
	for _, k := range keys {
		e := ix.byName[k]
		if e == nil {
			continue
		}
		// A new array, not an edit in place: ByName hands these lists out.
		for i, g := range e.files {
			if g == f {
				e.files = append(e.files[:i:i], e.files[i+1:]...)
				break
			}
		}
		if len(e.files) == 0 {
			e.files = nil
			ix.similar.removed(k)
		}
		ix.dropIfEmpty(k, e)
	}
}

func containsFile(list []*File, f *File) bool {
	for _, g := range list {
		if g == f {
			return true
		}
	}
	return false
}

// reresolveMentions re-resolves the links, in every note, whose key is one of keys.
func (ix *Index) reresolveMentions(keys []string, changed Changed) {
	seen := map[*File]bool{}
	for _, k := range keys {
		// linkTables below edits the list being walked: walk a copy.
		var mentions []*File
		if e := ix.byName[k]; e != nil {
			mentions = append(mentions, e.mentions...)
		}
		for _, g := range mentions {
			if seen[g] || g.Note == nil {
				continue
			}
			seen[g] = true
			old := g.resolved
			ix.linkTables(g, false)
			now := ix.resolveNote(ix.cfg.Primary(), g)
			g.resolved = now
			ix.linkTables(g, true)
			if !sameResolutions(old, now) {
				changed.add(g)
			}
		}
	}
}

func sameResolutions(a, b []stored) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].status != b[i].status || a[i].target != b[i].target || a[i].candidates != b[i].candidates {
			return false
		}
	}
	return true
}

// linkTables adds (or removes) f's links to the backlink and mention tables.
func (ix *Index) linkTables(f *File, add bool) {
	if add {
		ix.addLinks(f)
		return
	}
	links := f.Note.Links()
	res := f.resolved
	for i := range links {
		l := &links[i]
		if l.External || l.Target == "" {
			continue
		}
		k := l.lookupKey()
		if e := ix.byName[k]; e != nil && len(e.mentions) > 0 {
			e.mentions = without(e.mentions, func(g *File) bool { return g == f })
			ix.dropIfEmpty(k, e)
		}
		if i < len(res) && res[i].status == NoSuchNote && l.Wiki {
			ix.countMissing(l.Target, false)
		}
		if i < len(res) && res[i].target != nil {
			t := res[i].target
			t.backlinks = without(t.backlinks, func(r LinkRef) bool { return r.From == f })
		}
	}
}

// intern lets a link of a new index's note, which no one has seen yet,
// share its entry's key when the link's own was made while parsing (not
// sliced from the text): the copies go (30 MB at 50,000 notes).
func intern(n *Note, l *Link, e *nameEntry) {
	if l.key != "" && !n.holds(l.key) {
		l.key = e.key
	}
}

// without deletes the elements drop matches, in place; nil when none remain.
func without[T any](s []T, drop func(T) bool) []T {
	s = slices.DeleteFunc(s, drop)
	if len(s) == 0 {
		return nil
	}
	return s
}

// addLinks adds f's links to the backlink and mention tables (an edit;
// resolveAll fills them for every note at once).
func (ix *Index) addLinks(f *File) {
	links := f.Note.Links()
	res := f.resolved
	for i := range links {
		l := &links[i]
		if l.External || l.Target == "" {
			continue
		}
		e := ix.entry(l.lookupKey())
		// A note's links are added in one go, so a repeat of the same key
		// sits at the end of the list.
		if len(e.mentions) == 0 || e.mentions[len(e.mentions)-1] != f {
			e.mentions = append(e.mentions, f)
		}
		if i < len(res) && res[i].status == NoSuchNote && l.Wiki {
			ix.countMissing(l.Target, true)
		}
		if i < len(res) && res[i].target != nil {
			t := res[i].target
			t.backlinks = append(t.backlinks, LinkRef{From: f, Index: int32(i), anchored: l.Fragment != ""})
		}
	}
}

func (ix *Index) countMissing(name string, add bool) {
	if add {
		ix.addMissing(name, 1)
		return
	}
	k := fold(name)
	m := ix.missing[k]
	if m == nil {
		return
	}
	if m.Count--; m.Count <= 0 {
		delete(ix.missing, k)
		// The last takes its place in the lists.
		last := len(ix.missingList) - 1
		moved := ix.missingList[last]
		ix.missingList[m.at], ix.missingNames[m.at] = moved, ix.missingNames[last]
		moved.at = m.at
		ix.missingList, ix.missingNames = ix.missingList[:last], ix.missingNames[:last]
		return
	}
	if m.spellings[name]--; m.spellings[name] <= 0 {
		delete(m.spellings, name)
		if name == m.Name {
			m.Name = ""
			for sp := range m.spellings {
				if m.Name == "" || sp < m.Name {
					m.Name = sp
				}
			}
		}
	}
}

// addMissing counts n more links to the missing note name.
func (ix *Index) addMissing(name string, n int) {
	k := fold(name)
	m := ix.missing[k]
	if m == nil {
		m = &Missing{spellings: map[string]int{}, folded: k, at: len(ix.missingList)}
		ix.missing[k] = m
		ix.missingList = append(ix.missingList, m)
		ix.missingNames = append(ix.missingNames, missingName{CharMask(k), PairMask(k), k})
	}
	m.Count += n
	m.spellings[name] += n
	if m.Name == "" || name < m.Name {
		m.Name = name
	}
}

// tagTable adds (or removes) f's tags. Tags are counted before links are
// resolved: Quartz resolves tags/<tag> links to tag pages.
func (ix *Index) tagTable(f *File, add bool, pages pageChanges) {
	for _, t := range f.Note.Tags() {
		k := fold(t.Name)
		if add {
			m := ix.tags[k]
			if m == nil {
				m = map[*File]int{}
				ix.tags[k] = m
				ix.countTagPages(k, 1, pages)
			}
			m[f]++
		} else if m := ix.tags[k]; m != nil {
			if m[f]--; m[f] <= 0 {
				delete(m, f)
			}
			if len(m) == 0 {
				delete(ix.tags, k)
				ix.countTagPages(k, -1, pages)
			}
		}
	}
}

// tagTablesOf counts the tag pages of notes anew and returns what fills
// the tag table with their tags, as tagTable does note by note (see
// tagMaps).
func (ix *Index) tagTablesOf(notes []*File) (fill func()) {
	tags := make([][]int32, len(notes)) // each note's tags, numbered
	number := map[string]int32{}
	var names []string
	var count []int
	for i, f := range notes {
		noteTags := f.Note.Tags()
		if len(noteTags) == 0 {
			continue
		}
		ts := make([]int32, len(noteTags))
		for j, t := range noteTags {
			k := fold(t.Name)
			n, ok := number[k]
			if !ok {
				n = int32(len(names))
				number[k] = n
				names = append(names, k)
				count = append(count, 0)
			}
			count[n]++
			ts[j] = n
		}
		tags[i] = ts
	}
	ix.tagPages = map[string]int{}
	for _, k := range names {
		ix.countTagPages(k, 1, nil)
	}
	return func() {
		maps := tagMaps(notes, count, func(use func(note, tag int)) {
			for i, ts := range tags {
				for _, t := range ts {
					use(i, int(t))
				}
			}
		})
		ix.tags = make(map[string]map[*File]int, len(names))
		for t, k := range names {
			ix.tags[k] = maps[t]
		}
	}
}

// tagMaps makes each tag's map of notes to uses, for the tags numbered 0 to
// len(count), tag t used count[t] times; uses calls use for each use, in
// notes' order. A tag's notes are listed first and its map filled from the
// list, at its size: filled note by note, hundreds of maps took turns and
// each insert missed the cache (4% of a restart at 50,000 notes), and
// growing them one file at a time costs more than the rest. A tag without
// uses has no map.
func tagMaps(notes []*File, count []int, uses func(use func(note, tag int))) []map[*File]int {
	start := make([]int, len(count)+1)
	for t, c := range count {
		start[t+1] = start[t] + c
	}
	users := make([]int32, start[len(count)])
	next := slices.Clone(start[:len(count)])
	uses(func(note, t int) {
		users[next[t]] = int32(note)
		next[t]++
	})
	maps := make([]map[*File]int, len(count))
	for t, c := range count {
		if c == 0 {
			continue
		}
		m := make(map[*File]int, c)
		for _, i := range users[start[t]:start[t+1]] {
			m[notes[i]]++
		}
		maps[t] = m
	}
	return maps
}

// countTagPages counts the tag pages Quartz generates for the tag k: one for
// the tag and one for each parent of a nested tag ("a" and "a/b" for "a/b").
func (ix *Index) countTagPages(k string, delta int, pages pageChanges) {
	for p := k; p != ""; {
		pages.note(page{tag: true, name: p}, ix.tagPages[p] > 0)
		if ix.tagPages[p] += delta; ix.tagPages[p] <= 0 {
			delete(ix.tagPages, p)
		}
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			break
		}
		p = p[:i]
	}
}

// stored is what the index keeps of a link's resolution: enough for
// backlinks and change detection, two words. The rest is recomputed when
// asked (see Snapshot.Resolve).
type stored struct {
	target *File
	// candidates counts an ambiguous link's candidates: a change in that
	// count changes its diagnostic.
	candidates int32
	status     Status
}

func (ix *Index) resolveNote(p Profile, f *File) []stored {
	return ix.resolveNoteWith(p, f, nil)
}

// resolveNoteWith resolves f's links and, when entries is given (one per
// link), records the name entry each link was looked up in.
func (ix *Index) resolveNoteWith(p Profile, f *File, entries []*nameEntry) []stored {
	links := f.Note.Links()
	if len(links) == 0 {
		return nil
	}
	out := make([]stored, len(links))
	for i := range links {
		l := &links[i]
		var e *nameEntry
		if !l.External && l.Target != "" {
			e = ix.byName[l.lookupKey()]
		}
		if entries != nil {
			entries[i] = e
		}
		r := ix.resolveWith(p, f, l, e)
		out[i] = stored{target: r.Target, candidates: int32(len(r.Candidates)), status: r.Status}
	}
	return out
}

// FoldedStem is Stem in lookup form.
func (f *File) FoldedStem() string { return f.foldStem }

// sameFace compares what two versions of a note show the notes that link to
// it: its anchors (headings by text and slug, block ids) and its publish flag.
func sameFace(a, b *Note) (anchors, publish bool) {
	pa, pb := a.Frontmatter.Publish, b.Frontmatter.Publish
	publish = (pa == nil) == (pb == nil) && (pa == nil || *pa == *pb)
	ha, hb, ba, bb := a.Headings(), b.Headings(), a.Blocks(), b.Blocks()
	if len(ha) != len(hb) || len(ba) != len(bb) {
		return false, publish
	}
	for i := range ha {
		if ha[i].Text != hb[i].Text || ha[i].Slug != hb[i].Slug {
			return false, publish
		}
	}
	for i := range ba {
		if ba[i].ID != bb[i].ID {
			return false, publish
		}
	}
	return true, publish
}
