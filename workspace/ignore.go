package workspace

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// GitIgnore is one .gitignore file (or a list of extra globs from the config),
// parsed. Its patterns are matched against paths relative to the folder it
// lives in, as git does; a GitIgnore is immutable once parsed and safe to share.
//
// We write our own matcher rather than take a dependency: the rules are small,
// and the scanner needs to hold one matcher per folder cheaply.
type GitIgnore struct {
	dir      string // vault-relative folder the patterns are relative to ("" for the root)
	patterns []ignorePattern
}

type ignorePattern struct {
	glob     string // the pattern with '!', the anchoring '/' and the trailing '/' removed; escapes kept
	negate   bool   // "!pattern": re-include what an earlier pattern excluded
	dirOnly  bool   // "pattern/": matches folders only
	anchored bool   // matched against the whole path below dir, not only the base name
}

// ParseGitIgnore parses the text of a .gitignore that lives in the vault folder
// dir ("" for the vault root, otherwise '/'-separated without a trailing '/').
func ParseGitIgnore(dir string, data []byte) *GitIgnore {
	// git skips a UTF-8 byte order mark at the start of the file.
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	lines := strings.Split(string(data), "\n")
	return NewGitIgnore(dir, lines)
}

// NewGitIgnore builds a matcher from pattern lines in gitignore syntax, relative
// to the vault folder dir. It is how the config's extra ignore globs are used.
func NewGitIgnore(dir string, lines []string) *GitIgnore {
	g := &GitIgnore{dir: strings.Trim(dir, "/")}
	for _, line := range lines {
		if p, ok := parseIgnoreLine(line); ok {
			g.patterns = append(g.patterns, p)
		}
	}
	return g
}

// Len is the number of patterns in effect (comments and blank lines excluded).
func (g *GitIgnore) Len() int {
	if g == nil {
		return 0
	}
	return len(g.patterns)
}

// parseIgnoreLine turns one line into a pattern following gitignore(5).
func parseIgnoreLine(line string) (ignorePattern, bool) {
	// A file edited on Windows has CRLF endings; the CR is never part of a name.
	line = strings.TrimSuffix(line, "\r")
	line = trimUnescapedTrailingSpaces(line)
	if line == "" || line[0] == '#' {
		return ignorePattern{}, false
	}
	var p ignorePattern
	if line[0] == '!' {
		p.negate = true
		line = line[1:]
	}
	// "\#" and "\!" stay escaped: the glob matcher reads "\x" as a literal x.
	if strings.HasSuffix(line, "/") && !strings.HasSuffix(line, "\\/") {
		p.dirOnly = true
		line = strings.TrimRight(line, "/")
	}
	if strings.HasPrefix(line, "/") {
		p.anchored = true
		line = line[1:]
	}
	// A separator anywhere else also ties the pattern to the .gitignore's folder.
	if strings.Contains(line, "/") {
		p.anchored = true
	}
	if line == "" {
		return ignorePattern{}, false
	}
	// A pattern ending in an unpaired backslash is invalid; git never matches it.
	if n := trailingBackslashes(line); n%2 == 1 {
		return ignorePattern{}, false
	}
	p.glob = line
	return p, true
}

// trimUnescapedTrailingSpaces removes trailing spaces unless the last one is
// quoted with a backslash ("foo\ " keeps one space).
func trimUnescapedTrailingSpaces(s string) string {
	for strings.HasSuffix(s, " ") {
		body := s[:len(s)-1]
		if trailingBackslashes(body)%2 == 1 {
			return s
		}
		s = body
	}
	return s
}

func trailingBackslashes(s string) int {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n
}

// Match reports whether the vault-relative path rel ('/'-separated) is excluded
// by these patterns. matched is false when no pattern speaks about rel, so the
// caller can ask a matcher from a parent folder; when several patterns match,
// the last one wins, as in git.
func (g *GitIgnore) Match(rel string, isDir bool) (ignored, matched bool) {
	if g == nil || len(g.patterns) == 0 {
		return false, false
	}
	if g.dir != "" {
		if !strings.HasPrefix(rel, g.dir) || len(rel) <= len(g.dir) || rel[len(g.dir)] != '/' {
			return false, false
		}
		rel = rel[len(g.dir)+1:]
	}
	base := rel
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		base = rel[i+1:]
	}
	for i := len(g.patterns) - 1; i >= 0; i-- {
		p := &g.patterns[i]
		if p.dirOnly && !isDir {
			continue
		}
		subject := base
		if p.anchored {
			subject = rel
		}
		if wildmatch(p.glob, subject) {
			return !p.negate, true
		}
	}
	return false, false
}

// ignoredBy decides rel against the extra globs first (explicit rhizome settings
// beat a repository's .gitignore, like git's command-line excludes do), then
// against the .gitignore stack from the deepest folder up, since a nested
// .gitignore overrides its parents.
func ignoredBy(extra *GitIgnore, stack []*GitIgnore, rel string, isDir bool) bool {
	if ign, ok := extra.Match(rel, isDir); ok {
		return ign
	}
	for i := len(stack) - 1; i >= 0; i-- {
		if ign, ok := stack[i].Match(rel, isDir); ok {
			return ign
		}
	}
	return false
}

