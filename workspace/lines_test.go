package workspace

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestLinesStarts(t *testing.T) {
	for _, tc := range []struct {
		text   string
		starts []int
	}{
		{"", []int{0}},
		{"a", []int{0}},
		{"a\n", []int{0, 2}},
		{"a\nbc\n\nd", []int{0, 2, 5, 6}},
		{"a\r\nb\r\n", []int{0, 3, 6}},
		{"a\rb\r\rc", []int{0, 2, 4, 5}},
		{"a\r\n\nb\rc\n", []int{0, 3, 4, 6, 8}},
	} {
		l := NewLines(tc.text)
		if !slices.Equal(l.starts, tc.starts) {
			t.Errorf("NewLines(%q) starts = %v, want %v", tc.text, l.starts, tc.starts)
		}
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
