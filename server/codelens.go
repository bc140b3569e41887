package server

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
	"github.com/rhizome-lsp/rhizome/workspace"
)

// commandShowReferences is the command of a resolved lens, with arguments
// (uri, position, locations) as VS Code's editor.action.showReferences takes
// them. It runs in the client: our VS Code extension and Neovim plugin define
// it; the server does not announce it, since it has nothing to execute.
const commandShowReferences = "rhizome.showReferences"

// lensData is what a lens carries to codeLens/resolve: which heading it
// counts (-1: the note), and that heading's slug, by which a lens resolved
// after an edit finds its heading again.
type lensData struct {
	URI     protocol.DocumentURI `json:"uri"`
	Heading int                  `json:"heading"`
	Slug    string               `json:"slug,omitempty"`
}

// codeLens places a lens on the note's first line and on each heading that
// links reach. The counts and links come with codeLens/resolve, which
// editors ask only of the lenses in sight.
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
		data := lensData{URI: p.TextDocument.URI, Heading: l.Heading}
		if l.Heading >= 0 {
			data.Slug = q.file.Note.Headings[l.Heading].Slug
		}
		out = append(out, protocol.CodeLens{Range: q.lines.Range(enc, l.Span.Start, l.Span.Start), Data: data})
	}
	return out, nil
}

// codeLensResolve counts and lists the links of one lens. A lens whose
// heading is gone since says so rather than failing: the editor shows
// whatever the reply holds until it asks again.
func (s *Server) codeLensResolve(ctx context.Context, lens *protocol.CodeLens) (*protocol.CodeLens, error) {
	var data lensData
	raw, err := json.Marshal(lens.Data)
	if err == nil {
		err = json.Unmarshal(raw, &data)
	}
	if err != nil || data.URI == "" {
		return nil, invalidParams(protocol.MethodCodeLensResolve, fmt.Errorf("lens data %s: not a rhizome lens", raw))
	}
	locs := []protocol.Location{}
	if q, ok := s.ws.at(data.URI, protocol.Position{}); ok {
		heading := headingBySlug(q.file.Note.Headings, data.Heading, data.Slug)
		if data.Heading < 0 || heading >= 0 {
			locs = s.ws.locations(q.v, analysis.LensLinks(q.snap, q.file, heading))
		}
		q.release()
	}
	lens.Command = &protocol.Command{
		Title:     lensTitle(data.Heading < 0, len(locs)),
		Command:   commandShowReferences,
		Arguments: []any{data.URI, lens.Range.Start, locs},
	}
	return lens, nil
}

// headingBySlug finds the heading a lens was placed on: at its index if the
// slug there still matches, else by the slug; -1 if it is gone.
func headingBySlug(hs []workspace.Heading, i int, slug string) int {
	if i >= 0 && i < len(hs) && hs[i].Slug == slug {
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
