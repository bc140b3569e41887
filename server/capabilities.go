package server

import (
	"encoding/json"
	"errors"
	"slices"

	"go.lsp.dev/protocol"
)

// ServerCapabilities is protocol.ServerCapabilities plus the 3.17 fields that
// protocol v0.12.0 lacks. Embedding marshals flat, so the wire shape is the
// spec's.
type ServerCapabilities struct {
	protocol.ServerCapabilities
	PositionEncoding   Encoding           `json:"positionEncoding,omitempty"`
	DiagnosticProvider *DiagnosticOptions `json:"diagnosticProvider,omitempty"`
	InlayHintProvider  any                `json:"inlayHintProvider,omitempty"` // bool | inlay hint options
}

// DiagnosticOptions announces pull diagnostics (textDocument/diagnostic, 3.17).
type DiagnosticOptions struct {
	Identifier            string `json:"identifier,omitempty"`
	InterFileDependencies bool   `json:"interFileDependencies"`
	WorkspaceDiagnostics  bool   `json:"workspaceDiagnostics"`
}

// SemanticTokensOptions replaces protocol.SemanticTokensOptions, which has no
// legend, full or range; set it as ServerCapabilities.SemanticTokensProvider.
type SemanticTokensOptions struct {
	Legend SemanticTokensLegend `json:"legend"`
	Range  bool                 `json:"range,omitempty"`
	Full   any                  `json:"full,omitempty"` // bool | {"delta": bool}
}

// SemanticTokensLegend names the token types and modifiers by index.
type SemanticTokensLegend struct {
	TokenTypes     []string `json:"tokenTypes"`
	TokenModifiers []string `json:"tokenModifiers"`
}

// capabilities is what rhizome announces in the initialize reply. A feature adds
// its provider here when its case is added to dispatch.
func (s *Server) capabilities(sess *Session) ServerCapabilities {
	return ServerCapabilities{
		ServerCapabilities: protocol.ServerCapabilities{
			TextDocumentSync: &protocol.TextDocumentSyncOptions{
				OpenClose: true,
				Change:    protocol.TextDocumentSyncKindIncremental,
				Save:      &protocol.SaveOptions{}, // didSave without the text: we have it
			},
			HoverProvider:      true,
			DefinitionProvider: true,
			ReferencesProvider: true,
			CompletionProvider: &protocol.CompletionOptions{
				// '[' for "[[", '(' for "](", '#' for headings and tags, '^' for blocks, '/' for paths.
				TriggerCharacters: []string{"[", "(", "#", "^", "/"},
				ResolveProvider:   true,
			},
			CodeActionProvider:      &protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{protocol.QuickFix, protocol.RefactorRewrite}},
			DocumentSymbolProvider:  true,
			CodeLensProvider:        &protocol.CodeLensOptions{},
			ExecuteCommandProvider:  &protocol.ExecuteCommandOptions{Commands: serverCommands()},
			DocumentLinkProvider:    &protocol.DocumentLinkOptions{},
			FoldingRangeProvider:    true,
			WorkspaceSymbolProvider: true,
			RenameProvider:          renameProvider(sess.Client),
			SemanticTokensProvider:  semanticTokensProvider(),
			Workspace:               fileOperationsOptions(),
		},
		PositionEncoding:   sess.Encoding,
		DiagnosticProvider: diagnosticProvider(sess),
		InlayHintProvider:  true,
	}
}

// diagnosticProvider announces pull diagnostics to clients that pull; others
// get pushes only (announcing both would show every diagnostic twice).
func diagnosticProvider(sess *Session) *DiagnosticOptions {
	if !sess.Client.PullDiagnostics {
		return nil
	}
	return &DiagnosticOptions{Identifier: "rhizome", InterFileDependencies: true}
}

