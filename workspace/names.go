package workspace

import (
	"encoding/binary"
	"slices"
	"strings"
	"sync"
)

// NameEntry is a file as completion sees it: its names in lookup form.
// The strings of all entries share one buffer, so a scan over a large vault
// reads memory in order instead of chasing a pointer per note.
type NameEntry struct {
	File  *File
	Stem  string // folded path without a note extension
	Title string // folded title; "" for a file that is not a note
	// Aliases holds the folded aliases that can be linked, each followed by
	// a NUL; "" when there are none.
	Aliases string
	// Mask is CharMask of Stem and Title together, AliasMask of Aliases: a
	// query with a byte neither has cannot match, and most names are ruled
	// out so without being searched.
	Mask, AliasMask uint64
	// IsNote is File.IsNote, Label File.Label and Path File.Path, kept
	// here so that a scan reads no File (a cache miss each).
	IsNote      bool
	Label, Path string
	// LabelKey and PathKey are OrderKey of Label and Path: ranking compares
	// the labels of thousands of tied matches, and most differ in the key.
	LabelKey, PathKey uint64
}

// OrderKey is s's first eight bytes, big-endian, zero-padded: two keys that
// differ order their strings as strings.Compare does, without reading them
// (equal keys say nothing).
func OrderKey(s string) uint64 {
	var b [8]byte
	copy(b[:], s)
	return binary.BigEndian.Uint64(b[:])
}

// CharMask is the set of bytes s holds, in 64 classes: one for each letter
// and digit, the rest sharing the others. That t's mask is not within s's
// proves that t is neither a substring nor a subsequence of s.
func CharMask(s string) uint64 {
	var m uint64
	for i := 0; i < len(s); i++ {
		m |= 1 << charClass(s[i])
	}
	return m
}

// PairMask is the set of pairs of adjacent bytes s holds, hashed into 64
// bits. A query with a pair that t's mask lacks is not a substring of t (it
// may still be a subsequence). Over the missing notes of a 10,000-note vault
// and forty three-letter queries, CharMask let 30% of the names through, both
// masks 8%; 2.4% held the query.
func PairMask(s string) uint64 {
	var m uint64
	for i := 1; i < len(s); i++ {
		m |= 1 << pairBit(s[i-1], s[i])
	}
	return m
}

func pairBit(a, b byte) uint {
	return uint((uint32(a)<<8|uint32(b))*0x9E3779B1) >> 26
}

func charClass(c byte) uint {
	switch {
	case c >= 'a' && c <= 'z':
		return uint(c - 'a')
	case c >= '0' && c <= '9':
		return 26 + uint(c-'0')
	}
	return 36 + uint(c)%28
}

// nameTable is built on first use and kept up to date as files change (see
// namechange.go): rebuilding it at 50,000 notes took 120 ms, which the first
// completion after a note was added or retitled waited for.
type nameTable struct {
	mu      sync.Mutex
	entries []NameEntry
	// text holds the names of the entries build made, the first base, end
	// to end, each followed by a NUL (which no name holds): stem, title,
	// then aliases. starts[i] is where entry i's begin; one more ends the
	// last. An entry added since has its names in extra[i-base].
	text   string
	starts []int32
	base   int
	extra  []string
	// pending are the files whose names may have changed since the table
	// was brought up to date; the next reader applies them.
	pending map[*File]struct{}
	byTitle []*File // see FilesByTitle
	// grams is built by WarmNames (after the index) or on the first
	// FindNames of two bytes or more.
	grams *nameTableGrams
	// exact is built on the first FindPhrase.
	exact []exactName

	// headings has a lock of its own: building it takes tens of
	// milliseconds on a large vault, which completion must not wait for.
	headingsMu sync.Mutex
	headings   *headingIndex // see FindHeadings
}

// drop forgets the table, to be built again on first use; t.mu is held.
func (t *nameTable) drop() {
	t.entries, t.text, t.starts, t.base, t.extra = nil, "", nil, 0, nil
	t.byTitle, t.grams, t.exact, t.pending = nil, nil, nil, nil
}

