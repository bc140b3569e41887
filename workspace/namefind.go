package workspace

import (
	"sort"
	"strings"
)

// NameEntry fields as FindNames reports them: the j-th alias is FieldAlias+j.
const (
	FieldStem = iota
	FieldTitle
	FieldAlias
)

// nameGrams lists, for each pair of adjacent bytes, the entries one of
// whose names holds it, in entries' order: a query is looked for only in
// the entries that hold its rarest pair. At 10,000 notes a scan of the whole
// text took 0.29 ms a query; with the pairs, all of completion after three
// letters takes 0.37-0.45 ms (BenchmarkCompleteWikiTargets10k). A second
// table lists the entries by triples of bytes, hashed, for queries of three
// bytes and more: over the 50k vault's forty bench queries the rarest pair's
// entries were 230,536, of which 68,605 held the query; for a query of three
// bytes the rarest triple's entries are those that hold it, but for the
// triples hashed into its bucket.
type nameGrams struct {
	at   []int32 // gram g's entries are ids[at[g]:at[g+1]]
	ids  []int32
	bits int // 2^bits grams: 16 for pairs, a triple's bucket's for triples (see gramAt)
}

func gramOf(a, b byte) int { return int(a)<<8 | int(b) }

// trigramBits is the triples' table's size: 2^18 buckets, a megabyte,
// against the tens of thousands of triples a vault's names hold.
const trigramBits = 18

// gramAt is the gram of width 2 or 3 at p in text, and false when it
// reaches across two names (no query holds a NUL). A pair is its two bytes;
// a triple is hashed into bits bits.
func gramAt(text string, p, width, bits int) (int, bool) {
	a, b := text[p], text[p+1]
	if a == 0 || b == 0 {
		return 0, false
	}
	if width == 2 {
		return gramOf(a, b), true
	}
	c := text[p+2]
	if c == 0 {
		return 0, false
	}
	return int((uint32(a)<<16 | uint32(b)<<8 | uint32(c)) * 0x9E3779B1 >> (32 - bits)), true
}

// buildNameGrams indexes the grams of width 2 (pairs, bits 16: their two
// bytes) or 3 (triples, in 2^bits buckets) of text (see nameTable): two
// passes, one to count each gram's entries, one to list them.
func buildNameGrams(text string, starts []int32, width, bits int) *nameGrams {
	size := 1 << bits
	g := &nameGrams{at: make([]int32, size+1), bits: bits}
	last := make([]int32, size) // the last entry counted for a gram, plus one
	each := func(visit func(gram int, entry int32)) {
		for i := range len(starts) - 1 {
			e := int32(i) + 1
			for p := int(starts[i]); p+width <= int(starts[i+1]); p++ {
				if gram, ok := gramAt(text, p, width, bits); ok && last[gram] != e {
					last[gram] = e
					visit(gram, e-1)
				}
			}
		}
	}
	each(func(gram int, _ int32) { g.at[gram+1]++ })
	for i := 1; i < len(g.at); i++ {
		g.at[i] += g.at[i-1]
	}
	g.ids = make([]int32, g.at[len(g.at)-1])
	next := make([]int32, size)
	copy(next, g.at)
	clear(last)
	each(func(gram int, e int32) {
		g.ids[next[gram]] = e
		next[gram]++
	})
	return g
}

// rarest is the entries holding the rarest of query's grams of g's width
// (FindNames takes no query holding a NUL).
func (g *nameGrams) rarest(query string, width int) []int32 {
	best, n := -1, int32(0)
	for p := 0; p+width <= len(query); p++ {
		gram, _ := gramAt(query, p, width, g.bits)
		if c := g.at[gram+1] - g.at[gram]; best < 0 || c < n {
			best, n = gram, c
		}
	}
	return g.ids[g.at[best]:g.at[best+1]]
}

