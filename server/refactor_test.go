package server

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"go.lsp.dev/protocol"
)

// refactorVault has its links and a mention after non-ASCII characters, so
// that a range in the wrong encoding is off.
var refactorVault = map[string]string{
	"notes/index.md": "# Home\n\nCafé 😀 [[Target Note#Section Two|two]] and [md](../Target%20Note.md#section-two).\n" +
		"Émoji 🎉 about the target note: [[Target Note]] [[Other]].\n",
	"Target Note.md": "# Target Note\n\n## Section Two\n\nText.\n",
	"Other.md":       "# Other\n",
}

// wireAction is a code action as it arrives.
type wireAction struct {
	Title string                  `json:"title"`
	Kind  protocol.CodeActionKind `json:"kind"`
	Edit  wireEdit                `json:"edit"`
}

// codeActions asks for the actions over text[start:end] of uri (only: the
// kinds asked for).
func (s *lspSession) codeActions(uri protocol.DocumentURI, text string, start, end int, only ...protocol.CodeActionKind) []wireAction {
	s.t.Helper()
	raw, err := s.call(protocol.MethodTextDocumentCodeAction, protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri},
		Range:        protocol.Range{Start: s.posAt(text, start), End: s.posAt(text, end)},
		Context:      protocol.CodeActionContext{Only: only},
	})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []wireAction
	if err := json.Unmarshal(raw, &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// offsetAt is the byte offset of pos in text, in the session's encoding,
// computed independently of the server's code.
func (s *lspSession) offsetAt(text string, pos protocol.Position) int {
	off := 0
	for range pos.Line {
		off += strings.IndexByte(text[off:], '\n') + 1
	}
	for col := 0; col < int(pos.Character); {
		r, size := utf8.DecodeRuneInString(text[off:])
		off += size
		if s.enc == UTF16 {
			col += len(utf16.Encode([]rune{r}))
		} else {
			col += size
		}
	}
	return off
}

// apply makes the edits of action a to uri's text, as an editor does.
func (s *lspSession) apply(text string, uri protocol.DocumentURI, a wireAction) string {
	s.t.Helper()
	edits := slices.Clone(a.Edit.Changes[uri])
	if len(edits) == 0 {
		s.t.Fatalf("%q edits nothing in %s: %+v", a.Title, uri, a.Edit)
	}
	slices.SortFunc(edits, func(x, y protocol.TextEdit) int {
		return s.offsetAt(text, y.Range.Start) - s.offsetAt(text, x.Range.Start)
	})
	for _, e := range edits {
		text = text[:s.offsetAt(text, e.Range.Start)] + e.NewText + text[s.offsetAt(text, e.Range.End):]
	}
	return text
}

func findAction(actions []wireAction, title string) (wireAction, bool) {
	for _, a := range actions {
		if a.Title == title {
			return a, true
		}
	}
	return wireAction{}, false
}

// Converting a link and linking a mention over the wire, in both position
// encodings: the actions are offered where they apply, their edits land on
// the right characters, and the server, given the edited text, resolves the
// new link to the same note and heading.
func TestRefactorActionsOverTheWire(t *testing.T) {
	for _, enc := range []string{`"utf-8"`, `"utf-16"`} {
		t.Run(enc, func(t *testing.T) {
			s := startSession(t, refactorVault, strings.Replace(`{"general":{"positionEncodings":[%s]}}`, "%s", enc, 1))
			if want := Encoding(strings.Trim(enc, `"`)); s.enc != want {
				t.Fatalf("negotiated %s, want %s", s.enc, want)
			}
			s.waitLog("indexed", `"notes": 3`)
			uri := s.uri("notes/index.md")
			text := s.open("notes/index.md")
			at := func(marker string) int { return strings.Index(text, marker) + len(marker) }
			for _, tc := range []struct {
				marker, sel, title, want string
			}{
				{"😀 [[Tar", "", "Convert to markdown link", "Café 😀 [two](../Target%20Note.md#section-two) and"},
				{"and [m", "", "Convert to wikilink", "and [[Target Note#Section Two|md]]."},
				{"about the targ", "", "Link to [[Target Note]]", "🎉 about the [[Target Note|target note]]: [["},
				{"", "[[Target Note]] [[Other]]", "Convert 2 links in selection to markdown links",
					"note: [Target Note](../Target%20Note.md) [Other](../Other.md).\n"},
			} {
				start, end := at(tc.marker), at(tc.marker)
				if tc.sel != "" {
					start, end = strings.Index(text, tc.sel), strings.Index(text, tc.sel)+len(tc.sel)
				}
				actions := s.codeActions(uri, text, start, end)
				a, ok := findAction(actions, tc.title)
				if !ok || a.Kind != protocol.RefactorRewrite {
					t.Errorf("%q%q: no %q action of kind refactor.rewrite in %+v", tc.marker, tc.sel, tc.title, actions)
					continue
				}
				if got := s.apply(text, uri, a); !strings.Contains(got, tc.want) {
					t.Errorf("%q: the text reads\n%s\nwant it to hold %q", tc.title, got, tc.want)
				}
			}

			// The server follows the converted link to the same heading.
			a, _ := findAction(s.codeActions(uri, text, at("😀 [[Tar"), at("😀 [[Tar")), "Convert to markdown link")
			edited := s.apply(text, uri, a)
			s.notify(protocol.MethodTextDocumentDidChange, didChangeParams{
				TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: 2},
				ContentChanges: []contentChange{{Text: edited}},
			})
			raw, err := s.call(protocol.MethodTextDocumentDefinition, protocol.DefinitionParams{TextDocumentPositionParams: s.positionParams(uri, edited, "😀 [two](../Tar")})
			if err != nil {
				t.Fatal(err)
			}
			var locs []protocol.Location
			if err := json.Unmarshal(raw, &locs); err != nil || len(locs) != 1 || locs[0].URI != s.uri("Target Note.md") || locs[0].Range.Start.Line != 2 {
				t.Errorf("definition of the converted link: %s", raw)
			}
		})
	}
}

// A client that asks only for quick fixes gets no rewrites; one that asks
// for refactors gets them.
func TestRefactorActionsOnly(t *testing.T) {
	s := startSession(t, refactorVault, utf8Caps)
	s.waitLog("indexed", `"notes": 3`)
	uri := s.uri("notes/index.md")
	text := s.open("notes/index.md")
	off := strings.Index(text, "😀 [[Tar") + len("😀 [[Tar")
	if got := s.codeActions(uri, text, off, off, protocol.QuickFix); len(got) != 0 {
		t.Errorf("only quickfix: %+v", got)
	}
	if _, ok := findAction(s.codeActions(uri, text, off, off, protocol.Refactor), "Convert to markdown link"); !ok {
		t.Error("only refactor: no conversion")
	}
	if _, ok := findAction(s.codeActions(uri, text, off, off), "Convert to markdown link"); !ok {
		t.Error("any kind: no conversion")
	}
}
