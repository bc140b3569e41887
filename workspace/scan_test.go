package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// copyScanVault copies testdata/scan/vault to a temporary folder and adds what
// a repository cannot hold: the _gitignore files become .gitignore (stored
// under another name so this repository's git does not obey them), plus a
// .git folder and node_modules.
func copyScanVault(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "vault")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "scan", "vault"))); err != nil {
		t.Fatalf("copy test vault: %v", err)
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "_gitignore" {
			return err
		}
		return os.Rename(p, filepath.Join(filepath.Dir(p), ".gitignore"))
	})
	if err != nil {
		t.Fatalf("rename _gitignore: %v", err)
	}
	scanTestWrite(t, dir, map[string]string{
		".git/HEAD":                  "ref: refs/heads/main\n",
		".git/notes.md":              "# not a note\n",
		"node_modules/pkg/readme.md": "# not a note\n",
	})
	return dir
}

func scanTestWrite(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, text := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// symlink makes a symlink or skips the test where the OS will not (Windows
// without developer mode).
func scanTestSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot create symlinks here (%v): the symlink cases need them", err)
	}
}

func scanPaths(files []FileInfo) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Path
	}
	return out
}

func scanProblemPaths(ps []ScanProblem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Path
	}
	return out
}

func scanDiff(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// The files of testdata/scan/vault that ScanVault keeps, without extra globs.
var scanVaultKept = []string{
	"Folder With Spaces/Note (1).md",
	"Notes/Alpha.md",
	"Notes/beta.MARKDOWN",
	"Notes/keep.scratch",    // root ignores *.scratch, Notes/.gitignore re-includes it
	"Notes/only-root.md",    // "/only-root.md" is anchored at the root
	"Notes/sub/deep.md",     //
	"attachments/paper.pdf", // non-notes are kept as link targets
	"attachments/pic.png",
	"index.md",
	"readme.txt",
	"templates/daily.md",
}

func TestScanVaultIgnores(t *testing.T) {
	dir := copyScanVault(t)
	res, err := ScanVault(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Skipped: .hidden.md, .obsidian/, .trash/, .git/, node_modules/, the
	// .gitignore files themselves, drafts/ and *.scratch and /only-root.md
	// (root .gitignore), Notes/secret.md (nested .gitignore).
	scanDiff(t, "files", scanPaths(res.Files), scanVaultKept)
	if len(res.Problems) != 0 {
		t.Errorf("problems: %v", res.Problems)
	}
}

func TestScanVaultExtraIgnoreGlobs(t *testing.T) {
	dir := copyScanVault(t)
	// The extra globs are gitignore syntax relative to the root, and beat the
	// .gitignore files: "!drafts/" brings back a folder the root one excludes.
	res, err := ScanVault(context.Background(), dir, []string{"templates/", "*.pdf", "!drafts/", "Notes/sub"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Folder With Spaces/Note (1).md",
		"Notes/Alpha.md",
		"Notes/beta.MARKDOWN",
		"Notes/keep.scratch",
		"Notes/only-root.md",
		"attachments/pic.png",
		"drafts/wip.md",
		"index.md",
		"readme.txt",
	}
	scanDiff(t, "files", scanPaths(res.Files), want)
}

func TestScanVaultFileInfo(t *testing.T) {
	dir := copyScanVault(t)
	// A name in decomposed form (as macOS writes it) must come back byte for
	// byte, not normalised: edits and renames have to name the real file.
	nfd := "Cafe\u0301.md"
	scanTestWrite(t, dir, map[string]string{nfd: "# Café\n"})
	mtime := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(dir, "index.md"), mtime, mtime); err != nil {
		t.Fatal(err)
	}
	res, err := ScanVault(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]FileInfo{}
	for _, f := range res.Files {
		byPath[f.Path] = f
	}
	if _, ok := byPath[nfd]; !ok {
		t.Errorf("decomposed name %q not found as on disk in %q", nfd, scanPaths(res.Files))
	}
	idx := byPath["index.md"]
	st, err := os.Stat(filepath.Join(dir, "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	if idx.Size != st.Size() || !idx.ModTime.Equal(mtime) || !idx.IsNote {
		t.Errorf("index.md: got size %d mtime %v note %v; want %d %v true", idx.Size, idx.ModTime, idx.IsNote, st.Size(), mtime)
	}
	if !filepath.IsAbs(idx.Abs) || filepath.Clean(idx.Abs) != filepath.Join(dir, "index.md") {
		t.Errorf("Abs = %q, want %q", idx.Abs, filepath.Join(dir, "index.md"))
	}
	deep := byPath["Notes/sub/deep.md"]
	if deep.Abs != filepath.Join(dir, "Notes", "sub", "deep.md") {
		t.Errorf("Abs of a nested file = %q", deep.Abs)
	}
	for p, f := range byPath {
		if f.IsNote != IsNoteFile(p) {
			t.Errorf("%s: IsNote = %v", p, f.IsNote)
		}
	}
	if byPath["attachments/pic.png"].IsNote || !byPath["Notes/beta.MARKDOWN"].IsNote {
		t.Errorf("IsNote wrong for pic.png or beta.MARKDOWN")
	}
}

func TestScanVaultRelativeRoot(t *testing.T) {
	res, err := ScanVault(context.Background(), filepath.Join("testdata", "scan", "vault"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) == 0 || !filepath.IsAbs(res.Files[0].Abs) {
		t.Fatalf("a relative root should still give absolute Abs paths: %+v", res.Files)
	}
}

func TestScanVaultSymlinks(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "vault")
	scanTestWrite(t, dir, map[string]string{
		".gitignore":        "*.scratch\n",
		"index.md":          "# Home\n",
		"Notes/sub/deep.md": "# Deep\n",
	})
	scanTestWrite(t, base, map[string]string{
		"outside/ext.md":         "# Outside the vault\n",
		"outside/nested/ext2.md": "# Deeper outside\n",
	})
	// A folder outside the vault, linked in: followed, as Obsidian does.
	scanTestSymlink(t, filepath.Join(base, "outside"), filepath.Join(dir, "linked"))
	// ...and a link from there back to the vault root: a loop, walked once.
	scanTestSymlink(t, dir, filepath.Join(base, "outside", "back"))
	// A link to the vault root from inside it: the same loop, shorter.
	scanTestSymlink(t, "..", filepath.Join(dir, "Notes", "up"))
	// A link to a folder inside the vault that sorts before the real one: the
	// real path wins, whatever the order of names.
	scanTestSymlink(t, "sub", filepath.Join(dir, "Notes", "a-link"))
	// A link to a note: kept under the link's name, with the target's size.
	scanTestSymlink(t, "index.md", filepath.Join(dir, "alias.md"))
	// Broken links and a link cycle are problems, not errors.
	scanTestSymlink(t, "missing.md", filepath.Join(dir, "dangling.md"))
	scanTestSymlink(t, "cycle-b", filepath.Join(dir, "cycle-a"))
	scanTestSymlink(t, "cycle-a", filepath.Join(dir, "cycle-b"))
	// A dangling link the .gitignore excludes is nobody's problem.
	scanTestSymlink(t, "nowhere", filepath.Join(dir, "old.scratch"))
	// A link to a dot-folder's content under a plain name is followed.
	scanTestWrite(t, dir, map[string]string{".hidden/h.md": "# H\n"})
	scanTestSymlink(t, ".hidden", filepath.Join(dir, "shown"))

	res, err := ScanVault(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	scanDiff(t, "files", scanPaths(res.Files), []string{
		"Notes/sub/deep.md",
		"alias.md",
		"index.md",
		"linked/ext.md",
		"linked/nested/ext2.md",
		"shown/h.md",
	})
	scanDiff(t, "problems", scanProblemPaths(res.Problems), []string{"cycle-a", "cycle-b", "dangling.md"})
	for _, p := range res.Problems {
		if p.Path == "dangling.md" && !errors.Is(p.Err, fs.ErrNotExist) {
			t.Errorf("dangling.md: %v, want a not-exist error", p.Err)
		}
		if !strings.Contains(p.Error(), p.Path) {
			t.Errorf("problem text %q does not name the path", p.Error())
		}
	}
	for _, f := range res.Files {
		if f.Path == "alias.md" && f.Size != int64(len("# Home\n")) {
			t.Errorf("alias.md size %d: want the target's size", f.Size)
		}
	}
}

func TestScanVaultRootIsSymlink(t *testing.T) {
	base := t.TempDir()
	scanTestWrite(t, base, map[string]string{"real/a.md": "# A\n"})
	scanTestSymlink(t, filepath.Join(base, "real"), filepath.Join(base, "link"))
	res, err := ScanVault(context.Background(), filepath.Join(base, "link"), nil)
	if err != nil {
		t.Fatal(err)
	}
	scanDiff(t, "files", scanPaths(res.Files), []string{"a.md"})
	if got := res.Files[0].Abs; got != filepath.Join(base, "link", "a.md") {
		t.Errorf("Abs = %q: want the path under the root as given", got)
	}
}

// failingReads makes a scanner whose reads fail for the given vault folders or
// files; it works as root, who can read a chmod 000 folder.
func failingReads(fail ...string) *scanner {
	bad := func(p string) bool {
		for _, f := range fail {
			if strings.HasSuffix(filepath.ToSlash(p), "/"+f) {
				return true
			}
		}
		return false
	}
	s := newScanner(context.Background(), nil)
	s.readDir = func(p string) ([]os.DirEntry, error) {
		if bad(p) {
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrPermission}
		}
		return os.ReadDir(p)
	}
	s.readFile = func(p string) ([]byte, error) {
		if bad(p) {
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrPermission}
		}
		return os.ReadFile(p)
	}
	return s
}

func TestScanVaultUnreadable(t *testing.T) {
	dir := copyScanVault(t)
	s := failingReads("vault/Notes/sub", "vault/Notes/.gitignore")
	res, err := s.scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	scanDiff(t, "problems", scanProblemPaths(res.Problems), []string{"Notes/.gitignore", "Notes/sub"})
	for _, p := range res.Problems {
		if !errors.Is(p.Err, fs.ErrPermission) {
			t.Errorf("%s: %v, want a permission error", p.Path, p.Err)
		}
	}
	got := scanPaths(res.Files)
	// With Notes/.gitignore unread, Notes/secret.md is no longer excluded and
	// keep.scratch no longer re-included; the unreadable folder's files are gone.
	if !slices.Contains(got, "Notes/secret.md") || slices.Contains(got, "Notes/keep.scratch") || slices.Contains(got, "Notes/sub/deep.md") {
		t.Errorf("files: %q", got)
	}
	if !slices.Contains(got, "index.md") {
		t.Errorf("the rest of the vault must still be scanned: %q", got)
	}

	// An unreadable root is the one error.
	if _, err := failingReads("vault").scan(dir); !errors.Is(err, fs.ErrPermission) {
		t.Errorf("unreadable root: err = %v, want a permission error", err)
	}
}

func TestScanVaultChmod(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("chmod 000 does not make files unreadable on Windows")
	}
	if os.Geteuid() == 0 {
		t.Skip("running as root, who can read chmod 000 files and folders; TestScanVaultUnreadable covers unreadable folders with injected errors")
	}
	dir := copyScanVault(t)
	locked := filepath.Join(dir, "Notes", "sub")
	file := filepath.Join(dir, "readme.txt")
	for _, p := range []string{locked, file} {
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755); os.Chmod(file, 0o644) })
	res, err := ScanVault(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	scanDiff(t, "problems", scanProblemPaths(res.Problems), []string{"Notes/sub", "readme.txt"})
	if slices.Contains(scanPaths(res.Files), "readme.txt") {
		t.Errorf("an unreadable file is listed")
	}
}

