package server

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

var tokenVault = map[string]string{
	// CRLF line ends and wide characters before the links: columns are in
	// the session's encoding, lines split at "\r\n".
	"index.md": "---\r\ntags: [garden]\r\n---\r\nCafé 日本語 😀 [[Stock#Prices]] and [[Later]].\r\nNext #garden [[Stock#Nope|label]] ^id\r\n",
	"Stock.md": "# Stock\n\n## Prices\n",
}

// token is a semantic token decoded to absolute positions and names.
type token struct {
	Start  protocol.Position
	Length uint32
	Type   string
	Mods   string
}

// decodeTokens undoes the protocol's relative encoding, naming types and
// modifiers by the legend.
func decodeTokens(t *testing.T, data []uint32) []token {
	t.Helper()
	if len(data)%5 != 0 {
		t.Fatalf("%d integers, not five per token", len(data))
	}
	var out []token
	var line, char uint32
	for i := 0; i < len(data); i += 5 {
		if data[i] > 0 {
			line, char = line+data[i], data[i+1]
		} else {
			char += data[i+1]
		}
		var mods []string
		for b, name := range tokenModifiers {
			if data[i+4]&(1<<b) != 0 {
				mods = append(mods, name)
			}
		}
		out = append(out, token{Start: protocol.Position{Line: line, Character: char}, Length: data[i+2], Type: tokenTypes[data[i+3]], Mods: strings.Join(mods, ",")})
	}
	return out
}

// The tokens of a note come at the positions of the session's encoding
// (after é, CJK and an emoji, on CRLF lines), the lines asked for alone
// when a range is asked, and a link to a note that does not exist loses
// its "unresolved" once the note is created, after the refresh the server
// sends.
func TestSemanticTokens(t *testing.T) {
	for _, tc := range []struct {
		name, caps string
	}{
		{"utf-8", `{"general":{"positionEncodings":["utf-8"]},"workspace":{"semanticTokens":{"refreshSupport":true},"didChangeWatchedFiles":{"dynamicRegistration":true}}}`},
		{"utf-16", `{"workspace":{"semanticTokens":{"refreshSupport":true},"didChangeWatchedFiles":{"dynamicRegistration":true}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSession(t, tokenVault, tc.caps)
			text := s.open("index.md")
			s.diagnosticsFor(s.uri("index.md"), hasCode("broken-link")) // indexed
			doc := protocol.TextDocumentIdentifier{URI: s.uri("index.md")}
			get := func(method string, params any) []token {
				t.Helper()
				raw, err := s.call(method, params)
				if err != nil {
					t.Fatal(err)
				}
				var res protocol.SemanticTokens
				if err := json.Unmarshal(raw, &res); err != nil {
					t.Fatal(err)
				}
				return decodeTokens(t, res.Data)
			}
			at := func(sub, typ, mods string) token {
				i := strings.Index(text, sub)
				start, end := s.posAt(text, i), s.posAt(text, i+len(sub))
				return token{Start: start, Length: end.Character - start.Character, Type: typ, Mods: mods}
			}
			want := []token{
				at("garden]", "decorator", ""),
				at("Stock#", "class", ""),
				at("#Prices", "property", ""),
				at("Later", "class", "unresolved"),
				at("#garden [[", "decorator", ""),
				at("Stock#Nope", "class", ""),
				at("#Nope", "property", "unresolved"),
				at("^id", "enumMember", "declaration"),
			}
			// The names alone, not what follows them.
			want[0].Length, want[1].Length, want[4].Length, want[5].Length = 6, 5, 7, 5
			full := get(protocol.MethodSemanticTokensFull, protocol.SemanticTokensParams{TextDocument: doc})
			if fmt.Sprint(full) != fmt.Sprint(want) {
				t.Errorf("tokens\n%v\nwant\n%v", full, want)
			}
			line4 := protocol.Range{Start: protocol.Position{Line: 4}, End: protocol.Position{Line: 5}}
			if got := get(protocol.MethodSemanticTokensRange, protocol.SemanticTokensRangeParams{TextDocument: doc, Range: line4}); fmt.Sprint(got) != fmt.Sprint(want[4:]) {
				t.Errorf("tokens of line 5\n%v\nwant\n%v", got, want[4:])
			}

			if err := os.WriteFile(filepath.Join(s.root, "Later.md"), []byte("# Later\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			s.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{
				{URI: s.uri("Later.md"), Type: protocol.FileChangeTypeCreated}}})
			for deadline := time.Now().Add(timeout); ; {
				s.nextFromServer(protocol.MethodSemanticTokensRefresh)
				got := get(protocol.MethodSemanticTokensFull, protocol.SemanticTokensParams{TextDocument: doc})
				if len(got) == len(want) && got[3].Mods == "" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after Later.md was created: %v", got)
				}
			}
		})
	}
}

// A file that is not a note gets an empty list, not null.
func TestSemanticTokensOfNoNote(t *testing.T) {
	s := startSession(t, tokenVault, `{}`)
	raw, err := s.call(protocol.MethodSemanticTokensFull, protocol.SemanticTokensParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("image.png")}})
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"data":[]}` {
		t.Errorf("tokens of a non-note: %s", raw)
	}
}

// The legend names standard types, which themes colour, and rhizome's
// "unresolved" modifier; full and range requests, no deltas.
func TestSemanticTokensCapability(t *testing.T) {
	h := newHarness(t, withRealEngine())
	caps := h.initialize(`{}`)["capabilities"].(map[string]any)
	got, err := json.Marshal(caps["semanticTokensProvider"])
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"full":true,"legend":{"tokenModifiers":["declaration","unresolved"],"tokenTypes":["class","property","enumMember","decorator"]},"range":true}`
	if string(got) != want {
		t.Errorf("semanticTokensProvider %s, want %s", got, want)
	}
}
