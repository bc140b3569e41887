package server

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

func (h *harness) definitionAt(uri protocol.DocumentURI, text, marker string) []protocol.Location {
	h.t.Helper()
	i := strings.Index(text, marker)
	line := strings.Count(text[:i+len(marker)], "\n")
	col := i + len(marker) - (strings.LastIndexByte(text[:i+len(marker)], '\n') + 1)
	raw, err := h.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: protocol.Position{Line: uint32(line), Character: uint32(col)}}})
	if err != nil {
		h.t.Fatal(err)
	}
	var locs []protocol.Location
	if err := json.Unmarshal(raw, &locs); err != nil {
		h.t.Fatal(err)
	}
	return locs
}

func (h *harness) openText(uri protocol.DocumentURI, text string) {
	h.notify(protocol.MethodTextDocumentDidOpen, protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: uri, LanguageID: "markdown", Version: 1, Text: text}})
}

// startFolders initializes a server with these folders as workspace folders.
func startFolders(t *testing.T, roots ...string) *harness {
	t.Helper()
	var folders []protocol.WorkspaceFolder
	for i, root := range roots {
		folders = append(folders, protocol.WorkspaceFolder{URI: string(fileURIOf(root)), Name: fmt.Sprintf("v%d", i)})
	}
	params, err := json.Marshal(map[string]any{"processId": nil, "capabilities": map[string]any{}, "workspaceFolders": folders})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, withRealEngine())
	if _, err := h.call(protocol.MethodInitialize, json.RawMessage(params)); err != nil {
		t.Fatal(err)
	}
	h.notify(protocol.MethodInitialized, struct{}{})
	return h
}

// Two workspace folders are two vaults: a name resolves within its own.
func TestMultiRoot(t *testing.T) {
	a := writeVault(t, map[string]string{"note.md": "See [[shared]].\n", "shared.md": "# In A\n"})
	b := writeVault(t, map[string]string{"note.md": "See [[shared]].\n", "shared.md": "# In B\n"})
	h := startFolders(t, a, b)
	for _, root := range []string{a, b} {
		uri := fileURIOf(filepath.Join(root, "note.md"))
		h.openText(uri, "See [[shared]].\n")
		want := fileURIOf(filepath.Join(root, "shared.md"))
		// Folders are indexed in the background; ask until the answer comes.
		var locs []protocol.Location
		for i := 0; i < 200; i++ {
			if locs = h.definitionAt(uri, "See [[shared]].\n", "[[sha"); len(locs) == 1 && locs[0].URI == want {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if len(locs) != 1 || locs[0].URI != want {
			t.Errorf("definition from %s: %+v, want %s", root, locs, want)
		}
	}
}

// With no workspace folder, a note still works: alone when nothing marks a
// vault above it, with its vault when a marker (.obsidian) does.
func TestSingleFileMode(t *testing.T) {
	loose := writeVault(t, map[string]string{"alone.md": "# Top\n\nJump to [[#Top]] and [[elsewhere]].\n"})
	marked := writeVault(t, map[string]string{".obsidian/app.json": "{}", "sub/note.md": "See [[other]].\n", "other.md": "# Other\n"})
	h := newHarness(t, withRealEngine())
	if _, err := h.call(protocol.MethodInitialize, json.RawMessage(`{"processId":null,"capabilities":{}}`)); err != nil {
		t.Fatal(err)
	}
	h.notify(protocol.MethodInitialized, struct{}{})

	aloneText := "# Top\n\nJump to [[#Top]] and [[elsewhere]].\n"
	alone := fileURIOf(filepath.Join(loose, "alone.md"))
	h.openText(alone, aloneText)
	if locs := h.definitionAt(alone, aloneText, "[[#To"); len(locs) != 1 || locs[0].URI != alone || locs[0].Range.Start.Line != 0 {
		t.Errorf("same-note heading in single-file mode: %+v", locs)
	}

	noteText := "See [[other]].\n"
	note := fileURIOf(filepath.Join(marked, "sub", "note.md"))
	h.openText(note, noteText)
	want := fileURIOf(filepath.Join(marked, "other.md"))
	// The vault above is indexed in the background; ask until it answers.
	for i := 0; i < 200; i++ {
		if locs := h.definitionAt(note, noteText, "[[oth"); len(locs) == 1 && locs[0].URI == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("definition in the vault found by its .obsidian marker never reached %s", want)
}

// A vault whose folder cannot be read still diagnoses its open notes: its
// failed load has ended, and nothing waits for it any more.
func TestFailedLoadStillDiagnosesOpenNotes(t *testing.T) {
	root := filepath.Join(t.TempDir(), "gone") // never created: the scan fails
	h := startOn(t, root, true)
	h.waitLog("indexing", "gone")
	uri := fileURIOf(filepath.Join(root, "a.md"))
	h.openText(uri, "See [[Nope]].\n")
	for {
		m := h.nextFromServer(protocol.MethodTextDocumentPublishDiagnostics)
		var p protocol.PublishDiagnosticsParams
		if err := json.Unmarshal(m.params, &p); err != nil {
			t.Fatal(err)
		}
		if p.URI == uri && len(p.Diagnostics) == 1 && p.Diagnostics[0].Code == "broken-link" {
			return
		}
	}
}

// A vault's file paths are filepath.Join's, whether the relative path is
// the index's (clean, joined as it is) or not.
func TestVaultAbs(t *testing.T) {
	for _, root := range []string{"/", "/tmp/vault", "/tmp/a b"} {
		v := &vault{root: root}
		for _, rel := range []string{"", "a.md", "d/a b.md", "d/../a.md", "./a.md", "d//a.md", "d/", "..", "../x.md", "é/日.md"} {
			if got, want := v.abs(rel), filepath.Join(root, filepath.FromSlash(rel)); got != want {
				t.Errorf("vault %q: abs(%q) = %q, want %q", root, rel, got, want)
			}
		}
	}
}
