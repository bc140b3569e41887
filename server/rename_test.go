package server

import (
	"encoding/json"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// renameVault has a link after an emoji (so a range in the wrong encoding is
// off), a relative markdown link, and a heading linked by slug.
var renameVault = map[string]string{
	"index.md":       "# Home\n\nCafé 😀 [[Target Note]] and [[Target Note#Section Two|two]].\n",
	"Target Note.md": "# Target Note\n\n## Section Two\n\nText.\n",
	"notes/a.md":     "See [t](../Target%20Note.md#section-two) and [[Other]].\n",
	"Other.md":       "# Other\n",
}

const renameCaps = `{"general":{"positionEncodings":[%s]},"workspace":{"workspaceEdit":{"documentChanges":true,"resourceOperations":["create","rename"]},` +
	`"fileOperations":{"willRename":true}},"textDocument":{"rename":{"prepareSupport":true}}}`

// wireEdit is a WorkspaceEdit as it arrives: text edits and file renames in
// documentChanges, or changes.
type wireEdit struct {
	Changes         map[protocol.DocumentURI][]protocol.TextEdit `json:"changes"`
	DocumentChanges []struct {
		Kind         string                                           `json:"kind"`
		OldURI       protocol.DocumentURI                             `json:"oldUri"`
		NewURI       protocol.DocumentURI                             `json:"newUri"`
		TextDocument protocol.OptionalVersionedTextDocumentIdentifier `json:"textDocument"`
		Edits        []protocol.TextEdit                              `json:"edits"`
	} `json:"documentChanges"`
}

func renameSession(t *testing.T, caps string) (*lspSession, string) {
	t.Helper()
	s := startSession(t, renameVault, caps)
	s.waitLog("indexed", `"notes": 4`)
	return s, s.open("index.md")
}

func (s *lspSession) positionParams(uri protocol.DocumentURI, text, marker string) protocol.TextDocumentPositionParams {
	return protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: s.pos(text, marker)}
}

// rangeOf is the range of the first occurrence of sub after marker in text.
func (s *lspSession) rangeOf(text, marker, sub string) protocol.Range {
	s.t.Helper()
	i := strings.Index(text, marker)
	j := strings.Index(text[i:], sub)
	if i < 0 || j < 0 {
		s.t.Fatalf("%q after %q not in text", sub, marker)
	}
	return protocol.Range{Start: s.posAt(text, i+j), End: s.posAt(text, i+j+len(sub))}
}

func TestRenameNoteOverTheWire(t *testing.T) {
	for _, enc := range []string{`"utf-8"`, `"utf-16"`} {
		t.Run(enc, func(t *testing.T) {
			s, text := renameSession(t, strings.Replace(renameCaps, "%s", enc, 1))
			uri := s.uri("index.md")

			raw, err := s.call(protocol.MethodTextDocumentPrepareRename, protocol.PrepareRenameParams{TextDocumentPositionParams: s.positionParams(uri, text, "😀 [[Tar")})
			if err != nil {
				t.Fatal(err)
			}
			var prep prepareRenameResult
			if err := json.Unmarshal(raw, &prep); err != nil {
				t.Fatal(err)
			}
			if want := s.rangeOf(text, "😀 [[", "Target Note"); prep.Range != want || prep.Placeholder != "Target Note" {
				t.Errorf("prepareRename: %+v, want range %+v, placeholder Target Note", prep, want)
			}

			edit, raw := s.editCall(protocol.MethodTextDocumentRename, protocol.RenameParams{TextDocumentPositionParams: s.positionParams(uri, text, "😀 [[Tar"), NewName: "Goal"})
			dc := edit.DocumentChanges
			if len(dc) != 3 {
				t.Fatalf("documentChanges: %s", raw)
			}
			// The open note's edits carry its version; the others' none.
			if dc[0].TextDocument.URI != uri || dc[0].TextDocument.Version == nil || *dc[0].TextDocument.Version != 1 || len(dc[0].Edits) != 2 {
				t.Errorf("index.md's edits: %+v", dc[0])
			}
			want := []protocol.TextEdit{
				{Range: s.rangeOf(text, "😀 [[", "Target Note"), NewText: "Goal"},
				{Range: s.rangeOf(text, "and [[", "Target Note"), NewText: "Goal"},
			}
			for i := range want {
				if i < len(dc[0].Edits) && dc[0].Edits[i] != want[i] {
					t.Errorf("edit %d: %+v, want %+v", i, dc[0].Edits[i], want[i])
				}
			}
			aText := renameVault["notes/a.md"]
			if dc[1].TextDocument.URI != s.uri("notes/a.md") || dc[1].TextDocument.Version != nil || len(dc[1].Edits) != 1 ||
				dc[1].Edits[0].NewText != "../Goal.md" || dc[1].Edits[0].Range != s.rangeOf(aText, "[t](", "../Target%20Note.md") {
				t.Errorf("notes/a.md's edits: %+v", dc[1])
			}
			// The file moves last: the edits name it where it is.
			if dc[2].Kind != "rename" || dc[2].OldURI != s.uri("Target Note.md") || dc[2].NewURI != s.uri("Goal.md") {
				t.Errorf("file rename: %+v", dc[2])
			}
		})
	}
}

