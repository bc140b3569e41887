package workspace

import (
	"sort"
	"strings"
	"sync"
)

// nameDeletes finds names one typo away: every name is filed under itself and
// each string made by deleting one of its characters (a symmetric-delete
// index), so a lookup costs a few map reads instead of a scan of the vault.
type nameDeletes struct {
	byDelete map[string][]string // deletion variant → name keys
}

func buildNameDeletes(byName map[string]*nameEntry) *nameDeletes {
	d := &nameDeletes{byDelete: make(map[string][]string, len(byName)*8)}
	for k, e := range byName {
		if len(e.files) == 0 {
			continue // only mentioned: no file to suggest
		}
		for _, v := range deletes(k) {
			d.byDelete[v] = append(d.byDelete[v], k)
		}
	}
	return d
}

// deletes is the word and every variant with one rune removed.
func deletes(s string) []string {
	rs := []rune(s)
	out := make([]string, 0, len(rs)+1)
	out = append(out, s)
	for i := range rs {
		out = append(out, string(rs[:i])+string(rs[i+1:]))
	}
	return out
}

// similarCache is built on first use and dropped when names change.
type similarCache struct {
	mu sync.Mutex
	d  *nameDeletes
}

// Similar lists files whose name is within two edits of name (typos,
// a letter dropped or doubled), closest first, at most limit.
func (s *Snapshot) Similar(name string, limit int) []*File {
	ix := s.ix
	ix.similar.mu.Lock()
	if ix.similar.d == nil {
		ix.similar.d = buildNameDeletes(ix.byName)
	}
	d := ix.similar.d
	ix.similar.mu.Unlock()

	key := nameKey(name)
	seen := map[string]bool{}
	type hit struct {
		f    *File
		dist int
	}
	var hits []hit
	for _, v := range deletes(key) {
		for _, k := range d.byDelete[v] {
			if seen[k] || k == key {
				continue
			}
			seen[k] = true
			dist := Distance(key, k)
			if dist > 2 {
				continue
			}
			for _, f := range ix.named(k) {
				hits = append(hits, hit{f, dist})
			}
		}
	}
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
