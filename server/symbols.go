package server

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// maxSymbols caps workspace symbol results.
const maxSymbols = 200

// documentSymbol lists the note's headings as an outline.
func (s *Server) documentSymbol(ctx context.Context, p *protocol.DocumentSymbolParams) ([]protocol.DocumentSymbol, error) {
	q, ok := s.ws.at(p.TextDocument.URI, protocol.Position{})
	if !ok {
		return []protocol.DocumentSymbol{}, nil
	}
	defer q.release()
	n := q.file.Note
	lines := LineIndexOf(n.Lines())
	enc := s.Session().Encoding
	// Build the tree with a stack of open headings by level.
	root := []protocol.DocumentSymbol{}
	type open struct {
		level int
		sym   *protocol.DocumentSymbol
	}
	var stack []open
	var flat []*protocol.DocumentSymbol
	parents := map[*protocol.DocumentSymbol]*protocol.DocumentSymbol{}
	headings := n.Headings()
	for i := range headings {
		h := &headings[i]
		end := n.Size
		for _, next := range headings[i+1:] {
			if next.Level <= h.Level {
				end = next.Span.Start
				break
			}
		}
		sym := &protocol.DocumentSymbol{
			Name:           h.Text,
			Kind:           protocol.SymbolKindString,
			Range:          lines.Range(enc, h.Span.Start, end),
			SelectionRange: lines.Range(enc, h.TextSpan.Start, h.TextSpan.End),
		}
		if sym.Name == "" {
			sym.Name = strings.Repeat("#", h.Level)
		}
		for len(stack) > 0 && stack[len(stack)-1].level >= h.Level {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			parents[sym] = stack[len(stack)-1].sym
		}
		stack = append(stack, open{h.Level, sym})
		flat = append(flat, sym)
	}
	// Attach children bottom-up so that copies carry their subtrees.
	for i := len(flat) - 1; i >= 0; i-- {
		if parent := parents[flat[i]]; parent != nil {
			parent.Children = append([]protocol.DocumentSymbol{*flat[i]}, parent.Children...)
		}
	}
	for _, sym := range flat {
		if parents[sym] == nil {
			root = append(root, *sym)
		}
	}
	return root, nil
}

// workspaceSymbol finds notes by title or path and, for queries of three
// characters or more, headings by text; at most maxSymbols.
func (s *Server) workspaceSymbol(ctx context.Context, p *protocol.WorkspaceSymbolParams) ([]protocol.SymbolInformation, error) {
	query := workspace.Fold(p.Query)
	out := []protocol.SymbolInformation{}
	for _, v := range s.ws.allVaults() {
		snap := v.snapshot()
		names := snap.Names()
		for _, e := range names {
			if len(out) >= maxSymbols {
				break
			}
			if f := e.File; f != nil && f.IsNote() && (strings.Contains(e.Title, query) || strings.Contains(e.Stem, query)) {
				out = append(out, protocol.SymbolInformation{Name: f.Note.Title, Kind: protocol.SymbolKindFile,
					Location: s.ws.location(v, f, workspace.Span{}), ContainerName: f.Path})
			}
		}
		// Headings only for a query that narrows them.
		if len(out) < maxSymbols && len(query) >= 3 {
			snap.FindHeadings(query, func(f *workspace.File, h *workspace.Heading) bool {
				out = append(out, protocol.SymbolInformation{Name: h.Text, Kind: protocol.SymbolKindString,
					Location: s.ws.location(v, f, h.Span), ContainerName: f.Note.Title})
				return len(out) < maxSymbols
			})
		}
		snap.Release()
	}
	return out, nil
}
