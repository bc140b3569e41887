package server

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/rhizome-lsp/rhizome/analysis"
	"github.com/rhizome-lsp/rhizome/workspace"
)

// debounce is how long diagnostics wait after the last change of a burst
// (watched-file events from a checkout, an editor's multi-cursor edit). The
// first change after a pause goes out at once: keystrokes come far slower.
const debounce = 10 * time.Millisecond

// publisher pushes diagnostics. Changes mark notes; a short timer after the
// last mark diagnoses them all at once. In pull mode (the client asks with
// textDocument/diagnostic) open documents are left to the client's pulls and
// only closed notes are pushed. Under diagnosticMode openFilesOnly closed
// notes get none.
type publisher struct {
	e *engine

	mu      sync.Mutex
	pending map[*vault]map[string]struct{}
	// edited are the notes whose own buffers changed: a pulling client asks
	// for those by itself, so they need no refresh request.
	edited    map[string]struct{}
	timer     *time.Timer
	lastMark  time.Time
	published map[protocol.DocumentURI]uint64 // URI → hash of its last non-empty push
	// pulled is, for the open notes a client pulls, the hash of the last
	// answer: another note's change asks the client to pull again only when
	// an open note's diagnostics differ from what it has.
	pulled map[protocol.DocumentURI]uint64

	// flushing lets one flush run at a time, so that an older flush never
	// publishes after a newer one.
	flushing sync.Mutex

	// The asks to refresh lenses, hints and tokens, and to pull diagnostics
	// again, each spaced in a burst.
	views, pulls spacedAsk
}

// refreshGap is the least time between two asks to refresh lenses, hints and
// tokens, or to pull diagnostics again. A rename's edits reach the server as
// thousands of didChange, a flush each: VS Code applying a rename to 6,259
// notes got 1,058 rounds of three asks, each making it request the visible
// notes' lenses, hints and tokens again, and most rounds came with an ask to
// pull diagnostics again, which VS Code answers by pulling every open note.
const refreshGap = 250 * time.Millisecond

// spacedAsk sends an ask to the editor at most once per refreshGap: the
// first after a pause at once, those of a burst as one at the end of the
// gap, which sees every change made by then.
type spacedAsk struct {
	mu    sync.Mutex
	last  time.Time
	timer *time.Timer
}

// ask calls send now or at the end of the gap; send must not block.
func (a *spacedAsk) ask(send func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.timer != nil {
		return // an ask is due, and will see this change
	}
	if wait := refreshGap - time.Since(a.last); wait > 0 {
		a.timer = time.AfterFunc(wait, func() {
			a.mu.Lock()
			a.timer, a.last = nil, time.Now()
			a.mu.Unlock()
			send()
		})
		return
	}
	a.last = time.Now()
	send()
}

func newPublisher(e *engine) *publisher {
	return &publisher{e: e, pending: map[*vault]map[string]struct{}{}, edited: map[string]struct{}{},
		published: map[protocol.DocumentURI]uint64{}, pulled: map[protocol.DocumentURI]uint64{}}
}

func (p *publisher) pull() bool { return p.e.s.Session().Client.PullDiagnostics }

// edit marks the note whose buffer the user changed, then schedules.
func (p *publisher) edit(v *vault, rel string, changed workspace.Changed) {
	p.mu.Lock()
	p.edited[v.abs(rel)] = struct{}{}
	p.mu.Unlock()
	p.schedule(v, changed)
}

// schedule marks changed notes for diagnosis.
func (p *publisher) schedule(v *vault, changed workspace.Changed) {
	if len(changed) == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	set := p.pending[v]
	if set == nil {
		set = map[string]struct{}{}
		p.pending[v] = set
	}
	for path := range changed {
		set[path] = struct{}{}
	}
	now := time.Now()
	idle := now.Sub(p.lastMark) >= debounce
	p.lastMark = now
	switch {
	case p.timer != nil:
		p.timer.Reset(debounce)
	case idle:
		p.e.s.Go("diagnostics", p.flush)
	default:
		p.timer = time.AfterFunc(debounce, func() { p.e.s.Go("diagnostics", p.flush) })
	}
}

// all diagnoses every note of v (after a configuration change).
func (p *publisher) all(v *vault) {
	p.markAll(v)
	p.e.s.Go("diagnostics", p.flush)
}

