package workspace

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ignoreCase is one rule of gitignore(5): the .gitignore text, the folder it
// sits in, a path and whether git ignores it.
type ignoreCase struct {
	name  string
	dir   string // folder of the .gitignore ("" = root)
	lines string
	path  string
	isDir bool
	want  bool
	// gitDiffers marks a deliberate difference from git (documented on the
	// case); the cross-check against the git binary skips it.
	gitDiffers bool
}

var ignoreCases = []ignoreCase{
	// Blank lines and comments.
	{name: "comment line is no pattern", lines: "# note.md\n", path: "# note.md", want: false},
	{name: "blank lines", lines: "\n\n   \n", path: "a.md", want: false},
	{name: "escaped hash is literal", lines: "\\#note.md\n", path: "#note.md", want: true},
	{name: "hash inside a pattern is literal", lines: "a#b.md\n", path: "a#b.md", want: true},

	// Trailing spaces.
	{name: "trailing spaces trimmed", lines: "draft.md   \n", path: "draft.md", want: true},
	{name: "escaped trailing space kept", lines: "draft\\ \n", path: "draft ", want: true},
	{name: "escaped trailing space needs the space", lines: "draft\\ \n", path: "draft", want: false},
	{name: "CRLF line ending", lines: "draft.md\r\n", path: "draft.md", want: true},
	{name: "byte order mark skipped", lines: "\xEF\xBB\xBFdraft.md\n", path: "draft.md", want: true},

	// Negation, last match wins.
	{name: "negation re-includes", lines: "*.log\n!keep.log\n", path: "keep.log", want: false},
	{name: "negation leaves others", lines: "*.log\n!keep.log\n", path: "other.log", want: true},
	{name: "later pattern beats earlier negation", lines: "!keep.log\n*.log\n", path: "keep.log", want: true},
	{name: "escaped bang is literal", lines: "\\!important.md\n", path: "!important.md", want: true},
	{name: "escaped bang is no negation", lines: "*.md\n\\!important.md\n", path: "important.md", want: true},

	// No slash: the base name at any depth.
	{name: "basename at root", lines: "*.log\n", path: "x.log", want: true},
	{name: "basename deep", lines: "*.log\n", path: "a/b/x.log", want: true},
	{name: "basename matches folders too", lines: "build\n", path: "a/build", isDir: true, want: true},
	{name: "star does not cross slash via basename", lines: "foo*bar\n", path: "foo/bar", want: false},

	// Leading slash anchors to the .gitignore's folder.
	{name: "anchored at root", lines: "/todo.md\n", path: "todo.md", want: true},
	{name: "anchored not deeper", lines: "/todo.md\n", path: "a/todo.md", want: false},

	// A slash in the middle anchors too.
	{name: "middle slash anchored", lines: "doc/frotz\n", path: "doc/frotz", want: true},
	{name: "middle slash not deeper", lines: "doc/frotz\n", path: "a/doc/frotz", want: false},
	{name: "star in anchored pattern stays in one folder", lines: "a/*.md\n", path: "a/x.md", want: true},
	{name: "star in anchored pattern not deeper", lines: "a/*.md\n", path: "a/b/x.md", want: false},

	// Trailing slash: folders only.
	{name: "dir pattern matches folder", lines: "frotz/\n", path: "a/frotz", isDir: true, want: true},
	{name: "dir pattern skips file", lines: "frotz/\n", path: "a/frotz", want: false},
	{name: "dir pattern with middle slash is anchored", lines: "doc/frotz/\n", path: "doc/frotz", isDir: true, want: true},
	{name: "anchored dir pattern not deeper", lines: "doc/frotz/\n", path: "a/doc/frotz", isDir: true, want: false},

	// "**".
	{name: "leading ** at root", lines: "**/foo\n", path: "foo", want: true},
	{name: "leading ** deep", lines: "**/foo\n", path: "a/b/foo", want: true},
	{name: "leading ** with path", lines: "**/foo/bar\n", path: "x/y/foo/bar", want: true},
	{name: "leading ** with path at top", lines: "**/foo/bar\n", path: "foo/bar", want: true},
	{name: "trailing ** matches inside", lines: "abc/**\n", path: "abc/x/y.md", want: true},
	{name: "trailing ** not the folder itself", lines: "abc/**\n", path: "abc", isDir: true, want: false},
	{name: "middle ** zero folders", lines: "a/**/b\n", path: "a/b", want: true},
	{name: "middle ** one folder", lines: "a/**/b\n", path: "a/x/b", want: true},
	{name: "middle ** many folders", lines: "a/**/b\n", path: "a/x/y/z/b", want: true},
	{name: "middle ** needs the slash", lines: "a/**/b\n", path: "a/xb", want: false},
	{name: "** inside a name is a star", lines: "a**b\n", path: "axyzb", want: true},
	{name: "** inside a name does not cross slash", lines: "x/a**b\n", path: "x/a/b", want: false},
	{name: "lone ** matches all", lines: "**\n", path: "a/b/c.md", want: true},

	// '*' and '?'.
	{name: "star matches empty", lines: "a*.md\n", path: "a.md", want: true},
	{name: "question mark one char", lines: "?.md\n", path: "a.md", want: true},
	{name: "question mark not two", lines: "?.md\n", path: "ab.md", want: false},
	{name: "question mark not slash", lines: "a?b\n", path: "a/b", want: false},
	// git's '?' matches one byte; rhizome matches one character, so "?.md"
	// matches "é.md" here and not in git. Note names are often non-ASCII.
	{name: "question mark one rune", lines: "?.md\n", path: "é.md", want: true, gitDiffers: true},
	{name: "escaped star is literal", lines: "\\*.md\n", path: "*.md", want: true},
	{name: "escaped star is not a wildcard", lines: "\\*.md\n", path: "a.md", want: false},

	// Bracket expressions.
	{name: "class matches", lines: "[abc].md\n", path: "b.md", want: true},
	{name: "class rejects", lines: "[abc].md\n", path: "d.md", want: false},
	{name: "negated class with !", lines: "[!abc].md\n", path: "d.md", want: true},
	{name: "negated class rejects", lines: "[!abc].md\n", path: "a.md", want: false},
	{name: "negated class with ^", lines: "[^abc].md\n", path: "d.md", want: true},
	{name: "range", lines: "note[0-9].md\n", path: "note7.md", want: true},
	{name: "range rejects", lines: "note[0-9].md\n", path: "notex.md", want: false},
	{name: "bracket first in class is literal", lines: "[]x].md\n", path: "].md", want: true},
	{name: "posix class", lines: "[[:digit:]]*.md\n", path: "2024-notes.md", want: true},
	{name: "posix class rejects", lines: "[[:digit:]]*.md\n", path: "notes.md", want: false},
	{name: "unclosed bracket never matches", lines: "[abc\n", path: "[abc", want: false},
	{name: "class never matches slash", lines: "a[/]b\n", path: "a/b", want: false},

	// Case is significant (git's default core.ignoreCase=false).
	{name: "case sensitive", lines: "*.MD\n", path: "a.md", want: false},

	// A .gitignore in a subfolder speaks about paths below it only.
	{name: "nested anchored", dir: "sub", lines: "/x.md\n", path: "sub/x.md", want: true},
	{name: "nested anchored not deeper", dir: "sub", lines: "/x.md\n", path: "sub/deep/x.md", want: false},
	{name: "nested says nothing outside", dir: "sub", lines: "x.md\n", path: "x.md", want: false},
	{name: "nested says nothing about a sibling prefix", dir: "sub", lines: "*.md\n", path: "subway/x.md", want: false},
	{name: "nested middle slash", dir: "sub", lines: "a/b.md\n", path: "sub/a/b.md", want: true},
	{name: "nested basename deep", dir: "sub", lines: "*.tmp\n", path: "sub/a/b/c.tmp", want: true},
}

