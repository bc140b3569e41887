package analysis

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// anyBlockBudget bounds the reading of a "[[^^" search, and twice it the
// parsing: it reads the text of every note (the index keeps no paragraphs),
// 50 ms at 10,000 notes on two cores and 250 at 50,000, and a list found by
// then, marked incomplete, beats a wait. The next search, with more typed,
// goes on from where it stopped (Completer).
const anyBlockBudget = 250 * time.Millisecond

// blockHit is a block of the vault that a "[[^^" query finds.
type blockHit struct {
	score int
	rank  int // its note's place in title order
	seq   int // its place in its note
	file  *workspace.File
	item  CompletionItem // its NewText without the note's name
}

func compareBlockHits(a, b *blockHit) int {
	return cmp.Or(b.score-a.score, a.rank-b.rank, a.seq-b.seq)
}

// completeAnyBlock answers "[[^^query": Obsidian's search of the blocks of
// every note, whose pick becomes "[[Note#^id]]", with an id made for a
// paragraph or list item without one, as after "#^". A block matches by its
// id or its text holding the query, ranked prefix, word start, the rest,
// then by note title and place in the note. span covers what follows "[["
// (both '^' included), which the link replaces.
func (c *Completer) completeAnyBlock(ctx context.Context, snap *workspace.Snapshot, f *workspace.File, off int, span workspace.Span, typed, suffix string) CompletionList {
	start := time.Now()
	within := func(d time.Duration) func(int) bool {
		return func(int) bool { return time.Since(start) < d }
	}
	list, scan := searchBlocks(ctx, snap, f, off, span, typed, suffix, c.lastBlocks(), blockLimits{read: within(anyBlockBudget), parse: within(2 * anyBlockBudget)})
	if scan != nil {
		c.keepBlocks(scan)
	}
	return list
}

// blockLimits say when a "[[^^" search stops, given how many notes it has
// read (or parsed) so far: a list found by then, marked incomplete, beats a
// wait.
type blockLimits struct {
	read, parse func(n int) bool
	chunk       int // notes read between looks for enough prefixes; 0: holdingChunk
}

// blockSearch is one "[[^^" search: what was typed, and where.
type blockSearch struct {
	reader               workspace.NoteReader
	from                 *workspace.File
	off                  int
	span                 workspace.Span
	typed, query, suffix string
}

// searchBlocks is completeAnyBlock, from the last search's scan (nil:
// none). It reads the notes that may hold the query (findHolding), then
// parses those whose text could give the best scores first, in title order
// for each score, and stops once no note left could beat the hundredth
// block found: a short query that most notes hold parses a few. Prefixes
// are looked for as the notes are read, so that a query hundreds of blocks
// begin with stops reading early. It returns the scan to take up next, even
// when ctx ends it; nil for an empty query, which every block matches
// alike, and which parses notes in title order until it has a hundred.
func searchBlocks(ctx context.Context, snap *workspace.Snapshot, f *workspace.File, off int, span workspace.Span, typed, suffix string, last *anyBlockScan, limits blockLimits) (CompletionList, *anyBlockScan) {
	s := &blockSearch{reader: snap.NoteReader(), from: f, off: off, span: span, typed: typed, suffix: suffix,
		query: workspace.Fold(strings.TrimSpace(typed[2:]))}
	// The notes are taken now, then read and parsed without the index's
	// lock: an edit of another note, or a file changed on disk, goes ahead
	// rather than wait for the search (up to 0.75 s at 50,000 notes), and
	// with it every message after it.
	files := slices.Clone(snap.FilesByTitle())
	notes := make([]*workspace.Note, len(files))
	for i, g := range files {
		notes[i] = g.Note
	}
	r := &blockRanking{s: s, files: files, notes: notes, more: limits.parse}
	var scan *anyBlockScan
	snap.Unlocked(func() { scan = r.search(ctx, last, limits) })
	if ctx.Err() != nil {
		// What was read still spares the next search reading it.
		return CompletionList{Incomplete: true}, scan
	}
	// A note changed or gone while it was read has had its blocks found in
	// a text it no longer has: they are left out, and the list marked
	// incomplete, for the editor to ask again.
	hits := slices.DeleteFunc(r.hits, func(h blockHit) bool {
		return snap.File(h.file.Path) != h.file || h.file.Note != notes[h.rank]
	})
	r.stopped = r.stopped || len(hits) < len(r.hits)
	sortBlockHits(hits)
	if len(hits) > MaxCompletions {
		hits, r.cut = hits[:MaxCompletions], true
	}
	list := CompletionList{Incomplete: r.cut || r.stopped, Items: make([]CompletionItem, len(hits))}
	for i := range hits {
		it := hits[i].item
		if g := hits[i].file; g != f {
			it.NewText = WikiName(snap, f, g) + it.NewText // resolves: for the hundred kept only
		}
		it.SortText = sortKey(i)
		list.Items[i] = it
	}
	return list, scan
}

