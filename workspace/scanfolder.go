package workspace

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// ScanFolder lists the notes and files below the vault folder rel as
// ScanVault lists them there: ig's rules apply, the .gitignore files of the
// root and of the folders on the way to rel included, and nothing is listed
// when rel itself is skipped. A folder that appears while the server runs
// (moved in, checked out) is read so, or the index would hold files the
// next start leaves out: a gitignored build folder's copies of the notes,
// making every link to them ambiguous.
func ScanFolder(ctx context.Context, ig *Ignorer, rel string) (ScanResult, error) {
	rel = strings.Trim(path.Clean("/"+filepath.ToSlash(rel)), "/")
	if rel == "" {
		return ScanVault(ctx, ig.root, ig.globs)
	}
	stack, ignored := ig.above(rel, true)
	if ignored {
		return ScanResult{}, nil
	}
	s := newScanner(ctx, nil)
	s.extra = ig.extra
	abs, err := filepath.Abs(filepath.Join(ig.root, filepath.FromSlash(rel)))
	if err != nil {
		return ScanResult{}, fmt.Errorf("scan folder %s: %w", rel, err)
	}
	realDir, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return ScanResult{}, fmt.Errorf("scan folder %s: %w", rel, err)
	}
	entries, err := s.readDir(abs)
	if err != nil {
		return ScanResult{}, fmt.Errorf("scan folder %s: %w", rel, err)
	}
	s.visited[realDir] = true
	s.walk(rel, abs, realDir, entries, stack)
	return s.finish()
}
