package server

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

func TestInitializeNegotiatesEncoding(t *testing.T) {
	for _, tc := range []struct {
		name, caps, want string
	}{
		{"utf-8 offered", `{"general":{"positionEncodings":["utf-16","utf-8"]}}`, "utf-8"},
		{"utf-8 offered first", `{"general":{"positionEncodings":["utf-8"]}}`, "utf-8"},
		{"only utf-16", `{"general":{"positionEncodings":["utf-16"]}}`, "utf-16"},
		{"only utf-32", `{"general":{"positionEncodings":["utf-32"]}}`, "utf-16"},
		{"nothing offered", `{}`, "utf-16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			result := h.initialize(tc.caps)
			caps, _ := result["capabilities"].(map[string]any)
			if got := caps["positionEncoding"]; got != tc.want {
				t.Errorf("capabilities.positionEncoding = %v, want %q (result %v)", got, tc.want, result)
			}
			if got := h.srv.Session().Encoding; string(got) != tc.want {
				t.Errorf("session encoding = %q, want %q", got, tc.want)
			}
			// The embedded protocol.ServerCapabilities marshals flat beside it.
			sync, _ := caps["textDocumentSync"].(map[string]any)
			if sync["change"] != 2.0 || sync["openClose"] != true {
				t.Errorf("textDocumentSync = %v, want incremental with openClose", caps["textDocumentSync"])
			}
			info, _ := result["serverInfo"].(map[string]any)
			if info["name"] != "rhizome" || info["version"] != "test" {
				t.Errorf("serverInfo = %v", result["serverInfo"])
			}
		})
	}
}

func TestInitializeRemembersClient(t *testing.T) {
	h := newHarness(t)
	params := `{
		"processId": 42,
		"clientInfo": {"name": "Neovim", "version": "0.10"},
		"rootUri": "file:///ignored",
		"workspaceFolders": [{"uri": "file:///home/me/garden", "name": "garden"}],
		"initializationOptions": {"profile": "obsidian", "n": [1, 2]},
		"capabilities": {
			"general": {"positionEncodings": ["utf-8", "utf-16"]},
			"window": {"workDoneProgress": true, "showDocument": {"support": true}},
			"workspace": {
				"didChangeWatchedFiles": {"dynamicRegistration": true, "relativePatternSupport": true},
				"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create", "rename"]},
				"semanticTokens": {"refreshSupport": "not a bool"}
			},
			"textDocument": {
				"diagnostic": {"dynamicRegistration": false},
				"completion": {"completionItem": {"snippetSupport": true}},
				"hover": {"contentFormat": ["markdown", "plaintext"]}
			}
		}
	}`
	if _, err := h.call(protocol.MethodInitialize, json.RawMessage(params)); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	s := h.srv.Session()
	c := s.Client
	if !c.WorkDoneProgress || !c.ShowDocument || !c.WatchedFilesDynamic || !c.WatchedFilesRelative ||
		!c.DocumentChanges || !c.PullDiagnostics || !c.SnippetSupport || !c.HoverMarkdown {
		t.Errorf("client caps not all read: %+v", c)
	}
	if !c.SupportsResourceOperation("rename") || c.SupportsResourceOperation("delete") {
		t.Errorf("resource operations = %v", c.ResourceOperations)
	}
	if c.SemanticTokensRefresh {
		t.Error("a capability of the wrong type should read as false")
	}
	if len(s.Folders) != 1 || s.Folders[0].URI != "file:///home/me/garden" || s.SingleFile() {
		t.Errorf("folders = %v, want the workspace folder over rootUri", s.Folders)
	}
	var opts struct {
		Profile string
		N       []int
	}
	if err := json.Unmarshal(s.InitializationOptions, &opts); err != nil || opts.Profile != "obsidian" || len(opts.N) != 2 {
		t.Errorf("initializationOptions = %s, want the raw JSON", s.InitializationOptions)
	}
	if s.ClientInfo == nil || s.ClientInfo.Name != "Neovim" {
		t.Errorf("clientInfo = %+v", s.ClientInfo)
	}
	if s.Params == nil || s.Params.ProcessID != 42 {
		t.Errorf("typed params = %+v", s.Params)
	}
}

