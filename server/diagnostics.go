package server

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"
)

// NoVersion is the version to publish diagnostics under for a file that is not
// open: the version field is then left out.
const NoVersion int32 = -1

// publishDiagnosticsParams is local because protocol.PublishDiagnosticsParams
// has an omitempty uint32 version, which cannot say version 0.
type publishDiagnosticsParams struct {
	URI         protocol.DocumentURI  `json:"uri"`
	Version     *int32                `json:"version,omitempty"`
	Diagnostics []protocol.Diagnostic `json:"diagnostics"`
}

// publish sends textDocument/publishDiagnostics. A nil slice is sent as [], not
// null: null is invalid there, and [] is how stale diagnostics are cleared.
func (s *Server) publish(ctx context.Context, uri protocol.DocumentURI, version int32, diags []protocol.Diagnostic) error {
	if diags == nil {
		diags = []protocol.Diagnostic{}
	}
	p := &publishDiagnosticsParams{URI: uri, Diagnostics: diags}
	if version >= 0 {
		p.Version = &version
	}
	if err := s.conn.Notify(ctx, protocol.MethodTextDocumentPublishDiagnostics, p); err != nil {
		return fmt.Errorf("publishing diagnostics for %s: %w", uri, err)
	}
	return nil
}
