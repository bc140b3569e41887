package analysis

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/rhizome-lsp/rhizome/bench/vaultgen"
	"github.com/rhizome-lsp/rhizome/workspace"
)

// generatedIndex is a generated vault of some size, indexed once per test
// binary.
type generatedIndex struct {
	once sync.Once
	ix   *workspace.Index
	err  error
}

var vault10k, vault50k generatedIndex

func (g *generatedIndex) get(b *testing.B, notes int) *workspace.Index {
	b.Helper()
	g.once.Do(func() {
		dir, err := osMkdirTemp()
		if err != nil {
			g.err = err
			return
		}
		if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: notes, Seed: 1}); err != nil {
			g.err = err
			return
		}
		g.ix, _, g.err = workspace.Load(context.Background(), dir, workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}}, workspace.NewParser())
	})
	if g.err != nil {
		b.Fatal(g.err)
	}
	return g.ix
}

// bigVault indexes a generated 10k-note vault once per test binary.
func bigVault(b *testing.B) *workspace.Index { return vault10k.get(b, 10000) }

// withNote adds a note to ix for one benchmark and returns a snapshot
// holding it, and its file; the note and the snapshot go when it ends.
func withNote(b *testing.B, ix *workspace.Index, path, text string) (*workspace.Snapshot, *workspace.File) {
	b.Helper()
	ix.SetNote(workspace.NewParser().Parse(path, text, 1))
	b.Cleanup(func() { ix.Remove(path) })
	snap := ix.Snapshot()
	b.Cleanup(snap.Release)
	return snap, snap.File(path)
}

// benchComplete times completion with the cursor at the end of text typed
// into a new note of the 10k vault.
func benchComplete(b *testing.B, typed string) { benchCompleteIn(b, bigVault(b), typed) }

// benchCompleteIn times completion at the end of text typed into a new note
// of ix.
func benchCompleteIn(b *testing.B, ix *workspace.Index, typed string) {
	text := "# Typing\n\nSome text " + typed
	snap, f := withNote(b, ix, "bench/typing.md", text)
	off := len(text)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if list := Complete(b.Context(), snap, f, off); len(list.Items) == 0 {
			b.Fatal("no items")
		}
	}
}

func BenchmarkCompleteWikiEmpty10k(b *testing.B)    { benchComplete(b, "[[") }
func BenchmarkCompleteWikiTyped10k(b *testing.B)    { benchComplete(b, "[[abc") }
func BenchmarkCompleteMarkdownPath10k(b *testing.B) { benchComplete(b, "[x](") }

// BenchmarkCompleteWikiTyped50k ranks on all cores (80,000 names and missing
// notes, over parallelFrom). Generating the vault takes a while: run it on
// its own.
func BenchmarkCompleteWikiTyped50k(b *testing.B) { benchCompleteIn(b, vault50k.get(b, 50000), "[[abc") }

// BenchmarkCompleteAnyHeading10k searches every heading of the vault
// ("[[##"): "key" is in one of the generator's common headings, thousands of
// them, all word starts, so the list is cut back to the best hundred often.
func BenchmarkCompleteAnyHeading10k(b *testing.B) { benchComplete(b, "[[##key") }

func BenchmarkCompleteAnyHeading50k(b *testing.B) {
	benchCompleteIn(b, vault50k.get(b, 50000), "[[##key")
}

// BenchmarkCompleteWikiTargets10k types what users type: the first three
// characters of the vault's own link targets (as bench/lsp does), which match
// far more names than "abc" does.
func BenchmarkCompleteWikiTargets10k(b *testing.B) { benchCompleteTargets(b, bigVault(b)) }

func BenchmarkCompleteWikiTargets50k(b *testing.B) {
	benchCompleteTargets(b, vault50k.get(b, 50000))
}

// benchCompleteTargets completes after "[[" and the first three characters
// of forty link targets of ix, one per line of a new note, in turn.
func benchCompleteTargets(b *testing.B, ix *workspace.Index) {
	snap := ix.Snapshot()
	var text strings.Builder
	text.WriteString("# Typing\n\n")
	var offs []int
	for _, g := range snap.Notes() {
		for _, l := range g.Note.Links() {
			if l.Wiki && len(l.Target) >= 7 && len(offs) < 40 {
				text.WriteString("- [[" + l.Target[:3])
				offs = append(offs, text.Len())
				text.WriteString("\n")
				break
			}
		}
	}
	snap.Release()
	snap, f := withNote(b, ix, "bench/typing.md", text.String())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if list := Complete(b.Context(), snap, f, offs[i%len(offs)]); len(list.Items) == 0 {
			b.Fatal("no items")
		}
	}
}

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

