package server

import (
	"context"
	"fmt"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/rhizome-lsp/rhizome/analysis"
)

// prepareRenameResult is the range an editor selects for a rename and the
// name it proposes.
type prepareRenameResult struct {
	Range       protocol.Range `json:"range"`
	Placeholder string         `json:"placeholder"`
}

func (s *Server) prepareRename(ctx context.Context, p *protocol.PrepareRenameParams) (*prepareRenameResult, error) {
	q, ok := s.ws.at(p.TextDocument.URI, p.Position)
	if !ok {
		return nil, nil
	}
	defer q.release()
	t, err := analysis.PrepareRename(q.snap, q.file, q.off)
	if err != nil {
		return nil, renameFailed(err)
	}
	return &prepareRenameResult{Range: q.lines.Range(s.Session().Encoding, t.Span.Start, t.Span.End), Placeholder: t.Name}, nil
}

func (s *Server) rename(ctx context.Context, p *protocol.RenameParams) (*WorkspaceEdit, error) {
	q, ok := s.ws.at(p.TextDocument.URI, p.Position)
	if !ok {
		return nil, jsonrpc2.Errorf(CodeRequestFailed, "%s is not a note of a vault rhizome has open", p.TextDocument.URI)
	}
	defer q.release()
	res, err := analysis.Rename(q.snap, q.file, q.off, p.NewName)
	if err != nil {
		return nil, renameFailed(err)
	}
	caps := s.Session().Client
	// Resource operations exist only in documentChanges: a client that
	// announces them takes documentChanges (Neovim 0.7 omits the flag).
	canMove := caps.SupportsResourceOperation("rename")
	if len(res.Moves) > 0 && !canMove {
		return nil, jsonrpc2.Errorf(CodeRequestFailed,
			"this editor cannot rename files for a language server: rename %s in its file explorer, and rhizome updates the links", res.Moves[0].From)
	}
	e := s.newEditBuilder(caps.DocumentChanges || len(res.Moves) > 0)
	e.add(q.v, res)
	return e.edit, nil
}

// willRenameFiles rewrites the links that the files and folders the editor
// is about to move would break. The editor moves them itself.
func (s *Server) willRenameFiles(ctx context.Context, p *protocol.RenameFilesParams) (*WorkspaceEdit, error) {
	vaults := s.ws.allVaults()
	byVault := map[*vault][]analysis.Move{}
	for _, f := range p.Files {
		from, err1 := uriFilename(protocol.DocumentURI(f.OldURI))
		to, err2 := uriFilename(protocol.DocumentURI(f.NewURI))
		if err1 != nil || err2 != nil {
			continue // not files on disk: nothing links to them
		}
		for _, v := range vaults {
			oldRel, ok1 := v.rel(from)
			newRel, ok2 := v.rel(to)
			if ok1 && ok2 && oldRel != "." {
				byVault[v] = append(byVault[v], analysis.Move{From: oldRel, To: newRel})
				break
			}
		}
	}
	e := s.newEditBuilder(s.Session().Client.DocumentChanges)
	for v, moves := range byVault {
		snap := v.snapshot()
		res, err := analysis.MoveFiles(snap, moves)
		if err == nil {
			e.add(v, res) // without moves: the editor makes them
		}
		snap.Release()
		if err != nil {
			// The editor moves the files whatever the answer: the links
			// that can follow still should, in the vaults that allow it.
			s.log.Warn("links not updated for a move", zap.String("root", v.root), zap.Error(err))
		}
	}
	return e.edit, nil
}

// renameFailed is the error a client shows for a rename that cannot be done.
func renameFailed(err error) error {
	if analysis.IsRenameError(err) {
		return jsonrpc2.NewError(CodeRequestFailed, err.Error())
	}
	return fmt.Errorf("rename: %w", err)
}

// editBuilder turns renames into one WorkspaceEdit: documentChanges, with
// the versions of open documents, where the client takes them and for moves;
// else changes.
type editBuilder struct {
	s    *Server
	enc  Encoding
	docs bool
	edit *WorkspaceEdit
}

func (s *Server) newEditBuilder(documentChanges bool) *editBuilder {
	b := &editBuilder{s: s, enc: s.Session().Encoding, docs: documentChanges, edit: &WorkspaceEdit{}}
	if !b.docs {
		b.edit.Changes = map[protocol.DocumentURI][]protocol.TextEdit{}
	}
	return b
}

// add appends a rename's edits, then its moves: the edits name the files
// where they are before the moves.
func (b *editBuilder) add(v *vault, res analysis.RenameResult) {
	for _, fe := range res.Edits {
		uri := b.s.URIForPath(v.abs(fe.File.Path))
		lines := LineIndexOf(fe.File.Note.Lines())
		edits := make([]protocol.TextEdit, len(fe.Edits))
		for i, e := range fe.Edits {
			edits[i] = protocol.TextEdit{Range: lines.Range(b.enc, e.Span.Start, e.Span.End), NewText: e.NewText}
		}
		if !b.docs {
			b.edit.Changes[uri] = append(b.edit.Changes[uri], edits...)
			continue
		}
		id := protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}}
		if d := b.s.Document(uri); d != nil {
			id.Version = &d.Version
		}
		b.edit.DocumentChanges = append(b.edit.DocumentChanges, TextDocumentEdit{protocol.TextDocumentEdit{TextDocument: id, Edits: edits}})
	}
	for _, m := range res.Moves {
		b.edit.DocumentChanges = append(b.edit.DocumentChanges,
			NewRenameFile(b.s.URIForPath(v.abs(m.From)), fileURI(v.abs(m.To)), nil))
	}
}

// renameProvider announces rename, with prepareRename where the client
// supports it (the specification allows the options only then).
func renameProvider(c ClientCaps) any {
	if c.PrepareRename {
		return &protocol.RenameOptions{PrepareProvider: true}
	}
	return true
}
