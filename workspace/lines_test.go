package workspace

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLinesStarts(t *testing.T) {
	for _, tc := range []struct {
		text   string
		starts []int32
	}{
		{"", []int32{0}},
		{"a", []int32{0}},
		{"a\n", []int32{0, 2}},
		{"a\nbc\n\nd", []int32{0, 2, 5, 6}},
		{"a\r\nb\r\n", []int32{0, 3, 6}},
		{"a\rb\r\rc", []int32{0, 2, 4, 5}},
		{"a\r\n\nb\rc\n", []int32{0, 3, 4, 6, 8}},
	} {
		l := NewLines(tc.text)
		if !slices.Equal(l.starts, tc.starts) || cap(l.starts) != len(tc.starts) {
			t.Errorf("NewLines(%q) starts = %v (cap %d), want %v", tc.text, l.starts, cap(l.starts), tc.starts)
		}
	}
}

// TestLinesRepresentation checks what is kept: nothing but the starts for
// ASCII with "\n" or lone "\r", a bitset only when a line ends in "\r\n", the
// table for a few multibyte characters and the text when it is smaller.
func TestLinesRepresentation(t *testing.T) {
	for _, tc := range []struct {
		text       string
		crlf, kept bool
		wide       int
	}{
		{"", false, false, 0},
		{"plain\nascii\n", false, false, 0},
		{"lone\rcr\r", false, false, 0},
		{"a\r\nb\n", true, false, 0},
		{"invalid \xff\xfe bytes\n", false, false, 0},
		{"café, naïve, 😀\n", false, false, 3},
		{"中文中文中文", false, true, 0},
		{"中文中文中文\r\n", true, true, 0},
		// The table, up to as many bytes (4 an entry) as the text.
		{"中", false, true, 0},
		{"中a", false, false, 1},
		{"中文中ab", false, true, 0},
		{"中文中abc", false, false, 3},
	} {
		l := NewLines(tc.text)
		_, kept := l.text()
		crlf := l.more != nil && l.more.crlf != nil
		if crlf != tc.crlf || kept != tc.kept || len(l.wide) != tc.wide {
			t.Errorf("NewLines(%q): crlf %v, kept %v, %d wide; want %v, %v, %d", tc.text, crlf, kept, len(l.wide), tc.crlf, tc.kept, tc.wide)
		}
		if l.more != nil && l.more.crlf == nil && !kept {
			t.Errorf("NewLines(%q) allocates linesMore for nothing", tc.text)
		}
	}
}

// refLines is the straightforward implementation Lines must agree with: it
// keeps the text and decodes it for every answer (Lines did, before it
// dropped the text).
type refLines struct {
	text   string
	starts []int
}

func newRefLines(text string) *refLines {
	starts := []int{0}
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
	return &refLines{text: text, starts: starts}
}

func (r *refLines) Len() int   { return len(r.text) }
func (r *refLines) Count() int { return len(r.starts) }

func (r *refLines) Start(line int) int {
	switch {
	case line < 0:
		return 0
	case line >= len(r.starts):
		return len(r.text)
	}
	return r.starts[line]
}

func (r *refLines) End(line int) int {
	switch {
	case line < 0:
		return 0
	case line+1 >= len(r.starts):
		return len(r.text)
	}
	e := r.starts[line+1]
	if e > 0 && r.text[e-1] == '\n' {
		e--
	}
	if e > r.starts[line] && r.text[e-1] == '\r' {
		e--
	}
	return e
}

func (r *refLines) Line(off int) int {
	line := 0
	for i, s := range r.starts {
		if s <= off {
			line = i
		}
	}
	return line
}

func (r *refLines) LineCol(off int) (int, int) {
	off = min(max(off, 0), len(r.text))
	line := r.Line(off)
	return line + 1, utf8.RuneCountInString(r.text[r.starts[line]:off]) + 1
}

func refUnits(r rune, size int, utf16 bool) int {
	switch {
	case !utf16:
		return size
	case r >= 0x10000:
		return 2
	}
	return 1
}

