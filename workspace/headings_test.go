package workspace

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
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

// FindHeadingsAt passes each heading's folded text and the first place of
// the query in it, from the whole table and from its edited part alike.
func TestFindHeadingsAt(t *testing.T) {
	ix := testIndex(t, Config{}, map[string]string{
		"a.md": "# Balancing Loops\n\n## Café Société\n\n## Loop de loop\n",
		"b.md": "# Société\n",
	})
	check := func(when, query string, want int) {
		t.Helper()
		s := ix.Snapshot()
		defer s.Release()
		n := 0
		s.FindHeadingsAt(query, func(f *File, h *Heading, folded string, at int) bool {
			n++
			if folded != Fold(h.Text) || at != strings.Index(folded, query) {
				t.Errorf("%s, %q in %s %q: folded %q, at %d", when, query, f.Path, h.Text, folded, at)
			}
			return true
		})
		if n != want {
			t.Errorf("%s, %q: %d headings, want %d", when, query, n, want)
		}
	}
	check("built", "loop", 2)
	check("built", "société", 2)
	check("built", "bal", 1)
	// c.md's headings are in the table of the files changed since.
	ix.SetNote(NewParser().Parse("c.md", "# Loops of SOCIÉTÉ\n", 1))
	check("after an edit", "loop", 3)
	check("after an edit", "société", 3)
	check("after an edit", "of soc", 1)
}

// FindHeadings, through random changes (headings edited, notes added,
// removed and renamed), finds what it finds in the same vault indexed
// afresh. Both ways are taken: the changed notes' headings kept apart, and
// the whole text built again once too many were.
func TestFindHeadingsFollowsChanges(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	letters := []string{"a", "b", "c", "A", "B"}
	word := func() string { return randomWordOf(r, letters, 2+r.IntN(4)) }
	note := func() string {
		var b strings.Builder
		for range r.IntN(4) {
			fmt.Fprintf(&b, "%s %s %s\n\ntext\n\n", strings.Repeat("#", 1+r.IntN(3)), word(), word())
		}
		return b.String()
	}
	files := map[string]string{"img.png": ""}
	for i := range 40 {
		files[fmt.Sprintf("n%d.md", i)] = note()
	}
	v := newVaultChanges(t, r, files)
	ix := v.ix
	s := ix.Snapshot()
	s.WarmHeadings()
	s.Release()
	if ix.names.headings == nil {
		t.Fatal("WarmHeadings left the text to the first search")
	}
	kept, rebuilt, last := 0, 0, ix.names.headings
	for step := range 600 {
		switch path := v.pick(true); r.IntN(5) {
		case 0, 1:
			v.set(path, note())
		case 2:
			v.set(fmt.Sprintf("new/%d.md", step), note())
		case 3:
			v.remove(v.pick(false))
		case 4:
			v.rename(path, fmt.Sprintf("moved/%d.md", step))
		}
		fresh := v.fresh()
		for _, q := range []string{Fold(word()), "a", "b a"} {
			if got, want := findHeadings(ix, q, 1000), findHeadings(fresh, q, 1000); !slices.Equal(got, want) {
				t.Fatalf("step %d: %q finds %q, want %q", step, q, got, want)
			}
		}
		if h := ix.names.headings; h != last {
			rebuilt++
			last = h
		} else if h.added != nil && len(h.added.refs) > 0 {
			kept++
		}
	}
	if kept == 0 || rebuilt == 0 {
		t.Fatalf("changed headings kept apart %d times, the text built again %d times: the test needs both", kept, rebuilt)
	}
}
