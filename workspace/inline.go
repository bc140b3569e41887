package workspace

import (
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// The goldmark inline parsers rhizome adds: wikilinks, #tags, ^block ids and
// math spans (which only exist so that nothing inside math is taken as a tag).
// Each node records its own byte span, since goldmark nodes only know a start.

var (
	kindWikilink = ast.NewNodeKind("Wikilink")
	kindTag      = ast.NewNodeKind("Tag")
	kindBlockID  = ast.NewNodeKind("BlockID")
	kindMath     = ast.NewNodeKind("Math")
)

type wikilinkNode struct {
	ast.BaseInline
	link Link
}

func (n *wikilinkNode) Kind() ast.NodeKind { return kindWikilink }
func (n *wikilinkNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Target": n.link.Target}, nil)
}

type tagNode struct {
	ast.BaseInline
	tag Tag
}

func (n *tagNode) Kind() ast.NodeKind { return kindTag }
func (n *tagNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Name": n.tag.Name}, nil)
}

type blockIDNode struct {
	ast.BaseInline
	block Block
}

func (n *blockIDNode) Kind() ast.NodeKind { return kindBlockID }
func (n *blockIDNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"ID": n.block.ID}, nil)
}

type mathNode struct{ ast.BaseInline }

func (n *mathNode) Kind() ast.NodeKind         { return kindMath }
func (n *mathNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// wikilinkParser runs just before goldmark's link parser (priority 199 < 200)
// and declines, consuming nothing, when '[' does not open a wikilink.
type wikilinkParser struct{}

func (wikilinkParser) Trigger() []byte { return []byte{'[', '!'} }

func (wikilinkParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	embed := false
	if len(line) > 0 && line[0] == '!' {
		embed = true
		line = line[1:]
	}
	if len(line) < 4 || line[0] != '[' || line[1] != '[' {
		return nil
	}
	// Scan the note's own text: the link's strings are then slices of it, not
	// copies (a vault holds hundreds of thousands of links).
	content := noteText(pc)
	start := seg.Start
	if embed {
		start++
	}
	l, n, ok := scanWikilink(content, start, embed)
	if !ok {
		return nil
	}
	block.Advance(n)
	node := &wikilinkNode{link: l}
	node.SetPos(l.Span.Start)
	return node
}

var noteTextKey = parser.NewContextKey()

// noteText is the text being parsed, as the note's string (goldmark sees a
// blanked copy of it with the same offsets).
func noteText(pc parser.Context) string {
	s, _ := pc.Get(noteTextKey).(string)
	return s
}

// tagParser reads #tag: see isTagRune, at least one non-digit,
// after whitespace or at the start of a line (a '#' inside a word is no tag).
type tagParser struct{}

func (tagParser) Trigger() []byte { return []byte{'#'} }

func (tagParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	if prev := block.PrecendingCharacter(); prev != '\n' && !unicode.IsSpace(prev) && prev != '(' {
		return nil
	}
	line, seg := block.PeekLine()
	i := 1
	nonDigit := false
	for i < len(line) {
		r, size := utf8.DecodeRune(line[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if !isTagRune(r) {
			break
		}
		if !unicode.IsDigit(r) {
			nonDigit = true
		}
		i += size
	}
	if i == 1 || !nonDigit {
		return nil
	}
	block.Advance(i)
	node := &tagNode{tag: Tag{Name: noteText(pc)[seg.Start+1 : seg.Start+i], Span: Span{seg.Start, seg.Start + i}}}
	node.SetPos(seg.Start)
	return node
}

// isTagRune reports a character a #tag may hold: letters, digits, '_', '-',
// '/' for nesting, and the "commonly accepted Unicode characters, including
// emojis and other symbols" of Obsidian's help (Quartz's tag pattern also takes
// \p{Emoji}): symbols, combining marks and the zero-width joiner inside
// emoji sequences. Punctuation and spaces end a tag.
func isTagRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isAlnum(byte(r)) || r == '_' || r == '-' || r == '/'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.M, unicode.So, unicode.Sk) || r == '\u200d'
}

// blockIDParser reads "^id" when only whitespace follows it in its block.
type blockIDParser struct{}

func (blockIDParser) Trigger() []byte { return []byte{'^'} }

func (blockIDParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	// Obsidian also takes "![[x.png]]^id"; a letter or digit before '^' is
	// an exponent ("e^x"), not a block id.
	if prev := block.PrecendingCharacter(); prev != '\n' && (unicode.IsLetter(prev) || unicode.IsDigit(prev)) {
		return nil
	}
	line, seg := block.PeekLine()
	i := 1
	for i < len(line) && (isAlnum(line[i]) || line[i] == '-') {
		i++
	}
	if i == 1 {
		return nil
	}
	for j := i; j < len(line); j++ {
		if c := line[j]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return nil
		}
	}
	// The id ends its block: on an earlier line of a paragraph "^x" is text
	// (Obsidian and Quartz both read the id at the end of the block).
	savedLine, savedSeg := block.Position()
	block.AdvanceLine()
	more, _ := block.PeekLine()
	block.SetPosition(savedLine, savedSeg)
	if more != nil {
		return nil
	}
	block.Advance(i)
	node := &blockIDNode{block: Block{ID: noteText(pc)[seg.Start+1 : seg.Start+i], Span: Span{seg.Start, seg.Start + i}}}
	node.SetPos(seg.Start)
	return node
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// mathParser consumes $…$ and $$…$$ so tags and links inside formulas are not
// read. Like Obsidian, "$5 and $6" is not math: the opening '$' must not be
// followed by a space, the closing one not preceded by a space nor followed by a digit.
type mathParser struct{}

func (mathParser) Trigger() []byte { return []byte{'$'} }

func (mathParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if len(line) >= 2 && line[1] == '$' {
		// Display math may span the lines of one paragraph.
		savedLine, savedSeg := block.Position()
		block.Advance(2)
		for {
			l, _ := block.PeekLine()
			if l == nil {
				block.SetPosition(savedLine, savedSeg)
				return nil
			}
			for i := 0; i+1 < len(l); i++ {
				if l[i] == '$' && l[i+1] == '$' {
					block.Advance(i + 2)
					n := &mathNode{}
					n.SetPos(seg.Start)
					return n
				}
			}
			block.AdvanceLine()
		}
	}
	if len(line) < 3 || line[1] == ' ' || line[1] == '\t' {
		return nil
	}
	// When a '$' earlier on this line found no closing one, none after it
	// will: the closer test does not depend on the opener. Remembering that
	// keeps a line of many '$' linear.
	if f, ok := pc.Get(mathNoCloserKey).(mathNoCloser); ok && seg.Start > f.from && seg.Start < f.to {
		return nil
	}
	for i := 2; i < len(line); i++ {
		if line[i] == '\n' {
			break
		}
		if line[i] == '$' && line[i-1] != ' ' && line[i-1] != '\\' && (i+1 >= len(line) || line[i+1] < '0' || line[i+1] > '9') {
			block.Advance(i + 1)
			n := &mathNode{}
			n.SetPos(seg.Start)
			return n
		}
	}
	pc.Set(mathNoCloserKey, mathNoCloser{seg.Start, seg.Start + len(line)})
	return nil
}

var mathNoCloserKey = parser.NewContextKey()

// mathNoCloser is the '$' at from that found no closing '$' before to, its
// line's end.
type mathNoCloser struct{ from, to int }

// linkEnds wraps goldmark's link parser to learn where each link ends: after
// the inner Parse returns, the reader is just past the construct. (goldmark
// nodes only carry a start offset.) The wrapper replaces the default link
// parser because that parser keeps its state in the parser.Context.
type linkEnds struct {
	inner parser.InlineParser
}

var linkEndsKey = parser.NewContextKey()

// endOffsets maps a Link or Image node to the offset just past it.
type endOffsets map[ast.Node]int

func (p linkEnds) Trigger() []byte { return p.inner.Trigger() }

func (p linkEnds) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	n := p.inner.Parse(parent, block, pc)
	switch n.(type) {
	case *ast.Link, *ast.Image:
		if ends, ok := pc.Get(linkEndsKey).(endOffsets); ok {
			_, seg := block.Position()
			ends[n] = seg.Start
		}
	}
	return n
}

func (p linkEnds) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	if c, ok := p.inner.(parser.CloseBlocker); ok {
		c.CloseBlock(parent, block, pc)
	}
}