func (r *refLines) Position(off int, utf16 bool) (int, int) {
	off = max(0, min(off, len(r.text)))
	line := r.Line(off)
	start, end := r.Start(line), r.End(line)
	off = min(off, end)
	col := 0
	for o := start; o < off; {
		c, size := utf8.DecodeRuneInString(r.text[o:end])
		if o+size > off {
			break
		}
		col += refUnits(c, size, utf16)
		o += size
	}
	return line, col
}

func (r *refLines) Offset(line, col int, utf16 bool) int {
	switch {
	case line >= len(r.starts):
		return len(r.text)
	case line < 0:
		return 0
	}
	start, end := r.Start(line), r.End(line)
	want := int64(max(col, 0))
	off, n := start, int64(0)
	for off < end {
		c, size := utf8.DecodeRuneInString(r.text[off:end])
		u := int64(refUnits(c, size, utf16))
		if n+u > want {
			break
		}
		n += u
		off += size
	}
	return off
}

// lineAnswers is what Lines answers, and refLines too.
type lineAnswers interface {
	Len() int
	Count() int
	Start(line int) int
	End(line int) int
	Line(off int) int
	LineCol(off int) (int, int)
	Position(off int, utf16 bool) (int, int)
	Offset(line, col int, utf16 bool) int
}

// sameAnswers compares every answer of got to want's: each offset from
// before the text to past it, each line from before the first to past the
// last, with each column from before the line to past it in both units. It
// reports the first difference only.
func sameAnswers(t *testing.T, name string, want, got lineAnswers) bool {
	t.Helper()
	fail := func(format string, args ...any) bool {
		t.Helper()
		t.Errorf("%s: "+format, append([]any{name}, args...)...)
		return false
	}
	if w, g := want.Len(), got.Len(); w != g {
		return fail("Len() = %d, want %d", g, w)
	}
	if w, g := want.Count(), got.Count(); w != g {
		return fail("Count() = %d, want %d", g, w)
	}
	n := want.Len()
	offs := []int{math.MinInt, math.MaxInt, math.MaxInt32, math.MaxInt32 + 1}
	for off := -2; off <= n+2; off++ {
		offs = append(offs, off)
	}
	for _, off := range offs {
		if w, g := want.Line(off), got.Line(off); w != g {
			return fail("Line(%d) = %d, want %d", off, g, w)
		}
		wl, wc := want.LineCol(off)
		if gl, gc := got.LineCol(off); wl != gl || wc != gc {
			return fail("LineCol(%d) = %d:%d, want %d:%d", off, gl, gc, wl, wc)
		}
		for _, utf16 := range []bool{false, true} {
			wl, wc := want.Position(off, utf16)
			if gl, gc := got.Position(off, utf16); wl != gl || wc != gc {
				return fail("Position(%d, utf16 %v) = %d:%d, want %d:%d", off, utf16, gl, gc, wl, wc)
			}
		}
	}
	for line := -2; line <= want.Count()+1; line++ {
		if w, g := want.Start(line), got.Start(line); w != g {
			return fail("Start(%d) = %d, want %d", line, g, w)
		}
		if w, g := want.End(line), got.End(line); w != g {
			return fail("End(%d) = %d, want %d", line, g, w)
		}
		cols := []int{math.MinInt, math.MaxInt, math.MaxInt32}
		for col := -1; col <= want.End(line)-want.Start(line)+2; col++ {
			cols = append(cols, col)
		}
		for _, col := range cols {
			for _, utf16 := range []bool{false, true} {
				if w, g := want.Offset(line, col, utf16), got.Offset(line, col, utf16); w != g {
					return fail("Offset(%d, %d, utf16 %v) = %d, want %d", line, col, utf16, g, w)
				}
			}
		}
	}
	return true
}

