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

// Linking every unlinked mention: the server asks the editor to apply one
// edit (workspace/applyEdit) that writes the links, in the session's
// encoding and with open documents' versions, and says how many; an editor
// that cannot apply edits gets an error instead.
func TestLinkUnlinkedMentionsCommand(t *testing.T) {
	vault := map[string]string{
		"Niklas Luhmann.md": "---\naliases: [Luhmann]\n---\n# Niklas Luhmann\n",
		"cards.md":          "# Cards\n\n😀 Luhmann filed cards. [[Missing]]\n",
		"other.md":          "# Other\n\nNiklas Luhmann wrote.\n",
	}
	caps := `{"workspace":{"applyEdit":true,"workspaceEdit":{"documentChanges":true}}}`
	s := startSession(t, vault, caps)
	cards := s.open("cards.md")
	s.diagnosticsFor(s.uri("cards.md"), hasCode("broken-link")) // indexed
	raw, err := s.call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandLinkUnlinkedMentions, "arguments": []any{s.uri("Niklas Luhmann.md")}})
	if err != nil {
		t.Fatal(err)
	}
	var res linkedMentions
	if err := json.Unmarshal(raw, &res); err != nil || res != (linkedMentions{Linked: 2, Applied: true}) {
		t.Fatalf("result %s (%v), want 2 linked and applied", raw, err)
	}
	label, changes, sent := s.nextApplyEdit()
	i := strings.Index(cards, "Luhmann filed")
	wantCards := protocol.TextEdit{Range: protocol.Range{Start: s.posAt(cards, i), End: s.posAt(cards, i+len("Luhmann"))}, NewText: "[[Niklas Luhmann|Luhmann]]"}
	if label != "Link 2 unlinked mentions of Niklas Luhmann" || len(changes) != 2 ||
		changes[0].TextDocument.URI != s.uri("cards.md") || changes[0].TextDocument.Version == nil || *changes[0].TextDocument.Version != 1 ||
		len(changes[0].Edits) != 1 || changes[0].Edits[0] != wantCards ||
		changes[1].TextDocument.URI != s.uri("other.md") || changes[1].TextDocument.Version != nil || changes[1].Edits[0].NewText != "[[Niklas Luhmann]]" {
		t.Errorf("applyEdit %s", sent)
	}

	s2 := startSession(t, vault, `{}`)
	s2.open("cards.md")
	s2.diagnosticsFor(s2.uri("cards.md"), hasCode("broken-link"))
	_, err = s2.call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandLinkUnlinkedMentions, "arguments": []any{s2.uri("Niklas Luhmann.md")}})
	wantCode(t, err, CodeRequestFailed)
}