func TestScanVaultRootErrors(t *testing.T) {
	dir := t.TempDir()
	scanTestWrite(t, dir, map[string]string{"file.md": "x"})
	for _, root := range []string{filepath.Join(dir, "missing"), filepath.Join(dir, "file.md")} {
		if _, err := ScanVault(context.Background(), root, nil); err == nil {
			t.Errorf("ScanVault(%s): no error", root)
		}
	}
	if _, err := ScanVault(context.Background(), filepath.Join(dir, "missing"), nil); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing root: %v, want it to wrap fs.ErrNotExist", err)
	}
	// An empty vault is no error.
	res, err := ScanVault(context.Background(), t.TempDir(), nil)
	if err != nil || len(res.Files) != 0 || len(res.Problems) != 0 {
		t.Errorf("empty vault: %+v, %v", res, err)
	}
}

func TestScanVaultCancelled(t *testing.T) {
	dir := copyScanVault(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ScanVault(ctx, dir, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled scan: err = %v, want context.Canceled", err)
	}
	// A large flat folder notices a cancellation between its entries, not
	// only between folders.
	big := t.TempDir()
	for i := range 1100 {
		scanTestWrite(t, big, map[string]string{fmt.Sprintf("n%04d.md", i): ""})
	}
	entries, err := os.ReadDir(big)
	if err != nil {
		t.Fatal(err)
	}
	lazy := &cancelAfter{Context: context.Background(), calls: 1}
	s := newScanner(lazy, nil)
	s.walk("", big, big, entries, nil)
	if err := s.err; !errors.Is(err, context.Canceled) {
		t.Errorf("walk of a big folder cancelled midway: %v", err)
	}
	if lazy.asked < 2 {
		t.Errorf("walk asked the context %d times; want a check between entries", lazy.asked)
	}
}

// cancelAfter is a context that reports itself cancelled after calls calls to Err.
type cancelAfter struct {
	context.Context
	calls int
	asked int
}

func (c *cancelAfter) Err() error {
	c.asked++
	if c.calls > 0 {
		c.calls--
		return nil
	}
	return context.Canceled
}

// The Ignorer that answers for file-watch events must agree with the scan.
func TestIgnorerAgreesWithScan(t *testing.T) {
	dir := copyScanVault(t)
	extra := []string{"templates/"}
	res, err := ScanVault(context.Background(), dir, extra)
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]bool{}
	for _, f := range res.Files {
		kept[f.Path] = true
	}
	ig := NewIgnorer(dir, extra)
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if got := ig.Ignored(rel, false); got == kept[rel] {
			t.Errorf("%s: Ignorer says ignored=%v, scan kept=%v", rel, got, kept[rel])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIsNoteFile(t *testing.T) {
	for name, want := range map[string]bool{
		"a.md": true, "a.MD": true, "dir/a.Md": true, "a.markdown": true, "a.MARKDOWN": true,
		"a.mdx": false, "a.txt": false, "md": false, "a.md.bak": false, "a.png": false, "dir.md/x": false,
	} {
		if got := IsNoteFile(name); got != want {
			t.Errorf("IsNoteFile(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestScanRealGardens scans the public gardens kept next to the project, when
// they are there: every markdown file outside dot-folders is a note.
func TestScanRealGardens(t *testing.T) {
	gardens := filepath.Join("..", "..", "shared", "gardens")
	if _, err := os.Stat(gardens); err != nil {
		t.Skipf("no real gardens at %s (a fresh clone has none): %v", gardens, err)
	}
	for name, notes := range map[string]int{"obsidian-help-en": 173, "foam-docs": 86, "quartz-docs": 67} {
		res, err := ScanVault(context.Background(), filepath.Join(gardens, name), nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		n := 0
		for _, f := range res.Files {
			if f.IsNote {
				n++
			}
		}
		if n != notes || len(res.Problems) != 0 {
			t.Errorf("%s: %d notes, problems %v; want %d notes", name, n, res.Problems, notes)
		}
	}
}

// makeBigVault writes n small notes in folders of 100, with a few .gitignore
// files, the shape of a large garden.
func makeBigVault(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("*.tmp\nbuild/\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		folder := filepath.Join(dir, fmt.Sprintf("area%02d", i/5000), fmt.Sprintf("topic%03d", i/100))
		if i%100 == 0 {
			if err := os.MkdirAll(folder, 0o755); err != nil {
				tb.Fatal(err)
			}
			if i%1000 == 0 {
				if err := os.WriteFile(filepath.Join(folder, ".gitignore"), []byte("scratch-*.md\n"), 0o644); err != nil {
					tb.Fatal(err)
				}
			}
		}
		name := fmt.Sprintf("note-%05d.md", i)
		if i%10 == 9 {
			name = fmt.Sprintf("image-%05d.png", i)
		}
		if err := os.WriteFile(filepath.Join(folder, name), []byte("# x\n"), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

func BenchmarkScanVault50k(b *testing.B) {
	dir := makeBigVault(b, 50_000)
	b.ResetTimer()
	for b.Loop() {
		res, err := ScanVault(context.Background(), dir, []string{"archive/"})
		if err != nil || len(res.Files) != 50_000 {
			b.Fatalf("%d files, %v", len(res.Files), err)
		}
	}
}
