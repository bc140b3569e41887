package workspace

import (
	"math/bits"
	"sync"
	"unsafe"
)

// dropText lets go of a freshly parsed note's text. Its strings are mostly
// slices of the text (link targets, labels, heading and tag names), which
// would keep all of it alive: the bytes they cover are copied, in text
// order, into one buffer of their own (Note.kept), and the strings
// re-pointed into it. Strings that overlap (a target inside its raw form, a
// key equal to its target) stay shared. Called before the note is shared.
//
// The covered bytes are marked in a bitmap rather than sorted as ranges: a
// string's place in the buffer is then the count of marked bits before it,
// one popcount away, which costs a few words per note where a sort of its
// hundred-odd strings cost more than the rest of this together.
func (n *Note) dropText() {
	text := n.Text
	if text == "" {
		return
	}
	m := marksPool.Get().(*marks)
	defer marksPool.Put(m)
	m.reset(len(text))
	n.eachString(func(s *string) {
		if off, ok := sliceOf(text, *s); ok {
			m.mark(off, off+len(*s))
		}
	})
	total := m.count()
	// The frontmatter's fields, made while parsing rather than sliced from
	// the text, go at the end: one allocation for all.
	fields := n.Frontmatter.fields
	buf := make([]byte, 0, total+len(fields))
	m.each(func(start, end int) { buf = append(buf, text[start:end]...) })
	buf = append(buf, fields...)
	kept := unsafe.String(unsafe.SliceData(buf), len(buf))
	n.eachString(func(s *string) {
		if off, ok := sliceOf(text, *s); ok {
			at := m.rank(off)
			*s = kept[at : at+len(*s)]
		}
	})
	n.Frontmatter.fields = kept[total:]
	n.Text, n.kept = "", kept
}

var marksPool = sync.Pool{New: func() any { return new(marks) }}

// marks is a bitmap over a text's bytes with, per word, the count of marked
// bits before it.
type marks struct {
	bits   []uint64
	before []int
}

func (m *marks) reset(size int) {
	words := (size + 63) / 64
	if cap(m.bits) < words {
		m.bits, m.before = make([]uint64, words), make([]int, words)
	}
	m.bits, m.before = m.bits[:words], m.before[:words]
	clear(m.bits)
}

// mark sets the bits of [start, end).
func (m *marks) mark(start, end int) {
	for start < end {
		w, b := start/64, start%64
		n := min(64-b, end-start)
		mask := ^uint64(0)
		if n < 64 {
			mask = (1<<n - 1) << b
		}
		m.bits[w] |= mask
		start += n
	}
}

// count fills before and returns the number of marked bits.
func (m *marks) count() int {
	total := 0
	for i, w := range m.bits {
		m.before[i] = total
		total += bits.OnesCount64(w)
	}
	return total
}

// rank is the number of marked bits before off (count must have run).
func (m *marks) rank(off int) int {
	w, b := off/64, off%64
	return m.before[w] + bits.OnesCount64(m.bits[w]&(1<<b-1))
}

// each calls fn with every run of marked bits, in order.
func (m *marks) each(fn func(start, end int)) {
	start := -1
	for i, w := range m.bits {
		for b := 0; b < 64; {
			if start < 0 {
				// Skip to the next set bit.
				rest := w >> b
				if rest == 0 {
					break
				}
				b += bits.TrailingZeros64(rest)
				start = i*64 + b
			} else {
				rest := ^w >> b
				if rest == 0 {
					break
				}
				b += bits.TrailingZeros64(rest)
				fn(start, i*64+b)
				start = -1
			}
		}
	}
	if start >= 0 {
		fn(start, len(m.bits)*64)
	}
}

// eachString calls visit with every string a Note holds but Text and kept.
// A string field added to Note or its parts must be added here, or a note
// without its text would still keep it alive (TestDropTextKeepsNoText
// finds such a field).
func (n *Note) eachString(visit func(*string)) {
	visit(&n.Path)
	fm := &n.Frontmatter
	if fm.Err != nil {
		visit(&fm.Err.Message)
	}
	visit(&fm.Title)
	visit(&fm.Description)
	for i := range fm.Aliases {
		visit(&fm.Aliases[i])
	}
	for i := range fm.Tags {
		visit(&fm.Tags[i].Name)
	}
	for i := range fm.Problems {
		visit(&fm.Problems[i].Field)
		visit(&fm.Problems[i].Message)
	}
	// fm.fields is made while parsing, never sliced from the text:
	// dropText moves it into the kept buffer itself.
	visit(&n.Title)
	visit(&n.Description)
	d := &n.noteDetails // a parsed note's, never encoded
	visit(&d.lead)
	for i := range d.headings {
		visit(&d.headings[i].Text)
		visit(&d.headings[i].Slug)
	}
	for i := range d.blocks {
		visit(&d.blocks[i].ID)
	}
	for i := range d.tags {
		visit(&d.tags[i].Name)
	}
	for i := range n.links { // a parsed note's, never encoded
		l := &n.links[i]
		visit(&l.Target)
		visit(&l.Fragment)
		visit(&l.Label)
		visit(&l.Raw)
		visit(&l.key)
	}
}
