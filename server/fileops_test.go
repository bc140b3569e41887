package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// The client watches files here (dynamic registration), and its watcher
// reports nothing: what the index learns, it learns from the file operations.
const clientWatches = `{"workspace":{"didChangeWatchedFiles":{"dynamicRegistration":true}}}`

// brokenTargets are the link targets the broken-link diagnostics name.
func brokenTargets(ds []protocol.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		if d.Code == "broken-link" {
			_, rest, _ := strings.Cut(d.Message, `"`)
			target, _, _ := strings.Cut(rest, `"`)
			out = append(out, target)
		}
	}
	return out
}

// brokenAre waits for diagnostics whose broken links are exactly want.
func brokenAre(want ...string) func([]protocol.Diagnostic) bool {
	return func(ds []protocol.Diagnostic) bool {
		return strings.Join(brokenTargets(ds), ",") == strings.Join(want, ",")
	}
}

func TestFileOperations(t *testing.T) {
	s := startSession(t, map[string]string{
		"index.md":  "# Index\n\n[[b]] [[c]] [[sub/d]] [[moved/d]] [[new/e]] [[f]]\n",
		"b.md":      "# B\n",
		"f.md":      "# F\n",
		"sub/d.md":  "# D\n",
		"away/e.md": "# E\n",
	}, clientWatches)
	s.open("index.md")
	index := s.uri("index.md")
	s.diagnosticsFor(index, brokenAre("c", "moved/d", "new/e"))
	move := func(from, to string) {
		t.Helper()
		if err := os.Rename(filepath.Join(s.root, from), filepath.Join(s.root, to)); err != nil {
			t.Fatal(err)
		}
	}

	// The explorer renames a note: its links follow the move at once.
	move("b.md", "c.md")
	s.notify(protocol.MethodDidRenameFiles, protocol.RenameFilesParams{Files: []protocol.FileRename{
		{OldURI: string(s.uri("b.md")), NewURI: string(s.uri("c.md"))}}})
	s.diagnosticsFor(index, brokenAre("b", "moved/d", "new/e"))

	// A folder renamed is reported once, for the folder.
	move("sub", "moved")
	s.notify(protocol.MethodDidRenameFiles, protocol.RenameFilesParams{Files: []protocol.FileRename{
		{OldURI: string(s.uri("sub")), NewURI: string(s.uri("moved"))}}})
	s.diagnosticsFor(index, brokenAre("b", "sub/d", "new/e"))

	// A folder created with notes in it (pasted, or moved in from outside).
	move("away", "new")
	s.notify(protocol.MethodDidCreateFiles, protocol.CreateFilesParams{Files: []protocol.FileCreate{{URI: string(s.uri("new"))}}})
	s.diagnosticsFor(index, brokenAre("b", "sub/d"))

	// A note deleted.
	if err := os.Remove(filepath.Join(s.root, "f.md")); err != nil {
		t.Fatal(err)
	}
	s.notify(protocol.MethodDidDeleteFiles, protocol.DeleteFilesParams{Files: []protocol.FileDelete{{URI: string(s.uri("f.md"))}}})
	s.diagnosticsFor(index, brokenAre("b", "sub/d", "f"))
}

// A watcher that reports a folder moved in, and not each file in it: the
// notes in it are read.
func TestWatchedFolderCreated(t *testing.T) {
	s := startSession(t, map[string]string{
		"index.md":          "# Index\n\n[[new/e]] [[new/deeper/g]] [[new/.hidden/h]]\n",
		"away/e.md":         "# E\n",
		"away/deeper/g.md":  "# G\n",
		"away/.hidden/h.md": "# H\n",
	}, clientWatches)
	s.open("index.md")
	index := s.uri("index.md")
	s.diagnosticsFor(index, brokenAre("new/e", "new/deeper/g", "new/.hidden/h"))
	if err := os.Rename(filepath.Join(s.root, "away"), filepath.Join(s.root, "new")); err != nil {
		t.Fatal(err)
	}
	s.notify(protocol.MethodWorkspaceDidChangeWatchedFiles, protocol.DidChangeWatchedFilesParams{Changes: []*protocol.FileEvent{
		{URI: s.uri("away"), Type: protocol.FileChangeTypeDeleted},
		{URI: s.uri("new"), Type: protocol.FileChangeTypeCreated}}})
	// A dot-folder stays out, as it does at load.
	s.diagnosticsFor(index, brokenAre("new/.hidden/h"))
}

// Without a client that watches, the server watches the folders itself: a
// folder moved in is read whole, by the vault's rules (its dot-folder left
// out), and a new file in it is seen once the folder is watched.
func TestOwnWatcherReadsAFolderMovedIn(t *testing.T) {
	s := startSession(t, map[string]string{
		"index.md":          "# Index\n\n[[new/e]] [[new/deeper/g]] [[new/.hidden/h]] [[new/later]]\n",
		"away/e.md":         "# E\n",
		"away/deeper/g.md":  "# G\n",
		"away/.hidden/h.md": "# H\n",
	}, `{}`)
	s.open("index.md")
	index := s.uri("index.md")
	s.diagnosticsFor(index, brokenAre("new/e", "new/deeper/g", "new/.hidden/h", "new/later"))
	// Outside the vault, then in: one create event, for the folder.
	outside := filepath.Join(t.TempDir(), "away")
	if err := os.Rename(filepath.Join(s.root, "away"), outside); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(outside, filepath.Join(s.root, "new")); err != nil {
		t.Fatal(err)
	}
	s.diagnosticsFor(index, brokenAre("new/.hidden/h", "new/later"))
	writeFiles(t, s.root, map[string]string{"new/later.md": "# Later\n"})
	s.diagnosticsFor(index, brokenAre("new/.hidden/h"))
}
