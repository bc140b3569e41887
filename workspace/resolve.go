package workspace

import (
	"path"
	"sort"
	"strings"
	"unicode/utf8"
)

// Status says how a link resolved.
type Status uint8

const (
	Resolved      Status = iota
	External             // a URL: kept, never resolved
	NoSuchNote           // no note or file matches
	NoSuchHeading        // the note exists, the heading does not
	NoSuchBlock          // the note exists, the ^block does not
	Ambiguous            // several candidates; Target is the one the tool picks, or nil
	OutsideVault         // a relative path that climbs out of the vault
)

var statusNames = [...]string{"resolved", "external", "no-such-note", "no-such-heading", "no-such-block", "ambiguous", "outside-vault"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// OK reports a link that leads somewhere (an ambiguous link that a tool still
// follows counts: it is a warning, not a broken link).
func (r Resolution) OK() bool {
	return r.Status == Resolved && (r.Target != nil || r.Page != "") || r.Status == External || (r.Status == Ambiguous && r.Target != nil)
}

// Resolution is where a link leads under one profile, or exactly why it does not.
type Resolution struct {
	Status  Status
	Profile Profile
	Target  *File // the note or file; nil when broken or a generated page
	// Page names a page the publisher generates rather than a file: Quartz's
	// folder listings ("folder") and tag pages ("tag").
	Page    string
	Heading *Heading // the heading a #fragment names
	Block   *Block   // the block a #^id names
	// Candidates lists every match of an ambiguous link, sorted by path.
	Candidates []*File
	// Wanted is the vault path the link was looking for, for messages.
	Wanted string
	// ResolvesUnder lists the other configured profiles under which a link
	// that fails here does resolve (set by Snapshot.Resolve).
	ResolvesUnder []Profile
}

// resolvePath resolves the path part of a link under profile p.
func (ix *Index) resolvePath(p Profile, from *File, l *Link) Resolution {
	var e *nameEntry
	if !l.External && l.Target != "" {
		e = ix.byName[l.lookupKey()]
	}
	return ix.resolveWith(p, from, l, e)
}

// resolveWith is resolvePath with the link's name entry (nil: none) already
// looked up, which building an index also needs.
func (ix *Index) resolveWith(p Profile, from *File, l *Link, e *nameEntry) Resolution {
	var cands []*File
	if e != nil {
		cands = e.files
	}
	if l.External {
		return Resolution{Status: External, Profile: p}
	}
	p = linkProfile(p, l)
	if l.Target == "" {
		return Resolution{Status: Resolved, Profile: p, Target: from}
	}
	switch p {
	case ProfileQuartz:
		return ix.resolveQuartz(from, l, cands)
	case ProfileCommonMark:
		return ix.resolveCommonMark(from, l, cands)
	default:
		return ix.resolveObsidian(from, l, cands)
	}
}

// linkProfile is the profile a link resolves under: GitHub has no
// wikilinks, so under commonmark they follow Obsidian's rule, headings included.
func linkProfile(p Profile, l *Link) Profile {
	if p == ProfileCommonMark && l.Wiki {
		return ProfileObsidian
	}
	return p
}

// joinVault joins a relative target to dir and reports whether it escapes the
// vault. A leading '/' of target is just a separator here (Quartz's relative
// strategy drops empty segments).
func joinVault(dir, target string) (string, bool) {
	j := strings.TrimPrefix(path.Join(dir, target), "/")
	if j == ".." || strings.HasPrefix(j, "../") {
		return j, false
	}
	if j == "." {
		j = ""
	}
	return j, true
}

func isRelative(t string) bool {
	return t == "." || t == ".." || strings.HasPrefix(t, "./") || strings.HasPrefix(t, "../")
}

// obsidian: './' and '../' relative to the file only; '/' from the root;
// otherwise the exact vault path, then the note's own folder, then the
// shortest path ending in the target. Case-insensitive, '.md' optional.
func (ix *Index) resolveObsidian(from *File, l *Link, cands []*File) Resolution {
	t := strings.TrimSuffix(l.Target, "/")
	r := Resolution{Status: NoSuchNote, Profile: ProfileObsidian}
	// match prefers the file named exactly (an asset "a" over a note "a.md"
	// for the link "a"), then the note without its extension; between equals
	// ("a.md" and "a.markdown"), the first by path, whatever the table's order.
	match := func(dir, want string) *File {
		var best *File
		bestRank := 0
		ascii := isASCII(dir) && isASCII(want)
		for _, f := range cands {
			rank := 0
			switch {
			case foldedIs(f.foldPath, dir, want, ascii):
				rank = 2
			case f.Note != nil && foldedIs(f.foldStem, dir, want, ascii):
				rank = 1
			}
			if rank > bestRank || (rank == bestRank && rank > 0 && f.Path < best.Path) {
				best, bestRank = f, rank
			}
		}
		return best
	}
	switch {
	case isRelative(t):
		want, ok := joinVault(from.Dir(), t)
		r.Wanted = want
		if !ok {
			r.Status = OutsideVault
			return r
		}
		return found(r, match("", want))
	case strings.HasPrefix(t, "/"):
		r.Wanted = strings.TrimPrefix(path.Clean(t), "/")
		return found(r, match("", r.Wanted))
	}
	r.Wanted = path.Clean(t)
	if f := match("", r.Wanted); f != nil {
		return found(r, f)
	}
	if d := from.Dir(); d != "" {
		if f := match(d, r.Wanted); f != nil {
			return found(r, f)
		}
	}
	// Most names end one path: the hits go in a buffer on the stack, not on
	// the heap for each link resolved (completion resolves a hundred).
	var buf [4]*File
	hits := buf[:0]
	ascii := isASCII(r.Wanted)
	for _, f := range cands {
		if foldedHasPathSuffix(f.foldPath, r.Wanted, ascii) || (f.Note != nil && foldedHasPathSuffix(f.foldStem, r.Wanted, ascii)) {
			hits = append(hits, f)
		}
	}
	return pick(r, hits)
}

// foldedIs reports whether folded (a fold()ed path) is fold(dir + "/" +
// name), or fold(name) when dir is "". Resolution runs this for every
// candidate of every link: it compares in place for ASCII (ascii says dir
// and name are) instead of building and folding the path.
func foldedIs(folded, dir, name string, ascii bool) bool {
	if !ascii {
		if dir != "" {
			name = dir + "/" + name
		}
		return folded == fold(name)
	}
	if dir == "" {
		return asciiFoldedEqual(folded, name)
	}
	return len(folded) == len(dir)+1+len(name) && folded[len(dir)] == '/' &&
		asciiFoldedEqual(folded[:len(dir)], dir) && asciiFoldedEqual(folded[len(dir)+1:], name)
}

// foldedHasPathSuffix reports whether folded ends in "/" + fold(name);
// ascii says name is.
func foldedHasPathSuffix(folded, name string, ascii bool) bool {
	if !ascii {
		return strings.HasSuffix(folded, "/"+fold(name))
	}
	n := len(folded) - len(name)
	return n > 0 && folded[n-1] == '/' && asciiFoldedEqual(folded[n:], name)
}

// asciiFoldedEqual reports whether folded is the ASCII lower case of s.
func asciiFoldedEqual(folded, s string) bool {
	if len(folded) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if folded[i] != c {
			return false
		}
	}
	return true
}

