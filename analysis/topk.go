package analysis

import (
	"runtime"
	"slices"
	"sync"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// candidate is a match before it becomes a completion item: on a large vault
// thousands match a short query, and only the best MaxCompletions are worth
// the cost of an item (its strings, its shortest link name).
type candidate struct {
	score int
	label string
	key   uint64 // workspace.OrderKey(label), or 0 when not at hand
	file  *workspace.File
	alias string // set for an alias of file
	name  string // a missing note's name (file is nil)
	count int    // how many links name the missing note
}

// better orders candidates: higher score first, then by label, then by path
// and alias. The last two break ties between notes of one title, which would
// otherwise come in the order of the names' table, which changes when it is
// built again; a candidate without a file (a missing note, or a probe of
// admitsLabeled) comes first.
func better(a, b *candidate) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.key != b.key && a.key != 0 && b.key != 0 {
		return a.key < b.key
	}
	if a.label != b.label {
		return a.label < b.label
	}
	if pa, pb := a.path(), b.path(); pa != pb {
		return pa < pb
	}
	return a.alias < b.alias
}

func (c *candidate) path() string {
	if c.file == nil {
		return ""
	}
	return c.file.Path
}

// topK keeps the best k candidates seen, in a heap whose root is the worst kept.
type topK struct {
	k     int
	heap  candHeap
	total int
	// unsure is set when a candidate was passed over without finding out
	// whether it matches (see matchAbove): the list is then incomplete.
	unsure bool
}

func newTopK(k int) *topK { return &topK{k: k} }

// admits reports whether a candidate of this score could be kept. One that
// cannot is only counted: making it would read its label, a cache miss for
// each of the thousands that match a short query.
func (t *topK) admits(score int) bool {
	if len(t.heap) < t.k || score >= t.heap[0].score {
		return true
	}
	t.total++
	return false
}

// admitsLabeled is admits for a candidate whose label is at hand: one that
// ties the worst kept and sorts after it is not kept either.
func (t *topK) admitsLabeled(score int, label string, key uint64) bool {
	if len(t.heap) < t.k || better(&candidate{score: score, label: label, key: key}, &t.heap[0]) {
		return true
	}
	t.total++
	return false
}

// excludes reports whether the list is full of candidates better than one
// of this score and label (key 0 and label "" for the score alone), which
// then need not be matched at all: on a large vault most names are passed
// over so, where matching each cost more than the whole rest of a
// completion. Whether such a candidate matched is not known, so the list
// is unsure of its total (incomplete, as a full list mostly is anyway).
func (t *topK) excludes(score int, label string, key uint64) bool {
	if len(t.heap) < t.k || better(&candidate{score: score, label: label, key: key}, &t.heap[0]) {
		return false
	}
	t.unsure = true
	return true
}

func (t *topK) add(c candidate) {
	t.total++
	if len(t.heap) < t.k {
		if t.heap == nil {
			// Room for all k at once: growing by appends copies the
			// candidates several times over, on every keystroke.
			t.heap = make(candHeap, 0, t.k)
		}
		t.heap = append(t.heap, c)
		t.heap.up(len(t.heap) - 1)
		return
	}
	if better(&c, &t.heap[0]) {
		t.heap[0] = c
		t.heap.down(0)
	}
}

// best returns the kept candidates, best first, and whether some were
// dropped. It sorts them in place: t is done with after it.
func (t *topK) best() ([]candidate, bool) {
	out := t.heap
	t.heap = nil
	slices.SortFunc(out, func(a, b candidate) int {
		switch {
		case better(&a, &b):
			return -1
		case better(&b, &a):
			return 1
		}
		return 0
	})
	return out, t.total > len(out) || t.unsure
}

// parallelFrom is how many candidates a ranking takes before it is split
// across cores. Waking a second core costs tens of microseconds (more in a
// virtual machine): at 10,000 notes (16,000 names and missing notes, 0.3 ms
// of ranking) the split was slower on this 2-core machine, at 50,000 (80,000,
// 5 ms) it halves the time.
const parallelFrom = 32768

// inParallel calls scan on parts of [0, n), one per core when n is large,
// each with a topK of its own, and returns them merged. The best k overall
// are among the best k of each part, so a part may prune by its own.
func inParallel(n int, scan func(top *topK, from, to int)) *topK {
	return inParts(n, partsFor(n), scan)
}

// partsFor is how many parts inParallel cuts n candidates into.
func partsFor(n int) int {
	if n >= parallelFrom {
		return runtime.GOMAXPROCS(0)
	}
	return 1
}

// inParts is inParallel in a given number of parts.
func inParts(n, parts int, scan func(top *topK, from, to int)) *topK {
	// Each part's topK on cache lines of its own: the parts write their
	// counts for every candidate, and sharing a line would make the cores
	// take it from each other each time.
	type padded struct {
		topK
		_ [128]byte
	}
	tops := make([]padded, parts)
	var wg sync.WaitGroup
	for p := range parts {
		tops[p].k = MaxCompletions
		from, to := n*p/parts, n*(p+1)/parts
		if p == parts-1 {
			scan(&tops[p].topK, from, to) // the last part on this goroutine
			break
		}
		wg.Go(func() { scan(&tops[p].topK, from, to) })
	}
	wg.Wait()
	top := &tops[0].topK
	for i := range tops[1:] {
		top.merge(&tops[1+i].topK)
	}
	return top
}

// merge adds what o kept and counts what it saw: the best k of two disjoint
// sets of candidates are among the best k of each.
func (t *topK) merge(o *topK) {
	seen := o.total
	for _, c := range o.heap {
		t.add(c)
	}
	t.total += seen - len(o.heap)
	t.unsure = t.unsure || o.unsure
}

// candHeap is a binary heap with the worst candidate at the root. It is
// container/heap's algorithm on candidates themselves: through heap.Interface
// each push boxed its 80-byte candidate, half of what a completion allocated.
type candHeap []candidate

// up moves h[i] towards the root while it is worse than its parent.
func (h candHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !better(&h[parent], &h[i]) {
			return
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

// down moves h[i] away from the root while a child is worse than it.
func (h candHeap) down(i int) {
	for {
		worst := i
		if l := 2*i + 1; l < len(h) && better(&h[worst], &h[l]) {
			worst = l
		}
		if r := 2*i + 2; r < len(h) && better(&h[worst], &h[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}
