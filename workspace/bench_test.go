package workspace_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/bench/vaultgen"
	"github.com/rhizome-lsp/rhizome/workspace"
)

// BenchmarkParse parses a realistic 5 KB note: frontmatter, headings, both
// link syntaxes, a table with escaped pipes, tags, block ids, a code fence,
// a comment and a reference definition.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/bench/note.md")
	if err != nil {
		b.Fatal(err)
	}
	text := string(data)
	p := workspace.NewParser()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		p.Parse("concepts/Collective Decision Making.md", text, 1)
	}
}

// generatedVault writes a vault of n notes with the repository's generator.
func generatedVault(b *testing.B, n int) (string, vaultgen.Stats) {
	b.Helper()
	dir := b.TempDir()
	st, err := vaultgen.Generate(dir, vaultgen.Options{Notes: n, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	return dir, st
}

var benchConfig = workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}}

// BenchmarkIndex10k times workspace.Load on a generated 10,000-note vault:
// scanning, reading and parsing every note on all cores, then building the
// index and resolving every link. The vault is written once, outside the
// timing. It also reports the heap the index holds (live-MB, after a GC).
func BenchmarkIndex10k(b *testing.B) { benchIndex(b, 10000) }

// BenchmarkIndex50k is BenchmarkIndex10k at 50,000 notes (writing the vault
// takes a while: run it on its own).
func BenchmarkIndex50k(b *testing.B) { benchIndex(b, 50000) }

func benchIndex(b *testing.B, n int) {
	dir, st := generatedVault(b, n)
	p := workspace.NewParser()
	b.SetBytes(st.Bytes)
	b.ReportAllocs()
	var ix *workspace.Index
	for b.Loop() {
		var rep workspace.LoadReport
		var err error
		ix, rep, err = workspace.Load(context.Background(), dir, benchConfig, p)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Notes != st.Notes {
			b.Fatalf("loaded %d notes, the generator wrote %d", rep.Notes, st.Notes)
		}
	}
	b.StopTimer()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(ix)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-MB")
	b.ReportMetric(float64(st.Notes), "notes")
	b.ReportMetric(float64(st.Links), "links")
}

// BenchmarkSetNote times one keystroke in the note with the most backlinks
// of a 10,000-note index: a letter typed at the end of its first paragraph,
// then taken back, alternately. SetNote is the index update alone;
// ParseAndSetNote is what the server does per keystroke.
func BenchmarkSetNote(b *testing.B) {
	dir, _ := generatedVault(b, 10000)
	p := workspace.NewParser()
	ix, _, err := workspace.Load(context.Background(), dir, benchConfig, p)
	if err != nil {
		b.Fatal(err)
	}
	s := ix.Snapshot()
	var hub *workspace.File
	for _, f := range s.Notes() {
		if hub == nil || s.BacklinkCount(f) > s.BacklinkCount(hub) {
			hub = f
		}
	}
	backlinks := s.BacklinkCount(hub)
	s.Release()
	n := hub.Note
	// A note read from disk keeps no text; the editor's buffer would hold it.
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n.Path)))
	if err != nil {
		b.Fatal(err)
	}
	text := string(data)
	at := n.LeadSpan().End
	if at == 0 {
		at = len(text)
	}
	texts := [2]string{text[:at] + "x" + text[at:], text}
	notes := [2]*workspace.Note{p.Parse(n.Path, texts[0], 2), p.Parse(n.Path, texts[1], 3)}
	if strings.Count(texts[0], "x") == strings.Count(texts[1], "x") {
		b.Fatal("no edit")
	}

	b.Run("SetNote", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			ix.SetNote(notes[i&1])
			i++
		}
		b.ReportMetric(float64(backlinks), "backlinks")
	})
	b.Run("ParseAndSetNote", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			ix.SetNote(p.Parse(n.Path, texts[i&1], int32(i)))
			i++
		}
	})
}

// BenchmarkParsePathological parses 256 KB of lines just under MaxLineBytes
// that goldmark's rules make expensive: link destinations left open, and
// backtick runs that never close. Each took 0.2 to 7 s before the scan
// remembered where such searches had failed; now milliseconds.
func BenchmarkParsePathological(b *testing.B) {
	for _, unit := range []string{"[a](", "![a](", "[a](<", "\\``"} {
		line := strings.Repeat(unit, (workspace.MaxLineBytes-1)/len(unit)) + "\n"
		text := "# T\n\nLead.\n\n" + strings.Repeat(line, (256<<10)/len(line))
		b.Run(unit, func(b *testing.B) {
			p := workspace.NewParser()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				p.Parse("a.md", text, 1)
			}
		})
	}
}

// BenchmarkFindHeadingsAfterEdit edits a heading of a note of a 10,000-note
// index, then searches every heading (a workspace symbol search): the first
// search after a heading edit or a note added used to build the text of all
// headings again (80 ms at 50,000 notes).
func BenchmarkFindHeadingsAfterEdit(b *testing.B) {
	dir, _ := generatedVault(b, 10000)
	p := workspace.NewParser()
	ix, _, err := workspace.Load(context.Background(), dir, benchConfig, p)
	if err != nil {
		b.Fatal(err)
	}
	find := func() int {
		s := ix.Snapshot()
		defer s.Release()
		n := 0
		s.FindHeadings("loop", func(*workspace.File, *workspace.Heading) bool { n++; return true })
		return n
	}
	find()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ix.SetNote(p.Parse("bench/edited.md", fmt.Sprintf("# Edited\n\n## Loop %d\n", i), int32(i+1)))
		if find() == 0 {
			b.Fatal("no heading found")
		}
		i++
	}
}

// BenchmarkSetConfig10k times a settings change on a 10,000-note index: one
// that only concerns diagnostics (the editor's diagnosticMode switched), which
// resolves nothing, and one of the primary profile, which resolves every
// link again.
func BenchmarkSetConfig10k(b *testing.B) {
	dir, _ := generatedVault(b, 10000)
	ix, _, err := workspace.Load(context.Background(), dir, benchConfig, workspace.NewParser())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("diagnosticMode", func(b *testing.B) {
		modes := []string{workspace.DiagnoseOpenFilesOnly, workspace.DiagnoseWorkspace}
		for i := 0; b.Loop(); i++ {
			cfg := benchConfig
			cfg.DiagnosticMode = modes[i%2]
			ix.SetConfig(cfg)
		}
	})
	b.Run("profile", func(b *testing.B) {
		profiles := []workspace.Profile{workspace.ProfileCommonMark, workspace.ProfileObsidian}
		for i := 0; b.Loop(); i++ {
			ix.SetConfig(workspace.Config{Profiles: profiles[i%2:][:1]})
		}
	})
}
