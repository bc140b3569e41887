package workspace

import (
	"bytes"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Parser turns markdown text into Notes. It holds one goldmark parser,
// configured with only what link extraction needs; it is safe for concurrent use.
type Parser struct {
	md parser.Parser
	// goldmarkOnly leaves every paragraph to goldmark's inline parser: the
	// reference the inline scan is tested against.
	goldmarkOnly bool
	// collectors are reused between notes: their buffers grow to fit the
	// largest note, and each note gets exact-size copies.
	collectors sync.Pool
}

// NewParser returns a Parser.
func NewParser() *Parser {
	inlines := []util.PrioritizedValue{
		util.Prioritized(parser.NewCodeSpanParser(), 100),
		util.Prioritized(wikilinkParser{}, 199),
		util.Prioritized(linkEnds{parser.NewLinkParser()}, 200),
		util.Prioritized(parser.NewAutoLinkParser(), 300),
		util.Prioritized(parser.NewRawHTMLParser(), 400),
		util.Prioritized(parser.NewEmphasisParser(), 500),
		util.Prioritized(mathParser{}, 550),
		util.Prioritized(tagParser{}, 600),
		util.Prioritized(blockIDParser{}, 610),
	}
	paragraphs := []util.PrioritizedValue{
		util.Prioritized(definitionsFirst{}, 100),
		util.Prioritized(extension.NewTableParagraphTransformer(), 200),
		util.Prioritized(paragraphStash{}, 1000),
	}
	md := parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(inlines...),
		parser.WithParagraphTransformers(paragraphs...),
		parser.WithASTTransformers(util.Prioritized(extension.NewTableASTTransformer(), 0)),
	)
	return &Parser{md: md, collectors: sync.Pool{New: func() any { return new(collector) }}}
}

// definitionsFirst runs goldmark's link reference definition transformer
// only on paragraphs that can start with a definition: it allocates a reader
// for every paragraph it is given, and most paragraphs do not start with '['.
type definitionsFirst struct{}

func (definitionsFirst) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	if lines.Len() == 0 {
		return
	}
	first := lines.At(0)
	line := first.Value(reader.Source())
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i < len(line) && line[i] == '[' {
		parser.LinkReferenceParagraphTransformer.Transform(node, reader, pc)
	}
}

// Parse parses one note. It never fails: broken frontmatter is recorded on the
// note and the body is still parsed; invalid UTF-8, NUL bytes and CRLF are
// taken as they are.
func (p *Parser) Parse(notePath, content string, version int32) *Note {
	return p.parse(notePath, content, version, nil)
}

// Prose returns the spans of a note's text that markdown leaves as plain
// text, in order: not code, math, HTML, comments, frontmatter, links or
// markup. Nothing keeps them (a vault would hold them for every note): a
// feature that must not touch code asks for one open note's.
func (p *Parser) Prose(content string) []Span {
	var runs []Span
	p.parse("", content, 0, &parseOut{runs: &runs})
	return runs
}

// parseOut asks a parse for what a note does not keep, each where it is not
// nil: its text runs (see Prose), its blocks (see BlockSpans).
type parseOut struct {
	runs  *[]Span
	paras *[]BlockSpan
}

// parse is Parse; out, when not nil, receives what it asks for.
func (p *Parser) parse(notePath, content string, version int32, out *parseOut) *Note {
	n := &Note{Path: notePath, Text: content, Version: version}
	start := 0
	if strings.HasPrefix(content, "\uFEFF") {
		start = 3
	}
	fm, bodyStart := parseFrontmatter(content, start)
	n.Frontmatter = fm

	c := p.collectors.Get().(*collector)
	defer func() {
		c.reset(nil, nil, "", nil) // an idle collector must not pin the last note
		p.collectors.Put(c)
	}()
	// goldmark sees a copy in which frontmatter, %% comments %% and Templater
	// <% %> are blanked to spaces (newlines kept), so offsets stay those of
	// text. The copy is the collector's, reused: nothing made while parsing
	// points into it (strings are cut from content, or copied).
	src := append(c.srcBuf[:0], content...)
	c.srcBuf = src
	blank(src, 0, bodyStart)
	if blankComments(src, bodyStart) {
		keepParagraphs(src, content, bodyStart)
	}
	n.longLines = blankLongLines(src, bodyStart)

	ends := endOffsets{}
	c.reset(n, src, content, ends)
	c.md = p.md
	c.slices = !p.goldmarkOnly

	pc := parser.NewContext()
	pc.Set(linkEndsKey, ends)
	pc.Set(noteTextKey, content)
	if !p.goldmarkOnly {
		pc.Set(collectorKey, c)
	}
	c.pc = pc
	// The blocks are gathered for the ids to know what they name, and
	// there is none without a '^'.
	c.paragraphs = out != nil && out.paras != nil || bytes.IndexByte(src[bodyStart:], '^') >= 0
	doc := p.md.Parse(text.NewReader(src), parser.WithContext(pc))
	if fm.Present {
		c.links = frontmatterLinks(content, fm.Span, c.links)
		c.tags = append(c.tags, fm.Tags...)
	}
	_ = ast.Walk(doc, c.visit)
	c.nameBlocks()
	c.finish()
	if out != nil && out.runs != nil {
		*out.runs = unblanked(c.runs, src, content)
	}
	if out != nil && out.paras != nil {
		*out.paras = slices.Clone(c.paras)
	}
	n.Size = len(content)
	n.lines = NewLines(content)
	n.InvalidUTF8 = !utf8.ValidString(content)
	return n
}

