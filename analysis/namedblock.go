package analysis

import "github.com/rhizome-lsp/rhizome/workspace"

// blockNamed is the block of spans (a note's BlockSpans) that b, one of the
// note's ids, names; false for an id in no block (in a table's cell).
func blockNamed(spans []workspace.BlockSpan, n *workspace.Note, b *workspace.Block) (workspace.BlockSpan, bool) {
	var named workspace.BlockSpan
	found := false
	eachBlock(spans, n.Blocks, func(p workspace.BlockSpan, o *workspace.Block) {
		if o != nil && o.Span == b.Span && p.End > p.Start {
			named, found = p, true
		}
	})
	return named, found
}

// namedBlocks finds the blocks that links' ids name, whole, reading and
// parsing each note they lead to once: the index keeps the ids, not the
// paragraphs, quotes and lists around them.
type namedBlocks struct {
	snap  *workspace.Snapshot
	spans map[*workspace.File][]workspace.BlockSpan
}

// span is the block that b, an id of f's note, names: from its first line,
// where an editor should open, to its id, which for a quote, a table or a
// list is on a line of its own after it. It is b's own span when f's text
// cannot be read back as it was parsed (changed on disk since) or b names
// no block.
func (bt *namedBlocks) span(f *workspace.File, b *workspace.Block) workspace.Span {
	spans, ok := bt.spans[f]
	if !ok {
		if _, s, err := bt.snap.BlockSpans(f); err == nil {
			spans = s
		}
		if bt.spans == nil {
			bt.spans = make(map[*workspace.File][]workspace.BlockSpan)
		}
		bt.spans[f] = spans
	}
	if p, ok := blockNamed(spans, f.Note, b); ok {
		return p.Span
	}
	return b.Span
}
