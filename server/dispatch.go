package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// dispatch routes one message to its adapter. Adding a method is one case here
// and a function in its own file, e.g.
//
//	case protocol.MethodTextDocumentHover:
//		return request(ctx, reply, req, s.hover) // hover.go: func (s *Server) hover(ctx, *protocol.HoverParams) (*protocol.Hover, error)
//
// plus its capability in capabilities.go. Methods that protocol v0.12.0 does not
// know (3.17: textDocument/diagnostic, textDocument/inlayHint, …) are cases like
// any other, with a string constant and local param types. Anything without a
// case is -32601 for a request and dropped for a notification.
func (s *Server) dispatch(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	if !s.admit(ctx, reply, req) {
		return nil
	}
	if _, ok := req.(*jsonrpc2.Call); ok && ctx.Err() != nil {
		// Cancelled while it waited for its turn.
		return reply(ctx, nil, fmt.Errorf("%s cancelled before it started: %w", req.Method(), context.Cause(ctx)))
	}

	switch req.Method() {
	// Lifecycle: lifecycle.go.
	case protocol.MethodInitialize:
		return request(ctx, reply, req, s.initialize)
	case protocol.MethodInitialized:
		return notification(ctx, reply, req, s.initialized)
	case protocol.MethodShutdown:
		return s.shutdownRequest(ctx, reply, req)
	case protocol.MethodExit:
		return notification(ctx, reply, req, s.exit)

	// Document sync: textsync.go.
	case protocol.MethodTextDocumentDidOpen:
		return notification(ctx, reply, req, s.didOpen)
	case protocol.MethodTextDocumentDidChange:
		return notification(ctx, reply, req, s.didChange)
	case protocol.MethodTextDocumentDidClose:
		return notification(ctx, reply, req, s.didClose)
	case protocol.MethodTextDocumentDidSave:
		return notification(ctx, reply, req, s.didSave)

	// Workspace: settings.go, watch.go.
	case protocol.MethodWorkspaceDidChangeConfiguration:
		return notification(ctx, reply, req, s.didChangeConfiguration)
	case protocol.MethodWorkspaceDidChangeWatchedFiles:
		return notification(ctx, reply, req, s.didChangeWatchedFiles)
	case protocol.MethodDidRenameFiles: // fileops.go
		return notification(ctx, reply, req, s.didRenameFiles)
	case protocol.MethodDidCreateFiles:
		return notification(ctx, reply, req, s.didCreateFiles)
	case protocol.MethodDidDeleteFiles:
		return notification(ctx, reply, req, s.didDeleteFiles)

	// Notifications we accept and have nothing to do for.
	case protocol.MethodSetTrace, protocol.MethodWorkDoneProgressCancel, protocol.MethodTextDocumentWillSave:
		return reply(ctx, nil, nil)

	// Features, one file each.
	case protocol.MethodTextDocumentHover:
		return request(ctx, reply, req, s.hover)
	case protocol.MethodTextDocumentDefinition:
		return request(ctx, reply, req, s.definition)
	case protocol.MethodTextDocumentReferences:
		return request(ctx, reply, req, s.references)
	case protocol.MethodTextDocumentCompletion:
		return request(ctx, reply, req, s.completion)
	case protocol.MethodCompletionItemResolve:
		return request(ctx, reply, req, s.completionResolve)
	case protocol.MethodTextDocumentCodeAction:
		return request(ctx, reply, req, s.codeAction)
	case protocol.MethodTextDocumentDocumentSymbol:
		return request(ctx, reply, req, s.documentSymbol)
	case protocol.MethodWorkspaceSymbol:
		return request(ctx, reply, req, s.workspaceSymbol)
	case protocol.MethodTextDocumentCodeLens:
		return request(ctx, reply, req, s.codeLens)
	case protocol.MethodWorkspaceExecuteCommand:
		return request(ctx, reply, req, s.executeCommand)
	case protocol.MethodTextDocumentDocumentLink:
		return request(ctx, reply, req, s.documentLink)
	case protocol.MethodTextDocumentFoldingRange:
		return request(ctx, reply, req, s.foldingRange)
	case methodInlayHint:
		return request(ctx, reply, req, s.inlayHint)
	case protocol.MethodSemanticTokensFull:
		return request(ctx, reply, req, s.semanticTokensFull)
	case protocol.MethodSemanticTokensRange:
		return request(ctx, reply, req, s.semanticTokensRange)
	case protocol.MethodTextDocumentPrepareRename:
		return request(ctx, reply, req, s.prepareRename)
	case protocol.MethodTextDocumentRename:
		return request(ctx, reply, req, s.rename)
	case protocol.MethodWillRenameFiles:
		return request(ctx, reply, req, s.willRenameFiles)
	case methodDiagnostic:
		return request(ctx, reply, req, s.diagnostic)
	}

	if h, ok := s.opts.testMethods[req.Method()]; ok {
		return h(ctx, reply, req)
	}
	if _, ok := req.(*jsonrpc2.Call); !ok {
		// A notification cannot be answered; "$/" ones may be ignored by spec.
		s.log.Debug("ignored notification", zap.String("method", req.Method()),
			zap.Bool("optional", strings.HasPrefix(req.Method(), "$/")))
		return reply(ctx, nil, nil)
	}
	return reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %s", req.Method()))
}

// request adapts a typed handler to a request: it decodes the params (-32602 if
// they do not fit P), calls fn and replies with its result or error.
func request[P, R any](ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request, fn func(context.Context, *P) (R, error)) error {
	var params P
	if err := decodeParams(req, &params); err != nil {
		return reply(ctx, nil, err)
	}
	result, err := fn(ctx, &params)
	if err != nil {
		return reply(ctx, nil, err)
	}
	if stale(ctx) {
		// What it found is about a text the editor no longer has.
		return reply(ctx, nil, context.Cause(ctx))
	}
	return reply(ctx, result, nil)
}

// notification adapts a typed handler to a notification. Its error goes to reply
// too: nothing is sent for a notification, but guard logs it.
func notification[P any](ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request, fn func(context.Context, *P) error) error {
	var params P
	if err := decodeParams(req, &params); err != nil {
		return reply(ctx, nil, err)
	}
	return reply(ctx, nil, fn(ctx, &params))
}

// decodeParams decodes a message's params into p. Absent params leave p zero;
// a handler that needs them validates its fields. Unknown fields are fine: clients
// send newer protocol versions than protocol v0.12.0 describes.
func decodeParams(req jsonrpc2.Request, p any) error {
	raw := req.Params()
	if len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, p); err != nil {
		return invalidParams(req.Method(), err)
	}
	return nil
}
