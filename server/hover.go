package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
)

func (s *Server) hover(ctx context.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	q, ok := s.ws.at(p.TextDocument.URI, p.Position)
	if !ok {
		return nil, nil
	}
	defer q.release()
	h := analysis.Hover(q.snap, q.file, q.off, q.v.severities())
	if h == nil {
		return nil, nil
	}
	r := q.lines.Range(s.Session().Encoding, h.Span.Start, h.Span.End)
	kind := protocol.Markdown
	if !s.Session().Client.HoverMarkdown {
		kind = protocol.PlainText
	}
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: kind, Value: h.Markdown}, Range: &r}, nil
}
