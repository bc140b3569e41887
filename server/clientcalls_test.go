package server

import (
	"context"
	"testing"

	"go.lsp.dev/protocol"
)

func TestShowDocument(t *testing.T) {
	h := newHarness(t)
	h.initialize(`{"window":{"showDocument":{"support":true}}}`)
	ok, err := h.srv.ShowDocument(context.Background(), &protocol.ShowDocumentParams{URI: "file:///a.md", TakeFocus: true})
	if err != nil || !ok {
		t.Fatalf("ShowDocument = %v, %v", ok, err)
	}
	if m := h.nextFromServer(protocol.MethodShowDocument); string(m.params) != `{"uri":"file:///a.md","takeFocus":true}` {
		t.Errorf("params %s", m.params)
	}
}

func TestRefresh(t *testing.T) {
	h := newHarness(t)
	h.initialize(`{"workspace":{"codeLens":{"refreshSupport":true},"inlayHint":{"refreshSupport":true}}}`)
	ctx := context.Background()
	for kind, method := range map[string]string{"codeLens": protocol.MethodCodeLensRefresh, "inlayHint": methodInlayHintRefresh} {
		if err := h.srv.Refresh(ctx, kind); err != nil {
			t.Fatalf("Refresh(%s): %v", kind, err)
		}
		if m := h.nextFromServer(method); !m.call {
			t.Errorf("%s must be a request", method)
		}
	}
	// Not announced by the client: nothing is sent.
	if err := h.srv.Refresh(ctx, "semanticTokens"); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Refresh(ctx, "bogus"); err == nil {
		t.Error("Refresh of an unknown kind succeeded")
	}
	h.echoNothing(t)
}
