package server

import (
	"context"
	"encoding/json"

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
	lines := q.lines
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
		switch {
		case it.Path != "":
			// A note's description comes with completionItem/resolve, for the
			// item the user looks at: a hundred of them would double the reply.
			item.Data = resolveData{Root: q.v.root, Path: it.Path}
		case it.Documentation != "":
			item.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: it.Documentation}
		}
		out.Items[i] = item
	}
	return out, nil
}

// resolveData names the note a completion item stands for.
type resolveData struct {
	Root string `json:"root"`
	Path string `json:"path"`
}

// completionResolve adds the note's description to the item the editor shows.
func (s *Server) completionResolve(ctx context.Context, item *protocol.CompletionItem) (*protocol.CompletionItem, error) {
	raw, err := json.Marshal(item.Data)
	if err != nil {
		return item, nil
	}
	var d resolveData
	if json.Unmarshal(raw, &d) != nil || d.Path == "" {
		return item, nil
	}
	for _, v := range s.ws.allVaults() {
		if v.root != d.Root {
			continue
		}
		snap := v.snapshot()
		if f := snap.File(d.Path); f != nil && f.Note != nil && f.Note.Description != "" {
			item.Documentation = protocol.MarkupContent{Kind: protocol.Markdown, Value: f.Note.Description}
		}
		snap.Release()
	}
	return item, nil
}
