package workspace

import (
	"strings"
	"testing"
)

// nameKey's ASCII path keys a name as the general one does: folded, each
// whitespace a '-', without a note's extension, the last segment only.
func TestNameKeyASCII(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Some Note", "some-note"},
		{"folder/Deep Note.md", "deep-note"},
		{"already-lower", "already-lower"},
		{"Tab\there\r\nand\vform\ffeed", "tab-here--and-form-feed"},
		{"Mixed_Case 2.MD", "mixed_case-2"},
		{"trailing/", "trailing"},
		{"", ""},
	} {
		if got := nameKey(tc.in); got != tc.want {
			t.Errorf("nameKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzNameKeyASCII(f *testing.F) {
	f.Add("Some Note.md")
	f.Add("a/B c\td")
	f.Fuzz(func(t *testing.T, p string) {
		p = trimNoteExt(p)
		if !isASCII(p) {
			return
		}
		if got, want := asciiKey(p), strings.Map(dashSpace, fold(p)); got != want {
			t.Errorf("asciiKey(%q) = %q, want %q", p, got, want)
		}
	})
}

// BenchmarkNameKey keys typical link targets, as a note's parse keys each
// of its links.
func BenchmarkNameKey(b *testing.B) {
	targets := []string{"Feedback Loop", "concepts/Evergreen Note.md", "index", "Zettelkasten Method", "daily/2024-01-05", "Café Notes"}
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range targets {
			_ = nameKey(t)
		}
	}
}

// TestIsASCII puts one byte of a multibyte character at each place of
// strings up to 19 bytes long.
func TestIsASCII(t *testing.T) {
	for n := 0; n <= 19; n++ {
		plain := strings.Repeat("a", n)
		if !isASCII(plain) {
			t.Errorf("isASCII(%q) = false", plain)
		}
		for i := 0; i < n; i++ {
			for _, c := range []byte{0x80, 0xc3, 0xff} {
				b := []byte(plain)
				b[i] = c
				if isASCII(string(b)) {
					t.Errorf("isASCII(%q) = true", b)
				}
			}
		}
	}
}
