package server

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// wireList is a completion reply as the client reads it.
type wireList struct {
	IsIncomplete bool `json:"isIncomplete"`
	ItemDefaults *struct {
		EditRange *protocol.Range `json:"editRange"`
	} `json:"itemDefaults"`
	Items []json.RawMessage `json:"items"`
}

type wireItem struct {
	Label         string                  `json:"label"`
	TextEdit      *protocol.TextEdit      `json:"textEdit"`
	TextEditText  *string                 `json:"textEditText"`
	Data          json.RawMessage         `json:"data"`
	Documentation *protocol.MarkupContent `json:"documentation"`
}

// completeUntil is completeAt, asked again until the item labelled label is
// there (vaults are indexed in the background) or two seconds have passed.
func (h *harness) completeUntil(uri protocol.DocumentURI, text, marker, label string) (wireList, json.RawMessage) {
	h.t.Helper()
	list, raw := h.completeAt(uri, text, marker, label)
	for i := 0; i < 200 && raw == nil; i++ {
		time.Sleep(10 * time.Millisecond)
		list, raw = h.completeAt(uri, text, marker, label)
	}
	return list, raw
}

// completeAt asks for completion after the first marker in text and returns
// the list and the raw item labelled label.
func (h *harness) completeAt(uri protocol.DocumentURI, text, marker, label string) (wireList, json.RawMessage) {
	h.t.Helper()
	i := strings.Index(text, marker) + len(marker)
	line := strings.Count(text[:i], "\n")
	col := i - (strings.LastIndexByte(text[:i], '\n') + 1)
	raw, err := h.call(protocol.MethodTextDocumentCompletion, protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: protocol.Position{Line: uint32(line), Character: uint32(col)}}})
	if err != nil {
		h.t.Fatal(err)
	}
	var list wireList
	if err := json.Unmarshal(raw, &list); err != nil {
		h.t.Fatal(err)
	}
	for _, it := range list.Items {
		var w wireItem
		if err := json.Unmarshal(it, &w); err != nil {
			h.t.Fatal(err)
		}
		if w.Label == label {
			return list, it
		}
	}
	return list, nil
}

