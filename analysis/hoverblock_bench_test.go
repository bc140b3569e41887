package analysis

import (
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// BenchmarkHoverBlock10k hovers links to blocks ("[[Note#^id]]") of the
// generated vault in turn, whose targets are read from disk: the block's
// text is cut from the note's at the span the index keeps for it.
func BenchmarkHoverBlock10k(b *testing.B) {
	snap := bigVault(b).Snapshot()
	defer snap.Release()
	sev, _ := Severities(nil)
	type at struct {
		f   *workspace.File
		off int
	}
	var ats []at
	for _, g := range snap.Notes() {
		for i, l := range g.Note.Links() {
			if len(l.Fragment) > 1 && l.Fragment[0] == '^' && len(ats) < 40 {
				if r := snap.Resolve(g, i); r.Block != nil {
					ats = append(ats, at{g, l.Span.Start + 2})
				}
			}
		}
	}
	if len(ats) == 0 {
		b.Fatal("no link to a block")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := ats[i%len(ats)]
		if h := Hover(snap, a.f, a.off, sev); h == nil {
			b.Fatal("no hover")
		}
	}
}