// ParseFile parses content read from the note file at notePath. The note
// does not keep the text (see Note.Text): a re-read is checked against its
// Size and Sum.
func (p *Parser) ParseFile(notePath, content string) *Note {
	return p.parseFile(notePath, content, contentHash(unsafe.Slice(unsafe.StringData(content), len(content))))
}

// parseFile is ParseFile with the content's hash already known.
func (p *Parser) parseFile(notePath, content string, sum uint32) *Note {
	n := p.Parse(notePath, content, 0)
	n.Sum = sum
	n.dropText()
	return n
}

// unblanked is runs without what was blanked in src (comments, Templater).
func unblanked(runs []Span, src []byte, text string) []Span {
	out := make([]Span, 0, len(runs))
	for _, r := range runs {
		start := r.Start
		for i := r.Start; i <= r.End; i++ {
			if i == r.End || src[i] != text[i] {
				if i > start {
					out = append(out, Span{start, i})
				}
				start = i + 1
			}
		}
	}
	return out
}

// blank overwrites src[from:to] with spaces, keeping line breaks.
func blank(src []byte, from, to int) {
	for i := from; i < to && i < len(src); i++ {
		if src[i] != '\n' && src[i] != '\r' {
			src[i] = ' '
		}
	}
}

// blankComments blanks Obsidian %% comments %% (which may span blocks; an
// unclosed one runs to the end, as in Obsidian) and Templater <% … %> tags,
// outside fenced code.
func blankComments(src []byte, from int) (blanked bool) {
	if bytes.Index(src[from:], []byte("%%")) < 0 && bytes.Index(src[from:], []byte("<%")) < 0 {
		return false
	}
	fence := byte(0)
	fenceLen := 0
	noTemplaterEnd := false
	for i := from; i < len(src); {
		lineEnd := bytes.IndexByte(src[i:], '\n')
		if lineEnd < 0 {
			lineEnd = len(src)
		} else {
			lineEnd += i
		}
		line := src[i:lineEnd]
		trimmed := bytes.TrimLeft(line, " ")
		if len(line)-len(trimmed) <= 3 && len(trimmed) >= 3 && (trimmed[0] == '`' || trimmed[0] == '~') {
			k := 0
			for k < len(trimmed) && trimmed[k] == trimmed[0] {
				k++
			}
			if fence == 0 && k >= 3 {
				fence, fenceLen = trimmed[0], k
				i = lineEnd + 1
				continue
			}
			if fence == trimmed[0] && k >= fenceLen && len(bytes.TrimSpace(trimmed[k:])) == 0 {
				fence = 0
				i = lineEnd + 1
				continue
			}
		}
		if fence != 0 {
			i = lineEnd + 1
			continue
		}
		j := i
		for ; j+1 < lineEnd; j++ {
			var closer []byte
			switch {
			case src[j] == '`':
				// A code span on this line hides its "%%" (Obsidian's own help
				// writes `%%` in prose).
				k := j
				for k < lineEnd && src[k] == '`' {
					k++
				}
				if e := bytes.Index(src[k:lineEnd], src[j:k]); e >= 0 {
					j = k + e + (k - j) - 1
				} else {
					j = k - 1
				}
				continue
			case src[j] == '%' && src[j+1] == '%':
				closer = []byte("%%")
			case src[j] == '<' && src[j+1] == '%' && !noTemplaterEnd:
				closer = []byte("%>")
			default:
				continue
			}
			end := bytes.Index(src[j+2:], closer)
			if end < 0 {
				if closer[0] == '%' && closer[1] == '>' {
					// Nor will any later "<%" find one: do not search again.
					noTemplaterEnd = true
					continue
				}
				end = len(src)
			} else {
				end += j + 2 + 2
			}
			blank(src, j, end)
			blanked = true
			// Resume on the line where the comment ended.
			if end >= lineEnd {
				i = end
				goto next
			}
			j = end - 1
		}
		i = lineEnd + 1
	next:
	}
	return blanked
}

