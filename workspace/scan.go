package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
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
	return newScanner(ctx, ignore).scan(root)
}

func newScanner(ctx context.Context, ignore []string) *scanner {
	// Listing folders is system-call bound; a few more walkers than cores
	// also hide disk latency when the cache is cold.
	walkers := min(max(2*runtime.GOMAXPROCS(0), 4), 32)
	return &scanner{
		ctx:      ctx,
		extra:    NewGitIgnore("", ignore),
		readDir:  os.ReadDir,
		readFile: os.ReadFile,
		slots:    make(chan struct{}, walkers-1),
		visited:  make(map[string]bool),
	}
}

// scanner holds one scan's state. Folders are walked by several goroutines;
// the result is sorted at the end, so it does not depend on their timing.
type scanner struct {
	ctx   context.Context
	extra *GitIgnore
	// readDir and readFile are fields so tests can make a folder fail to read
	// even when they run as root, who can read a chmod 000 folder.
	readDir  func(string) ([]os.DirEntry, error)
	readFile func(string) ([]byte, error)
	// slots bounds the extra goroutines walking folders at once; a folder
	// finding no free slot is walked by the goroutine that found it.
	slots chan struct{}
	wg    sync.WaitGroup

	mu sync.Mutex // guards what follows
	// visited holds the real (symlink-free) paths of the folders walked.
	visited map[string]bool
	// linked holds folders reached through symlinks, walked after the real tree.
	linked []linkedDir
	// folders holds each folder's files, joined into res once the walk
	// ends: appending them to one list as they come copies it over and
	// over (30 MB at 50,000 files).
	folders [][]FileInfo
	res     ScanResult
	err     error // the first cancellation seen
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
	s.walk("", abs, realDir, entries, nil)
	return s.finish()
}

// finish waits for the walkers, walks the folders reached through symlinks
// and returns what was found, sorted.
func (s *scanner) finish() (ScanResult, error) {
	s.wg.Wait()
	// Then the folders reached through symlinks, in rounds: those found in the
	// real tree, then those found inside them, and so on. Within a round they
	// go one at a time in path order, so when two links reach one folder the
	// same one wins on every run.
	done := 0
	for s.err == nil && done < len(s.linked) {
		round := slices.Clone(s.linked[done:])
		done = len(s.linked)
		slices.SortFunc(round, func(a, b linkedDir) int { return strings.Compare(a.rel, b.rel) })
		for _, d := range round {
			if s.visited[d.realDir] {
				continue
			}
			s.visited[d.realDir] = true
			s.dir(d.rel, d.abs, d.realDir, d.stack)
			s.wg.Wait()
		}
	}
	if s.err != nil {
		return ScanResult{}, s.err
	}
	s.res.Files = slices.Concat(s.folders...)
	s.folders = nil
	slices.SortFunc(s.res.Files, func(a, b FileInfo) int { return strings.Compare(a.Path, b.Path) })
	slices.SortStableFunc(s.res.Problems, func(a, b ScanProblem) int { return strings.Compare(a.Path, b.Path) })
	return s.res, nil
}

// dir lists one folder and walks it.
func (s *scanner) dir(rel, abs, realDir string, stack []*GitIgnore) {
	entries, err := s.readDir(abs)
	if err != nil {
		s.problem(rel, fmt.Errorf("read folder: %w", err))
	}
	// os.ReadDir returns what it read before an error: keep that much.
	if len(entries) > 0 {
		s.walk(rel, abs, realDir, entries, stack)
	}
}

