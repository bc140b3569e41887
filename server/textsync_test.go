package server

import (
	"encoding/json"
	"testing"

	"go.lsp.dev/protocol"
)

func rng(l1, c1, l2, c2 uint32) *protocol.Range {
	return &protocol.Range{Start: pos(l1, c1), End: pos(l2, c2)}
}

type change struct {
	Range *protocol.Range `json:"range,omitempty"`
	Text  string          `json:"text"`
}

func changeParams(uri string, version int32, changes ...change) map[string]any {
	return map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": changes,
	}
}

// TestDidChangeIncremental edits lines with é, CJK and emoji in both encodings,
// through the whole stack, and checks the text the Engine sees.
func TestDidChangeIncremental(t *testing.T) {
	const uri = "file:///vault/Caf%C3%A9%20notes.md"
	const text = "# Café\nnaïve 中文 😀 end\n"
	for _, tc := range []struct {
		enc     string
		caps    string
		batch   []change // one didChange, applied in order
		deleteE change   // then delete " end" after the emoji
		multi   change   // then replace from 0:2 to just after "naïve"
	}{
		{
			enc:  "utf-16",
			caps: `{}`,
			batch: []change{
				{rng(1, 9, 1, 11), "🌱"}, // the emoji is two units
				{rng(1, 8, 1, 8), "!"},  // after 文
				{rng(0, 5, 0, 6), "e"},  // é
			},
			deleteE: change{rng(1, 12, 1, 16), ""},
			multi:   change{rng(0, 2, 1, 5), "X"},
		},
		{
			enc:  "utf-8",
			caps: `{"general":{"positionEncodings":["utf-8"]}}`,
			batch: []change{
				{rng(1, 14, 1, 18), "🌱"},
				{rng(1, 13, 1, 13), "!"},
				{rng(0, 5, 0, 7), "e"},
			},
			deleteE: change{rng(1, 19, 1, 23), ""},
			multi:   change{rng(0, 2, 1, 6), "X"},
		},
	} {
		t.Run(tc.enc, func(t *testing.T) {
			h := newHarness(t)
			h.initialize(tc.caps)
			h.notify(protocol.MethodTextDocumentDidOpen, openParams(uri, text))
			want(t, h.nextEvent(), "open", uri, text, 1)

			h.notify(protocol.MethodTextDocumentDidChange, changeParams(uri, 2, tc.batch...))
			want(t, h.nextEvent(), "change", uri, "# Cafe\nnaïve 中文! 🌱 end\n", 2)

			h.notify(protocol.MethodTextDocumentDidChange, changeParams(uri, 3, tc.deleteE))
			want(t, h.nextEvent(), "change", uri, "# Cafe\nnaïve 中文! 🌱\n", 3)

			h.notify(protocol.MethodTextDocumentDidChange, changeParams(uri, 4, tc.multi))
			want(t, h.nextEvent(), "change", uri, "# X 中文! 🌱\n", 4)

			// No range: the whole text. A range at 0:0: an insert (the two decode
			// alike with protocol's own type).
			h.notify(protocol.MethodTextDocumentDidChange, changeParams(uri, 5, change{Text: "new text"}))
			want(t, h.nextEvent(), "change", uri, "new text", 5)
			h.notify(protocol.MethodTextDocumentDidChange, changeParams(uri, 6, change{rng(0, 0, 0, 0), "> "}))
			want(t, h.nextEvent(), "change", uri, "> new text", 6)

			if d := h.srv.Document(uri); d == nil || d.Text != "> new text" || d.Version != 6 || d.URI != uri {
				t.Errorf("stored document = %+v", d)
			}

			h.notify(protocol.MethodTextDocumentDidSave, map[string]any{"textDocument": map[string]any{"uri": uri}})
			if ev := h.nextEvent(); ev.kind != "save" || ev.uri != uri {
				t.Errorf("event %+v, want save", ev)
			}
			h.notify(protocol.MethodTextDocumentDidClose, map[string]any{"textDocument": map[string]any{"uri": uri}})
			if ev := h.nextEvent(); ev.kind != "close" || ev.uri != uri {
				t.Errorf("event %+v, want close", ev)
			}
			if h.srv.Document(uri) != nil {
				t.Error("document still open after didClose")
			}
			// A change to a closed document is logged and goes nowhere.
			h.notify(protocol.MethodTextDocumentDidChange, changeParams(uri, 7, change{Text: "x"}))
			h.noEvent()
		})
	}
}