// keepParagraphs stops blanked comments from turning the text after them
// into an indented code block ("<% x %> [[a]]" would read "        [[a]]"):
// on a line whose leading blanks now reach four columns but did not in text,
// the first blanked byte becomes a NUL, which starts a paragraph and which
// plain text drops. One pass over the lines, after all the blanking.
func keepParagraphs(src []byte, text string, from int) {
	for ls := from; ls < len(src); {
		k, col := ls, 0
		for ; k < len(src) && (src[k] == ' ' || src[k] == '\t'); k++ {
			col += indentWidth(src[k], col)
		}
		if col >= 4 && k < len(src) && src[k] != '\n' && src[k] != '\r' {
			j, orig := ls, 0
			for ; j < k && (text[j] == ' ' || text[j] == '\t'); j++ {
				orig += indentWidth(text[j], orig)
			}
			if orig < 4 && j < k {
				src[j] = 0
			}
		}
		nl := bytes.IndexByte(src[k:], '\n')
		if nl < 0 {
			break
		}
		ls = k + nl + 1
	}
}

func indentWidth(c byte, col int) int {
	if c == '\t' {
		return 4 - col%4
	}
	return 1
}

// collector gathers what a walk over the goldmark AST finds.
type collector struct {
	note *Note
	src  []byte
	text string // the note's text: link strings are sliced from it, not copied
	// srcBuf is the buffer src is copied into, kept from one note to the next.
	srcBuf []byte
	ends   endOffsets
	links  []Link
	tags   []Tag

	headings []Heading
	runs     []Span // text left as text, where bare URLs are looked for
	blocks   []Block
	// paras are the blocks a "^id" can name, gathered only when paragraphs
	// is set (see BlockSpans); quotes and quoteEnd follow the quote walked,
	// top and prevTop the last two blocks of the body entered.
	paragraphs   bool
	paras        []BlockSpan
	quotes       int
	quoteEnd     int
	top, prevTop ast.Node
	firstPara    *ast.Paragraph
	firstH1      string
	buf          []byte

	md parser.Parser  // for the plain text of a scanned link's label
	pc parser.Context // the note's, for its link reference definitions
	// slices lets plainSlice answer (off for the goldmark-only reference).
	slices bool
	// Paragraphs taken from goldmark (stash.go) and their scan (scaninline.go).
	leadSeen   bool
	stash      []stashedBlock
	stashLines []text.Segment // the stashed blocks' lines, end to end
	nextStash  int
	scan       inlineScan
	scanBuf    []byte
}

// reset readies a pooled collector for note n, keeping its buffers.
func (c *collector) reset(n *Note, src []byte, text string, ends endOffsets) {
	clear(c.stash) // the placeholders and lines are the last note's
	*c = collector{note: n, src: src, text: text, ends: ends, srcBuf: c.srcBuf,
		links: c.links[:0], tags: c.tags[:0], headings: c.headings[:0], blocks: c.blocks[:0], paras: c.paras[:0], buf: c.buf[:0], runs: c.runs[:0],
		stash: c.stash[:0], stashLines: c.stashLines[:0], scan: c.scan, scanBuf: c.scanBuf[:0]}
}

