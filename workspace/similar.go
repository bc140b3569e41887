package workspace

import (
	"cmp"
	"hash/maphash"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// nameDeletes finds names one typo away: every name is filed under itself and
// each string made by deleting one of its characters (a symmetric-delete
// index), so a lookup costs a few binary searches instead of a scan of the
// vault. Variants are filed by hash, in one sorted slice: a map of the
// variant strings held 80 MB at 50,000 notes. A hash collision only adds a
// candidate, which the edit distance then judges like any other.
type nameDeletes struct {
	seed maphash.Seed
	// keys are the name keys that had files at the build, the first base,
	// then those that got one since.
	keys    []string
	base    int
	entries []deleteEntry
	// added are the variants of the keys that got a file since the build,
	// in no order: few, and searched one by one.
	added []deleteEntry
}

// deleteEntry files keys[key] under the hash of one of its variants.
type deleteEntry struct {
	hash uint64
	key  uint32
}

func buildNameDeletes(byName map[string]*nameEntry) *nameDeletes {
	d := &nameDeletes{seed: maphash.MakeSeed()}
	for k, e := range byName {
		if len(e.files) > 0 {
			d.keys = append(d.keys, k)
		}
	}
	sort.Strings(d.keys) // the same index whatever the map's order
	for i, k := range d.keys {
		d.eachDelete(k, func(h uint64) { d.entries = append(d.entries, deleteEntry{h, uint32(i)}) })
	}
	slices.SortFunc(d.entries, func(a, b deleteEntry) int { return cmp.Compare(a.hash, b.hash) })
	d.base = len(d.keys)
	return d
}

// eachDelete calls fn with the hash of s and of every variant of s with one
// rune removed, without building the variants.
func (d *nameDeletes) eachDelete(s string, fn func(uint64)) {
	var h maphash.Hash
	h.SetSeed(d.seed)
	h.WriteString(s)
	fn(h.Sum64())
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		h.Reset()
		h.WriteString(s[:i])
		h.WriteString(s[i+size:])
		fn(h.Sum64())
		i += size
	}
}

// lookup calls fn with every key filed under hash h.
func (d *nameDeletes) lookup(h uint64, fn func(string)) {
	i, _ := slices.BinarySearchFunc(d.entries, h, func(e deleteEntry, h uint64) int { return cmp.Compare(e.hash, h) })
	for ; i < len(d.entries) && d.entries[i].hash == h; i++ {
		fn(d.keys[d.entries[i].key])
	}
	for _, e := range d.added {
		if e.hash == h {
			fn(d.keys[e.key])
		}
	}
}

// similarCache is built on first use. A name that gets a file is added to
// it (added); a name that loses its last file is taken out if it was added,
// and else left in: lookups keep only the names that have files. Building it
// again at 50,000 notes took 150 ms, which each keystroke in a note's
// aliases (a name going, another coming) cost the next diagnosis of a broken
// link.
type similarCache struct {
	mu sync.Mutex
	d  *nameDeletes
	// answers holds Similar's answers: a heading edit in a hub note has a
	// thousand notes diagnosed again, each asking again about its broken
	// links' targets (at 50,000 notes Similar was a quarter of the CPU an
	// edit cost). Forgotten whenever a file is filed under a name or taken
	// from one (forget).
	answers map[similarQuery][]*File
}

type similarQuery struct {
	key   string
	limit int
}

// maxSimilarAnswers bounds the answers kept: typing a broken link asks
// about each prefix of its target in turn.
const maxSimilarAnswers = 1 << 16

// forget drops the answers kept; the index holds its write lock.
func (c *similarCache) forget() {
	c.mu.Lock()
	c.answers = nil
	c.mu.Unlock()
}

// maxAddedDeletes is how many variants of names added since the build are
// kept, at about twenty a name; beyond, the index is built again.
const maxAddedDeletes = 4096

// added files name key k, which had no file until now, under its variants;
// the index holds its write lock.
func (c *similarCache) added(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.d
	if d == nil {
		return // built from the names when first needed
	}
	i := uint32(len(d.keys))
	d.keys = append(d.keys, k)
	d.eachDelete(k, func(h uint64) { d.added = append(d.added, deleteEntry{h, i}) })
	if len(d.added) > maxAddedDeletes {
		c.d = nil
	}
}

// removed takes name key k, which lost its last file, out of the names added
// since the build; the index holds its write lock. Typing in an alias adds a
// name and removes another at each keystroke: the added stay few.
func (c *similarCache) removed(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.d
	if d == nil {
		return
	}
	for i := d.base; i < len(d.keys); i++ {
		if d.keys[i] != k {
			continue
		}
		d.keys = slices.Delete(d.keys, i, i+1)
		d.added = slices.DeleteFunc(d.added, func(e deleteEntry) bool { return e.key == uint32(i) })
		for j := range d.added {
			if d.added[j].key > uint32(i) {
				d.added[j].key-- // the keys after i moved down one
			}
		}
		return
	}
}

// Similar lists files whose name is within two edits of name (typos,
// a letter dropped or doubled), closest first, at most limit. The list is
// shared: it must not be changed.
func (s *Snapshot) Similar(name string, limit int) []*File {
	ix := s.ix
	c := &ix.similar
	q := similarQuery{nameKey(name), limit}
	c.mu.Lock()
	if out, ok := c.answers[q]; ok {
		c.mu.Unlock()
		return out
	}
	if c.d == nil {
		c.d = buildNameDeletes(ix.byName)
	}
	d := c.d
	c.mu.Unlock()

	out := d.similar(ix, q.key, limit)
	c.mu.Lock()
	if c.answers == nil || len(c.answers) >= maxSimilarAnswers {
		c.answers = map[similarQuery][]*File{}
	}
	c.answers[q] = slices.Clip(out)
	c.mu.Unlock()
	return slices.Clip(out)
}

// similar finds what Similar answers: d's names near key that ix has files
// under.
func (d *nameDeletes) similar(ix *Index, key string, limit int) []*File {
	seen := map[string]bool{}
	type hit struct {
		f    *File
		dist int
	}
	var hits []hit
	d.eachDelete(key, func(h uint64) {
		d.lookup(h, func(k string) {
			if seen[k] || k == key {
				return
			}
			seen[k] = true
			dist := Distance(key, k)
			if dist > 2 {
				return
			}
			for _, f := range ix.named(k) {
				hits = append(hits, hit{f, dist})
			}
		})
	})
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].dist != hits[j].dist {
			return hits[i].dist < hits[j].dist
		}
		return hits[i].f.Path < hits[j].f.Path
	})
	var out []*File
	for _, h := range hits {
		if len(out) == limit {
			break
		}
		if !containsFile(out, h.f) {
			out = append(out, h.f)
		}
	}
	return out
}

// Distance is the Levenshtein distance between a and b, in runes.
func Distance(a, b string) int {
	if a == b {
		return 0
	}
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Closest returns the candidates nearest to s (case-insensitive), at most
// limit, each within half its length in edits.
func Closest(s string, candidates []string, limit int) []string {
	type hit struct {
		c    string
		dist int
	}
	fs := fold(s)
	var hits []hit
	for _, c := range candidates {
		d := Distance(fs, fold(c))
		if d <= max(2, len([]rune(c))/2) {
			hits = append(hits, hit{c, d})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].dist < hits[j].dist })
	var out []string
	for _, h := range hits {
		if len(out) == limit {
			break
		}
		if !containsString(out, h.c) {
			out = append(out, h.c)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