// FilesByTitle lists the notes by title, then the other files by path: the
// order completion offers them in before anything is typed, kept so that
// "[[" in a large vault takes the first hundred instead of ranking them all.
func (s *Snapshot) FilesByTitle() []*File {
	t := &s.ix.names
	t.mu.Lock()
	defer t.mu.Unlock()
	t.update(s.ix.files)
	if t.byTitle == nil {
		t.byTitle = sortByTitle(s.ix.files)
	}
	return t.byTitle
}

func sortByTitle(files map[string]*File) []*File {
	// Sorted by a key of each label first: comparing two labels reads two
	// notes (a cache miss each), and most labels differ in the key.
	type sortable struct {
		f    *File
		key  uint64
		note bool
	}
	list := make([]sortable, 0, len(files))
	for _, f := range files {
		list = append(list, sortable{f, OrderKey(f.Label()), f.IsNote()})
	}
	slices.SortFunc(list, func(a, b sortable) int {
		switch {
		case a.note != b.note:
			if a.note {
				return -1
			}
			return 1
		case a.key != b.key:
			if a.key < b.key {
				return -1
			}
			return 1
		}
		return compareLabels(a.f, b.f)
	})
	byTitle := make([]*File, len(list))
	for i, x := range list {
		byTitle[i] = x.f
	}
	return byTitle
}

// compareByTitle is FilesByTitle's order.
func compareByTitle(a, b *File) int {
	if a.IsNote() != b.IsNote() {
		if a.IsNote() {
			return -1
		}
		return 1
	}
	return compareLabels(a, b)
}

func compareLabels(a, b *File) int {
	if c := strings.Compare(a.Label(), b.Label()); c != 0 {
		return c
	}
	return strings.Compare(a.Path, b.Path)
}

// Label is what completion shows for f, and sorts by: a note's title, else
// its path.
func (f *File) Label() string {
	if f.Note != nil {
		return f.Note.Title
	}
	return f.Path
}

// Names lists every file with its folded names, in no particular order. An
// entry whose File is nil stands for a file removed, or whose names changed,
// since the list was built: skip it.
func (s *Snapshot) Names() []NameEntry { return s.nameTable().entries }

// nameTable brings the table up to date, or builds it. The names cannot
// change under the snapshot's read lock, so what it returns stays whole
// while the snapshot is held.
func (s *Snapshot) nameTable() *nameTable {
	t := &s.ix.names
	t.mu.Lock()
	defer t.mu.Unlock()
	t.update(s.ix.files)
	if t.entries == nil {
		t.build(s.ix.files)
	}
	return t
}

func (t *nameTable) build(files map[string]*File) {
	var b strings.Builder
	list := make([]*File, 0, len(files))
	starts := make([]int32, 0, len(files)+1)
	for _, f := range files {
		starts = append(starts, int32(b.Len()))
		writeNames(&b, f)
		f.nameSlot = int32(len(list)) + 1
		list = append(list, f)
	}
	starts = append(starts, int32(b.Len()))
	buf := b.String()
	out := make([]NameEntry, len(list))
	for i, f := range list {
		out[i] = entryOf(f, buf[starts[i]:starts[i+1]])
	}
	t.entries, t.text, t.starts, t.base, t.extra = out, buf, starts, len(out), nil
}

// writeNames writes f's names as the table keeps them: stem, title and each
// alias that can be linked, folded, each followed by a NUL.
func writeNames(b *strings.Builder, f *File) {
	b.WriteString(f.foldStem)
	b.WriteByte(0)
	b.WriteString(f.FoldedTitle)
	b.WriteByte(0)
	if f.Note != nil {
		for _, a := range f.Note.Frontmatter.Aliases {
			if !strings.HasPrefix(a, "#") {
				b.WriteString(fold(a))
				b.WriteByte(0)
			}
		}
	}
}

// entryOf is f's entry, given its names as writeNames wrote them.
func entryOf(f *File, names string) NameEntry {
	stem, rest, _ := strings.Cut(names, "\x00")
	title, aliases, _ := strings.Cut(rest, "\x00")
	label := f.Label()
	return NameEntry{File: f, Stem: stem, Title: title, Aliases: aliases,
		Mask: CharMask(stem) | CharMask(title), AliasMask: CharMask(aliases),
		IsNote: f.IsNote(), Label: label, Path: f.Path, LabelKey: OrderKey(label), PathKey: OrderKey(f.Path)}
}