func TestGitIgnoreRules(t *testing.T) {
	for _, tc := range ignoreCases {
		t.Run(tc.name, func(t *testing.T) {
			g := ParseGitIgnore(tc.dir, []byte(tc.lines))
			got, _ := g.Match(tc.path, tc.isDir)
			if got != tc.want {
				t.Errorf("patterns %q in %q: Match(%q, dir=%v) = %v, want %v", tc.lines, tc.dir, tc.path, tc.isDir, got, tc.want)
			}
		})
	}
}

// TestGitIgnoreAgreesWithGit replays the table through `git check-ignore`, so
// the expectations above are git's behaviour and not our reading of the docs.
func TestGitIgnoreAgreesWithGit(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed: cannot cross-check the gitignore table against git")
	}
	if testing.Short() {
		t.Skip("-short: skipping the cross-check against git")
	}
	for _, tc := range ignoreCases {
		if tc.gitDiffers {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			repo := t.TempDir()
			run := func(args ...string) error {
				cmd := exec.Command(git, args...)
				cmd.Dir = repo
				cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo, "XDG_CONFIG_HOME="+repo)
				return cmd.Run()
			}
			if err := run("init", "-q"); err != nil {
				t.Fatalf("git init: %v", err)
			}
			ignDir := filepath.Join(repo, filepath.FromSlash(tc.dir))
			if err := os.MkdirAll(ignDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(ignDir, ".gitignore"), []byte(tc.lines), 0o644); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(repo, filepath.FromSlash(tc.path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if tc.isDir {
				err = os.Mkdir(p, 0o755)
			} else {
				err = os.WriteFile(p, nil, 0o644)
			}
			if err != nil {
				t.Skipf("this file system cannot hold %q: %v", tc.path, err)
			}
			err = run("-c", "core.excludesFile=", "check-ignore", "-q", "--no-index", tc.path)
			var exit *exec.ExitError
			gitSays := err == nil
			if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
				t.Fatalf("git check-ignore: %v", err)
			}
			if gitSays != tc.want {
				t.Errorf("git check-ignore says ignored=%v for %q with %q, table says %v", gitSays, tc.path, tc.lines, tc.want)
			}
		})
	}
}

