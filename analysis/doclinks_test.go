package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// renderDocLinks prints every note's document links: the text underlined
// and the line it opens.
func renderDocLinks(v *testVault) string {
	var b strings.Builder
	for _, f := range v.snap.Notes() {
		for _, l := range DocumentLinks(v.snap, f) {
			to := l.Target.File.Path
			if n := l.Target.File.Note; n != nil && l.Target.Span != (workspace.Span{}) {
				to += fmt.Sprintf(":%d %q", n.Lines().Line(l.Target.Span.Start), firstLine(n.Text[l.Target.Span.Start:]))
			}
			fmt.Fprintf(&b, "%s %s -> %s (%s)\n", f.Path, f.Note.Text[l.Span.Start:l.Span.End], to, l.Opens)
		}
	}
	return b.String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestDocumentLinksGolden(t *testing.T) {
	goldenByProfile(t, "lenses.txtar", "doclinks", renderDocLinks)
}