// walk records the entries of one folder and descends into its real
// subfolders. stack is the .gitignore files of the folders above; it is never
// appended to in place, since other walkers and linkedDir entries share it.
func (s *scanner) walk(rel, abs, realDir string, entries []os.DirEntry, stack []*GitIgnore) {
	if s.cancelled() {
		return
	}
	files := make([]FileInfo, 0, len(entries))
	var problems []ScanProblem
	for _, e := range entries {
		if e.Name() == ".gitignore" && !e.IsDir() {
			data, err := s.readFile(joinOS(abs, ".gitignore"))
			if err != nil {
				problems = append(problems, ScanProblem{Path: joinRel(rel, ".gitignore"), Err: fmt.Errorf("read .gitignore: %w", err)})
				break
			}
			stack = append(stack[:len(stack):len(stack)], ParseGitIgnore(rel, data))
			break
		}
	}
	// The files are stat'ed by name in the open folder (fstatat on Unix),
	// which spares the system resolving the whole path again for each
	// (stat'ing 51,000 files by path was a tenth of a restart's CPU at
	// 50,000 notes). Listed entries (e.Info) serve if the folder cannot be
	// opened so. It is opened at its first file and closed before walking a
	// subfolder here, so that a deep tree does not hold a descriptor per level.
	var dir *folder
	noDir := false
	closeDir := func() {
		if dir != nil {
			dir.close()
			dir = nil
		}
	}
	defer closeDir()
	for i, e := range entries {
		// A folder of tens of thousands of files should still stop promptly.
		if i&1023 == 1023 && s.cancelled() {
			return
		}
		name := e.Name()
		typ := e.Type()
		if skippedName(name, typ.IsDir()) {
			continue
		}
		childRel := joinRel(rel, name)
		childAbs := joinOS(abs, name)
		switch {
		case typ.IsDir():
			if ignoredBy(s.extra, stack, childRel, true) {
				continue
			}
			childReal := joinOS(realDir, name)
			s.mu.Lock()
			seen := s.visited[childReal]
			s.visited[childReal] = true
			s.mu.Unlock()
			if seen {
				continue
			}
			select {
			case s.slots <- struct{}{}:
				s.wg.Add(1)
				go func() {
					defer s.wg.Done()
					defer func() { <-s.slots }()
					s.dir(childRel, childAbs, childReal, stack)
				}()
			default:
				closeDir()
				s.dir(childRel, childAbs, childReal, stack)
			}
		case typ&fs.ModeSymlink != 0:
			f, p := s.symlink(childRel, childAbs, name, stack)
			files = append(files, f...)
			problems = append(problems, p...)
		case typ.IsRegular():
			if ignoredBy(s.extra, stack, childRel, false) {
				continue
			}
			if dir == nil && !noDir {
				d, err := openFolder(abs)
				dir, noDir = d, err != nil
			}
			var st fileStat
			var err error
			if dir != nil {
				st, err = dir.lstat(name)
			} else {
				var fi fs.FileInfo
				if fi, err = e.Info(); err == nil {
					st = statOf(fi)
				}
			}
			if errors.Is(err, fs.ErrNotExist) {
				continue // deleted since the folder was listed
			}
			if err != nil {
				problems = append(problems, ScanProblem{Path: childRel, Err: fmt.Errorf("stat: %w", err)})
				continue
			}
			if f, err := fileInfo(childRel, childAbs, st); err != nil {
				problems = append(problems, ScanProblem{Path: childRel, Err: err})
			} else {
				files = append(files, f)
			}
		default:
			// Sockets, pipes and devices are never notes nor link targets.
		}
	}
	// One lock per folder, not per file.
	s.mu.Lock()
	if len(files) > 0 {
		s.folders = append(s.folders, files)
	}
	s.res.Problems = append(s.res.Problems, problems...)
	s.mu.Unlock()
}

func (s *scanner) cancelled() bool {
	err := s.ctx.Err()
	if err == nil {
		return false
	}
	s.mu.Lock()
	if s.err == nil {
		s.err = fmt.Errorf("scan vault: %w", err)
	}
	s.mu.Unlock()
	return true
}

// symlink follows a symlink found in a folder: a file is returned as a
// FileInfo under the link's path, a folder is queued for after the real tree.
func (s *scanner) symlink(rel, abs, name string, stack []*GitIgnore) ([]FileInfo, []ScanProblem) {
	fi, err := os.Stat(abs)
	if err != nil {
		// An ignored dangling link is no one's concern; we cannot know whether
		// it meant a folder, so ask as for a file (the common case).
		if ignoredBy(s.extra, stack, rel, false) {
			return nil, nil
		}
		if errors.Is(err, fs.ErrNotExist) {
			return nil, []ScanProblem{{Path: rel, Err: fmt.Errorf("broken symlink: %w", err)}}
		}
		return nil, []ScanProblem{{Path: rel, Err: fmt.Errorf("follow symlink: %w", err)}}
	}
	switch {
	case fi.IsDir():
		if skippedName(name, true) || ignoredBy(s.extra, stack, rel, true) {
			return nil, nil
		}
		realDir, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return nil, []ScanProblem{{Path: rel, Err: fmt.Errorf("follow symlink: %w", err)}}
		}
		s.mu.Lock()
		s.linked = append(s.linked, linkedDir{rel: rel, abs: abs, realDir: realDir, stack: stack})
		s.mu.Unlock()
	case fi.Mode().IsRegular():
		if ignoredBy(s.extra, stack, rel, false) {
			return nil, nil
		}
		f, err := fileInfo(rel, abs, statOf(fi))
		if err != nil {
			return nil, []ScanProblem{{Path: rel, Err: err}}
		}
		return []FileInfo{f}, nil
	}
	return nil, nil
}

// fileStat is what a scan keeps of a file's stat.
type fileStat struct {
	size  int64
	mtime time.Time
	perm  fs.FileMode
}

func statOf(fi fs.FileInfo) fileStat {
	return fileStat{size: fi.Size(), mtime: fi.ModTime(), perm: fi.Mode().Perm()}
}

func fileInfo(rel, abs string, st fileStat) (FileInfo, error) {
	// Reading every file to prove it readable would double the cost of a scan;
	// a file with no read bit at all is the one case worth checking (the
	// parser reports any other read error when it opens the file).
	if st.perm&0o444 == 0 {
		f, err := os.Open(abs)
		if err != nil {
			return FileInfo{}, fmt.Errorf("unreadable file: %w", err)
		}
		f.Close()
	}
	return FileInfo{
		Path:    rel,
		Abs:     abs,
		Size:    st.size,
		ModTime: st.mtime,
		IsNote:  IsNoteFile(rel),
	}, nil
}

func (s *scanner) problem(rel string, err error) {
	s.mu.Lock()
	s.res.Problems = append(s.res.Problems, ScanProblem{Path: rel, Err: err})
	s.mu.Unlock()
}

// joinOS is filepath.Join for a clean folder and a plain name, without
// Join's cleaning pass, which is a measurable part of a scan.
func joinOS(dir, name string) string {
	if os.IsPathSeparator(dir[len(dir)-1]) {
		return dir + name
	}
	return dir + string(filepath.Separator) + name
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