// markAll marks every note of v for the next flush.
func (p *publisher) markAll(v *vault) {
	snap := v.snapshot()
	notes := snap.Notes()
	p.mu.Lock()
	set := p.pending[v]
	if set == nil {
		set = map[string]struct{}{}
		p.pending[v] = set
	}
	for _, f := range notes {
		set[f.Path] = struct{}{}
	}
	p.mu.Unlock()
	snap.Release()
}

type pushItem struct {
	uri     protocol.DocumentURI
	version int32
	diags   []protocol.Diagnostic
}

// flushBatch bounds how many notes are diagnosed before their diagnostics
// are sent: after indexing a large vault, all of them at once would hold every
// note's diagnostics in memory together.
const flushBatch = 256

// job is one note to diagnose.
type job struct {
	v      *vault
	rel    string
	edited bool
}

// noteKey names a note of a vault.
type noteKey struct {
	v   *vault
	rel string
}

// take empties the marks: the open notes among them (head: the one being
// typed in first, the others by path) and the rest, by path. The open ones
// are found from the few open documents rather than by asking, of each of
// the thousand notes a hub's edit marks, whether it is open.
func (p *publisher) take() (head, rest []job) {
	p.mu.Lock()
	pending, edited := p.pending, p.edited
	p.pending, p.edited = map[*vault]map[string]struct{}{}, map[string]struct{}{}
	p.timer = nil
	p.mu.Unlock()
	if len(pending) == 0 {
		return nil, nil
	}
	docs := p.e.s.Documents()
	for v, paths := range pending {
		if v.loading() {
			// Against a half-loaded index most links would look broken;
			// every note is diagnosed once the load completes (all).
			continue
		}
		for _, d := range docs {
			rel, ok := v.rel(d.Path)
			if _, marked := paths[rel]; !ok || d.Path == "" || !marked {
				continue
			}
			_, self := edited[d.Path]
			head = append(head, job{v, rel, self})
			delete(paths, rel)
		}
		for rel := range paths {
			rest = append(rest, job{v: v, rel: rel})
		}
	}
	byPath := func(a, b job) int { return strings.Compare(a.rel, b.rel) }
	// Squiggles in sight should not wait for the hundreds of notes that
	// link to a hub.
	slices.SortFunc(head, func(a, b job) int {
		if a.edited != b.edited {
			return boolRank(a.edited) - boolRank(b.edited)
		}
		return byPath(a, b)
	})
	slices.SortFunc(rest, byPath)
	return head, rest
}

func (p *publisher) flush(ctx context.Context) {
	p.flushing.Lock()
	defer p.flushing.Unlock()
	refresh := false
	head, rest := p.take()
	if len(head) == 0 && len(rest) == 0 {
		// A flush running when they were made took the marks (below), and
		// asks the editor to refresh at its end.
		return
	}
	if len(head) > 0 && !p.send(ctx, p.diagnose(head, &refresh)) {
		return
	}
	// The open notes a client pulls for are asked for again now, not after
	// the rest: after a load, what it pulled while the index was half made
	// said nothing (diagnostic), and 38,000 notes' pushes take a while.
	p.refreshPulls(&refresh)
	// The rest go out in batches, and the marks made meanwhile are taken
	// between them: after a large vault's load, every note's diagnostics
	// go out as fast as the editor reads them (the 38,000 notes with
	// findings of a generated 50k vault kept Emacs reading for over 20 s),
	// and the note being typed in must not wait for the end. Notes already
	// queued are not queued again: their turn diagnoses them against the
	// newest index.
	queued := make(map[noteKey]struct{}, len(rest))
	for _, j := range rest {
		queued[noteKey{j.v, j.rel}] = struct{}{}
	}
	for start := 0; start < len(rest); {
		if start > 0 {
			more, later := p.take()
			if len(more) > 0 && !p.send(ctx, p.diagnose(more, &refresh)) {
				return
			}
			for _, j := range later {
				if _, ok := queued[noteKey{j.v, j.rel}]; !ok {
					queued[noteKey{j.v, j.rel}] = struct{}{}
					rest = append(rest, j)
				}
			}
		}
		end := min(start+flushBatch, len(rest))
		for _, j := range rest[start:end] {
			delete(queued, noteKey{j.v, j.rel})
		}
		if !p.send(ctx, p.diagnose(rest[start:end], &refresh)) {
			return
		}
		start = end
	}
	p.refreshPulls(&refresh)
	p.refreshViews()
}

