package workspace

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Snapshot.Text gives a loaded note's text from disk while the file holds
// what was indexed, an error once it does not, and a buffer's text as kept.
func TestSnapshotText(t *testing.T) {
	root := writeNotes(t, smallVault)
	// A working folder other than the one the vault was named from.
	rel, err := filepath.Rel(".", root)
	if err != nil {
		rel = root
	}
	ix, _, err := Load(context.Background(), rel, cacheTestConfig, NewParser())
	if err != nil {
		t.Fatal(err)
	}
	text := func(p string) (string, error) {
		s := ix.Snapshot()
		defer s.Release()
		return s.Text(s.File(p))
	}
	if got, err := text("sub/d.md"); err != nil || got != smallVault["sub/d.md"] {
		t.Errorf("unchanged: %q, %v; want the file's text", got, err)
	}
	a := filepath.Join(root, "a.md")
	if err := os.WriteFile(a, []byte(strings.ToUpper(smallVault["a.md"])), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := text("a.md"); err == nil || !strings.Contains(err.Error(), "changed on disk") {
		t.Errorf("changed, same size: %q, %v; want an error saying it changed", got, err)
	}
	if err := os.Remove(a); err != nil {
		t.Fatal(err)
	}
	if _, err := text("a.md"); err == nil {
		t.Error("removed: no error")
	}
	buffer := "# Edited\n\nunsaved [[b]]\n"
	ix.SetNote(NewParser().Parse("a.md", buffer, 2))
	if got, err := text("a.md"); err != nil || got != buffer {
		t.Errorf("from a buffer: %q, %v; want the buffer", got, err)
	}
	if got, err := text("image.png"); err == nil {
		t.Errorf("an image: %q, no error", got)
	}
}
