package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// The vault for feature tests: lines with é, CJK and emoji before the links,
// so a position in the wrong encoding lands on the wrong character.
var featureVault = map[string]string{
	"index.md": "---\ntitle: Home\n---\n# Home\n\nCafé 日本語 😀 [[Target Note#Section Two|see]] and [[Missing Note]].\n" +
		"Émoji 🎉 line: [md](Target%20Note.md) end\n",
	"Target Note.md": "---\ndescription: Where the links go.\n---\n# Target Note\n\nIntro.\n\n## Section Two\n\nThe second section. 日本\n",
	"Other.md":       "# Other\n\nSee [[Target Note]].\n",
}

func writeVault(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	return dir
}

// writeFiles writes path → text below dir, making the folders on the way.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, text := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func fileURIOf(path string) protocol.DocumentURI {
	return protocol.DocumentURI((&url.URL{Scheme: "file", Path: path}).String())
}

// withRealEngine runs the server with its real engine (vaults, diagnostics).
func withRealEngine() harnessOption { return func(o *Options) { o.NewEngine = nil } }

// lspSession is a harness initialized on a vault folder.
type lspSession struct {
	*harness
	root string
	enc  Encoding
}

func startSession(t *testing.T, files map[string]string, capabilities string) *lspSession {
	t.Helper()
	root := writeVault(t, files)
	h := newHarness(t, withRealEngine())
	raw, err := h.call(protocol.MethodInitialize, json.RawMessage(`{"processId":null,"rootUri":"`+string(fileURIOf(root))+`","capabilities":`+capabilities+`}`))
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	var res struct {
		Capabilities struct {
			PositionEncoding Encoding `json:"positionEncoding"`
		} `json:"capabilities"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	h.notify(protocol.MethodInitialized, struct{}{})
	s := &lspSession{harness: h, root: root, enc: res.Capabilities.PositionEncoding}
	return s
}

func (s *lspSession) uri(rel string) protocol.DocumentURI {
	return fileURIOf(filepath.Join(s.root, filepath.FromSlash(rel)))
}

func (s *lspSession) open(rel string) string {
	s.t.Helper()
	data, err := os.ReadFile(filepath.Join(s.root, rel))
	if err != nil {
		s.t.Fatal(err)
	}
	s.notify(protocol.MethodTextDocumentDidOpen, protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{
		URI: s.uri(rel), LanguageID: "markdown", Version: 1, Text: string(data)}})
	return string(data)
}

// pos is the position just after the first occurrence of marker in text, in
// the session's encoding, computed independently of the server's code.
func (s *lspSession) pos(text, marker string) protocol.Position {
	s.t.Helper()
	i := strings.Index(text, marker)
	if i < 0 {
		s.t.Fatalf("%q not in text", marker)
	}
	return s.posAt(text, i+len(marker))
}

func (s *lspSession) posAt(text string, off int) protocol.Position {
	line := strings.Count(text[:off], "\n")
	lineText := text[strings.LastIndexByte(text[:off], '\n')+1 : off]
	col := len(lineText)
	if s.enc == UTF16 {
		col = len(utf16.Encode([]rune(lineText)))
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

// diagnosticsFor waits for a publishDiagnostics for uri that satisfies ok.
func (s *lspSession) diagnosticsFor(uri protocol.DocumentURI, ok func([]protocol.Diagnostic) bool) []protocol.Diagnostic {
	s.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case m := <-s.fromServer:
			if m.method != protocol.MethodTextDocumentPublishDiagnostics {
				continue
			}
			var p protocol.PublishDiagnosticsParams
			if err := json.Unmarshal(m.params, &p); err != nil {
				s.t.Fatal(err)
			}
			if p.URI == uri && ok(p.Diagnostics) {
				return p.Diagnostics
			}
		case <-deadline:
			s.t.Fatalf("no matching diagnostics for %s", uri)
			return nil
		}
	}
}

func hasCode(code string) func([]protocol.Diagnostic) bool {
	return func(ds []protocol.Diagnostic) bool {
		for _, d := range ds {
			if d.Code == code {
				return true
			}
		}
		return false
	}
}

const utf8Caps = `{"general":{"positionEncodings":["utf-8","utf-16"]},"textDocument":{"hover":{"contentFormat":["markdown"]}}}`
const utf16Caps = `{"textDocument":{"hover":{"contentFormat":["markdown"]}}}`

func TestFeaturesInBothEncodings(t *testing.T) {
	for _, tc := range []struct {
		name string
		caps string
		want Encoding
	}{{"utf-8", utf8Caps, UTF8}, {"utf-16", utf16Caps, UTF16}} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSession(t, featureVault, tc.caps)
			if s.enc != tc.want {
				t.Fatalf("negotiated %s, want %s", s.enc, tc.want)
			}
			text := s.open("index.md")
			uri := s.uri("index.md")

			// Diagnostics arrive, with the range of the broken link in this encoding.
			diags := s.diagnosticsFor(uri, hasCode("broken-link"))
			start := strings.Index(text, "[[Missing Note]]")
			wantRange := protocol.Range{Start: s.posAt(text, start), End: s.posAt(text, start+len("[[Missing Note]]"))}
			if diags[0].Range != wantRange || diags[0].Source != "rhizome" {
				t.Errorf("diagnostic %+v, want range %+v, source rhizome", diags[0], wantRange)
			}

			// Hover on the wikilink after the emoji shows the linked section.
			raw, err := s.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: s.pos(text, "[[Targ")}})
			if err != nil {
				t.Fatal(err)
			}
			var hover protocol.Hover
			if err := json.Unmarshal(raw, &hover); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(hover.Contents.Value, "The second section.") || hover.Contents.Kind != protocol.Markdown {
				t.Errorf("hover: %+v", hover.Contents)
			}
			linkStart := strings.Index(text, "[[Target Note#")
			if hover.Range == nil || hover.Range.Start != s.posAt(text, linkStart) {
				t.Errorf("hover range %+v, want start %+v", hover.Range, s.posAt(text, linkStart))
			}

			// Definition lands on the heading's line in the target.
			raw, err = s.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: s.pos(text, "[[Target Note#Sec")}})
			if err != nil {
				t.Fatal(err)
			}
			var locs []protocol.Location
			if err := json.Unmarshal(raw, &locs); err != nil {
				t.Fatal(err)
			}
			if len(locs) != 1 || locs[0].URI != s.uri("Target Note.md") || locs[0].Range.Start.Line != 7 {
				t.Errorf("definition %+v, want Target Note.md line 7", locs)
			}

			// Type "[[Tar" at the end of the emoji line; completion replaces "Tar".
			line := strings.Count(text[:strings.Index(text, "end\n")], "\n")
			endPos := s.pos(text, "end")
			s.notify(protocol.MethodTextDocumentDidChange, didChangeParams{
				TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: 2},
				ContentChanges: []contentChange{{Range: &protocol.Range{Start: endPos, End: endPos}, Text: " [[Tar"}},
			})
			newText := strings.Replace(text, "end\n", "end [[Tar\n", 1)
			raw, err = s.call(protocol.MethodTextDocumentCompletion, protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
				TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: s.pos(newText, "end [[Tar")}})
			if err != nil {
				t.Fatal(err)
			}
			var list protocol.CompletionList
			if err := json.Unmarshal(raw, &list); err != nil {
				t.Fatal(err)
			}
			var found *protocol.CompletionItem
			for i := range list.Items {
				if list.Items[i].Label == "Target Note" {
					found = &list.Items[i]
				}
			}
			if found == nil {
				t.Fatalf("no Target Note in completion: %+v", list.Items)
			}
			tarStart := strings.Index(newText, "end [[Tar") + len("end [[")
			want := protocol.Range{Start: s.posAt(newText, tarStart), End: s.posAt(newText, tarStart+3)}
			if found.TextEdit == nil || found.TextEdit.Range != want || found.TextEdit.NewText != "Target Note]]" || want.Start.Line != uint32(line) {
				t.Errorf("completion edit %+v, want %+v → Target Note]]", found.TextEdit, want)
			}

			// The description comes when the editor resolves the item.
			raw, err = s.call(protocol.MethodCompletionItemResolve, found)
			if err != nil {
				t.Fatal(err)
			}
			var resolved struct {
				Documentation protocol.MarkupContent `json:"documentation"`
			}
			if err := json.Unmarshal(raw, &resolved); err != nil || resolved.Documentation.Value != "Where the links go." {
				t.Errorf("resolved item %s (%v)", raw, err)
			}
		})
	}
}

func TestEditUpdatesDependentsAndWatchedFiles(t *testing.T) {
	s := startSession(t, featureVault, `{"workspace":{"didChangeWatchedFiles":{"dynamicRegistration":true}}}`)
	s.open("index.md")
	s.diagnosticsFor(s.uri("index.md"), hasCode("broken-link"))

	// Editing the target so the heading goes away breaks the anchor in index.md.
	target := s.open("Target Note.md")
	edited := strings.Replace(target, "## Section Two", "## Section 2", 1)
	s.notify(protocol.MethodTextDocumentDidChange, didChangeParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: s.uri("Target Note.md")}, Version: 2},
		ContentChanges: []contentChange{{Text: edited}},
	})
	d := s.diagnosticsFor(s.uri("index.md"), hasCode("broken-anchor"))
	if !strings.Contains(d[len(d)-1].Message+d[0].Message, "Section Two") {
		t.Errorf("broken-anchor message: %+v", d)
	}

	// A note created on disk (git pull) fixes the broken link once the client reports it.
	if err := os.WriteFile(filepath.Join(s.root, "Missing Note.md"), []byte("# Missing Note\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{
		{URI: s.uri("Missing Note.md"), Type: protocol.FileChangeTypeCreated}}})
	s.diagnosticsFor(s.uri("index.md"), func(ds []protocol.Diagnostic) bool { return !hasCode("broken-link")(ds) })
}

func TestPullDiagnosticsAndSettings(t *testing.T) {
	s := startSession(t, featureVault, `{"textDocument":{"diagnostic":{"dynamicRegistration":false}}}`)
	text := s.open("index.md")
	_ = text
	var report fullDocumentDiagnosticReport
	deadline := time.Now().Add(timeout)
	for {
		raw, err := s.call(methodDiagnostic, documentDiagnosticParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("index.md")}})
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &report); err != nil {
			t.Fatal(err)
		}
		if hasCode("broken-link")(report.Items) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if report.Kind != "full" || !hasCode("broken-link")(report.Items) {
		t.Fatalf("pull report %+v", report)
	}
	// Settings pushed in didChangeConfiguration turn broken-link off.
	s.notify(protocol.MethodWorkspaceDidChangeConfiguration, json.RawMessage(`{"settings":{"rhizome":{"diagnostics":{"broken-link":"off"}}}}`))
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		raw, _ := s.call(methodDiagnostic, documentDiagnosticParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("index.md")}})
		_ = json.Unmarshal(raw, &report)
		if !hasCode("broken-link")(report.Items) {
			return
		}
	}
	t.Errorf("broken-link still reported after it was turned off: %+v", report.Items)
}

// utf8Len is here so the test's own position math is visibly independent.
var _ = utf8.RuneLen

func TestCodeActions(t *testing.T) {
	caps := `{"workspace":{"workspaceEdit":{"documentChanges":true,"resourceOperations":["create","rename","delete"]}}}`
	s := startSession(t, featureVault, caps)
	text := s.open("index.md")
	s.diagnosticsFor(s.uri("index.md"), hasCode("broken-link"))
	start := strings.Index(text, "[[Missing Note]]")
	raw, err := s.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("index.md")},
		Range:        protocol.Range{Start: s.posAt(text, start+3), End: s.posAt(text, start+3)},
	})
	if err != nil {
		t.Fatal(err)
	}
	var actions []struct {
		Title string `json:"title"`
		Edit  struct {
			DocumentChanges []json.RawMessage `json:"documentChanges"`
		} `json:"edit"`
	}
	if err := json.Unmarshal(raw, &actions); err != nil {
		t.Fatal(err)
	}
	var create []json.RawMessage
	for _, a := range actions {
		if a.Title == "Create note Missing Note.md" {
			create = a.Edit.DocumentChanges
		}
	}
	if len(create) != 2 || !strings.Contains(string(create[0]), `"kind":"create"`) ||
		!strings.Contains(string(create[0]), "Missing%20Note.md") || !strings.Contains(string(create[1]), `# Missing Note\n`) {
		t.Errorf("create-note action: %s", raw)
	}
}

