package workspace

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// The index image is the part of the note cache that lets a restart skip
// resolving links, which at 50,000 notes is most of a restart's time (1.5
// million lookups, each a few cache misses). It holds, for the notes of the
// cache file in their order and the vault's other files, every link's
// lookup key and resolution under the primary profile, by ordinal:
//
//	uvarint len, config (JSON of the Config it was resolved under)
//	uvarint notes (the cache file's entries, in order)
//	uvarint assets, each: uvarint len, path
//	uvarint keys, uvarint len, the keys end to end, then each key's length
//	uvarint  links in all
//	links: for each note, uvarint its links, then for each: uvarint key+1
//	       (0: none), uvarint target+1 (0: none; notes, then assets),
//	       uvarint status | candidates<<3
//
// A load whose files match the image, or differ from it in a few notes,
// builds the index from it and applies the differences as edits; any other
// load resolves every link, as without a cache.

// imageConfig is the form in which an image names the Config it was
// resolved under: all of it, so a setting that one day affects resolution
// cannot be forgotten here (a changed severity costs one full resolve).
func imageConfig(cfg Config) string {
	b, err := json.Marshal(cfg)
	if err != nil {
		return "" // cannot happen for this struct; "" never matches a written image
	}
	return string(b)
}

// indexImage is an image read from the cache file, its links not yet decoded.
type indexImage struct {
	config string
	notes  int
	assets []string
	keys   []string
	total  uint64 // links in all
	links  []byte
}

var errBadImage = errors.New("note cache: malformed index image")

// decodeImage reads an image body. The strings are copied out of b.
func decodeImage(b []byte) (*indexImage, error) {
	d := decoder{b: b}
	img := &indexImage{}
	n := d.uvarint()
	if d.bad || n > uint64(len(b)-d.i) {
		return nil, errBadImage
	}
	img.config = string(b[d.i : d.i+int(n)])
	d.i += int(n)
	img.notes = int(d.uvarint())
	if k, ok := d.count(1); ok {
		img.assets = make([]string, k)
		for i := range img.assets {
			n := d.uvarint()
			if d.bad || n > uint64(len(b)-d.i) {
				return nil, errBadImage
			}
			img.assets[i] = string(b[d.i : d.i+int(n)])
			d.i += int(n)
		}
	}
	if d.bad || img.notes > len(b) {
		return nil, errBadImage
	}
	// One allocation for every key: the index's name entries keep them.
	keys, used, err := readStrings(b[d.i:])
	if err != nil {
		return nil, errBadImage
	}
	img.keys = keys
	d.i += used
	img.total = d.uvarint()
	if d.bad || img.total > uint64(len(b)-d.i)/3 {
		return nil, errBadImage
	}
	img.links = b[d.i:]
	return img, nil
}

// imageSource is what an image is written from, taken from the index when
// a load ends: a slice header per note, where encoding the image is a third
// of a second at 50,000 notes, which Save spends later, beside the first
// requests. The index may have changed by then; nothing taken here has: a
// note's links never change once it is indexed, and an edit replaces a
// note's resolutions rather than change them in place.
type imageSource struct {
	config   string
	files    []*File // the recorded notes' files, in their order, then the assets'
	notes    []*Note // the recorded notes
	resolved [][]stored
	assets   []string
}

// takeImage takes the image source of ix for the notes of records, in their
// order, and assets. It fails when the index does not hold exactly those
// files (two paths that differ in case only share a File).
func takeImage(ix *Index, cfg Config, records []cacheRecord, assets []string) (*imageSource, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	src := &imageSource{config: imageConfig(cfg), assets: assets,
		files:    make([]*File, 0, len(records)+len(assets)),
		notes:    make([]*Note, 0, len(records)),
		resolved: make([][]stored, 0, len(records))}
	for _, r := range records {
		f := ix.files[fold(r.path)]
		if f == nil || f.Note != r.note || len(f.resolved) != len(r.note.Links) && len(r.note.Links) > 0 {
			return nil, fmt.Errorf("index image: %s is not the index's note", r.path)
		}
		src.files = append(src.files, f)
		src.notes = append(src.notes, r.note)
		src.resolved = append(src.resolved, f.resolved)
	}
	for _, p := range assets {
		f := ix.files[fold(p)]
		if f == nil || f.Note != nil {
			return nil, fmt.Errorf("index image: %s is not the index's file", p)
		}
		src.files = append(src.files, f)
	}
	if len(src.files) != len(ix.files) {
		return nil, fmt.Errorf("index image: %d files given, the index has %d", len(src.files), len(ix.files))
	}
	return src, nil
}