// ClientCaps are the client capabilities rhizome acts on, read from the raw
// initialize params (protocol v0.12.0 drops the 3.17 ones). Anything else is in
// Session.Capabilities.
type ClientCaps struct {
	PositionEncodings []string // general.positionEncodings, as offered

	WorkDoneProgress bool // window.workDoneProgress: $/progress is welcome
	ShowDocument     bool // window.showDocument.support

	WatchedFilesDynamic      bool // workspace.didChangeWatchedFiles.dynamicRegistration
	WatchedFilesRelative     bool // workspace.didChangeWatchedFiles.relativePatternSupport (3.17)
	WorkspaceFolders         bool // workspace.workspaceFolders
	Configuration            bool // workspace.configuration
	ApplyEdit                bool // workspace.applyEdit
	DocumentChanges          bool // workspace.workspaceEdit.documentChanges
	ResourceOperations       []string
	SemanticTokensRefresh    bool // workspace.semanticTokens.refreshSupport
	CodeLensRefresh          bool // workspace.codeLens.refreshSupport
	InlayHintRefresh         bool // workspace.inlayHint.refreshSupport (3.17)
	DiagnosticRefresh        bool // workspace.diagnostics.refreshSupport (3.17)
	PullDiagnostics          bool // textDocument.diagnostic present (3.17)
	SnippetSupport           bool // textDocument.completion.completionItem.snippetSupport
	CompletionEditRange      bool // textDocument.completion.completionList.itemDefaults has editRange (3.17)
	CompletionLabelDetails   bool // textDocument.completion.completionItem.labelDetailsSupport (3.17)
	HoverMarkdown            bool // textDocument.hover.contentFormat includes markdown
	PrepareRename            bool // textDocument.rename.prepareSupport
	DiagnosticVersionSupport bool // textDocument.publishDiagnostics.versionSupport
	LineFoldingOnly          bool // textDocument.foldingRange.lineFoldingOnly: no characters
	FoldingRangeLimit        int  // textDocument.foldingRange.rangeLimit; 0 for none
	FoldingCollapsedText     bool // textDocument.foldingRange.foldingRange.collapsedText (3.17)
	LinkTooltips             bool // textDocument.documentLink.tooltipSupport (3.15)
}

// SupportsResourceOperation tells whether a WorkspaceEdit may create, rename or
// delete files ("create", "rename", "delete").
func (c ClientCaps) SupportsResourceOperation(kind string) bool {
	for _, k := range c.ResourceOperations {
		if k == kind {
			return true
		}
	}
	return false
}

// clientCapsWire is the JSON shape ClientCaps is read from.
type clientCapsWire struct {
	General struct {
		PositionEncodings []string `json:"positionEncodings"`
	} `json:"general"`
	Window struct {
		WorkDoneProgress bool `json:"workDoneProgress"`
		ShowDocument     struct {
			Support bool `json:"support"`
		} `json:"showDocument"`
	} `json:"window"`
	Workspace struct {
		ApplyEdit     bool `json:"applyEdit"`
		WorkspaceEdit struct {
			DocumentChanges    bool     `json:"documentChanges"`
			ResourceOperations []string `json:"resourceOperations"`
		} `json:"workspaceEdit"`
		DidChangeWatchedFiles struct {
			DynamicRegistration    bool `json:"dynamicRegistration"`
			RelativePatternSupport bool `json:"relativePatternSupport"`
		} `json:"didChangeWatchedFiles"`
		WorkspaceFolders bool        `json:"workspaceFolders"`
		Configuration    bool        `json:"configuration"`
		SemanticTokens   refreshCaps `json:"semanticTokens"`
		CodeLens         refreshCaps `json:"codeLens"`
		InlayHint        refreshCaps `json:"inlayHint"`
		Diagnostics      refreshCaps `json:"diagnostics"`
	} `json:"workspace"`
	TextDocument struct {
		Diagnostic json.RawMessage `json:"diagnostic"`
		Completion struct {
			CompletionItem struct {
				SnippetSupport      bool `json:"snippetSupport"`
				LabelDetailsSupport bool `json:"labelDetailsSupport"`
			} `json:"completionItem"`
			CompletionList struct {
				ItemDefaults []string `json:"itemDefaults"`
			} `json:"completionList"`
		} `json:"completion"`
		Hover struct {
			ContentFormat []string `json:"contentFormat"`
		} `json:"hover"`
		Rename struct {
			PrepareSupport bool `json:"prepareSupport"`
		} `json:"rename"`
		PublishDiagnostics struct {
			VersionSupport bool `json:"versionSupport"`
		} `json:"publishDiagnostics"`
		FoldingRange struct {
			LineFoldingOnly bool `json:"lineFoldingOnly"`
			RangeLimit      int  `json:"rangeLimit"`
			FoldingRange    struct {
				CollapsedText bool `json:"collapsedText"`
			} `json:"foldingRange"`
		} `json:"foldingRange"`
		DocumentLink struct {
			TooltipSupport bool `json:"tooltipSupport"`
		} `json:"documentLink"`
	} `json:"textDocument"`
}

