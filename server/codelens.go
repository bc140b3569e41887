package server

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
	"github.com/rhizome-lsp/rhizome/workspace"
)

// commandShowReferences is the command of a lens, with arguments (uri,
// position, lensTarget). It runs in the client: our VS Code extension and
// Neovim plugin define it, ask the server for the links with
// commandLensLinks, and show them. The links are not in the lens: the lens
// of a hub would carry thousands, sent again at each pause in typing,
// for a click that seldom comes.
const commandShowReferences = "rhizome.showReferences"

// commandLensLinks is the server's command (workspace/executeCommand) that
// lists the links a lens counts; arguments (uri, lensTarget).
const commandLensLinks = "rhizome.lensLinks"

// lensTarget says what a lens counts: a heading of the note (by index, and
// by slug to find it again after an edit moved it), or the note (-1).
type lensTarget struct {
	Heading int    `json:"heading"`
	Slug    string `json:"slug,omitempty"`
}

// codeLens places a lens with its count on the note's first line and on
// each heading that links reach.
func (s *Server) codeLens(ctx context.Context, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	q, ok := s.ws.at(p.TextDocument.URI, protocol.Position{})
	if !ok {
		return []protocol.CodeLens{}, nil
	}
	defer q.release()
	enc := s.Session().Encoding
	lenses := analysis.Lenses(q.snap, q.file)
	out := make([]protocol.CodeLens, 0, len(lenses))
	for _, l := range lenses {
		target := lensTarget{Heading: l.Heading}
		if l.Heading >= 0 {
			target.Slug = q.file.Note.Headings()[l.Heading].Slug
		}
		at := q.lines.Range(enc, l.Span.Start, l.Span.Start)
		out = append(out, protocol.CodeLens{Range: at, Command: &protocol.Command{
			Title:     lensTitle(l.Heading < 0, l.Count),
			Command:   commandShowReferences,
			Arguments: []any{p.TextDocument.URI, at.Start, target},
		}})
	}
	return out, nil
}

// lensLinks lists the links a lens counts. A lens clicked after its heading
// went lists none rather than failing: the editor asks for new lenses soon.
func (s *Server) lensLinks(uri protocol.DocumentURI, target lensTarget) []protocol.Location {
	q, ok := s.ws.at(uri, protocol.Position{})
	if !ok {
		return []protocol.Location{}
	}
	defer q.release()
	heading := headingBySlug(q.file.Note.Headings(), target.Heading, target.Slug)
	if target.Heading >= 0 && heading < 0 {
		return []protocol.Location{}
	}
	return s.ws.locations(q.v, analysis.LensLinks(q.snap, q.file, heading))
}

// headingBySlug finds the heading a lens was placed on: at its index if the
// slug there still matches, else by the slug; -1 if it is gone (or i is -1).
func headingBySlug(hs []workspace.Heading, i int, slug string) int {
	if i < 0 {
		return -1
	}
	if i < len(hs) && hs[i].Slug == slug {
		return i
	}
	for j := range hs {
		if hs[j].Slug == slug {
			return j
		}
	}
	return -1
}

// lensTitle is what a lens says: "12 backlinks" above a note, "3 links"
// above a heading.
func lensTitle(note bool, n int) string {
	switch {
	case note && n == 0:
		return "no backlinks"
	case note:
		return fmt.Sprintf("%d %s", n, plural(n, "backlink", "backlinks"))
	default:
		return fmt.Sprintf("%d %s", n, plural(n, "link", "links"))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
