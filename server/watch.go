package server

import (
	"context"
	"os"
	pathpkg "path"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// Files change under the server: git pull, a sync client, another editor.
// The client watches for us when it can (dynamic registration of
// workspace/didChangeWatchedFiles); otherwise we watch the folders ourselves.

// watch starts watching the vaults' files, before they load: what changes
// during the loads is held until they end (vault.hold). The wait group is
// done once the watches are in place.
func (e *engine) watch(ctx context.Context, vs []*vault) *sync.WaitGroup {
	watching := &sync.WaitGroup{}
	if len(vs) == 0 {
		return watching
	}
	if e.s.Session().Client.WatchedFilesDynamic {
		// The client answers when its watchers are in place; the load does
		// not wait for that.
		e.s.Go("register watchers", e.register)
		return watching
	}
	for _, v := range vs {
		if !v.scan {
			continue
		}
		watching.Add(1)
		if !e.s.Go("watch", func(ctx context.Context) { e.watchFolder(ctx, v, watching.Done) }) {
			watching.Done()
		}
	}
	return watching
}

// register asks the client to watch every file once; the pattern covers
// images too, since notes link to them.
func (e *engine) register(ctx context.Context) {
	// Not held while the client answers: the loads take e.mu meanwhile.
	e.mu.Lock()
	registered := e.registered
	e.registered = true
	e.mu.Unlock()
	if registered {
		return
	}
	params := &protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID:     "rhizome-watch",
		Method: protocol.MethodWorkspaceDidChangeWatchedFiles,
		RegisterOptions: map[string]any{"watchers": []map[string]any{
			{"globPattern": "**/*"},
		}},
	}}}
	if _, err := e.s.conn.Call(ctx, protocol.MethodClientRegisterCapability, params, nil); err != nil {
		e.s.log.Warn("registering file watchers", zap.Error(err))
		e.mu.Lock()
		e.registered = false
		e.mu.Unlock()
	}
}

// didChangeWatchedFiles applies file events from the client. VS Code's
// language client reports a file once per watcher that matches it (the
// extension's own and the one the server registered: two or three events
// for one saved note), and a burst (a checkout) can hold several for one
// path. Only a path's last event says what it is now (fileChanged reads the
// disk), so each path is applied once, where it last appears.
func (s *Server) didChangeWatchedFiles(ctx context.Context, p *protocol.DidChangeWatchedFilesParams) error {
	last := make(map[protocol.DocumentURI]int, len(p.Changes))
	created := map[protocol.DocumentURI]bool{}
	for i, c := range p.Changes {
		if c == nil {
			continue
		}
		last[c.URI] = i
		if c.Type == protocol.FileChangeTypeCreated {
			created[c.URI] = true
		}
	}
	for i, c := range p.Changes {
		if c == nil || last[c.URI] != i {
			continue
		}
		path, err := uriFilename(c.URI)
		if err != nil {
			continue
		}
		if created[c.URI] {
			s.ws.watchIfNewFolder(path)
		}
		s.ws.fileChanged(path, c.Type == protocol.FileChangeTypeDeleted)
	}
	return nil
}

// watchIfNewFolder watches path when it is a folder of a vault that the
// vault does not leave out (watchNewFolder says why).
func (e *engine) watchIfNewFolder(path string) {
	v, rel := e.vaultHolding(path)
	if v == nil || rel == "" || !v.scan {
		return
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() && !v.ignored(rel, true) {
		e.watchNewFolder(v, path)
	}
}

// vaultHolding is the vault whose folder holds path, and path in it.
func (e *engine) vaultHolding(path string) (*vault, string) {
	for _, v := range e.allVaults() {
		if rel, ok := v.rel(path); ok {
			return v, rel
		}
	}
	return nil, ""
}

// fileEvents applies file events held during a load.
func (e *engine) fileEvents(evs []fileEvent) {
	for _, ev := range evs {
		e.fileChanged(ev.path, ev.deleted)
	}
}

// fileChanged updates the index for a file changed on disk. An open
// document's buffer wins over the disk until it is closed.
func (e *engine) fileChanged(path string, deleted bool) {
	e.s.log.Debug("file changed on disk", zap.String("path", path), zap.Bool("deleted", deleted))
	v, rel := e.vaultHolding(path)
	if v == nil || rel == "" || v.hold(path, deleted) {
		return
	}
	if rel == workspace.ConfigFileName {
		e.reloadConfig(v)
		return
	}
	if pathpkg.Base(rel) == ".gitignore" {
		e.diags.schedule(v, e.gitignoreChanged(v, rel))
		return
	}
	if e.s.docs.ByPath(path) != nil {
		return
	}
	var changed workspace.Changed
	info, err := os.Stat(path)
	switch {
	case deleted || err != nil:
		// What the load left out is not in the index to remove (a file or
		// a folder of that name: the path no longer says which).
		if v.ignored(rel, false) && v.ignored(rel, true) {
			return
		}
		changed = e.removeTree(v, rel)
	case v.ignored(rel, info.IsDir()):
		return
	case info.IsDir():
		// A folder moved or copied in is reported once, not file by file.
		changed = e.rescan(v, rel)
	default:
		changed = e.addFile(v, rel, path, info.Size())
	}
	e.diags.schedule(v, changed)
}

// addFile reads the file at path into the index as rel.
func (e *engine) addFile(v *vault, rel, path string, size int64) workspace.Changed {
	if !workspace.IsNotePath(rel) {
		v.mu.Lock()
		defer v.mu.Unlock()
		return v.ix.Load().SetFile(rel)
	}
	if size > workspace.MaxNoteSize {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		e.s.log.Warn("reading changed file", zap.String("path", path), zap.Error(err))
		return nil
	}
	n := e.parser.ParseFile(rel, string(data))
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.ix.Load().SetNote(n)
}

// removeTree removes a file, or every file below a deleted folder (editors
// report a folder's deletion once, not per file).
func (e *engine) removeTree(v *vault, rel string) workspace.Changed {
	snap := v.snapshot()
	var paths []string
	if snap.File(rel) != nil {
		paths = append(paths, rel)
	} else {
		prefix := rel + "/"
		for _, f := range snap.Files() {
			if strings.HasPrefix(f.Path, prefix) {
				paths = append(paths, f.Path)
			}
		}
	}
	snap.Release()
	return e.removeFiles(v, paths)
}

// removeFiles removes the vault's files paths from its index.
func (e *engine) removeFiles(v *vault, paths []string) workspace.Changed {
	changed := workspace.Changed{}
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, p := range paths {
		for q := range v.ix.Load().Remove(p) {
			changed[q] = struct{}{}
		}
		// A note that is gone has no diagnostics: the next flush clears them.
		changed[p] = struct{}{}
	}
	return changed
}

// reloadConfig re-reads .rhizome.yaml after it changed on disk.
func (e *engine) reloadConfig(v *vault) {
	cfg, _, err := workspace.LoadConfig(v.root)
	if err != nil {
		e.showError("rhizome: " + err.Error())
		return
	}
	e.mu.Lock()
	v.fileCfg = cfg
	e.mu.Unlock()
	e.reconfigure()
}