type refreshCaps struct {
	RefreshSupport bool `json:"refreshSupport"`
}

// parseClientCaps reads ClientCaps from the raw capabilities object. A field of
// the wrong type is skipped rather than failing initialize: encoding/json goes on
// after an UnmarshalTypeError, and one odd capability should not lose the rest.
// The returned error is for the log.
func parseClientCaps(raw json.RawMessage) (ClientCaps, error) {
	var w clientCapsWire
	var err error
	if len(raw) > 0 {
		err = json.Unmarshal(raw, &w)
	}
	var typeErr *json.UnmarshalTypeError
	if err != nil && !errors.As(err, &typeErr) {
		return ClientCaps{}, err
	}
	c := ClientCaps{
		PositionEncodings:        w.General.PositionEncodings,
		WorkDoneProgress:         w.Window.WorkDoneProgress,
		ShowDocument:             w.Window.ShowDocument.Support,
		WatchedFilesDynamic:      w.Workspace.DidChangeWatchedFiles.DynamicRegistration,
		WatchedFilesRelative:     w.Workspace.DidChangeWatchedFiles.RelativePatternSupport,
		WorkspaceFolders:         w.Workspace.WorkspaceFolders,
		Configuration:            w.Workspace.Configuration,
		ApplyEdit:                w.Workspace.ApplyEdit,
		DocumentChanges:          w.Workspace.WorkspaceEdit.DocumentChanges,
		ResourceOperations:       w.Workspace.WorkspaceEdit.ResourceOperations,
		SemanticTokensRefresh:    w.Workspace.SemanticTokens.RefreshSupport,
		CodeLensRefresh:          w.Workspace.CodeLens.RefreshSupport,
		InlayHintRefresh:         w.Workspace.InlayHint.RefreshSupport,
		DiagnosticRefresh:        w.Workspace.Diagnostics.RefreshSupport,
		PullDiagnostics:          len(w.TextDocument.Diagnostic) > 0 && string(w.TextDocument.Diagnostic) != "null",
		SnippetSupport:           w.TextDocument.Completion.CompletionItem.SnippetSupport,
		CompletionLabelDetails:   w.TextDocument.Completion.CompletionItem.LabelDetailsSupport,
		DiagnosticVersionSupport: w.TextDocument.PublishDiagnostics.VersionSupport,
		PrepareRename:            w.TextDocument.Rename.PrepareSupport,
		LineFoldingOnly:          w.TextDocument.FoldingRange.LineFoldingOnly,
		FoldingRangeLimit:        w.TextDocument.FoldingRange.RangeLimit,
		FoldingCollapsedText:     w.TextDocument.FoldingRange.FoldingRange.CollapsedText,
		LinkTooltips:             w.TextDocument.DocumentLink.TooltipSupport,
	}
	c.CompletionEditRange = slices.Contains(w.TextDocument.Completion.CompletionList.ItemDefaults, "editRange")
	for _, f := range w.TextDocument.Hover.ContentFormat {
		if f == string(protocol.Markdown) {
			c.HoverMarkdown = true
		}
	}
	return c, err
}

// chooseEncoding picks utf-8 when the client offers it (Neovim, Helix), else
// utf-16, which every client must support (VS Code offers only that).
func chooseEncoding(offered []string) Encoding {
	for _, e := range offered {
		if Encoding(e) == UTF8 {
			return UTF8
		}
	}
	return UTF16
}
