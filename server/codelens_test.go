package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// resolvedLens is a resolved lens as the client reads it.
type resolvedLens struct {
	Range   protocol.Range `json:"range"`
	Command struct {
		Title     string            `json:"title"`
		Command   string            `json:"command"`
		Arguments []json.RawMessage `json:"arguments"`
	} `json:"command"`
}

// lenses asks for the lenses of rel and resolves each, as an editor does for
// those in sight.
func (s *lspSession) lenses(rel string) []resolvedLens {
	s.t.Helper()
	raw, err := s.call(protocol.MethodTextDocumentCodeLens, protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri(rel)}})
	if err != nil {
		s.t.Fatal(err)
	}
	var lenses []json.RawMessage
	if err := json.Unmarshal(raw, &lenses); err != nil {
		s.t.Fatal(err)
	}
	var out []resolvedLens
	for _, l := range lenses {
		if strings.Contains(string(l), `"command"`) {
			s.t.Errorf("lens resolved before it was asked for: %s", l)
		}
		raw, err := s.call(protocol.MethodCodeLensResolve, l)
		if err != nil {
			s.t.Fatal(err)
		}
		var r resolvedLens
		if err := json.Unmarshal(raw, &r); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// Lenses count the backlinks of a note and the links to each linked heading;
// resolved, each carries the links to show, with ranges in the session's
// encoding (the link after an emoji), and the counts follow an edit of
// another note, which the server announces with codeLens/refresh.
func TestCodeLens(t *testing.T) {
	for _, tc := range []struct {
		name, caps string
		enc        Encoding
	}{
		{"utf-8", `{"general":{"positionEncodings":["utf-8"]},"workspace":{"codeLens":{"refreshSupport":true}}}`, UTF8},
		{"utf-16", `{"workspace":{"codeLens":{"refreshSupport":true}}}`, UTF16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSession(t, featureVault, tc.caps)
			if s.enc != tc.enc {
				t.Fatalf("negotiated %s, want %s", s.enc, tc.enc)
			}
			index := s.open("index.md")
			s.diagnosticsFor(s.uri("index.md"), hasCode("broken-link")) // indexed
			target := s.open("Target Note.md")
			got := s.lenses("Target Note.md")
			if len(got) != 2 {
				t.Fatalf("%d lenses, want the note's and Section Two's: %+v", len(got), got)
			}
			note, section := got[0], got[1]
			if note.Range.Start != (protocol.Position{}) || note.Command.Title != "3 backlinks" || note.Command.Command != commandShowReferences {
				t.Errorf("note lens: %+v", note)
			}
			if section.Range.Start != s.posAt(target, strings.Index(target, "## Section Two")) || section.Command.Title != "1 link" {
				t.Errorf("heading lens: %+v", section)
			}
			var uri protocol.DocumentURI
			var at protocol.Position
			var locs []protocol.Location
			args := section.Command.Arguments
			if len(args) != 3 || json.Unmarshal(args[0], &uri) != nil || json.Unmarshal(args[1], &at) != nil || json.Unmarshal(args[2], &locs) != nil {
				t.Fatalf("arguments %s, want uri, position, locations", args)
			}
			link := strings.Index(index, "[[Target Note#Section Two|see]]")
			want := protocol.Location{URI: s.uri("index.md"), Range: protocol.Range{Start: s.posAt(index, link), End: s.posAt(index, link+len("[[Target Note#Section Two|see]]"))}}
			if uri != s.uri("Target Note.md") || at != section.Range.Start || len(locs) != 1 || locs[0] != want {
				t.Errorf("arguments %s %v %+v, want the lens's place and %+v", uri, at, locs, want)
			}

			// Other.md drops its link: the count follows.
			other := s.open("Other.md")
			s.notify(protocol.MethodTextDocumentDidChange, didChangeParams{
				TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: s.uri("Other.md")}, Version: 2},
				ContentChanges: []contentChange{{Text: strings.Replace(other, "[[Target Note]]", "nothing", 1)}},
			})
			// A refresh from before the edit may still be on its way: the
			// lens must read 2 after some refresh that follows.
			for deadline := time.Now().Add(timeout); ; {
				s.nextFromServer(protocol.MethodCodeLensRefresh)
				got := s.lenses("Target Note.md")
				if len(got) == 2 && got[0].Command.Title == "2 backlinks" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after the edit: %+v", got)
				}
			}
		})
	}
}

// A lens resolved after its heading moved finds it by its slug; one whose
// heading is gone resolves to no links rather than an error, and data that
// is not a rhizome lens is invalid params.
func TestCodeLensResolveStale(t *testing.T) {
	s := startSession(t, featureVault, utf8Caps)
	s.open("index.md")
	s.diagnosticsFor(s.uri("index.md"), hasCode("broken-link"))
	resolve := func(data string) (resolvedLens, error) {
		raw, err := s.call(protocol.MethodCodeLensResolve, json.RawMessage(`{"range":{"start":{"line":7,"character":0},"end":{"line":7,"character":0}},"data":`+data+`}`))
		var r resolvedLens
		if err == nil {
			err = json.Unmarshal(raw, &r)
		}
		return r, err
	}
	uri, _ := json.Marshal(s.uri("Target Note.md"))
	if r, err := resolve(`{"uri":` + string(uri) + `,"heading":7,"slug":"section-two"}`); err != nil || r.Command.Title != "1 link" {
		t.Errorf("moved heading: %+v, %v", r, err)
	}
	if r, err := resolve(`{"uri":` + string(uri) + `,"heading":1,"slug":"gone"}`); err != nil || r.Command.Title != "0 links" {
		t.Errorf("heading gone: %+v, %v", r, err)
	}
	_, err := resolve(`"x"`)
	wantCode(t, err, jsonrpc2.InvalidParams)
}

func TestNoteLensTitles(t *testing.T) {
	for _, tc := range []struct {
		note bool
		n    int
		want string
	}{{true, 0, "no backlinks"}, {true, 1, "1 backlink"}, {true, 12, "12 backlinks"}, {false, 1, "1 link"}, {false, 3, "3 links"}} {
		if got := lensTitle(tc.note, tc.n); got != tc.want {
			t.Errorf("lensTitle(%v, %d) = %q, want %q", tc.note, tc.n, got, tc.want)
		}
	}
}

// The lenses are resolved lazily; document links and inlay hints come whole.
func TestCodeLensDocumentLinkAndInlayHintCapabilities(t *testing.T) {
	h := newHarness(t, withRealEngine())
	caps := h.initialize(`{}`)["capabilities"].(map[string]any)
	if cl, ok := caps["codeLensProvider"].(map[string]any); !ok || cl["resolveProvider"] != true {
		t.Errorf("codeLensProvider %v, want resolveProvider", caps["codeLensProvider"])
	}
	if dl, ok := caps["documentLinkProvider"].(map[string]any); !ok || dl["resolveProvider"] == true {
		t.Errorf("documentLinkProvider %v, want one without resolve", caps["documentLinkProvider"])
	}
	if caps["inlayHintProvider"] != true {
		t.Errorf("inlayHintProvider %v, want true", caps["inlayHintProvider"])
	}
	if _, ok := caps["executeCommandProvider"]; ok {
		t.Errorf("executeCommandProvider announced: the lens command runs in the client")
	}
}