// encode writes the image. Its key table is every key the index had an
// entry for: each link's and each file's, the ones a fresh index makes.
func (src *imageSource) encode() ([]byte, error) {
	ord := make(map[*File]uint64, len(src.files))
	for i, f := range src.files {
		ord[f] = uint64(i) + 1
	}
	keyIDs := map[string]uint64{}
	var keys []string
	keyID := func(k string) uint64 {
		id, ok := keyIDs[k]
		if !ok {
			keys = append(keys, k)
			id = uint64(len(keys))
			keyIDs[k] = id
		}
		return id
	}
	for i, f := range src.files {
		g := newFile(f.Path)
		if i < len(src.notes) {
			g.Note = src.notes[i]
		}
		for _, k := range fileKeys(g) {
			keyID(k)
		}
	}
	total := 0
	for _, n := range src.notes {
		total += len(n.Links)
	}
	links := binary.AppendUvarint(nil, uint64(total))
	for i, n := range src.notes {
		links = binary.AppendUvarint(links, uint64(len(n.Links)))
		for j := range n.Links {
			l := &n.Links[j]
			k := uint64(0)
			if !l.External && l.Target != "" {
				k = keyID(l.lookupKey())
			}
			s := src.resolved[i][j]
			t := uint64(0)
			if s.target != nil {
				if t = ord[s.target]; t == 0 {
					return nil, fmt.Errorf("index image: a link of %s leads outside the index", n.Path)
				}
			}
			links = binary.AppendUvarint(links, k)
			links = binary.AppendUvarint(links, t)
			links = binary.AppendUvarint(links, uint64(s.status)|uint64(s.candidates)<<3)
		}
	}
	b := appendBytes(nil, src.config)
	b = binary.AppendUvarint(b, uint64(len(src.notes)))
	b = binary.AppendUvarint(b, uint64(len(src.assets))+1)
	for _, p := range src.assets {
		b = appendBytes(b, p)
	}
	b = appendStrings(b, keys)
	return append(b, links...), nil
}

// buildFromImage makes the index an image describes: notes are the cache
// file's notes in its order, which the image's ordinals count. It is
// startFromImage and then finish, one after the other.
func buildFromImage(cfg Config, img *indexImage, notes []*Note) (*Index, error) {
	paths := make([]string, len(notes))
	for i, n := range notes {
		paths[i] = n.Path
	}
	p, err := startFromImage(cfg, img, paths)
	if err != nil {
		return nil, err
	}
	return p.finish(notes)
}

// imagePart is an index built from an image before its notes are decoded:
// every file, resolution, backlink and mention is in place, by path alone;
// finish adds the notes and what is read from them (names, tags, the names
// of missing notes).
type imagePart struct {
	ix      *Index
	img     *indexImage
	files   []*File // the notes in the image's order, then the assets
	notes   int
	first   []int    // each note's first link, in all its links
	missing [][2]int // the wikilinks to no note, as note and link, if wikilinks
}

// startFromImage builds what an image says without the notes, whose paths
// are paths in the image's order, so that it goes on beside their decoding.
// Nothing is resolved; the tables are filled from the stored resolutions,
// as Bulk fills them from fresh ones. An image that does not fit is an
// error (the caller then resolves as usual).
func startFromImage(cfg Config, img *indexImage, paths []string) (*imagePart, error) {
	if img.notes != len(paths) {
		return nil, fmt.Errorf("index image: %d notes, the cache has %d", img.notes, len(paths))
	}
	ix := newIndexSized(cfg, len(paths)+len(img.assets), len(img.keys))
	p := &imagePart{ix: ix, img: img, notes: len(paths), files: make([]*File, len(paths)+len(img.assets))}
	files := p.files
	parallel(len(files), func(i int) {
		if i < len(paths) {
			files[i] = newFile(paths[i])
			return
		}
		f := newFile(img.assets[i-len(paths)])
		f.keys = fileKeys(f)
		files[i] = f
	})
	for _, f := range files {
		ix.files[f.foldPath] = f
		ix.countFolders(f, 1, nil)
	}
	if len(ix.files) != len(files) {
		return nil, errors.New("index image: two files share a path")
	}
	entries := make([]*nameEntry, len(img.keys))
	for i, k := range img.keys {
		entries[i] = ix.entry(k)
	}
	for _, f := range files[len(paths):] {
		ix.key(f)
	}

	// The links' part of the image, read in order: resolutions into each
	// note's table, key and target ordinals for the tables. One array holds
	// every note's resolutions; each note's part is capped, so an edit that
	// replaces them cannot write into a neighbour's.
	d := decoder{b: img.links}
	p.first = make([]int, len(paths)+1)
	all := make([]stored, img.total)
	keyOrd := make([]uint32, len(all))
	tgtOrd := make([]uint32, len(all))
	for n, f := range files[:len(paths)] {
		k := d.uvarint()
		if d.bad || k > uint64(len(all)-p.first[n]) {
			return nil, errBadImage
		}
		p.first[n+1] = p.first[n] + int(k)
		res := all[p.first[n]:p.first[n+1]:p.first[n+1]]
		for i := range res {
			key, t, s := d.uvarint(), d.uvarint(), d.uvarint()
			if d.bad || key > uint64(len(entries)) || t > uint64(len(files)) || s&7 > uint64(OutsideVault) || s>>3 > uint64(len(files)) {
				return nil, errBadImage
			}
			if t > 0 {
				res[i].target = files[t-1]
			}
			res[i].status = Status(s & 7)
			res[i].candidates = int32(s >> 3)
			keyOrd[p.first[n]+i] = uint32(key)
			tgtOrd[p.first[n]+i] = uint32(t)
			if res[i].status == NoSuchNote && key != 0 {
				p.missing = append(p.missing, [2]int{n, i})
			}
		}
		if len(res) > 0 {
			f.resolved = res
		}
	}
	if d.i != len(d.b) || p.first[len(paths)] != len(all) {
		return nil, errBadImage
	}
	// The links' keys are not checked against the image's: both were
	// written by one Save, under checksums, and reading every link again
	// would cost a cache miss each. The decoded keys share the cache file's
	// table, so there is nothing to intern either.
	linkTablesFrom(files[:len(paths)], files, entries, p.first, keyOrd, tgtOrd)
	return p, nil
}

