package workspace

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// findNames lists "path field at" for every name FindNames gives in [from, to).
func findNames(s *Snapshot, query string, from, to int) []string {
	var out []string
	names := s.Names()
	s.FindNames(query, from, to, func(i, field, at int) {
		out = append(out, fmt.Sprintf("%s %d %d", names[i].Path, field, at))
	})
	return out
}

// searchNames is what FindNames must give: each name of each entry searched.
func searchNames(s *Snapshot, query string, from, to int) []string {
	var out []string
	for _, e := range s.Names()[from:to] {
		if e.File == nil {
			continue // a file changed since the table was built
		}
		fields := []string{e.Stem, e.Title}
		if e.Aliases != "" {
			fields = append(fields, strings.Split(strings.TrimSuffix(e.Aliases, "\x00"), "\x00")...)
		}
		for field, name := range fields {
			if k := strings.Index(name, query); k >= 0 && query != "" {
				out = append(out, fmt.Sprintf("%s %d %d", e.Path, field, k))
			}
		}
	}
	return out
}

// FindNames finds what searching every stem, title and alias finds, first
// occurrences only, in Names order, never across two names, for queries of
// one byte and more, over the whole list and parts of it; and it follows
// names that change.
func TestFindNames(t *testing.T) {
	ix := testIndex(t, Config{}, map[string]string{
		"loops/balancing.md": "---\ntitle: Balancing Loop\naliases: [Loop de loop, \"#tag\", Négative feedback]\n---\ntext\n",
		"Reinforcing.md":     "# Reinforcing loop\n",
		"café.md":            "# Café Société\n",
		"ab.md":              "---\naliases: [cd]\n---\n", // "b" and "c" meet only across names
		"image-loop.png":     "",
		"deep/a/b/loop.md":   "no title here\n",
	})
	queries := []string{"loop", "l", "o", "é", "té", "/", "bc", "b\x00c", "ba", "de l", "négative", "#tag", "zz", "", "p"}
	s := ix.Snapshot()
	n := len(s.Names())
	for _, q := range queries {
		for _, r := range [][2]int{{0, n}, {0, n / 2}, {n / 2, n}, {1, n - 1}, {2, 2}} {
			got, want := findNames(s, q, r[0], r[1]), searchNames(s, q, r[0], r[1])
			if !slices.Equal(got, want) {
				t.Errorf("%q in [%d, %d): %q, want %q", q, r[0], r[1], got, want)
			}
		}
	}
	if got := findNames(s, "loop", 0, n); len(got) < 6 {
		t.Errorf("loop: %q, want stems, titles and an alias", got)
	}
	s.Release()
	s = ix.Snapshot()
	ix.names.grams = nil
	s.WarmNames()
	if ix.names.grams == nil {
		t.Error("WarmNames left the pairs to the first query")
	}
	s.Release()

	// A title that changes is found, and the old one no longer.
	ix.SetNote(NewParser().Parse("café.md", "# Bistro\n", 2))
	s = ix.Snapshot()
	defer s.Release()
	if got := findNames(s, "bistro", 0, len(s.Names())); len(got) != 1 || !strings.HasPrefix(got[0], "café.md 1 0") {
		t.Errorf("after the title changed: %q", got)
	}
	if got := findNames(s, "société", 0, len(s.Names())); got != nil {
		t.Errorf("the old title is still found: %q", got)
	}
}

// FindNames agrees with searching every name, over random names and queries
// of a small alphabet (so that pairs repeat, names share them and queries
// are found several times in one name), multibyte letters included.
func TestFindNamesRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	letters := []string{"a", "b", "ab", " ", "-", "é", "本", "/"}
	word := func(n int) string { return randomWordOf(r, letters, n) }
	files := map[string]string{}
	for i := range 300 {
		text := "# " + word(1+r.IntN(8)) + "\n"
		if r.IntN(4) == 0 {
			text = "---\naliases: [\"" + word(1+r.IntN(5)) + "\", \"" + word(1+r.IntN(5)) + "\"]\n---\n" + text
		}
		files[fmt.Sprintf("d%d/%s%d.md", i%7, word(1+r.IntN(6)), i)] = text
	}
	ix := testIndex(t, Config{}, files)
	s := ix.Snapshot()
	defer s.Release()
	n := len(s.Names())
	search := func(tables string) {
		t.Helper()
		for range 400 {
			q := Fold(word(1 + r.IntN(4)))
			from := r.IntN(n)
			to := from + r.IntN(n-from+1)
			if got, want := findNames(s, q, from, to), searchNames(s, q, from, to); !slices.Equal(got, want) {
				t.Fatalf("%s: %q in [%d, %d): %d found, want %d:\n%q\n%q", tables, q, from, to, len(got), len(want), got, want)
			}
		}
	}
	search("the tables as built")
	// Triples hashed into four buckets, nearly all sharing one with others:
	// an entry listed for a triple it does not hold is searched and left.
	tb := s.nameTable()
	tb.nameGrams()
	tb.mu.Lock()
	tb.grams.triples = buildNameGrams(tb.text, tb.starts, 3, 2)
	tb.mu.Unlock()
	search("triples in four buckets")
}