// search finds the blocks (searchBlocks), from the notes alone: it runs
// without the index's lock. It returns the scan to take up next.
func (r *blockRanking) search(ctx context.Context, last *anyBlockScan, limits blockLimits) *anyBlockScan {
	s, files := r.s, r.files
	var scan *anyBlockScan
	if s.query == "" {
		all := make([]blockCandidate, len(files))
		for i := range all {
			all[i] = blockCandidate{rank: i, potential: 1}
		}
		r.parse(ctx, all)
	} else {
		parsed := make([]bool, len(files))
		cands, found, unread := findHolding(ctx, s.reader, files, r.notes, s.query, last, limits, func(chunk []blockCandidate) bool {
			var prefixes []blockCandidate
			for _, c := range chunk {
				if c.potential == 4 {
					prefixes = append(prefixes, c)
					parsed[c.rank] = true
				}
			}
			slices.SortFunc(prefixes, func(a, b blockCandidate) int { return a.rank - b.rank })
			r.parse(ctx, prefixes)
			return r.worst != nil && r.worst.score == 4
		})
		scan, r.stopped = found, r.stopped || unread
		cands = slices.DeleteFunc(cands, func(c blockCandidate) bool { return parsed[c.rank] })
		slices.SortFunc(cands, func(a, b blockCandidate) int { return cmp.Or(b.potential-a.potential, a.rank-b.rank) })
		r.parse(ctx, cands)
	}
	return scan
}

// blockRanking is the best blocks a "[[^^" search has found so far.
type blockRanking struct {
	s     *blockSearch
	files []*workspace.File
	notes []*workspace.Note // files' notes when the search began
	more  func(parsed int) bool

	mu      sync.Mutex
	hits    []blockHit
	worst   *blockHit // the last kept once the list has been cut
	cut     bool      // a hit was left out
	stopped bool      // notes were left unread or unparsed
	parsed  int
}

// parse adds the blocks of cands, parsed in their order on all cores, until
// the next could not beat the hundredth block found: nor could any after
// it, in order of potential then title.
func (r *blockRanking) parse(ctx context.Context, cands []blockCandidate) {
	next := 0
	take := func() (blockCandidate, bool) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if next == len(cands) {
			return blockCandidate{}, false
		}
		c := cands[next]
		switch w := r.worst; {
		case w != nil && (w.score > c.potential || w.score == c.potential && w.rank < c.rank):
			r.cut = true
			return blockCandidate{}, false
		case ctx.Err() != nil || !r.more(r.parsed):
			r.stopped = true
			return blockCandidate{}, false
		}
		next++
		r.parsed++
		return c, true
	}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(cands)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf, folded []byte // each note's text in turn, and its folded copy
			for {
				c, ok := take()
				if !ok {
					return
				}
				if n := r.notes[c.rank]; n != nil {
					r.keep(r.s.blocksIn(r.files[c.rank], n, c.rank, &buf, &folded))
				}
			}
		}()
	}
	wg.Wait()
}

// keep adds a note's hits, each string copied out of the worker's buffer,
// and cuts the list back to the best hundred whenever it holds four times
// as many.
func (r *blockRanking) keep(found []blockHit) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, h := range found {
		if r.worst != nil && compareBlockHits(&h, r.worst) >= 0 {
			r.cut = true
			continue
		}
		h.item = cloneBlockItem(h.item)
		r.hits = append(r.hits, h)
		if len(r.hits) == 4*MaxCompletions {
			sortBlockHits(r.hits)
			r.hits, r.cut = r.hits[:MaxCompletions], true
			w := r.hits[len(r.hits)-1] // a copy: appends overwrite the cut
			r.worst = &w
		}
	}
}

