package analysis

import "github.com/rhizome-lsp/rhizome/workspace"

// Definition is where the link at off leads: the note, or the heading or
// block it names. A reference use leads where its definition does. A broken
// link leads nowhere (nil).
func Definition(snap *workspace.Snapshot, f *workspace.File, off int) []Location {
	i := LinkAt(f.Note, off)
	if i < 0 {
		return nil
	}
	r := snap.Resolve(f, i)
	if r.Status == workspace.NoSuchHeading || r.Status == workspace.NoSuchBlock {
		// The note is there; open it at the top rather than nowhere.
		r.Heading, r.Block = nil, nil
	}
	loc, ok := targetLocation(r)
	if !ok {
		return nil
	}
	return []Location{loc}
}
