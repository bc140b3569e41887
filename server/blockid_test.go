package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// A block reference to a paragraph without an id, over the wire: the item
// writes "^id]]" and carries the command that gives the paragraph its id;
// run as the editor runs it, the command asks the editor to apply " ^id" at
// the end of the paragraph's last line (after an emoji, on CRLF lines, in
// the session's encoding). Run again, before or after the editor's change
// comes, it asks nothing; on a line that is gone it fails.
func TestBlockReferenceCompletionAddsTheID(t *testing.T) {
	vault := map[string]string{
		"target.md": "# Target\r\n\r\n😀 First block,\r\nits second line.\r\n\r\n- an item ^have\r\n",
		"here.md":   "# Here\n\nSee [[target#^\n",
	}
	caps := `{"workspace":{"applyEdit":true,"workspaceEdit":{"documentChanges":true}},"general":{"positionEncodings":["%s"]}}`
	for _, enc := range []string{"utf-8", "utf-16"} {
		t.Run(enc, func(t *testing.T) {
			s := startSession(t, vault, strings.Replace(caps, "%s", enc, 1))
			here := s.open("here.md")
			_, raw := s.completeUntil(s.uri("here.md"), here, "[[target#^", "😀 First block,")
			if raw == nil {
				t.Fatal("no item for the first block")
			}
			item := decodeBlockItem(t, raw)
			id := strings.TrimSuffix(strings.TrimPrefix(item.TextEdit.NewText, "^"), "]]")
			if item.uri != s.uri("target.md") || item.args != (blockIDArgs{Line: 3, Col: len("its second line."), Text: "its second line.", ID: id}) || len(id) != 6 {
				t.Fatalf("command arguments %s, text %q", item.Command.Arguments, item.TextEdit.NewText)
			}

			run := func() (json.RawMessage, error) {
				return s.call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandAddBlockID, "arguments": item.Command.Arguments})
			}
			res, err := run()
			if err != nil || string(res) != `{"applied":true}` {
				t.Fatalf("command: %s, %v", res, err)
			}
			text := vault["target.md"]
			end := s.posAt(text, strings.Index(text, "line.")+len("line."))
			wantApplied(t, s, "target.md", id, protocol.TextEdit{Range: protocol.Range{Start: end, End: end}, NewText: " ^" + id})

			// Run again before the editor's change comes, and after it.
			if res, err := run(); err != nil || string(res) != `{"applied":false}` {
				t.Errorf("run again at once: %s, %v", res, err)
			}
			s.openText(s.uri("target.md"), strings.Replace(text, "line.", "line. ^"+id, 1))
			if res, err := run(); err != nil || string(res) != `{"applied":false}` {
				t.Errorf("run again: %s, %v", res, err)
			}
			// A line that is gone is an error each time it is asked for.
			s.openText(s.uri("target.md"), "# Target\n\nAll new.\n")
			for range 2 {
				_, err = s.call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandAddBlockID,
					"arguments": []any{s.uri("target.md"), blockIDArgs{Line: 3, Col: 16, Text: "its second line.", ID: "zzz999"}}})
				wantCode(t, err, CodeRequestFailed)
			}
			_, err = s.call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandAddBlockID, "arguments": []any{s.uri("target.md")}})
			wantCode(t, err, jsonrpc2.InvalidParams)
		})
	}
}

// A quote or a callout is one block, whose id the command puts on a line
// of its own after it, between blank lines.
func TestBlockReferenceCompletionAddsTheIDApart(t *testing.T) {
	vault := map[string]string{
		"target.md": "# Target\n\n> [!note] A callout\n> its body\n# Next\n",
		"here.md":   "# Here\n\nSee [[target#^\n",
	}
	s := startSession(t, vault, `{"workspace":{"applyEdit":true,"workspaceEdit":{"documentChanges":true}}}`)
	_, raw := s.completeUntil(s.uri("here.md"), s.open("here.md"), "[[target#^", "[!note] A callout")
	if raw == nil {
		t.Fatal("no item for the callout")
	}
	item := decodeBlockItem(t, raw)
	id := strings.TrimSuffix(strings.TrimPrefix(item.TextEdit.NewText, "^"), "]]")
	if item.args != (blockIDArgs{Line: 3, Col: len("> its body"), Text: "> its body", ID: id, Apart: true}) {
		t.Fatalf("command arguments %s", item.Command.Arguments)
	}
	res, err := s.call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandAddBlockID, "arguments": item.Command.Arguments})
	if err != nil || string(res) != `{"applied":true}` {
		t.Fatalf("command: %s, %v", res, err)
	}
	end := protocol.Position{Line: 3, Character: uint32(len("> its body"))}
	wantApplied(t, s, "target.md", id, protocol.TextEdit{Range: protocol.Range{Start: end, End: end}, NewText: "\n\n^" + id + "\n"})
}