// skippedName reports names rhizome never looks into, whatever the ignore
// files say: dot-files and dot-folders (.git, .obsidian, .trash, .rhizome.yaml),
// which Obsidian hides too, and node_modules, which is never notes.
func skippedName(name string, isDir bool) bool {
	return strings.HasPrefix(name, ".") || (isDir && name == "node_modules")
}

// wildmatch matches text against a gitignore glob the way git's wildmatch does
// with WM_PATHNAME: '*', '?' and classes never match '/', and "**" is special
// only as a whole path component ("**/x", "x/**", "a/**/b"); elsewhere it is '*'.
func wildmatch(pattern, text string) bool {
	return dowild(pattern, 0, text, 0) == wmMatch
}

// Results of dowild. The two abort results are git's: they stop a '*' further
// up from retrying at later positions when that cannot help, which keeps a
// pattern like "*a*a*a*a*b" from taking exponential time on a long name.
const (
	wmMatch = iota
	wmNoMatch
	wmAbortAll        // the text ran out: no later start of an enclosing '*' can match
	wmAbortToStarStar // a '*' would have to cross '/': only an enclosing "**" may retry
)

func dowild(pat string, pi int, t string, ti int) int {
	for pi < len(pat) {
		c := pat[pi]
		if ti >= len(t) && c != '*' {
			return wmAbortAll
		}
		switch c {
		case '\\':
			// parseIgnoreLine drops patterns ending in a lone backslash.
			pi++
			if pi >= len(pat) {
				return wmNoMatch
			}
			r, n := utf8.DecodeRuneInString(pat[pi:])
			tr, tn := utf8.DecodeRuneInString(t[ti:])
			if tr != r {
				return wmNoMatch
			}
			pi += n
			ti += tn
		case '?':
			if t[ti] == '/' {
				return wmNoMatch
			}
			// One character, not one byte as in git: names are often non-ASCII.
			_, n := utf8.DecodeRuneInString(t[ti:])
			pi++
			ti += n
		case '*':
			start := pi
			for pi < len(pat) && pat[pi] == '*' {
				pi++
			}
			crossSlash := false
			if pi-start >= 2 && (start == 0 || pat[start-1] == '/') && (pi == len(pat) || pat[pi] == '/') {
				// "**/" may stand for no folder at all: "a/**/b" matches "a/b".
				if pi < len(pat) && dowild(pat, pi+1, t, ti) == wmMatch {
					return wmMatch
				}
				crossSlash = true
			}
			if pi == len(pat) {
				if !crossSlash && strings.Contains(t[ti:], "/") {
					return wmAbortToStarStar
				}
				return wmMatch
			}
			for ti < len(t) {
				if r := dowild(pat, pi, t, ti); r != wmNoMatch {
					if !crossSlash || r != wmAbortToStarStar {
						return r
					}
				} else if !crossSlash && t[ti] == '/' {
					return wmAbortToStarStar
				}
				_, n := utf8.DecodeRuneInString(t[ti:])
				ti += n
			}
			return wmAbortAll
		case '[':
			if t[ti] == '/' {
				return wmNoMatch
			}
			r, n := utf8.DecodeRuneInString(t[ti:])
			ok, used, valid := matchClass(pat[pi:], r)
			if !valid {
				// git gives up on a pattern with an unclosed '['.
				return wmAbortAll
			}
			if !ok {
				return wmNoMatch
			}
			pi += used
			ti += n
		default:
			if t[ti] != c {
				return wmNoMatch
			}
			pi++
			ti++
		}
	}
	if ti < len(t) {
		return wmNoMatch
	}
	return wmMatch
}

// matchClass matches r against the bracket expression at the start of pat
// ("[abc]", "[!a-z]", "[^x]", "[[:digit:]]", "[]x]"). It returns how many bytes
// of pat the expression takes, and valid=false when it is never closed.
func matchClass(pat string, r rune) (matched bool, used int, valid bool) {
	i := 1
	negate := false
	if i < len(pat) && (pat[i] == '!' || pat[i] == '^') {
		negate = true
		i++
	}
	first := true
	for {
		if i >= len(pat) {
			return false, 0, false
		}
		c := pat[i]
		if c == ']' && !first {
			i++
			break
		}
		first = false
		if c == '[' && i+1 < len(pat) && pat[i+1] == ':' {
			if end := strings.Index(pat[i+2:], ":]"); end >= 0 {
				name := pat[i+2 : i+2+end]
				if in, known := posixClass(name, r); known {
					matched = matched || in
					i += 2 + end + 2
					continue
				}
				// An unknown class name makes the whole pattern invalid in git.
				return false, 0, false
			}
		}
		lo, n, ok := classRune(pat, i)
		if !ok {
			return false, 0, false
		}
		i += n
		if i+1 < len(pat) && pat[i] == '-' && pat[i+1] != ']' {
			hi, n, ok := classRune(pat, i+1)
			if !ok {
				return false, 0, false
			}
			i += 1 + n
			if lo <= r && r <= hi {
				matched = true
			}
		} else if r == lo {
			matched = true
		}
	}
	return matched != negate, i, true
}

