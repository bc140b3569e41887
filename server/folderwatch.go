package server

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/fsnotify/fsnotify"
	"go.uber.org/zap"
)

// folderWatcher watches folders of a vault with fsnotify, one watch per
// folder, the folders that appear below them included, and applies what it
// sees (fileChanged).
type folderWatcher struct {
	e *engine
	v *vault
	w *fsnotify.Watcher
}

func (e *engine) newFolderWatcher(v *vault) (*folderWatcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	return &folderWatcher{e: e, v: v, w: w}, nil
}

// add watches the folder root and the folders below it that the vault does
// not leave out. Safe beside run.
func (fw *folderWatcher) add(root string) {
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if rel, ok := fw.v.rel(p); ok && rel != "." && fw.v.ignored(rel, true) {
			return filepath.SkipDir
		}
		if err := fw.w.Add(p); err != nil {
			fw.e.s.log.Debug("watch", zap.String("dir", p), zap.Error(err))
		}
		return nil
	})
}

// run applies the watched folders' events until ctx ends, then stops
// watching.
func (fw *folderWatcher) run(ctx context.Context) {
	defer fw.w.Close()
	for {
		select {
		case <-ctx.Done():
			return
		case err := <-fw.w.Errors:
			fw.e.s.log.Debug("file watcher", zap.Error(err))
		case ev, ok := <-fw.w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
					// Its files may have landed before the watch did (a
					// folder moved in, a checkout): fileChanged reads what
					// is there (rescan).
					fw.add(ev.Name)
				}
			}
			if rel, ok := fw.v.rel(ev.Name); ok && filepath.Base(ev.Name) == ".gitignore" {
				// The folders it no longer leaves out are watched before
				// fileChanged reads them: a file written there once the
				// diagnostics of that reading are out is seen.
				fw.v.forgetGitignore(rel)
				fw.add(filepath.Dir(ev.Name))
			}
			fw.e.fileChanged(ev.Name, ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename))
		}
	}
}

// watchFolder watches all of v's folders until ctx ends, for a client that
// does not watch files for the server; watching is called once the folders
// there at its start are watched.
func (e *engine) watchFolder(ctx context.Context, v *vault, watching func()) {
	fw, err := e.newFolderWatcher(v)
	if err != nil {
		watching()
		e.s.log.Warn("file watcher", zap.Error(err))
		return
	}
	fw.add(v.root)
	watching()
	fw.run(ctx)
}

// watchNewFolder watches a folder the client reported created, and the
// folders below it. Not every client that watches for the server watches
// the folders that appear after it registered its watchers (eglot watches
// the folders its project's files were in then), and the files put in such
// a folder were never seen.
func (e *engine) watchNewFolder(v *vault, path string) {
	e.mu.Lock()
	fw := v.newFolders
	if fw == nil {
		var err error
		if fw, err = e.newFolderWatcher(v); err != nil {
			e.mu.Unlock()
			e.s.log.Warn("file watcher", zap.Error(err))
			return
		}
		if !e.s.Go("watch new folders", fw.run) {
			e.mu.Unlock()
			fw.w.Close()
			return
		}
		v.newFolders = fw
	}
	e.mu.Unlock()
	fw.add(path)
}
