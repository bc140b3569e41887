package workspace

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// goldmark's inline parser builds a node for every run of text, delimiter and
// bracket: half of all indexing time went there, for paragraphs whose only
// interest to rhizome is their links. So paragraphs are taken from goldmark
// once their block structure is final — their lines swapped for an empty
// placeholder goldmark skips — and the inline scan reads them instead, with the
// same rules (see scaninline.go). goldmark keeps what needs its tree: the lead
// paragraph (whose plain text is the note's lead), headings, table cells, and
// paragraphs where raw HTML may be.

// stashedBlock is a paragraph taken from goldmark: the placeholder line it
// now holds and its own lines. goldmark copies a block's Segments by value
// (a tight list copies them to the TextBlock it makes), but the copies share
// the placeholder's backing array, so its address identifies the block.
type stashedBlock struct {
	placeholder *text.Segment
	lines       []text.Segment
}

var collectorKey = parser.NewContextKey()

// paragraphStash is the paragraph transformer that takes paragraphs from
// goldmark. It runs after the link-definition and table transformers, when a
// paragraph is closed, which happens in document order.
type paragraphStash struct{}

func (paragraphStash) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	c, _ := pc.Get(collectorKey).(*collector)
	if c == nil || !closing(node, pc) {
		return
	}
	lines := node.Lines()
	if !c.leadSeen {
		// A paragraph in a list may yet become a tight list's TextBlock, which
		// is no lead: keep them all for goldmark until the lead is certain.
		if _, inList := node.Parent().(*ast.ListItem); !inList {
			c.leadSeen = true
		}
		if !tooLongForGoldmark(lines) {
			return
		}
	}
	// A paragraph too long for goldmark is scanned even where the scan may
	// not read it exactly as goldmark would (raw HTML, tab padding).
	if lines.Len() == 0 || !scannable(c.src, lines) && !tooLongForGoldmark(lines) {
		return
	}
	// goldmark's paragraph parser trims the lines once transformers are done
	// (and drops a paragraph with none): trim the copy the same way, and leave
	// goldmark one empty line, which it reads as nothing.
	from := len(c.stashLines)
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		c.stashLines = append(c.stashLines, seg.TrimLeftSpace(c.src))
	}
	kept := c.stashLines[from:len(c.stashLines):len(c.stashLines)]
	kept[len(kept)-1] = kept[len(kept)-1].TrimRightSpace(c.src)
	var placeholder text.Segments
	placeholder.Append(text.NewSegment(kept[0].Start, kept[0].Start))
	node.SetLines(&placeholder)
	c.stash = append(c.stash, stashedBlock{placeholder: placeholderOf(node.Lines()), lines: kept})
}

// maxParagraphBytes bounds a paragraph goldmark parses (the lead, one with raw
// HTML). Its code spans are quadratic across lines (300 KB of lines of
// unclosed backticks took minutes): a longer paragraph is always scanned, and
// a note whose first paragraph it is has no lead.
const maxParagraphBytes = 16 << 10

func tooLongForGoldmark(lines *text.Segments) bool {
	n := lines.Len()
	return n > 0 && lines.At(n-1).Stop-lines.At(0).Start > maxParagraphBytes
}

// scannable says whether the inline scan reads these lines exactly as goldmark
// would: no tab padding and no '<' that could open raw HTML (autolinks are
// fine).
func scannable(src []byte, lines *text.Segments) bool {
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		if seg.Padding != 0 {
			return false
		}
		for line := src[seg.Start:seg.Stop]; ; {
			j := bytes.IndexByte(line, '<')
			if j < 0 {
				break
			}
			if mayBeHTML(line[j:]) {
				return false
			}
			line = line[j+1:]
		}
	}
	return true
}

// closing reports whether node is being closed as an open block. A setext
// heading closes its paragraph first and then calls the transformers to
// take its lines: that paragraph must keep them.
func closing(node ast.Node, pc parser.Context) bool {
	open := pc.OpenedBlocks()
	for i := len(open) - 1; i >= 0; i-- {
		if open[i].Node == node {
			return true
		}
	}
	return false
}

// mayBeHTML reports whether goldmark could read raw HTML at line[0] == '<':
// a tag, comment, processing instruction or declaration, unless an autolink
// (which goldmark tries first) takes it.
func mayBeHTML(line []byte) bool {
	if len(line) < 2 {
		return false
	}
	switch c := line[1]; {
	case c == '/' || c == '!' || c == '?':
		return true
	case util.IsAlphaNumeric(c):
		_, ok := autolinkAt(line)
		return !ok
	}
	return false
}

// autolinkAt reads an autolink "<scheme:…>" or "<user@host>" at line[0] == '<',
// as goldmark's autolink parser does, returning the length up to and
// including '>'.
func autolinkAt(line []byte) (int, bool) {
	stop := util.FindEmailIndex(line[1:])
	if stop < 0 {
		stop = util.FindURLIndex(line[1:])
	}
	if stop < 0 {
		return 0, false
	}
	stop++
	if stop >= len(line) || line[stop] != '>' {
		return 0, false
	}
	return stop + 1, true
}

// placeholderOf is the address of a block's first line, or nil.
func placeholderOf(lines *text.Segments) *text.Segment {
	if lines.Len() != 1 {
		return nil
	}
	return &lines.Sliced(0, 1)[0]
}

// stashed returns the stashed block whose placeholder lines holds, or nil.
// Blocks are visited in the order they were stashed, so the search starts
// where the last one was found.
func (c *collector) stashed(lines *text.Segments) *stashedBlock {
	p := placeholderOf(lines)
	if p == nil || len(c.stash) == 0 {
		return nil
	}
	for k := c.nextStash; k < len(c.stash); k++ {
		if c.stash[k].placeholder == p {
			c.nextStash = k + 1
			return &c.stash[k]
		}
	}
	for k := 0; k < c.nextStash && k < len(c.stash); k++ {
		if c.stash[k].placeholder == p {
			return &c.stash[k]
		}
	}
	return nil
}
