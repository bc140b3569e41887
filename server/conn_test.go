package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// Test-only methods, added to the dispatch switch through Options.testMethods.
func testMethods() []harnessOption {
	return []harnessOption{
		withMethod("test/echo", func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
			return request(ctx, reply, req, func(_ context.Context, p *struct {
				Say string `json:"say"`
			}) (string, error) {
				return p.Say, nil
			})
		}),
		withMethod("test/panic", func(context.Context, jsonrpc2.Replier, jsonrpc2.Request) error {
			panic("boom: handler exploded")
		}),
		withMethod("test/noreply", func(context.Context, jsonrpc2.Replier, jsonrpc2.Request) error {
			return nil
		}),
		withMethod("test/twice", func(ctx context.Context, reply jsonrpc2.Replier, _ jsonrpc2.Request) error {
			_ = reply(ctx, "first", nil)
			return reply(ctx, "second", nil)
		}),
		withMethod("test/plainerror", func(ctx context.Context, reply jsonrpc2.Replier, _ jsonrpc2.Request) error {
			return reply(ctx, nil, errors.New("note not found"))
		}),
		withMethod("test/wrappederror", func(ctx context.Context, reply jsonrpc2.Replier, _ jsonrpc2.Request) error {
			return reply(ctx, nil, fmt.Errorf("hover on x.md: %w", jsonrpc2.Errorf(jsonrpc2.InvalidParams, "position out of range")))
		}),
	}
}

func (h *harness) echo(t *testing.T) {
	t.Helper()
	raw, err := h.call("test/echo", map[string]string{"say": "still here"})
	if err != nil || string(raw) != `"still here"` {
		t.Fatalf("echo = %s, %v: the server stopped serving", raw, err)
	}
}

func TestUnknownMethod(t *testing.T) {
	h := newHarness(t, testMethods()...)
	h.initialize(`{}`)
	for _, method := range []string{"textDocument/noSuchThing", "$/noSuchThing", "rhizome/unknown"} {
		_, err := h.call(method, map[string]any{"x": 1})
		wantCode(t, err, jsonrpc2.MethodNotFound)
	}
	h.notify("$/unknownNotification", map[string]any{})
	h.notify("custom/unknownNotification", nil)
	h.echo(t)
}