// An editor that cannot rename files gets the reason; a heading rename needs
// no file rename and comes as changes.
func TestRenameWithoutResourceOperations(t *testing.T) {
	s, text := renameSession(t, `{"workspace":{"workspaceEdit":{"resourceOperations":["create"]}}}`)
	uri := s.uri("index.md")
	_, err := s.call(protocol.MethodTextDocumentRename, protocol.RenameParams{TextDocumentPositionParams: s.positionParams(uri, text, "😀 [[Tar"), NewName: "Goal"})
	if e := wantCode(t, err, CodeRequestFailed); !strings.Contains(e.Message, "file explorer") {
		t.Errorf("message %q does not say what to do", e.Message)
	}
	edit, raw := s.editCall(protocol.MethodTextDocumentRename, protocol.RenameParams{TextDocumentPositionParams: s.positionParams(uri, text, "[[Target Note#Sec"), NewName: "Part 2"})
	got := map[string]string{}
	for u, edits := range edit.Changes {
		for _, e := range edits {
			got[strings.TrimPrefix(string(u), string(s.uri(""))+"/")] += e.NewText + ";"
		}
	}
	want := map[string]string{"index.md": "Part 2;", "Target%20Note.md": "Part 2;", "notes/a.md": "part-2;"}
	if len(got) != len(want) || got["index.md"] != want["index.md"] || got["Target%20Note.md"] != want["Target%20Note.md"] || got["notes/a.md"] != want["notes/a.md"] {
		t.Errorf("changes %v, want %v (%s)", got, want, raw)
	}
	// The initialize reply announced rename without prepareRename.
	_, err = s.call(protocol.MethodTextDocumentPrepareRename, protocol.PrepareRenameParams{TextDocumentPositionParams: s.positionParams(uri, text, "Caf")})
	if e := wantCode(t, err, CodeRequestFailed); !strings.Contains(e.Message, "nothing to rename") {
		t.Errorf("prepareRename on prose: %q", e.Message)
	}
}

func TestWillRenameFiles(t *testing.T) {
	s, _ := renameSession(t, strings.Replace(renameCaps, "%s", `"utf-16"`, 1))
	edit, raw := s.editCall(protocol.MethodWillRenameFiles, protocol.RenameFilesParams{Files: []protocol.FileRename{
		{OldURI: string(s.uri("Target Note.md")), NewURI: string(s.uri("archive/Target Note.md"))},
		{OldURI: "untitled:Untitled-1", NewURI: "untitled:Untitled-2"},
	}})
	// Wikilinks by the note's name still reach it; the relative link follows.
	dc := edit.DocumentChanges
	if len(dc) != 1 || dc[0].TextDocument.URI != s.uri("notes/a.md") || len(dc[0].Edits) != 1 || dc[0].Edits[0].NewText != "../archive/Target%20Note.md" {
		t.Errorf("willRenameFiles: %s", raw)
	}
	// A folder moved: the relative link of its note to a note outside follows.
	edit, raw = s.editCall(protocol.MethodWillRenameFiles, protocol.RenameFilesParams{Files: []protocol.FileRename{
		{OldURI: string(s.uri("notes")), NewURI: string(s.uri("deep/notes"))},
	}})
	if dc := edit.DocumentChanges; len(dc) != 1 || len(dc[0].Edits) != 1 || dc[0].Edits[0].NewText != "../../Target%20Note.md" {
		t.Errorf("willRenameFiles of a folder: %s", raw)
	}
	// Onto a note that exists: the editor decides; rhizome edits nothing
	// and says why in its log.
	edit, raw = s.editCall(protocol.MethodWillRenameFiles, protocol.RenameFilesParams{Files: []protocol.FileRename{
		{OldURI: string(s.uri("Other.md")), NewURI: string(s.uri("Target Note.md"))},
	}})
	if len(edit.DocumentChanges) != 0 || len(edit.Changes) != 0 {
		t.Errorf("willRenameFiles onto an existing note: %s", raw)
	}
	s.waitLog("links not updated for a move", "Target Note.md already exists")
}

