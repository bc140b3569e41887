package server

import (
	"encoding/json"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// Document links: a wikilink underlined whole, a markdown link at its
// destination, each to the file's URI and a heading's line as "#L8"; ranges
// in the session's encoding, after é, CJK and emoji; a broken link has none.
// Tooltips go to the clients that announce tooltipSupport (VS Code) only.
func TestDocumentLinks(t *testing.T) {
	const tooltipCaps = `{"general":{"positionEncodings":["utf-8","utf-16"]},"textDocument":{"documentLink":{"tooltipSupport":true}}}`
	for _, tc := range []struct {
		name, caps string
		tooltips   bool
	}{{"utf-8", utf8Caps, false}, {"utf-16", utf16Caps, false}, {"utf-8 with tooltips", tooltipCaps, true}} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSession(t, featureVault, tc.caps)
			text := s.open("index.md")
			s.diagnosticsFor(s.uri("index.md"), hasCode("broken-link"))
			raw, err := s.call(protocol.MethodTextDocumentDocumentLink, protocol.DocumentLinkParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("index.md")}})
			if err != nil {
				t.Fatal(err)
			}
			var got []protocol.DocumentLink
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			span := func(sub string) protocol.Range {
				i := strings.Index(text, sub)
				return protocol.Range{Start: s.posAt(text, i), End: s.posAt(text, i+len(sub))}
			}
			want := []protocol.DocumentLink{
				{Range: span("[[Target Note#Section Two|see]]"), Target: s.uri("Target Note.md") + "#L8", Tooltip: "Open Target Note.md › Section Two"},
				{Range: span("Target%20Note.md"), Target: s.uri("Target Note.md"), Tooltip: "Open Target Note.md"},
			}
			if !tc.tooltips {
				for i := range want {
					want[i].Tooltip = ""
				}
			}
			if len(got) != len(want) {
				t.Fatalf("links %+v, want %+v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("link %d: %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
}
