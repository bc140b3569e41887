package server

import (
	"encoding/json"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

var foldVault = map[string]string{
	"fold.md": "---\ntitle: Café 日本\n---\n# Café 日本語 😀\n\nBody 😀 line, [[Missing]].\n\n" +
		"> [!note] 😀 callout\n> é 日本\n\n- item é\n  more 😀\n\n%% comment 日本\nstill 😀 %%\n",
}

// Folding ranges over the wire: the lines of each fold, its characters in
// the session's encoding (after é, CJK and emoji) unless the client folds
// whole lines only, "comment" for comments, the collapsed text for clients
// that show one, and the outermost folds within a rangeLimit.
func TestFoldingRanges(t *testing.T) {
	u32 := func(n uint32) *uint32 { return &n }
	for _, tc := range []struct {
		name, caps string
		lineOnly   bool
		collapsed  bool
		limit      int
	}{
		{name: "utf-8", caps: `{"general":{"positionEncodings":["utf-8"]},"textDocument":{"foldingRange":{"foldingRange":{"collapsedText":true}}}}`, collapsed: true},
		{name: "utf-16", caps: `{"textDocument":{"foldingRange":{"foldingRange":{"collapsedText":true}}}}`, collapsed: true},
		{name: "utf-8 line folding only", caps: `{"general":{"positionEncodings":["utf-8"]},"textDocument":{"foldingRange":{"lineFoldingOnly":true}}}`, lineOnly: true},
		{name: "utf-16 line folding only", caps: `{"textDocument":{"foldingRange":{"lineFoldingOnly":true}}}`, lineOnly: true},
		{name: "utf-16 range limit", caps: `{"textDocument":{"foldingRange":{"rangeLimit":2}}}`, limit: 2},
		{name: "utf-8 range limit", caps: `{"general":{"positionEncodings":["utf-8"]},"textDocument":{"foldingRange":{"rangeLimit":4,"lineFoldingOnly":true}}}`, lineOnly: true, limit: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSession(t, foldVault, tc.caps)
			text := s.open("fold.md")
			s.diagnosticsFor(s.uri("fold.md"), hasCode("broken-link"))
			raw, err := s.call(protocol.MethodTextDocumentFoldingRange, protocol.FoldingRangeParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("fold.md")}}})
			if err != nil {
				t.Fatal(err)
			}
			var got []foldingRange
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(text, "\n")
			// fold is the range from the end of line start to the end of
			// line end, as a client that folds characters sees it.
			fold := func(start, end int, kind protocol.FoldingRangeKind, collapsed string) foldingRange {
				at := func(line int) uint32 {
					off := len(strings.Join(lines[:line+1], "\n"))
					return s.posAt(text, off).Character
				}
				f := foldingRange{StartLine: uint32(start), EndLine: uint32(end), Kind: kind}
				if !tc.lineOnly {
					f.StartCharacter, f.EndCharacter = u32(at(start)), u32(at(end))
				}
				if tc.collapsed {
					f.CollapsedText = collapsed
				}
				return f
			}
			want := []foldingRange{
				fold(0, 2, "", "--- Café 日本"),
				fold(3, 14, "", ""),
				fold(7, 8, "", ""),
				fold(10, 11, "", ""),
				fold(13, 14, protocol.CommentFoldingRange, ""),
			}
			switch tc.limit {
			case 2:
				want = want[:2]
			case 4:
				want = want[:4]
			}
			if len(got) != len(want) {
				t.Fatalf("folds %s, want %d", raw, len(want))
			}
			for i := range want {
				g, _ := json.Marshal(got[i])
				w, _ := json.Marshal(want[i])
				if string(g) != string(w) {
					t.Errorf("fold %d: %s, want %s", i, g, w)
				}
			}
			if !tc.lineOnly && !strings.Contains(string(raw), `"startCharacter"`) || tc.lineOnly && strings.Contains(string(raw), "Character") {
				t.Errorf("characters sent %v, line folding only %v: %s", strings.Contains(string(raw), "Character"), tc.lineOnly, raw)
			}
		})
	}
}

// The capability is announced, and a note the server does not know has
// no folds rather than an error.
func TestFoldingRangeCapability(t *testing.T) {
	h := newHarness(t, withRealEngine())
	caps := h.initialize(`{}`)["capabilities"].(map[string]any)
	if caps["foldingRangeProvider"] != true {
		t.Errorf("foldingRangeProvider %v, want true", caps["foldingRangeProvider"])
	}
	raw, err := h.call(protocol.MethodTextDocumentFoldingRange, protocol.FoldingRangeParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: "file:///elsewhere/none.md"}}})
	if err != nil || string(raw) != "[]" {
		t.Errorf("folds of an unknown note: %s, %v", raw, err)
	}
}

func TestParseFoldingRangeCaps(t *testing.T) {
	c, err := parseClientCaps(json.RawMessage(`{"textDocument":{"foldingRange":{"lineFoldingOnly":true,"rangeLimit":5000,"foldingRange":{"collapsedText":true}}}}`))
	if err != nil || !c.LineFoldingOnly || c.FoldingRangeLimit != 5000 || !c.FoldingCollapsedText {
		t.Errorf("caps %+v, %v", c, err)
	}
	// A rangeLimit of the wrong type loses only itself.
	c, _ = parseClientCaps(json.RawMessage(`{"textDocument":{"foldingRange":{"rangeLimit":"many","lineFoldingOnly":true}}}`))
	if !c.LineFoldingOnly || c.FoldingRangeLimit != 0 {
		t.Errorf("caps %+v", c)
	}
}
