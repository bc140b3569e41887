package server

import (
	"context"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
	"github.com/rhizome-lsp/rhizome/workspace"
)

// commandAddBlockID adds the id a block reference completion wrote to its
// block (analysis.NewBlockID), by a workspace/applyEdit; arguments (uri,
// blockIDArgs). A completion item runs it once accepted: its own edit can
// only change the document typed in.
const commandAddBlockID = "rhizome.addBlockId"

// blockIDArgs locate the block: the line that ends it, as it read, and the
// byte in it where the block ends; Apart when the id goes on a line of its
// own after it (a quote, a callout, a table).
type blockIDArgs struct {
	Line  int    `json:"line"`
	Col   int    `json:"col"`
	Text  string `json:"text"`
	ID    string `json:"id"`
	Apart bool   `json:"apart,omitempty"`
}

// blockIDAdded is what addBlockID answers: whether the editor applied the
// edit, which is false too when the block had the id already.
type blockIDAdded struct {
	Applied bool `json:"applied"`
}

// addBlockID asks the editor to add the id to the block of the note at uri
// that a completion linked to (analysis.AddBlockID says where). The edit is
// made on a snapshot released before the editor is asked, as
// linkUnlinkedMentions does.
func (s *Server) addBlockID(ctx context.Context, uri protocol.DocumentURI, args blockIDArgs) (blockIDAdded, error) {
	if !s.Session().Client.ApplyEdit {
		return blockIDAdded{}, jsonrpc2.Errorf(CodeRequestFailed, "this editor cannot apply edits the server sends (workspace/applyEdit)")
	}
	// The editor may run the command twice (an editor's completion and a
	// plugin's both): the second must not add the id again before the
	// first one's edit has reached the index.
	key := string(uri) + "#^" + args.ID
	if !s.blockIDs.claim(key, time.Now()) {
		return blockIDAdded{}, nil
	}
	applied := false
	defer func() {
		if !applied {
			s.blockIDs.release(key) // not added after all
		}
	}()
	q, ok := s.ws.at(uri, protocol.Position{})
	if !ok {
		return blockIDAdded{}, jsonrpc2.Errorf(CodeRequestFailed, "%s: %s is not a note of an open vault", commandAddBlockID, uri)
	}
	e, err := analysis.AddBlockID(q.snap, &analysis.NewBlockID{File: q.file, Line: args.Line, Col: args.Col, LineText: args.Text, ID: args.ID, Apart: args.Apart})
	var edit *WorkspaceEdit
	if e != nil {
		edit = s.noteEdit(q.v, q.file, *e)
	}
	q.release()
	switch {
	case err != nil:
		return blockIDAdded{}, jsonrpc2.Errorf(CodeRequestFailed, "cannot add the block id ^%s: %v", args.ID, err)
	case edit == nil:
		return blockIDAdded{}, nil // the line has the id
	}
	applied, err = s.ApplyEdit(ctx, "Add the block id ^"+args.ID, edit)
	if err != nil {
		return blockIDAdded{}, jsonrpc2.Errorf(CodeRequestFailed, "%v", err)
	}
	return blockIDAdded{Applied: applied}, nil
}

// noteEdit is a workspace edit of one note of v, with its version if the
// editor has it open.
func (s *Server) noteEdit(v *vault, f *workspace.File, e analysis.Edit) *WorkspaceEdit {
	b := s.newEditBuilder(s.Session().Client.DocumentChanges)
	b.add(v, analysis.RenameResult{Edits: []analysis.FileEdits{{File: f, Edits: []analysis.Edit{e}}}})
	return b.edit
}

// recentBlockIDs are the block ids added lately, by note URI and id.
type recentBlockIDs struct {
	mu    sync.Mutex
	added map[string]time.Time
}

// blockIDMemory is how long an added id is remembered: long enough for the
// editor's change to reach the index, which then has the id.
const blockIDMemory = 10 * time.Second

// claim reports whether key was not added within blockIDMemory of now, and
// takes it if so.
func (r *recentBlockIDs) claim(key string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, t := range r.added {
		if now.Sub(t) >= blockIDMemory {
			delete(r.added, k)
		}
	}
	if _, ok := r.added[key]; ok {
		return false
	}
	if r.added == nil {
		r.added = map[string]time.Time{}
	}
	r.added[key] = now
	return true
}

// release forgets key: it was not added after all.
func (r *recentBlockIDs) release(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.added, key)
}
