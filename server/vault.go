package server

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rhizome-lsp/rhizome/analysis"
	"github.com/rhizome-lsp/rhizome/workspace"
)

// vault is one indexed folder: a workspace folder, or in single-file mode the
// vault found above an opened file.
type vault struct {
	root string // absolute, clean

	// mu orders index swaps (the load finishing) with edits, so no edit made
	// while the vault loads is lost.
	mu  sync.Mutex
	ix  atomic.Pointer[workspace.Index]
	sev atomic.Pointer[map[string]analysis.Severity]

	fileCfg workspace.Config // .rhizome.yaml + detection
	scan    bool             // false: only open documents, no folder to scan
	loaded  atomic.Bool
}

// rel is path relative to the vault, '/'-separated; ok is false outside it.
func (v *vault) rel(path string) (string, bool) {
	r, err := filepath.Rel(v.root, path)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

func (v *vault) abs(rel string) string { return filepath.Join(v.root, filepath.FromSlash(rel)) }

func (v *vault) severities() map[string]analysis.Severity {
	if p := v.sev.Load(); p != nil {
		return *p
	}
	s, _ := analysis.Severities(nil)
	return s
}

// snapshot opens a read view of the vault's index; call Release.
func (v *vault) snapshot() *workspace.Snapshot { return v.ix.Load().Snapshot() }

// load indexes the vault from disk, then re-applies the open documents (their
// buffers override the disk) and swaps the new index in.
func (e *engine) load(ctx context.Context, v *vault, progress func(parsed, total int)) (workspace.LoadReport, error) {
	cfg := e.effectiveConfig(v)
	ix, report, err := workspace.LoadWithProgress(ctx, v.root, cfg, e.parser, progress)
	if err != nil {
		return report, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, d := range e.s.Documents() {
		if rel, ok := v.rel(d.Path); ok && d.Path != "" && workspace.IsNotePath(rel) {
			ix.SetNote(e.parser.Parse(rel, d.Text, d.Version))
		}
	}
	v.ix.Store(ix)
	v.loaded.Store(true)
	return report, nil
}