func decodeItem(t *testing.T, raw json.RawMessage) wireItem {
	t.Helper()
	var w wireItem
	if err := json.Unmarshal(raw, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

// A client that takes a default edit range (VS Code does) gets the range once
// and each item's text alone, the label standing for a text equal to it; the
// resolved item keeps what it had and gains the note's description.
func TestCompletionEditRangeDefault(t *testing.T) {
	s := startSession(t, featureVault, `{"textDocument":{"completion":{"completionList":{"itemDefaults":["editRange","data"]}}}}`)
	s.open("Other.md")
	uri := s.uri("Other.md")
	for _, tc := range []struct {
		text, marker string
		insert       *string // nil: the label
	}{
		{"# Other\n\nSee [[Tar\n", "[[Tar", ptr("Target Note]]")},
		{"# Other\n\nSee [[Tar]] too.\n", "[[Tar", nil}, // the editor closed the brackets
	} {
		s.notify(protocol.MethodTextDocumentDidChange, didChangeParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: 2},
			ContentChanges: []contentChange{{Text: tc.text}},
		})
		list, raw := s.completeUntil(uri, tc.text, tc.marker, "Target Note")
		if raw == nil {
			t.Fatalf("%q: no Target Note in %d items", tc.text, len(list.Items))
		}
		start := strings.Index(tc.text, "[[Tar") + 2
		want := protocol.Range{Start: s.posAt(tc.text, start), End: s.posAt(tc.text, start+3)}
		if list.ItemDefaults == nil || list.ItemDefaults.EditRange == nil || *list.ItemDefaults.EditRange != want {
			t.Errorf("%q: itemDefaults %+v, want the edit range %+v", tc.text, list.ItemDefaults, want)
		}
		item := decodeItem(t, raw)
		if item.TextEdit != nil || (item.TextEditText == nil) != (tc.insert == nil) || tc.insert != nil && *item.TextEditText != *tc.insert {
			t.Errorf("%q: item %s, want textEditText %v and no textEdit", tc.text, raw, tc.insert)
		}
		if string(item.Data) != `{"path":"Target Note.md"}` {
			t.Errorf("%q: data %s, want the path alone (one vault)", tc.text, item.Data)
		}

		resolved, err := s.call(protocol.MethodCompletionItemResolve, raw)
		if err != nil {
			t.Fatal(err)
		}
		got := decodeItem(t, resolved)
		if got.Documentation == nil || got.Documentation.Value != "Where the links go." ||
			(got.TextEditText == nil) != (item.TextEditText == nil) || got.Label != item.Label || string(got.Data) != string(item.Data) {
			t.Errorf("%q: resolved %s from %s", tc.text, resolved, raw)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// With two vaults open an item names its vault, and resolving it reads the
// description there, not from the other vault's note of the same path.
func TestCompletionResolveInItsVault(t *testing.T) {
	note := "See [[sha\n"
	a := writeVault(t, map[string]string{"note.md": note, "shared.md": "---\ndescription: In A.\n---\n# Shared\n"})
	b := writeVault(t, map[string]string{"note.md": note, "shared.md": "---\ndescription: In B.\n---\n# Shared\n"})
	h := startFolders(t, a, b)
	for _, v := range []struct{ root, want string }{{a, "In A."}, {b, "In B."}} {
		uri := fileURIOf(filepath.Join(v.root, "note.md"))
		h.openText(uri, note)
		_, raw := h.completeUntil(uri, note, "[[sha", "Shared")
		if raw == nil {
			t.Fatalf("no Shared item in %s", v.root)
		}
		var d resolveData
		if err := json.Unmarshal(decodeItem(t, raw).Data, &d); err != nil || d.Root != v.root || d.Path != "shared.md" {
			t.Errorf("data %s, want root %s and path shared.md", decodeItem(t, raw).Data, v.root)
		}
		resolved, err := h.call(protocol.MethodCompletionItemResolve, raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeItem(t, resolved); got.Documentation == nil || got.Documentation.Value != v.want {
			t.Errorf("resolved in %s: %s, want %q", v.root, resolved, v.want)
		}
	}
}

// An item whose text is empty says so: left out, the label would be written.
// A heading of punctuation alone has an empty GitHub slug.
func TestCompletionEmptyTextIsNotTheLabel(t *testing.T) {
	s := startSession(t, map[string]string{"a.md": "# A\n\n## !!!\n", "b.md": "See [x](a.md#\n"}, `{"textDocument":{"completion":{"completionList":{"itemDefaults":["editRange"]}}}}`)
	text := s.open("b.md")
	uri := s.uri("b.md")
	list, raw := s.completeUntil(uri, text, "a.md#", "!!!")
	if raw == nil {
		t.Fatalf("no !!! heading in %d items", len(list.Items))
	}
	if item := decodeItem(t, raw); list.ItemDefaults == nil || item.TextEditText == nil || *item.TextEditText != "" {
		t.Errorf("item %s with defaults %+v, want textEditText \"\"", raw, list.ItemDefaults)
	}
}

// The headings "[[##" finds carry the note they are in as labelDetails, which
// an editor shows beside every label, for a client that supports it: a
// hundred notes may have a heading "Overview".
func TestCompletionHeadingsSayTheirNote(t *testing.T) {
	vault := map[string]string{
		"a.md":    "# Alpha\n\n## Overview\n",
		"b.md":    "# Beta\n\n## Overview\n",
		"here.md": "# Here\n\nSee [[##overv\n",
	}
	for _, tc := range []struct {
		caps string
		want []string
	}{
		{`{"textDocument":{"completion":{"completionItem":{"labelDetailsSupport":true}}}}`, []string{`{"description":"Alpha"}`, `{"description":"Beta"}`}},
		{`{}`, []string{"", ""}},
	} {
		s := startSession(t, vault, tc.caps)
		text := s.open("here.md")
		list, raw := s.completeUntil(s.uri("here.md"), text, "[[##overv", "Overview")
		if raw == nil || len(list.Items) != 2 {
			t.Fatalf("%s: %d items", tc.caps, len(list.Items))
		}
		for i, it := range list.Items {
			var item struct {
				LabelDetails json.RawMessage `json:"labelDetails"`
			}
			if err := json.Unmarshal(it, &item); err != nil || string(item.LabelDetails) != tc.want[i] {
				t.Errorf("%s: item %d %s, want labelDetails %s", tc.caps, i, it, tc.want[i])
			}
		}
	}
}
