package workspace

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Lines maps byte offsets of a text to lines and columns without keeping the
// text, the way rust-analyzer's LineIndex does: it holds where each line
// starts and where each multibyte character is, which is all a column count
// needs, because every other byte (ASCII, or an invalid byte) is one byte,
// one rune and one UTF-16 unit. Lines end at "\n", "\r\n" or a lone "\r", as
// LSP counts them. A Lines is immutable and safe for concurrent use.
//
// One is kept for every note of a vault, so its size matters. It costs 4
// bytes per line, plus 1 bit per line when some line ends in "\r\n", plus 4
// bytes per multibyte character, plus 64 bytes (48 more with a "\r\n" or a
// kept text), each slice rounded up to Go's allocation size classes. A text
// whose table would be bigger than the text itself (dense CJK, 3 bytes a
// character against 4 bytes an entry) keeps a copy of the text instead and
// decodes it; both ways give the same answers.
//
// Texts are indexed up to math.MaxInt32 bytes (notes are far smaller: see
// MaxNoteSize). Past that, the rest of a text is part of its last indexed
// line, with no error: a position there is wrong, not a crash.
type Lines struct {
	starts []int32 // where each line begins; starts[0] is 0
	// wide holds every valid multibyte UTF-8 sequence of the text, in order,
	// as offset<<2 | (size-1): sizes are 2 to 4, and offsets are below
	// maxTableText. Nil when there is none or when the text is kept.
	wide []uint32
	more *linesMore // the uncommon cases; nil for most texts
	size int        // of the text
}

// linesMore is what only some texts need, out of line so that Lines stays
// within a 64-byte allocation.
type linesMore struct {
	// crlf has bit i set when line i ends in "\r\n" rather than one byte. Nil
	// when no line does: "\n" and a lone "\r" both take one byte.
	crlf []uint64
	// text is kept instead of wide when it is smaller; Lines then decodes it.
	// A copy of its own, so that a Lines never keeps a larger buffer alive (a
	// note that drops its text keeps only this).
	text string
}

// maxTableText bounds the texts described by a table of multibyte characters,
// whose entries keep an offset in 30 bits; a longer text is kept instead.
const maxTableText = 1 << 30

// linesMode chooses how a Lines describes its text's characters. Both ways
// give the same answers; tests force each to check that they do.
type linesMode uint8

const (
	linesAuto  linesMode = iota // the table, unless the text is smaller
	linesTable                  // the table, unless the text is too long for it
	linesText                   // the text
)

// NewLines indexes text.
func NewLines(text string) *Lines { return newLines(text, linesAuto) }

func newLines(text string, mode linesMode) *Lines {
	l := &Lines{size: len(text)}
	crlf := l.indexStarts(text[:min(len(text), math.MaxInt32)])
	if crlf != nil {
		l.more = &linesMore{crlf: crlf}
	}
	if len(text) >= maxTableText {
		mode = linesText
	}
	if mode != linesText {
		if wide, ok := wideChars(text, mode == linesAuto); ok {
			l.wide = wide
			return l
		}
	}
	if text != "" {
		if l.more == nil {
			l.more = &linesMore{}
		}
		l.more.text = strings.Clone(text)
	}
	return l
}

// indexStarts sets l.starts, allocated to its exact length since it is kept,
// and returns the "\r\n" bitset, if any line ends so.
func (l *Lines) indexStarts(text string) (crlf []uint64) {
	if strings.IndexByte(text, '\r') < 0 {
		// The common case, counted and then found a line at a time by the
		// vectorised searches.
		starts := make([]int32, 1, 1+strings.Count(text, "\n"))
		for i := 0; ; {
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				l.starts = starts
				return nil
			}
			i += j + 1
			starts = append(starts, int32(i))
		}
	}
	n := 1 + strings.Count(text, "\n") + strings.Count(text, "\r") - strings.Count(text, "\r\n")
	starts := make([]int32, 1, n)
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			starts = append(starts, int32(i+1))
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				if crlf == nil {
					crlf = make([]uint64, (n-1+63)/64) // only lines 0 to n-2 end in a break
				}
				line := len(starts) - 1
				crlf[line/64] |= 1 << (line % 64)
				i++
			}
			starts = append(starts, int32(i+1))
		}
	}
	l.starts = starts
	return crlf
}