// blockItem is a block completion item as the wire has it, with its
// command's arguments decoded.
type blockItem struct {
	TextEdit *protocol.TextEdit `json:"textEdit"`
	Command  *struct {
		Command   string            `json:"command"`
		Arguments []json.RawMessage `json:"arguments"`
	} `json:"command"`
	uri  protocol.DocumentURI
	args blockIDArgs
}

func decodeBlockItem(t *testing.T, raw json.RawMessage) blockItem {
	t.Helper()
	var item blockItem
	if err := json.Unmarshal(raw, &item); err != nil {
		t.Fatal(err)
	}
	if item.TextEdit == nil || item.Command == nil || item.Command.Command != commandAddBlockID || len(item.Command.Arguments) != 2 ||
		json.Unmarshal(item.Command.Arguments[0], &item.uri) != nil || json.Unmarshal(item.Command.Arguments[1], &item.args) != nil {
		t.Fatalf("item %s", raw)
	}
	return item
}

// wantApplied checks the next workspace/applyEdit the server sends: one
// edit of note path, adding the block id id.
func wantApplied(t *testing.T, s *lspSession, path, id string, want protocol.TextEdit) {
	t.Helper()
	label, ch, raw := s.nextApplyEdit()
	if label != "Add the block id ^"+id || len(ch) != 1 || ch[0].TextDocument.URI != s.uri(path) || len(ch[0].Edits) != 1 || ch[0].Edits[0] != want {
		t.Fatalf("applyEdit %s, want the edit %+v", raw, want)
	}
}

// An added id is claimed for blockIDMemory, then forgotten; a released one
// can be claimed again at once.
func TestRecentBlockIDs(t *testing.T) {
	var r recentBlockIDs
	now := time.Now()
	if !r.claim("a#^x", now) || r.claim("a#^x", now.Add(blockIDMemory-time.Second)) || !r.claim("b#^x", now) {
		t.Fatal("a claim within the memory was given twice, or another key refused")
	}
	if !r.claim("a#^x", now.Add(blockIDMemory)) {
		t.Error("a claim was kept past the memory")
	}
	r.release("b#^x")
	if !r.claim("b#^x", now.Add(blockIDMemory)) || len(r.added) != 2 {
		t.Errorf("after a release: %v", r.added)
	}
}

