package server

import (
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// sample has every line ending and characters of 2, 3 and 4 UTF-8 bytes.
//
//	line 0 "a"      0..1   \n
//	line 1 "café"   2..7   \n   é = bytes 5,6
//	line 2 "中文x"  8..15  \n   中 = 8..10, 文 = 11..13
//	line 3 "😀b"    16..21 \r\n 😀 = 16..19 (two UTF-16 units)
//	line 4 "end"    23..26 \r
//	line 5 "last"   27..31
const sample = "a\ncafé\n中文x\n😀b\r\nend\rlast"

func pos(line, char uint32) protocol.Position { return protocol.Position{Line: line, Character: char} }

func TestLineIndexLines(t *testing.T) {
	for _, tc := range []struct {
		text  string
		lines int
	}{
		{"", 1}, {"a", 1}, {"a\n", 2}, {"a\r\n", 2}, {"a\r", 2}, {"\r\r\n\n", 4}, {sample, 6},
	} {
		if got := NewLineIndex(tc.text).LineCount(); got != tc.lines {
			t.Errorf("LineCount(%q) = %d, want %d", tc.text, got, tc.lines)
		}
	}
}

func TestPosition(t *testing.T) {
	x := NewLineIndex(sample)
	for _, tc := range []struct {
		name        string
		offset      int
		utf16, utf8 protocol.Position
	}{
		{"start", 0, pos(0, 0), pos(0, 0)},
		{"end of ascii line", 1, pos(0, 1), pos(0, 1)},
		{"before é", 5, pos(1, 3), pos(1, 3)},
		{"inside é snaps to its start", 6, pos(1, 3), pos(1, 3)},
		{"after é", 7, pos(1, 4), pos(1, 5)},
		{"after 中", 11, pos(2, 1), pos(2, 3)},
		{"inside 文", 12, pos(2, 1), pos(2, 3)},
		{"after 中文", 14, pos(2, 2), pos(2, 6)},
		{"inside 😀", 18, pos(3, 0), pos(3, 0)},
		{"after 😀", 20, pos(3, 2), pos(3, 4)},
		{"at \\r of \\r\\n", 21, pos(3, 3), pos(3, 5)},
		{"at \\n of \\r\\n clamps to line end", 22, pos(3, 3), pos(3, 5)},
		{"line after \\r\\n", 23, pos(4, 0), pos(4, 0)},
		{"line after lone \\r", 27, pos(5, 0), pos(5, 0)},
		{"end of text", 31, pos(5, 4), pos(5, 4)},
		{"past end clamps", 99, pos(5, 4), pos(5, 4)},
		{"negative clamps", -3, pos(0, 0), pos(0, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := x.Position(UTF16, tc.offset); got != tc.utf16 {
				t.Errorf("utf-16: Position(%d) = %v, want %v", tc.offset, got, tc.utf16)
			}
			if got := x.Position(UTF8, tc.offset); got != tc.utf8 {
				t.Errorf("utf-8: Position(%d) = %v, want %v", tc.offset, got, tc.utf8)
			}
		})
	}
}

func TestOffset(t *testing.T) {
	x := NewLineIndex(sample)
	for _, tc := range []struct {
		name string
		enc  Encoding
		pos  protocol.Position
		want int
	}{
		{"utf-16 after é", UTF16, pos(1, 4), 7},
		{"utf-8 after é", UTF8, pos(1, 5), 7},
		{"utf-8 inside é snaps", UTF8, pos(1, 4), 5},
		{"utf-16 after 中", UTF16, pos(2, 1), 11},
		{"utf-8 after 中", UTF8, pos(2, 3), 11},
		{"utf-8 inside 文 snaps", UTF8, pos(2, 4), 11},
		{"utf-16 inside surrogate pair snaps", UTF16, pos(3, 1), 16},
		{"utf-16 after 😀", UTF16, pos(3, 2), 20},
		{"utf-8 inside 😀 snaps", UTF8, pos(3, 3), 16},
		{"utf-8 after 😀", UTF8, pos(3, 4), 20},
		{"character past line end clamps", UTF16, pos(1, 99), 7},
		{"character past \\r\\n line end clamps", UTF8, pos(3, 99), 21},
		{"character past lone \\r line end clamps", UTF16, pos(4, 99), 26},
		{"line past EOF clamps to EOF", UTF16, pos(9, 0), 31},
		{"last line end", UTF8, pos(5, 4), 31},
		{"huge values", UTF16, pos(^uint32(0), ^uint32(0)), 31},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := x.Offset(tc.enc, tc.pos); got != tc.want {
				t.Errorf("Offset(%s, %v) = %d, want %d", tc.enc, tc.pos, got, tc.want)
			}
		})
	}
}

