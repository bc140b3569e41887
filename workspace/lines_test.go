package workspace

import (
	"slices"
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
