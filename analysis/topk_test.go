package analysis

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// inParallel keeps what one topK fed every candidate keeps, in the same
// order, and says alike whether candidates were dropped: for sizes below
// and above the split, and parts that pass some over unread.
func TestInParallelMatchesOneRanking(t *testing.T) {
	cand := func(i int) candidate {
		// Many ties in score, labels that tie-break them, none equal.
		label := fmt.Sprintf("l%06d", (i*104729)%1000003)
		return candidate{score: (i * 7919) % 11, label: label, key: workspace.OrderKey(label)}
	}
	for _, n := range []int{0, 50, MaxCompletions, parallelFrom - 1, parallelFrom, 3*parallelFrom + 17} {
		for _, unsureAt := range []int{-1, n / 2} {
			one := newTopK(MaxCompletions)
			for i := range n {
				if c := cand(i); one.admitsLabeled(c.score, c.label, c.key) {
					one.add(c)
				}
			}
			one.unsure = unsureAt >= 0 && unsureAt < n
			got := inParallel(n, func(top *topK, from, to int) {
				for i := from; i < to; i++ {
					if i == unsureAt {
						top.unsure = true
					}
					if c := cand(i); top.admitsLabeled(c.score, c.label, c.key) {
						top.add(c)
					}
				}
			})
			wantBest, wantDropped := one.best()
			gotBest, gotDropped := got.best()
			if !slices.Equal(gotBest, wantBest) || gotDropped != wantDropped || got.total != one.total {
				t.Errorf("n=%d unsure at %d: %d kept (dropped %v, total %d), want %d (dropped %v, total %d)",
					n, unsureAt, len(gotBest), gotDropped, got.total, len(wantBest), wantDropped, one.total)
			}
		}
	}
}

// The names and the missing notes are each cut into as many contiguous
// shares as there are parts, every index in exactly one, the shares even.
func TestShareCutsEachList(t *testing.T) {
	for _, n := range []int{1, 7, parallelFrom, 80_017} {
		for _, size := range []int{0, 1, 3, n / 3, n} {
			if size > n {
				continue // each list is a part of the n candidates
			}
			for _, parts := range []int{1, 2, 3, 8} {
				next := 0
				for p := range parts {
					from, to := share(n*p/parts, n, size), share(n*(p+1)/parts, n, size)
					if from != next || to < from || to-from > size/parts+2 {
						t.Fatalf("n=%d size=%d parts=%d: part %d has [%d, %d), after %d", n, size, parts, p, from, to, next)
					}
					next = to
				}
				if next != size {
					t.Fatalf("n=%d size=%d parts=%d: shares end at %d", n, size, parts, next)
				}
			}
		}
	}
}

// Ordering by key, where both candidates have one, is ordering by label:
// labels that share their first eight bytes, are shorter than eight, hold
// NULs or multibyte characters, or are empty.
func TestBetterByKeyIsByLabel(t *testing.T) {
	labels := []string{"", "a", "ab", "ab\x00", "ab\x00c", "abcdefgh", "abcdefgh", "abcdefghi", "abcdefgz", "abcdefh",
		"Zebra", "zebra", "Éclair", "éclair", "日本語のノート", "日本語のメモ", "\x00\x00\x00\x00\x00\x00\x00\x00x", "~"}
	for _, a := range labels {
		for _, b := range labels {
			for _, keyed := range []bool{true, false} {
				ca := candidate{score: 3, label: a}
				cb := candidate{score: 3, label: b, key: workspace.OrderKey(b)}
				if keyed {
					ca.key = workspace.OrderKey(a)
				}
				if got, want := better(&ca, &cb), a < b; got != want {
					t.Errorf("better(%q, %q) keyed=%v: %v, want %v", a, b, keyed, got, want)
				}
			}
		}
	}
}

// A topK keeps exactly the k best of what it is fed, whatever the order, as
// a sort of everything would: the heap's own sift up and down against
// better().
func TestTopKKeepsTheBest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		n := rng.IntN(3 * MaxCompletions)
		all := make([]candidate, n)
		for i := range all {
			// Few scores and labels: ties are the rule, broken by path.
			label := fmt.Sprintf("l%d", rng.IntN(20))
			all[i] = candidate{score: rng.IntN(4), label: label, key: workspace.OrderKey(label),
				file: &workspace.File{Path: fmt.Sprintf("p%04d.md", i)}}
		}
		top := newTopK(MaxCompletions)
		for _, c := range all {
			top.add(c)
		}
		got, dropped := top.best()
		want := slices.Clone(all)
		slices.SortFunc(want, func(a, b candidate) int {
			if better(&a, &b) {
				return -1
			}
			return 1
		})
		want = want[:min(n, MaxCompletions)]
		if !slices.Equal(got, want) || dropped != (n > MaxCompletions) {
			t.Fatalf("round %d, %d candidates: kept %d (dropped %v), want the first %d of a sort", round, n, len(got), dropped, len(want))
		}
	}
}

// sortKey orders as the numbers do, in five digits, below and above the
// table it is taken from.
func TestSortKey(t *testing.T) {
	prev := ""
	for i := range 3 * MaxCompletions {
		k := sortKey(i)
		if want := fmt.Sprintf("%05d", i); k != want {
			t.Fatalf("sortKey(%d) = %q, want %q", i, k, want)
		}
		if k <= prev {
			t.Fatalf("sortKey(%d) = %q sorts before sortKey(%d) = %q", i, k, i-1, prev)
		}
		prev = k
	}
}