// classRune reads one (possibly backslash-escaped) character of a bracket expression.
func classRune(pat string, i int) (rune, int, bool) {
	if pat[i] == '\\' {
		if i+1 >= len(pat) {
			return 0, 0, false
		}
		r, n := utf8.DecodeRuneInString(pat[i+1:])
		return r, 1 + n, true
	}
	r, n := utf8.DecodeRuneInString(pat[i:])
	return r, n, true
}

func posixClass(name string, r rune) (in, known bool) {
	switch name {
	case "alnum":
		return unicode.IsLetter(r) || unicode.IsDigit(r), true
	case "alpha":
		return unicode.IsLetter(r), true
	case "blank":
		return r == ' ' || r == '\t', true
	case "cntrl":
		return unicode.IsControl(r), true
	case "digit":
		return r >= '0' && r <= '9', true
	case "graph":
		return unicode.IsGraphic(r) && !unicode.IsSpace(r), true
	case "lower":
		return unicode.IsLower(r), true
	case "print":
		return unicode.IsPrint(r), true
	case "punct":
		return unicode.IsPunct(r) || unicode.IsSymbol(r), true
	case "space":
		return unicode.IsSpace(r), true
	case "upper":
		return unicode.IsUpper(r), true
	case "xdigit":
		return strings.ContainsRune("0123456789abcdefABCDEF", r), true
	}
	return false, false
}

// Ignorer answers, for one path at a time, whether the scanner would skip it:
// the same rules as ScanVault (skipped names, nested .gitignore files, the
// extra globs). It is meant for file-watch events, where re-scanning the vault
// to learn about one new file would be wasteful. .gitignore files are read on
// first use and cached; call Forget when one changes. Safe for concurrent use.
type Ignorer struct {
	root  string
	globs []string
	extra *GitIgnore

	mu    sync.Mutex
	cache map[string]*GitIgnore // vault folder → its .gitignore, nil when it has none
}

// NewIgnorer returns an Ignorer for the vault at root with the config's extra globs.
func NewIgnorer(root string, extra []string) *Ignorer {
	return &Ignorer{
		root:  root,
		globs: append([]string(nil), extra...),
		extra: NewGitIgnore("", extra),
		cache: make(map[string]*GitIgnore),
	}
}

// Ignored reports whether the vault-relative path rel, or one of the folders
// above it, is skipped. isDir says whether rel itself is a folder.
func (ig *Ignorer) Ignored(rel string, isDir bool) bool {
	_, ignored := ig.above(rel, isDir)
	return ignored
}

// above is the .gitignore files in force where rel is listed (the root's and
// those of the folders above it), and whether rel or a folder above it is
// skipped.
func (ig *Ignorer) above(rel string, isDir bool) (stack []*GitIgnore, ignored bool) {
	rel = strings.Trim(path.Clean("/"+filepath.ToSlash(rel)), "/")
	if rel == "" {
		return nil, false
	}
	parts := strings.Split(rel, "/")
	dir := ""
	for i, name := range parts {
		if g := ig.gitignore(dir); g != nil {
			stack = append(stack, g)
		}
		cur := name
		if dir != "" {
			cur = dir + "/" + name
		}
		last := i == len(parts)-1
		folder := !last || isDir
		if skippedName(name, folder) || ignoredBy(ig.extra, stack, cur, folder) {
			return nil, true
		}
		dir = cur
	}
	return stack, false
}

// Forget drops the cached .gitignore of the vault folder dir ("" for the root),
// so the next question reads it again.
func (ig *Ignorer) Forget(dir string) {
	dir = strings.Trim(filepath.ToSlash(dir), "/")
	ig.mu.Lock()
	delete(ig.cache, dir)
	ig.mu.Unlock()
}

func (ig *Ignorer) gitignore(dir string) *GitIgnore {
	ig.mu.Lock()
	g, ok := ig.cache[dir]
	ig.mu.Unlock()
	if ok {
		return g
	}
	// Read outside the lock: a slow disk must not stall other questions. Two
	// goroutines may read the same file once each; both get the same answer.
	data, err := os.ReadFile(filepath.Join(ig.root, filepath.FromSlash(dir), ".gitignore"))
	// A missing or unreadable .gitignore ignores nothing, as in ScanVault
	// (which also reports the unreadable one as a problem).
	if err == nil {
		g = ParseGitIgnore(dir, data)
	}
	ig.mu.Lock()
	ig.cache[dir] = g
	ig.mu.Unlock()
	return g
}

// Globs is the extra globs ig was made with.
func (ig *Ignorer) Globs() []string { return ig.globs }
