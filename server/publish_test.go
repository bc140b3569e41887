package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

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
