package analysis

import (
	"path"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// hub is the note of ix with the most backlinks.
func hub(snap *workspace.Snapshot) *workspace.File {
	var best *workspace.File
	for _, f := range snap.Notes() {
		if best == nil || snap.BacklinkCount(f) > snap.BacklinkCount(best) {
			best = f
		}
	}
	return best
}

// BenchmarkRenameHub10k times the edits of renaming the most linked note of
// the 10k vault: every backlink rewritten in its own style.
func BenchmarkRenameHub10k(b *testing.B) { benchRenameHub(b, bigVault(b)) }

// BenchmarkRenameHub50k is BenchmarkRenameHub10k in the 50k vault.
func BenchmarkRenameHub50k(b *testing.B) { benchRenameHub(b, vault50k.get(b, 50000)) }

func benchRenameHub(b *testing.B, ix *workspace.Index) {
	snap := ix.Snapshot()
	defer snap.Release()
	f := hub(snap)
	to := path.Join(f.Dir(), "Renamed "+path.Base(f.Path))
	for b.Loop() {
		if res, err := MoveFiles(snap, []Move{{From: f.Path, To: to}}); err != nil || len(res.Edits) == 0 {
			b.Fatalf("%d files edited, %v", len(res.Edits), err)
		}
	}
	b.ReportMetric(float64(snap.BacklinkCount(f)), "backlinks")
}

// BenchmarkMoveFolder10k times the edits of moving the 10k vault's largest
// top-level folder, as a file explorer does (workspace/willRenameFiles).
func BenchmarkMoveFolder10k(b *testing.B) {
	snap := bigVault(b).Snapshot()
	defer snap.Release()
	count := map[string]int{}
	for _, f := range snap.Files() {
		if d := f.Dir(); d != "" {
			top, _, _ := strings.Cut(d, "/")
			count[top]++
		}
	}
	top, n := "", 0
	for d, c := range count {
		if c > n || c == n && d < top {
			top, n = d, c
		}
	}
	for b.Loop() {
		if _, err := MoveFiles(snap, []Move{{From: top, To: "archive/" + top}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "files")
}