// quartz: links are slugs (case-sensitive, spaces as '-'). 'relative' joins to
// the note's folder; 'absolute' reads from the root; 'shortest' takes a bare
// name when exactly one file has it, else the path from the root. Aliases are
// pages too, in their note's folder. Where no file is, Quartz may still
// generate a page: a tag page (tags/<tag>) or a folder listing, whose
// index.md, if the folder has one, is the note shown there.
func (ix *Index) resolveQuartz(from *File, l *Link, cands []*File) Resolution {
	r := Resolution{Status: NoSuchNote, Profile: ProfileQuartz}
	t := strings.TrimSuffix(l.Target, "/")
	// match prefers the file at the slug, then a folder's index note, then a
	// note with that alias; between equals (two notes with one alias), the
	// first by path, whatever the table's order.
	match := func(want string) *File {
		w := quartzSlug(want)
		var best *File
		bestRank := 0
		for _, f := range cands {
			rank := 0
			switch {
			case quartzSlug(f.Path) == w:
				rank = 3
			case f.Note != nil && quartzSlug(f.stem) == w+"/index":
				rank = 2
			case f.Note != nil:
				for _, a := range f.Note.Frontmatter.Aliases {
					if quartzSlug(path.Join(f.Dir(), a)) == w {
						rank = 1
						break
					}
				}
			}
			if rank > bestRank || (rank == bestRank && rank > 0 && f.Path < best.Path) {
				best, bestRank = f, rank
			}
		}
		return best
	}
	var hits []*File
	if ix.cfg.QuartzResolution == QuartzRelative {
		want, ok := joinVault(from.Dir(), t)
		r.Wanted = want
		if !ok {
			r.Status = OutsideVault
			return r
		}
	} else {
		// Quartz drops "./" and "../" segments under absolute and shortest
		// and reads the rest from the root.
		var segs []string
		climbs := false
		for _, s := range strings.Split(t, "/") {
			climbs = climbs || s == ".."
			if s != "" && s != "." && s != ".." {
				segs = append(segs, s)
			}
		}
		r.Wanted = strings.Join(segs, "/")
		// 'shortest': a bare name (or "./name"; with a "../" Quartz keeps a
		// "./" prefix that no file name matches) that exactly one file has.
		if ix.cfg.QuartzResolution != QuartzAbsolute && len(segs) == 1 && !climbs {
			name := quartzSlug(segs[0])
			for _, f := range cands {
				if quartzSlug(path.Base(f.Path)) == name {
					hits = append(hits, f)
					continue
				}
				if f.Note != nil {
					for _, a := range f.Note.Frontmatter.Aliases {
						if quartzSlug(path.Base(a)) == name {
							hits = append(hits, f)
							break
						}
					}
				}
			}
			if len(hits) == 1 {
				return found(r, hits[0])
			}
		}
	}
	if f := match(r.Wanted); f != nil {
		return found(r, f)
	}
	if page := ix.quartzPage(r.Wanted); page != "" {
		r.Status, r.Page = Resolved, page
		return r
	}
	if len(hits) > 1 {
		// Quartz falls back to the path from the root, which is not there.
		r.Status = Ambiguous
		r.Candidates = sortedFiles(hits)
	}
	return r
}

