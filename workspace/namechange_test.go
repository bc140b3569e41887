package workspace

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The names' table, kept up to date through random changes (titles, titles
// changed in case only, aliases, notes and images added, removed and
// renamed), holds what a table built afresh holds: the same entries, found
// by FindNames as a search of every name finds them, and FilesByTitle in the
// same order. Both ways are taken: changes applied to the table, and the
// table built again once too many were.
func TestNamesFollowChanges(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	letters := []string{"a", "B", "ab", " ", "é", "本", "-"}
	word := func(n int) string { return randomWordOf(r, letters, n) }
	noteText := func(title string) string {
		text := fmt.Sprintf("---\ntitle: %q\n", title)
		if r.IntN(3) == 0 {
			text += fmt.Sprintf("aliases: [%q, \"#tag\", %q]\n", word(1+r.IntN(4)), word(1+r.IntN(4)))
		}
		return text + "---\ntext\n"
	}
	files := map[string]string{"logo.png": ""}
	for i := range 120 {
		files[fmt.Sprintf("d%d/n%d.md", i%5, i)] = noteText(word(1 + r.IntN(6)))
	}
	v := newVaultChanges(t, r, files)
	ix := v.ix
	s := ix.Snapshot()
	s.FilesByTitle()
	s.WarmNames()
	s.Release()

	applied, rebuilt, lastBase := 0, 0, ix.names.base
	for step := range 700 {
		for range 1 + r.IntN(2) {
			path := v.pick(true)
			switch r.IntN(7) {
			case 0, 1:
				v.set(path, noteText(word(1+r.IntN(6))))
			case 2: // the same title in other letter cases
				title := ix.files[fold(path)].Note.Title
				v.set(path, strings.Replace(v.files[path], fmt.Sprintf("title: %q", title), fmt.Sprintf("title: %q", upperFirst(title)), 1))
			case 3:
				v.set(fmt.Sprintf("new/%d.md", step), noteText(word(1+r.IntN(6))))
			case 4:
				v.remove(path)
			case 5:
				v.rename(path, fmt.Sprintf("moved/%d.md", step))
			case 6:
				v.addFile(fmt.Sprintf("img/%d.png", step))
			}
		}
		s := ix.Snapshot()
		checkNames(t, s, r, word)
		tb := &ix.names
		if len(tb.entries) > tb.base {
			applied++
		}
		if tb.base != lastBase {
			rebuilt++
			lastBase = tb.base
		}
		s.Release()
		if t.Failed() {
			t.Fatalf("after step %d", step)
		}
	}
	if applied == 0 || rebuilt == 0 {
		t.Fatalf("changes applied to the table %d times, table built again %d times: the test needs both", applied, rebuilt)
	}
}

// checkNames compares s's names with a table built afresh from its files.
func checkNames(t *testing.T, s *Snapshot, r *rand.Rand, word func(int) string) {
	t.Helper()
	want := map[string]NameEntry{}
	for _, f := range s.ix.files {
		var b strings.Builder
		writeNames(&b, f)
		want[f.Path] = entryOf(f, b.String())
	}
	got := map[string]NameEntry{}
	for _, e := range s.Names() {
		if e.File == nil {
			continue
		}
		if _, twice := got[e.Path]; twice {
			t.Errorf("%s has two entries", e.Path)
		}
		got[e.Path] = e
	}
	for p, w := range want {
		if g, ok := got[p]; !ok {
			t.Errorf("%s has no entry", p)
		} else if g != w {
			t.Errorf("%s: entry %+v, want %+v", p, g, w)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s has an entry, but is not in the vault", p)
		}
	}
	n := len(s.Names())
	for range 5 {
		q := Fold(word(1 + r.IntN(3)))
		from := r.IntN(n)
		to := from + r.IntN(n-from+1)
		for _, span := range [][2]int{{0, n}, {from, to}} {
			if got, want := findNames(s, q, span[0], span[1]), searchNames(s, q, span[0], span[1]); !slices.Equal(got, want) {
				t.Errorf("%q in [%d, %d): %q, want %q", q, span[0], span[1], got, want)
			}
		}
	}
	byTitle := s.FilesByTitle()
	if want := sortByTitle(s.ix.files); !slices.Equal(byTitle, want) {
		t.Errorf("FilesByTitle has %d files out of order (%d in all)", countDiffering(byTitle, want), len(want))
	}
}

func countDiffering(a, b []*File) int {
	n := max(len(a), len(b)) - min(len(a), len(b))
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// A title changed in letter case only changes no name, but what completion
// shows and the order it shows it in.
func TestNamesFollowTitleCase(t *testing.T) {
	ix := testIndex(t, Config{}, map[string]string{
		"a.md": "# apple\n",
		"b.md": "# Banana\n",
	})
	s := ix.Snapshot()
	s.FilesByTitle()
	s.Release()
	ix.SetNote(NewParser().Parse("a.md", "# Apple\n", 2))
	ix.SetNote(NewParser().Parse("b.md", "# banana\n", 2))
	s = ix.Snapshot()
	defer s.Release()
	var labels []string
	for _, e := range s.Names() {
		if e.File != nil {
			labels = append(labels, e.Label)
		}
	}
	slices.Sort(labels)
	if want := []string{"Apple", "banana"}; !slices.Equal(labels, want) {
		t.Errorf("labels %q, want %q", labels, want)
	}
	var order []string
	for _, f := range s.FilesByTitle() {
		order = append(order, f.Label())
	}
	if want := []string{"Apple", "banana"}; !slices.Equal(order, want) {
		t.Errorf("by title %q, want %q", order, want)
	}
}
