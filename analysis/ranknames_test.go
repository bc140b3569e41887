package analysis

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/bench/vaultgen"
	"github.com/rhizome-lsp/rhizome/workspace"
)

// rankNames keeps what scoring every name, alias and missing note and
// sorting them all keeps, whether the names that hold the query fill the
// list or subsequences are needed, in one part or two; and it says the list
// is incomplete whenever candidates were left out.
func TestRankNamesMatchesFullSort(t *testing.T) {
	dir := t.TempDir()
	if _, err := vaultgen.Generate(dir, vaultgen.Options{Notes: 1500, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	ix, _, err := workspace.Load(context.Background(), dir, workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}}, workspace.NewParser())
	if err != nil {
		t.Fatal(err)
	}
	snap := ix.Snapshot()
	defer snap.Release()
	notes := snap.Notes()
	editing := notes[len(notes)/2]
	queries := []string{"a", "e", "zq", "fdbk", "nte", "xyzzy", "/", "é", "not", "no", "s a"}
	aliased := 0
	for _, g := range notes {
		for _, l := range g.Note.Links() {
			if len(l.Target) >= 4 && len(queries) < 60 {
				queries = append(queries, workspace.Fold(l.Target[:3]), workspace.Fold(l.Target[1:4]))
				break
			}
		}
		if as := linkableAliases(g.Note); len(as) > 0 && aliased < 5 {
			queries = append(queries, workspace.Fold(as[0])[:min(4, len(as[0]))])
			aliased++
		}
	}
	if aliased == 0 || snap.MissingCount() == 0 {
		t.Fatalf("the vault has %d aliased notes and %d missing notes; the test needs both", aliased, snap.MissingCount())
	}
	filled, subsequences := 0, 0
	for _, q := range queries {
		want, wantDropped := rankAll(snap, editing, q)
		if len(want) == MaxCompletions && want[len(want)-1].score > maxSubsequence {
			filled++
		} else {
			subsequences++
		}
		for _, parts := range []int{1, 2} {
			got, dropped := rankNames(snap, editing, q, parts).best()
			if !slices.EqualFunc(got, want, sameRank) {
				t.Errorf("%q in %d parts: %d kept, want %d:\n got %v\nwant %v", q, parts, len(got), len(want), brief(got), brief(want))
			}
			if wantDropped && !dropped {
				t.Errorf("%q in %d parts: complete, but %d candidates were left out", q, parts, len(want))
			}
		}
	}
	if filled == 0 || subsequences == 0 {
		t.Fatalf("%d queries fill the list with names holding them, %d need subsequences; the test needs both", filled, subsequences)
	}
}

// rankAll scores every candidate and sorts them all: what rankNames must keep.
func rankAll(snap *workspace.Snapshot, f *workspace.File, q string) ([]candidate, bool) {
	var all []candidate
	for _, e := range snap.Names() {
		if e.File == f || e.File == nil {
			continue
		}
		if s := max(match(e.Stem, q), match(e.Title, q)); s > 0 {
			all = append(all, candidate{score: s*2 + boolInt(e.IsNote), label: e.Label, file: e.File})
		}
		if e.File.Note != nil {
			for _, a := range linkableAliases(e.File.Note) {
				if s := match(workspace.Fold(a), q); s > 0 {
					all = append(all, candidate{score: s * 2, label: a, file: e.File, alias: a})
				}
			}
		}
	}
	snap.RangeMissing(0, 0, 0, snap.MissingCount(), func(folded string, at int) {
		if s := match(folded, q); s > 0 {
			m := snap.MissingAt(at)
			all = append(all, candidate{score: s, label: m.Name, name: m.Name})
		}
	})
	slices.SortStableFunc(all, func(a, b candidate) int {
		if better(&a, &b) {
			return -1
		}
		if better(&b, &a) {
			return 1
		}
		return 0
	})
	if len(all) > MaxCompletions {
		return all[:MaxCompletions], true
	}
	return all, false
}

// sameRank compares what a completion list shows: candidates that tie in
// score and label may come in either order.
func sameRank(a, b candidate) bool { return a.score == b.score && a.label == b.label }

func brief(cs []candidate) string {
	var b strings.Builder
	for i, c := range cs {
		if i == 8 {
			b.WriteString("…")
			break
		}
		b.WriteString(c.label + ":" + string(rune('0'+c.score)) + " ")
	}
	return b.String()
}
