package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
	"github.com/rhizome-lsp/rhizome/workspace"
)

// methodInlayHint is LSP 3.17's textDocument/inlayHint, which protocol
// v0.12.0 does not know; so are its types below.
const methodInlayHint = "textDocument/inlayHint"

type inlayHintParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	Range        protocol.Range                  `json:"range"`
}

type inlayHint struct {
	Position    protocol.Position `json:"position"`
	Label       string            `json:"label"`
	Tooltip     string            `json:"tooltip,omitempty"`
	PaddingLeft bool              `json:"paddingLeft,omitempty"`
}

// inlayHint shows, after each link in the range that names a note by
// something other than its title ([[202311051230]]), the title.
func (s *Server) inlayHint(ctx context.Context, p *inlayHintParams) ([]inlayHint, error) {
	q, ok := s.ws.at(p.TextDocument.URI, protocol.Position{})
	if !ok {
		return []inlayHint{}, nil
	}
	defer q.release()
	enc := s.Session().Encoding
	start, end := q.lines.OffsetRange(enc, p.Range)
	hints := analysis.InlayHints(q.snap, q.file, workspace.Span{Start: start, End: end})
	out := make([]inlayHint, 0, len(hints))
	for _, h := range hints {
		out = append(out, inlayHint{
			Position:    q.lines.Position(enc, h.Offset),
			Label:       h.Title,
			Tooltip:     h.Path,
			PaddingLeft: true,
		})
	}
	return out, nil
}
