package server

import (
	"context"
	"testing"

	"go.lsp.dev/protocol"
)

func TestPublishDiagnostics(t *testing.T) {
	h := newHarness(t)
	h.initialize(`{}`)
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		version int32
		diags   []protocol.Diagnostic
		want    string
	}{
		{"nil is an empty array", 3, nil, `{"uri":"file:///a.md","version":3,"diagnostics":[]}`},
		{"version 0 is kept", 0, []protocol.Diagnostic{}, `{"uri":"file:///a.md","version":0,"diagnostics":[]}`},
		{"no version for a closed file", NoVersion, nil, `{"uri":"file:///a.md","diagnostics":[]}`},
		{"a diagnostic", 1, []protocol.Diagnostic{{
			Range:    protocol.Range{Start: pos(0, 2), End: pos(0, 9)},
			Severity: protocol.DiagnosticSeverityWarning,
			Source:   "rhizome",
			Message:  "broken link",
		}}, `{"uri":"file:///a.md","version":1,"diagnostics":[{"range":{"start":{"line":0,"character":2},"end":{"line":0,"character":9}},"severity":2,"source":"rhizome","message":"broken link"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := h.srv.publish(ctx, "file:///a.md", tc.version, tc.diags); err != nil {
				t.Fatal(err)
			}
			if m := h.nextFromServer(protocol.MethodTextDocumentPublishDiagnostics); string(m.params) != tc.want {
				t.Errorf("params %s\nwant   %s", m.params, tc.want)
			}
		})
	}
}
