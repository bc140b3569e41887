package analysis

import (
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// References lists what points where off points: on a link, every link to
// the same note (and heading or block, when the link names one); on a
// heading, the links to that heading; on a block id, the links to that
// block; on a tag, every use of the tag; elsewhere, the note's backlinks.
// includeDecl adds the target itself.
func References(snap *workspace.Snapshot, f *workspace.File, off int, includeDecl bool) []Location {
	n := f.Note
	if t := TagAt(n, off); t != nil {
		return tagUses(snap, t.Name)
	}
	target, heading, block := f, (*workspace.Heading)(nil), (*workspace.Block)(nil)
	if i := LinkAt(n, off); i >= 0 {
		r := snap.Resolve(f, i)
		if r.Target == nil {
			return nil
		}
		target, heading, block = r.Target, r.Heading, r.Block
	} else if b := BlockAt(n, off); b != nil {
		block = b
	} else if h := HeadingAt(n, off); h != nil {
		heading = h
	}
	var out []Location
	if includeDecl {
		decl := Location{File: target}
		switch {
		case block != nil:
			decl.Span = block.Span
		case heading != nil:
			decl.Span = heading.Span
		}
		out = append(out, decl)
	}
	if block != nil {
		for _, ref := range blockRefs(snap, target, block) {
			out = append(out, Location{File: ref.From, Span: ref.Link().Span})
		}
		return out
	}
	return append(out, linksTo(snap, target, heading)...)
}

func tagUses(snap *workspace.Snapshot, name string) []Location {
	var out []Location
	for _, g := range snap.TagNotes(name) {
		for _, t := range g.Note.Tags() {
			if strings.EqualFold(t.Name, name) {
				out = append(out, Location{File: g, Span: t.Span})
			}
		}
	}
	return out
}