// BenchmarkCompleteRetitled10k retitles the note being edited, then
// completes after "[[" and after "[[dra": the first completion after a title,
// an alias or a note changes, which used to wait for the names' tables to be
// built again (18 ms at 10,000 notes, 125 ms at 50,000).
func BenchmarkCompleteRetitled10k(b *testing.B) { benchCompleteRetitled(b, bigVault(b)) }

func BenchmarkCompleteRetitled50k(b *testing.B) {
	benchCompleteRetitled(b, vault50k.get(b, 50000))
}

func benchCompleteRetitled(b *testing.B, ix *workspace.Index) {
	p := workspace.NewParser()
	snap := ix.Snapshot()
	snap.FilesByTitle()
	snap.WarmNames()
	snap.Release()
	const path = "bench/retitled.md"
	defer ix.Remove(path)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		head := fmt.Sprintf("---\ntitle: Draft %d\n---\n\nSome text [[", i)
		text := head + "\n\nMore [[dra"
		ix.SetNote(p.Parse(path, text, int32(i+1)))
		snap := ix.Snapshot()
		f := snap.File(path)
		for _, off := range []int{len(head), len(text)} {
			if list := Complete(b.Context(), snap, f, off); len(list.Items) == 0 {
				b.Fatal("no items")
			}
		}
		snap.Release()
	}
}

// BenchmarkDiagnoseAliasEdit10k gives a note with a broken link another
// alias, then diagnoses it: each keystroke in the aliases used to build the
// index of names one typo away (for the broken link's "did you mean") again,
// 33 ms at 10,000 notes and 154 ms at 50,000.
func BenchmarkDiagnoseAliasEdit10k(b *testing.B) { benchDiagnoseAliasEdit(b, bigVault(b)) }

func BenchmarkDiagnoseAliasEdit50k(b *testing.B) {
	benchDiagnoseAliasEdit(b, vault50k.get(b, 50000))
}

func benchDiagnoseAliasEdit(b *testing.B, ix *workspace.Index) {
	p := workspace.NewParser()
	sev, _ := Severities(nil)
	const path = "bench/aliased.md"
	defer ix.Remove(path)
	diagnose := func(i int) {
		text := fmt.Sprintf("---\naliases: [Sketch %d]\n---\n\nSee [[Nowhere to be found]].\n", i)
		ix.SetNote(p.Parse(path, text, int32(i+1)))
		snap := ix.Snapshot()
		defer snap.Release()
		if ds := Diagnose(snap, snap.File(path), sev); len(ds) == 0 {
			b.Fatal("no diagnostics")
		}
	}
	diagnose(-1) // the typo index is built once, with the vault
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		diagnose(i)
	}
}

// BenchmarkCompleteAnyBlock*: "[[^^" searches the text of every note, read
// from disk. A phrase few blocks hold reads the whole vault; a word many
// blocks begin with stops once the best hundred are all prefixes. Typing
// is a phrase typed in four steps, each search taking up the one before.
func BenchmarkCompleteAnyBlockPhrase10k(b *testing.B) { benchComplete(b, "[[^^patient governance") }
func BenchmarkCompleteAnyBlockWord10k(b *testing.B)   { benchComplete(b, "[[^^the") }
func BenchmarkCompleteAnyBlockTyping10k(b *testing.B) { benchAnyBlockTyping(b, bigVault(b)) }
func BenchmarkCompleteAnyBlockPhrase50k(b *testing.B) {
	benchCompleteIn(b, vault50k.get(b, 50000), "[[^^patient governance")
}
func BenchmarkCompleteAnyBlockTyping50k(b *testing.B) { benchAnyBlockTyping(b, vault50k.get(b, 50000)) }

func benchAnyBlockTyping(b *testing.B, ix *workspace.Index) {
	steps := []string{"[[^^pat", "[[^^patient", "[[^^patient gov", "[[^^patient governance"}
	text := "# Typing\n\n"
	var offs []int
	for _, s := range steps {
		text += s
		offs = append(offs, len(text))
		text += "\n\n"
	}
	snap, f := withNote(b, ix, "bench/typing.md", text)
	b.ReportAllocs()
	for b.Loop() {
		var c Completer
		for _, off := range offs {
			if list := c.Complete(b.Context(), snap, f, off); len(list.Items) == 0 {
				b.Fatal("no items")
			}
		}
	}
}