func sortBlockHits(hits []blockHit) {
	slices.SortFunc(hits, func(a, b blockHit) int { return compareBlockHits(&a, &b) })
}

// blocksIn is the blocks of g's note n that hold the query, their strings
// in n's text, read into *buf (and folded, when ASCII, into *folded). It
// reads n, not g's fields, which an edit may be changing.
func (s *blockSearch) blocksIn(g *workspace.File, n *workspace.Note, rank int, buf, folded *[]byte) []blockHit {
	text, data, err := s.reader.TextInto(n, *buf)
	*buf = data
	if err != nil {
		return nil
	}
	var ft string // the folded text, when ASCII: its offsets are text's
	if s.query != "" {
		// Folded again: findHolding read this same text (the snapshot's,
		// checked against its hash) and kept none of it.
		if _, ascii := holdsFolded(text, s.query, folded); ascii {
			ft = unsafe.String(unsafe.SliceData(*folded), len(text))
		}
	}
	var out []blockHit
	eachBlockWithID(text, s.reader.BlockSpans(text), n, func(p workspace.BlockSpan, b *workspace.Block, id string) {
		seq := len(out)
		if g == s.from && (p.End > p.Start && p.Contains(s.off) || b != nil && b.Span.Contains(s.off)) {
			return // the block being written ("[[^^ab" ends in what reads as an id)
		}
		body := blockBody(text, p, b)
		var score int
		var filter string
		if s.query == "" {
			score, filter = 1, s.typed+" "+body
		} else if score, filter = matchBlock(b, body, foldedIn(text, ft, body), s.typed, s.query); score == 0 {
			return
		}
		label, doc := blockLabel(body), truncate(body, maxSection)
		item := CompletionItem{
			Label:         label,
			Where:         n.Title,
			Detail:        "^" + id + " in " + n.Path,
			Kind:          CompleteBlock,
			Span:          s.span,
			Documentation: doc,
			NewText:       "#^" + id + s.suffix,
			// What was typed, then the block's text (or id) after the query
			// (see typedThen), cut as the documentation is: a hundred long
			// paragraphs a reply.
			FilterText: truncate(filter, maxSection),
		}
		if b == nil {
			item.Detail = "adds ^" + id + " to " + n.Path
			item.BlockID = newBlockIDAt(g, n, text, p, id, label)
		} else if label == "" {
			item.Label = "^" + id
		}
		out = append(out, blockHit{score: score, rank: rank, seq: seq, file: g, item: item})
	})
	return out
}

// foldedIn is part, a slice of text, folded: cut from ft, text folded,
// when there is one.
func foldedIn(text, ft, part string) string {
	if ft != "" && len(part) > 0 {
		at := int(uintptr(unsafe.Pointer(unsafe.StringData(part))) - uintptr(unsafe.Pointer(unsafe.StringData(text))))
		if at >= 0 && at+len(part) <= len(text) {
			return ft[at : at+len(part)]
		}
	}
	return workspace.Fold(part)
}

// matchBlock scores a block for query: by its id (b, when it has one),
// else by its text (body, folded), 0 when neither holds the query; and
// gives its filter text (typedThen).
func matchBlock(b *workspace.Block, body, folded, typed, query string) (score int, filter string) {
	if b != nil {
		id := workspace.Fold(b.ID)
		if i := strings.Index(id, query); i >= 0 {
			return scoreAt(id, i), typedThen(typed, b.ID, id, i, len(query))
		}
	}
	if i := strings.Index(folded, query); i >= 0 {
		return scoreAt(folded, i), typedThen(typed, body, folded, i, len(query))
	}
	return 0, ""
}

// cloneBlockItem copies the strings of an item that point into a note's
// text, which is a buffer read into again.
func cloneBlockItem(it CompletionItem) CompletionItem {
	it.Label = strings.Clone(it.Label)
	it.Documentation = strings.Clone(it.Documentation)
	it.FilterText = strings.Clone(it.FilterText)
	if it.BlockID != nil {
		b := *it.BlockID
		b.LineText, b.Label = strings.Clone(b.LineText), strings.Clone(b.Label)
		it.BlockID = &b
	}
	return it
}