// finish adds the decoded notes, which must be the image's in its order.
func (p *imagePart) finish(notes []*Note) (*Index, error) {
	if len(notes) != p.notes {
		return nil, fmt.Errorf("index image: %d notes, the cache has %d", p.notes, len(notes))
	}
	ix, files := p.ix, p.files
	for i, n := range notes {
		if n.Path != files[i].Path || len(n.Links) != p.first[i+1]-p.first[i] {
			return nil, fmt.Errorf("index image: %s is not the image's note", n.Path)
		}
	}
	parallel(len(notes), func(i int) {
		f, n := files[i], notes[i]
		f.Note = n
		f.FoldedTitle = fold(n.Title)
		f.keys = fileKeys(f)
	})
	tags := make(chan struct{})
	go func() {
		defer close(tags)
		for _, f := range files[:len(notes)] {
			ix.tagTable(f, true, nil)
		}
	}()
	for _, f := range files[:len(notes)] {
		ix.key(f)
	}
	for _, at := range p.missing {
		if l := &notes[at[0]].Links[at[1]]; l.Wiki {
			ix.countMissing(l.Target, true)
		}
	}
	<-tags
	for k, e := range ix.byName {
		ix.dropIfEmpty(k, e) // none in an image written by encodeImage
	}
	return ix, nil
}

// linkTablesFrom fills the backlinks and mentions of the links of notes, whose key and target ordinals (in entries and files) are
// keyOrd and tgtOrd from first[i] for notes[i]. The lists are counted first,
// then filled in one array each, capped per list: appending to 1.5 million
// lists one element at a time is most of what building from an image would
// cost otherwise.
func linkTablesFrom(notes, files []*File, entries []*nameEntry, first []int, keyOrd, tgtOrd []uint32) {
	nback := make([]int32, len(files))
	nment := make([]int32, len(entries))
	last := make([]int32, len(entries)) // the last note (+1) counted for a key
	for i := range notes {
		for at := first[i]; at < first[i+1]; at++ {
			key := keyOrd[at]
			if key == 0 {
				continue // external, or to its own note: in no table, as in addLinks
			}
			if last[key-1] != int32(i)+1 {
				last[key-1] = int32(i) + 1
				nment[key-1]++
			}
			if t := tgtOrd[at]; t != 0 {
				nback[t-1]++
			}
		}
	}
	backs := make([]LinkRef, 0, len(keyOrd))
	for i, f := range files {
		if nback[i] > 0 {
			f.backlinks = backs[len(backs) : len(backs) : len(backs)+int(nback[i])]
			backs = backs[:len(backs)+int(nback[i])]
		}
	}
	ments := make([]*File, 0, len(keyOrd))
	for i, e := range entries {
		if nment[i] > 0 {
			e.mentions = ments[len(ments) : len(ments) : len(ments)+int(nment[i])]
			ments = ments[:len(ments)+int(nment[i])]
		}
	}
	for i, f := range notes {
		for j := range first[i+1] - first[i] {
			at := first[i] + j
			key := keyOrd[at]
			if key == 0 {
				continue
			}
			if e := entries[key-1]; len(e.mentions) == 0 || e.mentions[len(e.mentions)-1] != f {
				e.mentions = append(e.mentions, f)
			}
			if t := tgtOrd[at]; t != 0 {
				files[t-1].backlinks = append(files[t-1].backlinks, LinkRef{f, j})
			}
		}
	}
}

