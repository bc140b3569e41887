package server

import (
	"fmt"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
)

// refactorActions rewrite the links in the range in the other syntax
// (wikilinks as markdown links and back, several at once when the range
// holds several) and link the text at the cursor, or the selection, to the
// note it names.
func (s *Server) refactorActions(q *query, uri protocol.DocumentURI, start, end int) []codeAction {
	out := s.convertActions(q, uri, start, end)
	for _, m := range analysis.Mentions(q.snap, s.ws.parser, q.file, start, end) {
		out = append(out, s.rewrite(q, uri, m.Title, []analysis.Edit{{Span: m.Span, NewText: m.NewText}}))
	}
	return out
}

// convertActions converts the link under the cursor, or those in the range:
// one action for each direction.
func (s *Server) convertActions(q *query, uri protocol.DocumentURI, start, end int) []codeAction {
	var toWiki, toMarkdown []analysis.Edit
	for _, c := range analysis.ConvertLinks(q.snap, q.file, start, end) {
		if c.ToWiki {
			toWiki = append(toWiki, c.Edit)
		} else {
			toMarkdown = append(toMarkdown, c.Edit)
		}
	}
	var out []codeAction
	for _, group := range []struct {
		edits      []analysis.Edit
		one, other string
	}{{toMarkdown, "markdown link", "markdown links"}, {toWiki, "wikilink", "wikilinks"}} {
		switch n := len(group.edits); {
		case n == 1:
			out = append(out, s.rewrite(q, uri, "Convert to "+group.one, group.edits))
		case n > 1:
			out = append(out, s.rewrite(q, uri, fmt.Sprintf("Convert %d links in selection to %s", n, group.other), group.edits))
		}
	}
	return out
}

// rewrite is a refactor.rewrite action that makes edits in the document.
func (s *Server) rewrite(q *query, uri protocol.DocumentURI, title string, edits []analysis.Edit) codeAction {
	enc := s.Session().Encoding
	text := make([]protocol.TextEdit, len(edits))
	for i, e := range edits {
		text[i] = protocol.TextEdit{Range: q.lines.Range(enc, e.Span.Start, e.Span.End), NewText: e.NewText}
	}
	return codeAction{
		Title: title,
		Kind:  protocol.RefactorRewrite,
		Edit:  &WorkspaceEdit{Changes: map[protocol.DocumentURI][]protocol.TextEdit{uri: text}},
	}
}
