package analysis

import (
	"fmt"
	"slices"
	"testing"
)

// inParallel keeps what one topK fed every candidate keeps, in the same
// order, and says alike whether candidates were dropped: for sizes below
// and above the split, and parts that pass some over unread.
func TestInParallelMatchesOneRanking(t *testing.T) {
	cand := func(i int) candidate {
		// Many ties in score, labels that tie-break them, none equal.
		return candidate{score: (i * 7919) % 11, label: fmt.Sprintf("l%06d", (i*104729)%1000003)}
	}
	for _, n := range []int{0, 50, MaxCompletions, parallelFrom - 1, parallelFrom, 3*parallelFrom + 17} {
		for _, unsureAt := range []int{-1, n / 2} {
			one := newTopK(MaxCompletions)
			for i := range n {
				if c := cand(i); one.admitsLabeled(c.score, c.label) {
					one.add(c)
				}
			}
			one.unsure = unsureAt >= 0 && unsureAt < n
			got := inParallel(n, func(top *topK, from, to int) {
				for i := from; i < to; i++ {
					if i == unsureAt {
						top.unsure = true
					}
					if c := cand(i); top.admitsLabeled(c.score, c.label) {
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