func want(t *testing.T, ev engineEvent, kind, uri, text string, version int32) {
	t.Helper()
	if ev.kind != kind || string(ev.uri) != uri || ev.text != text || ev.version != version {
		t.Fatalf("engine got %s %s v%d %q\nwant %s %s v%d %q", ev.kind, ev.uri, ev.version, ev.text, kind, uri, version, text)
	}
}

func TestApplyChanges(t *testing.T) {
	for _, tc := range []struct {
		name    string
		text    string
		enc     Encoding
		changes []contentChange
		want    string
	}{
		{"crlf lines", "a\r\nb\r\nc", UTF16, []contentChange{{rng(1, 0, 2, 0), "B\r\n"}}, "a\r\nB\r\nc"},
		{"lone cr lines", "a\rb\rc", UTF8, []contentChange{{rng(2, 0, 2, 1), "C"}}, "a\rb\rC"},
		{"join lines across crlf", "a\r\nb", UTF16, []contentChange{{rng(0, 1, 1, 0), ""}}, "ab"},
		{"append at EOF past the end", "ab", UTF16, []contentChange{{rng(5, 0, 5, 0), "!"}}, "ab!"},
		{"character past line end clamps", "ab\ncd", UTF8, []contentChange{{rng(0, 99, 0, 99), "!"}}, "ab!\ncd"},
		{"inside surrogate pair snaps to its start", "😀", UTF16, []contentChange{{rng(0, 1, 0, 1), "x"}}, "x😀"},
		{"backwards range inserts at start", "abc", UTF8, []contentChange{{rng(0, 2, 0, 1), "x"}}, "abxc"},
		{"full replacement in the middle of a batch", "abc", UTF8, []contentChange{
			{rng(0, 0, 0, 1), "z"}, {nil, "new"}, {rng(0, 3, 0, 3), "!"},
		}, "new!"},
		{"empty batch", "abc", UTF8, nil, "abc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := applyChanges(tc.text, NewLineIndex(tc.text), tc.enc, tc.changes)
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// The local didChange type tells "no range" from "range at 0:0".
func TestDidChangeParamsRange(t *testing.T) {
	var p didChangeParams
	raw := `{"textDocument":{"uri":"file:///a.md","version":2},"contentChanges":[{"text":"all"},{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"text":"x"}]}`
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	if p.ContentChanges[0].Range != nil || p.ContentChanges[1].Range == nil {
		t.Errorf("ranges = %v, %v", p.ContentChanges[0].Range, p.ContentChanges[1].Range)
	}
}

func TestDocumentPaths(t *testing.T) {
	h := newHarness(t)
	h.initialize(`{}`)
	const uri = "file:///vault/My%20Note.md"
	h.notify(protocol.MethodTextDocumentDidOpen, openParams(uri, "x"))
	h.nextEvent()
	d := h.srv.Document(uri)
	if d == nil || d.Path != "/vault/My Note.md" {
		t.Fatalf("document = %+v", d)
	}
	if got := h.srv.URIForPath("/vault/My Note.md"); got != uri {
		t.Errorf("URIForPath(open file) = %s, want the client's %s", got, uri)
	}
	if got := h.srv.URIForPath("/vault/Other.md"); got != "file:///vault/Other.md" {
		t.Errorf("URIForPath(other) = %s", got)
	}
	h.notify(protocol.MethodTextDocumentDidOpen, openParams("untitled:Untitled-1", "y"))
	h.nextEvent()
	if d := h.srv.Document("untitled:Untitled-1"); d == nil || d.Path != "" {
		t.Errorf("untitled document = %+v", d)
	}
	if n := len(h.srv.Documents()); n != 2 {
		t.Errorf("%d documents open, want 2", n)
	}
}

func TestServerOffsetRange(t *testing.T) {
	for _, tc := range []struct {
		caps string
		pos  protocol.Position
	}{
		{`{}`, pos(0, 2)},
		{`{"general":{"positionEncodings":["utf-8"]}}`, pos(0, 4)},
	} {
		h := newHarness(t)
		h.initialize(tc.caps)
		h.notify(protocol.MethodTextDocumentDidOpen, openParams("file:///a.md", "😀x"))
		h.nextEvent()
		d := h.srv.Document("file:///a.md")
		if off := h.srv.Offset(d, tc.pos); off != 4 {
			t.Errorf("%s: Offset(%v) = %d, want 4", tc.caps, tc.pos, off)
		}
		if r := h.srv.Range(d, 4, 5); r.Start != tc.pos {
			t.Errorf("%s: Range(4, 5) = %v", tc.caps, r)
		}
	}
}
