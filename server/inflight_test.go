package server

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// A change to a document ends the requests about it still at work, with
// ContentModified; requests about other documents, and those sent after the
// change, go on. A close ends them too.
func TestChangeEndsRequestsAboutTheDocument(t *testing.T) {
	// Only requests about a document (textDocument/…) are ended by its change.
	const method = "textDocument/x-block"
	block, ids := blockingMethodNamed(method)
	h := newHarness(t, append(testMethods(), block)...)
	h.initialize(`{}`)
	const a, b = "file:///vault/a.md", "file:///vault/b.md"
	for _, uri := range []string{a, b} {
		h.notify(protocol.MethodTextDocumentDidOpen, openParams(uri, "text"))
		h.nextEvent()
	}
	blockOn := func(uri string) (chan error, jsonrpc2.ID) {
		errc := make(chan error, 1)
		go func() {
			_, err := h.call(method, map[string]any{"textDocument": map[string]string{"uri": uri}})
			errc <- err
		}()
		return errc, <-ids
	}
	stillBlocked := func(errc chan error, why string) {
		t.Helper()
		h.echo(t) // anything the change did has been done
		select {
		case err := <-errc:
			t.Fatalf("%s: the request ended (%v)", why, err)
		default:
		}
	}
	onA, _ := blockOn(a)
	onB, _ := blockOn(b)
	h.notify(protocol.MethodTextDocumentDidChange, changeParams(b, 2, change{Text: "new text"}))
	h.nextEvent()
	stillBlocked(onA, "b changed")
	wantCode(t, <-onB, CodeContentModified)

	h.notify(protocol.MethodTextDocumentDidChange, changeParams(a, 2, change{Text: "new text"}))
	h.nextEvent()
	wantCode(t, <-onA, CodeContentModified)

	// Sent after the change: the change does not end it; the client can.
	after, id := blockOn(a)
	stillBlocked(after, "sent after a's change")
	h.notify(protocol.MethodCancelRequest, json.RawMessage(`{"id":`+idString(id)+`}`))
	wantCode(t, <-after, CodeRequestCancelled)

	closing, _ := blockOn(a)
	h.notify(protocol.MethodTextDocumentDidClose, map[string]any{"textDocument": map[string]string{"uri": a}})
	h.nextEvent()
	wantCode(t, <-closing, CodeContentModified)
	h.echo(t)
}

// A "[[^^" search reads every note of the vault (up to a quarter of a
// second at 50,000 notes) under the index's read lock. When the note it was
// asked in changes, it ends there, answering ContentModified, and the change
// (which waits for the lock) goes through: its diagnostics come. Before, the
// change and every request after it waited for the search, as they do in
// editors that drop the request unanswered on the next keystroke without
// cancelling it (eglot, Neovim's omnifunc).
func TestChangeEndsBlockSearch(t *testing.T) {
	root, notes := generatedNotes(t, 5000)
	note := notes[0]
	data, err := os.ReadFile(note)
	if err != nil {
		t.Fatal(err)
	}
	h := startOn(t, root, true)
	h.waitLogFor(largeVaultTimeout, "indexed")
	// A query no note holds: the search reads every note. The broken link
	// gives the note diagnostics to publish.
	text := string(data) + "\n[[No such note]]\n[[^^zqxjv"
	uri := fileURIOf(note)
	h.notify(protocol.MethodTextDocumentDidOpen, openParams(string(uri), text))
	lines := strings.Split(text, "\n")
	at := protocol.Position{Line: uint32(len(lines) - 1), Character: uint32(len(lines[len(lines)-1]))}
	// The change is sent once the server has the completion.
	errc := completeAtWork(t, h, uri, at)
	h.notify(protocol.MethodTextDocumentDidChange, changeParams(string(uri), 2, change{Text: text + "q"}))
	select {
	case err := <-errc:
		wantCode(t, err, CodeContentModified)
	case <-time.After(timeout):
		t.Fatal("the search went on after its note changed")
	}
	for {
		m := h.nextFromServer(protocol.MethodTextDocumentPublishDiagnostics)
		var p protocol.PublishDiagnosticsParams
		if err := json.Unmarshal(m.params, &p); err != nil {
			t.Fatal(err)
		}
		if p.URI == uri && p.Version == 2 {
			break
		}
	}
}

// has reports whether a request about doc is at work.
func (f *inflight) has(doc protocol.DocumentURI) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.byID {
		if r.doc == doc {
			return true
		}
	}
	return false
}

// A "[[^^" search reads the notes without the index's lock while another
// note, one of those it reads, is edited again and again: under -race, the
// search and the edits share nothing unguarded; the search answers, and the
// edits' diagnostics come.
func TestBlockSearchBesideEdits(t *testing.T) {
	root, notes := generatedNotes(t, 5000)
	h := startOn(t, root, true)
	h.waitLogFor(largeVaultTimeout, "indexed")
	text := "# Searching\n\n[[^^zqxjv"
	uri := fileURIOf(filepath.Join(root, "searching.md"))
	h.notify(protocol.MethodTextDocumentDidOpen, openParams(string(uri), text))
	edited := fileURIOf(notes[1])
	data, err := os.ReadFile(notes[1])
	if err != nil {
		t.Fatal(err)
	}
	h.notify(protocol.MethodTextDocumentDidOpen, openParams(string(edited), string(data)))
	errc := completeAtWork(t, h, uri, protocol.Position{Line: 2, Character: 9})
	const edits = 10
	for v := int32(2); v < 2+edits; v++ {
		h.notify(protocol.MethodTextDocumentDidChange, changeParams(string(edited), v, change{Text: string(data) + strings.Repeat("\nzqxjv [[No such note]]", int(v))}))
	}
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("the search beside the edits: %v", err)
		}
	case <-time.After(timeout):
		t.Fatal("the search did not answer")
	}
	for {
		var p protocol.PublishDiagnosticsParams
		if err := json.Unmarshal(h.nextFromServer(protocol.MethodTextDocumentPublishDiagnostics).params, &p); err != nil {
			t.Fatal(err)
		}
		if p.URI == edited && p.Version == 1+edits {
			break
		}
	}
}

// completeAtWork asks for a completion at at in uri from another goroutine
// and returns once the server has it at work (or it has answered); the
// channel gets the completion's error.
func completeAtWork(t testing.TB, h *harness, uri protocol.DocumentURI, at protocol.Position) <-chan error {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		var list json.RawMessage
		_, err := h.client.Call(context.Background(), protocol.MethodTextDocumentCompletion,
			protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: at}}, &list)
		errc <- err
	}()
	for deadline := time.Now().Add(timeout); !h.srv.inflight.has(uri) && len(errc) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the completion did not arrive")
		}
		time.Sleep(50 * time.Microsecond)
	}
	return errc
}

// generatedNotes is generatedVault and the notes at its top, two at least.
func generatedNotes(t testing.TB, n int) (root string, notes []string) {
	t.Helper()
	root = generatedVault(t, n)
	notes, err := filepath.Glob(filepath.Join(root, "*.md"))
	if err != nil || len(notes) < 2 {
		t.Fatalf("no two notes in %s: %v", root, err)
	}
	return root, notes
}
