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
	analysis.CompleteKey:     protocol.CompletionItemKindProperty,
	analysis.CompleteValue:   protocol.CompletionItemKindValue,
}

// completionList is protocol.CompletionList with LSP 3.17's itemDefaults,
// which protocol v0.12.0 lacks.
type completionList struct {
	IsIncomplete bool                `json:"isIncomplete"`
	ItemDefaults *completionDefaults `json:"itemDefaults,omitempty"`
	Items        []completionItem    `json:"items"`
}

type completionDefaults struct {
	EditRange *protocol.Range `json:"editRange,omitempty"`
}

// completionItem holds the fields rhizome sends, no more: a reply carries a
// hundred of them on every keystroke inside a link.
type completionItem struct {
	Label         string                      `json:"label"`
	LabelDetails  *labelDetails               `json:"labelDetails,omitempty"`
	Kind          protocol.CompletionItemKind `json:"kind,omitempty"`
	Detail        string                      `json:"detail,omitempty"`
	Documentation *protocol.MarkupContent     `json:"documentation,omitempty"`
	SortText      string                      `json:"sortText,omitempty"`
	FilterText    string                      `json:"filterText,omitempty"`
	TextEdit      *protocol.TextEdit          `json:"textEdit,omitempty"`
	// TextEditText replaces itemDefaults.editRange; the label when absent
	// (a pointer: an empty text is not the label).
	TextEditText *string      `json:"textEditText,omitempty"`
	Data         *resolveData `json:"data,omitempty"`
	// Command adds the id a block reference names to its block, in the
	// note linked to (commandAddBlockID).
	Command *protocol.Command `json:"command,omitempty"`
}

// labelDetails is LSP 3.17's CompletionItemLabelDetails: Description shows
// beside every item's label, where Detail shows only for the one selected.
type labelDetails struct {
	Description string `json:"description,omitempty"`
}

func (s *Server) completion(ctx context.Context, p *protocol.CompletionParams) (*completionList, error) {
	q, ok := s.ws.at(p.TextDocument.URI, p.Position)
	if !ok {
		return &completionList{Items: []completionItem{}}, nil
	}
	defer q.release()
	list := q.v.completer.Complete(ctx, q.snap, q.file, q.off)
	sess := s.Session()
	out := &completionList{IsIncomplete: list.Incomplete, Items: make([]completionItem, len(list.Items))}
	// Every item of a list replaces the same span: a client that takes a
	// default range gets it once instead of in each item.
	shared := sess.Client.CompletionEditRange && len(list.Items) > 0
	for _, it := range list.Items[min(1, len(list.Items)):] {
		shared = shared && it.Span == list.Items[0].Span
	}
	if shared {
		r := q.lines.Range(sess.Encoding, list.Items[0].Span.Start, list.Items[0].Span.End)
		out.ItemDefaults = &completionDefaults{EditRange: &r}
	}
	// The root tells the vault a resolve looks in, where there is a choice.
	root := ""
	if len(s.ws.allVaults()) > 1 {
		root = q.v.root
	}
	// The items' data in one allocation rather than one each.
	data := make([]resolveData, len(list.Items))
	for i, it := range list.Items {
		item := completionItem{
			Label:      it.Label,
			Kind:       completionKinds[it.Kind],
			Detail:     it.Detail,
			FilterText: it.FilterText,
			SortText:   it.SortText,
		}
		switch {
		case !shared:
			item.TextEdit = &protocol.TextEdit{Range: q.lines.Range(sess.Encoding, it.Span.Start, it.Span.End), NewText: it.NewText}
		case it.NewText != it.Label:
			item.TextEditText = &list.Items[i].NewText
		}
		switch {
		case it.Path != "":
			// A note's description comes with completionItem/resolve, for the
			// item the user looks at: a hundred of them would double the reply.
			data[i] = resolveData{Root: root, Path: it.Path}
			item.Data = &data[i]
		case it.Documentation != "":
			item.Documentation = &protocol.MarkupContent{Kind: protocol.Markdown, Value: it.Documentation}
		}
		if it.Where != "" && sess.Client.CompletionLabelDetails {
			item.LabelDetails = &labelDetails{Description: it.Where}
		}
		if b := it.BlockID; b != nil {
			item.Command = &protocol.Command{Title: "Add the block id ^" + b.ID, Command: commandAddBlockID,
				Arguments: []any{s.URIForPath(q.v.abs(b.File.Path)), blockIDArgs{Line: b.Line, Col: b.Col, Text: b.LineText, ID: b.ID, Apart: b.Apart}}}
		}
		out.Items[i] = item
	}
	return out, nil
}

// resolveData names the note a completion item stands for: its path, and its
// vault's root when several are open.
type resolveData struct {
	Root string `json:"root,omitempty"`
	Path string `json:"path"`
}

// completionResolve adds the note's description to the item the editor
// shows. The item comes back as the editor holds it, so it is passed on as
// raw JSON: fields rhizome does not know must not be lost on the way.
func (s *Server) completionResolve(ctx context.Context, raw *json.RawMessage) (any, error) {
	var item struct {
		Data json.RawMessage `json:"data"`
	}
	var d resolveData
	if json.Unmarshal(*raw, &item) != nil || json.Unmarshal(item.Data, &d) != nil || d.Path == "" {
		return raw, nil
	}
	for _, v := range s.ws.allVaults() {
		if d.Root != "" && v.root != d.Root {
			continue
		}
		snap := v.snapshot()
		f := snap.File(d.Path)
		desc := ""
		if f != nil && f.Note != nil {
			desc = f.Note.Description
		}
		snap.Release()
		if f == nil {
			continue // without a root, the first vault holding the path
		}
		if desc == "" {
			return raw, nil
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(*raw, &fields); err != nil {
			return raw, nil
		}
		doc, err := json.Marshal(protocol.MarkupContent{Kind: protocol.Markdown, Value: desc})
		if err != nil {
			return raw, nil
		}
		fields["documentation"] = doc
		return fields, nil
	}
	return raw, nil
}
