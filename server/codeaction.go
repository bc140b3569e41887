package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
)

// codeAction offers the fixes of the diagnostics in the range: the
// did-you-mean path of a broken link, the closest heading of a broken anchor,
// a full path for an ambiguous link.
func (s *Server) codeAction(ctx context.Context, p *protocol.CodeActionParams) ([]protocol.CodeAction, error) {
	q, ok := s.ws.at(p.TextDocument.URI, p.Range.Start)
	if !ok {
		return []protocol.CodeAction{}, nil
	}
	defer q.release()
	lines := NewLineIndex(q.file.Note.Text)
	enc := s.Session().Encoding
	start, end := lines.OffsetRange(enc, p.Range)
	out := []protocol.CodeAction{}
	diags := analysis.Diagnose(q.snap, q.file, q.v.severities())
	converted := s.ws.convert(q.file, diags)
	for i, d := range diags {
		if d.Span.End < start || d.Span.Start > end || len(d.Fixes) == 0 {
			continue
		}
		for j, fix := range d.Fixes {
			edit := protocol.TextEdit{Range: lines.Range(enc, fix.Span.Start, fix.Span.End), NewText: fix.NewText}
			out = append(out, protocol.CodeAction{
				Title:       fix.Title,
				Kind:        protocol.QuickFix,
				Diagnostics: []protocol.Diagnostic{converted[i]},
				IsPreferred: j == 0,
				Edit: &protocol.WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{
					p.TextDocument.URI: {edit},
				}},
			})
		}
	}
	return out, nil
}
