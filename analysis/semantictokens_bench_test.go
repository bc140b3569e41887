package analysis

import (
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// The semantic tokens of the note with the most links, whole: what an
// editor asks for each time the note changes or the index does.
func BenchmarkSemanticTokens10k(b *testing.B) {
	snap := bigVault(b).Snapshot()
	defer snap.Release()
	f := mostLinks(snap)
	var n int
	for b.Loop() {
		n = len(SemanticTokens(snap, f, workspace.Span{End: f.Note.Size}))
	}
	b.ReportMetric(float64(len(f.Note.Links())), "links")
	b.ReportMetric(float64(n), "tokens")
}