// quartzPage says whether Quartz generates a page at slug: a tag page under
// tags/ for a tag some note uses (or a parent of a nested one), or a listing
// for a folder that has files.
func (ix *Index) quartzPage(slug string) string {
	if slug == "tags" {
		return "tag"
	}
	if tag, ok := strings.CutPrefix(slug, "tags/"); ok {
		if ix.tagPages[fold(tag)] > 0 {
			return "tag"
		}
	}
	if ix.folders[fold(slug)] > 0 {
		return "folder"
	}
	return ""
}

// commonmark (GitHub): markdown links are paths relative to the file, or to
// the repository root with '/'; exact, case-sensitive, extension included.
func (ix *Index) resolveCommonMark(from *File, l *Link, cands []*File) Resolution {
	r := Resolution{Status: NoSuchNote, Profile: ProfileCommonMark}
	t := strings.TrimSuffix(l.Target, "/")
	var want string
	if strings.HasPrefix(t, "/") {
		want = strings.TrimPrefix(path.Clean(t), "/")
	} else {
		w, ok := joinVault(from.Dir(), t)
		want = w
		if !ok {
			r.Wanted = w
			r.Status = OutsideVault
			return r
		}
	}
	r.Wanted = want
	w := nfc(want)
	for _, f := range cands {
		if nfc(f.Path) == w {
			return found(r, f)
		}
	}
	return r
}

func found(r Resolution, f *File) Resolution {
	if f != nil {
		r.Status = Resolved
		r.Target = f
	}
	return r
}

// pick chooses among suffix matches the one with the shortest path (then by
// name); more than one match is ambiguous.
func pick(r Resolution, hits []*File) Resolution {
	switch len(hits) {
	case 0:
		return r
	case 1:
		return found(r, hits[0])
	}
	// A copy: the caller's hits may be on its stack.
	sorted := sortedFiles(hits)
	best := sorted[0]
	for _, f := range sorted[1:] {
		if strings.Count(f.Path, "/") < strings.Count(best.Path, "/") {
			best = f
		}
	}
	r.Status = Ambiguous
	r.Target = best
	r.Candidates = sorted
	return r
}

func sortedFiles(fs []*File) []*File {
	out := append([]*File(nil), fs...)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// resolveFragment checks a #heading or #^block against the target note.
func resolveFragment(p Profile, r Resolution, l *Link) Resolution {
	if l.Fragment == "" || r.Target == nil || r.Target.Note == nil {
		return r
	}
	n := r.Target.Note
	frag := l.Fragment
	// GitHub has no block ids: there "#^id" is a heading anchor no heading has.
	if strings.HasPrefix(frag, "^") && p != ProfileCommonMark {
		id := frag[1:]
		blocks := n.Blocks()
		for i := range blocks {
			if strings.EqualFold(blocks[i].ID, id) {
				r.Block = &blocks[i]
				return r
			}
		}
		r.Status = NoSuchBlock
		return r
	}
	if h := FindHeading(p, n, frag); h != nil {
		r.Heading = h
		return r
	}
	r.Status = NoSuchHeading
	return r
}

// FindHeading finds the heading a fragment names under profile p. Obsidian
// matches the heading text (case-insensitive; in [[A#B#C]] the last part) and
// also accepts GitHub slugs; Quartz and GitHub compare slugs.
func FindHeading(p Profile, n *Note, frag string) *Heading {
	if i := strings.LastIndexByte(frag, '#'); i >= 0 && p != ProfileCommonMark {
		frag = frag[i+1:]
	}
	frag = strings.TrimSpace(frag)
	slug := Slug(frag)
	folded := fold(collapseSpace(frag))
	headings := n.Headings()
	for i := range headings {
		h := &headings[i]
		switch p {
		case ProfileCommonMark:
			if fold(frag) == h.Slug {
				return h
			}
		case ProfileQuartz:
			if slug == h.Slug || frag == h.Slug {
				return h
			}
		default:
			if foldedText(folded, h.Text) || frag == h.Slug || slug == h.Slug {
				return h
			}
		}
	}
	return nil
}

// collapseSpace turns runs of white space into one space and trims the ends.
func collapseSpace(s string) string {
	if collapsed(s) {
		return s // headings' text already is: no copy for each link that names one
	}
	return strings.Join(strings.Fields(s), " ")
}

// collapsed reports whether s has only single ASCII spaces between words.
func collapsed(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		case c < ' ' || c >= utf8.RuneSelf:
			return false // a control or a non-ASCII character, which may be a space
		}
	}
	return true
}

// foldedText reports whether fold(collapseSpace(text)) is folded, without
// building it when text is ASCII.
func foldedText(folded, text string) bool {
	text = collapseSpace(text)
	if isASCII(text) {
		return asciiFoldedEqual(folded, text)
	}
	return fold(text) == folded
}
