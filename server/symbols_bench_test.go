package server

import (
	"context"
	"testing"

	"go.lsp.dev/protocol"
)

// BenchmarkWorkspaceSymbolReply1k times the server's side of a workspace
// symbol search that fills its list (200 notes and headings holding "re"):
// a location, with its file's URI, for each.
func BenchmarkWorkspaceSymbolReply1k(b *testing.B) {
	root := generatedVault(b, 1000)
	h := startOn(b, root, true)
	h.waitLog("load memory released")
	params := &protocol.WorkspaceSymbolParams{Query: "re"}
	s := discardStream()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		syms, err := h.srv.workspaceSymbol(ctx, params)
		if err != nil || len(syms) != maxSymbols {
			b.Fatalf("symbols for %q: %d, %v", params.Query, len(syms), err)
		}
		writeReply(b, s, syms)
	}
}
