package server

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// afterLoadGCPercent is the collector's headroom, in percent of the live
// heap, while the work that follows a load runs (workspace.NarrowGC). The
// heap then holds the whole index, and the server's 50% of it again, in
// that work's garbage, was the server's peak.
const afterLoadGCPercent = 30

// engine keeps the vaults of the session in step with the editor and the
// disk, and tells the client what changed (diagnostics, progress).
type engine struct {
	s      *Server
	parser *workspace.Parser
	diags  *publisher

	mu         sync.Mutex
	vaults     []*vault
	settings   workspace.Config // from the editor: initializationOptions, workspace/configuration
	registered bool             // file watchers registered with the client

	settingsOrder settingsOrder // the editor's settings changes, applied in order
	reconfiguring sync.Mutex    // one reconfigure at a time
	statusOut     latest[statusParams]
}

func newEngine(s *Server) *engine {
	e := &engine{s: s, parser: workspace.NewParser()}
	e.diags = newPublisher(e)
	return e
}

// Initialized creates a vault per workspace folder and indexes them in the
// background, reporting $/progress; then watches their files.
func (e *engine) Initialized(ctx context.Context) {
	sess := e.s.Session()
	if err := e.applySettings(sess.InitializationOptions); err != nil {
		e.s.log.Warn("initializationOptions", zap.Error(err))
		e.showError(fmt.Sprintf("rhizome: initializationOptions: %v", err))
	}
	var vs []*vault
	for _, f := range sess.Folders {
		path, err := uriFilename(protocol.DocumentURI(f.URI))
		if err != nil {
			e.s.log.Warn("workspace folder is not a file folder", zap.String("uri", f.URI))
			continue
		}
		v := e.addVault(path, true)
		e.readCacheAhead(v)
		vs = append(vs, v)
	}
	seq := e.settingsOrder.next() // before any didChangeConfiguration's
	e.s.Go("index", func(ctx context.Context) {
		if sess.Client.Configuration {
			e.pullSettings(ctx, seq)
		}
		e.index(ctx, vs, e.watch(ctx, vs))
	})
}

// addVault registers a vault rooted at root (an empty index until loaded).
func (e *engine) addVault(root string, scan bool) *vault {
	e.mu.Lock()
	defer e.mu.Unlock()
	root = filepath.Clean(root)
	for _, v := range e.vaults {
		if v.root == root {
			return v
		}
	}
	v := &vault{root: root, scan: scan}
	cfg, notes, err := workspace.LoadConfig(root)
	if err != nil {
		e.s.log.Warn("vault config", zap.String("root", root), zap.Error(err))
		e.showError(fmt.Sprintf("rhizome: %v", err))
	}
	for _, n := range notes {
		e.s.log.Info("detected", zap.String("root", root), zap.String("note", n))
	}
	v.fileCfg = cfg
	v.ix.Store(workspace.NewIndex(e.effectiveConfigLocked(v)))
	e.setVaultSettings(v)
	e.vaults = append(e.vaults, v)
	// Deepest roots first, so a nested vault wins over its parent.
	sort.Slice(e.vaults, func(i, j int) bool { return len(e.vaults[i].root) > len(e.vaults[j].root) })
	return v
}

