package workspace

import (
	"slices"
	"testing"
)

// Renaming a heading renumbers the duplicates after it, as GitHub numbers
// them, and leaves those before it.
func TestSlugsAs(t *testing.T) {
	n := NewParser().Parse("a.md", "# Loops\n## Loops\n## Loops\n## Other\n", 1)
	for _, tc := range []struct {
		i    int
		text string
		want []string
	}{
		{0, "Cycles", []string{"cycles", "loops", "loops-1", "other"}},
		{1, "Cycles", []string{"loops", "cycles", "loops-1", "other"}},
		{3, "Loops", []string{"loops", "loops-1", "loops-2", "loops-3"}},
		{2, "The `x` *way*", []string{"loops", "loops-1", "the-x-way", "other"}},
	} {
		if got := SlugsAs(n.Headings(), tc.i, tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("heading %d as %q: %v, want %v", tc.i, tc.text, got, tc.want)
		}
	}
	if n.Headings()[0].Slug != "loops" || n.Headings()[2].Slug != "loops-2" {
		t.Errorf("SlugsAs changed the note's headings: %+v", n.Headings())
	}
}
