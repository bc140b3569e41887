package server

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// BenchmarkDocumentLinkReply1k times the server's side of the links of a
// note, as bench/lsp's "document links" figure asks for them: the links,
// their ranges and targets' URIs, the JSON and its frame, without the pipe.
// The note is the generated vault's first, with its few dozen links.
func BenchmarkDocumentLinkReply1k(b *testing.B) {
	root := generatedVault(b, 1000)
	var note string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && note == "" && !d.IsDir() && strings.HasSuffix(path, ".md") {
			note = path
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	h := startOn(b, root, true)
	h.waitLog("load memory released")
	params := &protocol.DocumentLinkParams{TextDocument: protocol.TextDocumentIdentifier{URI: fileURIOf(note)}}
	s := discardStream()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		links, err := h.srv.documentLink(ctx, params)
		if err != nil || len(links) == 0 {
			b.Fatalf("links of %s: %d, %v", note, len(links), err)
		}
		writeReply(b, s, links)
	}
}
