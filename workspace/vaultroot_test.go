package workspace

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFindVaultRoot(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(filepath.Join(root, ".obsidian"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, ok := FindVaultRoot(deep); !ok || got != root {
		t.Errorf("FindVaultRoot(%s) = %s, %v; want %s", deep, got, ok, root)
	}
	bare := t.TempDir()
	if got, ok := FindVaultRoot(bare); ok || got != bare {
		t.Errorf("unmarked folder: %s, %v", got, ok)
	}
}
