package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// FileInfo is one file found in a vault: a note, or anything else a note may
// link to or embed (images, PDFs, …).
type FileInfo struct {
	// Path is vault-relative and '/'-separated, with names exactly as on disk
	// (not NFC-normalised: the index normalises its lookup keys, while edits
	// must name the file as it is). A file reached through a symlinked folder
	// has the path through the link, as Obsidian shows it.
	Path string
	// Abs is the absolute path to open, in the OS's form.
	Abs     string
	Size    int64
	ModTime time.Time
	// IsNote is true for .md and .markdown files, in any letter case.
	IsNote bool
}

// ScanProblem is a part of the vault that could not be scanned: an unreadable
// folder or file, a broken symlink, a symlink loop. The rest of the scan goes on.
type ScanProblem struct {
	Path string // vault-relative, '/'-separated
	Err  error
}

func (p ScanProblem) Error() string { return p.Path + ": " + p.Err.Error() }

// ScanResult is the outcome of ScanVault.
type ScanResult struct {
	Files    []FileInfo // sorted by Path (byte order)
	Problems []ScanProblem
}

// ScanVault lists the notes and other files of the vault at root.
//
// It skips dot-files and dot-folders (.git, .obsidian, .trash …), node_modules,
// whatever the root and nested .gitignore files exclude, and the extra
// gitignore-style globs in ignore (relative to root, and taking precedence over
// the .gitignore files). Symlinks to files and folders are followed, as in
// Obsidian; a folder already walked under another path is not walked again, so
// loops end. Folders reached directly are walked before those reached through a
// symlink, so a folder linked from inside the vault keeps its real path.
//
// Everything that goes wrong below root is a ScanProblem; the error is only
// for a root that cannot be read, or a cancelled ctx.
func ScanVault(ctx context.Context, root string, ignore []string) (ScanResult, error) {
	s := &scanner{
		ctx:      ctx,
		extra:    NewGitIgnore("", ignore),
		readDir:  os.ReadDir,
		readFile: os.ReadFile,
		visited:  make(map[string]bool),
	}
	return s.scan(root)
}

// scanner holds one scan's state. readDir and readFile are fields so tests
// can make a folder fail to read even when they run as root, who can read a
// chmod 000 folder.
type scanner struct {
	ctx      context.Context
	extra    *GitIgnore
	readDir  func(string) ([]os.DirEntry, error)
	readFile func(string) ([]byte, error)

	// visited holds the real (symlink-free) paths of the folders walked.
	visited map[string]bool
	// linked holds folders reached through symlinks, walked after the real tree.
	linked []linkedDir
	res    ScanResult
}

type linkedDir struct {
	rel, abs, realDir string
	stack             []*GitIgnore // the .gitignore files in force where the link is
}

func (s *scanner) scan(root string) (ScanResult, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return ScanResult{}, fmt.Errorf("scan vault %s: %w", root, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return ScanResult{}, fmt.Errorf("scan vault: %w", err)
	}
	if !fi.IsDir() {
		return ScanResult{}, fmt.Errorf("scan vault %s: not a folder", abs)
	}
	realDir, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return ScanResult{}, fmt.Errorf("scan vault: %w", err)
	}
	// The root's own listing decides whether there is a vault at all.
	entries, err := s.readDir(abs)
	if err != nil {
		return ScanResult{}, fmt.Errorf("scan vault: %w", err)
	}
	s.visited[realDir] = true
	if err := s.walk("", abs, realDir, entries, nil); err != nil {
		return ScanResult{}, err
	}
	// Linked folders may hold further links; the list grows while we go.
	for i := 0; i < len(s.linked); i++ {
		d := s.linked[i]
		if s.visited[d.realDir] {
			continue
		}
		s.visited[d.realDir] = true
		entries, err := s.readDir(d.abs)
		if err != nil {
			s.problem(d.rel, fmt.Errorf("read folder: %w", err))
			if len(entries) == 0 {
				continue
			}
		}
		if err := s.walk(d.rel, d.abs, d.realDir, entries, d.stack); err != nil {
			return ScanResult{}, err
		}
	}
	slices.SortFunc(s.res.Files, func(a, b FileInfo) int { return strings.Compare(a.Path, b.Path) })
	slices.SortStableFunc(s.res.Problems, func(a, b ScanProblem) int { return strings.Compare(a.Path, b.Path) })
	return s.res, nil
}