func TestInitializeRoots(t *testing.T) {
	for _, tc := range []struct {
		name, params, wantURI string
	}{
		{"rootUri", `{"rootUri":"file:///notes/","capabilities":{}}`, "file:///notes/"},
		{"empty folders fall back to rootUri", `{"rootUri":"file:///notes","workspaceFolders":[],"capabilities":{}}`, "file:///notes"},
		{"rootPath", `{"rootPath":"/home/me/notes","capabilities":{}}`, "file:///home/me/notes"},
		{"single-file mode", `{"rootUri":null,"workspaceFolders":null,"capabilities":{}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			if _, err := h.call(protocol.MethodInitialize, json.RawMessage(tc.params)); err != nil {
				t.Fatalf("initialize: %v", err)
			}
			s := h.srv.Session()
			if tc.wantURI == "" {
				if !s.SingleFile() {
					t.Errorf("folders = %v, want single-file mode", s.Folders)
				}
				return
			}
			if len(s.Folders) != 1 || s.Folders[0].URI != tc.wantURI || s.Folders[0].Name != "notes" {
				t.Errorf("folders = %+v, want %s named notes", s.Folders, tc.wantURI)
			}
		})
	}
}

func TestInitializeMalformedParams(t *testing.T) {
	h := newHarness(t)
	for _, params := range []string{`[1, 2]`, `"x"`, `{"capabilities": "none"}`, `{"workspaceFolders": 5}`, `null`} {
		_, err := h.call(protocol.MethodInitialize, json.RawMessage(params))
		wantCode(t, err, jsonrpc2.InvalidParams)
	}
	// A failed initialize leaves the server waiting for a good one.
	h.initialize(`{}`)
}

func TestRequestsBeforeInitialize(t *testing.T) {
	h := newHarness(t)
	// A notification before initialize is dropped.
	h.notify(protocol.MethodTextDocumentDidOpen, openParams("file:///early.md", "early"))
	for _, method := range []string{protocol.MethodTextDocumentHover, protocol.MethodShutdown, "no/such/method"} {
		_, err := h.call(method, map[string]any{})
		wantCode(t, err, jsonrpc2.ServerNotInitialized)
	}
	h.initialize(`{}`)
	h.noEvent()
	if h.srv.Document("file:///early.md") != nil {
		t.Error("a didOpen before initialize was applied")
	}
}

func TestSecondInitialize(t *testing.T) {
	h := newHarness(t)
	h.initialize(`{}`)
	_, err := h.call(protocol.MethodInitialize, json.RawMessage(`{"capabilities":{}}`))
	wantCode(t, err, jsonrpc2.InvalidRequest)
}

func TestShutdownThenExit(t *testing.T) {
	h := newHarness(t)
	h.initialize(`{}`)
	// (jsonrpc2's client reports a null result as empty; the raw tests see "result":null.)
	if raw, err := h.call(protocol.MethodShutdown, nil); err != nil || len(raw) != 0 {
		t.Fatalf("shutdown = %s, %v; want null", raw, err)
	}
	for _, method := range []string{protocol.MethodTextDocumentHover, protocol.MethodShutdown, protocol.MethodInitialize} {
		_, err := h.call(method, map[string]any{})
		wantCode(t, err, jsonrpc2.InvalidRequest)
	}
	h.notify(protocol.MethodTextDocumentDidOpen, openParams("file:///late.md", "late"))
	h.notify(protocol.MethodExit, nil)
	if err := h.waitRun(); err != nil {
		t.Fatalf("Run after shutdown+exit = %v, want nil", err)
	}
	// The shutdown line comes after the reply, but still before exit's.
	logs := h.logs.String()
	if i, j := strings.Index(logs, "\tshutdown\n"), strings.Index(logs, "\texit\t"); i < 0 || j < i {
		t.Errorf("log lacks shutdown before exit:\n%s", logs)
	}
	select {
	case ev := <-h.engine.events:
		t.Errorf("didOpen after shutdown reached the engine: %+v", ev)
	default:
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	for _, initialized := range []bool{false, true} {
		h := newHarness(t)
		if initialized {
			h.initialize(`{}`)
		}
		h.notify(protocol.MethodExit, nil)
		if err := h.waitRun(); !errors.Is(err, ErrExitWithoutShutdown) {
			t.Errorf("initialized=%v: Run = %v, want ErrExitWithoutShutdown", initialized, err)
		}
	}
}

func openParams(uri, text string) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "markdown", "version": 1, "text": text}}
}
