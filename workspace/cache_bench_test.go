package workspace_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// BenchmarkLoadCache10k times loading a generated 10,000-note vault through
// the note cache: cold (no cache file: every note parsed, then the cache
// written, as on a first start) and warm (the vault unchanged since the cache
// was written, as on a restart: every note read, hashed and decoded).
func BenchmarkLoadCache10k(b *testing.B) {
	dir, st := generatedVault(b, 10000)
	p := workspace.NewParser()
	load := func(b *testing.B, cacheDir string) *workspace.NoteCache {
		c, err := workspace.OpenNoteCache(cacheDir)
		if err != nil {
			b.Fatal(err)
		}
		_, rep, err := workspace.LoadWithOptions(context.Background(), dir, benchConfig, p, workspace.LoadOptions{Cache: c})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Notes != st.Notes {
			b.Fatalf("loaded %d notes, the generator wrote %d", rep.Notes, st.Notes)
		}
		b.ReportMetric(float64(rep.Cached), "cached")
		return c
	}
	b.Run("cold", func(b *testing.B) {
		b.SetBytes(st.Bytes)
		b.ReportAllocs()
		for b.Loop() {
			c := load(b, b.TempDir())
			if _, err := c.Save(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		// Files written within the last mtimeSlack are recorded as not
		// settled, and the load that finds them settled writes the cache
		// again: the vault is dated back before the cache is made.
		backdate(b, dir)
		cacheDir := b.TempDir()
		c := load(b, cacheDir)
		if _, err := c.Save(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(st.Bytes)
		b.ReportAllocs()
		for b.Loop() {
			if wrote, err := load(b, cacheDir).Save(context.Background()); wrote || err != nil {
				b.Fatalf("an unchanged vault rewrote its cache: %v", err)
			}
		}
	})
}

// backdate sets the times of every file under dir to an hour ago.
func backdate(b *testing.B, dir string) {
	b.Helper()
	then := time.Now().Add(-time.Hour)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(p, then, then)
	})
	if err != nil {
		b.Fatal(err)
	}
}