// wideChars lists the valid multibyte characters of text, as Lines.wide does.
// When bounded, it gives up (ok false) as soon as the table would take more
// bytes than the text.
func wideChars(text string, bounded bool) (_ []uint32, ok bool) {
	// Most notes have few such characters, if any: they are collected on the
	// stack, then copied to a slice of their number.
	var buf [64]uint32
	found := buf[:0]
	b := unsafe.Slice(unsafe.StringData(text), len(text))
	for i := nonASCII(b, 0); i < len(b); i = nonASCII(b, i) {
		_, size := utf8.DecodeRuneInString(text[i:])
		if size > 1 {
			if bounded && 4*(len(found)+1) > len(text) {
				return nil, false
			}
			found = append(found, uint32(i)<<2|uint32(size-1))
		}
		i += size
	}
	if len(found) == 0 {
		return nil, true
	}
	wide := make([]uint32, len(found))
	copy(wide, found)
	return wide, true
}

// nonASCII returns the offset of the first byte at or after i with its high
// bit set, or len(b). It tests 32 bytes, then 8, at a time: the text between
// two multibyte characters is mostly long runs of ASCII.
func nonASCII(b []byte, i int) int {
	const high = 0x8080808080808080
	le := binary.LittleEndian
	for ; len(b)-i >= 32; i += 32 {
		w := (*[32]byte)(b[i:])
		if (le.Uint64(w[:8])|le.Uint64(w[8:16])|le.Uint64(w[16:24])|le.Uint64(w[24:]))&high != 0 {
			break
		}
	}
	for ; len(b)-i >= 8; i += 8 {
		if v := le.Uint64(b[i:]) & high; v != 0 {
			return i + bits.TrailingZeros64(v)/8
		}
	}
	for ; i < len(b) && b[i] < utf8.RuneSelf; i++ {
	}
	return i
}

// Len is the length in bytes of the indexed text.
func (l *Lines) Len() int { return l.size }

// Count is the number of lines; a text ending in a line break has an empty
// last line after it.
func (l *Lines) Count() int { return len(l.starts) }

// Start is the offset where line (0-based) begins, clamped to the text: 0
// before the first line, Len() after the last.
func (l *Lines) Start(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(l.starts) {
		return l.size
	}
	return int(l.starts[line])
}

// End is the offset where line's content ends, before its line break,
// clamped to the text like Start.
func (l *Lines) End(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(l.starts)-1 {
		return l.size
	}
	e := int(l.starts[line+1]) - 1
	if l.more != nil && l.more.crlf != nil {
		e -= int(l.more.crlf[line/64] >> (line % 64) & 1)
	}
	return e
}

