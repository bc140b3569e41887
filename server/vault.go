package server

import (
	"context"
	"errors"
	pathpkg "path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

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
	// openOnly: only open notes' diagnostics go to the editor
	// (diagnosticMode openFilesOnly).
	openOnly atomic.Bool

	// ignorer says what of the folder the load left out, for the files
	// that appear after it (the settings' ignore globs and .gitignore files).
	ignorer atomic.Pointer[workspace.Ignorer]

	// completer keeps what a completion can reuse from the one before
	// (the last "[[^^" search of the vault's notes).
	completer analysis.Completer

	fileCfg workspace.Config // .rhizome.yaml + detection
	scan    bool             // false: only open documents, no folder to scan
	loaded  atomic.Bool      // its load has ended (until then, nothing of it is published)

	// reading counts the loads reading the folder (under mu). The file
	// events that come meanwhile are held for their end: applied to an
	// index a load replaces, they would be lost.
	reading int
	held    []fileEvent
	// loadGen numbers the loads as they start (under mu): only the last
	// one started swaps its index in, so a load that started on older
	// settings does not undo a newer one. cancelLoad stops the last one
	// started, whose work a newer load makes useless.
	loadGen    uint64
	cancelLoad context.CancelFunc

	// newFolders watches the folders the client reported created (under
	// the engine's mu; nil until one is).
	newFolders *folderWatcher

	// ahead is the note cache read ahead of the first load, which takes
	// it, and aheadAt when its read started, zero once taken (under mu; see
	// readCacheAhead).
	ahead   *workspace.NoteCache
	aheadAt time.Time
}

// fileEvent is a file or folder changed on disk.
type fileEvent struct {
	path    string
	deleted bool
}

// hold keeps a file event for the end of the load reading v's folder, if one is.
func (v *vault) hold(path string, deleted bool) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.reading == 0 {
		return false
	}
	v.held = append(v.held, fileEvent{path: path, deleted: deleted})
	return true
}

// errLoadSuperseded is a load's error when a newer load of its vault
// started before it ended.
var errLoadSuperseded = errors.New("a load on newer settings started after it")

// startLoad says a load reads v's folder from now on, and stops the load
// before it; it returns the load's number and the context it runs in.
func (v *vault) startLoad(ctx context.Context) (uint64, context.Context) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.reading++
	v.loadGen++
	if v.cancelLoad != nil {
		v.cancelLoad()
	}
	ctx, v.cancelLoad = context.WithCancel(ctx)
	return v.loadGen, ctx
}

// endLoad ends load gen; when no other load reads v's folder, it marks v
// loaded (a superseded first load must not: the index is still empty) and
// returns the file events held. The caller holds mu.
func (v *vault) endLoad(gen uint64) []fileEvent {
	v.reading--
	if gen == v.loadGen && v.cancelLoad != nil {
		v.cancelLoad() // its context's resources; the load is over
		v.cancelLoad = nil
	}
	if v.reading > 0 {
		return nil
	}
	v.loaded.Store(true)
	held := v.held
	v.held = nil
	return held
}

// ignoreRules is what the load leaves out by. addVault sets them before the
// vault is seen; a vault made otherwise (tests) has the rules no setting adds.
func (v *vault) ignoreRules() *workspace.Ignorer {
	if ig := v.ignorer.Load(); ig != nil {
		return ig
	}
	return workspace.NewIgnorer(v.root, nil)
}

// forgetGitignore drops the rules read from the .gitignore at rel, which
// changed, and returns its folder.
func (v *vault) forgetGitignore(rel string) string {
	dir := pathpkg.Dir(rel)
	if dir == "." {
		dir = ""
	}
	v.ignoreRules().Forget(dir)
	return dir
}

// ignored says whether the load leaves out the file or (isDir) folder rel.
func (v *vault) ignored(rel string, isDir bool) bool { return v.ignoreRules().Ignored(rel, isDir) }

// loading says whether v's index is still being made from its folder:
// against it most links would look broken, so nothing of it is diagnosed.
func (v *vault) loading() bool { return v.scan && !v.loaded.Load() }

