package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// renderInlayHints prints each hint of index.md after the link it follows.
func renderInlayHints(v *testVault, f *workspace.File, span workspace.Span) string {
	var b strings.Builder
	links := f.Note.Links()
	for _, h := range InlayHints(v.snap, f, span) {
		link := ""
		for i := range links {
			if links[i].Span.End == h.Offset {
				link = f.Note.Text[links[i].Span.Start:links[i].Span.End]
			}
		}
		line, col := f.Note.Lines().LineCol(h.Offset)
		fmt.Fprintf(&b, "%d:%d %s → %s (%s)\n", line, col, link, h.Title, h.Path)
	}
	return b.String()
}

func TestInlayHintsGolden(t *testing.T) {
	goldenByProfile(t, "inlayhints.txtar", "inlayhints", func(v *testVault) string {
		f := v.snap.File("index.md")
		return renderInlayHints(v, f, workspace.Span{End: f.Note.Size})
	})
}

// The editor asks for the lines in sight: a link that starts in the range
// gets its hint, one before it does not.
func TestInlayHintsInRange(t *testing.T) {
	v := loadVault(t, "inlayhints.txtar", workspace.Config{})
	f := v.file(t, "index.md")
	start := strings.Index(f.Note.Text, "Markdown:")
	end := strings.Index(f.Note.Text, "Block:")
	got := InlayHints(v.snap, f, workspace.Span{Start: start, End: end})
	if len(got) != 1 || got[0].Title != "Zettelkasten method" || f.Note.Text[:got[0].Offset] != f.Note.Text[:strings.Index(f.Note.Text, "[](202311051230.md)")+len("[](202311051230.md)")] {
		t.Errorf("hints of the markdown line: %+v", got)
	}
}

func TestSaysTitle(t *testing.T) {
	for _, tc := range []struct {
		target, title string
		want          bool
	}{
		{"whats-a-stock", "What's a Stock?", true},
		{"notes/whats_a_stock.md", "What's a stock", true},
		{"Café", "café", true},
		{"202311051230", "Zettelkasten method", false},
		{"a/b", "A B", true}, // the whole path says it
		{"stock", "Stocks", false},
	} {
		if got := saysTitle(tc.target, tc.title); got != tc.want {
			t.Errorf("saysTitle(%q, %q) = %v, want %v", tc.target, tc.title, got, tc.want)
		}
	}
}
