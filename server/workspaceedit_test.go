package server

import (
	"context"
	"encoding/json"
	"testing"

	"go.lsp.dev/protocol"
)

func TestWorkspaceEditWithResourceOperations(t *testing.T) {
	h := newHarness(t)
	h.initialize(`{"workspace":{"applyEdit":true,"workspaceEdit":{"documentChanges":true,"resourceOperations":["create","rename","delete"]}}}`)
	v := int32(4)
	edit := &WorkspaceEdit{DocumentChanges: []DocumentChange{
		NewRenameFile("file:///old.md", "file:///new.md", nil),
		TextDocumentEdit{protocol.TextDocumentEdit{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{
				TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: "file:///b.md"}, Version: &v,
			},
			Edits: []protocol.TextEdit{{Range: protocol.Range{Start: pos(0, 1), End: pos(0, 4)}, NewText: "new"}},
		}},
		NewCreateFile("file:///c.md", &protocol.CreateFileOptions{IgnoreIfExists: true}),
		NewDeleteFile("file:///d.md", nil),
	}}
	applied, err := h.srv.ApplyEdit(context.Background(), "rename note", edit)
	if err != nil || !applied {
		t.Fatalf("ApplyEdit = %v, %v", applied, err)
	}
	m := h.nextFromServer(protocol.MethodWorkspaceApplyEdit)
	const want = `{"label":"rename note","edit":{"documentChanges":[` +
		`{"kind":"rename","oldUri":"file:///old.md","newUri":"file:///new.md"},` +
		`{"textDocument":{"uri":"file:///b.md","version":4},"edits":[{"range":{"start":{"line":0,"character":1},"end":{"line":0,"character":4}},"newText":"new"}]},` +
		`{"kind":"create","uri":"file:///c.md","options":{"ignoreIfExists":true}},` +
		`{"kind":"delete","uri":"file:///d.md"}]}}`
	if string(m.params) != want {
		t.Errorf("params %s\nwant   %s", m.params, want)
	}
}

func TestServerCapabilitiesMarshal(t *testing.T) {
	caps := ServerCapabilities{
		ServerCapabilities: protocol.ServerCapabilities{
			HoverProvider: true,
			SemanticTokensProvider: &SemanticTokensOptions{
				Legend: SemanticTokensLegend{TokenTypes: []string{"tag"}, TokenModifiers: []string{}},
				Full:   map[string]bool{"delta": false},
			},
		},
		PositionEncoding:   UTF8,
		DiagnosticProvider: &DiagnosticOptions{Identifier: "rhizome", InterFileDependencies: true},
		InlayHintProvider:  true,
	}
	b, err := json.Marshal(caps)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"hoverProvider":true,"semanticTokensProvider":{"legend":{"tokenTypes":["tag"],"tokenModifiers":[]},"full":{"delta":false}},` +
		`"positionEncoding":"utf-8","diagnosticProvider":{"identifier":"rhizome","interFileDependencies":true,"workspaceDiagnostics":false},"inlayHintProvider":true}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
