package analysis

import (
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
