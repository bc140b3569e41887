package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// TestStreamWritesWhatJSONRPC2Writes: every message our stream frames decodes
// to the same JSON as jsonrpc2's own encoding of it, frame after frame through
// one reused buffer (a large message first, so a later short one would show
// any leftover bytes).
func TestStreamWritesWhatJSONRPC2Writes(t *testing.T) {
	items := make([]protocol.CompletionItem, 300)
	for i := range items {
		items[i] = protocol.CompletionItem{Label: strings.Repeat("é<&>", i%7) + "note", Detail: "a/b.md",
			TextEdit: &protocol.TextEdit{NewText: "x\n\"y\"", Range: protocol.Range{End: protocol.Position{Line: 3, Character: uint32(i)}}}}
	}
	mustResponse := func(id jsonrpc2.ID, result any, err error) jsonrpc2.Message {
		r, e := jsonrpc2.NewResponse(id, result, err)
		if e != nil {
			t.Fatal(e)
		}
		return r
	}
	mustCall := func(id jsonrpc2.ID, method string, params any) jsonrpc2.Message {
		c, e := jsonrpc2.NewCall(id, method, params)
		if e != nil {
			t.Fatal(e)
		}
		return c
	}
	mustNotification := func(method string, params any) jsonrpc2.Message {
		n, e := jsonrpc2.NewNotification(method, params)
		if e != nil {
			t.Fatal(e)
		}
		return n
	}
	msgs := []jsonrpc2.Message{
		mustResponse(jsonrpc2.NewNumberID(7), &protocol.CompletionList{IsIncomplete: true, Items: items}, nil),
		mustResponse(jsonrpc2.NewStringID("a\"b"), nil, nil),
		mustResponse(jsonrpc2.NewNumberID(8), []int{}, nil),
		mustResponse(jsonrpc2.NewNumberID(9), nil, jsonrpc2.Errorf(CodeRequestCancelled, "cancelled")),
		mustCall(jsonrpc2.NewNumberID(1), protocol.MethodWorkDoneProgressCreate, map[string]string{"token": "t"}),
		mustCall(jsonrpc2.NewStringID("s-2"), "rhizome/refresh", nil),
		mustNotification(protocol.MethodTextDocumentPublishDiagnostics, &protocol.PublishDiagnosticsParams{URI: "file:///v/a.md", Diagnostics: []protocol.Diagnostic{}}),
		mustNotification("$/progress", nil),
	}

	var wire bytes.Buffer
	s := newStream(strings.NewReader(""), &wire, zap.NewNop())
	for _, m := range msgs {
		if _, err := s.Write(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}

	r := bufio.NewReader(&wire)
	for i, m := range msgs {
		got, err := readFrame(r)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		want, err := json.Marshal(m) // jsonrpc2's encoding, as its stream writes it
		if err != nil {
			t.Fatal(err)
		}
		var g, w any
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("frame %d is not JSON: %v\n%s", i, err, got)
		}
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("frame %d:\n got %s\nwant %s", i, got, want)
		}
		if _, err := jsonrpc2.DecodeMessage(got); err != nil {
			t.Errorf("frame %d does not decode as a message: %v", i, err)
		}
	}
	if rest, _ := r.Peek(1); len(rest) != 0 {
		t.Errorf("bytes after the last frame: %q", rest)
	}
}

// BenchmarkStreamWriteCompletion times framing a hundred-item completion reply,
// as a client taking a default edit range gets it.
func BenchmarkStreamWriteCompletion(b *testing.B) {
	items := make([]completionItem, 100)
	newText := "forest-abstract"
	for i := range items {
		items[i] = completionItem{Label: "Forest Abstract", Kind: protocol.CompletionItemKindFile,
			Detail: "docs/research/references/forest-abstract.md", SortText: "00000",
			FilterText:   "Forest Abstract docs/research/references/forest-abstract",
			TextEditText: &newText,
			Data:         &resolveData{Path: "docs/research/references/forest-abstract.md"}}
	}
	edit := protocol.Range{Start: protocol.Position{Line: 11, Character: 103}, End: protocol.Position{Line: 11, Character: 117}}
	list := &completionList{IsIncomplete: true, ItemDefaults: &completionDefaults{EditRange: &edit}, Items: items}
	s := newStream(strings.NewReader(""), discard{}, zap.NewNop())
	b.ReportAllocs()
	for b.Loop() {
		r, err := jsonrpc2.NewResponse(jsonrpc2.NewNumberID(1), list, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Write(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }
