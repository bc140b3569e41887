package server

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// errContentModified is why a request was cancelled when its document
// changed: its answer would be about a text the editor no longer has.
var errContentModified = errors.New("the document changed")

// inflight maps the ids of requests being handled to their cancel funcs and
// the document each is about.
type inflight struct {
	mu   sync.Mutex
	byID map[jsonrpc2.ID]*running
}

// running is a request being handled.
type running struct {
	cancel context.CancelCauseFunc
	doc    protocol.DocumentURI // "" until started, or when about no document
}

// track gives a request its own cancellable context and a reply that forgets it.
func (f *inflight) track(ctx context.Context, id jsonrpc2.ID, reply jsonrpc2.Replier) (context.Context, jsonrpc2.Replier) {
	ctx, cancel := context.WithCancelCause(ctx)
	f.mu.Lock()
	f.byID[id] = &running{cancel: cancel}
	f.mu.Unlock()
	return ctx, func(rctx context.Context, result any, err error) error {
		// Reply before cancelling, so work that is still replying is not cut short.
		werr := reply(rctx, result, err)
		f.mu.Lock()
		delete(f.byID, id)
		f.mu.Unlock()
		cancel(nil)
		return werr
	}
}

// cancel cancels the request with id, for the client's $/cancelRequest.
func (f *inflight) cancel(id jsonrpc2.ID) bool {
	f.mu.Lock()
	r, ok := f.byID[id]
	f.mu.Unlock()
	if ok {
		r.cancel(context.Canceled)
	}
	return ok
}

// starting notes which document a request is about, before the messages
// after it start (ordered): so a change of that document sent after the
// request finds it.
func (f *inflight) starting(req jsonrpc2.Request) {
	call, ok := req.(*jsonrpc2.Call)
	if !ok || !staleWhenChanged(req.Method()) {
		return
	}
	var p struct {
		TextDocument struct {
			URI protocol.DocumentURI `json:"uri"`
		} `json:"textDocument"`
	}
	if json.Unmarshal(req.Params(), &p) != nil || p.TextDocument.URI == "" {
		return
	}
	f.mu.Lock()
	if r, ok := f.byID[call.ID()]; ok {
		r.doc = p.TextDocument.URI
	}
	f.mu.Unlock()
}

// changed cancels the requests about doc still at work, as the document
// changes (or closes) under them; they answer ContentModified. A "[[^^"
// search reads the whole vault for up to half a second, holding the index's
// read lock: the change waited for it, and every request after the change.
// Editors that drop a request on the next keystroke without cancelling it
// (eglot, Neovim's omnifunc) left it running.
func (f *inflight) changed(doc protocol.DocumentURI) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.byID {
		if r.doc == doc {
			r.cancel(errContentModified)
		}
	}
}

// staleWhenChanged reports whether a request is about a document (the only
// ones whose params starting reads) and is cut short when it changes. A pull
// of diagnostics is not: VS Code takes an error there for a document without
// diagnostics until it pulls again, and the pull is quick.
func staleWhenChanged(method string) bool {
	return strings.HasPrefix(method, "textDocument/") && method != methodDiagnostic
}

// stale reports whether ctx, a request's, was cancelled because its
// document changed.
func stale(ctx context.Context) bool {
	return ctx.Err() != nil && errors.Is(context.Cause(ctx), errContentModified)
}