// linesSamples has every line ending, characters of each size, invalid
// bytes of each kind, and long ASCII runs for the 8- and 32-byte scans.
var linesSamples = []string{
	"", "a", "\n", "\r", "\r\n", "\n\n", "\r\r", "\r\n\r\n", "\n\r", "a\n", "a\r\n", "a\r",
	"a\ncafé\n中文x\n😀b\r\nend\rlast",
	"a\xffb\xe2\x82c",
	"\xf0\x9f\x98", "\xf0\x9f\x98\n", "é\r😀\n", "x\r\n\r\ny",
	"\x00\x00\n\x00", "\x80\x80é\xc3", "\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80",
	"中文中文中文\r\n中文\r中文\n", "中abcdefghi", "中abcdefgh",
	strings.Repeat("abcdefghijklmnopqrstuvwxyz0123456789", 3) + "é" + strings.Repeat("x", 40) + "😀\n",
	strings.Repeat("😀", 20), strings.Repeat("\r\n", 70) + "é",
	"ends in a cut char \xe4\xb8", "é\né\r\né\ré",
}

// linesPieces are what randomText builds texts from.
var linesPieces = []string{
	"a", "b", " ", "#", "\n", "\n", "\r\n", "\r", "\x00",
	"é", "ß", "中", "文", "😀", "𝄞", "\u2028", "\ufeff",
	"\xff", "\xfe", "\x80", "\xc3", "\xe4\xb8", "\xf0\x9f\x98", "\xed\xa0\x80", "\xc0\xaf", "\xf8\x88\x80\x80\x80",
	"abcdefghijklmnopqrstuvwxyz0123456789",
}

func randomText(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(40) {
		b.WriteString(linesPieces[r.IntN(len(linesPieces))])
	}
	return b.String()
}

// TestLinesDifferential checks every answer, both ways of describing the
// characters and the automatic choice, against the decoding reference.
func TestLinesDifferential(t *testing.T) {
	texts := slices.Clone(linesSamples)
	r := rand.New(rand.NewPCG(1, 2))
	for range 1500 {
		texts = append(texts, randomText(r))
	}
	for _, text := range texts {
		ref := newRefLines(text)
		for _, m := range []struct {
			name string
			mode linesMode
		}{{"auto", linesAuto}, {"table", linesTable}, {"text", linesText}} {
			if !sameAnswers(t, m.name+" "+short(text), ref, newLines(text, m.mode)) {
				break
			}
		}
	}
}

// short quotes a text for a test name, cut to a readable length.
func short(s string) string {
	if len(s) > 200 {
		return strconv.Quote(s[:200]) + "…"
	}
	return strconv.Quote(s)
}

// FuzzLines checks arbitrary texts against the reference, each way.
func FuzzLines(f *testing.F) {
	for _, s := range linesSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 512 {
			return // the check is quadratic
		}
		ref := newRefLines(text)
		for _, mode := range []linesMode{linesAuto, linesTable, linesText} {
			if !sameAnswers(t, fmt.Sprint("mode ", mode), ref, newLines(text, mode)) {
				return
			}
		}
	})
}

// TestNewLinesAllocs keeps a mostly-ASCII note to three allocations: the
// Lines, its starts and its few multibyte characters.
func TestNewLinesAllocs(t *testing.T) {
	data, err := os.ReadFile("testdata/bench/note.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if n := testing.AllocsPerRun(100, func() { NewLines(text) }); n > 3 {
		t.Errorf("NewLines allocates %v times, want at most 3", n)
	}
}

func BenchmarkNewLines(b *testing.B) {
	data, err := os.ReadFile("testdata/bench/note.md")
	if err != nil {
		b.Fatal(err)
	}
	text := string(data)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		NewLines(text)
	}
}

func TestSqueezeSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", "  a  b\t\nc  ", "a\x00 b", "\x00", "é\u00a0ü\u2003x", "a\xffb  c", "\u0085a"} {
		want := string(bytes.Join(bytes.Fields(bytes.ReplaceAll([]byte(s), []byte{0}, nil)), []byte(" ")))
		if got := string(squeezeSpace([]byte(s))); got != want {
			t.Errorf("squeezeSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestCollapseSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\nb", "é b", "a\u00a0 b", "Heading Two"} {
		want := strings.Join(strings.Fields(s), " ")
		if got := collapseSpace(s); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	}
}
