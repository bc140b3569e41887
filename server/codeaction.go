package server

import (
	"context"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
)

// codeAction is protocol.CodeAction with our WorkspaceEdit, which can create
// files (protocol's cannot).
type codeAction struct {
	Title       string                  `json:"title"`
	Kind        protocol.CodeActionKind `json:"kind,omitempty"`
	Diagnostics []protocol.Diagnostic   `json:"diagnostics,omitempty"`
	IsPreferred bool                    `json:"isPreferred,omitempty"`
	Edit        *WorkspaceEdit          `json:"edit,omitempty"`
}

// codeAction offers the quick fixes of the diagnostics in the range and the
// rewrites of the links or text in it (refactor.go), of the kinds the client
// asks for.
func (s *Server) codeAction(ctx context.Context, p *protocol.CodeActionParams) ([]codeAction, error) {
	q, ok := s.ws.at(p.TextDocument.URI, p.Range.Start)
	if !ok {
		return []codeAction{}, nil
	}
	defer q.release()
	start, end := q.lines.OffsetRange(s.Session().Encoding, p.Range)
	out := []codeAction{}
	if wantsKind(p.Context.Only, protocol.QuickFix) {
		out = append(out, s.quickFixes(q, p.TextDocument.URI, start, end)...)
	}
	if wantsKind(p.Context.Only, protocol.RefactorRewrite) {
		out = append(out, s.refactorActions(q, p.TextDocument.URI, start, end)...)
	}
	return out, nil
}

// wantsKind says whether a client that asked for only these kinds (none:
// all) wants actions of kind: "refactor" takes "refactor.rewrite".
func wantsKind(only []protocol.CodeActionKind, kind protocol.CodeActionKind) bool {
	for _, k := range only {
		if kind == k || strings.HasPrefix(string(kind), string(k)+".") {
			return true
		}
	}
	return len(only) == 0
}

// quickFixes are the fixes of the diagnostics in the range: the
// did-you-mean path of a broken link, the closest heading of a broken anchor,
// a full path for an ambiguous link; where the client can create files, a
// new note for a link to a note that does not exist; and the id a block
// reference names, for the paragraph it was made for.
func (s *Server) quickFixes(q *query, uri protocol.DocumentURI, start, end int) []codeAction {
	lines := q.lines
	enc := s.Session().Encoding
	var out []codeAction
	diags := analysis.Diagnose(q.snap, q.file, q.v.severities())
	converted := s.ws.convert(q.file, diags)
	for i, d := range diags {
		if d.Span.End < start || d.Span.Start > end {
			continue
		}
		for j, fix := range d.Fixes {
			edit := protocol.TextEdit{Range: lines.Range(enc, fix.Span.Start, fix.Span.End), NewText: fix.NewText}
			out = append(out, codeAction{
				Title:       fix.Title,
				Kind:        protocol.QuickFix,
				Diagnostics: []protocol.Diagnostic{converted[i]},
				IsPreferred: j == 0,
				Edit:        &WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{uri: {edit}}},
			})
		}
		switch d.Code {
		case "broken-link":
			if a, ok := s.createNoteAction(q, d, converted[i]); ok {
				out = append(out, a)
			}
		case "broken-block":
			if a, ok := s.addBlockIDAction(q, d, converted[i]); ok {
				out = append(out, a)
			}
		}
	}
	return out
}

// createNoteAction creates the note a broken link names, with its title as
// the first heading, when the client can apply file creations.
func (s *Server) createNoteAction(q *query, d analysis.Diagnostic, diag protocol.Diagnostic) (codeAction, bool) {
	caps := s.Session().Client
	if !caps.DocumentChanges || !caps.SupportsResourceOperation("create") {
		return codeAction{}, false
	}
	i := analysis.LinkAt(q.file.Note, d.Span.Start)
	if i < 0 {
		return codeAction{}, false
	}
	rel, title, ok := analysis.NewNote(q.snap, q.file, i)
	if !ok {
		return codeAction{}, false
	}
	uri := s.URIForPath(q.v.abs(rel))
	create := NewCreateFile(uri, &protocol.CreateFileOptions{IgnoreIfExists: true})
	heading := TextDocumentEdit{protocol.TextDocumentEdit{
		TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}},
		Edits:        []protocol.TextEdit{{NewText: "# " + title + "\n"}},
	}}
	return codeAction{
		Title:       "Create note " + rel,
		Kind:        protocol.QuickFix,
		Diagnostics: []protocol.Diagnostic{diag},
		Edit:        &WorkspaceEdit{DocumentChanges: []DocumentChange{create, heading}},
	}, true
}

// addBlockIDAction gives a block the id that a block reference
// completion made for it, when the editor did not run the item's command
// (analysis.MissingBlockID): the edit is in the note linked to.
func (s *Server) addBlockIDAction(q *query, d analysis.Diagnostic, diag protocol.Diagnostic) (codeAction, bool) {
	i := analysis.LinkAt(q.file.Note, d.Span.Start)
	if i < 0 {
		return codeAction{}, false
	}
	b, ok := analysis.MissingBlockID(q.snap, q.file, i)
	if !ok {
		return codeAction{}, false
	}
	e, err := analysis.AddBlockID(q.snap, b)
	if err != nil || e == nil {
		return codeAction{}, false
	}
	title := fmt.Sprintf("Add ^%s to the paragraph %q in %s", b.ID, b.Label, b.File.Path)
	if b.Apart {
		title = fmt.Sprintf("Add ^%s on a line after %q in %s", b.ID, b.Label, b.File.Path)
	}
	return codeAction{
		Title:       title,
		Kind:        protocol.QuickFix,
		Diagnostics: []protocol.Diagnostic{diag},
		IsPreferred: true,
		Edit:        s.noteEdit(q.v, b.File, *e),
	}, true
}