func (c *collector) visit(node ast.Node, entering bool) (ast.WalkStatus, error) {
	if c.paragraphs {
		c.apartBlock(node, entering)
	}
	if !entering {
		return ast.WalkContinue, nil
	}
	switch n := node.(type) {
	case *ast.Heading:
		c.heading(n)
	case *ast.Paragraph:
		if c.firstPara == nil {
			c.firstPara = n
		}
		c.block(n.Lines())
	case *ast.TextBlock:
		c.block(n.Lines())
	case *ast.LinkReferenceDefinition:
		c.definition(n)
	case *ast.Link:
		c.markdownLink(n, n.Reference, false)
		return ast.WalkSkipChildren, nil
	case *ast.Image:
		c.markdownLink(n, n.Reference, true)
		return ast.WalkSkipChildren, nil
	case *ast.AutoLink:
		c.autolink(n)
	case *ast.Text:
		c.textRun(n.Segment.Start, n.Segment.Stop)
	case *wikilinkNode:
		c.links = append(c.links, n.link)
	case *tagNode:
		c.tags = append(c.tags, n.tag)
	case *blockIDNode:
		c.blocks = append(c.blocks, n.block)
	case *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock, *mathNode, *ast.CodeSpan:
		return ast.WalkSkipChildren, nil
	case *east.TableCell:
	}
	return ast.WalkContinue, nil
}

// block scans a paragraph or a list item's text: goldmark's lines, or
// those of the block taken from it (stash.go). It records the block's span
// when asked to.
func (c *collector) block(lines *text.Segments) {
	b := c.stashed(lines)
	if c.paragraphs {
		segs := lines.Sliced(0, lines.Len())
		if b != nil {
			segs = b.lines
		}
		if len(segs) > 0 {
			if span := trimSpan(c.src, Span{segs[0].Start, segs[len(segs)-1].Stop}); span.End > span.Start && !definitionToBe(c.src[span.Start:span.End]) {
				c.paragraph(span)
			}
		}
	}
	if b != nil {
		c.scanBlock(b, c.pc)
	}
}

// definitionToBe says whether a paragraph is "[label]:" alone, which an id
// written after it would make a link reference definition, not a block.
func definitionToBe(p []byte) bool {
	return len(p) > 3 && p[0] == '[' && bytes.HasSuffix(p, []byte("]:")) && bytes.IndexByte(p[1:len(p)-2], ']') < 0
}

func (c *collector) heading(h *ast.Heading) {
	lines := h.Lines()
	var textSpan Span
	if lines.Len() > 0 {
		textSpan = Span{lines.At(0).Start, lines.At(lines.Len() - 1).Stop}
	} else {
		textSpan = Span{h.Pos(), h.Pos()}
	}
	// An empty heading after a tab ("*\n\t#") has its position past the
	// text: goldmark counts the tab's padding.
	textSpan.Start = min(max(textSpan.Start, 0), len(c.src))
	textSpan.End = min(max(textSpan.End, textSpan.Start), len(c.src))
	start := lineStart(c.src, textSpan.Start)
	end := lineEnd(c.src, textSpan.End)
	if c.isSetext(h, end) {
		end = lineEnd(c.src, nextLine(c.src, end))
	}
	inner := trimSpan(c.src, textSpan)
	txt, ok := c.plainSlice(inner)
	if !ok {
		txt = strings.TrimSpace(c.plainText(h))
	}
	c.headings = append(c.headings, Heading{Level: h.Level, Text: txt, Span: Span{start, end}, TextSpan: inner})
	if h.Level == 1 && c.firstH1 == "" {
		c.firstH1 = txt
	}
}

// isSetext tells a setext heading by its underline on the next line.
func (c *collector) isSetext(h *ast.Heading, end int) bool {
	if p := h.Pos(); p >= 0 && p < len(c.src) && c.src[p] == '#' {
		return false
	}
	next := nextLine(c.src, end)
	if next >= len(c.src) {
		return false
	}
	u := bytes.TrimSpace(c.src[next:lineEnd(c.src, next)])
	return len(u) > 0 && (u[0] == '=' || u[0] == '-') && len(bytes.Trim(u, string(u[0]))) == 0
}

func (c *collector) markdownLink(n ast.Node, ref *ast.ReferenceLink, image bool) {
	end, ok := c.ends[n]
	if !ok || n.Pos() < 0 {
		return
	}
	var dest []byte
	switch d := n.(type) {
	case *ast.Link:
		dest = d.Destination
	case *ast.Image:
		dest = d.Destination
	}
	if l, ok := c.markdownLinkAt(n.Pos(), end, image, ref, dest, n, nil); ok {
		c.links = append(c.links, l)
	}
}

