package server

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// BenchmarkRenameHubReply10k times the server's side of renaming the most
// linked note of a generated 10k-note vault from a link to it: the edits of
// every backlink, their ranges, the WorkspaceEdit's JSON and its frame.
func BenchmarkRenameHubReply10k(b *testing.B) {
	caps := `{"workspace":{"workspaceEdit":{"documentChanges":true,"resourceOperations":["rename"]}}}`
	h := startOnWith(b, generatedVault(b, 10000), true, caps)
	h.waitLog("load memory released")

	// A link to the hub, where a user starts the rename.
	v := h.srv.ws.allVaults()[0]
	snap := v.snapshot()
	var hub *workspace.File
	for _, f := range snap.Notes() {
		if hub == nil || snap.BacklinkCount(f) > snap.BacklinkCount(hub) {
			hub = f
		}
	}
	ref := snap.Backlinks(hub)[0]
	l := ref.Link()
	pos := LineIndexOf(ref.From.Note.Lines()).Range(UTF16, l.TargetSpan.Start, l.TargetSpan.Start).Start
	params := protocol.RenameParams{NewName: "Renamed " + strings.TrimSuffix(filepath.Base(hub.Path), ".md"),
		TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: fileURIOf(v.abs(ref.From.Path))}, Position: pos}}
	backlinks := snap.BacklinkCount(hub)
	snap.Release()

	s := discardStream()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		edit, err := h.srv.rename(ctx, &params)
		if err != nil || len(edit.DocumentChanges) < 2 {
			b.Fatalf("rename: %v", err)
		}
		r, err := jsonrpc2.NewResponse(jsonrpc2.NewNumberID(1), edit, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Write(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(backlinks), "backlinks")
}
