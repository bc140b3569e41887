package server

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"strings"

	"go.uber.org/zap"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// gitignoreChanged applies the .gitignore at rel (in the vault), which was
// written, created or deleted: the files it now leaves out leave the index
// and those it lets in come, as the next start would have them.
func (e *engine) gitignoreChanged(v *vault, rel string) workspace.Changed {
	return e.rescan(v, v.forgetGitignore(rel))
}

// rescan makes the index's files below the vault folder rel ("" for the
// root) those a load would read there now (its ignore rules, its symlinks),
// but for the open documents, which stay as their buffers say: after a
// .gitignore changed, or for a folder that appeared (moved or copied in,
// reported once rather than file by file).
func (e *engine) rescan(v *vault, rel string) workspace.Changed {
	res, err := workspace.ScanFolder(context.Background(), v.ignoreRules(), rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// The folder is gone (with its .gitignore): nothing of it stays.
		res = workspace.ScanResult{}
	case err != nil:
		// Nothing is removed on a folder that could not be read.
		e.s.log.Warn("reading folder", zap.String("root", v.root), zap.String("path", rel), zap.Error(err))
		return nil
	}
	for _, p := range res.Problems {
		e.s.log.Warn("reading folder", zap.String("root", v.root), zap.String("path", p.Path), zap.Error(p.Err))
	}
	listed := make(map[string]bool, len(res.Files))
	for _, f := range res.Files {
		listed[f.Path] = true
	}
	snap := v.snapshot()
	indexed := map[string]bool{}
	var gone []string
	for _, f := range snap.Files() {
		if rel != "" && f.Path != rel && !strings.HasPrefix(f.Path, rel+"/") {
			continue
		}
		indexed[f.Path] = true
		if !listed[f.Path] && e.s.docs.ByPath(v.abs(f.Path)) == nil {
			gone = append(gone, f.Path)
		}
	}
	snap.Release()
	changed := e.removeFiles(v, gone)
	added := 0
	for _, f := range res.Files {
		if !indexed[f.Path] && e.s.docs.ByPath(f.Abs) == nil {
			maps.Copy(changed, e.addFile(v, f.Path, f.Abs, f.Size))
			added++
		}
	}
	e.s.log.Debug("rescanned", zap.String("root", v.root), zap.String("path", rel), zap.Int("listed", len(res.Files)), zap.Int("added", added), zap.Int("removed", len(gone)), zap.Int("changed", len(changed)))
	return changed
}
