package server

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/bench/vaultgen"
)

// BenchmarkCompletionReply1k times the server's side of a completion after
// "[[" and the first three letters of a link target, in a generated vault of
// 1,000 notes: ranking, the reply's items, their JSON and its frame, as
// bench/lsp's `[[abc` figure asks for them, without the pipe. Its B/op is
// what each such keystroke leaves for the collector.
func BenchmarkCompletionReply1k(b *testing.B) {
	root := generatedVault(b, 1000)
	typed := linkStarts(b, root, 40)
	text := "# Typing\n\n" + strings.Join(typed, "\n") + "\n"
	uri := fileURIOf(filepath.Join(root, "typing.md"))

	h := startOn(b, root, true)
	h.waitLog("load memory released")
	h.openText(uri, text)
	params := make([]protocol.CompletionParams, len(typed))
	for i, t := range typed {
		params[i] = protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: uri},
			Position:     protocol.Position{Line: uint32(2 + i), Character: uint32(len(t))}}}
	}
	// The open is handled in order with requests: one through the connection
	// has it in place for the calls below, which go round it.
	if _, err := h.call(protocol.MethodTextDocumentCompletion, params[0]); err != nil {
		b.Fatal(err)
	}
	s := discardStream()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		list, err := h.srv.completion(ctx, &params[i%len(params)])
		if err != nil || len(list.Items) == 0 {
			b.Fatalf("completion of %q: %d items, %v", typed[i%len(typed)], len(list.Items), err)
		}
		writeReply(b, s, list)
	}
}

// linkStarts is "- [[" and the first three letters of n wikilink targets of
// the vault at root, at least seven letters long (as bench/lsp types them).
func linkStarts(b *testing.B, root string, n int) []string {
	wiki := regexp.MustCompile(`\[\[([^\]|#^]{7,})`)
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") || len(out) == n {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if m := wiki.FindSubmatch(data); m != nil {
			out = append(out, "- [["+string(m[1][:3]))
		}
		return nil
	})
	if err != nil || len(out) < n {
		b.Fatalf("%d link targets of %d: %v", len(out), n, err)
	}
	return out
}

// generatedVault writes the repository's generated vault of n notes (seed 1)
// to a temporary folder.
func generatedVault(b testing.TB, n int) string {
	root := b.TempDir()
	if _, err := vaultgen.Generate(root, vaultgen.Options{Notes: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	return root
}
