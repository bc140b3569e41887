package analysis

import (
	"context"
	"sync"
	"testing"

	"github.com/rhizome-lsp/rhizome/bench/vaultgen"
	"github.com/rhizome-lsp/rhizome/workspace"
)

var (
	bigOnce  sync.Once
	bigIndex *workspace.Index
	bigErr   error
)

// bigVault indexes a generated 10k-note vault once per test binary.
func bigVault(b *testing.B) *workspace.Index {
	b.Helper()
	bigOnce.Do(func() {
		dir, err := osMkdirTemp()
		if err != nil {
			bigErr = err
			return
		}
		if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: 10000, Seed: 1}); err != nil {
			bigErr = err
			return
		}
		bigIndex, _, bigErr = workspace.Load(context.Background(), dir, workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}}, workspace.NewParser())
	})
	if bigErr != nil {
		b.Fatal(bigErr)
	}
	return bigIndex
}

// benchComplete times completion with the cursor at the end of text typed
// into a new note of the 10k vault.
func benchComplete(b *testing.B, typed string) {
	ix := bigVault(b)
	note := workspace.NewParser().Parse("bench/typing.md", "# Typing\n\nSome text "+typed, 1)
	ix.SetNote(note)
	defer ix.Remove(note.Path)
	snap := ix.Snapshot()
	defer snap.Release()
	f := snap.File(note.Path)
	off := len(note.Text)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if list := Complete(snap, f, off); len(list.Items) == 0 {
			b.Fatal("no items")
		}
	}
}

func BenchmarkCompleteWikiEmpty10k(b *testing.B)    { benchComplete(b, "[[") }
func BenchmarkCompleteWikiTyped10k(b *testing.B)    { benchComplete(b, "[[abc") }
func BenchmarkCompleteMarkdownPath10k(b *testing.B) { benchComplete(b, "[x](") }

func BenchmarkHover10k(b *testing.B) {
	ix := bigVault(b)
	snap := ix.Snapshot()
	defer snap.Release()
	sev, _ := Severities(nil)
	var f *workspace.File
	for _, g := range snap.Notes() {
		if len(g.Note.Links()) > 10 {
			f = g
			break
		}
	}
	off := f.Note.Links()[5].Span.Start + 2
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Hover(snap, f, off, sev)
	}
}