// An editor that does not run a completion item's command (eglot 1.9)
// leaves the link's new id missing from its paragraph: the broken-block
// diagnostic then has a quick fix that adds it there, in the other note.
func TestBlockIDQuickFix(t *testing.T) {
	vault := map[string]string{
		"target.md": "# Target\r\n\r\n😀 First block,\r\nits second line.\r\n",
		"here.md":   "# Here\n\nSee [[target#^\n",
	}
	s := startSession(t, vault, `{"workspace":{"workspaceEdit":{"documentChanges":true}},"general":{"positionEncodings":["utf-16"]}}`)
	here := s.open("here.md")
	_, raw := s.completeUntil(s.uri("here.md"), here, "[[target#^", "😀 First block,")
	if raw == nil {
		t.Fatal("no item for the block")
	}
	newText := decodeItem(t, raw).TextEdit.NewText // "^id]]"
	id := strings.TrimSuffix(strings.TrimPrefix(newText, "^"), "]]")
	linked := strings.Replace(here, "[[target#^", "[["+"target#"+newText, 1)
	s.notify(protocol.MethodTextDocumentDidChange, protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: s.uri("here.md")}, Version: 2},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{{Text: linked}},
	})
	s.diagnosticsFor(s.uri("here.md"), hasCode("broken-block"))
	at := strings.Index(linked, "[[target")
	raw, err := s.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("here.md")},
		Range:        protocol.Range{Start: s.posAt(linked, at+3), End: s.posAt(linked, at+3)},
	})
	if err != nil {
		t.Fatal(err)
	}
	var actions []struct {
		Title string `json:"title"`
		Edit  struct {
			DocumentChanges []protocol.TextDocumentEdit `json:"documentChanges"`
		} `json:"edit"`
	}
	if err := json.Unmarshal(raw, &actions); err != nil {
		t.Fatal(err)
	}
	text := vault["target.md"]
	end := s.posAt(text, strings.Index(text, "line.")+len("line."))
	want := protocol.TextEdit{Range: protocol.Range{Start: end, End: end}, NewText: " ^" + id}
	for _, a := range actions {
		if a.Title == `Add ^`+id+` to the paragraph "😀 First block," in target.md` {
			if ch := a.Edit.DocumentChanges; len(ch) != 1 || ch[0].TextDocument.URI != s.uri("target.md") || len(ch[0].Edits) != 1 || ch[0].Edits[0] != want {
				t.Errorf("the fix's edit: %+v, want %+v", a.Edit, want)
			}
			return
		}
	}
	t.Errorf("no fix adding ^%s among %s", id, raw)
}

// "[[^^" over the wire, with notes read from disk: each block of the vault
// that holds the query, its text intact, links by "note#^id", and one without
// an id carries the command that adds it in its own note.
func TestAnyBlockCompletion(t *testing.T) {
	vault := map[string]string{"here.md": "# Here\n\nSee [[^^block\n"}
	for i := range 40 {
		vault[fmt.Sprintf("n%02d.md", i)] = fmt.Sprintf("# Note %02d\n\nThe block of note %02d.\n\n- listed block %02d ^id%02d\n", i, i, i, i)
	}
	s := startSession(t, vault, `{"workspace":{"applyEdit":true}}`)
	here := s.open("here.md")
	list, raw := s.completeUntil(s.uri("here.md"), here, "[[^^block", "The block of note 39.")
	if raw == nil || len(list.Items) != 80 || list.IsIncomplete {
		t.Fatalf("%d items, incomplete %v; want 80, complete", len(list.Items), list.IsIncomplete)
	}
	for _, it := range list.Items {
		var item struct {
			Label    string             `json:"label"`
			TextEdit *protocol.TextEdit `json:"textEdit"`
			Command  *struct {
				Arguments []json.RawMessage `json:"arguments"`
			} `json:"command"`
		}
		if err := json.Unmarshal(it, &item); err != nil {
			t.Fatal(err)
		}
		var n int
		switch {
		case strings.HasPrefix(item.Label, "The block of note "):
			fmt.Sscanf(item.Label, "The block of note %d.", &n)
			var uri protocol.DocumentURI
			var args blockIDArgs
			if item.Command == nil || len(item.Command.Arguments) != 2 || json.Unmarshal(item.Command.Arguments[0], &uri) != nil ||
				json.Unmarshal(item.Command.Arguments[1], &args) != nil || uri != s.uri(fmt.Sprintf("n%02d.md", n)) ||
				args.Text != item.Label || item.TextEdit == nil || item.TextEdit.NewText != fmt.Sprintf("n%02d#^%s]]", n, args.ID) {
				t.Errorf("%s", it)
			}
		case strings.HasPrefix(item.Label, "listed block "):
			fmt.Sscanf(item.Label, "listed block %d", &n)
			if item.Label != fmt.Sprintf("listed block %02d", n) || item.Command != nil || item.TextEdit == nil || item.TextEdit.NewText != fmt.Sprintf("n%02d#^id%02d]]", n, n) {
				t.Errorf("%s", it)
			}
		default:
			t.Errorf("%s", it)
		}
		if r := item.TextEdit.Range; r.Start != s.posAt(here, strings.Index(here, "^^")) || r.End != s.posAt(here, strings.Index(here, "block\n")+len("block")) {
			t.Errorf("%s: range %+v", item.Label, r)
		}
	}
}
