package server

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
)

// documentLink lists the note's links to files of the vault, each with the
// file's URI and, for a heading or block, its line as a "#L12" fragment,
// which VS Code opens at that line.
func (s *Server) documentLink(ctx context.Context, p *protocol.DocumentLinkParams) ([]protocol.DocumentLink, error) {
	q, ok := s.ws.at(p.TextDocument.URI, protocol.Position{})
	if !ok {
		return []protocol.DocumentLink{}, nil
	}
	defer q.release()
	enc := s.Session().Encoding
	tooltips := s.Session().Client.LinkTooltips
	links := analysis.DocumentLinks(q.snap, q.file)
	out := make([]protocol.DocumentLink, 0, len(links))
	for _, l := range links {
		loc := s.ws.location(q.v, l.Target.File, l.Target.Span)
		target := loc.URI
		if l.Target.Span.End > 0 {
			target += protocol.DocumentURI(fmt.Sprintf("#L%d", loc.Range.Start.Line+1))
		}
		link := protocol.DocumentLink{Range: q.lines.Range(enc, l.Span.Start, l.Span.End), Target: target}
		if tooltips { // a client that shows none (3.14 and older) is not sent them
			link.Tooltip = "Open " + l.Opens
		}
		out = append(out, link)
	}
	return out, nil
}