// parallel calls fn(i) for every i below n on all cores, in chunks.
func parallel(n int, fn func(i int)) {
	const chunk = 64
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, n)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(chunk)) - chunk
				if i >= n {
					return
				}
				for j := i; j < min(i+chunk, n); j++ {
					fn(j)
				}
			}
		}()
	}
	wg.Wait()
}

// slices0 returns s resized to n zeroed elements, reusing its array.
func slices0[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// imageDiffLimit is how many files a load may differ from the image in and
// still start from it: each difference is an edit, which re-resolves the
// links its names touch, and past some thousands a full resolve is cheaper.
func imageDiffLimit(notes int) int { return max(64, notes/8) }

// imageBuild is an index being built from the cache's image while the
// load scans the vault: building needs only the cache, and on two cores the
// scan and the build take one each.
type imageBuild struct {
	done chan struct{}
	ix   *Index
	err  error
}

// startImage starts building the index the cache's image describes, when
// there is one for cfg; nil when there is none.
func (c *NoteCache) startImage(cfg Config) *imageBuild {
	if c == nil {
		return nil
	}
	// The collector's pause is taken before the read's ends, so that it is
	// not turned back on in between (turning it off again waits for the
	// collection that started meanwhile).
	resume := pauseGC()
	c.waitFramed()
	if c.framedImage == nil {
		resume()
		return nil
	}
	img, err := decodeImage(c.framedImage)
	if err != nil || img.config != imageConfig(cfg) {
		resume()
		return nil
	}
	b := &imageBuild{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		defer resume()
		// What the image says by path goes on beside the notes' decoding;
		// the notes are added once they are all there, and intact.
		part, err := startFromImage(cfg, img, c.framedPaths)
		c.wait()
		switch {
		case err != nil:
			b.err = err
		case c.image == nil:
			b.err = errors.New("index image: the cache file is damaged")
		default:
			b.ix, b.err = part.finish(c.ordered)
		}
	}()
	return b
}

// wait waits for the build to end, and returns its error (nil without a build).
func (b *imageBuild) wait() error {
	if b == nil {
		return errors.New("index image: none")
	}
	<-b.done
	return b.err
}

// finish waits for the image's index and brings it to the load's files:
// files gone, files new and notes changed are applied as edits, which it
// counts. It returns nil when the image cannot serve (it
// did not fit, or the files differ in too many places); the load then
// resolves every link.
func (b *imageBuild) finish(c *NoteCache, notes []*Note, assets []string) (_ *Index, edits int) {
	if b.wait() != nil {
		return nil, 0
	}
	seen := make([]bool, len(c.ordered))
	var changed []*Note
	for _, n := range notes {
		e, ok := c.entries[n.Path]
		if ok {
			seen[e.ord] = true
		}
		if !ok || e.note != n {
			changed = append(changed, n)
		}
	}
	var gone, added []string
	for i, s := range seen {
		if !s {
			gone = append(gone, c.ordered[i].Path)
		}
	}
	was := map[string]bool{}
	for _, f := range b.ix.files {
		if f.Note == nil {
			was[f.Path] = true
		}
	}
	for _, p := range assets {
		if !was[p] {
			added = append(added, p)
		}
		delete(was, p)
	}
	for p := range was {
		gone = append(gone, p)
	}
	edits = len(changed) + len(gone) + len(added)
	if edits > imageDiffLimit(len(notes)) {
		return nil, 0
	}
	ix := b.ix
	for _, p := range gone {
		ix.Remove(p)
	}
	for _, p := range added {
		ix.SetFile(p)
	}
	for _, n := range changed {
		ix.SetNote(n)
	}
	return ix, edits
}

// recordImage keeps, for Save, what the image of the index a load built
// from the notes it recorded (record) and assets is made of. An index built
// from the file's image without a difference keeps that image, when the
// notes are recorded in the file's order; any other is taken anew, and Save
// then writes.
func (c *NoteCache) recordImage(ix *Index, cfg Config, assets []string, exact bool) {
	c.mu.Lock()
	next := c.next
	c.mu.Unlock()
	if exact && len(next) == len(c.ordered) {
		same := true
		for i, r := range next {
			if r.note != c.ordered[i] {
				same = false
				break
			}
		}
		if same {
			c.mu.Lock()
			c.nextImage, c.nextSource = c.image, nil
			c.mu.Unlock()
			return
		}
	}
	// Without a source (an index whose files cannot be counted), the notes
	// are still saved; the next start resolves every link again.
	src, _ := takeImage(ix, cfg, next, assets)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextImage, c.nextSource = nil, src
}
