package workspace

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// A folder read on its own must give what the whole scan gives below it, for
// every folder of the test vault: kept, skipped by a .gitignore above it or
// its own, by an extra glob, or by name (.git, node_modules).
func TestScanFolderAgreesWithScan(t *testing.T) {
	dir := copyScanVault(t)
	// Left out by the root's "*.scratch" and the nested "secret.md": a
	// folder read without the rules above it would list them.
	scanTestWrite(t, dir, map[string]string{
		"attachments/tmp.scratch": "x",
		"Notes/sub/secret.md":     "# x\n",
	})
	for _, extra := range [][]string{nil, {"templates/", "*.pdf", "!drafts/", "Notes/sub"}} {
		all, err := ScanVault(context.Background(), dir, extra)
		if err != nil {
			t.Fatal(err)
		}
		ig := NewIgnorer(dir, extra)
		var folders []string
		err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				rel, _ := filepath.Rel(dir, p)
				folders = append(folders, filepath.ToSlash(rel))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(folders) < 10 {
			t.Fatalf("only %d folders in the test vault: %v", len(folders), folders)
		}
		for _, rel := range folders {
			var want []string
			for _, f := range all.Files {
				if rel == "." || strings.HasPrefix(f.Path, rel+"/") {
					want = append(want, f.Path)
				}
			}
			got, err := ScanFolder(context.Background(), ig, rel)
			if err != nil {
				t.Fatalf("ScanFolder(%s): %v", rel, err)
			}
			scanDiff(t, "ScanFolder("+rel+") with extra globs "+strings.Join(extra, " "), scanPaths(got.Files), want)
			for _, f := range got.Files {
				if f.Abs != filepath.Join(dir, filepath.FromSlash(f.Path)) || f.Size == 0 {
					t.Errorf("ScanFolder(%s): %+v", rel, f)
				}
			}
		}
	}
}