func TestInvalidUTF8(t *testing.T) {
	// \xff is invalid; \xe2\x82 is a truncated €; each byte counts as one unit.
	x := NewLineIndex("a\xffb\xe2\x82c")
	for _, enc := range []Encoding{UTF8, UTF16} {
		for off := 0; off <= 6; off++ {
			p := x.Position(enc, off)
			if p != pos(0, uint32(off)) {
				t.Errorf("%s: Position(%d) = %v, want 0:%d", enc, off, p, off)
			}
			if got := x.Offset(enc, p); got != off {
				t.Errorf("%s: Offset(%v) = %d, want %d", enc, p, got, off)
			}
		}
	}
}

// TestLineIndexOf wraps a note's Lines as it is: the same answers as
// indexing the text again, without doing so.
func TestLineIndexOf(t *testing.T) {
	l := workspace.NewLines(sample)
	x, y := LineIndexOf(l), NewLineIndex(sample)
	if x.lines != l {
		t.Fatal("LineIndexOf indexed the text again")
	}
	for off := -1; off <= len(sample)+1; off++ {
		for _, enc := range []Encoding{UTF8, UTF16} {
			if p, q := x.Position(enc, off), y.Position(enc, off); p != q {
				t.Errorf("%s: Position(%d) = %v, want %v", enc, off, p, q)
			}
		}
	}
	for line := range uint32(8) {
		for char := range uint32(8) {
			for _, enc := range []Encoding{UTF8, UTF16} {
				if o, p := x.Offset(enc, pos(line, char)), y.Offset(enc, pos(line, char)); o != p {
					t.Errorf("%s: Offset(%d:%d) = %d, want %d", enc, line, char, o, p)
				}
			}
		}
	}
	// No note lacks its Lines, but a server must not crash if one did.
	if n := LineIndexOf(nil); n.LineCount() != 1 || n.Offset(UTF16, pos(3, 3)) != 0 || n.Position(UTF8, 5) != pos(0, 0) {
		t.Errorf("LineIndexOf(nil) is not an empty text's")
	}
}

func TestRange(t *testing.T) {
	x := NewLineIndex(sample)
	r := x.Range(UTF16, 5, 20)
	if want := (protocol.Range{Start: pos(1, 3), End: pos(3, 2)}); r != want {
		t.Fatalf("Range = %v, want %v", r, want)
	}
	if s, e := x.OffsetRange(UTF16, r); s != 5 || e != 20 {
		t.Errorf("OffsetRange(%v) = %d, %d, want 5, 20", r, s, e)
	}
	// A backwards range is empty at its start.
	if s, e := x.OffsetRange(UTF8, protocol.Range{Start: pos(3, 4), End: pos(1, 0)}); s != 20 || e != 20 {
		t.Errorf("backwards OffsetRange = %d, %d, want 20, 20", s, e)
	}
}

// FuzzPosition checks offset → position → offset for every character boundary,
// and the position against a direct count.
func FuzzPosition(f *testing.F) {
	f.Add(sample, 20, true)
	f.Add("x\r\n\r\ny", 3, false)
	f.Add("\xf0\x9f\x98", 2, true)
	f.Add("é\r😀\n", 6, false)
	f.Fuzz(func(t *testing.T, text string, offset int, useUTF8 bool) {
		enc := UTF16
		if useUTF8 {
			enc = UTF8
		}
		x := NewLineIndex(text)
		p := x.Position(enc, offset)
		if int(p.Line) >= x.LineCount() {
			t.Fatalf("Position(%d) line %d past %d lines", offset, p.Line, x.LineCount())
		}
		got := x.Offset(enc, p)
		if got < 0 || got > len(text) {
			t.Fatalf("Offset(%v) = %d outside [0, %d]", p, got, len(text))
		}
		if offset < 0 || offset > len(text) || !isBoundary(text, offset) ||
			(offset > 0 && offset < len(text) && text[offset-1] == '\r' && text[offset] == '\n') {
			return
		}
		if got != offset {
			t.Fatalf("round trip %d → %v → %d in %q", offset, p, got, text)
		}
		// The character count, done directly.
		start := x.lines.Start(int(p.Line))
		want := offset - start
		if enc == UTF16 {
			want = len(utf16.Encode([]rune(text[start:offset])))
		}
		if int(p.Character) != want {
			t.Fatalf("Position(%d).Character = %d, want %d in %q", offset, p.Character, want, text)
		}
	})
}

// isBoundary reports whether offset starts a character when text is decoded
// from the beginning (invalid bytes being characters of their own).
func isBoundary(text string, offset int) bool {
	for i := 0; i < len(text); {
		if i == offset {
			return true
		}
		if i > offset {
			return false
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return offset == len(text)
}