// refreshViews asks the editor to refresh its lenses, hints and tokens: the
// links that changed may be to any note in sight, whose lenses count them, a
// title that changed may be any hint's, and a note created or renamed
// resolves or breaks wikilinks anywhere; the editor asks again only for the
// notes it shows. The first ask after a pause goes out at once; in a burst,
// one per refreshGap, the last after the burst.
func (p *publisher) refreshViews() {
	p.views.ask(func() {
		caps := p.e.s.Session().Client
		for kind, supported := range map[string]bool{"codeLens": caps.CodeLensRefresh, "inlayHint": caps.InlayHintRefresh, "semanticTokens": caps.SemanticTokensRefresh} {
			if supported {
				p.askRefresh(kind)
			}
		}
	})
}

// askRefresh sends one refresh request. Not waited for: a client slow to
// answer must not hold up the next diagnostics.
func (p *publisher) askRefresh(kind string) {
	p.e.s.Go(kind+" refresh", func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
		defer cancel()
		if err := p.e.s.Refresh(ctx, kind); err != nil {
			p.e.s.log.Debug("refresh", zap.String("kind", kind), zap.Error(err))
		}
	})
}

// refreshPulls asks a client that pulls diagnostics to pull them again, when
// *refresh says an open note's changed (and clears it); spaced in a burst as
// refreshViews is.
func (p *publisher) refreshPulls(refresh *bool) {
	if !*refresh || !p.e.s.Session().Client.DiagnosticRefresh {
		return
	}
	*refresh = false
	p.pulls.ask(func() { p.askRefresh("diagnostic") })
}

// refreshTimeout bounds the wait for a client's answer to a refresh, which
// carries nothing.
const refreshTimeout = 10 * time.Second

// boolRank orders true before false.
func boolRank(b bool) int {
	if b {
		return 0
	}
	return 1
}

// diagnose computes the diagnostics of a batch of notes, in the batch's
// order, one snapshot per vault.
func (p *publisher) diagnose(jobs []job, refresh *bool) []pushItem {
	var items []pushItem
	for len(jobs) > 0 {
		n := 1
		for n < len(jobs) && jobs[n].v == jobs[0].v {
			n++
		}
		items = p.diagnoseIn(jobs[0].v, jobs[:n], refresh, items)
		jobs = jobs[n:]
	}
	return items
}

// diagnoseIn appends to items those of jobs, all notes of v, diagnosed on
// all cores.
func (p *publisher) diagnoseIn(v *vault, jobs []job, refresh *bool, items []pushItem) []pushItem {
	pull := p.pull()
	snap := v.snapshot()
	defer snap.Release()
	// slots[i] is the item files[i]'s diagnostics go to, or -1 for an open
	// note a client pulls for.
	var files []*workspace.File
	var slots []int
	var uris []protocol.DocumentURI
	for _, j := range jobs {
		abs := v.abs(j.rel)
		uri := p.e.s.URIForPath(abs)
		doc := p.e.s.docs.ByPath(abs)
		if pull && doc != nil && j.edited {
			continue // the client pulls the note it edited by itself
		}
		if doc == nil && v.openOnly.Load() {
			// diagnosticMode openFilesOnly: a closed note's diagnostics
			// are not sent, and what was sent before is taken back.
			items = append(items, pushItem{uri: uri, version: NoVersion})
			continue
		}
		f := snap.File(j.rel)
		if f == nil || f.Note == nil {
			items = append(items, pushItem{uri: uri, version: NoVersion})
			continue
		}
		files, uris = append(files, f), append(uris, uri)
		if pull && doc != nil {
			slots = append(slots, -1)
			continue
		}
		version := NoVersion
		if doc != nil {
			version = doc.Version
		}
		slots = append(slots, len(items))
		items = append(items, pushItem{uri: uri, version: version})
	}
	for i, diags := range analysis.DiagnoseAll(snap, files, v.severities()) {
		converted := p.e.convert(files[i], diags)
		if slots[i] >= 0 {
			items[slots[i]].diags = converted
			continue
		}
		// An open note changed because of another: the client is asked to
		// pull again when what it has differs. A rename applied by VS Code
		// opens thousands of notes, which it pulled again at every ask;
		// most come out as they were.
		if p.pullDiffers(uris[i], converted) {
			*refresh = true
		}
	}
	return items
}

