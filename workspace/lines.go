package workspace

import (
	"strings"
	"unicode/utf8"
)

// Lines maps byte offsets of a text to lines. Lines end at "\n", "\r\n" or a
// lone "\r", as LSP counts them.
type Lines struct {
	text   string
	starts []int
}

// NewLines indexes the line starts of text.
func NewLines(text string) *Lines {
	starts := make([]int, 1, 1+len(text)/40)
	if strings.IndexByte(text, '\r') < 0 {
		// The common case, found a line at a time by the vectorised search.
		for i := 0; ; {
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				return &Lines{text: text, starts: starts}
			}
			i += j + 1
			starts = append(starts, i)
		}
	}
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	return &Lines{text: text, starts: starts}
}

// Text is the indexed text.
func (l *Lines) Text() string { return l.text }

// Count is the number of lines.
func (l *Lines) Count() int { return len(l.starts) }

// Start is the offset where line (0-based) begins; clamped to the text.
func (l *Lines) Start(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(l.starts) {
		return len(l.text)
	}
	return l.starts[line]
}

// End is the offset where line ends, before its line break.
func (l *Lines) End(line int) int {
	if line+1 >= len(l.starts) {
		return len(l.text)
	}
	e := l.starts[line+1]
	if e > 0 && l.text[e-1] == '\n' {
		e--
	}
	if e > l.starts[line] && l.text[e-1] == '\r' {
		e--
	}
	return e
}

// Line is the 0-based line holding offset off.
func (l *Lines) Line(off int) int {
	lo, hi := 0, len(l.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if l.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// LineCol is the 1-based line and 1-based column in characters (runes) of
// off, the way compilers print positions.
func (l *Lines) LineCol(off int) (int, int) {
	off = min(max(off, 0), len(l.text))
	line := l.Line(off)
	return line + 1, utf8.RuneCountInString(l.text[l.starts[line]:off]) + 1
}
