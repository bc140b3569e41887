package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// timeout bounds every wait in these tests, so a bug hangs nothing.
const timeout = 5 * time.Second

// harness is an in-process client talking to a Server over net.Pipe through the
// real jsonrpc2 stack on both ends.
type harness struct {
	t      testing.TB
	srv    *Server
	client jsonrpc2.Conn
	done   chan error // Run's result
	engine *recEngine
	// fromServer receives every notification and request the server sends.
	fromServer chan clientMsg
	logs       *syncBuffer
	// holds are the server's requests, by method, that the client answers
	// only once the channel is closed; set before initialize.
	holds map[string]chan struct{}
}

type clientMsg struct {
	method string
	params json.RawMessage
	call   bool
}

type harnessOption func(*Options)

// withMethod adds a test-only method to the dispatch switch.
func withMethod(name string, h jsonrpc2.Handler) harnessOption {
	return func(o *Options) {
		if o.testMethods == nil {
			o.testMethods = map[string]jsonrpc2.Handler{}
		}
		o.testMethods[name] = h
	}
}

func newHarness(t testing.TB, opts ...harnessOption) *harness {
	t.Helper()
	return newHarnessReading(t, 10000, opts...)
}

// newHarnessReading is newHarness for a client that holds at most held
// messages the test has not taken (nextFromServer): past those it stops
// reading, and the server's writes wait, as they do for a slow editor.
func newHarnessReading(t testing.TB, held int, opts ...harnessOption) *harness {
	t.Helper()
	logs := &syncBuffer{}
	h := &harness{
		t:          t,
		done:       make(chan error, 1),
		engine:     &recEngine{events: make(chan engineEvent, 100)},
		fromServer: make(chan clientMsg, held),
		logs:       logs,
	}
	o := Options{
		Logger:    zap.New(newTestCore(logs)),
		Version:   "test",
		NewEngine: func(*Server) Engine { return h.engine },
	}
	for _, opt := range opts {
		opt(&o)
	}
	serverEnd, clientEnd := net.Pipe()
	h.srv = newServer(o)
	go func() { h.done <- h.srv.serve(context.Background(), serverEnd, serverEnd) }()

	h.client = jsonrpc2.NewConn(jsonrpc2.NewStream(clientEnd))
	h.client.Go(context.Background(), h.handleServerMessage)
	t.Cleanup(func() {
		_ = h.client.Close()
		select {
		case <-h.done:
		case <-time.After(timeout):
			t.Error("Run did not return after the client closed the connection")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return h
}

// handleServerMessage is the client's side: it records what the server sends and
// answers its requests as a cooperative editor would.
func (h *harness) handleServerMessage(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	_, isCall := req.(*jsonrpc2.Call)
	h.fromServer <- clientMsg{method: req.Method(), params: json.RawMessage(req.Params()), call: isCall}
	switch req.Method() {
	case protocol.MethodShowDocument:
		return reply(ctx, map[string]bool{"success": true}, nil)
	case protocol.MethodWorkspaceApplyEdit:
		return reply(ctx, map[string]bool{"applied": true}, nil)
	}
	if hold, ok := h.holds[req.Method()]; ok {
		// Answered later, as a busy editor does; the client reads on.
		go func() {
			<-hold
			_ = reply(ctx, nil, nil)
		}()
		return nil
	}
	return reply(ctx, nil, nil)
}

// call sends a request and returns the raw result.
func (h *harness) call(method string, params any) (json.RawMessage, error) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var result json.RawMessage
	_, err := h.client.Call(ctx, method, params, &result)
	return result, err
}

// notify sends a notification.
func (h *harness) notify(method string, params any) {
	h.t.Helper()
	if err := h.client.Notify(context.Background(), method, params); err != nil {
		h.t.Fatalf("notify %s: %v", method, err)
	}
}

// initialize runs initialize + initialized with the given capabilities JSON and
// returns the initialize result.
func (h *harness) initialize(capabilities string) map[string]any {
	h.t.Helper()
	raw, err := h.call(protocol.MethodInitialize, json.RawMessage(`{"processId":null,"rootUri":"file:///vault","capabilities":`+capabilities+`}`))
	if err != nil {
		h.t.Fatalf("initialize: %v", err)
	}
	h.notify(protocol.MethodInitialized, struct{}{})
	var result map[string]any
	if err := json.Unmarshal(raw, &result); err != nil {
		h.t.Fatalf("initialize result %s: %v", raw, err)
	}
	return result
}

// wantCode asserts that err is a JSON-RPC error with the given code.
func wantCode(t *testing.T, err error, code jsonrpc2.Code) *jsonrpc2.Error {
	t.Helper()
	var e *jsonrpc2.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want JSON-RPC error %d", err, err, code)
	}
	if e.Code != code {
		t.Fatalf("got code %d (%q), want %d", e.Code, e.Message, code)
	}
	return e
}

// waitRun waits for Run to return.
func (h *harness) waitRun() error {
	h.t.Helper()
	select {
	case err := <-h.done:
		h.done <- err // for the cleanup
		return err
	case <-time.After(timeout):
		h.t.Fatal("Run did not return")
		return nil
	}
}

// nextFromServer returns the next message the server sent with the given method.
func (h *harness) nextFromServer(method string) clientMsg {
	h.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case m := <-h.fromServer:
			if m.method == method {
				return m
			}
		case <-deadline:
			h.t.Fatalf("no %s from the server", method)
		}
	}
}