// rel is path relative to the vault, '/'-separated; ok is false outside it.
func (v *vault) rel(path string) (string, bool) {
	r, err := filepath.Rel(v.root, path)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// abs is the path of a vault's file. The index's paths are clean, and are
// joined to the root as they are: filepath.Join cleans the whole path again,
// which was a fifth of a note's document links (BenchmarkDocumentLinkReply1k).
func (v *vault) abs(rel string) string {
	if rel != "" && filepath.Separator == '/' {
		p := v.root + "/" + rel
		if v.root == "/" {
			p = "/" + rel
		}
		if cleanAbs(p) {
			return p
		}
	}
	return filepath.Join(v.root, filepath.FromSlash(rel))
}

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
// buffers override the disk) and swaps the new index in. Unless turned off,
// notes unchanged since the last session come from the note cache, which is
// written back in the background once the index is in place (counted in
// work). A load that a newer one of its vault stopped returns
// errLoadSuperseded. Whatever its error, the load is over when it returns:
// the events held during it have been applied. It ends once watching (when
// not nil) is done too: the vault's folders, watched beside the load, are
// watched before anything of the new index is diagnosed, so a file written
// once a user or a test sees its diagnostics is seen.
func (e *engine) load(ctx context.Context, v *vault, work, watching *sync.WaitGroup, progress func(parsed, total int)) (workspace.LoadReport, error) {
	gen, loadCtx := v.startLoad(ctx)
	cfg := e.effectiveConfig(v)
	// What appears later is left out by the rules this load leaves out by
	// (the editor's settings may have come since the vault was added),
	// unless a newer load, which may have read newer settings, started.
	v.mu.Lock()
	if gen == v.loadGen {
		v.ignorer.Store(workspace.NewIgnorer(v.root, cfg.Ignore))
	}
	v.mu.Unlock()
	cache, ahead := e.takeCache(v)
	ix, report, err := workspace.LoadWithOptions(loadCtx, v.root, cfg, e.parser,
		workspace.LoadOptions{Progress: progress, Cache: cache})
	if err != nil && ctx.Err() == nil && loadCtx.Err() != nil {
		err = errLoadSuperseded
	}
	if watching != nil {
		watching.Wait() // what changes meanwhile is held, then applied (endLoad)
	}
	v.mu.Lock()
	latest := err == nil && gen == v.loadGen
	if latest {
		for _, d := range e.s.Documents() {
			if rel, ok := v.rel(d.Path); ok && d.Path != "" && workspace.IsNotePath(rel) {
				ix.SetNote(e.parser.Parse(rel, d.Text, d.Version))
			}
		}
		v.ix.Store(ix)
		v.completer.Forget()
	}
	held := v.endLoad(gen)
	v.mu.Unlock()
	e.fileEvents(held)
	switch {
	case err != nil:
		return report, err
	case !latest:
		return report, errLoadSuperseded
	}
	if cache != nil {
		if err := cache.Err(); err != nil {
			e.s.log.Warn("note cache", zap.String("root", v.root), zap.Error(err))
		}
		e.s.log.Info("note cache", zap.String("root", v.root), zap.Int("cached", report.Cached), zap.Int("notes", report.Notes),
			zap.Bool("fromImage", report.FromImage), zap.Int("imageEdits", report.ImageEdits), zap.Duration("readAhead", ahead))
		// Beside the first diagnostics, not after them: after, the last
		// diagnostics of a cold 50k load came 0.7 s sooner, but the save
		// then ran while the first requests came, and at 50k some took
		// 10-35 ms instead of 2-8 (bench/README.md).
		e.afterLoad(work, "save note cache", func(ctx context.Context) { e.saveCache(ctx, v, cache) })
	}
	return report, nil
}

// readCacheAhead starts reading v's note cache for its first load, which
// waits for the editor's settings: the cache's file does not depend on them.
// In VS Code (code-server, 10,000 notes) that round trip took 33-45 ms of a
// restart, the extension host busy opening documents, while the server had
// nothing else to do.
func (e *engine) readCacheAhead(v *vault) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.aheadAt.IsZero() {
		v.ahead, v.aheadAt = e.openCache(v), time.Now()
	}
}

// takeCache is the note cache a load of v reads, and how much earlier than
// now its read started: the first load takes the one read ahead (nil when
// the cache is off), the others open their own.
func (e *engine) takeCache(v *vault) (*workspace.NoteCache, time.Duration) {
	v.mu.Lock()
	c, at := v.ahead, v.aheadAt
	v.ahead, v.aheadAt = nil, time.Time{}
	v.mu.Unlock()
	if !at.IsZero() {
		return c, time.Since(at)
	}
	return e.openCache(v), 0
}

// openCache starts reading the vault's note cache; nil when it is turned off
// or has nowhere to live. A cache that cannot be read loads as empty.
func (e *engine) openCache(v *vault) *workspace.NoteCache {
	if e.s.opts.NoCache || !v.scan {
		return nil
	}
	dir, err := workspace.NoteCacheDir(v.root)
	if err != nil {
		e.s.log.Warn("note cache", zap.String("root", v.root), zap.Error(err))
		return nil
	}
	// Read in the background: the load scans the vault meanwhile, and
	// says what the read found once it has waited for it.
	return workspace.StartNoteCache(dir)
}

// saveCache writes the note cache after a load. It runs beside the first
// requests, so they are not kept waiting for a file nobody needs until the
// next start; a failure only costs that start its speed.
func (e *engine) saveCache(ctx context.Context, v *vault, cache *workspace.NoteCache) {
	start := time.Now()
	wrote, err := cache.Save(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		e.s.log.Warn("note cache not saved", zap.String("root", v.root), zap.Error(err))
	case wrote:
		e.s.log.Info("note cache saved", zap.String("root", v.root), zap.Duration("took", time.Since(start)))
	}
}
