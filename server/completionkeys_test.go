package server

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// keyItem is a frontmatter completion item as the client reads it.
type keyItem struct {
	Label    string                      `json:"label"`
	Kind     protocol.CompletionItemKind `json:"kind"`
	Detail   string                      `json:"detail"`
	TextEdit *protocol.TextEdit          `json:"textEdit"`
}

// completeKeysAt edits uri to text, asks for completion just after marker
// (in the session's encoding) until an item labelled label comes (the vault
// is indexed in the background), and returns it with every item's label.
func (s *lspSession) completeKeysAt(uri protocol.DocumentURI, version int32, text, marker, label string) (keyItem, []string) {
	s.t.Helper()
	s.notify(protocol.MethodTextDocumentDidChange, didChangeParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: version},
		ContentChanges: []contentChange{{Text: text}},
	})
	var labels []string
	for range 200 {
		raw, err := s.call(protocol.MethodTextDocumentCompletion, protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
			TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: s.pos(text, marker)}})
		if err != nil {
			s.t.Fatal(err)
		}
		var list struct {
			Items []keyItem `json:"items"`
		}
		if err := json.Unmarshal(raw, &list); err != nil {
			s.t.Fatal(err)
		}
		labels = labels[:0]
		var found *keyItem
		for i, it := range list.Items {
			if it.Label == label {
				found = &list.Items[i]
			}
			labels = append(labels, it.Label)
		}
		if found != nil {
			return *found, labels
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatalf("no item %q after %q; items %q", label, marker, labels)
	return keyItem{}, nil
}

// Frontmatter keys and values over the wire, in UTF-16, on lines with
// characters outside the BMP and Latin-1: the ranges are in UTF-16 units.
func TestCompletionFrontmatterUTF16(t *testing.T) {
	s := startSession(t, map[string]string{
		"a.md":    "---\nstatus: 🌱 seedling\ntype: book\n---\n# A\n",
		"b.md":    "---\nstatus: 🌱 seedling\n---\n# B\n",
		"c.md":    "---\nstatus: Über budding\n---\n# C\n",
		"here.md": "---\ntitle: Café\n---\n# Here\n",
	}, utf16Caps)
	if s.enc != UTF16 {
		t.Fatalf("negotiated %s, want utf-16", s.enc)
	}
	s.open("here.md")
	uri := s.uri("here.md")

	text := "---\ntitle: Café\nstatus: 🌱 se\n---\n# Here\n"
	it, _ := s.completeKeysAt(uri, 2, text, "🌱 se", "🌱 seedling")
	want := protocol.Range{Start: protocol.Position{Line: 2, Character: 8}, End: protocol.Position{Line: 2, Character: 13}}
	if it.TextEdit == nil || it.TextEdit.Range != want || it.TextEdit.NewText != "🌱 seedling" {
		t.Errorf("value item edits %+v, want %q over %+v (UTF-16: the emoji is two units)", it.TextEdit, "🌱 seedling", want)
	}
	if it.Kind != protocol.CompletionItemKindValue || it.Detail != "in 2 notes" {
		t.Errorf("value item kind %v, detail %q; want Value, \"in 2 notes\"", it.Kind, it.Detail)
	}

	text = "---\ntitle: Café\nstatus: Üb\n---\n# Here\n"
	it, _ = s.completeKeysAt(uri, 3, text, "Üb", "Über budding")
	want = protocol.Range{Start: protocol.Position{Line: 2, Character: 8}, End: protocol.Position{Line: 2, Character: 10}}
	if it.TextEdit == nil || it.TextEdit.Range != want {
		t.Errorf("value item edits %+v, want the range %+v", it.TextEdit, want)
	}

	text = "---\ntitle: Café 🎉\nt\n---\n# Here\n"
	it, labels := s.completeKeysAt(uri, 4, text, "🎉\nt", "type")
	want = protocol.Range{Start: protocol.Position{Line: 2, Character: 0}, End: protocol.Position{Line: 2, Character: 1}}
	if it.TextEdit == nil || it.TextEdit.Range != want || it.TextEdit.NewText != "type: " {
		t.Errorf("key item edits %+v, want %q over %+v", it.TextEdit, "type: ", want)
	}
	if it.Kind != protocol.CompletionItemKindProperty || it.Detail != "in 1 note" {
		t.Errorf("key item kind %v, detail %q; want Property, \"in 1 note\"", it.Kind, it.Detail)
	}
	if slices.Contains(labels, "title") || !slices.Contains(labels, "tags") {
		t.Errorf("keys %q: want tags (rhizome's, unused) and not title (the note has it)", labels)
	}
}
