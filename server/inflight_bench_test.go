package server

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// BenchmarkEditDuringBlockSearch10k times a keystroke's edit made while a
// "[[^^" search reads the vault, from the didChange to the note's
// diagnostics ("edit-ms"): the change ends the search, which answers
// ContentModified. The two queries taken in turns are held by no note, so
// each search reads every note (neither holds the other, so neither takes up
// the last one's scan). Before a change ended the requests about its
// document, the edit waited for the whole search.
func BenchmarkEditDuringBlockSearch10k(b *testing.B) {
	root := generatedVault(b, 10000)
	notes, err := filepath.Glob(filepath.Join(root, "*.md"))
	if err != nil || len(notes) == 0 {
		b.Fatalf("no note in %s: %v", root, err)
	}
	data, err := os.ReadFile(notes[0])
	if err != nil {
		b.Fatal(err)
	}
	h := startOn(b, root, true)
	h.waitLog("load memory released")
	uri := fileURIOf(notes[0])
	base := string(data) + "\n[[No such note]]\n"
	queries := [2]string{"[[^^zqxjv", "[[^^vjxqz"}
	h.notify(protocol.MethodTextDocumentDidOpen, openParams(string(uri), base+queries[0]))
	lines := strings.Split(base, "\n")
	at := protocol.Position{Line: uint32(len(lines) - 1), Character: uint32(len(queries[0]))}
	var editing time.Duration
	version := int32(1)
	b.ResetTimer()
	for b.Loop() {
		// A pause, as between keystrokes: an edit right after another has its
		// diagnostics held for the rest of a burst (publisher's debounce).
		time.Sleep(debounce + 2*time.Millisecond)
		errc := make(chan error, 1)
		go func() {
			var list json.RawMessage
			_, err := h.client.Call(context.Background(), protocol.MethodTextDocumentCompletion,
				protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: at}}, &list)
			errc <- err
		}()
		for !h.srv.inflight.has(uri) && len(errc) == 0 {
			time.Sleep(50 * time.Microsecond)
		}
		time.Sleep(2 * time.Millisecond) // the search under way
		version++
		start := time.Now()
		h.notify(protocol.MethodTextDocumentDidChange, changeParams(string(uri), version, change{Text: base + queries[version%2]}))
		for {
			var p protocol.PublishDiagnosticsParams
			if err := json.Unmarshal(h.nextFromServer(protocol.MethodTextDocumentPublishDiagnostics).params, &p); err != nil {
				b.Fatal(err)
			}
			if p.URI == uri && p.Version == uint32(version) {
				break
			}
		}
		editing += time.Since(start)
		<-errc
	}
	b.ReportMetric(float64(editing.Microseconds())/1000/float64(b.N), "edit-ms")
}