// index loads vaults one after another under one progress report. It ends
// once the loads are done and watching is in place, so what changes on disk
// after it is seen (what changes during the loads is applied after them).
func (e *engine) index(ctx context.Context, vs []*vault, watching *sync.WaitGroup) {
	if len(vs) == 0 {
		e.status("ready", 0)
		return
	}
	start := time.Now()
	// The background work that follows the loads (the note cache's save,
	// completion's tables), after which their garbage goes.
	work := &sync.WaitGroup{}
	e.status("indexing", 0)
	p := e.s.StartProgress(ctx, "rhizome", "indexing notes", true)
	total := 0
	loaded := make([]*vault, 0, len(vs)) // the loads that ended in place
	for i, v := range vs {
		last := time.Time{}
		report, err := e.load(ctx, v, work, watching, func(parsed, all int) {
			if time.Since(last) < 100*time.Millisecond {
				return
			}
			last = time.Now()
			pct := uint32((i*100 + parsed*100/max(all, 1)) / len(vs))
			p.Report(ctx, fmt.Sprintf("%d/%d notes in %s", parsed, all, filepath.Base(v.root)), pct)
		})
		switch {
		case ctx.Err() != nil:
			p.End(ctx, "cancelled")
			return
		case errors.Is(err, errLoadSuperseded):
			// The newer load reports, and diagnoses the vault, itself.
			e.s.log.Info("load superseded", zap.String("root", v.root), zap.String("why", err.Error()))
			continue
		case err != nil:
			// Its open notes are diagnosed against what the index has, rather
			// than held back as if it were still loading.
			e.s.log.Error("indexing", zap.String("root", v.root), zap.Error(err))
			e.showError(fmt.Sprintf("rhizome: cannot index %s: %v", v.root, err))
		}
		loaded = append(loaded, v)
		if err != nil {
			continue
		}
		for _, prob := range report.Problems {
			e.s.log.Warn("indexing", zap.String("root", v.root), zap.String("path", prob.Path), zap.Error(prob.Err))
		}
		total += report.Notes
		e.s.log.Info("indexed", zap.String("root", v.root), zap.Int("notes", report.Notes),
			zap.Int("files", report.Files), zap.Duration("took", time.Since(start)))
	}
	if watching != nil {
		watching.Wait()
	}
	if len(loaded) == 0 {
		p.End(ctx, "superseded by a newer load")
		return
	}
	p.End(ctx, fmt.Sprintf("%d notes indexed", total))
	if !e.anyLoading() {
		e.status("ready", total)
	}
	// The end goes out before the work that follows the load starts: that
	// work took both processors while the end's writer waited behind it, and
	// at 50,000 notes a client learnt of the index 10–30 ms late. (Bounded:
	// a client that does not read is not waited for.)
	select {
	case <-p.Flushed():
	case <-time.After(progressEndWait):
	case <-ctx.Done():
	}
	// The work below makes garbage beside the whole index: the memory's peak.
	widen := workspace.NarrowGC(afterLoadGCPercent)
	for _, v := range loaded {
		e.diags.markAll(v)
		// Completion's tables are built on first use: at 50,000 notes the
		// first "[[" would wait 40 ms for the sort by title, the first
		// "[[abc" 90 ms for the names and their pairs of bytes (165-190
		// ms with their triples, on a slow day), the first workspace
		// symbol search 80 ms for the headings. They follow the vault's
		// changes from then on.
		e.afterLoad(work, "completion tables", func(context.Context) {
			snap := v.snapshot()
			defer snap.Release()
			snap.FilesByTitle()
			snap.WarmNames()
			snap.WarmHeadings()
		})
	}
	// Every note's diagnostics, the open ones first.
	e.afterLoad(work, "diagnostics", e.diags.flush)
	// The load's garbage (parse trees, the note cache's encoding, the
	// diagnostics of every note) fills a heap the runtime keeps until its
	// next collection, which a server at rest may not reach for hours: at
	// 50,000 notes 943 MB stayed resident. Collected and given back once the
	// work that follows the load is done, 666 MB (one collection, 0.2–0.4 s
	// in the background, where the runtime would have made one soon anyway).
	if !e.s.Go("release load memory", func(ctx context.Context) {
		work.Wait()
		widen()
		if ctx.Err() != nil {
			return
		}
		start := time.Now()
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		e.s.log.Info("load memory released", zap.Duration("took", time.Since(start)),
			zap.Uint64("heapMB", ms.HeapAlloc>>20), zap.Uint64("releasedMB", ms.HeapReleased>>20))
	}) {
		widen()
	}
}

// progressEndWait bounds how long the work that follows a load waits for
// the end of its progress to be written.
const progressEndWait = 50 * time.Millisecond

// afterLoad runs fn in the background as work that follows a load, counted
// in work, which the load's memory is released after.
func (e *engine) afterLoad(work *sync.WaitGroup, name string, fn func(ctx context.Context)) {
	work.Add(1)
	if !e.s.Go(name, func(ctx context.Context) {
		defer work.Done()
		fn(ctx)
	}) {
		work.Done()
	}
}

// statusParams is rhizome/status: what the editor's status bar shows.
type statusParams struct {
	State string `json:"state"` // indexing | ready
	Notes int    `json:"notes"`
}

// anyLoading says whether a load reads a vault's folder: the status is
// not "ready" before it ends.
func (e *engine) anyLoading() bool {
	for _, v := range e.allVaults() {
		v.mu.Lock()
		reading := v.reading > 0
		v.mu.Unlock()
		if reading {
			return true
		}
	}
	return false
}

// status tells the client where the index is, without waiting for it.
func (e *engine) status(state string, notes int) {
	e.statusOut.post(e.s, statusParams{State: state, Notes: notes}, func(ctx context.Context, p statusParams) {
		if err := e.s.conn.Notify(ctx, "rhizome/status", p); err != nil {
			e.s.log.Debug("rhizome/status not sent", zap.Error(err))
		}
	})
}

func (e *engine) showError(msg string) {
	e.s.Go("showMessage", func(ctx context.Context) {
		_ = e.s.conn.Notify(ctx, protocol.MethodWindowShowMessage,
			&protocol.ShowMessageParams{Type: protocol.MessageTypeError, Message: msg})
	})
}

