package analysis

import (
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// BenchmarkCompleteBlocks10k completes after "[[Note#^" where Note is the
// longest note of the generated 10k vault: its text is read back from disk
// and parsed again for its paragraphs, each of which becomes an item.
func BenchmarkCompleteBlocks10k(b *testing.B) {
	ix := bigVault(b)
	snap := ix.Snapshot()
	var longest *workspace.File
	for _, f := range snap.Notes() {
		if longest == nil || f.Note.Size > longest.Note.Size {
			longest = f
		}
	}
	snap.Release()
	text := "# Typing\n\n[[" + longest.Path + "#^"
	snap, f := withNote(b, ix, "bench/typing.md", text)
	var n int
	b.ReportAllocs()
	for b.Loop() {
		n = len(Complete(b.Context(), snap, f, len(text)).Items)
	}
	if n == 0 {
		b.Fatal("no items")
	}
	b.ReportMetric(float64(n), "items")
	b.ReportMetric(float64(longest.Note.Size), "bytes")
}
