package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// The first diagnostics of a large vault go out as fast as the editor reads
// them; a note typed in meanwhile has its own between two batches of them,
// not after the last. The client here holds one message at a time, so the
// server's writes wait for the test to read, as they wait for a slow editor.
func TestEditDiagnosticsOvertakeTheFirstOnes(t *testing.T) {
	const notes = 4 * flushBatch
	files := map[string]string{"typing.md": "# Typing\n"}
	for i := range notes {
		files[fmt.Sprintf("n/%04d.md", i)] = fmt.Sprintf("See [[missing %d]].\n", i)
	}
	root := writeVault(t, files)
	h := newHarnessReading(t, 1, withRealEngine(), func(o *Options) { o.NoCache = true })
	if _, err := h.call(protocol.MethodInitialize, json.RawMessage(`{"processId":null,"rootUri":"`+string(fileURIOf(root))+`","capabilities":{}}`)); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	h.notify(protocol.MethodInitialized, struct{}{})
	h.nextFromServer(protocol.MethodTextDocumentPublishDiagnostics) // the first ones have begun

	typing := fileURIOf(root + "/typing.md")
	h.openText(typing, "# Typing\n\nSee [[nowhere]].\n")
	before, after := 1, 0 // the others' diagnostics read before and after the typed note's
	for typed := false; before+after < notes; {
		var p protocol.PublishDiagnosticsParams
		if err := json.Unmarshal(h.nextFromServer(protocol.MethodTextDocumentPublishDiagnostics).params, &p); err != nil {
			t.Fatal(err)
		}
		switch {
		case p.URI == typing:
			if len(p.Diagnostics) != 1 || !strings.Contains(p.Diagnostics[0].Message, "nowhere") || p.Version != 1 {
				t.Fatalf("the typed note's diagnostics: %+v", p)
			}
			typed = true
		case typed:
			after++
		default:
			before++
		}
	}
	if before > 2*flushBatch || after == 0 {
		t.Errorf("the typed note's diagnostics came after %d of the %d other notes' (%d after it), want them within the first two batches of %d", before, notes, after, flushBatch)
	}
}

// A client that pulls diagnostics is asked to pull again as soon as the
// open notes are diagnosed after the load, before the closed notes'
// diagnostics go out: what it pulled during the load said nothing.
func TestPullRefreshBeforeTheFirstPushes(t *testing.T) {
	const notes = 4 * flushBatch
	// open.md's link resolves in the vault, not before it is loaded.
	files := map[string]string{"open.md": "See [[n/0000]].\n"}
	for i := range notes {
		files[fmt.Sprintf("n/%04d.md", i)] = fmt.Sprintf("See [[missing %d]].\n", i)
	}
	root := writeVault(t, files)
	h := newHarnessReading(t, 1, withRealEngine(), func(o *Options) { o.NoCache = true })
	caps := `{"textDocument":{"diagnostic":{}},"workspace":{"diagnostics":{"refreshSupport":true}}}`
	if _, err := h.call(protocol.MethodInitialize, json.RawMessage(`{"processId":null,"rootUri":"`+string(fileURIOf(root))+`","capabilities":`+caps+`}`)); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	h.openText(fileURIOf(root+"/open.md"), files["open.md"])
	// The client pulls the note it opens (VS Code does, as its tab opens),
	// before the vault is loaded.
	if _, err := h.call(methodDiagnostic, documentDiagnosticParams{TextDocument: protocol.TextDocumentIdentifier{URI: fileURIOf(root + "/open.md")}}); err != nil {
		t.Fatal(err)
	}
	h.notify(protocol.MethodInitialized, struct{}{})
	pushed := 0
	deadline := time.After(timeout)
	for refreshed := false; !refreshed; {
		select {
		case m := <-h.fromServer:
			refreshed = m.method == "workspace/diagnostic/refresh"
			if m.method == protocol.MethodTextDocumentPublishDiagnostics {
				pushed++
			}
		case <-deadline:
			t.Fatalf("no workspace/diagnostic/refresh after %d pushes", pushed)
		}
	}
	if pushed > flushBatch {
		t.Errorf("the pull refresh came after %d of the %d closed notes' diagnostics, want it before the second batch of %d", pushed, notes, flushBatch)
	}
}