// send publishes items that change what the client shows; false when the
// connection failed.
func (p *publisher) send(ctx context.Context, items []pushItem) bool {
	for _, it := range items {
		// Send only what changes the client's view: a hub note's edit
		// re-diagnoses its backlinks, and most of those come out the same.
		sum := diagnosticsHash(it.diags)
		p.mu.Lock()
		last, was := p.published[it.uri]
		if len(it.diags) > 0 {
			p.published[it.uri] = sum
		} else {
			delete(p.published, it.uri)
		}
		p.mu.Unlock()
		if len(it.diags) == 0 && !was || len(it.diags) > 0 && was && last == sum && it.version == NoVersion {
			continue
		}
		if err := p.e.s.publish(ctx, it.uri, it.version, it.diags); err != nil {
			p.e.s.log.Debug("publish", zap.Error(err))
			return false
		}
	}
	return true
}

// opened: in pull mode the client now pulls this document's diagnostics, so a
// push made while it was closed must go, or they would show twice.
func (p *publisher) opened(uri protocol.DocumentURI) {
	if p.pull() {
		p.clear(uri)
	}
}

// closed: in pull mode the client stops pulling; push the note's diagnostics.
func (p *publisher) closed(uri protocol.DocumentURI, v *vault, rel string) {
	if !p.pull() {
		return
	}
	p.mu.Lock()
	delete(p.pulled, uri)
	p.mu.Unlock()
	p.schedule(v, workspace.Changed{rel: {}})
}

// answered records what a pull for uri was answered.
func (p *publisher) answered(uri protocol.DocumentURI, diags []protocol.Diagnostic) {
	sum := diagnosticsHash(diags)
	p.mu.Lock()
	p.pulled[uri] = sum
	p.mu.Unlock()
}

// pullDiffers reports whether diags differ from the last answer to a pull
// for uri. A note the client has not pulled since it opened it does not: the
// client does not show it, and pulls it when it does (VS Code pulls a note as
// its tab opens, and every open note when asked to pull again, the thousands
// a rename opened included).
func (p *publisher) pullDiffers(uri protocol.DocumentURI, diags []protocol.Diagnostic) bool {
	sum := diagnosticsHash(diags)
	p.mu.Lock()
	defer p.mu.Unlock()
	last, ok := p.pulled[uri]
	return ok && last != sum
}

// clear removes what was pushed for uri.
func (p *publisher) clear(uri protocol.DocumentURI) {
	p.mu.Lock()
	_, was := p.published[uri]
	delete(p.published, uri)
	p.mu.Unlock()
	if was {
		p.e.s.Go("diagnostics", func(ctx context.Context) {
			if err := p.e.s.publish(ctx, uri, NoVersion, nil); err != nil {
				p.e.s.log.Debug("publish", zap.Error(err))
			}
		})
	}
}

// diagnosticsHash identifies a list of diagnostics, to skip sending the same
// list twice.
func diagnosticsHash(ds []protocol.Diagnostic) uint64 {
	// FNV-1a, by hand: a hub's edit hashes the diagnostics of the thousand
	// notes that link to it, 1.2 µs a note through fmt and hash/fnv.
	h := uint64(14695981039346656037)
	add := func(b byte) { h = (h ^ uint64(b)) * 1099511628211 }
	addString := func(s string) {
		for i := range len(s) {
			add(s[i])
		}
		add(0)
	}
	for _, d := range ds {
		for _, n := range [...]uint32{d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character, uint32(d.Severity)} {
			for ; n >= 0x80; n >>= 7 {
				add(byte(n) | 0x80)
			}
			add(byte(n))
		}
		switch c := d.Code.(type) {
		case string:
			addString(c)
		case nil:
			add(0)
		default:
			addString(fmt.Sprint(c))
		}
		addString(d.Message)
	}
	return h
}

// convert turns analysis diagnostics into protocol ones for note f.
func (e *engine) convert(f *workspace.File, diags []analysis.Diagnostic) []protocol.Diagnostic {
	if len(diags) == 0 {
		return nil
	}
	lines := LineIndexOf(f.Note.Lines())
	enc := e.s.Session().Encoding
	out := make([]protocol.Diagnostic, len(diags))
	for i, d := range diags {
		out[i] = protocol.Diagnostic{
			Range:    lines.Range(enc, d.Span.Start, d.Span.End),
			Severity: severity(d.Severity),
			Code:     d.Code,
			Source:   "rhizome",
			Message:  d.Message,
		}
	}
	return out
}

func severity(s analysis.Severity) protocol.DiagnosticSeverity {
	switch s {
	case analysis.SeverityError:
		return protocol.DiagnosticSeverityError
	case analysis.SeverityWarning:
		return protocol.DiagnosticSeverityWarning
	case analysis.SeverityInfo:
		return protocol.DiagnosticSeverityInformation
	}
	return protocol.DiagnosticSeverityHint
}
