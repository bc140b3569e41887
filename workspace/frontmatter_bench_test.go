package workspace

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/bench/vaultgen"
)

// markdownTexts reads every .md file under dir.
func markdownTexts(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	texts := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		texts[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return texts
}

// generatedTexts writes a generated vault of n notes and reads it back.
func generatedTexts(tb testing.TB, n int) map[string]string {
	tb.Helper()
	dir := tb.TempDir()
	if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: n, Seed: 1}); err != nil {
		tb.Fatal(err)
	}
	return markdownTexts(tb, dir)
}

func bomStart(text string) int {
	if strings.HasPrefix(text, "\uFEFF") {
		return 3
	}
	return 0
}

// BenchmarkFrontmatter times parseFrontmatter alone: the header of the
// benchmark note, and the headers of a generated 2,000-note vault (one op is
// the whole vault).
func BenchmarkFrontmatter(b *testing.B) {
	data, err := os.ReadFile("testdata/bench/note.md")
	if err != nil {
		b.Fatal(err)
	}
	note := string(data)
	b.Run("Note", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			parseFrontmatter(note, 0)
		}
	})
	texts := generatedTexts(b, 2000)
	list := make([]string, 0, len(texts))
	for _, t := range texts {
		list = append(list, t)
	}
	b.Run("Vault2k", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, t := range list {
				parseFrontmatter(t, bomStart(t))
			}
		}
		b.ReportMetric(float64(len(list)), "notes")
	})
}