// FindNames calls fn, in Names order, for each name of the entries from to
// before to of Names that holds query (folded, see Fold): with the entry's
// index, which of its names, and where in it query first occurs. Only the
// entries holding the query's rarest pair of bytes are searched, and the
// emptied entries of changed files are not.
func (s *Snapshot) FindNames(query string, from, to int, fn func(i, field, at int)) {
	if query == "" || strings.IndexByte(query, 0) >= 0 || from >= to {
		return
	}
	t := s.nameTable()
	if baseTo := min(to, t.base); from < baseTo {
		if len(query) == 1 {
			t.findByte(query[0], from, baseTo, fn)
		} else {
			t.findInBase(query, from, baseTo, fn)
		}
	}
	// The entries added since the table was built, few, one by one.
	for i := max(from, t.base); i < to; i++ {
		names := t.extra[i-t.base]
		if k := strings.Index(names, query); k >= 0 {
			eachName(i, names, query, k, fn)
		}
	}
}

// findInBase is FindNames over entries the table was built with, for a query
// of two bytes or more.
func (t *nameTable) findInBase(query string, from, to int, fn func(i, field, at int)) {
	var ids []int32
	if len(query) >= 3 {
		ids = t.nameGrams().triples.rarest(query, 3)
	} else {
		ids = t.nameGrams().pairs.rarest(query, 2)
	}
	lo := sort.Search(len(ids), func(k int) bool { return int(ids[k]) >= from })
	for _, id := range ids[lo:] {
		i := int(id)
		if i >= to {
			return
		}
		// The entry's names are searched in the text, which is read anyway:
		// the entry itself is not, for the many that hold the pair only.
		names := t.text[t.starts[i]:t.starts[i+1]]
		if k := strings.Index(names, query); k >= 0 && t.entries[i].File != nil {
			eachName(i, names, query, k, fn)
		}
	}
}

// eachName calls fn for each of entry i's names that holds query, given its
// names' text and the first hit in it, k.
func eachName(i int, names, query string, k int, fn func(i, field, at int)) {
	field, start := FieldStem, 0
	for {
		end := start + strings.IndexByte(names[start:], 0)
		if k >= end {
			field, start = field+1, end+1 // the hit is in a later name
			continue
		}
		fn(i, field, k-start)
		// Only the first hit in a name counts: go on with the next name.
		field, start = field+1, end+1
		next := strings.Index(names[start:], query)
		if next < 0 {
			return
		}
		k = start + next
	}
}

// WarmNames builds what FindNames and Names read, if names changed since:
// at 50,000 notes 65 ms for the table, then 22-58 ms for its pairs and 75
// ms for its triples (9.8 MB; 2.6 MB at 10,000), which the first completion
// would otherwise wait for.
func (s *Snapshot) WarmNames() { s.nameTable().nameGrams() }

// nameTableGrams are the table's pairs and triples.
type nameTableGrams struct{ pairs, triples *nameGrams }

func (t *nameTable) nameGrams() *nameTableGrams {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.grams == nil {
		t.grams = &nameTableGrams{
			pairs:   buildNameGrams(t.text, t.starts, 2, 16),
			triples: buildNameGrams(t.text, t.starts, 3, trigramBits),
		}
	}
	return t.grams
}

// findByte is FindNames over the entries the table was built with, for a
// query of one byte: a scan of all names, which IndexByte does at memory
// speed.
func (t *nameTable) findByte(c byte, from, to int, fn func(i, field, at int)) {
	base := int(t.starts[from])
	text := t.text[base:t.starts[to]]
	query := string(c)
	i := from
	for pos := 0; ; {
		k := strings.IndexByte(text[pos:], c)
		if k < 0 {
			return
		}
		hit := base + pos + k
		// The entry holding the hit: hits may be far apart, so a binary search.
		i += sort.Search(to-i, func(j int) bool { return int(t.starts[i+j+1]) > hit })
		if start := int(t.starts[i]); t.entries[i].File != nil { // else changed since
			eachName(i, t.text[start:t.starts[i+1]], query, hit-start, fn)
		}
		pos = int(t.starts[i+1]) - base
	}
}
