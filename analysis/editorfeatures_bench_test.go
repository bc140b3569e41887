package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// The lenses of the most-linked note: the editor asks for them after each
// pause in typing there, and after each edit elsewhere (codeLens/refresh).
func BenchmarkLensesHub10k(b *testing.B) { benchLensesHub(b, bigVault(b)) }

// 50k: -bench LensesHub50k.
func BenchmarkLensesHub50k(b *testing.B) { benchLensesHub(b, vault50k.get(b, 50000)) }

func benchLensesHub(b *testing.B, ix *workspace.Index) {
	snap := ix.Snapshot()
	defer snap.Release()
	f := hub(snap)
	for b.Loop() {
		if len(Lenses(snap, f)) == 0 {
			b.Fatal("no lenses")
		}
	}
	b.ReportMetric(float64(snap.BacklinkCount(f)), "backlinks")
}

// Resolving the hub's note lens lists every backlink.
func BenchmarkLensLinksHub10k(b *testing.B) {
	snap := bigVault(b).Snapshot()
	defer snap.Release()
	f := hub(snap)
	for b.Loop() {
		if len(LensLinks(snap, f, -1)) == 0 {
			b.Fatal("no links")
		}
	}
}

// mostLinks is the note of snap with the most links.
func mostLinks(snap *workspace.Snapshot) *workspace.File {
	var f *workspace.File
	for _, g := range snap.Notes() {
		if f == nil || len(g.Note.Links()) > len(f.Note.Links()) {
			f = g
		}
	}
	return f
}

// The document links of the note with the most links.
func BenchmarkDocumentLinks10k(b *testing.B) {
	snap := bigVault(b).Snapshot()
	defer snap.Release()
	f := mostLinks(snap)
	for b.Loop() {
		DocumentLinks(snap, f)
	}
	b.ReportMetric(float64(len(f.Note.Links())), "links")
}

// The inlay hints of the note with the most links, whole.
func BenchmarkInlayHints10k(b *testing.B) {
	snap := bigVault(b).Snapshot()
	defer snap.Release()
	f := mostLinks(snap)
	for b.Loop() {
		InlayHints(snap, f, workspace.Span{End: f.Note.Size})
	}
	b.ReportMetric(float64(len(f.Note.Links())), "links")
}

// The unlinked mentions of the most linked note: every note's text is
// searched for its names.
func BenchmarkUnlinkedMentionsHub10k(b *testing.B) { benchUnlinkedMentionsHub(b, bigVault(b)) }

// 50k: -bench UnlinkedMentionsHub50k (generating the vault takes a while).
func BenchmarkUnlinkedMentionsHub50k(b *testing.B) {
	benchUnlinkedMentionsHub(b, vault50k.get(b, 50000))
}

func benchUnlinkedMentionsHub(b *testing.B, ix *workspace.Index) {
	snap := ix.Snapshot()
	defer snap.Release()
	f := hub(snap)
	p := workspace.NewParser()
	var n int
	for b.Loop() {
		n = len(unlinked(b, snap, p, f))
	}
	b.ReportMetric(float64(n), "mentions")
}

// The folds of a long note, in the 10k vault: a hundred sections of
// paragraphs, nested lists, code, callouts and comments (3,000 lines). The
// editor asks again after each pause in typing.
func BenchmarkFoldingRanges10k(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("---\ntitle: Long note\ntags: [a, b]\n---\n# Long note\n\n")
	for i := range 100 {
		fmt.Fprintf(&sb, "## Section %d\n\nA paragraph with [[note-%d]] and a #tag,\nover two lines.\n\n", i, i)
		sb.WriteString("- item\n  continued\n  - nested\n    deeper\n- another\n\n")
		sb.WriteString("```go\nfunc f() {\n\t# not a heading\n}\n```\n\n")
		sb.WriteString("> [!note]- Callout\n> body\n> > nested quote\n> > more\n\n")
		sb.WriteString("%% a comment\nover lines %%\n\n<!--\nhtml\n-->\n\n$$\nx^2\n$$\n\n### Sub\ntext\n\n")
	}
	text := sb.String()
	snap, f := withNote(b, bigVault(b), "bench/long-folds.md", text)
	var n int
	b.ReportAllocs()
	for b.Loop() {
		n = len(FoldingRanges(snap, f))
	}
	b.ReportMetric(float64(n), "folds")
	b.ReportMetric(float64(strings.Count(text, "\n")), "lines")
}
