package server

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"
)

// Server→client requests that protocol v0.12.0 puts on its Server interface (so
// its typed Client cannot send them) or does not know (3.17). They wait for the
// client's answer: call them from background work, never inline in a handler
// that other messages wait for.
const (
	methodInlayHintRefresh  = "workspace/inlayHint/refresh"
	methodDiagnosticRefresh = "workspace/diagnostic/refresh"
)

// ShowDocument asks the client to open a document (window/showDocument).
func (s *Server) ShowDocument(ctx context.Context, params *protocol.ShowDocumentParams) (bool, error) {
	var res protocol.ShowDocumentResult
	if _, err := s.conn.Call(ctx, protocol.MethodShowDocument, params, &res); err != nil {
		return false, fmt.Errorf("window/showDocument %s: %w", params.URI, err)
	}
	return res.Success, nil
}

// Refresh asks the client to re-request a kind of result after the index
// changed under it. It does nothing unless the client announced refreshSupport
// for that kind. Kinds: codeLens, semanticTokens, inlayHint, diagnostic.
func (s *Server) Refresh(ctx context.Context, kind string) error {
	caps := s.Session().Client
	var method string
	var supported bool
	switch kind {
	case "codeLens":
		method, supported = protocol.MethodCodeLensRefresh, caps.CodeLensRefresh
	case "semanticTokens":
		method, supported = protocol.MethodSemanticTokensRefresh, caps.SemanticTokensRefresh
	case "inlayHint":
		method, supported = methodInlayHintRefresh, caps.InlayHintRefresh
	case "diagnostic":
		method, supported = methodDiagnosticRefresh, caps.DiagnosticRefresh
	default:
		return fmt.Errorf("refresh of unknown kind %q", kind)
	}
	if !supported {
		return nil
	}
	if _, err := s.conn.Call(ctx, method, nil, nil); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}