// vaultFor finds the vault holding path; in single-file mode it makes one
// from the folder above that marks a vault, indexed in the background.
func (e *engine) vaultFor(path string) (*vault, string) {
	e.mu.Lock()
	for _, v := range e.vaults {
		if rel, ok := v.rel(path); ok {
			e.mu.Unlock()
			return v, rel
		}
	}
	e.mu.Unlock()
	root, marked := workspace.FindVaultRoot(filepath.Dir(path))
	v := e.addVault(root, marked)
	if marked {
		e.s.Go("index", func(ctx context.Context) {
			e.index(ctx, []*vault{v}, e.watch(ctx, []*vault{v}))
		})
	}
	rel, _ := v.rel(path)
	return v, rel
}

// docVault resolves an open document's URI to its vault and vault path.
func (e *engine) docVault(uri protocol.DocumentURI) (*vault, string, bool) {
	path, err := uriFilename(uri)
	if err != nil || !workspace.IsNotePath(path) {
		return nil, "", false
	}
	v, rel := e.vaultFor(path)
	return v, rel, rel != ""
}

// setText parses text as the note at rel and updates the index; the notes
// whose diagnostics may have changed are scheduled.
func (e *engine) setText(v *vault, rel, text string, version int32) {
	e.setNote(v, e.parser.Parse(rel, text, version))
}

// setNote puts n in the index and schedules the notes whose diagnostics may
// have changed.
func (e *engine) setNote(v *vault, n *workspace.Note) {
	rel := n.Path
	v.mu.Lock()
	changed := v.ix.Load().SetNote(n)
	v.mu.Unlock()
	e.diags.edit(v, rel, changed)
}

func (e *engine) DidOpen(ctx context.Context, uri protocol.DocumentURI, text string, version int32) {
	if v, rel, ok := e.docVault(uri); ok {
		e.setText(v, rel, text, version)
		e.diags.opened(uri)
	}
}

func (e *engine) DidChange(ctx context.Context, uri protocol.DocumentURI, text string, version int32) {
	if v, rel, ok := e.docVault(uri); ok {
		e.setText(v, rel, text, version)
	}
}

// DidClose returns the note to what the disk holds (the buffer may have been
// discarded), or drops it when the file is gone.
func (e *engine) DidClose(ctx context.Context, uri protocol.DocumentURI) {
	v, rel, ok := e.docVault(uri)
	if !ok {
		return
	}
	data, err := os.ReadFile(v.abs(rel))
	if err != nil {
		v.mu.Lock()
		changed := v.ix.Load().Remove(rel)
		v.mu.Unlock()
		e.diags.schedule(v, changed)
		e.diags.clear(uri)
		return
	}
	// A closed note keeps no text: the disk has it.
	e.setNote(v, e.parser.ParseFile(rel, string(data)))
	e.diags.closed(uri, v, rel)
}

func (e *engine) DidSave(context.Context, protocol.DocumentURI) {}

// query is what a feature adapter needs: the note at a position, in a
// snapshot held until release.
type query struct {
	v     *vault
	snap  *workspace.Snapshot
	file  *workspace.File
	doc   *Document
	lines *LineIndex // of file's text
	off   int
}

func (q *query) release() { q.snap.Release() }

// at resolves a document position to a query; ok is false when the document
// is not a note of any vault.
func (e *engine) at(uri protocol.DocumentURI, pos protocol.Position) (*query, bool) {
	d := e.s.Document(uri)
	var path string
	if d != nil {
		path = d.Path
	} else {
		p, err := uriFilename(uri)
		if err != nil {
			return nil, false
		}
		path = p
	}
	if !workspace.IsNotePath(path) {
		return nil, false
	}
	v, rel := e.vaultFor(path)
	if rel == "" {
		return nil, false
	}
	snap := v.snapshot()
	f := snap.File(rel)
	if f == nil || f.Note == nil {
		snap.Release()
		return nil, false
	}
	lines := LineIndexOf(f.Note.Lines())
	if d != nil && d.Text == f.Note.Text {
		lines = d.Lines
	}
	return &query{v: v, snap: snap, file: f, doc: d, lines: lines, off: lines.Offset(e.s.Session().Encoding, pos)}, true
}

// location converts a span of a vault file to a protocol location.
func (e *engine) location(v *vault, f *workspace.File, span workspace.Span) protocol.Location {
	abs := v.abs(f.Path)
	var r protocol.Range // a file that is not a note is linked to as a whole
	if f.Note != nil {
		r = e.rangeOf(f.Note, span)
	}
	return protocol.Location{URI: e.s.URIForPath(abs), Range: r}
}

// rangeOf converts a span of n to a protocol range, by n's own line table:
// the note's text need not be in memory.
func (e *engine) rangeOf(n *workspace.Note, span workspace.Span) protocol.Range {
	return LineIndexOf(n.Lines()).Range(e.s.Session().Encoding, span.Start, span.End)
}

// allVaults lists the vaults.
func (e *engine) allVaults() []*vault {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*vault(nil), e.vaults...)
}