// Line is the 0-based line holding offset off.
func (l *Lines) Line(off int) int {
	lo, hi := 0, len(l.starts)-1
	for lo < hi {
		mid := int(uint(lo+hi+1) >> 1)
		if int(l.starts[mid]) <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// text is the kept text, when Lines decodes it rather than using wide. An
// empty text is never kept: it has no multibyte character either way.
func (l *Lines) text() (string, bool) {
	if l.more == nil || l.more.text == "" {
		return "", false
	}
	return l.more.text, true
}

// firstWide is the index in l.wide of the first multibyte character at or
// after off.
func (l *Lines) firstWide(off int) int {
	lo, hi := 0, len(l.wide)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if int(l.wide[mid]>>2) < off {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// wideBefore returns the multibyte characters wholly within [start, off) as
// l.wide[i:j], and cut, the offset of the one that begins before off and ends
// after it, or -1.
func (l *Lines) wideBefore(start, off int) (i, j, cut int) {
	i, j = l.firstWide(start), l.firstWide(off)
	if j > i {
		if w := l.wide[j-1]; int(w>>2)+int(w&3)+1 > off {
			return i, j - 1, int(w >> 2)
		}
	}
	return i, j, -1
}

// narrowing is how many fewer code units than bytes the character w takes:
// runes count one each; UTF-16 counts two units for a 4-byte character.
func narrowing(w uint32, utf16 bool) int {
	size := int(w&3) + 1
	if utf16 && size == 4 {
		return 2
	}
	return size - 1
}

// LineCol is the 1-based line and 1-based column in characters (runes) of
// off, the way compilers print positions. An invalid byte is one rune, and so
// is each byte of a character that off cuts.
func (l *Lines) LineCol(off int) (int, int) {
	off = min(max(off, 0), l.size)
	line := l.Line(off)
	start := l.Start(line)
	if text, ok := l.text(); ok {
		return line + 1, utf8.RuneCountInString(text[start:off]) + 1
	}
	i, j, _ := l.wideBefore(start, off)
	col := off - start
	for _, w := range l.wide[i:j] {
		col -= narrowing(w, false)
	}
	return line + 1, col + 1
}

// Position converts a byte offset to a 0-based line and a column counted in
// UTF-16 code units (utf16 true) or bytes (false). The offset is clamped to
// [0, Len()]; one inside a line terminator gives the end of that line's
// content, and one inside a multibyte character gives the character's start.
// An invalid byte is one unit in both: it is what a client shows as U+FFFD,
// one UTF-16 unit, and one byte of the text.
func (l *Lines) Position(off int, utf16 bool) (line, col int) {
	off = min(max(off, 0), l.size)
	line = l.Line(off)
	start, end := l.Start(line), l.End(line)
	off = min(off, end)
	if text, ok := l.text(); ok {
		for o := start; o < off; {
			r, size := utf8.DecodeRuneInString(text[o:end])
			if o+size > off {
				break
			}
			col += units(r, size, utf16)
			o += size
		}
		return line, col
	}
	i, j, cut := l.wideBefore(start, off)
	if cut >= 0 {
		off = cut
	}
	col = off - start
	if utf16 {
		for _, w := range l.wide[i:j] {
			col -= narrowing(w, true)
		}
	}
	return line, col
}

// units is how many code units one decoded character takes.
func units(r rune, size int, utf16 bool) int {
	if !utf16 {
		return size
	}
	if r >= 0x10000 {
		return 2 // a surrogate pair
	}
	return 1
}

// Offset converts a 0-based line and a column counted as Position counts them
// to a byte offset. A line past the last gives Len() (and one before the
// first, 0), a column past the end of the line's content gives that end (and
// a negative one, the line's start), and a column inside a multibyte
// character or a surrogate pair gives the character's start.
func (l *Lines) Offset(line, col int, utf16 bool) int {
	if line >= len(l.starts) {
		return l.size
	}
	if line < 0 {
		return 0
	}
	col = max(col, 0)
	start, end := l.Start(line), l.End(line)
	if text, ok := l.text(); ok {
		off, n := start, 0
		for off < end {
			r, size := utf8.DecodeRuneInString(text[off:end])
			u := units(r, size, utf16)
			if u > col-n {
				break
			}
			n += u
			off += size
		}
		return off
	}
	// off is where the units counted so far, n, end.
	off, n := start, 0
	for _, w := range l.wide[l.firstWide(start):] {
		wo, size := int(w>>2), int(w&3)+1
		if wo >= end {
			break
		}
		if col-n <= wo-off {
			return off + col - n
		}
		n += wo - off
		u := size // bytes
		if utf16 {
			u -= narrowing(w, true)
		}
		if u > col-n {
			return wo
		}
		n += u
		off = wo + size
	}
	if col-n >= end-off {
		return end
	}
	return off + col - n
}