func TestGitIgnoreMatchedReportsSilence(t *testing.T) {
	g := ParseGitIgnore("", []byte("*.log\n!keep.log\n"))
	if ign, ok := g.Match("a.md", false); ign || ok {
		t.Errorf("Match(a.md) = %v, %v; want no opinion", ign, ok)
	}
	if ign, ok := g.Match("keep.log", false); ign || !ok {
		t.Errorf("Match(keep.log) = %v, %v; want re-included by a pattern", ign, ok)
	}
	var nilIgnore *GitIgnore
	if ign, ok := nilIgnore.Match("x", false); ign || ok {
		t.Errorf("nil matcher has an opinion")
	}
	if n := ParseGitIgnore("", []byte("# c\n\n*.log\n!keep.log\n")).Len(); n != 2 {
		t.Errorf("Len = %d, want 2", n)
	}
}

func TestIgnoredByPrecedence(t *testing.T) {
	root := ParseGitIgnore("", []byte("*.tmp\n"))
	sub := ParseGitIgnore("sub", []byte("!keep.tmp\n"))
	extra := NewGitIgnore("", []string{"sub/forced.tmp", "!root-keep.tmp"})
	stack := []*GitIgnore{root, sub}
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"x.tmp", true},              // root .gitignore
		{"sub/x.tmp", true},          // root .gitignore reaches into sub
		{"sub/keep.tmp", false},      // nested .gitignore overrides its parent
		{"keep.tmp", true},           // the nested one says nothing outside sub
		{"root-keep.tmp", false},     // extra globs override .gitignore files
		{"sub/forced.tmp", true},     // extra globs
		{"sub/deep/keep.tmp", false}, // nested basename pattern reaches deeper
		{"note.md", false},
	} {
		if got := ignoredBy(extra, stack, tc.path, false); got != tc.want {
			t.Errorf("ignoredBy(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

func TestIgnorer(t *testing.T) {
	root := t.TempDir()
	write := func(rel, text string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".gitignore", "drafts/\n*.tmp\n")
	write("notes/.gitignore", "private.md\n")
	ig := NewIgnorer(root, []string{"templates/"})
	for _, tc := range []struct {
		path  string
		isDir bool
		want  bool
	}{
		{"a.md", false, false},
		{"notes/a.md", false, false},
		{"drafts", true, true},
		{"drafts/a.md", false, true}, // inside an ignored folder
		{"x/drafts/a.md", false, true},
		{"drafts", false, false}, // a file named drafts is not the folder
		{"b.tmp", false, true},
		{"notes/private.md", false, true},
		{"private.md", false, false},
		{"templates/t.md", false, true},
		{".obsidian/app.json", false, true},
		{"notes/.hidden.md", false, true},
		{"node_modules/x/readme.md", false, true},
		{"node_modules", false, false}, // only a folder of that name is skipped
		{"", true, false},
		{"./notes//a.md", false, false},
	} {
		if got := ig.Ignored(tc.path, tc.isDir); got != tc.want {
			t.Errorf("Ignored(%q, dir=%v) = %v, want %v", tc.path, tc.isDir, got, tc.want)
		}
	}

	// A changed .gitignore is seen after Forget, not before.
	write("notes/.gitignore", "")
	if !ig.Ignored("notes/private.md", false) {
		t.Errorf("cached .gitignore should still apply before Forget")
	}
	ig.Forget("notes")
	if ig.Ignored("notes/private.md", false) {
		t.Errorf("after Forget, the emptied .gitignore should no longer ignore notes/private.md")
	}
}

func TestIgnorerConcurrent(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, ".gitignore"), []byte("*.tmp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ig := NewIgnorer(root, nil)
	done := make(chan bool)
	for i := 0; i < 8; i++ {
		go func() {
			ok := true
			for j := 0; j < 200; j++ {
				ok = ok && ig.Ignored("a/b.tmp", false) && !ig.Ignored("a/b.md", false)
				if j%50 == 0 {
					ig.Forget("")
				}
			}
			done <- ok
		}()
	}
	for i := 0; i < 8; i++ {
		if !<-done {
			t.Errorf("a concurrent Ignored gave a wrong answer")
		}
	}
}

func FuzzWildmatch(f *testing.F) {
	for _, tc := range ignoreCases {
		f.Add(strings.TrimSpace(tc.lines), tc.path)
	}
	f.Fuzz(func(t *testing.T, pattern, text string) {
		// Must not panic or hang; a literal pattern must match itself.
		wildmatch(pattern, text)
		if !strings.ContainsAny(text, "*?[\\") && !wildmatch(text, text) {
			t.Errorf("literal %q does not match itself", text)
		}
	})
}

func TestWildmatchPathologicalIsFast(t *testing.T) {
	pattern := strings.Repeat("*a", 20) + "*b"
	text := strings.Repeat("a", 200)
	done := make(chan bool, 1)
	go func() { done <- wildmatch(pattern, text) }()
	select {
	case got := <-done:
		if got {
			t.Errorf("%q matched %q", pattern, text)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("wildmatch(%q, 200×a) takes exponential time", pattern)
	}
}
