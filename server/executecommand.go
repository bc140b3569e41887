package server

import (
	"context"
	"encoding/json"
	"fmt"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
)

// commandUnlinkedMentions lists where other notes name a note without
// linking to it; arguments (uri).
const commandUnlinkedMentions = "rhizome.unlinkedMentions"

// commandLinkUnlinkedMentions links every unlinked mention of a note, by a
// workspace/applyEdit; arguments (uri). It returns how many it linked.
const commandLinkUnlinkedMentions = "rhizome.linkUnlinkedMentions"

// serverCommands are the commands the server runs, as it announces them.
func serverCommands() []string {
	return []string{commandLensLinks, commandUnlinkedMentions, commandLinkUnlinkedMentions, commandAddBlockID}
}

// executeCommand runs the server's commands: the links a code lens counts
// (codelens.go) and a note's unlinked mentions, which client-side commands
// show, and the linking of those mentions.
func (s *Server) executeCommand(ctx context.Context, p *protocol.ExecuteCommandParams) (any, error) {
	switch p.Command {
	case commandLensLinks:
		var uri protocol.DocumentURI
		var target lensTarget
		if err := decodeArgs(p.Arguments, &uri, &target); err != nil || uri == "" {
			return nil, invalidParams(protocol.MethodWorkspaceExecuteCommand, fmt.Errorf("%s wants (uri, {heading, slug}): %v", p.Command, err))
		}
		return s.lensLinks(uri, target), nil
	case commandUnlinkedMentions:
		var uri protocol.DocumentURI
		if err := decodeArgs(p.Arguments, &uri); err != nil || uri == "" {
			return nil, invalidParams(protocol.MethodWorkspaceExecuteCommand, fmt.Errorf("%s wants (uri): %v", p.Command, err))
		}
		return s.unlinkedMentions(ctx, uri)
	case commandLinkUnlinkedMentions:
		var uri protocol.DocumentURI
		if err := decodeArgs(p.Arguments, &uri); err != nil || uri == "" {
			return nil, invalidParams(protocol.MethodWorkspaceExecuteCommand, fmt.Errorf("%s wants (uri): %v", p.Command, err))
		}
		return s.linkUnlinkedMentions(ctx, uri)
	case commandAddBlockID:
		var uri protocol.DocumentURI
		var args blockIDArgs
		if err := decodeArgs(p.Arguments, &uri, &args); err != nil || uri == "" || args.ID == "" {
			return nil, invalidParams(protocol.MethodWorkspaceExecuteCommand, fmt.Errorf("%s wants (uri, {line, text, id}): %v", p.Command, err))
		}
		return s.addBlockID(ctx, uri, args)
	}
	return nil, invalidParams(protocol.MethodWorkspaceExecuteCommand, fmt.Errorf("unknown command %q", p.Command))
}

// unlinkedMentions lists where other notes of its vault name the note at
// uri without linking to it; nothing for a document that is not a note.
func (s *Server) unlinkedMentions(ctx context.Context, uri protocol.DocumentURI) ([]protocol.Location, error) {
	q, ok := s.ws.at(uri, protocol.Position{})
	if !ok {
		return []protocol.Location{}, nil
	}
	defer q.release()
	locs, err := analysis.UnlinkedMentions(ctx, q.snap, s.ws.parser, q.file)
	if err != nil {
		return nil, jsonrpc2.Errorf(CodeRequestCancelled, "%s: %v", commandUnlinkedMentions, err)
	}
	return s.ws.locations(q.v, locs), nil
}

// decodeArgs decodes a command's arguments, one into each of out.
func decodeArgs(args []any, out ...any) error {
	if len(args) != len(out) {
		return fmt.Errorf("%d arguments, want %d", len(args), len(out))
	}
	for i, a := range args {
		raw, err := json.Marshal(a)
		if err == nil {
			err = json.Unmarshal(raw, out[i])
		}
		if err != nil {
			return fmt.Errorf("argument %d: %w", i+1, err)
		}
	}
	return nil
}

// linkedMentions is what linkUnlinkedMentions answers.
type linkedMentions struct {
	Linked  int  `json:"linked"`  // mentions linked
	Applied bool `json:"applied"` // whether the editor applied the edit
}

// linkUnlinkedMentions asks the editor to link every unlinked mention of
// the note at uri (workspace/applyEdit), and says how many. The edits are
// computed on a snapshot released before the editor is asked: applying
// them sends changes, which wait for no snapshot to be held.
func (s *Server) linkUnlinkedMentions(ctx context.Context, uri protocol.DocumentURI) (linkedMentions, error) {
	if !s.Session().Client.ApplyEdit {
		return linkedMentions{}, jsonrpc2.Errorf(CodeRequestFailed, "this editor cannot apply edits the server sends (workspace/applyEdit)")
	}
	q, ok := s.ws.at(uri, protocol.Position{})
	if !ok {
		return linkedMentions{}, nil
	}
	files, err := analysis.LinkUnlinkedMentions(ctx, q.snap, s.ws.parser, q.file)
	title := q.file.Note.Title
	q.release()
	if err != nil {
		return linkedMentions{}, jsonrpc2.Errorf(CodeRequestCancelled, "%s: %v", commandLinkUnlinkedMentions, err)
	}
	n := 0
	for _, fe := range files {
		n += len(fe.Edits)
	}
	if n == 0 {
		return linkedMentions{}, nil
	}
	b := s.newEditBuilder(s.Session().Client.DocumentChanges)
	b.add(q.v, analysis.RenameResult{Edits: files})
	applied, err := s.ApplyEdit(ctx, fmt.Sprintf("Link %d unlinked %s of %s", n, plural(n, "mention", "mentions"), title), b.edit)
	if err != nil {
		return linkedMentions{}, jsonrpc2.Errorf(CodeRequestFailed, "%v", err)
	}
	return linkedMentions{Linked: n, Applied: applied}, nil
}
