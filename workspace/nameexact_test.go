package workspace

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// findPhrase lists "path field" for every name FindPhrase gives, sorted.
func findPhrase(s *Snapshot, phrase string) []string {
	var out []string
	names := s.Names()
	s.FindPhrase(phrase, func(i, field int) {
		out = append(out, fmt.Sprintf("%s %d", names[i].Path, field))
	})
	slices.Sort(out)
	return out
}

// FindPhrase finds notes by file name, title or alias as prose writes them
// (case, dashes and spacing aside), whole names only, never a file that is
// not a note; and it follows names that change.
func TestFindPhrase(t *testing.T) {
	ix := testIndex(t, Config{}, map[string]string{
		"loops/balancing-loop.md": "---\ntitle: Balancing Loop\naliases: [Loop de loop, \"#tag\", Négative feedback]\n---\ntext\n",
		"Reinforcing.md":          "# Reinforcing loop\n",
		"café.md":                 "# Café Société\n",
		"image loop.png":          "",
		"deep/a/b/loop.md":        "no title here\n",
	})
	s := ix.Snapshot()
	for _, tc := range []struct {
		phrase string
		want   []string
	}{
		{"balancing loop", []string{"loops/balancing-loop.md 0", "loops/balancing-loop.md 1"}},
		{"Balancing_Loop", []string{"loops/balancing-loop.md 0", "loops/balancing-loop.md 1"}},
		{"  loop   DE\tloop ", []string{"loops/balancing-loop.md 2"}},
		{"NÉGATIVE FEEDBACK", []string{"loops/balancing-loop.md 3"}},
		{"reinforcing", []string{"Reinforcing.md 0"}},
		{"reinforcing loop", []string{"Reinforcing.md 1"}},
		{"café société", []string{"café.md 1"}},
		{"loop", []string{"deep/a/b/loop.md 0", "deep/a/b/loop.md 1"}},
		{"image loop", nil},
		{"#tag", nil},
		{"balancing", nil},
		{"", nil},
		{" - ", nil},
	} {
		if got := findPhrase(s, tc.phrase); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.phrase, got, tc.want)
		}
	}
	s.Release()

	// A title that changes is found, and the old one no longer; a note
	// added since the table was built is found too.
	ix.SetNote(NewParser().Parse("café.md", "# Bistro\n", 2))
	ix.SetNote(NewParser().Parse("new/Stock and flow.md", "text\n", 1))
	s = ix.Snapshot()
	defer s.Release()
	if got := findPhrase(s, "bistro"); !slices.Equal(got, []string{"café.md 1"}) {
		t.Errorf("after the title changed: %q", got)
	}
	if got := findPhrase(s, "café société"); got != nil {
		t.Errorf("the old title is still found: %q", got)
	}
	if got := findPhrase(s, "stock-and-flow"); !slices.Equal(got, []string{"new/Stock and flow.md 0", "new/Stock and flow.md 1"}) {
		t.Errorf("a new note: %q", got)
	}
}

// Prose is the text markdown leaves as text: not code, math, comments,
// frontmatter or links.
func TestProse(t *testing.T) {
	text := "---\ntitle: Feedback\n---\n# Feedback heading\n\nPlain feedback `code feedback` and [[feedback]] then $x$ *em feedback*.\n\n" +
		"```\nfenced feedback\n```\n\n    indented feedback\n\n%% hidden feedback %% <!-- html feedback --> last feedback\n"
	var got []string
	for _, r := range NewParser().Prose(text) {
		got = append(got, text[r.Start:r.End])
	}
	joined := strings.Join(got, "|")
	for _, want := range []string{"Feedback heading", "Plain feedback ", " and ", "em feedback", "last feedback"} {
		if !strings.Contains(joined, want) {
			t.Errorf("%q not among the prose runs %q", want, got)
		}
	}
	for _, not := range []string{"title", "code feedback", "[[", "fenced", "indented", "hidden", "html feedback", "x$"} {
		if strings.Contains(joined, not) {
			t.Errorf("%q is among the prose runs %q", not, got)
		}
	}
}
