package server

import (
	"encoding/json"
	"testing"

	"go.lsp.dev/protocol"
)

// modeVault has a broken link in each note, so each has diagnostics to send.
var modeVault = map[string]string{
	"a.md": "# A\n\nSee [[Nowhere]].\n",
	"b.md": "# B\n\nSee [[Missing]].\n",
}

func noDiagnostics(ds []protocol.Diagnostic) bool { return len(ds) == 0 }

func (s *lspSession) setMode(mode string) {
	s.notify(protocol.MethodWorkspaceDidChangeConfiguration,
		json.RawMessage(`{"settings":{"rhizome":{"diagnosticMode":"`+mode+`"}}}`))
}

// Under diagnosticMode openFilesOnly a closed note's diagnostics are not
// sent, and those sent before are taken back; switching back sends them.
func TestDiagnosticModeSwitch(t *testing.T) {
	for _, tc := range []struct {
		name, caps string
		pull       bool
	}{
		{"push", `{}`, false},
		{"pull", `{"textDocument":{"diagnostic":{"dynamicRegistration":false}}}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSession(t, modeVault, tc.caps)
			s.open("a.md")
			s.diagnosticsFor(s.uri("b.md"), hasCode("broken-link"))

			s.setMode("openFilesOnly")
			s.diagnosticsFor(s.uri("b.md"), noDiagnostics)

			s.open("b.md")
			if tc.pull {
				if r := s.pull("b.md"); !hasCode("broken-link")(r.Items) {
					t.Errorf("pull of open b.md: %+v", r.Items)
				}
			} else {
				s.diagnosticsFor(s.uri("b.md"), hasCode("broken-link"))
				s.notify(protocol.MethodTextDocumentDidClose, protocol.DidCloseTextDocumentParams{
					TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("a.md")}})
				s.diagnosticsFor(s.uri("a.md"), noDiagnostics)
				s.notify(protocol.MethodTextDocumentDidClose, protocol.DidCloseTextDocumentParams{
					TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("b.md")}})
				s.diagnosticsFor(s.uri("b.md"), noDiagnostics)
			}

			s.setMode("workspace")
			if tc.pull {
				s.notify(protocol.MethodTextDocumentDidClose, protocol.DidCloseTextDocumentParams{
					TextDocument: protocol.TextDocumentIdentifier{URI: s.uri("a.md")}})
			}
			s.diagnosticsFor(s.uri("a.md"), hasCode("broken-link"))
		})
	}
}

// A vault's .rhizome.yaml can ask for it, and the editor's setting wins.
func TestDiagnosticModeFromTheVault(t *testing.T) {
	files := map[string]string{".rhizome.yaml": "diagnosticMode: openFilesOnly\n"}
	for k, v := range modeVault {
		files[k] = v
	}
	s := startSession(t, files, `{}`)
	s.open("a.md")
	s.diagnosticsFor(s.uri("a.md"), hasCode("broken-link"))
	// The flush that sent a.md's diagnostics was the one to decide on b.md
	// (one batch); once it is over, b.md must have been left out.
	p := s.srv.ws.diags
	p.flushing.Lock()
	p.mu.Lock()
	_, sent := p.published[s.uri("b.md")]
	p.mu.Unlock()
	p.flushing.Unlock()
	if sent {
		t.Errorf("closed b.md's diagnostics were sent under openFilesOnly")
	}
	s.setMode("workspace")
	s.diagnosticsFor(s.uri("b.md"), hasCode("broken-link"))
}

// pull asks for an open note's diagnostics until the index is loaded.
func (s *lspSession) pull(rel string) fullDocumentDiagnosticReport {
	s.t.Helper()
	var report fullDocumentDiagnosticReport
	for range 200 {
		raw, err := s.call(methodDiagnostic, documentDiagnosticParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri(rel)}})
		if err != nil {
			s.t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &report); err != nil {
			s.t.Fatal(err)
		}
		if len(report.Items) > 0 {
			break
		}
	}
	return report
}