// While the index is half made a pull says nothing: most links would look
// broken.
func TestPullDuringLoadIsEmpty(t *testing.T) {
	s := startSession(t, map[string]string{"a.md": "See [[b]] and [[nowhere]].\n", "b.md": "# B\n"}, `{"textDocument":{"diagnostic":{}}}`)
	s.waitLog("load memory released")
	v := s.srv.ws.allVaults()[0]
	pull := func() []protocol.Diagnostic {
		r, err := s.srv.diagnostic(context.Background(), &documentDiagnosticParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("a.md")}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Items
	}
	v.loaded.Store(false)
	if got := pull(); len(got) != 0 {
		t.Errorf("a pull while loading: %+v, want none", got)
	}
	v.loaded.Store(true)
	if got := pull(); len(got) != 1 || !strings.Contains(got[0].Message, "nowhere") {
		t.Errorf("a pull once loaded: %+v, want the broken link to nowhere", got)
	}
}

// A burst of edits, a flush each (a rename applied by the editor reaches the
// server as thousands of didChange), asks the editor to refresh its lenses at
// most once per refreshGap, and once more after the last edit's diagnostics,
// so that what it shows in the end is up to date.
func TestRefreshesAreSpacedInABurst(t *testing.T) {
	s := startSession(t, map[string]string{"a.md": "# A\n\n[[nowhere]]\n", "b.md": "# B\n"},
		`{"workspace":{"codeLens":{"refreshSupport":true}}}`)
	text := s.open("a.md")
	s.diagnosticsFor(s.uri("a.md"), hasCode("broken-link"))
	for quiet := time.After(2 * refreshGap); ; {
		select {
		case <-s.fromServer:
			continue
		case <-quiet:
		}
		break
	}

	const edits = 20
	start := time.Now()
	for i := range edits {
		text += fmt.Sprintf("[[b]] [[nowhere %d]]\n", i)
		s.notify(protocol.MethodTextDocumentDidChange, didChangeParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: s.uri("a.md")}, Version: int32(i + 2)},
			ContentChanges: []contentChange{{Text: text}},
		})
		time.Sleep(2 * debounce) // a flush each
	}
	refreshes, last := 0, false
	for deadline := time.After(timeout); !last; {
		select {
		case m := <-s.fromServer:
			switch m.method {
			case protocol.MethodCodeLensRefresh:
				refreshes++
			case protocol.MethodTextDocumentPublishDiagnostics:
				var p protocol.PublishDiagnosticsParams
				if err := json.Unmarshal(m.params, &p); err != nil {
					t.Fatal(err)
				}
				last = p.URI == s.uri("a.md") && p.Version == edits+1
			}
		case <-deadline:
			t.Fatal("no diagnostics for the last edit")
		}
	}
	burst := time.Since(start)
	s.nextFromServer(protocol.MethodCodeLensRefresh) // after the last edit's diagnostics
	refreshes++
	for quiet := time.After(2 * refreshGap); ; {
		select {
		case m := <-s.fromServer:
			if m.method == protocol.MethodCodeLensRefresh {
				refreshes++
			}
			continue
		case <-quiet:
		}
		break
	}
	if most := int(burst/refreshGap) + 2; refreshes > most {
		t.Errorf("%d edits in %v brought %d code lens refreshes, want at most %d (one per %v, and one after)", edits, burst, refreshes, most, refreshGap)
	}
}

