package workspace

import (
	"slices"
	"testing"
)

// findHeadings lists "path: heading" for every heading FindHeadings gives.
func findHeadings(ix *Index, query string, limit int) []string {
	s := ix.Snapshot()
	defer s.Release()
	var out []string
	s.FindHeadings(query, func(f *File, h *Heading) bool {
		out = append(out, f.Path+": "+h.Text)
		return len(out) < limit
	})
	slices.Sort(out)
	return out
}

// FindHeadings matches folded text inside each heading, never across two,
// and follows edits: a heading renamed, a note added or removed. An edit that
// keeps the headings keeps the table.
func TestFindHeadings(t *testing.T) {
	ix := testIndex(t, Config{}, map[string]string{
		"a.md":       "# Balancing Loops\n\ntext\n\n## Café Société\n\n## Loop\n",
		"b/c.md":     "# Reinforcing LOOPS\n\n# ab\n\n# cd\n",
		"image.png":  "",
		"no-head.md": "Just text with loop in it.\n",
	})
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"loop", []string{"a.md: Balancing Loops", "a.md: Loop", "b/c.md: Reinforcing LOOPS"}},
		{"loops!", nil},
		{"société", []string{"a.md: Café Société"}},
		{"bcd", nil},  // "ab" and "cd" are two headings
		{"b\nc", nil}, // nor across their separator
		{"", nil},
	} {
		if got := findHeadings(ix, tc.query, 100); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.query, got, tc.want)
		}
	}
	if got := findHeadings(ix, "loop", 2); len(got) != 2 {
		t.Errorf("stopped after %d, want 2", len(got))
	}

	p := NewParser()
	before := ix.names.headings
	ix.SetNote(p.Parse("a.md", "# Balancing Loops\n\nmore text\n\n## Café Société\n\n## Loop\n", 2))
	if ix.names.headings != before {
		t.Error("an edit that kept the headings rebuilt their table")
	}
	if got := findHeadings(ix, "loop", 100); len(got) != 3 {
		t.Errorf("after a text edit: %q", got)
	}
	// The title (the first H1) stays, so the names do: only the headings change.
	ix.SetNote(p.Parse("a.md", "# Balancing Loops\n\n## Cycle\n", 3))
	if got, want := findHeadings(ix, "loop", 100), []string{"a.md: Balancing Loops", "b/c.md: Reinforcing LOOPS"}; !slices.Equal(got, want) {
		t.Errorf("after a heading edit: %q, want %q", got, want)
	}
	ix.SetNote(p.Parse("a.md", "# Balancing Cycles\n\n## Café Société\n", 4))
	ix.SetNote(p.Parse("d.md", "# Loop Holes\n", 1))
	ix.Remove("b/c.md")
	if got, want := findHeadings(ix, "loop", 100), []string{"d.md: Loop Holes"}; !slices.Equal(got, want) {
		t.Errorf("after edits: %q, want %q", got, want)
	}
}