func TestMalformedParams(t *testing.T) {
	h := newHarness(t, testMethods()...)
	h.initialize(`{}`)
	for _, params := range []string{`{"say": 5}`, `[1]`, `"x"`} {
		_, err := h.call("test/echo", json.RawMessage(params))
		wantCode(t, err, jsonrpc2.InvalidParams)
	}
	// Bad params on a notification are logged and dropped.
	h.notify(protocol.MethodTextDocumentDidOpen, map[string]any{"textDocument": "nope"})
	h.notify(protocol.MethodTextDocumentDidChange, map[string]any{"textDocument": map[string]any{"uri": "file:///a.md"}, "contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]any{"line": -1}}}}})
	h.echo(t)
}

func TestPanicIsInternalError(t *testing.T) {
	h := newHarness(t, testMethods()...)
	h.initialize(`{}`)
	for i := 0; i < 3; i++ {
		_, err := h.call("test/panic", nil)
		e := wantCode(t, err, jsonrpc2.InternalError)
		if !strings.Contains(e.Message, "boom: handler exploded") {
			t.Errorf("message %q lacks the panic value", e.Message)
		}
		h.echo(t)
	}
	if log := h.logs.String(); !strings.Contains(log, "panic while handling") || !strings.Contains(log, "goroutine") {
		t.Errorf("the panic was not logged with a stack:\n%s", log)
	}
	// A panicking engine (inside a notification) does not stop the server either.
	h.notify(protocol.MethodTextDocumentDidOpen, openParams("file:///panic.md", "x"))
	h.echo(t)
}

func TestHandlerReplyMistakes(t *testing.T) {
	h := newHarness(t, testMethods()...)
	h.initialize(`{}`)
	_, err := h.call("test/noreply", nil)
	wantCode(t, err, jsonrpc2.InternalError)
	raw, err := h.call("test/twice", nil)
	if err != nil || string(raw) != `"first"` {
		t.Errorf("twice = %s, %v; want the first reply only", raw, err)
	}
	h.echo(t)
}

func TestErrorsAreCoded(t *testing.T) {
	h := newHarness(t, testMethods()...)
	h.initialize(`{}`)
	_, err := h.call("test/plainerror", nil)
	if e := wantCode(t, err, CodeRequestFailed); e.Message != "note not found" {
		t.Errorf("message = %q", e.Message)
	}
	_, err = h.call("test/wrappederror", nil)
	if e := wantCode(t, err, jsonrpc2.InvalidParams); e.Message != "hover on x.md: position out of range" {
		t.Errorf("message = %q, want the whole chain", e.Message)
	}
}

// blockingMethods adds test/block, which reports its id and waits for
// cancellation, and returns the channel the ids arrive on.
func blockingMethod() (harnessOption, chan jsonrpc2.ID) { return blockingMethodNamed("test/block") }

// blockingMethodNamed is blockingMethod under another name.
func blockingMethodNamed(name string) (harnessOption, chan jsonrpc2.ID) {
	ids := make(chan jsonrpc2.ID, 10)
	return withMethod(name, func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		ids <- req.(*jsonrpc2.Call).ID()
		select {
		case <-ctx.Done():
			return reply(ctx, nil, ctx.Err())
		case <-time.After(timeout):
			return reply(ctx, "not cancelled", nil)
		}
	}), ids
}

func TestCancelNumericID(t *testing.T) {
	block, ids := blockingMethod()
	h := newHarness(t, append(testMethods(), block)...)
	h.initialize(`{}`)
	errc := make(chan error, 1)
	go func() {
		_, err := h.call("test/block", nil)
		errc <- err
	}()
	id := <-ids
	// JSON numbers decode as float64: the case jsonrpc2.CancelHandler misses.
	h.notify(protocol.MethodCancelRequest, json.RawMessage(`{"id":`+idString(id)+`}`))
	select {
	case err := <-errc:
		wantCode(t, err, CodeRequestCancelled)
	case <-time.After(timeout):
		t.Fatal("the request was not cancelled")
	}
	h.echo(t)
}

// A slow request does not hold up the requests and notifications after it.
func TestSlowRequestDoesNotBlock(t *testing.T) {
	block, ids := blockingMethod()
	h := newHarness(t, append(testMethods(), block)...)
	h.initialize(`{}`)
	errc := make(chan error, 1)
	go func() {
		_, err := h.call("test/block", nil)
		errc <- err
	}()
	id := <-ids
	h.notify(protocol.MethodTextDocumentDidOpen, openParams("file:///a.md", "a"))
	if ev := h.nextEvent(); ev.kind != "open" {
		t.Fatalf("event %+v", ev)
	}
	h.echo(t)
	h.notify(protocol.MethodCancelRequest, map[string]any{"id": idString(id)}) // a string id matches nothing
	h.echo(t)
	h.notify(protocol.MethodCancelRequest, json.RawMessage(`{"id":`+idString(id)+`}`))
	wantCode(t, <-errc, CodeRequestCancelled)
}

func TestParseCancelID(t *testing.T) {
	for _, tc := range []struct {
		params string
		want   jsonrpc2.ID
		ok     bool
	}{
		{`{"id": 7}`, jsonrpc2.NewNumberID(7), true},
		{`{"id": 7.0}`, jsonrpc2.NewNumberID(7), true},
		{`{"id": -3}`, jsonrpc2.NewNumberID(-3), true},
		{`{"id": "abc"}`, jsonrpc2.NewStringID("abc"), true},
		{`{"id": 1.5}`, jsonrpc2.ID{}, false},
		{`{"id": 1e12}`, jsonrpc2.ID{}, false},
		{`{"id": null}`, jsonrpc2.ID{}, false},
		{`{}`, jsonrpc2.ID{}, false},
		{`[`, jsonrpc2.ID{}, false},
	} {
		got, ok := parseCancelID(json.RawMessage(tc.params))
		if ok != tc.ok || got != tc.want {
			t.Errorf("parseCancelID(%s) = %v, %v; want %v, %v", tc.params, got, ok, tc.want, tc.ok)
		}
	}
}