// The asks to pull diagnostics again are spaced so too: each edit of a.md
// re-diagnoses b.md, open and not edited itself, which a pulling client is
// otherwise asked to pull again after every flush.
func TestPullRefreshesAreSpacedInABurst(t *testing.T) {
	s := startSession(t, map[string]string{"a.md": "# H0\n", "b.md": "See [[a#H0]].\n"},
		`{"textDocument":{"diagnostic":{}},"workspace":{"diagnostics":{"refreshSupport":true}}}`)
	s.open("b.md")
	s.open("a.md")
	s.waitLog("load memory released")
	// Pulled once: every edit below changes what b.md's would be.
	if _, err := s.srv.diagnostic(context.Background(), &documentDiagnosticParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("b.md")}}); err != nil {
		t.Fatal(err)
	}
	const refresh = "workspace/diagnostic/refresh"
	// count reads what the server sends until it has been quiet for two
	// gaps, and counts the asks to pull.
	count := func() (n int) {
		for {
			select {
			case m := <-s.fromServer:
				if m.method == refresh {
					n++
				}
			case <-time.After(2 * refreshGap):
				return n
			}
		}
	}
	count()

	const edits = 20
	start := time.Now()
	for i := range edits {
		s.notify(protocol.MethodTextDocumentDidChange, didChangeParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: s.uri("a.md")}, Version: int32(i + 2)},
			ContentChanges: []contentChange{{Text: fmt.Sprintf("# H%d\n", i+1)}},
		})
		time.Sleep(2 * debounce) // a flush each
	}
	burst := time.Since(start)
	refreshes := count()
	if most := int(burst/refreshGap) + 2; refreshes > most || refreshes == 0 {
		t.Errorf("%d edits in %v brought %d asks to pull again, want 1 to %d (one per %v, and one after)", edits, burst, refreshes, most, refreshGap)
	}
}

// Another note's change asks a pulling client to pull an open note again
// only when the note's diagnostics differ from the last answer it pulled:
// VS Code, applying a rename to 6,259 notes of a generated 50k vault, opens
// them all, and pulled every one of them again at each ask (13,000-14,500
// pulls in one rename).
func TestPullRefreshOnlyWhenTheAnswerDiffers(t *testing.T) {
	s := startSession(t, map[string]string{"a.md": "# A\n\nText.\n", "b.md": "See [[a#A]] and [[nowhere]].\n",
		"c.md": "See [[a#Other]].\n"},
		`{"textDocument":{"diagnostic":{}},"workspace":{"diagnostics":{"refreshSupport":true}}}`)
	a := s.open("a.md")
	s.open("b.md")
	s.open("c.md") // open, and never pulled: not shown
	s.waitLog("load memory released")
	pull := func() []protocol.Diagnostic {
		t.Helper()
		r, err := s.srv.diagnostic(context.Background(), &documentDiagnosticParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("b.md")}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Items
	}
	codes := func(ds []protocol.Diagnostic) string {
		var out []string
		for _, d := range ds {
			out = append(out, fmt.Sprint(d.Code))
		}
		return strings.Join(out, ",")
	}
	if got := codes(pull()); got != "broken-link" {
		t.Fatalf("b.md pulled: %s, want its broken link", got)
	}
	version := int32(1)
	edit := func(text string) {
		version++
		s.notify(protocol.MethodTextDocumentDidChange, didChangeParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: s.uri("a.md")}, Version: version},
			ContentChanges: []contentChange{{Text: text}},
		})
	}
	// askedWithin says whether the server asks to pull again before it has
	// been quiet for quiet.
	askedWithin := func(quiet time.Duration) bool {
		for {
			select {
			case m := <-s.fromServer:
				if m.method == "workspace/diagnostic/refresh" {
					return true
				}
			case <-time.After(quiet):
				return false
			}
		}
	}
	// Where no ask is wanted, two gaps of quiet say none is coming; where
	// one is, a slow machine has until the tests' timeout.
	asked := func() bool { return askedWithin(2 * refreshGap) }
	for asked() {
		// what the load and the opening asked for
	}

	// A heading added: b.md's links to a.md are looked at again, and come
	// out as the client was told; c.md's broken anchor is fixed, but the
	// client has not pulled c.md.
	edit(a + "\n## Other\n")
	if asked() {
		t.Errorf("asked to pull again after an edit that changes no open note's diagnostics (b.md: %s)", codes(pull()))
	}
	// The heading b.md links to renamed: its diagnostics change.
	edit("# Z\n\nText.\n\n## Other\n")
	if !askedWithin(timeout) {
		t.Fatal("not asked to pull again after b.md's anchor broke")
	}
	if got := codes(pull()); got != "broken-anchor,broken-link" {
		t.Errorf("b.md pulled again: %s, want the broken anchor and link", got)
	}
}
