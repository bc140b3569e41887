package analysis

import "github.com/rhizome-lsp/rhizome/workspace"

// LinkAt returns the index of the link whose span holds off, or -1.
func LinkAt(n *workspace.Note, off int) int {
	// Links are sorted by start; the last one starting at or before off is
	// the only candidate (links do not nest).
	links := n.Links()
	lo, hi := 0, len(links)
	for lo < hi {
		mid := (lo + hi) / 2
		if links[mid].Span.Start <= off {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if i := lo - 1; i >= 0 && links[i].Span.Contains(off) {
		return i
	}
	return -1
}

// TagAt returns the tag at off, or nil.
func TagAt(n *workspace.Note, off int) *workspace.Tag {
	tags := n.Tags()
	for i := range tags {
		if tags[i].Span.Contains(off) {
			return &tags[i]
		}
	}
	return nil
}

// BlockAt returns the block whose "^id" holds off, or nil.
func BlockAt(n *workspace.Note, off int) *workspace.Block {
	blocks := n.Blocks()
	for i := range blocks {
		if blocks[i].Span.Contains(off) {
			return &blocks[i]
		}
	}
	return nil
}

// HeadingAt returns the heading whose line holds off, or nil.
func HeadingAt(n *workspace.Note, off int) *workspace.Heading {
	headings := n.Headings()
	for i := range headings {
		if headings[i].Span.Contains(off) {
			return &headings[i]
		}
	}
	return nil
}

// Location is a span in a file of the vault.
type Location struct {
	File *workspace.File
	Span workspace.Span
}

// targetLocation is where a resolved link leads: the heading's line, the
// block its id names (blockTarget), or the top of the file.
func targetLocation(r workspace.Resolution) (Location, bool) {
	if r.Target == nil {
		return Location{}, false
	}
	loc := Location{File: r.Target}
	switch {
	case r.Heading != nil:
		loc.Span = r.Heading.Span
	case r.Block != nil:
		loc.Span = blockTarget(r.Block)
	}
	return loc, true
}