// markdownLinkAt makes the Link for a markdown link or image from start (its
// '[' or '!') to end. ref is its reference and dest the definition's
// destination, for a reference link; n is goldmark's node, or nil when
// the inline scan found the link, whose label is then label (the lines between
// the brackets as goldmark reads them: blanked, without container markers).
func (c *collector) markdownLinkAt(start, end int, image bool, ref *ast.ReferenceLink, dest []byte, n ast.Node, label []byte) (Link, bool) {
	if image && start > 0 && c.src[start-1] == '!' {
		start--
	}
	l := Link{Kind: LinkInline, Span: Span{start, end}, Image: image, Def: -1}
	labelStart := start + 1
	if image {
		labelStart++
	}
	labelEnd := matchBracket(c.src, labelStart-1, end)
	if labelEnd < 0 || labelEnd >= end {
		return Link{}, false
	}
	// The label as a reader sees it; a slice of the text when it has no markup.
	l.Label = strings.TrimSpace(c.text[labelStart:labelEnd])
	if strings.ContainsAny(l.Label, "*_`[]\\<!&$") {
		if n != nil {
			l.Label = strings.TrimSpace(c.plainText(n))
		} else {
			l.Label = strings.TrimSpace(c.plainMarkdown(string(label)))
		}
	}
	switch {
	case ref == nil:
		// Inline: ](dest "title")
		if labelEnd+2 > end-1 {
			return Link{}, false
		}
		ds, de := destinationSpan(c.src, labelEnd+2, end-1)
		l.TargetSpan = Span{ds, de}
		setURLTarget(&l, c.text[ds:de])
	default:
		l.Kind = LinkReference
		l.Raw = string(util.ToLinkReference(ref.Value)) // the label, until finish
		if ref.Type == ast.ReferenceLinkFull {
			l.TargetSpan = Span{labelEnd + 2, end - 1}
		} else {
			l.TargetSpan = Span{labelStart, labelEnd}
		}
		// The destination is written at the definition.
		setURLTarget(&l, string(dest))
	}
	return l, true
}

// plainMarkdown is the plain text of a link label with markup (as goldmark
// sees it: comments blanked), parsed on its
// own as "[label]" (brackets, so that what is read at its edges is read as in
// a link: no tag after '[', no block id before ']'). A NUL first keeps the
// text one paragraph ("# x" is no heading there); plainText drops it again.
func (c *collector) plainMarkdown(s string) string {
	src := make([]byte, 0, len(s)+8)
	src = append(src, 0, '[')
	for i := 0; i < len(s); i++ {
		src = append(src, s[i])
		if s[i] == '\n' {
			// Nor does a later line start a block: indented four columns, a
			// line only continues a paragraph, and goldmark drops the indent.
			src = append(src, "    "...)
		}
	}
	src = append(src, ']')
	pc := parser.NewContext()
	pc.Set(noteTextKey, string(src))
	if c.pc != nil {
		// An image in the label may name the note's definitions: ![x][ref].
		for _, r := range c.pc.References() {
			pc.AddReference(r)
		}
	}
	doc := c.md.Parse(text.NewReader(src), parser.WithContext(pc))
	para := doc.FirstChild()
	if para == nil {
		return ""
	}
	sub := collector{src: src}
	plain := sub.plainText(para)
	plain = strings.TrimPrefix(plain, "[")
	return strings.TrimSuffix(plain, "]")
}

func (c *collector) definition(d *ast.LinkReferenceDefinition) {
	lines := d.Lines()
	if lines.Len() == 0 {
		return
	}
	start := lines.At(0).Start
	end := lines.At(lines.Len() - 1).Stop
	// [label]: dest "title"
	labelEnd := matchBracket(c.src, start, end)
	if labelEnd < 0 || labelEnd+1 >= end || c.src[labelEnd+1] != ':' {
		return
	}
	ds := labelEnd + 2
	for ds < end && (c.src[ds] == ' ' || c.src[ds] == '\t' || c.src[ds] == '\n' || c.src[ds] == '\r') {
		ds++
	}
	de := ds
	if de < end && c.src[de] == '<' {
		for de < end && c.src[de] != '>' {
			de++
		}
		if de < end {
			de++
		}
	} else {
		for de < end && c.src[de] > ' ' {
			de++
		}
	}
	l := Link{Kind: LinkDefinition, Span: Span{start, trimEnd(c.src, start, end)}, TargetSpan: Span{ds, de},
		Raw: string(util.ToLinkReference(d.Label)), Label: c.text[start+1 : labelEnd], Def: -1}
	setURLTarget(&l, c.text[ds:de])
	c.links = append(c.links, l)
}

