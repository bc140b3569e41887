package analysis

import "github.com/rhizome-lsp/rhizome/workspace"

// blockTarget is where a link to block b leads: the block its id names,
// whole, from its first line (where an editor opens, and Obsidian scrolls
// to) to the id, which for a quote, a table or a list is on a line of its
// own after it; the id itself when it names none.
func blockTarget(b *workspace.Block) workspace.Span {
	if b.Named.End > b.Named.Start {
		return b.Named
	}
	return b.Span
}
