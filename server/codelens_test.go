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

// wireLens is a lens as the client reads it.
type wireLens struct {
	Range   protocol.Range `json:"range"`
	Command struct {
		Title     string            `json:"title"`
		Command   string            `json:"command"`
		Arguments []json.RawMessage `json:"arguments"`
	} `json:"command"`
}

func (s *lspSession) lenses(rel string) []wireLens {
	s.t.Helper()
	raw, err := s.call(protocol.MethodTextDocumentCodeLens, protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri(rel)}})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []wireLens
	if err := json.Unmarshal(raw, &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// click does what the client-side command of a lens does: it asks the server
// for the links the lens counts, with the lens's own arguments.
func (s *lspSession) click(l wireLens) ([]protocol.Location, error) {
	s.t.Helper()
	args := l.Command.Arguments
	if l.Command.Command != commandShowReferences || len(args) != 3 {
		s.t.Fatalf("lens command %s %s, want %s (uri, position, target)", l.Command.Command, args, commandShowReferences)
	}
	raw, err := s.call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": commandLensLinks, "arguments": []json.RawMessage{args[0], args[2]}})
	if err != nil {
		return nil, err
	}
	var locs []protocol.Location
	if err := json.Unmarshal(raw, &locs); err != nil {
		s.t.Fatal(err)
	}
	return locs, nil
}

// Lenses count the backlinks of a note and the links to each linked heading;
// a click lists those links, with ranges in the session's encoding (the
// link after an emoji); the counts follow an edit of another note, which the
// server announces with codeLens/refresh.
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
			if note.Range.Start != (protocol.Position{}) || note.Command.Title != "3 backlinks" {
				t.Errorf("note lens: %+v", note)
			}
			if section.Range.Start != s.posAt(target, strings.Index(target, "## Section Two")) || section.Command.Title != "1 link" {
				t.Errorf("heading lens: %+v", section)
			}
			var uri protocol.DocumentURI
			var at protocol.Position
			if json.Unmarshal(section.Command.Arguments[0], &uri) != nil || json.Unmarshal(section.Command.Arguments[1], &at) != nil ||
				uri != s.uri("Target Note.md") || at != section.Range.Start {
				t.Errorf("arguments %s, want the lens's document and place", section.Command.Arguments)
			}
			link := strings.Index(index, "[[Target Note#Section Two|see]]")
			want := protocol.Location{URI: s.uri("index.md"), Range: protocol.Range{Start: s.posAt(index, link), End: s.posAt(index, link+len("[[Target Note#Section Two|see]]"))}}
			if locs, err := s.click(section); err != nil || len(locs) != 1 || locs[0] != want {
				t.Errorf("clicking the heading's lens: %+v, %v; want %+v", locs, err, want)
			}
			if locs, err := s.click(note); err != nil || len(locs) != 3 {
				t.Errorf("clicking the note's lens: %+v, %v; want its 3 backlinks", locs, err)
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

// A lens clicked after its heading moved finds it by its slug; one whose
// heading is gone lists no links rather than failing; arguments that are not
// a lens's, and unknown commands, are invalid params.
func TestLensLinksCommand(t *testing.T) {
	s := startSession(t, featureVault, utf8Caps)
	s.open("index.md")
	s.diagnosticsFor(s.uri("index.md"), hasCode("broken-link"))
	run := func(command string, args ...any) ([]protocol.Location, error) {
		raw, err := s.call(protocol.MethodWorkspaceExecuteCommand, map[string]any{"command": command, "arguments": args})
		var locs []protocol.Location
		if err == nil {
			err = json.Unmarshal(raw, &locs)
		}
		return locs, err
	}
	uri := s.uri("Target Note.md")
	if locs, err := run(commandLensLinks, uri, lensTarget{Heading: 7, Slug: "section-two"}); err != nil || len(locs) != 1 {
		t.Errorf("moved heading: %+v, %v", locs, err)
	}
	if locs, err := run(commandLensLinks, uri, lensTarget{Heading: 1, Slug: "gone"}); err != nil || locs == nil || len(locs) != 0 {
		t.Errorf("heading gone: %+v, %v; want an empty list", locs, err)
	}
	if locs, err := run(commandLensLinks, s.uri("nowhere.md"), lensTarget{Heading: -1}); err != nil || len(locs) != 0 {
		t.Errorf("not a note: %+v, %v", locs, err)
	}
	_, err := run(commandLensLinks, "x")
	wantCode(t, err, jsonrpc2.InvalidParams)
	_, err = run(commandLensLinks, uri, "not a target")
	wantCode(t, err, jsonrpc2.InvalidParams)
	_, err = run("rhizome.nope")
	wantCode(t, err, jsonrpc2.InvalidParams)
}

func TestLensTitles(t *testing.T) {
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

// Lenses come with their counts and the server announces its commands
// (the lens's links, unlinked mentions, linking them); document links and
// inlay hints come whole.
func TestCodeLensDocumentLinkAndInlayHintCapabilities(t *testing.T) {
	h := newHarness(t, withRealEngine())
	caps := h.initialize(`{}`)["capabilities"].(map[string]any)
	if cl, ok := caps["codeLensProvider"].(map[string]any); !ok || cl["resolveProvider"] == true {
		t.Errorf("codeLensProvider %v, want one without resolve", caps["codeLensProvider"])
	}
	// The names the extension and the plugin call.
	want := []string{"rhizome.lensLinks", "rhizome.unlinkedMentions", "rhizome.linkUnlinkedMentions", "rhizome.addBlockId"}
	if ec, ok := caps["executeCommandProvider"].(map[string]any); !ok || fmt.Sprint(ec["commands"]) != fmt.Sprint(want) {
		t.Errorf("executeCommandProvider %v, want %v", caps["executeCommandProvider"], want)
	}
	if dl, ok := caps["documentLinkProvider"].(map[string]any); !ok || dl["resolveProvider"] == true {
		t.Errorf("documentLinkProvider %v, want one without resolve", caps["documentLinkProvider"])
	}
	if caps["inlayHintProvider"] != true {
		t.Errorf("inlayHintProvider %v, want true", caps["inlayHintProvider"])
	}
}