func (c *collector) autolink(n *ast.AutoLink) {
	label := n.Label(c.src)
	from := n.Pos()
	if from < 0 {
		return
	}
	i := bytes.Index(c.src[from:], label)
	if i < 0 {
		return
	}
	s := from + i
	e := s + len(label)
	span := Span{s, e}
	if s > 0 && c.src[s-1] == '<' && e < len(c.src) && c.src[e] == '>' {
		span = Span{s - 1, e + 1}
	}
	target := c.text[s:e]
	if u := n.URL(c.src); string(u) != target {
		target = string(u) // "www.x" is http://www.x, "a@b" is mailto:a@b
	}
	c.links = append(c.links, Link{Kind: LinkAutolink, Span: span, TargetSpan: Span{s, e},
		Target: target, External: true, Def: -1})
}

func (c *collector) finish() {
	n := c.note
	c.bareURLs()
	// The walk yields links in document order; only a definition written inside
	// a container can come out of order.
	byStart := func(a, b Link) int { return a.Span.Start - b.Span.Start }
	if !slices.IsSortedFunc(c.links, byStart) {
		slices.SortStableFunc(c.links, byStart)
	}
	// Reference uses point at their definition (the first of a label wins, as
	// in CommonMark), wherever it is in the note. Until here, the Raw of a
	// definition or a reference use holds its normalised label.
	var defs map[string]int
	for i, l := range c.links {
		if l.Kind == LinkDefinition {
			if defs == nil {
				defs = map[string]int{}
			}
			if _, dup := defs[l.Raw]; !dup {
				defs[l.Raw] = i
			}
		}
	}
	for i := range c.links {
		l := &c.links[i]
		if !l.External && l.Target != "" {
			l.key = nameKey(l.Target)
		}
		if l.Kind == LinkReference {
			if d, ok := defs[l.Raw]; ok {
				l.Def = int32(d)
			}
		}
		l.Raw = c.text[l.TargetSpan.Start:l.TargetSpan.End]
	}
	n.links = exact(c.links)
	n.tags = exact(c.tags)
	n.blocks = exact(c.blocks)
	numberSlugs(c.headings)
	n.headings = exact(c.headings)

	fm := &n.Frontmatter
	switch {
	case fm.Title != "":
		n.Title = fm.Title
	case c.firstH1 != "":
		n.Title = c.firstH1
	default:
		base := path.Base(n.Path)
		n.Title = strings.TrimSuffix(base, path.Ext(base))
	}
	if c.firstPara != nil {
		n.lead = strings.TrimSpace(c.plainText(c.firstPara))
		lines := c.firstPara.Lines()
		if lines.Len() > 0 {
			n.leadSpan = Span{lines.At(0).Start, lines.At(lines.Len() - 1).Stop}
		}
	}
	n.Description = fm.Description
	if n.Description == "" {
		n.Description = n.Lead()
	}
}

// plainSlice is the text at s when a reader sees it as written: no markup,
// nothing blanked, single spaces. It is then a slice of the note's text
// rather than a copy (a vault has hundreds of thousands of headings).
func (c *collector) plainSlice(s Span) (string, bool) {
	if !c.slices || s.Start >= s.End {
		return "", false
	}
	raw := c.text[s.Start:s.End]
	if !collapsed(raw) || strings.ContainsAny(raw, "*_`[]\\<!&$^%~") || string(c.src[s.Start:s.End]) != raw {
		return "", false
	}
	return raw, true
}

