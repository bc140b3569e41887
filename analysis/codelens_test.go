package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// renderLenses prints every note's lenses and the links each one lists.
func renderLenses(v *testVault) string {
	var b strings.Builder
	for _, f := range v.snap.Notes() {
		for _, l := range Lenses(v.snap, f) {
			what := "note"
			if l.Heading >= 0 {
				what = fmt.Sprintf("%q", f.Note.Text[l.Span.Start:l.Span.End])
			}
			fmt.Fprintf(&b, "%s %s: %d\n", f.Path, what, l.Count)
			for _, loc := range LensLinks(v.snap, f, l.Heading) {
				fmt.Fprintf(&b, "\t%s %s\n", loc.File.Path, loc.File.Note.Text[loc.Span.Start:loc.Span.End])
			}
		}
	}
	return b.String()
}

func TestLensesGolden(t *testing.T) {
	goldenByProfile(t, "lenses.txtar", "lenses", renderLenses)
}

func TestLensLinksStaleHeading(t *testing.T) {
	v := loadVault(t, "lenses.txtar", workspace.Config{})
	f := v.file(t, "hub.md")
	if got := LensLinks(v.snap, f, len(f.Note.Headings())); got != nil {
		t.Errorf("a heading the note no longer has lists %d links", len(got))
	}
}