// walk records the entries of one folder and descends into its real
// subfolders. stack is the .gitignore files of the folders above; it is never
// appended to in place, since linkedDir entries keep references to it.
func (s *scanner) walk(rel, abs, realDir string, entries []os.DirEntry, stack []*GitIgnore) error {
	if err := s.ctx.Err(); err != nil {
		return fmt.Errorf("scan vault: %w", err)
	}
	for _, e := range entries {
		if e.Name() == ".gitignore" && !e.IsDir() {
			data, err := s.readFile(filepath.Join(abs, ".gitignore"))
			if err != nil {
				s.problem(joinRel(rel, ".gitignore"), fmt.Errorf("read .gitignore: %w", err))
				break
			}
			stack = append(stack[:len(stack):len(stack)], ParseGitIgnore(rel, data))
			break
		}
	}
	for i, e := range entries {
		// A folder of tens of thousands of files should still stop promptly.
		if i&1023 == 1023 {
			if err := s.ctx.Err(); err != nil {
				return fmt.Errorf("scan vault: %w", err)
			}
		}
		name := e.Name()
		typ := e.Type()
		if skippedName(name, typ.IsDir()) {
			continue
		}
		childRel := joinRel(rel, name)
		childAbs := filepath.Join(abs, name)
		switch {
		case typ.IsDir():
			childReal := filepath.Join(realDir, name)
			if s.visited[childReal] || ignoredBy(s.extra, stack, childRel, true) {
				continue
			}
			s.visited[childReal] = true
			sub, err := s.readDir(childAbs)
			if err != nil {
				s.problem(childRel, fmt.Errorf("read folder: %w", err))
			}
			if len(sub) > 0 {
				if err := s.walk(childRel, childAbs, childReal, sub, stack); err != nil {
					return err
				}
			}
		case typ&fs.ModeSymlink != 0:
			s.symlink(childRel, childAbs, name, stack)
		case typ.IsRegular():
			if ignoredBy(s.extra, stack, childRel, false) {
				continue
			}
			fi, err := e.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // deleted since the folder was listed
			}
			if err != nil {
				s.problem(childRel, fmt.Errorf("stat: %w", err))
				continue
			}
			s.file(childRel, childAbs, fi)
		default:
			// Sockets, pipes and devices are never notes nor link targets.
		}
	}
	return nil
}

// symlink follows a symlink found in a folder: a file becomes a FileInfo under
// the link's path, a folder is queued for after the real tree.
func (s *scanner) symlink(rel, abs, name string, stack []*GitIgnore) {
	fi, err := os.Stat(abs)
	if err != nil {
		// An ignored dangling link is no one's concern; we cannot know whether
		// it meant a folder, so ask as for a file (the common case).
		if ignoredBy(s.extra, stack, rel, false) {
			return
		}
		if errors.Is(err, fs.ErrNotExist) {
			s.problem(rel, fmt.Errorf("broken symlink: %w", err))
		} else {
			s.problem(rel, fmt.Errorf("follow symlink: %w", err))
		}
		return
	}
	switch {
	case fi.IsDir():
		if skippedName(name, true) || ignoredBy(s.extra, stack, rel, true) {
			return
		}
		realDir, err := filepath.EvalSymlinks(abs)
		if err != nil {
			s.problem(rel, fmt.Errorf("follow symlink: %w", err))
			return
		}
		s.linked = append(s.linked, linkedDir{rel: rel, abs: abs, realDir: realDir, stack: stack})
	case fi.Mode().IsRegular():
		if ignoredBy(s.extra, stack, rel, false) {
			return
		}
		s.file(rel, abs, fi)
	}
}

func (s *scanner) file(rel, abs string, fi fs.FileInfo) {
	// Reading every file to prove it readable would double the cost of a scan;
	// a file with no read bit at all is the one case worth checking (the
	// parser reports any other read error when it opens the file).
	if fi.Mode().Perm()&0o444 == 0 {
		f, err := os.Open(abs)
		if err != nil {
			s.problem(rel, fmt.Errorf("unreadable file: %w", err))
			return
		}
		f.Close()
	}
	s.res.Files = append(s.res.Files, FileInfo{
		Path:    rel,
		Abs:     abs,
		Size:    fi.Size(),
		ModTime: fi.ModTime(),
		IsNote:  IsNoteFile(rel),
	})
}

func (s *scanner) problem(rel string, err error) {
	s.res.Problems = append(s.res.Problems, ScanProblem{Path: rel, Err: err})
}

func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// IsNoteFile reports whether a file name or path is a markdown note: it ends in
// .md or .markdown, in any letter case (Obsidian treats "A.MD" as a note).
func IsNoteFile(name string) bool {
	ext := path.Ext(name)
	return strings.EqualFold(ext, ".md") || strings.EqualFold(ext, ".markdown")
}
