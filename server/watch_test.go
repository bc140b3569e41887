package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// manyNotes is n notes named prefix000.md on: enough for a load to report
// its progress (after the scan), which the tests below do their work in.
func manyNotes(prefix string, n int) map[string]string {
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("%s%03d.md", prefix, i)] = "# N\n"
	}
	return files
}

// loadableVault is a server's engine, initialized, and a vault of files it
// has not loaded: the tests call engine.load themselves.
func loadableVault(t *testing.T, files map[string]string) (*engine, *vault) {
	t.Helper()
	root := writeVault(t, files)
	h := newHarness(t, withRealEngine(), func(o *Options) { o.NoCache = true })
	if _, err := h.call("initialize", map[string]any{"processId": nil, "capabilities": map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	return h.srv.ws, h.srv.ws.addVault(root, true)
}

// A file that appears while its vault loads, after the load listed the
// folder, is in the index once the load ends: its event is held for then,
// where applied to the index the load replaces it was lost.
func TestFileEventDuringLoadIsKept(t *testing.T) {
	// Enough notes for the load to report progress, which is after the
	// scan: the file written then is not in the load's list.
	e, v := loadableVault(t, manyNotes("n", 300))
	root := v.root
	// The first load, and a second (a change of the ignore globs loads the
	// vault again while its index serves).
	for _, name := range []string{"late.md", "later.md"} {
		var once sync.Once
		_, err := e.load(context.Background(), v, &sync.WaitGroup{}, nil, func(int, int) {
			once.Do(func() {
				path := filepath.Join(root, name)
				if err := os.WriteFile(path, []byte("# Late\n"), 0o644); err != nil {
					t.Error(err)
				}
				e.fileChanged(path, false)
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		snap := v.snapshot()
		if snap.File(name) == nil {
			t.Errorf("%s, written during a load, is not in the index after it", name)
		}
		if snap.File("n000.md") == nil {
			t.Error("the load's own notes are missing")
		}
		snap.Release()
	}
}

// A load ends, and the vault's notes are diagnosed, once its folders are
// watched: a file written on seeing the diagnostics is then seen (before,
// TestOwnWatcherFollowsGitignore failed so, now and then). A file written
// while the watches are being set is held, as during the load, and in the
// index once it ends.
func TestLoadEndsOnceWatched(t *testing.T) {
	e, v := loadableVault(t, manyNotes("n", 10))
	watching := &sync.WaitGroup{}
	watching.Add(1)
	done := make(chan error, 1)
	go func() {
		_, err := e.load(context.Background(), v, &sync.WaitGroup{}, watching, func(int, int) {})
		done <- err
	}()
	// The load waits; a file event comes meanwhile.
	for !v.hold(filepath.Join(v.root, "late.md"), false) {
		select {
		case err := <-done:
			t.Fatalf("the load ended (%v) before its folders were watched", err)
		case <-time.After(time.Millisecond): // the load has not started yet
		}
	}
	if err := os.WriteFile(filepath.Join(v.root, "late.md"), []byte("# Late\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		t.Fatalf("the load ended (%v) before its folders were watched", err)
	case <-time.After(200 * time.Millisecond):
	}
	if !v.loading() {
		t.Error("the vault is not loading while its folders are not watched yet")
	}
	watching.Done()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	snap := v.snapshot()
	defer snap.Release()
	if v.loading() || snap.File("late.md") == nil || snap.File("n000.md") == nil {
		t.Errorf("after the watches: loading %v, late.md %v, n000.md %v; want loaded, both there", v.loading(), snap.File("late.md") != nil, snap.File("n000.md") != nil)
	}
}

// A client that watches files for the server but not the folders that
// appear after it registered its watchers (eglot watches the folders its
// project's files were in then) reports a new folder once, empty: the
// server watches it itself, and sees the notes put in it and in the folders
// made below it.
func TestClientReportedFolderIsWatched(t *testing.T) {
	s := startSession(t, map[string]string{"index.md": "# Index\n\n[[new/a]] [[new/deeper/b]]\n"}, clientWatches)
	s.open("index.md")
	index := s.uri("index.md")
	s.diagnosticsFor(index, brokenAre("new/a", "new/deeper/b"))
	if err := os.Mkdir(filepath.Join(s.root, "new"), 0o755); err != nil {
		t.Fatal(err)
	}
	s.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{
		{URI: s.uri("new"), Type: protocol.FileChangeTypeCreated}}})
	// The notification is handled before the next message is read.
	if _, err := s.call(protocol.MethodWorkspaceSymbol, protocol.WorkspaceSymbolParams{Query: "x"}); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, s.root, map[string]string{"new/a.md": "# A\n"})
	s.diagnosticsFor(index, brokenAre("new/deeper/b"))
	writeFiles(t, s.root, map[string]string{"new/deeper/b.md": "# B\n"})
	s.diagnosticsFor(index, brokenAre())
}

// Two loads of one vault at once (its ignore globs changed twice in a
// row): the one started last, on the newer settings, is the index that
// stays, and the older one stops, its work useless. The vault is loading
// until the newer one ends, though the older, its first load, ended before.
func TestNewerLoadWins(t *testing.T) {
	files := manyNotes("n", 300)
	maps.Copy(files, manyNotes("skip/s", 300))
	e, v := loadableVault(t, files)
	type result struct {
		report workspace.LoadReport
		err    error
	}
	// load starts a load that, at its first progress report, says so and
	// waits for go on.
	load := func(goOn chan struct{}) (started chan struct{}, done chan result) {
		started, done = make(chan struct{}), make(chan result, 1)
		var once sync.Once
		go func() {
			report, err := e.load(context.Background(), v, &sync.WaitGroup{}, nil, func(int, int) {
				once.Do(func() {
					close(started)
					<-goOn
				})
			})
			done <- result{report, err}
		}()
		return started, done
	}
	olderGoOn, newerGoOn := make(chan struct{}), make(chan struct{})
	olderStarted, olderDone := load(olderGoOn)
	<-olderStarted
	e.mu.Lock()
	v.fileCfg.Ignore = []string{"skip/"}
	e.mu.Unlock()
	newerStarted, newerDone := load(newerGoOn)
	<-newerStarted
	close(olderGoOn)
	older := <-olderDone
	if !errors.Is(older.err, errLoadSuperseded) {
		t.Fatalf("the older load ended with %v, want %v", older.err, errLoadSuperseded)
	}
	if older.report.Notes != 0 {
		t.Errorf("the older load went on to index %d notes after a newer one started", older.report.Notes)
	}
	if !v.loading() {
		t.Error("the vault is not loading any more once the older load ended, while the newer one reads it")
	}
	close(newerGoOn)
	if newer := <-newerDone; newer.err != nil {
		t.Fatal(newer.err)
	}
	if v.loading() {
		t.Error("the vault is still loading after the newer load ended")
	}
	snap := v.snapshot()
	defer snap.Release()
	if snap.File("skip/s000.md") != nil {
		t.Error("the older load's index, with skip/ in it, replaced the newer one's")
	}
	if snap.File("n000.md") == nil {
		t.Error("the newer load's notes are missing")
	}
}

// The events of one notification are applied once per path, as its last
// says: VS Code sends two or three for each saved note (one per watcher),
// which were each read and parsed. An entry that is null is passed over.
func TestWatchedFileEventsOncePerPath(t *testing.T) {
	s := startSession(t, map[string]string{"index.md": "# Index\n\n[[a]] [[b]] [[c]]\n", "a.md": "# A\n", "c.md": "# C\n"}, clientWatches)
	s.open("index.md")
	index := s.uri("index.md")
	s.diagnosticsFor(index, brokenAre("b"))
	writeFiles(t, s.root, map[string]string{"a.md": "# A again\n", "b.md": "# B\n"})
	if err := os.Remove(filepath.Join(s.root, "c.md")); err != nil {
		t.Fatal(err)
	}
	ev := func(rel string, typ protocol.FileChangeType) *protocol.FileEvent {
		return &protocol.FileEvent{URI: s.uri(rel), Type: typ}
	}
	s.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{
		ev("a.md", protocol.FileChangeTypeChanged), ev("a.md", protocol.FileChangeTypeChanged), nil,
		ev("b.md", protocol.FileChangeTypeCreated), ev("c.md", protocol.FileChangeTypeChanged), ev("b.md", protocol.FileChangeTypeChanged),
		ev("c.md", protocol.FileChangeTypeDeleted), ev("a.md", protocol.FileChangeTypeChanged)}})
	s.diagnosticsFor(index, brokenAre("c"))
	// The diagnostics can go out before the notification's last path (a.md) is applied; a
	// request starts only once the notification before it has been handled.
	if _, err := s.call(protocol.MethodWorkspaceSymbol, map[string]string{"query": ""}); err != nil {
		t.Fatal(err)
	}
	logs := s.logs.String()
	for _, rel := range []string{"a.md", "b.md", "c.md"} {
		if n := strings.Count(logs, `"path": "`+filepath.Join(s.root, rel)+`"`); n != 1 {
			t.Errorf("%s applied %d times, want once:\n%s", rel, n, logs)
		}
	}
}

// While one vault's load reads its folder, another's ending says so in its
// progress but not "ready" in the status: the editor would show the index
// complete with a vault still loading. Once no load reads, ready is said.
func TestStatusReadyOnlyOnceNoLoadReads(t *testing.T) {
	root := writeVault(t, map[string]string{"a/one.md": "# One\n", "b/two.md": "# Two\n"})
	h := newHarness(t, withRealEngine(), func(o *Options) { o.NoCache = true })
	if _, err := h.call("initialize", map[string]any{"processId": nil, "capabilities": map[string]any{}}); err != nil {
		t.Fatal(err)
	}
	e := h.srv.ws
	a, b := e.addVault(filepath.Join(root, "a"), true), e.addVault(filepath.Join(root, "b"), true)
	// a's load, held open: it reads its folder until ended.
	gen, _ := a.startLoad(context.Background())
	statuses := func(until string) []string {
		var got []string
		for {
			m := h.nextFromServer("rhizome/status")
			var p statusParams
			if err := json.Unmarshal(m.params, &p); err != nil {
				t.Fatal(err)
			}
			got = append(got, p.State)
			if p.State == until {
				return got
			}
		}
	}
	e.index(context.Background(), []*vault{b}, nil)
	// A probe once every status posted is written shows what came (posted
	// while one was written, it would take the place of one waiting).
	for deadline := time.Now().Add(timeout); ; time.Sleep(time.Millisecond) {
		e.statusOut.mu.Lock()
		busy := e.statusOut.busy
		e.statusOut.mu.Unlock()
		if !busy {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the statuses are still being written")
		}
	}
	e.status("probe", 0)
	if got := statuses("probe"); slices.Contains(got, "ready") {
		t.Errorf("statuses %q while a's load reads its folder, want no ready", got)
	}
	a.mu.Lock()
	a.endLoad(gen)
	a.mu.Unlock()
	e.index(context.Background(), []*vault{b}, nil)
	if got := statuses("ready"); got[len(got)-1] != "ready" {
		t.Errorf("statuses %q once no load reads, want ready last", got)
	}
}
