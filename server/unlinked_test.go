package server

import (
	"encoding/json"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// The unlinked mentions of a note over the wire: where other notes write
// its name without a link, ranges in the session's encoding (after an
// emoji); the note's own text and linked mentions are not among them.
func TestUnlinkedMentionsCommand(t *testing.T) {
	vault := map[string]string{
		"Niklas Luhmann.md": "---\naliases: [Luhmann]\n---\n# Niklas Luhmann\n\nLuhmann himself.\n",
		"cards.md":          "# Cards\n\n😀 Luhmann filed cards. [[Niklas Luhmann]] is linked.\n`Luhmann` in code. [[Missing]]\n",
		"other.md":          "# Other\n\nNiklas Luhmann wrote.\n",
	}
	for _, tc := range []struct{ name, caps string }{{"utf-8", utf8Caps}, {"utf-16", utf16Caps}} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSession(t, vault, tc.caps)
			cards := s.open("cards.md")
			other := s.open("other.md")
			s.diagnosticsFor(s.uri("cards.md"), hasCode("broken-link")) // indexed
			raw, err := s.call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandUnlinkedMentions, "arguments": []any{s.uri("Niklas Luhmann.md")}})
			if err != nil {
				t.Fatal(err)
			}
			var got []protocol.Location
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			at := func(rel, text, sub string) protocol.Location {
				i := strings.Index(text, sub)
				return protocol.Location{URI: s.uri(rel), Range: protocol.Range{Start: s.posAt(text, i), End: s.posAt(text, i+len(sub))}}
			}
			want := []protocol.Location{at("cards.md", cards, "Luhmann filed"[:7]), at("other.md", other, "Niklas Luhmann")}
			if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Errorf("unlinked mentions %+v, want %+v", got, want)
			}
			_, err = s.call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandUnlinkedMentions, "arguments": []any{}})
			wantCode(t, err, jsonrpc2.InvalidParams)
		})
	}
}