// nextApplyEdit returns the next workspace/applyEdit the server sent: its
// label and document changes, and its params as sent.
func (h *harness) nextApplyEdit() (string, []protocol.TextDocumentEdit, json.RawMessage) {
	h.t.Helper()
	m := h.nextFromServer(protocol.MethodWorkspaceApplyEdit)
	var params struct {
		Label string `json:"label"`
		Edit  struct {
			DocumentChanges []protocol.TextDocumentEdit `json:"documentChanges"`
		} `json:"edit"`
	}
	if err := json.Unmarshal(m.params, &params); err != nil {
		h.t.Fatal(err)
	}
	return params.Label, params.Edit.DocumentChanges, m.params
}

type engineEvent struct {
	kind    string
	uri     protocol.DocumentURI
	text    string
	version int32
}

// recEngine records document events, and panics on DidOpen of a URI that says so.
type recEngine struct{ events chan engineEvent }

func (e *recEngine) Initialized(context.Context) {}

func (e *recEngine) DidOpen(_ context.Context, uri protocol.DocumentURI, text string, version int32) {
	if uri == "file:///panic.md" {
		panic("engine exploded")
	}
	e.events <- engineEvent{"open", uri, text, version}
}

func (e *recEngine) DidChange(_ context.Context, uri protocol.DocumentURI, text string, version int32) {
	e.events <- engineEvent{"change", uri, text, version}
}

func (e *recEngine) DidClose(_ context.Context, uri protocol.DocumentURI) {
	e.events <- engineEvent{kind: "close", uri: uri}
}

func (e *recEngine) DidSave(_ context.Context, uri protocol.DocumentURI) {
	e.events <- engineEvent{kind: "save", uri: uri}
}

func (h *harness) nextEvent() engineEvent {
	h.t.Helper()
	select {
	case ev := <-h.engine.events:
		return ev
	case <-time.After(timeout):
		h.t.Fatal("no engine event")
		return engineEvent{}
	}
}

// noEvent asserts that no engine event is pending once the server has answered
// a request sent after the notifications in question (the queue orders them).
func (h *harness) noEvent() {
	h.t.Helper()
	_, _ = h.call("rhizome/test/unknown", nil)
	select {
	case ev := <-h.engine.events:
		h.t.Fatalf("unexpected engine event %+v", ev)
	default:
	}
}

// newTestCore logs everything to w, to be shown when a test fails. (zaptest
// would fail tests that log after they end, which handler goroutines may.)
func newTestCore(w io.Writer) zapcore.Core {
	return zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(w), zapcore.DebugLevel)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
