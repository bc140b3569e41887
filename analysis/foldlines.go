package analysis

import "strings"

// lineCursor walks one line by columns, as CommonMark measures indentation:
// a tab goes to the next multiple of 4, and a marker may take part of one
// ("-\tx" indents x by two columns after the marker's space).
type lineCursor struct {
	s   string // the line, without its break
	i   int    // the next byte
	col int    // the column of s[i]
	pad int    // columns of the tab before s[i] not consumed yet
}

// indent is the width in columns of the blanks at the cursor, and the
// offset of the first byte after them.
func (c *lineCursor) indent() (int, int) {
	w, col := c.pad, c.col
	j := c.i
	for ; j < len(c.s); j++ {
		switch c.s[j] {
		case ' ':
			w++
			col++
		case '\t':
			d := 4 - col%4
			w += d
			col += d
		default:
			return w, j
		}
	}
	return w, j
}

// skip consumes n columns of blanks, or fewer if the line has fewer.
func (c *lineCursor) skip(n int) {
	for n > 0 {
		if c.pad > 0 {
			d := min(c.pad, n)
			c.pad -= d
			n -= d
			continue
		}
		if c.i >= len(c.s) {
			return
		}
		switch c.s[c.i] {
		case ' ':
			c.i++
			c.col++
			n--
		case '\t':
			d := 4 - c.col%4
			c.i++
			c.col += d
			if d > n {
				c.pad = d - n
				return
			}
			n -= d
		default:
			return
		}
	}
}

// take consumes k bytes of a marker.
func (c *lineCursor) take(k int) {
	c.pad = 0
	c.i = min(c.i+k, len(c.s))
	c.col += k
}

// quoteMarker consumes a block quote's '>' and the blank after it, if the
// cursor is at one.
func (c *lineCursor) quoteMarker() bool {
	ind, j := c.indent()
	if ind >= 4 || j == len(c.s) || c.s[j] != '>' {
		return false
	}
	c.skip(ind)
	c.take(1)
	c.skip(1)
	return true
}

func (c *lineCursor) rest() string { return c.s[c.i:] }

func (c *lineCursor) blank() bool { return isBlank(c.s[c.i:]) }

// isBlank reports whether s holds only spaces and tabs, as a blank line does.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}

// atxHeading reports whether t starts an ATX heading: one to six '#' and a
// blank or the end of the line.
func atxHeading(t string) bool {
	k := 0
	for k < len(t) && k < 7 && t[k] == '#' {
		k++
	}
	return k >= 1 && k <= 6 && (k == len(t) || t[k] == ' ' || t[k] == '\t')
}

// thematicBreak reports whether t is a thematic break: three or more of
// '-', '*' or '_', the same one, with blanks between them if any.
func thematicBreak(t string) bool {
	if t == "" || t[0] != '-' && t[0] != '*' && t[0] != '_' {
		return false
	}
	n := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case t[0]:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// setextUnderline reports whether t underlines a paragraph into a heading.
func setextUnderline(t string) bool {
	if t == "" || t[0] != '=' && t[0] != '-' {
		return false
	}
	u := strings.TrimRight(t, " \t")
	return strings.Trim(u, u[:1]) == ""
}

// fenceOpen reads a code fence at the start of t: its character and length.
// A backtick fence's info string may hold no backtick.
func fenceOpen(t string) (byte, int, bool) {
	if len(t) < 3 || t[0] != '`' && t[0] != '~' {
		return 0, 0, false
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 || t[0] == '`' && strings.IndexByte(t[n:], '`') >= 0 {
		return 0, 0, false
	}
	return t[0], n, true
}

// fenceCloses reports whether t closes a fence of n ch: at least as many,
// and nothing after but blanks.
func fenceCloses(t string, ch byte, n int) bool {
	k := 0
	for k < len(t) && t[k] == ch {
		k++
	}
	return k >= n && isBlank(t[k:])
}

// listMarker reads a list item's marker at the start of t: "-", "+", "*",
// or up to nine digits and '.' or ')', then a blank or the end of the line.
// It returns the marker's width and whether it is the number 1 (only an
// ordered list from 1 may interrupt a paragraph).
func listMarker(t string) (w int, one, ok bool) {
	if t == "" {
		return 0, false, false
	}
	switch t[0] {
	case '-', '+', '*':
		w = 1
	default:
		for w < len(t) && w < 10 && t[w] >= '0' && t[w] <= '9' {
			w++
		}
		if w == 0 || w > 9 || w == len(t) || t[w] != '.' && t[w] != ')' {
			return 0, false, false
		}
		one = strings.TrimLeft(t[:w], "0") == "1"
		w++
	}
	if w < len(t) && t[w] != ' ' && t[w] != '\t' {
		return 0, false, false
	}
	return w, one, true
}
