package server

import (
	"context"

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

// codeAction offers the fixes of the diagnostics in the range: the
// did-you-mean path of a broken link, the closest heading of a broken anchor,
// a full path for an ambiguous link; and, where the client can create files,
// a new note for a link to a note that does not exist.
func (s *Server) codeAction(ctx context.Context, p *protocol.CodeActionParams) ([]codeAction, error) {
	q, ok := s.ws.at(p.TextDocument.URI, p.Range.Start)
	if !ok {
		return []codeAction{}, nil
	}
	defer q.release()
	lines := q.lines
	enc := s.Session().Encoding
	start, end := lines.OffsetRange(enc, p.Range)
	out := []codeAction{}
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
				Edit:        &WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{p.TextDocument.URI: {edit}}},
			})
		}
		if d.Code == "broken-link" {
			if a, ok := s.createNoteAction(q, d, converted[i]); ok {
				out = append(out, a)
			}
		}
	}
	return out, nil
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
