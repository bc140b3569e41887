package analysis

import (
	"container/heap"
	"slices"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// candidate is a match before it becomes a completion item: on a large vault
// thousands match a short query, and only the best MaxCompletions are worth
// the cost of an item (its strings, its shortest link name).
type candidate struct {
	score int
	label string
	file  *workspace.File
	alias string // set for an alias of file
	name  string // a missing note's name (file is nil)
	count int    // how many links name the missing note
}

// better orders candidates: higher score first, then by label.
func better(a, b *candidate) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.label < b.label
}

// topK keeps the best k candidates seen, in a heap whose root is the worst kept.
type topK struct {
	k     int
	heap  candHeap
	total int
}

func newTopK(k int) *topK { return &topK{k: k} }

// admits reports whether a candidate of this score could be kept. One that
// cannot is only counted: making it would read its label from its note, a
// cache miss for each of the thousands that match a short query.
func (t *topK) admits(score int) bool {
	if len(t.heap) < t.k || score >= t.heap[0].score {
		return true
	}
	t.total++
	return false
}

func (t *topK) add(c candidate) {
	t.total++
	if len(t.heap) < t.k {
		heap.Push(&t.heap, c)
		return
	}
	if better(&c, &t.heap[0]) {
		t.heap[0] = c
		heap.Fix(&t.heap, 0)
	}
}

// best returns the kept candidates, best first, and whether some were dropped.
func (t *topK) best() ([]candidate, bool) {
	out := slices.Clone(t.heap)
	slices.SortFunc(out, func(a, b candidate) int {
		switch {
		case better(&a, &b):
			return -1
		case better(&b, &a):
			return 1
		}
		return 0
	})
	return out, t.total > len(out)
}

type candHeap []candidate

func (h candHeap) Len() int           { return len(h) }
func (h candHeap) Less(i, j int) bool { return better(&h[j], &h[i]) } // the worst at the root
func (h candHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *candHeap) Push(x any)        { *h = append(*h, x.(candidate)) }
func (h *candHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
