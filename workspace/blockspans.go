package workspace

import (
	"slices"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// BlockSpan is where a block of a note that a "^id" can name lies
// (Obsidian's block references), its id included when it has one.
type BlockSpan struct {
	Span
	// Apart is set for a quote, a callout or a table: Obsidian names one by
	// an id on a line of its own after it, with a blank line before and
	// after ("structured blocks", its help says), and does not link to a
	// part of one. The span then ends with that id line, when there is one.
	// A list is such a block too when an id follows it so; without one, its
	// items are the blocks. A paragraph or a list item's text has its id at
	// its end, in its span.
	Apart bool
}

// BlockSpans returns the blocks of a note that a "^id" names, in order of
// their ends, without their trailing blanks: its paragraphs, its list items'
// text, its quotes, callouts and tables whole, and a list whole that an id
// on a line of its own names (after its items, where its id is). Headings,
// code, the frontmatter and the paragraphs inside a quote are not among
// them. Like Prose, it is for one note at a time: the index keeps no
// paragraphs.
func (p *Parser) BlockSpans(content string) []BlockSpan {
	var blocks []BlockSpan
	p.parse("", content, 0, &parseOut{paras: &blocks})
	return blocks
}

// EachBlock calls fn with a note's blocks (paras, from BlockSpans) and ids
// (blocks, its Blocks) in order: each block with the id that ends it, or
// nil, and each id that is in no block with an empty one (as one in a
// table's cell, before the table's own).
func EachBlock(paras []BlockSpan, blocks []Block, fn func(p BlockSpan, b *Block)) {
	k := 0
	for _, p := range paras {
		// Before p, or in it but not at its end: a table's id is on the
		// line after it, and one in a cell before names nothing.
		for k < len(blocks) && (blocks[k].Span.Start < p.Start || k+1 < len(blocks) && blocks[k+1].Span.End <= p.End) {
			fn(BlockSpan{}, &blocks[k])
			k++
		}
		if k < len(blocks) && blocks[k].Span.End <= p.End {
			fn(p, &blocks[k])
			k++
			continue
		}
		fn(p, nil)
	}
	for ; k < len(blocks); k++ {
		fn(BlockSpan{}, &blocks[k])
	}
}

// nameBlocks sets the Named span of the note's ids from its blocks.
func (c *collector) nameBlocks() {
	EachBlock(c.paras, c.blocks, func(p BlockSpan, b *Block) {
		if b != nil && p.End > p.Start {
			b.Named = p.Span
		}
	})
}

// paragraph records a paragraph or a list item's text. One inside a quote
// is part of the quote's block; an id alone after a quote or a table is
// theirs.
func (c *collector) paragraph(s Span) {
	if c.quotes > 0 {
		c.quoteEnd = max(c.quoteEnd, s.End)
		return
	}
	if k := len(c.paras) - 1; k >= 0 && c.paras[k].Apart && idAlone(c.src[s.Start:s.End]) && blankBetween(c.src, c.paras[k].End, s.Start) {
		c.paras[k].End = s.End
		return
	}
	if start, ok := c.listBefore(); ok && idAlone(c.src[s.Start:s.End]) {
		c.paras = append(c.paras, BlockSpan{Span: Span{start, s.End}, Apart: true})
		return
	}
	c.paras = append(c.paras, BlockSpan{Span: s})
}

// listBefore is where the list of the note's body right before the
// paragraph being read starts, when that paragraph is of the body too: an
// id alone there names the list.
func (c *collector) listBefore() (int, bool) {
	l, ok := c.prevTop.(*ast.List)
	if _, para := c.top.(*ast.Paragraph); !ok || !para || l.Pos() < 0 || l.Pos() > len(c.src) {
		return 0, false
	}
	return lineStart(c.src, l.Pos()), true
}

// apartBlock records the quotes and tables of the note's body as blocks of
// their own, when the walk leaves a quote (whose paragraphs it has seen) or
// enters a table. Quotes and tables inside a list item are left out: an id
// on a line after them would have to be indented into the item. It keeps the
// last two blocks of the body entered, for listBefore.
func (c *collector) apartBlock(node ast.Node, entering bool) {
	if entering && inBody(node) {
		c.prevTop, c.top = c.top, node
	}
	switch n := node.(type) {
	case *ast.Blockquote:
		if entering {
			if c.quotes == 0 {
				c.quoteEnd = 0
			}
			c.quotes++
			return
		}
		c.quotes--
		if c.quotes == 0 && inBody(n) {
			if s, ok := c.quoteSpan(n); ok {
				c.paras = append(c.paras, BlockSpan{Span: s, Apart: true})
			}
		}
	case *east.Table:
		if entering && c.quotes == 0 && inBody(n) {
			if s, ok := c.tableSpan(n); ok {
				c.paras = append(c.paras, BlockSpan{Span: s, Apart: true})
			}
		}
	}
}

func inBody(n ast.Node) bool {
	return n.Parent() != nil && n.Parent().Kind() == ast.KindDocument
}

// quoteSpan is a quote's text, from the first byte after its first '>'
// markers to the end of its last line: the lines that start with '>', and
// the lazy lines its paragraphs took (they end by quoteEnd).
func (c *collector) quoteSpan(q *ast.Blockquote) (Span, bool) {
	if q.Pos() < 0 || q.Pos() > len(c.src) {
		return Span{}, false
	}
	start := lineStart(c.src, q.Pos())
	end := start
	for ls := start; ls < len(c.src); ls = nextLine(c.src, ls) {
		if !quoteLine(c.src[ls:lineEnd(c.src, ls)]) && ls >= c.quoteEnd {
			break
		}
		end = lineEnd(c.src, ls)
	}
	for start < end && (c.src[start] == '>' || isSpace(c.src[start])) {
		start++
	}
	end = trimEnd(c.src, start, end)
	return Span{start, end}, end > start
}

// quoteLine says whether a line starts with '>' after at most three spaces.
func quoteLine(line []byte) bool {
	i := 0
	for i < 3 && i < len(line) && line[i] == ' ' {
		i++
	}
	return i < len(line) && line[i] == '>'
}

// tableSpan is a table's lines, from its header row to its last row, or to
// the delimiter row under the header when it has no other.
func (c *collector) tableSpan(t *east.Table) (Span, bool) {
	first, ok1 := rowOffset(t.FirstChild())
	last, ok2 := rowOffset(t.LastChild())
	if !ok1 || !ok2 || first > last || last > len(c.src) {
		return Span{}, false
	}
	end := max(lineEnd(c.src, last), lineEnd(c.src, nextLine(c.src, first)))
	s := trimSpan(c.src, Span{lineStart(c.src, first), end})
	return s, s.End > s.Start
}

// rowOffset is an offset on a table row's line: its first cell's text, or
// where goldmark put the row (a header row has no position of its own).
func rowOffset(row ast.Node) (int, bool) {
	if row == nil {
		return 0, false
	}
	for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
		if l := cell.Lines(); l.Len() > 0 {
			return l.At(0).Start, true
		}
	}
	return row.Pos(), row.Pos() >= 0
}

// idAlone says whether a paragraph is only a block id.
func idAlone(p []byte) bool {
	if len(p) < 2 || p[0] != '^' {
		return false
	}
	return !slices.ContainsFunc(p[1:], func(b byte) bool { return !isAlnum(b) && b != '-' })
}

// blankBetween says whether src[from:to] is only spaces and line breaks
// (blanked comments included).
func blankBetween(src []byte, from, to int) bool {
	return from <= to && !slices.ContainsFunc(src[from:to], func(b byte) bool { return !isSpace(b) })
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }
