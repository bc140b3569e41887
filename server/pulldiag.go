package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
)

// methodDiagnostic is LSP 3.17's pull diagnostics, which protocol v0.12.0 lacks.
const methodDiagnostic = "textDocument/diagnostic"

type documentDiagnosticParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
}

type fullDocumentDiagnosticReport struct {
	Kind  string                `json:"kind"` // "full"
	Items []protocol.Diagnostic `json:"items"`
}

// diagnostic answers a pull for one document's diagnostics.
func (s *Server) diagnostic(ctx context.Context, p *documentDiagnosticParams) (*fullDocumentDiagnosticReport, error) {
	report := &fullDocumentDiagnosticReport{Kind: "full", Items: []protocol.Diagnostic{}}
	defer func() { s.ws.diags.answered(p.TextDocument.URI, report.Items) }()
	q, ok := s.ws.at(p.TextDocument.URI, protocol.Position{})
	if !ok {
		return report, nil
	}
	defer q.release()
	// Against a half-loaded index most links would look broken: nothing is
	// said then, and the diagnostics after the load ask the client to pull
	// again.
	if !q.v.loading() {
		if items := s.ws.convert(q.file, analysis.Diagnose(q.snap, q.file, q.v.severities())); items != nil {
			report.Items = items
		}
	}
	return report, nil
}
