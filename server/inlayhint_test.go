package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

var zettelVault = map[string]string{
	"index.md":        "# Index\n\nCafé 日本語 😀 [[202311051230]] and [[202311051230|labelled]] and [[Stock]].\nNext line [[202311051230]]. Broken: [[Missing]].\n",
	"202311051230.md": "---\ntitle: Zettelkasten method\n---\nOne idea per note.\n",
	"Stock.md":        "# Stock\n",
}

// An ID link gets its note's title after it, at a position in the session's
// encoding (after é, CJK and an emoji); a labelled link and a link by the
// title get none; only the lines asked for are answered; and a retitled note
// shows its new title after the refresh the server sends.
func TestInlayHints(t *testing.T) {
	for _, tc := range []struct {
		name, caps string
	}{
		{"utf-8", `{"general":{"positionEncodings":["utf-8"]},"workspace":{"inlayHint":{"refreshSupport":true}}}`},
		{"utf-16", `{"workspace":{"inlayHint":{"refreshSupport":true}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSession(t, zettelVault, tc.caps)
			text := s.open("index.md")
			s.diagnosticsFor(s.uri("index.md"), hasCode("broken-link")) // indexed
			hints := func(r protocol.Range) []inlayHint {
				t.Helper()
				raw, err := s.call(methodInlayHint, inlayHintParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("index.md")}, Range: r})
				if err != nil {
					t.Fatal(err)
				}
				var got []inlayHint
				if err := json.Unmarshal(raw, &got); err != nil {
					t.Fatal(err)
				}
				return got
			}
			all := protocol.Range{End: protocol.Position{Line: 10}}
			after := func(sub string) protocol.Position { return s.posAt(text, strings.Index(text, sub)+len(sub)) }
			want := []inlayHint{
				{Position: after("😀 [[202311051230]]"), Label: "Zettelkasten method", Tooltip: "202311051230.md", PaddingLeft: true},
				{Position: after("Next line [[202311051230]]"), Label: "Zettelkasten method", Tooltip: "202311051230.md", PaddingLeft: true},
			}
			if got := hints(all); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Errorf("hints %+v, want %+v", got, want)
			}
			if got := hints(protocol.Range{Start: protocol.Position{Line: 3}, End: protocol.Position{Line: 4}}); len(got) != 1 || got[0] != want[1] {
				t.Errorf("hints of line 4 %+v, want %+v", got, want[1:])
			}

			zettel := s.open("202311051230.md")
			s.notify(protocol.MethodTextDocumentDidChange, didChangeParams{
				TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: s.uri("202311051230.md")}, Version: 2},
				ContentChanges: []contentChange{{Text: strings.Replace(zettel, "Zettelkasten method", "Atomic notes", 1)}},
			})
			for deadline := time.Now().Add(timeout); ; {
				s.nextFromServer(methodInlayHintRefresh)
				if got := hints(all); len(got) == 2 && got[0].Label == "Atomic notes" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after the retitle: %+v", hints(all))
				}
			}
		})
	}
}