// Workspace symbols: notes by title or path, headings for a query of three
// characters or more (folded: case and accents as typed elsewhere), and a
// heading renamed in the editor is found under its new name at once.
func TestWorkspaceSymbols(t *testing.T) {
	s := startSession(t, featureVault, utf8Caps)
	s.open("index.md")
	s.diagnosticsFor(s.uri("index.md"), hasCode("broken-link")) // the vault is indexed
	text := s.open("Target Note.md")
	symbols := func(query string) []string {
		t.Helper()
		raw, err := s.call(protocol.MethodWorkspaceSymbol, protocol.WorkspaceSymbolParams{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		var got []protocol.SymbolInformation
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, si := range got {
			out = append(out, fmt.Sprintf("%s (%s) %d", si.Name, si.ContainerName, si.Location.Range.Start.Line))
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"target", []string{"Target Note (Target Note) 3", "Target Note (Target Note.md) 0"}},
		{"SECTION", []string{"Section Two (Target Note) 7"}},
		{"ta", []string{"Target Note (Target Note.md) 0"}}, // too short for headings
		{"nothing like it", nil},
	} {
		if got := symbols(tc.query); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.query, got, tc.want)
		}
	}
	edited := strings.Replace(text, "## Section Two", "## Section Deux", 1)
	s.notify(protocol.MethodTextDocumentDidChange, didChangeParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: s.uri("Target Note.md")}, Version: 2},
		ContentChanges: []contentChange{{Text: edited}},
	})
	// A notification is a barrier: the request after it sees the edit.
	if got, want := symbols("section"), []string{"Section Deux (Target Note) 7"}; !slices.Equal(got, want) {
		t.Errorf("after the edit: %q, want %q", got, want)
	}
	// A note deleted on disk is no longer found, by title or by heading.
	s.notify(protocol.MethodTextDocumentDidClose, protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("Target Note.md")}})
	if err := os.Remove(filepath.Join(s.root, "Target Note.md")); err != nil {
		t.Fatal(err)
	}
	s.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{
		{URI: s.uri("Target Note.md"), Type: protocol.FileChangeTypeDeleted}}})
	for _, q := range []string{"target", "section"} {
		if got := symbols(q); got != nil {
			t.Errorf("%q after the note was deleted: %q", q, got)
		}
	}
}
