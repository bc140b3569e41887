package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
)

var completionKinds = map[analysis.CompletionKind]protocol.CompletionItemKind{
	analysis.CompleteNote:    protocol.CompletionItemKindFile,
	analysis.CompleteFile:    protocol.CompletionItemKindFile,
	analysis.CompleteAlias:   protocol.CompletionItemKindReference,
	analysis.CompleteHeading: protocol.CompletionItemKindReference,
	analysis.CompleteBlock:   protocol.CompletionItemKindReference,
	analysis.CompleteTag:     protocol.CompletionItemKindKeyword,
	analysis.CompleteMissing: protocol.CompletionItemKindFolder,
}

func (s *Server) completion(ctx context.Context, p *protocol.CompletionParams) (*protocol.CompletionList, error) {
	q, ok := s.ws.at(p.TextDocument.URI, p.Position)
	if !ok {
		return &protocol.CompletionList{Items: []protocol.CompletionItem{}}, nil
	}
	defer q.release()
	list := analysis.Complete(q.snap, q.file, q.off)
	lines := NewLineIndex(q.file.Note.Text)
	enc := s.Session().Encoding
	out := &protocol.CompletionList{IsIncomplete: list.Incomplete, Items: make([]protocol.CompletionItem, len(list.Items))}
	for i, it := range list.Items {
		item := protocol.CompletionItem{
			Label:      it.Label,
			Kind:       completionKinds[it.Kind],
			Detail:     it.Detail,
			FilterText: it.FilterText,
			SortText:   it.SortText,
			TextEdit:   &protocol.TextEdit{Range: lines.Range(enc, it.Span.Start, it.Span.End), NewText: it.NewText},
		}
		if it.Documentation != "" {
			item.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: it.Documentation}
		}
		out.Items[i] = item
	}
	return out, nil
}
