package server

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// TestMain keeps the note caches of every test's vaults in a temporary
// folder: the server's default is the user's cache folder.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rhizome-server-test-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("RHIZOME_CACHE_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// startOn initializes a server with the real engine on an existing vault.
func startOn(t testing.TB, root string, noCache bool) *harness {
	t.Helper()
	return startOnWith(t, root, noCache, `{}`)
}

// startOnWith is startOn for a client with these capabilities (JSON).
func startOnWith(t testing.TB, root string, noCache bool, capabilities string) *harness {
	t.Helper()
	h := newHarness(t, withRealEngine(), func(o *Options) { o.NoCache = noCache })
	if _, err := h.call(protocol.MethodInitialize, json.RawMessage(`{"processId":null,"rootUri":"`+string(fileURIOf(root))+`","capabilities":`+capabilities+`}`)); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	h.notify(protocol.MethodInitialized, struct{}{})
	return h
}

// waitLog waits until the server's log has every one of parts on one line.
func (h *harness) waitLog(parts ...string) string {
	h.t.Helper()
	return h.waitLogFor(timeout, parts...)
}

// largeVaultTimeout bounds the wait for the load of a vault of thousands of
// notes: under -race, with the other packages' tests on the same cores (CI),
// 5,000 generated notes took over 5 s to index.
const largeVaultTimeout = 60 * time.Second

// waitLogFor is waitLog with its own bound.
func (h *harness) waitLogFor(d time.Duration, parts ...string) string {
	h.t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(h.logs.String(), "\n") {
			all := true
			for _, p := range parts {
				all = all && strings.Contains(line, p)
			}
			if all {
				return line
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.t.Fatalf("no log line with %q in:\n%s", parts, h.logs.String())
	return ""
}

// The first session writes the cache once its index is in place; the next
// one on the unchanged vault takes every note from it and writes nothing,
// and its features read the cached notes' details (decoded when first asked
// for): b's heading for a definition, its lead for a hover; --no-cache
// neither reads nor writes it.
func TestNoteCacheAcrossSessions(t *testing.T) {
	root := writeVault(t, map[string]string{"a.md": "See [[b]] and [[b#Top]].\n", "b.md": "Intro.\n\n# Top\n\nThe lead of b.\n"})
	dir, err := workspace.NoteCacheDir(root)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "notes.cache")

	first := startOn(t, root, false)
	first.waitLog("note cache", `"cached": 0, "notes": 2`)
	first.waitLog("note cache saved")
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatalf("no cache after the first session: %v", err)
	}

	second := startOn(t, root, false)
	second.waitLog("note cache", `"cached": 2, "notes": 2`)
	uri := fileURIOf(filepath.Join(root, "a.md"))
	second.openText(uri, "See [[b]] and [[b#Top]].\n")
	if locs := second.definitionAt(uri, "See [[b]] and [[b#Top]].\n", "[[b#T"); len(locs) != 1 || locs[0].URI != fileURIOf(filepath.Join(root, "b.md")) || locs[0].Range.Start.Line != 2 {
		t.Errorf("definition from cached notes: %+v, want b.md at its heading's line 2", locs)
	}
	raw, err := second.call(protocol.MethodTextDocumentHover, protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: protocol.Position{Line: 0, Character: 6}}})
	var hover protocol.Hover
	if err == nil {
		err = json.Unmarshal(raw, &hover)
	}
	if err != nil || !strings.Contains(hover.Contents.Value, "Intro.") {
		t.Errorf("hover on [[b]] from cached notes: %+v (%v), want b's lead", hover.Contents, err)
	}
	if again, err := os.Stat(file); err != nil || !os.SameFile(fi, again) {
		t.Errorf("the second session rewrote the cache of an unchanged vault (%v)", err)
	}

	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	off := startOn(t, root, true)
	off.waitLog("indexed", `"notes": 2`)
	time.Sleep(50 * time.Millisecond) // a save would start right after the index
	if strings.Contains(off.logs.String(), "note cache") {
		t.Errorf("NoCache still used the cache:\n%s", off.logs.String())
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("NoCache wrote a cache")
	}
}

