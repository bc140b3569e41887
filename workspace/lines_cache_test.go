package workspace

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func encodeLines(l *Lines) []byte {
	var e encoder
	e.lines(l)
	return e.b
}

// TestLinesCacheRoundTrip decodes what was encoded, each way of describing
// the characters, into a Lines that answers as the text's reference does
// and encodes to the same bytes, having read all of them and no more.
func TestLinesCacheRoundTrip(t *testing.T) {
	texts := slices.Clone(linesSamples)
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		texts = append(texts, randomText(r))
	}
	for _, text := range texts {
		ref := newRefLines(text)
		for _, mode := range []linesMode{linesAuto, linesTable, linesText} {
			l := newLines(text, mode)
			b := encodeLines(l)
			// Followed by a byte of the next field, which must be left alone.
			d := decoder{b: append(slices.Clone(b), 0x55)}
			got := d.lines(len(text))
			if d.bad || got == nil || d.i != len(b) {
				t.Errorf("mode %d, %s: decoding % x: bad %v, nil %v, read %d of %d bytes", mode, short(text), b, d.bad, got == nil, d.i, len(b))
				continue
			}
			if !sameAnswers(t, "decoded "+short(text), ref, got) {
				continue
			}
			if again := encodeLines(got); !bytes.Equal(again, b) {
				t.Errorf("mode %d, %s: re-encoded as % x, was % x", mode, short(text), again, b)
			}
			// Every proper prefix is cut short somewhere.
			for n := range len(b) {
				d := decoder{b: b[:n]}
				if l := d.lines(len(text)); !d.bad || l != nil {
					t.Errorf("mode %d, %s: the first %d bytes of % x decode", mode, short(text), n, b)
					break
				}
			}
		}
	}
}

func TestLinesCacheNil(t *testing.T) {
	b := encodeLines(nil)
	d := decoder{b: b}
	if l := d.lines(12); l != nil || d.bad || d.i != len(b) {
		t.Errorf("nil Lines decoded as %v, bad %v, read %d of %d bytes", l, d.bad, d.i, len(b))
	}
}

// TestLinesCacheSize checks that the common note costs about a byte a line.
func TestLinesCacheSize(t *testing.T) {
	text := strings.Repeat("a line of about forty bytes, like many.\n", 100) + "café 😀"
	if n := len(encodeLines(NewLines(text))); n > 110 {
		t.Errorf("%d lines and 2 multibyte characters encode in %d bytes", 101, n)
	}
}

// TestLinesCacheInconsistent decodes encodings that no Lines has.
func TestLinesCacheInconsistent(t *testing.T) {
	uv := func(vs ...uint64) []byte {
		var e encoder
		for _, v := range vs {
			e.uvarint(v)
		}
		return e.b
	}
	for _, tc := range []struct {
		name string
		b    []byte
		size int
	}{
		{"empty", nil, 0},
		{"unknown kind", uv(4), 0},
		{"negative size", uv(linesEncTable, 1, 0), -1},
		{"no lines", uv(linesEncTable, 0, 0), 5},
		{"start repeated", uv(linesEncTable, 3, 2, 0, 0), 5},
		{"start past size", uv(linesEncTable, 2, 6, 0), 5},
		{"starts past size", uv(linesEncTable, 3, 3, 3, 0), 5},
		{"line count past the bytes", uv(linesEncTable, 1<<40), 1 << 20},
		{"huge line count", uv(linesEncTable, math.MaxUint64), 1 << 20},
		{"table for a text it cannot describe", uv(linesEncTable, 1, 0), maxTableText},
		{"crlf with one line", append(uv(linesEncCRLF, 1), 1, 0), 5},
		{"crlf with no bit", append(uv(linesEncCRLF, 2, 3), 0, 0), 5},
		{"crlf bit past the breaks", append(uv(linesEncCRLF, 2, 3), 3, 0), 5},
		{"crlf on a one-byte line", append(uv(linesEncCRLF, 2, 1), 1, 0), 5},
		{"crlf bytes missing", uv(linesEncCRLF, 2, 3), 5},
		{"wide count past the bytes", uv(linesEncTable, 1, 3), 10},
		{"wide count past the size", uv(linesEncTable, 1, 3, 0, 0, 0, 0, 0, 0), 5},
		{"wide of size 5", uv(linesEncTable, 1, 1, 3), 10},
		{"wide past the text", uv(linesEncTable, 1, 1, 9<<2), 10},
		{"wide ending past the text", uv(linesEncTable, 1, 1, 8<<2|1), 10},
		{"wide over a line break", uv(linesEncTable, 2, 3, 1, 1<<2|0), 10},
		{"wide over a \\r\\n", append(uv(linesEncCRLF, 2, 4), append([]byte{1}, uv(1, 1<<2|0)...)...), 10},
		{"wide in a line break", uv(linesEncTable, 2, 3, 1, 2<<2|0), 10},
		{"wide huge gap", uv(linesEncTable, 1, 1, math.MaxUint64), 10},
		{"second wide past the text", uv(linesEncTable, 1, 2, 0, 7<<2), 10},
		{"text of another size", append(uv(linesEncText, 3), "abc"...), 4},
		{"text cut short", append(uv(linesEncText, 4), "abc"...), 4},
		{"huge text", uv(linesEncText, math.MaxUint64), 4},
	} {
		d := decoder{b: tc.b}
		if l := d.lines(tc.size); !d.bad || l != nil {
			t.Errorf("%s: % x decodes (bad %v, Lines %v)", tc.name, tc.b, d.bad, l)
		}
	}
	// A decoder already bad stays so, and reads nothing.
	d := decoder{b: encodeLines(NewLines("a\nb")), bad: true}
	if l := d.lines(3); l != nil || d.i != 0 {
		t.Errorf("a bad decoder decodes %v, reads %d bytes", l, d.i)
	}
}

