package analysis

import "github.com/rhizome-lsp/rhizome/workspace"

// DocLink is a link of a note that leads to a file of the vault, for editors
// that underline links and open them on a click.
type DocLink struct {
	// Span is what the editor underlines: a wikilink or a reference use
	// whole, a markdown link's destination only (as editors do for URLs).
	Span   workspace.Span
	Target Location
	// Opens says what the link opens: the file's path, and the heading or
	// block it names.
	Opens string
}

// DocumentLinks lists the links of f that lead somewhere in the vault. URLs
// are left to the editor, which finds them by itself. Each leads where
// Definition does: a broken link nowhere, an ambiguous one to the note the
// tool picks, one whose anchor is missing to the top of the note.
func DocumentLinks(snap *workspace.Snapshot, f *workspace.File) []DocLink {
	links := f.Note.Links()
	out := make([]DocLink, 0, len(links))
	for i := range links {
		l := &links[i]
		if l.External || l.Kind == workspace.LinkAutolink {
			continue
		}
		r := snap.Resolve(f, i)
		if r.Status == workspace.NoSuchHeading || r.Status == workspace.NoSuchBlock {
			r.Heading, r.Block = nil, nil
		}
		loc, ok := targetLocation(r)
		if !ok {
			continue
		}
		span := l.TargetSpan
		if l.Wiki || l.Kind == workspace.LinkReference {
			span = l.Span
		}
		if span.Len() == 0 {
			continue // "[text]()": no destination to click
		}
		opens := r.Target.Path
		switch {
		case r.Heading != nil:
			opens += " › " + r.Heading.Text
		case r.Block != nil:
			opens += " › ^" + r.Block.ID
		}
		out = append(out, DocLink{Span: span, Target: loc, Opens: opens})
	}
	return out
}
