package analysis

import (
	"cmp"
	"context"
	"encoding/binary"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// anyBlockScan is what the first step of a "[[^^" search read: the first
// notes by title, up to where it stopped, each as it was then, and which of
// them held its query (or could not be read). A search for a query that
// holds this one reads only those, the notes changed since, and the rest; a
// note that did not hold the query cannot hold more.
type anyBlockScan struct {
	query   string
	files   []*workspace.File // FilesByTitle's first, read
	notes   []*workspace.Note // each file's note when it was read
	holding []int             // places in files, ascending
}

// resumes reports whether a search for query among files can start from s.
func (s *anyBlockScan) resumes(query string, files []*workspace.File) bool {
	return s != nil && strings.Contains(query, s.query) && len(s.files) <= len(files) && slices.Equal(s.files, files[:len(s.files)])
}

// blockCandidate is a note that holds the query, with the best score one
// of its blocks could have, from where the query is in its text.
type blockCandidate struct {
	rank, potential int
}

// holdingChunk is how many notes findHolding reads, unless told otherwise,
// before it asks whether what it found is enough.
const holdingChunk = 1024

// findHolding reads the notes that may hold query, on all cores, while
// limits.read(notes read) says so: those of last (nil: none) that held a
// query this one holds and those changed since, then the rest in title
// order. notes are files' notes, taken from a snapshot: it reads them with
// r, without the index's lock. After each chunk of notes it gives enough the candidates found
// among them, and stops when it says so. It returns the candidates, the
// scan to take up next, and stopped when the limit stopped it before the
// end.
func findHolding(ctx context.Context, r workspace.NoteReader, files []*workspace.File, notes []*workspace.Note, query string, last *anyBlockScan, limits blockLimits, enough func([]blockCandidate) bool) (_ []blockCandidate, _ *anyBlockScan, stopped bool) {
	var todo []int
	from := 0
	if last.resumes(query, files) {
		h := last.holding
		for i := range last.files {
			held := len(h) > 0 && h[0] == i
			if held {
				h = h[1:]
			}
			if held || notes[i] != last.notes[i] {
				todo = append(todo, i)
			}
		}
		from = len(last.files)
	}
	place := func(k int) int {
		if k < len(todo) {
			return todo[k]
		}
		return from + k - len(todo)
	}
	var (
		mu       sync.Mutex
		next     int // in todo, then past it
		chunkEnd int
		cands    []blockCandidate
		held     []int // places read whose note holds the query, or could not be read
		done     bool
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		switch rank := place(next); {
		case rank >= len(files):
			done = true
			return 0, false
		case next == chunkEnd:
			return 0, false
		case ctx.Err() != nil || !limits.read(next):
			stopped, done = true, true
			return 0, false
		default:
			next++
			return rank, true
		}
	}
	read := func(buf, folded *[]byte) {
		for {
			rank, ok := take()
			if !ok {
				return
			}
			n := notes[rank]
			if n == nil {
				continue
			}
			text, data, err := r.TextInto(n, *buf)
			*buf = data
			potential, holds := 0, true // a note not read is read next time
			if err == nil {
				potential, holds = blockPotential(text, bodyOf(n), query, folded)
			}
			mu.Lock()
			if holds {
				held = append(held, rank)
			}
			if potential > 0 {
				cands = append(cands, blockCandidate{rank: rank, potential: potential})
			}
			mu.Unlock()
		}
	}
	workers := runtime.GOMAXPROCS(0)
	bufs := make([][2][]byte, workers) // each worker's text and its folded copy, kept from chunk to chunk
	for !done {
		chunkEnd = next + cmp.Or(limits.chunk, holdingChunk)
		first := len(cands)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				read(&bufs[w][0], &bufs[w][1])
			}()
		}
		wg.Wait()
		if !done && enough(cands[first:]) {
			break
		}
	}
	// Every place before end has been read, now or by the last scan; those
	// of the last scan's left unread may hold the query still.
	end := from
	if next > len(todo) {
		end = place(next)
	} else {
		held = append(held, todo[next:]...)
	}
	slices.Sort(held)
	scan := &anyBlockScan{query: query, files: slices.Clone(files[:end]), notes: slices.Clone(notes[:end]), holding: held}
	return cands, scan, stopped
}

// blockPotential is the best score a block of text could have for query
// (0 when text does not hold it after bodyStart, where its frontmatter
// ends), and whether it holds it. A find scores 2 inside a word; a prefix,
// 4, only where no more than the markers of lists and quotes and spaces
// come before it on its line (where a paragraph starts), or after a '^'
// (an id), or on a line with a comment blanked for the parse; 3 elsewhere.
// A non-ASCII text, whose folded offsets differ, may score 4.
func blockPotential(text string, bodyStart int, query string, folded *[]byte) (potential int, holds bool) {
	holds, ascii := holdsFolded(text, query, folded)
	switch {
	case !holds:
		return 0, false
	case !ascii:
		return 4, true
	}
	ft := unsafe.String(unsafe.SliceData(*folded), len(text))
	// Each find's line is found going forward only, and looked at once for a
	// comment: a query as common as "the" is in a long line many times.
	lineStart, lineEnd, comment := 0, -1, false
	for from := bodyStart; potential < 4; {
		i := strings.Index(ft[from:], query)
		if i < 0 {
			break
		}
		i += from
		from = i + 1
		if i > 0 && isWordRune(ft[i-1]) {
			potential = max(potential, 2)
			continue
		}
		if i > lineEnd {
			lineStart = strings.LastIndexByte(ft[:i], '\n') + 1
			if lineEnd = strings.IndexByte(ft[i:], '\n'); lineEnd < 0 {
				lineEnd = len(ft)
			} else {
				lineEnd += i
			}
			line := ft[lineStart:lineEnd]
			comment = strings.Contains(line, "%%") || strings.Contains(line, "<%")
		}
		if i > 0 && ft[i-1] == '^' || comment || strings.Trim(ft[lineStart:i], " \t>-*+.)0123456789") == "" {
			potential = 4
		} else {
			potential = 3
		}
	}
	return potential, true
}

// bodyOf is where n's frontmatter, which holds no block, ends.
func bodyOf(n *workspace.Note) int {
	if n.Frontmatter.Present {
		return n.Frontmatter.Span.End
	}
	return 0
}

// holdsFolded reports whether the folded text holds query (folded), and
// whether text is ASCII. An ASCII text is folded into *folded, reused,
// rather than into a new string, eight bytes at a time: a search reads every
// note of the vault, and this is most of its time but the reading.
func holdsFolded(text, query string, folded *[]byte) (holds, ascii bool) {
	b := slices.Grow((*folded)[:0], len(text))[:len(text)]
	*folded = b
	i := 0
	for ; i+8 <= len(text); i += 8 {
		w := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(text[i:]), 8))
		if w&0x8080808080808080 != 0 {
			return strings.Contains(workspace.Fold(text), query), false
		}
		// 0x80 in each byte from 'A' to 'Z' (no carries: every byte is
		// under 0x80), moved to 0x20, the case bit.
		upper := (w + 0x3f3f3f3f3f3f3f3f) &^ (w + 0x2525252525252525) & 0x8080808080808080
		binary.LittleEndian.PutUint64(b[i:], w|upper>>2)
	}
	for ; i < len(text); i++ {
		c := text[i]
		if c >= 0x80 {
			return strings.Contains(workspace.Fold(text), query), false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return strings.Contains(unsafe.String(unsafe.SliceData(b), len(b)), query), true
}
