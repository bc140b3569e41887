package server

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

func TestProgress(t *testing.T) {
	h := newHarness(t)
	h.initialize(`{"window":{"workDoneProgress":true}}`)
	ctx := context.Background()

	p := h.srv.StartProgress(ctx, "Indexing", "0/3 notes", true)
	create := h.nextFromServer(protocol.MethodWorkDoneProgressCreate)
	if !create.call {
		t.Error("window/workDoneProgress/create must be a request")
	}
	var token struct{ Token string }
	if err := json.Unmarshal(create.params, &token); err != nil || token.Token == "" {
		t.Fatalf("create params %s", create.params)
	}

	wantProgress(t, h, token.Token, `{"kind":"begin","title":"Indexing","message":"0/3 notes","percentage":0}`)
	p.Report(ctx, "2/3 notes", 66)
	wantProgress(t, h, token.Token, `{"kind":"report","message":"2/3 notes","percentage":66}`)
	p.Report(ctx, "going back", 10) // never backwards
	wantProgress(t, h, token.Token, `{"kind":"report","message":"going back","percentage":66}`)
	p.Report(ctx, "", 250) // clamped
	wantProgress(t, h, token.Token, `{"kind":"report","percentage":100}`)
	p.End(ctx, "3 notes")
	wantProgress(t, h, token.Token, `{"kind":"end","message":"3 notes"}`)
	p.End(ctx, "again")
	p.Report(ctx, "after end", 100)

	// An indeterminate one carries no percentage.
	q := h.srv.StartProgress(ctx, "Scanning", "", false)
	h.nextFromServer(protocol.MethodWorkDoneProgressCreate)
	wantProgressValue(t, h.nextFromServer(protocol.MethodProgress), `{"kind":"begin","title":"Scanning"}`)
	q.Report(ctx, "a.md", 50)
	wantProgressValue(t, h.nextFromServer(protocol.MethodProgress), `{"kind":"report","message":"a.md"}`)
	q.End(ctx, "")
	wantProgressValue(t, h.nextFromServer(protocol.MethodProgress), `{"kind":"end"}`)
	h.echoNothing(t) // in particular, nothing after the first End of p
}

func wantProgress(t *testing.T, h *harness, token, value string) {
	t.Helper()
	m := h.nextFromServer(protocol.MethodProgress)
	var p struct {
		Token string
		Value json.RawMessage
	}
	if err := json.Unmarshal(m.params, &p); err != nil || p.Token != token {
		t.Fatalf("$/progress %s, want token %q", m.params, token)
	}
	wantProgressValue(t, m, value)
}

func wantProgressValue(t *testing.T, m clientMsg, value string) {
	t.Helper()
	var p struct{ Value json.RawMessage }
	if err := json.Unmarshal(m.params, &p); err != nil || string(p.Value) != value {
		t.Fatalf("$/progress value %s, want %s", p.Value, value)
	}
}

func TestProgressUnsupported(t *testing.T) {
	h := newHarness(t)
	h.initialize(`{}`)
	ctx := context.Background()
	p := h.srv.StartProgress(ctx, "Indexing", "", true)
	p.Report(ctx, "x", 50)
	p.End(ctx, "done")
	select {
	case <-p.Flushed():
	default:
		t.Error("a progress the client does not support is not flushed at once")
	}
	h.echoNothing(t)
}

// echoNothing asserts the server sent the client nothing.
func (h *harness) echoNothing(t *testing.T) {
	t.Helper()
	_, _ = h.call("rhizome/test/unknown", nil) // a round trip, so anything sent before has arrived
	select {
	case m := <-h.fromServer:
		t.Errorf("unexpected %s %s", m.method, m.params)
	default:
	}
}

// A progress never makes its caller wait for the client, which answers the
// token's creation and reads the reports when it gets to them (an editor
// busy taking a vault's diagnostics): the reports made meanwhile give way
// to the last, and the end still comes last. Flushed tells when the end is
// out.
func TestProgressDoesNotWaitForTheClient(t *testing.T) {
	h := newHarnessReading(t, 0) // the client reads nothing the test has not taken
	h.initialize(`{"window":{"workDoneProgress":true}}`)
	ctx := context.Background()
	const reports = 1000
	done := make(chan struct{})
	var p *Progress
	go func() {
		defer close(done)
		p = h.srv.StartProgress(ctx, "Indexing", "", true)
		for i := range reports {
			p.Report(ctx, fmt.Sprint(i), uint32(i/10))
		}
		p.End(ctx, "done")
	}()
	select {
	case <-done:
	case <-time.After(timeout):
		t.Fatal("the progress waited for a client that does not read")
	}
	flushed := p.Flushed()
	select {
	case <-flushed:
		t.Error("flushed before the client took the token's creation")
	default:
	}
	h.nextFromServer(protocol.MethodWorkDoneProgressCreate)
	wantProgressValue(t, h.nextFromServer(protocol.MethodProgress), `{"kind":"begin","title":"Indexing","percentage":0}`)
	got := 0
	for {
		m := h.nextFromServer(protocol.MethodProgress)
		var p struct{ Value progressValue }
		if err := json.Unmarshal(m.params, &p); err != nil {
			t.Fatal(err)
		}
		if p.Value.Kind == protocol.WorkDoneProgressKindEnd {
			if p.Value.Message != "done" {
				t.Errorf("end %+v", p.Value)
			}
			break
		}
		got++
	}
	if got >= reports {
		t.Errorf("all %d reports were written to a client that was not reading; want the last in place of those waiting", got)
	}
	select {
	case <-flushed:
	case <-time.After(timeout):
		t.Error("the end is out but Flushed is not closed")
	}
	h.echoNothing(t)
}
