package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
)

func (s *Server) definition(ctx context.Context, p *protocol.DefinitionParams) ([]protocol.Location, error) {
	q, ok := s.ws.at(p.TextDocument.URI, p.Position)
	if !ok {
		return nil, nil
	}
	defer q.release()
	return s.ws.locations(q.v, analysis.Definition(q.snap, q.file, q.off)), nil
}

func (s *Server) references(ctx context.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	q, ok := s.ws.at(p.TextDocument.URI, p.Position)
	if !ok {
		return nil, nil
	}
	defer q.release()
	return s.ws.locations(q.v, analysis.References(q.snap, q.file, q.off, p.Context.IncludeDeclaration)), nil
}

// locations converts analysis locations; the result is never null.
func (e *engine) locations(v *vault, locs []analysis.Location) []protocol.Location {
	out := make([]protocol.Location, 0, len(locs))
	for _, l := range locs {
		out = append(out, e.location(v, l.File, l.Span))
	}
	return out
}
