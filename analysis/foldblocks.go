package analysis

import (
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// lineFold is a fold by line numbers (0-based, both included), before it
// is checked for nesting and turned into byte offsets.
type lineFold struct {
	kind       FoldKind
	start, end int
	collapsed  string
}

// maxFoldDepth bounds the containers open at once. CommonMark sets no limit,
// but each line is matched against every open container, so a note of
// thousands of nested "> > > …" would cost lines × depth; past this depth a
// marker is read as text.
const maxFoldDepth = 100

// foldContainer is a block quote or a list item: a block whose lines each
// begin with its marker or its indentation.
type foldContainer struct {
	quote   bool
	callout bool
	// indent is a list item's content column, relative to its parent's
	// content: how far its other lines must be indented.
	indent int
	// emptyStart says the item's first line has only its marker, after which
	// a blank line ends it (CommonMark: at most one blank line to begin).
	emptyStart  bool
	first, last int
}

// foldLeaf is a block whose lines are not markdown: fenced code, a $$ block,
// an HTML comment.
type foldLeaf struct {
	kind  FoldKind // 0: none open
	first int
	depth int // the containers it is in: it ends with them
	fence byte
	n     int // the fence's length
}

// blockScan reads a note's lines as CommonMark's block parser does, far
// enough to know where containers, fences and comments begin and end: the
// goldmark tree is not kept after parsing, and a note read from disk keeps
// no text to parse again cheaply in full.
type blockScan struct {
	text  string
	lines *workspace.Lines
	folds []lineFold

	all  []foldContainer // every container met, by id
	open []int32         // ids of the open containers, outermost first
	// inner is, for each line, the id of the innermost container open after
	// it, or -1: a heading's section ends with its container.
	inner []int32
	leaf  foldLeaf
	para  bool // a paragraph is open, which lazy lines may continue
	// comment is the line where an unclosed %% comment began, or -1.
	comment int
	// lastText is the last line that is not blank: where a container, an
	// unclosed fence or the note's last section ends.
	lastText int
}

// scanBlocks reads the lines of text from line first on.
func scanBlocks(text string, lines *workspace.Lines, first int) *blockScan {
	n := lines.Count()
	sc := &blockScan{text: text, lines: lines, inner: make([]int32, n), comment: -1, lastText: -1}
	for l := range first {
		sc.inner[l] = -1
	}
	for l := first; l < n; l++ {
		s := text[lines.Start(l):lines.End(l)]
		if l == 0 {
			s = strings.TrimPrefix(s, bom)
		}
		sc.line(l, s)
		if !isBlank(s) {
			sc.lastText = l
		}
		sc.inner[l] = -1
		if k := len(sc.open); k > 0 {
			sc.inner[l] = sc.open[k-1]
		}
	}
	sc.endLeaf(sc.lastText, false)
	if sc.comment >= 0 {
		sc.add(FoldComment, sc.comment, sc.lastText, "")
	}
	sc.closeFrom(0)
	return sc
}

const bom = "\uFEFF"

func (sc *blockScan) add(kind FoldKind, start, end int, collapsed string) {
	if end > start {
		sc.folds = append(sc.folds, lineFold{kind: kind, start: start, end: end, collapsed: collapsed})
	}
}

// line reads line l, whose text is s.
func (sc *blockScan) line(l int, s string) {
	if sc.comment >= 0 {
		// Obsidian hides everything up to the closing "%%", markers and
		// fences included: none of it is read.
		if k := strings.Index(s, "%%"); k >= 0 {
			sc.add(FoldComment, sc.comment, l, "")
			sc.comment = -1
			if opensComment(s[k+2:]) {
				sc.comment = l
			}
		}
		return
	}
	c := lineCursor{s: s}
	matched := sc.match(&c, l)
	if sc.leaf.kind != 0 {
		// A $$ block is a paragraph's inline math to the parser: a blank
		// line ends it, as it would end a paragraph.
		if matched >= sc.leaf.depth && !(sc.leaf.kind == FoldMath && c.blank()) {
			sc.leafLine(&c, l)
			return
		}
		sc.endLeaf(sc.lastText, false) // its container ended
	}
	if matched < len(sc.open) {
		if sc.para && !c.blank() && !sc.startsBlock(c) {
			// A lazy continuation line: the paragraph, and with it every
			// container, goes on without its markers.
			sc.checkComment(l, c.rest())
			return
		}
		sc.closeFrom(matched)
	}
	sc.openContainers(&c, l)
	sc.leafStart(&c, l)
}

// match consumes the markers of the open containers that line l continues
// and returns how many it continues.
func (sc *blockScan) match(c *lineCursor, l int) int {
	for i, id := range sc.open {
		b := &sc.all[id]
		if b.quote {
			if !c.quoteMarker() {
				return i
			}
			continue
		}
		if c.blank() {
			if b.emptyStart && b.first == l-1 {
				return i
			}
			continue
		}
		if ind, _ := c.indent(); ind < b.indent {
			return i
		}
		c.skip(b.indent)
	}
	return len(sc.open)
}

// closeFrom closes the open containers from the k-th on.
func (sc *blockScan) closeFrom(k int) {
	for i := len(sc.open) - 1; i >= k; i-- {
		b := &sc.all[sc.open[i]]
		b.last = max(sc.lastText, b.first)
		switch {
		case b.callout:
			sc.add(FoldCallout, b.first, b.last, "")
		case b.quote:
			sc.add(FoldQuote, b.first, b.last, "")
		default:
			sc.add(FoldListItem, b.first, b.last, "")
		}
	}
	if k < len(sc.open) {
		sc.open = sc.open[:k]
		sc.para = false
	}
}

// startsBlock reports whether the text at c begins a block that ends a
// paragraph, so that it cannot be a lazy continuation line.
func (sc *blockScan) startsBlock(c lineCursor) bool {
	ind, j := c.indent()
	if ind >= 4 {
		return false
	}
	t := c.s[j:]
	if t[0] == '>' || atxHeading(t) || thematicBreak(t) || strings.HasPrefix(t, "<!--") || strings.HasPrefix(t, "$$") {
		return true
	}
	if _, _, ok := fenceOpen(t); ok {
		return true
	}
	// Any list item does: the paragraph's rules for which may interrupt it
	// hold only where its own container goes on.
	_, _, ok := listMarker(t)
	return ok
}

// openContainers opens the block quotes and list items that begin at c.
func (sc *blockScan) openContainers(c *lineCursor, l int) {
	for len(sc.open) < maxFoldDepth {
		ind, j := c.indent()
		if ind >= 4 || j == len(c.s) {
			return
		}
		t := c.s[j:]
		if t[0] == '>' {
			c.quoteMarker()
			ind, j := c.indent()
			callout := ind < 4 && strings.HasPrefix(c.s[j:], "[!") && strings.IndexByte(c.s[j:], ']') > 2
			sc.push(foldContainer{quote: true, callout: callout, first: l})
			continue
		}
		w, one, ok := listMarker(t)
		if !ok || thematicBreak(t) {
			return
		}
		empty := isBlank(t[w:])
		if sc.para && (empty || t[0] >= '0' && t[0] <= '9' && !one) {
			return // cannot interrupt a paragraph
		}
		c.skip(ind)
		c.take(w)
		pad, _ := c.indent()
		switch {
		case empty:
			pad = 1
		case pad > 4:
			pad = 1 // the content is indented code, after one blank
		}
		if !empty {
			c.skip(pad)
		}
		sc.push(foldContainer{indent: ind + w + pad, emptyStart: empty, first: l})
	}
}

func (sc *blockScan) push(b foldContainer) {
	sc.open = append(sc.open, int32(len(sc.all)))
	sc.all = append(sc.all, b)
	sc.para = false
}

// leafStart reads what follows the containers' markers on line l.
func (sc *blockScan) leafStart(c *lineCursor, l int) {
	if c.blank() {
		sc.para = false
		return
	}
	ind, j := c.indent()
	if ind >= 4 {
		if sc.para { // paragraph text: indented code cannot interrupt it
			sc.checkComment(l, c.s[j:])
		}
		return
	}
	t := c.s[j:]
	if ch, n, ok := fenceOpen(t); ok {
		sc.leaf = foldLeaf{kind: FoldCode, first: l, depth: len(sc.open), fence: ch, n: n}
		sc.para = false
		return
	}
	if strings.HasPrefix(t, "$$") && !strings.Contains(t[2:], "$$") {
		sc.leaf = foldLeaf{kind: FoldMath, first: l, depth: len(sc.open)}
		sc.para = false
		return
	}
	if strings.HasPrefix(t, "<!--") && !strings.Contains(t[4:], "-->") {
		sc.leaf = foldLeaf{kind: FoldComment, first: l, depth: len(sc.open)}
		sc.para = false
		return
	}
	switch {
	case atxHeading(t), thematicBreak(t), sc.para && setextUnderline(t):
		sc.para = false
	default:
		sc.para = true
	}
	sc.checkComment(l, t)
}

// leafLine reads line l inside an open leaf block: only its end matters.
func (sc *blockScan) leafLine(c *lineCursor, l int) {
	t := c.rest()
	switch sc.leaf.kind {
	case FoldCode:
		ind, j := c.indent()
		if ind < 4 && fenceCloses(c.s[j:], sc.leaf.fence, sc.leaf.n) {
			sc.endLeaf(l, true)
		}
	case FoldMath:
		if strings.Contains(t, "$$") {
			sc.endLeaf(l, true)
		}
	case FoldComment:
		if strings.Contains(t, "-->") {
			sc.endLeaf(l, true)
		}
	}
}

// endLeaf ends the open leaf block at line last, on its closing line or
// not. A $$ block that never closes was not math after all, and is not
// folded; a fence or a comment goes on to the end of its container.
func (sc *blockScan) endLeaf(last int, closed bool) {
	lf := sc.leaf
	sc.leaf = foldLeaf{}
	if lf.kind == 0 || lf.kind == FoldMath && !closed {
		return
	}
	sc.add(lf.kind, lf.first, last, "")
}

// checkComment notes a %% comment that opens on line l, in its text t, and
// does not close there.
func (sc *blockScan) checkComment(l int, t string) {
	if opensComment(t) {
		sc.comment = l
	}
}

// opensComment reports whether t leaves a %% comment open at its end. A code
// span hides its "%%", as workspace's parser reads it.
func opensComment(t string) bool {
	open := false
	for j := 0; j+1 < len(t); j++ {
		if open {
			if t[j] == '%' && t[j+1] == '%' {
				open = false
				j++
			}
			continue
		}
		switch {
		case t[j] == '`':
			k := j
			for k < len(t) && t[k] == '`' {
				k++
			}
			if e := strings.Index(t[k:], t[j:k]); e >= 0 {
				j = k + e + (k - j) - 1
			} else {
				j = k - 1
			}
		case t[j] == '%' && t[j+1] == '%':
			open = true
			j++
		}
	}
	return open
}