// FuzzDecodeLines decodes arbitrary bytes: whatever decodes must answer
// every question without a panic and with answers within the text.
func FuzzDecodeLines(f *testing.F) {
	for _, text := range linesSamples {
		for _, mode := range []linesMode{linesAuto, linesTable, linesText} {
			f.Add(encodeLines(newLines(text, mode)), len(text))
		}
	}
	f.Add([]byte{linesEncNil}, 0)
	f.Fuzz(func(t *testing.T, b []byte, size int) {
		d := decoder{b: b}
		l := d.lines(size)
		switch {
		case d.bad && l != nil:
			t.Fatal("bad, yet a Lines")
		case d.bad || l == nil:
			return
		case d.i > len(b):
			t.Fatalf("read %d of %d bytes", d.i, len(b))
		}
		checkLines(t, l)
		// What decodes encodes, and decodes again to the same answers.
		b2 := encodeLines(l)
		d2 := decoder{b: b2}
		l2 := d2.lines(size)
		if d2.bad || d2.i != len(b2) {
			t.Fatalf("re-encoded % x does not decode", b2)
		}
		if text, ok := l.text(); ok {
			sameAnswers(t, "kept text", newRefLines(text), l)
		} else {
			sameAnswers(t, "re-decoded", l, l2)
		}
	})
}

// checkLines asks l everything at offsets and positions throughout its text
// (a sample of them in a long one) and checks that the answers are in range
// and agree with one another.
func checkLines(t *testing.T, l *Lines) {
	t.Helper()
	n, count := l.Len(), l.Count()
	if count < 1 || l.Start(0) != 0 || l.End(count-1) != n {
		t.Fatalf("Len %d, Count %d, Start(0) %d, End(last) %d", n, count, l.Start(0), l.End(count-1))
	}
	offs := []int{math.MinInt, -1, math.MaxInt}
	for off := 0; off <= n+1; off++ {
		if off > 300 && off < n-300 {
			off += (n - 600) / 300 // a sample of the middle
		}
		offs = append(offs, off)
	}
	for _, off := range offs {
		line := l.Line(off)
		if line < 0 || line >= count {
			t.Fatalf("Line(%d) = %d of %d", off, line, count)
		}
		if ln, col := l.LineCol(off); ln != line+1 || col < 1 || col > n+1 {
			t.Fatalf("LineCol(%d) = %d:%d, Line %d", off, ln, col, line)
		}
		for _, utf16 := range []bool{false, true} {
			pl, pc := l.Position(off, utf16)
			if pl < 0 || pl >= count || pc < 0 || pc > l.End(pl)-l.Start(pl) {
				t.Fatalf("Position(%d, %v) = %d:%d", off, utf16, pl, pc)
			}
			if o := l.Offset(pl, pc, utf16); o < l.Start(pl) || o > l.End(pl) || o > max(off, 0) {
				t.Fatalf("Offset(Position(%d, %v) = %d:%d) = %d", off, utf16, pl, pc, o)
			}
		}
	}
	for line := -1; line <= count; line++ {
		if line > 100 && line < count-100 {
			line += (count - 200) / 100
		}
		start, end := l.Start(line), l.End(line)
		if start < 0 || start > end || end > n || line >= 0 && line < count && l.Line(start) != line {
			t.Fatalf("line %d of %d: %d to %d", line, count, start, end)
		}
		for _, col := range []int{math.MinInt, -1, 0, 1, 2, 3, 4, 5, end - start - 1, end - start, end - start + 1, math.MaxInt} {
			for _, utf16 := range []bool{false, true} {
				if o := l.Offset(line, col, utf16); o < 0 || o > n {
					t.Fatalf("Offset(%d, %d, %v) = %d", line, col, utf16, o)
				}
			}
		}
	}
}
