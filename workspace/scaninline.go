package workspace

import (
	"bytes"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// The inline scan (scanBlock) finds in a stashed paragraph what goldmark's inline parsers
// configured in NewParser would: it visits the same trigger characters left to
// right and applies each parser's rule in priority order (code span,
// wikilink, link, autolink, math, tag, block id), with goldmark's link
// bracket rules — including its quirks — rather than CommonMark's where they
// differ. Emphasis is ignored: it never changes which links there are. A test
// (scaninline_test.go) parses real gardens both ways and compares every note.

// inlineScan is the state of one paragraph's scan. Positions are offsets
// into buf, the paragraph's lines joined; src converts them to note offsets.
type inlineScan struct {
	c     *collector
	pc    parser.Context
	buf   []byte
	segs  []text.Segment
	start []int // buf offset of each segment
	whole [1]text.Segment

	// [lineFrom, lineTo) is within the line lineRest found last.
	lineFrom, lineTo int

	openers []bracket
	// lastLink is where the latest link (not image) began: goldmark refuses a
	// link whose label holds one.
	lastLink int
	runStart int
	// The '$' at noCloserFrom found no closing '$' before noCloserTo.
	noCloserFrom, noCloserTo int
	// The last destination scan that ran to a space or a line's end: from
	// destFrom to destEnd, its last ')' at destClose (see destinationEnd).
	destFrom, destEnd, destClose int
	// A destination opened with '<' at noAngleFrom found no '>' before
	// noAngleTo, its line's end.
	noAngleFrom, noAngleTo int
	// noTicksFrom[n]-1, when not 0, is an offset past which buf holds no run
	// of exactly n backticks: openers left without a closer would each search
	// to the end of the paragraph again.
	noTicksFrom []int

	links  []Link
	tags   []Tag
	blocks []Block
	runs   []Span
}

// bracket is an open '[' or '![' and what had been found when it opened, so a
// link formed from it can drop what its label held.
type bracket struct {
	start, end                int // the "[" or "![" in buf
	image                     bool
	links, tags, blocks, runs int
}

var scanTrigger = func() (t [256]bool) {
	for _, c := range []byte("\\`[]!<$#^") {
		t[c] = true
	}
	return t
}()

// scanBlock scans one stashed block and adds what it holds to the collector.
func (c *collector) scanBlock(b *stashedBlock, pc parser.Context) {
	s := &c.scan
	*s = inlineScan{c: c, pc: pc, segs: b.lines, start: s.start[:0], openers: s.openers[:0],
		links: s.links[:0], tags: s.tags[:0], blocks: s.blocks[:0], runs: s.runs[:0], lastLink: -1, noCloserFrom: -1,
		noTicksFrom: s.noTicksFrom[:0], destFrom: -1, destEnd: -1, destClose: -1, noAngleFrom: -1, noAngleTo: -1}
	contiguous := true
	for k := 1; k < len(b.lines); k++ {
		if b.lines[k].Start != b.lines[k-1].Stop {
			contiguous = false
			break
		}
	}
	if contiguous {
		s.buf = c.src[b.lines[0].Start:b.lines[len(b.lines)-1].Stop]
		s.start = append(s.start, 0)
		s.whole[0] = text.Segment{Start: b.lines[0].Start, Stop: b.lines[len(b.lines)-1].Stop}
		s.segs = s.whole[:]
	} else {
		buf := c.scanBuf[:0]
		for _, seg := range b.lines {
			s.start = append(s.start, len(buf))
			buf = append(buf, c.src[seg.Start:seg.Stop]...)
		}
		c.scanBuf = buf
		s.buf = buf
	}
	s.run()
	c.links = append(c.links, s.links...)
	c.tags = append(c.tags, s.tags...)
	c.blocks = append(c.blocks, s.blocks...)
	for _, r := range s.runs {
		c.textRun(r.Start, r.End)
	}
	s.c, s.pc, s.buf, s.segs = nil, nil, nil, nil
}

// src converts a buf offset to a note offset. Its segment is found by binary
// search: a paragraph of a thousand quoted lines is a thousand segments.
func (s *inlineScan) src(i int) int {
	k, found := slices.BinarySearch(s.start, i)
	if !found {
		k--
	}
	// Empty segments share a start: the offset is in the last of them.
	for k+1 < len(s.start) && s.start[k+1] == i {
		k++
	}
	k = max(k, 0)
	return s.segs[k].Start + i - s.start[k]
}

// lineRest is buf from i to the end of its line, the newline included, as
// goldmark's PeekLine gives it.
func (s *inlineScan) lineRest(i int) []byte {
	// Triggers come left to right: the line found last is usually i's.
	if i < s.lineFrom || i >= s.lineTo {
		s.lineFrom = i
		if j := bytes.IndexByte(s.buf[i:], '\n'); j >= 0 {
			s.lineTo = i + j + 1
		} else {
			s.lineTo = len(s.buf)
		}
	}
	return s.buf[i:s.lineTo]
}

// prevRune is the character before buf[i] as goldmark's PrecendingCharacter
// sees it: a newline at the start of the block, else the note's own text
// (container markers included).
func (s *inlineScan) prevRune(i int) rune {
	if i == 0 {
		return '\n'
	}
	src := s.c.src
	j := s.src(i) - 1
	for j >= 0 && !utf8.RuneStart(src[j]) {
		j--
	}
	if j < 0 {
		return '\n'
	}
	r, _ := utf8.DecodeRune(src[j:])
	return r
}

// text ends the text run at i; the run resumes at next.
func (s *inlineScan) text(i, next int) {
	for from := s.runStart; from < i; {
		to := i
		if k := bytes.IndexByte(s.buf[from:i], '\n'); k >= 0 {
			to = from + k
		}
		if to > from {
			s.runs = append(s.runs, Span{s.src(from), s.src(from) + to - from})
		}
		from = to + 1
	}
	s.runStart = next
}

func (s *inlineScan) run() {
	buf := s.buf
	for i := 0; i < len(buf); {
		if !scanTrigger[buf[i]] {
			i++
			continue
		}
		switch buf[i] {
		case '\\':
			if i+1 < len(buf) && util.IsPunct(buf[i+1]) {
				i += 2
			} else {
				i++
			}
		case '`':
			i = s.codeSpan(i)
		case '[':
			if n := s.wikilink(i, false); n > 0 {
				i += n
				continue
			}
			s.open(i, false)
			i++
		case '!':
			if n := s.wikilink(i, true); n > 0 {
				i += n
				continue
			}
			if i+1 < len(buf) && buf[i+1] == '[' {
				s.open(i, true)
				i += 2
				continue
			}
			i++
		case ']':
			i = s.closeBracket(i)
		case '<':
			if n, ok := autolinkAt(s.lineRest(i)); ok {
				s.autolink(i, n)
				i += n
				continue
			}
			i++
		case '$':
			i = s.math(i)
		case '#':
			i = s.tag(i)
		case '^':
			i = s.blockID(i)
		}
	}
	s.text(len(buf), len(buf))
}

// codeSpan reads a code span at buf[i] == '`': the opening run of backticks
// and the first later run of the same length. Without one, the opening run
// is text.
func (s *inlineScan) codeSpan(i int) int {
	buf := s.buf
	open := i
	for open < len(buf) && buf[open] == '`' {
		open++
	}
	n := open - i
	if n < len(s.noTicksFrom) && s.noTicksFrom[n] != 0 && open >= s.noTicksFrom[n]-1 {
		// A search from before here found none: the runs after open are
		// among those it saw (open, like its start, is just past a run).
		return open
	}
	if k := closingTicks(buf, open, n); k > open {
		s.text(i, k)
		return k
	}
	for len(s.noTicksFrom) <= n {
		s.noTicksFrom = append(s.noTicksFrom, 0)
	}
	if s.noTicksFrom[n] == 0 {
		s.noTicksFrom[n] = open + 1
	}
	return open
}

func (s *inlineScan) wikilink(i int, embed bool) int {
	line := s.lineRest(i)
	at := i
	if embed {
		line = line[1:]
		at++
	}
	if len(line) < 4 || line[0] != '[' || line[1] != '[' {
		return 0
	}
	l, n, ok := scanWikilink(s.c.text, s.src(at), embed)
	if !ok {
		return 0
	}
	s.text(i, i+n)
	s.links = append(s.links, l)
	return n
}

func (s *inlineScan) open(i int, image bool) {
	end := i + 1
	if image {
		end++
	}
	// The run before a bracket ends there, so that a link formed from it can
	// drop its label's runs; runs that touch are joined again by textRun.
	s.text(i, i)
	s.openers = append(s.openers, bracket{start: i, end: end, image: image,
		links: len(s.links), tags: len(s.tags), blocks: len(s.blocks), runs: len(s.runs)})
}

// closeBracket handles ']' at buf[i] as goldmark's link parser does and
// returns where scanning resumes.
func (s *inlineScan) closeBracket(i int) int {
	if len(s.openers) == 0 {
		return i + 1
	}
	o := s.openers[len(s.openers)-1]
	s.openers = s.openers[:len(s.openers)-1]
	if n := len(s.openers); n > 0 && s.openers[n-1].end-s.openers[0].start > 998 {
		return i + 1
	}
	if !o.image && s.lastLink > o.start {
		return i + 1 // a link in a link's text is not allowed
	}
	var ref *ast.ReferenceLink
	var dest []byte
	end := -1
	if i+1 < len(s.buf) {
		switch s.buf[i+1] {
		case '(':
			end = s.inlineLink(i + 2)
		case '[':
			e, found := s.findClosure(i+2, '[', ']')
			if found {
				label := s.buf[i+2 : e]
				typ := ast.ReferenceLinkFull
				if util.IsBlank(label) {
					label = s.c.src[s.src(o.end):s.src(i)]
					typ = ast.ReferenceLinkCollapsed
				}
				if len(label) > 999 {
					return i + 1
				}
				r, ok := s.pc.Reference(util.ToLinkReference(label))
				if !ok {
					return i + 1
				}
				ref, dest, end = &ast.ReferenceLink{Type: typ, Value: label}, r.Destination(), e+1
			}
		}
	}
	if end < 0 {
		label := s.c.src[s.src(o.end):s.src(i)]
		if len(label) > 999 {
			return i + 1
		}
		r, ok := s.pc.Reference(util.ToLinkReference(label))
		if !ok {
			return i + 1
		}
		ref, dest, end = &ast.ReferenceLink{Type: ast.ReferenceLinkShortcut, Value: label}, r.Destination(), i+1
	}
	// The link: what its label held is not kept (goldmark's walk skips a
	// link's children), and the text before it ends at it.
	s.links, s.tags, s.blocks, s.runs = s.links[:o.links], s.tags[:o.tags], s.blocks[:o.blocks], s.runs[:o.runs]
	s.runStart = end
	if !o.image {
		s.lastLink = o.start
	}
	l, ok := s.c.markdownLinkAt(s.src(o.start), s.src(end), o.image, ref, dest, nil, s.buf[o.end:i])
	if ok {
		s.links = append(s.links, l)
	}
	return end
}

// inlineLink reads "(dest "title")" from just past '(' and returns the
// offset past ')', or -1.
func (s *inlineScan) inlineLink(i int) int {
	buf := s.buf
	i = s.skipSpaces(i)
	if i < len(buf) && buf[i] == ')' {
		return i + 1
	}
	// The destination stays on its line.
	line := s.lineRest(i)
	if len(line) > 0 && line[0] == '<' {
		if i > s.noAngleFrom && i < s.noAngleTo {
			// An earlier '<' on this line found no '>' after it: nor will
			// this one (its '<' and what follows pair up alike).
			return -1
		}
		k := 1
		for k < len(line) {
			if line[k] == '\\' && k < len(line)-1 && util.IsPunct(line[k+1]) {
				k += 2
				continue
			}
			if line[k] == '>' {
				break
			}
			k++
		}
		if k >= len(line) {
			s.noAngleFrom, s.noAngleTo = i, i+len(line)
			return -1
		}
		i += k + 1
	} else {
		k := s.destinationEnd(i, line)
		if k == 0 {
			return -1
		}
		i += k
	}
	i = s.skipSpaces(i)
	if i < len(buf) && buf[i] == ')' {
		return i + 1
	}
	// A title: "…", '…' or (…).
	if i >= len(buf) || (buf[i] != '"' && buf[i] != '\'' && buf[i] != '(') {
		return -1
	}
	closer := buf[i]
	if closer == '(' {
		closer = ')'
	}
	e, found := s.findClosure(i+1, buf[i], closer)
	if !found {
		return -1
	}
	i = s.skipSpaces(e + 1)
	if i < len(buf) && buf[i] == ')' {
		return i + 1
	}
	return -1
}

// destinationEnd is the length of the link destination at i, line being the
// rest of its line: up to a space, the line's end or a ')' closing more than
// it opened. A line of "[a](" repeated would have each destination scanned
// to the line's end, so the last scan that ended at a space (or the line's
// end) is remembered: from a later start before that end, with no ')' in
// between, the scan would end there too (escapes pair up alike from any
// start just past a '(').
func (s *inlineScan) destinationEnd(i int, line []byte) int {
	if s.destEnd > i && s.destFrom < i && s.destClose < i {
		return s.destEnd - i
	}
	opened, k, lastClose := 0, 0, -1
	for k < len(line) {
		c := line[k]
		if c == '\\' && k < len(line)-1 && util.IsPunct(line[k+1]) {
			k += 2
			continue
		}
		if c == '(' {
			opened++
		} else if c == ')' {
			opened--
			if opened < 0 {
				return k
			}
			lastClose = i + k
		} else if util.IsSpace(c) {
			break
		}
		k++
	}
	s.destFrom, s.destEnd, s.destClose = i, i+k, lastClose
	return k
}

func (s *inlineScan) skipSpaces(i int) int {
	for i < len(s.buf) && util.IsSpace(s.buf[i]) {
		i++
	}
	return i
}

// findClosure finds closer from i on, across lines, skipping backslash
// escapes; another opener first means none (goldmark's FindClosure without
// nesting).
func (s *inlineScan) findClosure(i int, opener, closer byte) (int, bool) {
	buf := s.buf
	for i < len(buf) {
		c := buf[i]
		if c == '\\' && i < len(buf)-1 && buf[i+1] != '\n' && util.IsPunct(buf[i+1]) {
			i += 2
			continue
		}
		if c == closer {
			return i, true
		}
		if c == opener {
			return -1, false
		}
		i++
	}
	return -1, false
}

func (s *inlineScan) autolink(i, n int) {
	s.text(i, i+n)
	at := s.src(i)
	s.links = append(s.links, Link{Kind: LinkAutolink, Span: Span{at, at + n}, TargetSpan: Span{at + 1, at + n - 1},
		Target: s.c.text[at+1 : at+n-1], External: true, Def: -1})
}

// math skips $…$ and $$…$$ as mathParser does.
func (s *inlineScan) math(i int) int {
	buf := s.buf
	line := s.lineRest(i)
	if len(line) >= 2 && line[1] == '$' {
		for j := i + 2; j+1 < len(buf); j++ {
			if buf[j] == '$' && buf[j+1] == '$' {
				s.text(i, j+2)
				return j + 2
			}
		}
		return i + 1
	}
	if len(line) < 3 || line[1] == ' ' || line[1] == '\t' {
		return i + 1
	}
	if i > s.noCloserFrom && i < s.noCloserTo {
		return i + 1
	}
	for k := 2; k < len(line); k++ {
		if line[k] == '\n' {
			break
		}
		if line[k] == '$' && line[k-1] != ' ' && line[k-1] != '\\' && (k+1 >= len(line) || line[k+1] < '0' || line[k+1] > '9') {
			s.text(i, i+k+1)
			return i + k + 1
		}
	}
	s.noCloserFrom, s.noCloserTo = i, i+len(line)
	return i + 1
}

// tag reads #tag as tagParser does.
func (s *inlineScan) tag(i int) int {
	if prev := s.prevRune(i); prev != '\n' && !unicode.IsSpace(prev) && prev != '(' {
		return i + 1
	}
	line := s.lineRest(i)
	k := 1
	nonDigit := false
	for k < len(line) {
		r, size := utf8.DecodeRune(line[k:])
		if r == utf8.RuneError && size <= 1 || !isTagRune(r) {
			break
		}
		if !unicode.IsDigit(r) {
			nonDigit = true
		}
		k += size
	}
	if k == 1 || !nonDigit {
		return i + 1
	}
	s.text(i, i+k)
	at := s.src(i)
	s.tags = append(s.tags, Tag{Name: s.c.text[at+1 : at+k], Span: Span{at, at + k}})
	return i + k
}

// blockID reads "^id" at the end of the block as blockIDParser does.
func (s *inlineScan) blockID(i int) int {
	if prev := s.prevRune(i); prev != '\n' && (unicode.IsLetter(prev) || unicode.IsDigit(prev)) {
		return i + 1
	}
	line := s.lineRest(i)
	k := 1
	for k < len(line) && (isAlnum(line[k]) || line[k] == '-') {
		k++
	}
	if k == 1 {
		return i + 1
	}
	for j := k; j < len(line); j++ {
		if c := line[j]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return i + 1
		}
	}
	if i+len(line) < len(s.buf) {
		return i + 1 // more lines follow: "^x" is text
	}
	s.text(i, i+k)
	at := s.src(i)
	s.blocks = append(s.blocks, Block{ID: s.c.text[at+1 : at+k], Span: Span{at, at + k}})
	return i + k
}
