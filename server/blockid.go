package server

import (
	"context"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
)

// commandAddBlockID adds the id a block reference completion wrote to its
// block (analysis.NewBlockID), by a workspace/applyEdit; arguments (uri,
// blockIDArgs). A completion item runs it once accepted: its own edit can
// only change the document typed in.
const commandAddBlockID = "rhizome.addBlockId"

// blockIDArgs locate the block: the line that ends it, as it read.
type blockIDArgs struct {
	Line int    `json:"line"`
	Text string `json:"text"`
	ID   string `json:"id"`
}

// blockIDAdded is what addBlockID answers: whether the editor applied the
// edit, which is false too when the block had the id already.
type blockIDAdded struct {
	Applied bool `json:"applied"`
}

// addBlockID asks the editor to add " ^id" at the end of the block of the
// note at uri that a completion linked to. The edit is made on a snapshot
// released before the editor is asked, as linkUnlinkedMentions does.
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
	q, ok := s.ws.at(uri, protocol.Position{})
	if !ok {
		s.blockIDs.release(key)
		return blockIDAdded{}, jsonrpc2.Errorf(CodeRequestFailed, "%s: %s is not a note of an open vault", commandAddBlockID, uri)
	}
	e, err := analysis.AddBlockID(q.snap, q.file, args.Line, args.Text, args.ID)
	var b *editBuilder
	if e != nil {
		b = s.newEditBuilder(s.Session().Client.DocumentChanges)
		b.add(q.v, analysis.RenameResult{Edits: []analysis.FileEdits{{File: q.file, Edits: []analysis.Edit{*e}}}})
	}
	q.release()
	if err != nil || b == nil {
		s.blockIDs.release(key)
		if err != nil {
			return blockIDAdded{}, jsonrpc2.Errorf(CodeRequestFailed, "cannot add the block id ^%s: %v", args.ID, err)
		}
		return blockIDAdded{}, nil
	}
	applied, err := s.ApplyEdit(ctx, "Add the block id ^"+args.ID, b.edit)
	if err != nil || !applied {
		s.blockIDs.release(key)
	}
	if err != nil {
		return blockIDAdded{}, jsonrpc2.Errorf(CodeRequestFailed, "%v", err)
	}
	return blockIDAdded{Applied: applied}, nil
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
