package analysis

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// "[[##query" ranks every heading of the vault that holds the query as a
// full sort of them would, though it keeps only the best hundred as it goes:
// prefixes, then word starts, then the rest, each by text and path.
func TestCompleteAnyHeadingRanksAsASort(t *testing.T) {
	var b strings.Builder
	for i := range 5 * MaxCompletions {
		fmt.Fprintf(&b, "-- n%03d.md --\n# Note %d\n\n## Sloop %03d\n\n## %s\n", i, i, (i*37)%500, []string{"Loop", "Open loops", "Other", "Loopholes"}[i%4])
	}
	b.WriteString("-- here.md --\n# Here\n\n## A loop of mine\n\n[[## Loop‸\n")
	v := buildVault(t, b.String(), workspace.Config{})
	f, off := v.at(t)
	list := Complete(t.Context(), v.snap, f, off)

	var all []headingHit
	for _, g := range v.snap.Notes() {
		for i := range g.Note.Headings() {
			h := &g.Note.Headings()[i]
			if s := match(workspace.Fold(h.Text), "loop"); s > 1 {
				all = append(all, headingHit{score: s, folded: workspace.Fold(h.Text), file: g, h: h})
			}
		}
	}
	sortHeadingHits(all)
	if !list.Incomplete || len(list.Items) != MaxCompletions || len(all) <= MaxCompletions {
		t.Fatalf("%d items, incomplete %v, of %d matches: want the best %d and incomplete", len(list.Items), list.Incomplete, len(all), MaxCompletions)
	}
	for i, it := range list.Items {
		want := all[i]
		if it.Label != want.h.Text || it.Path != want.file.Path {
			t.Fatalf("item %d is %q in %s, want %q in %s", i, it.Label, it.Path, want.h.Text, want.file.Path)
		}
		// The filter text: what was typed, then the heading's text after
		// the query (see typedThen).
		if it.Kind != CompleteHeading || it.Where != want.file.Note.Title || it.FilterText != "## Loop"+want.h.Text[strings.Index(want.folded, "loop")+4:] {
			t.Fatalf("item %d: kind %d, where %q, filter text %q", i, it.Kind, it.Where, it.FilterText)
		}
	}
	if got := list.Items[0]; got.Label != "Loop" || got.NewText != "n000#Loop]]" {
		t.Errorf("first item %q => %q, want Loop => n000#Loop]]", got.Label, got.NewText)
	}
}

// The note's own headings are linked without its name, and a list that
// holds every match is complete.
func TestCompleteAnyHeadingOwnNote(t *testing.T) {
	v := buildVault(t, "-- a.md --\n# A\n\n## Loops\n-- b/here.md --\n# Here\n\n## My loops\n\n[[##loops‸]]\n", workspace.Config{})
	f, off := v.at(t)
	list := Complete(t.Context(), v.snap, f, off)
	got := completionLabels(list)
	want := []string{"Loops => a#Loops", "My loops => #My loops"}
	if !slices.Equal(got, want) || list.Incomplete {
		t.Errorf("%q, incomplete %v; want %q, complete", got, list.Incomplete, want)
	}
}

// A filter text is what was typed, as typed, then the text after the
// query, as the text has it (folded when folding changed its length).
func TestTypedThen(t *testing.T) {
	for _, tc := range []struct{ typed, text, query, want string }{
		{"^^Loop", "The Loop Closes", "loop", "^^Loop Closes"},
		{"## lo", "Loops", "lo", "## loops"},
		{"^^ İst", "İstanbul", "ist", "^^ İstanbul"}, // folded shorter: the folded text after the query
	} {
		folded := workspace.Fold(tc.text)
		i := strings.Index(folded, tc.query)
		if i < 0 {
			t.Fatalf("%q not in %q", tc.query, folded)
		}
		if got := typedThen(tc.typed, tc.text, folded, i, len(tc.query)); got != tc.want {
			t.Errorf("typedThen(%q, %q) = %q, want %q", tc.typed, tc.text, got, tc.want)
		}
	}
}
