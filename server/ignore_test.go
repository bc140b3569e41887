package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// Files that appear while the server runs are left out as the load leaves
// them out: by the .gitignore files (the root's and a folder's own) and the
// ignore globs of .rhizome.yaml. A change of those globs loads the vault
// again.
func TestNewFilesFollowIgnoreRules(t *testing.T) {
	s := startSession(t, map[string]string{
		".gitignore":     "build/\n*.tmp.md\n",
		".rhizome.yaml":  "ignore:\n  - templates/\n",
		"index.md":       "# Index\n\n[[a]] [[build/b]] [[templates/t]] [[x.tmp]] [[sub/c]] [[sub/skip]] [[sub/y.tmp]]\n",
		"templates/t.md": "# T\n",
	}, clientWatches)
	s.open("index.md")
	index := s.uri("index.md")
	s.diagnosticsFor(index, brokenAre("a", "build/b", "templates/t", "x.tmp", "sub/c", "sub/skip", "sub/y.tmp"))
	created := func(rels ...string) {
		t.Helper()
		var changes []*protocol.FileEvent
		for _, rel := range rels {
			changes = append(changes, &protocol.FileEvent{URI: s.uri(rel), Type: protocol.FileChangeTypeCreated})
		}
		s.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: changes})
	}

	// New files, one event each: only a.md is the vault's.
	writeFiles(t, s.root, map[string]string{"a.md": "# new\n", "build/b.md": "# new\n", "templates/t2.md": "# new\n", "x.tmp.md": "# new\n"})
	created("build/b.md", "templates/t2.md", "x.tmp.md", "a.md")
	s.diagnosticsFor(index, brokenAre("build/b", "templates/t", "x.tmp", "sub/c", "sub/skip", "sub/y.tmp"))

	// A folder moved in, reported once, with a .gitignore of its own: its
	// rules and the root's apply inside it.
	writeFiles(t, s.root, map[string]string{"away/c.md": "# C\n", "away/skip.md": "# Skip\n", "away/y.tmp.md": "# Y\n",
		"away/.gitignore": "skip.md\n"})
	if err := os.Rename(filepath.Join(s.root, "away"), filepath.Join(s.root, "sub")); err != nil {
		t.Fatal(err)
	}
	created("sub")
	s.diagnosticsFor(index, brokenAre("build/b", "templates/t", "x.tmp", "sub/skip", "sub/y.tmp"))

	// The globs change: the vault is loaded again, templates/ in it now.
	writeFiles(t, s.root, map[string]string{".rhizome.yaml": "ignore:\n  - build/\n"})
	s.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{
		{URI: s.uri(".rhizome.yaml"), Type: protocol.FileChangeTypeChanged}}})
	s.diagnosticsFor(index, brokenAre("build/b", "x.tmp", "sub/skip", "sub/y.tmp"))
}

// .rhizome.yaml changed on disk applies at once. Its name starts with a dot,
// and the rule that drops dot-files' events dropped it too before.
func TestVaultConfigFileChangeApplies(t *testing.T) {
	s := startSession(t, map[string]string{"index.md": "# Index\n\n[[nowhere]]\n"}, clientWatches)
	s.open("index.md")
	index := s.uri("index.md")
	s.diagnosticsFor(index, brokenAre("nowhere"))
	writeFiles(t, s.root, map[string]string{".rhizome.yaml": "diagnostics:\n  broken-link: off\n"})
	s.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{
		{URI: s.uri(".rhizome.yaml"), Type: protocol.FileChangeTypeCreated}}})
	s.diagnosticsFor(index, brokenAre())
}

// A .gitignore written, changed or deleted while the server runs applies to
// the files already indexed too, as the next start would: the notes it now
// leaves out go, those it lets in come back; an open note stays.
func TestGitignoreChangeAppliesToIndexedFiles(t *testing.T) {
	s := startSession(t, map[string]string{
		"index.md":       "# Index\n\n[[build/b]] [[sub/c]] [[sub/d]] [[sub/open]]\n",
		"build/b.md":     "# B\n",
		"sub/c.md":       "# C\n",
		"sub/d.md":       "# D\n",
		"sub/open.md":    "# Open\n",
		"sub/.gitignore": "d.md\n",
	}, clientWatches)
	s.open("index.md")
	s.open("sub/open.md")
	index := s.uri("index.md")
	s.diagnosticsFor(index, brokenAre("sub/d"))
	event := func(rel string, typ protocol.FileChangeType) {
		t.Helper()
		s.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{
			{URI: s.uri(rel), Type: typ}}})
	}

	writeFiles(t, s.root, map[string]string{".gitignore": "build/\nopen.md\n"})
	event(".gitignore", protocol.FileChangeTypeCreated)
	s.diagnosticsFor(index, brokenAre("build/b", "sub/d"))

	writeFiles(t, s.root, map[string]string{"sub/.gitignore": "c.md\n"})
	event("sub/.gitignore", protocol.FileChangeTypeChanged)
	s.diagnosticsFor(index, brokenAre("build/b", "sub/c"))

	if err := os.Remove(filepath.Join(s.root, ".gitignore")); err != nil {
		t.Fatal(err)
	}
	event(".gitignore", protocol.FileChangeTypeDeleted)
	s.diagnosticsFor(index, brokenAre("sub/c"))

	// The folder deleted with its .gitignore, of which the editor reports
	// only the .gitignore: its notes go, but the open one.
	if err := os.RemoveAll(filepath.Join(s.root, "sub")); err != nil {
		t.Fatal(err)
	}
	event("sub/.gitignore", protocol.FileChangeTypeDeleted)
	s.diagnosticsFor(index, brokenAre("sub/c", "sub/d"))
	if logs := s.logs.String(); strings.Contains(logs, "WARN\treading folder") {
		t.Errorf("a folder gone with its .gitignore was logged as unreadable:\n%s", logs)
	}
}

// The server's own watcher (an editor that does not watch for it) applies a
// changed .gitignore too, and watches the folders it no longer leaves out.
func TestOwnWatcherFollowsGitignore(t *testing.T) {
	s := startSession(t, map[string]string{
		".gitignore": "build/\n",
		"index.md":   "# Index\n\n[[build/b]] [[build/n]]\n",
		"build/b.md": "# B\n",
	}, `{}`)
	s.open("index.md")
	index := s.uri("index.md")
	s.diagnosticsFor(index, brokenAre("build/b", "build/n"))
	writeFiles(t, s.root, map[string]string{".gitignore": "# nothing\n"})
	s.diagnosticsFor(index, brokenAre("build/n"))
	writeFiles(t, s.root, map[string]string{"build/n.md": "# N\n"})
	s.diagnosticsFor(index, brokenAre())
}
