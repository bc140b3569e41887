package server

import (
	"context"
	"encoding/json"
	"math"
	"runtime/debug"
	"sync/atomic"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// handler builds the chain the read loop calls for every incoming request:
//
//	read loop → front (cancel, per-request context) → ordered (one goroutine per
//	message) → guard (recover, error codes) → jsonrpc2.ReplyHandler → dispatch
//
// protocol.ServerHandler is not used: it routes unknown methods to Server.Request,
// ignores its fallback, and answers undecodable params -32700 instead of -32602.
// jsonrpc2.AsyncHandler is not used: its next message starts only when the
// previous one has replied, so one slow request would stall every later message.
// jsonrpc2.CancelHandler is not used: it never cancels the context of a request
// that finished, so every request ever served stays registered as a child of the
// connection context until exit (a slow leak); and protocol.CancelHandler, which
// feeds it, drops numeric ids (it type-asserts int32 on what JSON made float64).
func (s *Server) handler() jsonrpc2.Handler {
	queue := ordered(s.guard(jsonrpc2.ReplyHandler(s.dispatch)), s.inflight.starting)
	return func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		// This runs on the read loop: nothing here may block.
		switch req := req.(type) {
		case *jsonrpc2.Notification:
			if req.Method() == protocol.MethodCancelRequest {
				// Handled here, not in the queue, so it overtakes the request it cancels.
				s.cancelRequest(req.Params())
				return nil
			}
		case *jsonrpc2.Call:
			ctx, reply = s.inflight.track(ctx, req.ID(), reply)
		}
		return queue(ctx, reply, req)
	}
}

// cancelRequest handles $/cancelRequest. protocol.CancelParams decodes the id as
// interface{}, which a JSON number makes float64, so the id is decoded here into
// the jsonrpc2.ID the request was registered under.
func (s *Server) cancelRequest(params json.RawMessage) {
	id, ok := parseCancelID(params)
	if !ok {
		s.log.Warn("$/cancelRequest with an unusable id", zap.ByteString("params", truncate(params, 200)))
		return
	}
	found := s.inflight.cancel(id)
	s.log.Debug("$/cancelRequest", zap.String("id", idString(id)), zap.Bool("found", found))
}

func parseCancelID(params json.RawMessage) (jsonrpc2.ID, bool) {
	var p struct {
		ID any `json:"id"`
	}
	if err := json.Unmarshal(params, &p); err != nil {
		return jsonrpc2.ID{}, false
	}
	switch id := p.ID.(type) {
	case float64:
		if id != math.Trunc(id) || id < math.MinInt32 || id > math.MaxInt32 {
			return jsonrpc2.ID{}, false // jsonrpc2 cannot have issued such an id
		}
		return jsonrpc2.NewNumberID(int32(id)), true
	case string:
		return jsonrpc2.NewStringID(id), true
	}
	return jsonrpc2.ID{}, false
}

func idString(id jsonrpc2.ID) string {
	b, _ := (&id).MarshalJSON()
	return string(b)
}

// ordered starts every message in its own goroutine, in arrival order, and
// returns at once so the read loop never blocks. A barrier message (every
// notification, initialize, shutdown) runs to completion before the next message
// starts: document changes apply in order, and a request sees every change sent
// before it. Other requests only wait for their turn to start (and for start,
// which must be quick), then run concurrently: a change sent after a request
// finds it started. Like jsonrpc2.AsyncHandler it relies on the read loop
// calling it from one goroutine, so prev needs no lock.
func ordered(h jsonrpc2.Handler, start func(jsonrpc2.Request)) jsonrpc2.Handler {
	prev := make(chan struct{})
	close(prev)
	return func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		wait, done := prev, make(chan struct{})
		prev = done
		go func() {
			<-wait
			if isBarrier(req) {
				defer close(done)
			} else {
				start(req)
				close(done)
			}
			_ = h(ctx, reply, req)
		}()
		return nil
	}
}

func isBarrier(req jsonrpc2.Request) bool {
	if _, ok := req.(*jsonrpc2.Notification); ok {
		return true
	}
	switch req.Method() {
	case protocol.MethodInitialize, protocol.MethodShutdown:
		return true
	}
	return false
}

// guard makes every error a coded *jsonrpc2.Error, logs the errors of
// notifications (which have nobody to reply to), and turns a panic, including
// ReplyHandler's for a handler that never replied, into a -32603 reply so the
// server keeps serving.
func (s *Server) guard(h jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) (err error) {
		_, isCall := req.(*jsonrpc2.Call)
		var replied atomic.Bool
		wrapped := func(rctx context.Context, result any, rerr error) error {
			replied.Store(true)
			if rerr != nil {
				e := rpcError(ctx, rerr)
				if isCall {
					s.log.Debug("request failed", zap.String("method", req.Method()),
						zap.Int64("code", int64(e.Code)), zap.String("error", e.Message))
				} else {
					s.log.Warn("notification failed", zap.String("method", req.Method()), zap.String("error", e.Message))
				}
				result, rerr = nil, e
			}
			if werr := reply(rctx, result, rerr); werr != nil {
				s.log.Warn("reply not sent", zap.String("method", req.Method()), zap.Error(werr))
				return werr
			}
			return nil
		}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			s.log.Error("panic while handling a message", zap.String("method", req.Method()),
				zap.Any("panic", p), zap.ByteString("stack", debug.Stack()))
			if isCall && !replied.Load() {
				_ = reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", req.Method(), p))
			}
			err = nil
		}()
		return h(ctx, wrapped, req)
	}
}