func TestRenameCapabilities(t *testing.T) {
	h := newHarness(t, withRealEngine())
	caps := h.initialize(strings.Replace(renameCaps, "%s", `"utf-16"`, 1))["capabilities"].(map[string]any)
	if rp, ok := caps["renameProvider"].(map[string]any); !ok || rp["prepareProvider"] != true {
		t.Errorf("renameProvider %v, want prepareProvider", caps["renameProvider"])
	}
	ws, _ := caps["workspace"].(map[string]any)
	fo, _ := ws["fileOperations"].(map[string]any)
	for _, op := range []string{"willRename", "didRename", "didCreate", "didDelete"} {
		o, _ := fo[op].(map[string]any)
		if filters, _ := o["filters"].([]any); len(filters) != 1 {
			t.Errorf("workspace.fileOperations.%s %v", op, ws)
		}
	}
	h2 := newHarness(t, withRealEngine())
	if rp := h2.initialize(`{}`)["capabilities"].(map[string]any)["renameProvider"]; rp != true {
		t.Errorf("renameProvider without prepareSupport %v, want true", rp)
	}
}

// Neovim 0.7 announces resourceOperations but not documentChanges: it gets
// the file rename in documentChanges, which it applies.
func TestRenameForResourceOperationsWithoutDocumentChanges(t *testing.T) {
	s, text := renameSession(t, `{"workspace":{"workspaceEdit":{"resourceOperations":["rename","create","delete"]}}}`)
	edit, raw := s.editCall(protocol.MethodTextDocumentRename, protocol.RenameParams{TextDocumentPositionParams: s.positionParams(s.uri("index.md"), text, "😀 [[Tar"), NewName: "Goal"})
	if dc := edit.DocumentChanges; len(dc) != 3 || dc[2].Kind != "rename" || edit.Changes != nil {
		t.Errorf("rename for a client with resource operations: %s", raw)
	}
}

// editCall makes a request whose answer is a WorkspaceEdit.
func (s *lspSession) editCall(method string, params any) (wireEdit, json.RawMessage) {
	s.t.Helper()
	raw, err := s.call(method, params)
	if err != nil {
		s.t.Fatalf("%s: %v", method, err)
	}
	var edit wireEdit
	if err := json.Unmarshal(raw, &edit); err != nil {
		s.t.Fatalf("%s: %v in %s", method, err, raw)
	}
	return edit, raw
}

// A block id renamed over the wire, from its "^id" after an emoji: the
// editor selects the id without '^', and gets the id's edit and those of the
// links to it, in the session's encoding.
func TestRenameBlockOverTheWire(t *testing.T) {
	vault := map[string]string{
		"Target.md": "# Target\n\nCafé 😀 a block. ^old-id\n",
		"index.md":  "😀 [[Target#^old-id]] and [b](Target.md#^old-id)\n",
	}
	for _, enc := range []string{`"utf-8"`, `"utf-16"`} {
		t.Run(enc, func(t *testing.T) {
			s := startSession(t, vault, strings.Replace(renameCaps, "%s", enc, 1))
			s.waitLog("indexed", `"notes": 2`)
			text := s.open("Target.md")
			uri := s.uri("Target.md")
			raw, err := s.call(protocol.MethodTextDocumentPrepareRename, protocol.PrepareRenameParams{TextDocumentPositionParams: s.positionParams(uri, text, "block. ^ol")})
			if err != nil {
				t.Fatal(err)
			}
			var prep prepareRenameResult
			if err := json.Unmarshal(raw, &prep); err != nil || prep.Range != s.rangeOf(text, "block. ^", "old-id") || prep.Placeholder != "old-id" {
				t.Errorf("prepareRename: %s (%v)", raw, err)
			}
			edit, raw := s.editCall(protocol.MethodTextDocumentRename, protocol.RenameParams{TextDocumentPositionParams: s.positionParams(uri, text, "block. ^ol"), NewName: "new-id"})
			index := vault["index.md"]
			got := map[protocol.DocumentURI][]protocol.TextEdit{}
			for _, dc := range edit.DocumentChanges {
				got[dc.TextDocument.URI] = append(got[dc.TextDocument.URI], dc.Edits...)
			}
			wantTarget := []protocol.TextEdit{{Range: s.rangeOf(text, "block. ^", "old-id"), NewText: "new-id"}}
			wantIndex := []protocol.TextEdit{{Range: s.rangeOf(index, "[[Target#^", "old-id"), NewText: "new-id"}, {Range: s.rangeOf(index, "[b](Target.md#^", "old-id"), NewText: "new-id"}}
			if len(got) != 2 || len(got[uri]) != 1 || got[uri][0] != wantTarget[0] || len(got[s.uri("index.md")]) != 2 ||
				got[s.uri("index.md")][0] != wantIndex[0] || got[s.uri("index.md")][1] != wantIndex[1] {
				t.Errorf("rename: %s", raw)
			}
		})
	}
}