// The second session reads the note cache while its client has yet to
// answer workspace/configuration, which the load waits for; the load then
// takes every note from what was read ahead.
func TestNoteCacheReadAheadOfSettings(t *testing.T) {
	root := writeVault(t, map[string]string{"a.md": "See [[b]].\n", "b.md": "# B\n"})
	first := startOn(t, root, false)
	first.waitLog("note cache saved")

	h := newHarness(t, withRealEngine())
	answer := make(chan struct{})
	h.holds = map[string]chan struct{}{protocol.MethodWorkspaceConfiguration: answer}
	release := sync.OnceFunc(func() { close(answer) })
	defer release() // a failure before the answer leaves no reply pending
	if _, err := h.call(protocol.MethodInitialize, json.RawMessage(`{"processId":null,"rootUri":"`+string(fileURIOf(root))+`","capabilities":{"workspace":{"configuration":true}}}`)); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	h.notify(protocol.MethodInitialized, struct{}{})
	h.nextFromServer(protocol.MethodWorkspaceConfiguration)
	vs := h.srv.ws.allVaults()
	if len(vs) != 1 {
		t.Fatalf("%d vaults, want 1", len(vs))
	}
	vs[0].mu.Lock()
	ahead := vs[0].ahead
	vs[0].mu.Unlock()
	if ahead == nil {
		t.Fatal("no note cache read ahead while the settings are asked for")
	}
	if err := ahead.Err(); err != nil { // waits for the read
		t.Fatalf("reading ahead: %v", err)
	}
	if log := h.logs.String(); strings.Contains(log, "indexed") {
		t.Fatalf("indexed before the settings came:\n%s", log)
	}

	release()
	line := h.waitLog("note cache", `"cached": 2, "notes": 2`)
	if !strings.Contains(line, `"readAhead"`) || strings.Contains(line, `"readAhead": "0s"`) {
		t.Errorf("the load did not take the cache read ahead: %s", line)
	}
	vs[0].mu.Lock()
	defer vs[0].mu.Unlock()
	if vs[0].ahead != nil {
		t.Error("the vault still holds the cache read ahead after its load")
	}
}

// The load's memory is given back once the work that follows the load is
// done: the cache's save (of enough notes to take a while) and completion's
// tables.
func TestLoadMemoryReleasedAfterTheLoadsWork(t *testing.T) {
	files := map[string]string{}
	for i := range 3000 {
		files[fmt.Sprintf("n%d.md", i)] = fmt.Sprintf("# Note %d\n\nSee [[n%d]] and [[n%d#Note %d]].\n", i, (i+1)%3000, (i+7)%3000, (i+7)%3000)
	}
	h := startOn(t, writeVault(t, files), false)
	h.waitLogFor(largeVaultTimeout, "load memory released")
	log := h.logs.String()
	released := strings.Index(log, "load memory released")
	if saved := strings.Index(log, "note cache saved"); saved < 0 || saved > released {
		t.Errorf("the load's memory was released before the cache was saved:\n%s", log)
	}
}

// A session that takes every note from the note cache, whose links stay
// encoded until asked for and are decoded for the first diagnostics
// without being kept (Note.LinksInto), publishes what the session that
// parsed them did, note for note.
func TestNoteCacheRestartDiagnosesAlike(t *testing.T) {
	root := writeVault(t, map[string]string{
		"a.md":     "See [[b]], [[b#Top]], [[b#Nope]], [[b#^blk]], [[b#^gone]], [[nowhere]] and [x](b.md#nope).\n\n[ref]: nothere.md\n\nUse [it][ref].\n",
		"b.md":     "Intro.\n\n# Top\n\nThe lead of b. ^blk\n",
		"d.md":     "---\ntitle: [unclosed\n---\n[[b#Top]] [[gone|label]] [[c]]\n",
		"c.md":     "# C\n",
		"sub/c.md": "# Other C\n",
	})
	published := func(h *harness) map[protocol.DocumentURI][]protocol.Diagnostic {
		h.waitLog("load memory released")
		out := map[protocol.DocumentURI][]protocol.Diagnostic{}
		for {
			select {
			case m := <-h.fromServer:
				if m.method != protocol.MethodTextDocumentPublishDiagnostics {
					continue
				}
				var p protocol.PublishDiagnosticsParams
				if err := json.Unmarshal(m.params, &p); err != nil {
					t.Fatal(err)
				}
				out[p.URI] = p.Diagnostics
			default:
				return out
			}
		}
	}
	first := startOn(t, root, false)
	first.waitLog("note cache saved")
	parsed := published(first)
	codes := map[string]int{}
	for _, ds := range parsed {
		for _, d := range ds {
			codes[fmt.Sprint(d.Code)]++
		}
	}
	for _, code := range []string{"broken-link", "broken-anchor", "broken-block", "frontmatter-syntax"} {
		if codes[code] == 0 {
			t.Errorf("the parsed session published no %s (%v): the vault does not test what it is for", code, codes)
		}
	}

	second := startOn(t, root, false)
	second.waitLog("note cache", `"cached": 5, "notes": 5`, `"fromImage": true`)
	if cached := published(second); !reflect.DeepEqual(cached, parsed) {
		t.Errorf("from the note cache:\n%+v\nparsed:\n%+v", cached, parsed)
	}
}
