package workspace

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of TestResolveGolden")

// goldenVaults are the resolution test vaults, one per profile. Each is
// testdata/resolve/common (every link shape, shared so that the golden files
// can be compared across profiles) overlaid with testdata/resolve/<dir>/vault
// (notes in that tool's idiom), plus the NFD-named files of writeNFDNotes.
var goldenVaults = []struct {
	dir string
	cfg Config
}{
	{"obsidian", Config{Profiles: []Profile{ProfileObsidian}}},
	{"quartz-shortest", Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzShortest}},
	{"quartz-absolute", Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzAbsolute}},
	{"quartz-relative", Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzRelative}},
	{"commonmark", Config{Profiles: []Profile{ProfileCommonMark}}},
}

// TestResolveGolden resolves every link of each test vault under its profile
// and compares the result with testdata/resolve/<profile>/golden.txt, one line
// a link:
//
//	source:line:col kind "as written" -> status "target" [heading "H" #slug|block ^id]
//
// Run with -update to rewrite the files, then review every changed line by
// hand against DESIGN.md "Link resolution": a golden file is only worth what
// its review was.
func TestResolveGolden(t *testing.T) {
	for _, v := range goldenVaults {
		t.Run(v.dir, func(t *testing.T) {
			root := t.TempDir()
			copyVaultTree(t, filepath.Join("testdata", "resolve", "common"), root)
			copyVaultTree(t, filepath.Join("testdata", "resolve", v.dir, "vault"), root)
			writeNFDNotes(t, root)
			ix, report, err := Load(context.Background(), root, v.cfg, NewParser())
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range report.Problems {
				t.Errorf("load: %v", p)
			}
			got := resolutionReport(ix)
			golden := filepath.Join("testdata", "resolve", v.dir, "golden.txt")
			if *updateGolden {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./workspace -run TestResolveGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("resolutions differ from %s (-want +got):\n%s", golden, lineDiff(string(want), got))
			}
		})
	}
}

// writeNFDNotes adds files whose names are in Unicode NFD, as macOS writes
// them. They are made here rather than committed, since a checkout on macOS
// may normalise names.
func writeNFDNotes(t *testing.T, root string) {
	t.Helper()
	files := map[string]string{
		// "Café.md" decomposed: 'e' + U+0301. shapes.md links it in NFC.
		"Cafe\u0301.md": "# Café (NFD name)\n\n" +
			"NFD link to an NFC name: [[Re\u0301sume\u0301]]\n" +
			"NFD, %-encoded: [md](Re%CC%81sume%CC%81.md)\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func copyVaultTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// resolutionReport prints every link of every note and where it leads.
func resolutionReport(ix *Index) string {
	s := ix.Snapshot()
	defer s.Release()
	var b strings.Builder
	for _, f := range s.Notes() {
		text, err := s.Text(f)
		if err != nil {
			panic(err)
		}
		for i, l := range f.Note.Links() {
			line, col := f.Note.Lines().LineCol(l.Span.Start)
			fmt.Fprintf(&b, "%s:%d:%d %s %s -> %s\n", visible(f.Path), line, col, l.Kind,
				quoteVisible(text[l.Span.Start:l.Span.End]), describeResolution(s.Resolve(f, i)))
		}
	}
	return b.String()
}

func describeResolution(r Resolution) string {
	var b strings.Builder
	b.WriteString(r.Status.String())
	switch {
	case r.Target != nil:
		b.WriteString(" " + quoteVisible(r.Target.Path))
	case r.Page != "":
		b.WriteString(" " + r.Page + "-page")
	}
	if r.Heading != nil {
		b.WriteString(" heading " + quoteVisible(r.Heading.Text) + " #" + r.Heading.Slug)
	}
	if r.Block != nil {
		b.WriteString(" block ^" + r.Block.ID)
	}
	if len(r.Candidates) > 0 {
		b.WriteString(" among")
		for _, c := range r.Candidates {
			b.WriteString(" " + quoteVisible(c.Path))
		}
	}
	if r.Target == nil && r.Page == "" && r.Wanted != "" {
		b.WriteString(" wanted " + quoteVisible(r.Wanted))
	}
	return b.String()
}

// visible escapes what a reader could not tell apart: combining marks (NFD),
// and spaces other than ' ' (NBSP).
func visible(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || (unicode.IsGraphic(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Mn, r)):
			b.WriteRune(r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	return b.String()
}

// quoteVisible is s Go-quoted, with visible's escapes.
func quoteVisible(s string) string {
	q := strconv.Quote(s)
	return `"` + visible(q[1:len(q)-1]) + `"`
}

// lineDiff lists the lines only in want (-) or only in got (+), in order.
func lineDiff(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	// Longest common subsequence, enough for files of a few hundred lines.
	lcs := make([][]int, len(w)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(g)+1)
	}
	for i := len(w) - 1; i >= 0; i-- {
		for j := len(g) - 1; j >= 0; j-- {
			if w[i] == g[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b strings.Builder
	i, j := 0, 0
	for i < len(w) || j < len(g) {
		switch {
		case i < len(w) && j < len(g) && w[i] == g[j]:
			i++
			j++
		case i < len(w) && (j == len(g) || lcs[i+1][j] >= lcs[i][j+1]):
			b.WriteString("- " + w[i] + "\n")
			i++
		default:
			b.WriteString("+ " + g[j] + "\n")
			j++
		}
	}
	return b.String()
}