// exact copies a pooled buffer to a slice of its own, nil when empty (so a
// note does not depend on what its collector held before).
func exact[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// plainText is the text a reader sees: markers dropped, links by their label,
// line breaks as spaces.
func (c *collector) plainText(n ast.Node) string {
	c.buf = c.buf[:0]
	c.appendText(n)
	return string(squeezeSpace(c.buf))
}

// squeezeSpace drops NUL bytes (see keepParagraphs) and turns each run of
// white space into one space, trimming both ends, in place: what
// bytes.Join(bytes.Fields(b), " ") gives, without its two allocations.
func squeezeSpace(b []byte) []byte {
	out := b[:0]
	space := false
	for i := 0; i < len(b); {
		c := b[i]
		if c == 0 {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				space = true
				i++
				continue
			}
			if space && len(out) > 0 {
				out = append(out, ' ')
			}
			space = false
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if unicode.IsSpace(r) {
			space = true
			i += size
			continue
		}
		if space && len(out) > 0 {
			out = append(out, ' ')
		}
		space = false
		out = append(out, b[i:i+size]...)
		i += size
	}
	return out
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

func (c *collector) appendText(n ast.Node) {
	for ch := n.FirstChild(); ch != nil; ch = ch.NextSibling() {
		switch t := ch.(type) {
		case *ast.Text:
			c.buf = append(c.buf, t.Segment.Value(c.src)...)
			if t.SoftLineBreak() || t.HardLineBreak() {
				c.buf = append(c.buf, ' ')
			}
		case *ast.String:
			c.buf = append(c.buf, t.Value...)
		case *wikilinkNode:
			if t.link.Kind == LinkEmbed {
				// An embed shows the file, not text ("![[a.png|100]]" is no "100").
				continue
			}
			if t.link.Label != "" {
				c.buf = append(c.buf, t.link.Label...)
			} else {
				c.buf = append(c.buf, c.src[t.link.TargetSpan.Start:t.link.TargetSpan.End]...)
			}
		case *tagNode:
			c.buf = append(c.buf, c.src[t.tag.Span.Start:t.tag.Span.End]...)
		case *ast.AutoLink:
			c.buf = append(c.buf, t.Label(c.src)...)
		case *blockIDNode, *mathNode, *ast.RawHTML:
		default:
			c.appendText(ch)
		}
	}
}

// matchBracket returns the offset of the ']' closing the '[' at open, skipping
// backslash escapes, code spans and nested brackets; -1 when none before limit.
func matchBracket(src []byte, open, limit int) int {
	depth := 0
	for i := open; i < limit && i < len(src); i++ {
		switch src[i] {
		case '\\':
			i++
		case '`':
			// As goldmark: a code span closes with a run of exactly as many
			// backticks; without one the whole opening run is text.
			j := i
			for j < limit && src[j] == '`' {
				j++
			}
			i = closingTicks(src[:limit], j, j-i) - 1
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// closingTicks returns the offset just past the first run of exactly n
// backticks in src from i, or i when there is none.
func closingTicks(src []byte, i, n int) int {
	for j := i; j < len(src); {
		if src[j] != '`' {
			j++
			continue
		}
		k := j
		for k < len(src) && src[k] == '`' {
			k++
		}
		if k-j == n {
			return k
		}
		j = k + 1
	}
	return i
}

// destinationSpan finds the destination in "( dest "title" )" between from
// (just past '(') and limit (the ')').
func destinationSpan(src []byte, from, limit int) (int, int) {
	s := from
	for s < limit && (src[s] == ' ' || src[s] == '\t' || src[s] == '\n' || src[s] == '\r') {
		s++
	}
	if s < limit && src[s] == '<' {
		e := s + 1
		for e < limit && src[e] != '>' {
			if src[e] == '\\' {
				e++
			}
			e++
		}
		return s, min(e+1, limit)
	}
	e, depth := s, 0
	for e < limit {
		ch := src[e]
		if ch == '\\' {
			e += 2
			continue
		}
		if ch <= ' ' {
			break
		}
		if ch == '(' {
			depth++
		} else if ch == ')' {
			if depth == 0 {
				break
			}
			depth--
		}
		e++
	}
	return s, min(e, limit)
}

func lineStart(src []byte, off int) int {
	for off > 0 && src[off-1] != '\n' && src[off-1] != '\r' {
		off--
	}
	return off
}

func lineEnd(src []byte, off int) int {
	for off < len(src) && src[off] != '\n' && src[off] != '\r' {
		off++
	}
	return off
}

func nextLine(src []byte, off int) int {
	off = lineEnd(src, off)
	if off < len(src) && src[off] == '\r' {
		off++
	}
	if off < len(src) && src[off] == '\n' {
		off++
	}
	return off
}

func trimSpan(src []byte, s Span) Span {
	for s.Start < s.End && (src[s.Start] == ' ' || src[s.Start] == '\t') {
		s.Start++
	}
	s.End = trimEnd(src, s.Start, s.End)
	return s
}

func trimEnd(src []byte, start, end int) int {
	for end > start && (src[end-1] == ' ' || src[end-1] == '\t' || src[end-1] == '\n' || src[end-1] == '\r') {
		end--
	}
	return end
}

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }
