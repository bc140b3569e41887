package workspace

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestSimilar(t *testing.T) {
	ix := NewIndex(Config{})
	p := NewParser()
	var notes []*Note
	for _, path := range []string{"Garden.md", "notes/Gardens.md", "Graph.md", "Café Notes.md", "deep/Zettelkasten.md", "Unrelated.md"} {
		notes = append(notes, p.Parse(path, "# x\n", 1))
	}
	ix.Bulk(notes, []string{"img/garden.png"})
	s := ix.Snapshot()
	defer s.Release()
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"Gardn", []string{"Garden.md"}},         // a letter dropped ("gardens" is two edits, not one delete away)
		{"Garden", []string{"notes/Gardens.md"}}, // itself is no suggestion
		{"Gardem", []string{"Garden.md"}},        // a letter replaced: both lose it
		{"img/garden.pgn", []string{"img/garden.png"}},
		{"Zettelkastn", []string{"deep/Zettelkasten.md"}},
		{"Cafe Notes", []string{"Café Notes.md"}},
		{"Cafée Notes", []string{"Café Notes.md"}},
		{"Nothing like it", nil},
	} {
		var got []string
		for _, f := range s.Similar(tc.name, 5) {
			got = append(got, f.Path)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Similar(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Similar, through random changes (notes and images added, removed and
// renamed, aliases changed), finds what it finds in the same vault indexed
// afresh: names that appear are added to its index, names that go are left
// out of its answers. Both ways are taken: names added to the index, and the
// index built again once too many were.
func TestSimilarFollowsChanges(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	letters := []string{"a", "b", "c", "d", "e"}
	word := func() string { return randomWordOf(r, letters, 3+r.IntN(4)) }
	note := func() string {
		if r.IntN(3) == 0 {
			return fmt.Sprintf("---\naliases: [%s, %s]\n---\n", word(), word())
		}
		return "text\n"
	}
	files := map[string]string{}
	for i := range 60 {
		files[fmt.Sprintf("d%d/%s.md", i%3, word())] = note()
	}
	v := newVaultChanges(t, r, files)
	ix := v.ix
	s := ix.Snapshot()
	s.Similar("abc", 5)
	s.Release()
	added, rebuilt, last := 0, 0, ix.similar.d
	for step := range 900 {
		path := v.pick(true)
		switch r.IntN(6) {
		case 0, 1, 5:
			path = fmt.Sprintf("n%d/%s-%s.md", step%4, word(), word())
			v.set(path, note())
		case 2:
			v.set(path, note())
		case 3:
			v.remove(v.pick(false))
		case 4:
			v.addFile(fmt.Sprintf("img/%s.png", word()))
		}
		fresh := v.fresh()
		got, want := ix.Snapshot(), fresh.Snapshot()
		for range 8 {
			// A short name, or a long one with a letter changed.
			probe := word()
			if long := strings.TrimSuffix(path[strings.LastIndexByte(path, '/')+1:], ".md"); r.IntN(2) == 0 && len(long) > 6 {
				i := r.IntN(len(long))
				probe = long[:i] + "e" + long[i+1:]
			}
			if g, w := similarPaths(got, probe), similarPaths(want, probe); !slices.Equal(g, w) {
				t.Fatalf("step %d: Similar(%q) = %q, want %q", step, probe, g, w)
			}
		}
		got.Release()
		want.Release()
		if d := ix.similar.d; d != nil && d != last {
			rebuilt++
			last = d
		} else if d != nil && len(d.added) > 0 {
			added++
		}
	}
	if added == 0 || rebuilt == 0 {
		t.Fatalf("names added to the index %d times, index built again %d times: the test needs both", added, rebuilt)
	}
}

func similarPaths(s *Snapshot, name string) []string {
	var out []string
	for _, f := range s.Similar(name, 5) {
		out = append(out, f.Path)
	}
	return out
}
