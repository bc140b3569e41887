package analysis

import "github.com/rhizome-lsp/rhizome/workspace"

// Lens is the number of links to a note, or to one of its headings, shown
// above it: the backlinks pane of a garden, in any editor with code lenses.
type Lens struct {
	// Heading is the index in Note.Headings() of the heading counted, or -1
	// for the note itself, whose lens sits on its first line.
	Heading int
	Span    workspace.Span
	Count   int
}

// Lenses counts the links to f, and to each of its headings that has any:
// a lens on every heading of a long note would mostly say "0".
func Lenses(snap *workspace.Snapshot, f *workspace.File) []Lens {
	headings := f.Note.Headings()
	out := []Lens{{Heading: -1, Count: snap.BacklinkCount(f)}}
	if len(headings) == 0 {
		return out
	}
	bySlug := make(map[string]int, len(headings))
	for i := range headings {
		bySlug[headings[i].Slug] = i
	}
	counts := make([]int, len(headings))
	snap.AnchoredBacklinks(f, func(ref workspace.LinkRef) {
		if r := snap.Resolve(ref.From, int(ref.Index)); r.Heading != nil && r.Target == f {
			if i, ok := bySlug[r.Heading.Slug]; ok {
				counts[i]++
			}
		}
	})
	for i, c := range counts {
		if c > 0 {
			out = append(out, Lens{Heading: i, Span: headings[i].Span, Count: c})
		}
	}
	return out
}

// LensLinks lists the links a lens counts, sorted by note and position:
// to the note when heading is -1, else to its heading-th heading. A heading
// index the note no longer has lists nothing.
func LensLinks(snap *workspace.Snapshot, f *workspace.File, heading int) []Location {
	if heading < 0 {
		return linksTo(snap, f, nil)
	}
	if heading >= len(f.Note.Headings()) {
		return nil
	}
	return linksTo(snap, f, &f.Note.Headings()[heading])
}

// linksTo lists the links to target, or only those to its heading h when h
// is not nil, sorted by note and position.
func linksTo(snap *workspace.Snapshot, target *workspace.File, h *workspace.Heading) []Location {
	var out []Location
	for _, ref := range snap.Backlinks(target) {
		if h != nil {
			if r := snap.Resolve(ref.From, int(ref.Index)); r.Heading == nil || r.Heading.Slug != h.Slug {
				continue
			}
		}
		out = append(out, Location{File: ref.From, Span: ref.Link().Span})
	}
	return out
}
