package workspace

import (
	"slices"
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
