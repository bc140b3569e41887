package server

import (
	"context"
	"errors"

	"go.lsp.dev/jsonrpc2"
)

// LSP error codes that go.lsp.dev/protocol v0.12.0 lacks (3.17).
const (
	// CodeRequestFailed: the method and params were fine but the request failed;
	// the message is shown to the user.
	CodeRequestFailed jsonrpc2.Code = -32803
	// CodeServerCancelled: the server cancelled the request itself.
	CodeServerCancelled jsonrpc2.Code = -32802
	// CodeContentModified: the document changed under the request.
	CodeContentModified jsonrpc2.Code = -32801
	// CodeRequestCancelled: the client cancelled the request.
	CodeRequestCancelled jsonrpc2.Code = -32800
)

// ErrExitWithoutShutdown is returned by Run when the client sent exit before
// shutdown; the specification asks for exit code 1 then.
var ErrExitWithoutShutdown = errors.New("exit without shutdown")

// rpcError turns any handler error into the *jsonrpc2.Error that goes on the wire.
// jsonrpc2 sends a plain Go error with "code": 0, and for a wrapped *Error it
// keeps only the inner message; here the code comes from the innermost
// *jsonrpc2.Error and the message is the whole chain. ctx is the request's: a
// context error after cancellation is RequestCancelled (ContentModified when the
// document changed), anything else uncoded is RequestFailed.
func rpcError(ctx context.Context, err error) *jsonrpc2.Error {
	if err == nil {
		return nil
	}
	var e *jsonrpc2.Error
	switch {
	case errors.As(err, &e):
		if e == err {
			return e
		}
		return &jsonrpc2.Error{Code: e.Code, Message: err.Error(), Data: e.Data}
	case stale(ctx):
		return jsonrpc2.Errorf(CodeContentModified, "request cancelled: %v", errContentModified)
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return jsonrpc2.Errorf(CodeRequestCancelled, "request cancelled: %v", err)
	default:
		return jsonrpc2.Errorf(CodeRequestFailed, "%v", err)
	}
}

// invalidParams is the -32602 error for params that do not decode or validate.
func invalidParams(method string, err error) *jsonrpc2.Error {
	return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "invalid params for %s: %v", method, err)
}
