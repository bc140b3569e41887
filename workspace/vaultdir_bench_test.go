package workspace_test

import (
	"context"
	"os"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// The benchmarks below read the vault folder $RHIZOME_BENCH_VAULT (one of
// bench/lsp's, e.g. /tmp/rb/vault-50000-seed1) rather than generate one:
// writing 50,000 notes takes longer than timing what reads them, and two
// builds are compared on the same files. Without it they skip.

func benchVaultDir(b *testing.B) string {
	b.Helper()
	dir := os.Getenv("RHIZOME_BENCH_VAULT")
	if dir == "" {
		b.Skip("RHIZOME_BENCH_VAULT names no vault folder")
	}
	return dir
}

// BenchmarkScanVaultDir lists and stats the folder's files.
func BenchmarkScanVaultDir(b *testing.B) {
	dir := benchVaultDir(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := workspace.ScanVault(context.Background(), dir, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadVaultDir indexes the folder cold: every note read and parsed,
// every link resolved. It runs no GC headroom (`rhizome serve` runs one),
// and each load after the first finds the heap the one before left: Go's
// GOGC applies throughout, not a load's wider percents while its heap is
// small (gc.go). A load as the server's first is one per process:
// -benchtime 1x.
func BenchmarkLoadVaultDir(b *testing.B) {
	dir := benchVaultDir(b)
	p := workspace.NewParser()
	for b.Loop() {
		if _, _, err := workspace.Load(context.Background(), dir, benchConfig, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRestartVaultDir indexes the folder as a restart does: from a
// note cache written by a load of it (outside the timing), its image
// serving unchanged.
func BenchmarkRestartVaultDir(b *testing.B) {
	dir := benchVaultDir(b)
	cacheDir := b.TempDir()
	p := workspace.NewParser()
	c := workspace.StartNoteCache(cacheDir)
	if _, _, err := workspace.LoadWithOptions(context.Background(), dir, benchConfig, p, workspace.LoadOptions{Cache: c}); err != nil {
		b.Fatal(err)
	}
	if _, err := c.Save(context.Background()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c := workspace.StartNoteCache(cacheDir)
		_, rep, err := workspace.LoadWithOptions(context.Background(), dir, benchConfig, p, workspace.LoadOptions{Cache: c})
		if err != nil || !rep.FromImage {
			b.Fatalf("restart: from the image %v, %v", rep.FromImage, err)
		}
	}
}
