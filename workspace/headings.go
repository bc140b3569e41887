package workspace

import (
	"slices"
	"sort"
	"strings"
)

// headingText is notes' headings, folded, end to end, each followed by a
// '\n' (which no heading holds). A workspace symbol search scans it with
// strings.Index instead of visiting 200,000 headings note by note: at 50,000
// notes that took 53 ms, half of it cache misses on the way to each note.
type headingText struct {
	text string
	ends []int32 // ends[i]: the offset of the '\n' after heading i
	refs []headingRef
}

// headingRef is heading i of a file's note.
type headingRef struct {
	file *File
	i    int32
}

// headingIndex is every note's headings: the text built on first use, less
// the files changed since (stale: edited headings, files added or removed),
// whose headings are in a second, small text. Building the whole text again
// at 50,000 notes took 80 ms, which the first search after a heading edit,
// or a note added, waited for.
type headingIndex struct {
	base  *headingText
	stale map[*File]bool
	added *headingText // the stale files' headings; nil until a reader builds it
}

// maxStaleHeadings is how many files' headings are kept apart before the
// whole text is built again.
func maxStaleHeadings(base *headingText) int { return max(64, len(base.refs)/256) }

// headingsChanged notes that f's headings may differ: they were edited, or f
// was added or removed. The index holds its write lock.
func (t *nameTable) headingsChanged(f *File) {
	t.headingsMu.Lock()
	defer t.headingsMu.Unlock()
	h := t.headings
	if h == nil {
		return // built from the files when first needed
	}
	if h.stale == nil {
		h.stale = map[*File]bool{}
	}
	h.stale[f] = true
	h.added = nil
	if len(h.stale) > maxStaleHeadings(h.base) {
		t.headings = nil
	}
}

// buildHeadingText makes the text of the headings of files' notes.
func buildHeadingText(files []*File) *headingText {
	t := &headingText{}
	size, count := 0, 0
	for _, f := range files {
		if n := f.Note; n != nil {
			for _, h := range n.Headings() {
				size += len(h.Text) + 1
			}
			count += len(n.Headings())
		}
	}
	b := make([]byte, 0, size)
	t.ends = make([]int32, 0, count)
	t.refs = make([]headingRef, 0, count)
	for _, f := range files {
		if f.Note == nil {
			continue
		}
		for j, h := range f.Note.Headings() {
			if isASCII(h.Text) {
				// fold without a string of its own per heading
				for k := 0; k < len(h.Text); k++ {
					c := h.Text[k]
					if c >= 'A' && c <= 'Z' {
						c += 'a' - 'A'
					}
					b = append(b, c)
				}
			} else {
				b = append(b, fold(h.Text)...)
			}
			t.ends = append(t.ends, int32(len(b)))
			b = append(b, '\n')
			t.refs = append(t.refs, headingRef{f, int32(j)})
		}
	}
	t.text = string(b)
	return t
}

// FindHeadings calls fn with each note heading whose folded text holds query
// (folded, see Fold), in no particular order, until fn returns false.
func (s *Snapshot) FindHeadings(query string, fn func(f *File, h *Heading) bool) {
	s.FindHeadingsAt(query, func(f *File, h *Heading, _ string, _ int) bool { return fn(f, h) })
}

// FindHeadingsAt is FindHeadings, which also passes the heading's folded
// text and where query first is in it: a ranking scores the match without
// folding each of the thousands of headings a short query finds.
func (s *Snapshot) FindHeadingsAt(query string, fn func(f *File, h *Heading, folded string, at int) bool) {
	if query == "" || strings.IndexByte(query, '\n') >= 0 {
		return
	}
	h := s.headingIndex()
	if h.base.find(query, h.stale, fn) && h.added != nil {
		h.added.find(query, nil, fn)
	}
}

// find calls fn with each heading of t that holds query, except those of
// the files in skip, until fn returns false; it reports whether fn did not.
func (t *headingText) find(query string, skip map[*File]bool, fn func(f *File, h *Heading, folded string, at int) bool) bool {
	for from := 0; from < len(t.text); {
		k := strings.Index(t.text[from:], query)
		if k < 0 {
			return true
		}
		at := from + k
		i := sort.Search(len(t.ends), func(i int) bool { return int(t.ends[i]) > at })
		start := 0
		if i > 0 {
			start = int(t.ends[i-1]) + 1
		}
		from = int(t.ends[i]) + 1
		r := t.refs[i]
		if skip[r.file] {
			continue
		}
		// The stale files are skipped, so the heading is there; a stale
		// text must not crash the server all the same.
		if n := r.file.Note; n != nil && int(r.i) < len(n.Headings()) && !fn(r.file, &n.Headings()[r.i], t.text[start:t.ends[i]], at-start) {
			return false
		}
	}
	return true
}

// WarmHeadings builds what FindHeadings reads, if it is not built: at 50,000
// notes 80 ms, which the first workspace symbol search would wait for.
func (s *Snapshot) WarmHeadings() { s.headingIndex() }

// headingIndex builds the headings' text, or the stale files' part of it.
// The files cannot change under the snapshot's read lock: the first reader
// after a change builds what changed, before any reader uses it.
func (s *Snapshot) headingIndex() *headingIndex {
	t := &s.ix.names
	t.headingsMu.Lock()
	defer t.headingsMu.Unlock()
	h := t.headings
	if h == nil {
		files := make([]*File, 0, len(s.ix.files))
		for _, f := range s.ix.files {
			files = append(files, f)
		}
		h = &headingIndex{base: buildHeadingText(files)}
		t.headings = h
	}
	if h.added == nil && len(h.stale) > 0 {
		var files []*File
		for f := range h.stale {
			if s.ix.files[f.foldPath] == f {
				files = append(files, f)
			}
		}
		slices.SortFunc(files, func(a, b *File) int { return strings.Compare(a.foldPath, b.foldPath) })
		h.added = buildHeadingText(files)
	}
	return h
}
