package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rhizome-lsp/rhizome/analysis"
	"github.com/rhizome-lsp/rhizome/workspace"
)

const checkUsage = `Usage: rhizome check [flags] [path…]

Lints each vault folder (default: the current folder). A file argument checks
that note within its vault (the nearest folder up with .rhizome.yaml,
.obsidian, quartz.config.ts or .git).

Flags:
`

// finding is one diagnostic as printed.
type finding struct {
	Path      string `json:"path"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"endLine"`
	EndColumn int    `json:"endColumn"`
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Message   string `json:"message"`
}

type summary struct {
	Notes    int            `json:"notes"`
	Links    int            `json:"links"`
	Errors   int            `json:"errors"`
	Warnings int            `json:"warnings"`
	ByCode   map[string]int `json:"byCode"`
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output: text, json or github (workflow annotations)")
	profile := fs.String("profile", "", "resolution profiles, comma-separated, first is primary: obsidian, quartz, commonmark")
	configPath := fs.String("config", "", "config file to use instead of <vault>/.rhizome.yaml")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file (for go tool pprof)")
	// Off by default: a linter run in CI or by hand should not write to the
	// user's cache folder unless asked.
	useCache := fs.Bool("cache", false, "reuse and update the cache of parsed notes that rhizome serve keeps (in the user's cache folder, or $RHIZOME_CACHE_DIR)")
	fs.Usage = func() {
		fmt.Fprint(stderr, checkUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *format != "text" && *format != "json" && *format != "github" {
		fmt.Fprintf(stderr, "rhizome check: unknown --format %q (want text, json or github)\n", *format)
		return 2
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "rhizome check: %v\n", err)
			return 2
		}
		defer stop()
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	targets, err := groupByVault(paths)
	if err != nil {
		fmt.Fprintf(stderr, "rhizome check: %v\n", err)
		return 2
	}
	parser := workspace.NewParser()
	var all []finding
	sum := summary{ByCode: map[string]int{}}
	progress := newProgress(stderr)
	defer progress.done()
	for _, t := range targets {
		cfg, err := checkConfig(t.root, *configPath, *profile)
		if err != nil {
			fmt.Fprintf(stderr, "rhizome check: %v\n", err)
			return 2
		}
		sev, err := analysis.Severities(cfg.Diagnostics)
		if err != nil {
			fmt.Fprintf(stderr, "rhizome check: %s: %v\n", t.root, err)
			return 2
		}
		progress.set("indexing " + t.display)
		var cache *workspace.NoteCache
		if *useCache {
			cache = openCache(t.root, stderr, progress)
		}
		ix, report, err := workspace.LoadWithOptions(ctx, t.root, cfg, parser, workspace.LoadOptions{Cache: cache})
		if err != nil {
			fmt.Fprintf(stderr, "rhizome check: %v\n", err)
			return 2
		}
		if cache != nil {
			if _, err := cache.Save(ctx); err != nil {
				progress.clear()
				fmt.Fprintf(stderr, "rhizome check: %v\n", err)
			}
		}
		for _, p := range report.Problems {
			progress.clear()
			fmt.Fprintf(stderr, "rhizome check: %s: %v\n", filepath.Join(t.display, p.Path), p.Err)
		}
		progress.set("checking " + t.display)
		all = append(all, checkVault(ix, t, sev, &sum)...)
	}
	progress.done()
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].Path != all[j].Path {
			return all[i].Path < all[j].Path
		}
		if all[i].Line != all[j].Line {
			return all[i].Line < all[j].Line
		}
		return all[i].Column < all[j].Column
	})
	if err := printFindings(stdout, *format, all, sum); err != nil {
		fmt.Fprintf(stderr, "rhizome check: %v\n", err)
		return 2
	}
	if *format != "json" {
		fmt.Fprintln(stderr, summaryLine(sum))
	}
	if sum.Errors > 0 {
		return 1
	}
	return 0
}

// openCache opens the note cache of the vault at root. A cache that cannot
// be used is reported and the vault is parsed as without one: it never fails
// the check.
func openCache(root string, stderr io.Writer, progress *progress) *workspace.NoteCache {
	dir, err := workspace.NoteCacheDir(root)
	if err != nil {
		progress.clear()
		fmt.Fprintf(stderr, "rhizome check: %v\n", err)
		return nil
	}
	cache, err := workspace.OpenNoteCache(dir)
	if err != nil {
		progress.clear()
		fmt.Fprintf(stderr, "rhizome check: %v\n", err)
	}
	return cache
}

// vaultTarget is one vault to load, and the notes in it to report on (all when empty).
type vaultTarget struct {
	root    string // as given or found, used to read files
	display string // prefix for printed paths
	only    map[string]bool
}

func groupByVault(paths []string) ([]*vaultTarget, error) {
	var out []*vaultTarget
	byRoot := map[string]*vaultTarget{}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", p, errors.Unwrap(err))
		}
		if info.IsDir() {
			clean := filepath.Clean(p)
			t := byRoot[clean]
			if t == nil {
				t = &vaultTarget{root: clean, display: clean}
				byRoot[clean] = t
				out = append(out, t)
			}
			t.only = nil
			continue
		}
		root, _ := workspace.FindVaultRoot(filepath.Dir(p))
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		t := byRoot[root]
		if t == nil {
			t = &vaultTarget{root: root, display: root, only: map[string]bool{}}
			byRoot[root] = t
			out = append(out, t)
		}
		if t.only != nil {
			t.only[filepath.ToSlash(rel)] = true
		}
	}
	return out, nil
}

func checkConfig(root, configPath, profiles string) (workspace.Config, error) {
	cfg, _, err := workspace.LoadConfig(root)
	if err != nil {
		return cfg, err
	}
	if configPath != "" {
		data, err := os.ReadFile(configPath)
		if err != nil {
			return cfg, fmt.Errorf("--config: %w", err)
		}
		over, err := workspace.DecodeConfig(data, configPath)
		if err != nil {
			return cfg, err
		}
		cfg = cfg.Merge(over)
	}
	if profiles != "" {
		var ps []workspace.Profile
		for _, p := range strings.Split(profiles, ",") {
			ps = append(ps, workspace.Profile(strings.TrimSpace(p)))
		}
		cfg.Profiles = ps
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// checkVault diagnoses the vault's notes on all cores.
func checkVault(ix *workspace.Index, t *vaultTarget, sev map[string]analysis.Severity, sum *summary) []finding {
	snap := ix.Snapshot()
	defer snap.Release()
	var notes []*workspace.File
	for _, f := range snap.Notes() {
		if t.only == nil || t.only[f.Path] {
			notes = append(notes, f)
		}
	}
	perNote := analysis.DiagnoseAll(snap, notes, sev)
	var out []finding
	for i, f := range notes {
		sum.Notes++
		for _, l := range f.Note.Links() {
			if !l.External && l.Kind != workspace.LinkReference {
				sum.Links++
			}
		}
		fds := findings(t, f, perNote[i])
		for _, fd := range fds {
			sum.ByCode[fd.Code]++
			switch fd.Severity {
			case "error":
				sum.Errors++
			case "warning":
				sum.Warnings++
			}
		}
		out = append(out, fds...)
	}
	return out
}

func findings(t *vaultTarget, f *workspace.File, diags []analysis.Diagnostic) []finding {
	if len(diags) == 0 {
		return nil
	}
	out := make([]finding, 0, len(diags))
	lines := f.Note.Lines()
	for _, d := range diags {
		l1, c1 := lines.LineCol(d.Span.Start)
		l2, c2 := lines.LineCol(d.Span.End)
		out = append(out, finding{Path: filepath.ToSlash(filepath.Join(t.display, f.Path)),
			Line: l1, Column: c1, EndLine: l2, EndColumn: c2,
			Severity: d.Severity.String(), Code: d.Code, Message: d.Message})
	}
	return out
}

// printFindings writes through a buffer: a vault of 10,000 notes can have
// 15,000 findings, which were as many writes to the system.
func printFindings(out io.Writer, format string, all []finding, sum summary) error {
	w := bufio.NewWriterSize(out, 64<<10)
	if err := writeFindings(w, format, all, sum); err != nil {
		return err
	}
	return w.Flush()
}

func writeFindings(w io.Writer, format string, all []finding, sum summary) error {
	switch format {
	case "json":
		if all == nil {
			all = []finding{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Findings []finding `json:"findings"`
			Summary  summary   `json:"summary"`
		}{all, sum})
	case "github":
		for _, f := range all {
			level := map[string]string{"error": "error", "warning": "warning"}[f.Severity]
			if level == "" {
				level = "notice"
			}
			if _, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
				level, ghEscapeProp(f.Path), f.Line, f.Column, f.EndLine, f.EndColumn, f.Code, ghEscape(f.Message)); err != nil {
				return err
			}
		}
	default:
		for _, f := range all {
			if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s [%s]\n", f.Path, f.Line, f.Column, f.Severity, f.Message, f.Code); err != nil {
				return err
			}
		}
	}
	return nil
}

// GitHub workflow commands escape %, CR and LF in messages, and also ':' and ',' in properties.
func ghEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghEscapeProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func summaryLine(s summary) string {
	codes := make([]string, 0, len(s.ByCode))
	for c := range s.ByCode {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%s %d", c, s.ByCode[c]))
	}
	line := fmt.Sprintf("%d notes, %d links: %d errors, %d warnings", s.Notes, s.Links, s.Errors, s.Warnings)
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	return line
}

// progress prints a status line on stderr when it is a terminal and the run
// takes more than half a second; a pipe or a CI log gets nothing.
type progress struct {
	w       io.Writer
	mu      sync.Mutex
	msg     string
	shown   bool
	stopped bool
	stop    chan struct{}
	once    sync.Once
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, stop: make(chan struct{})}
	f, ok := w.(*os.File)
	if !ok {
		return p
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return p
	}
	go func() {
		t := time.NewTimer(500 * time.Millisecond)
		defer t.Stop()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		for {
			p.mu.Lock()
			if p.stopped {
				p.mu.Unlock()
				return
			}
			fmt.Fprintf(p.w, "\r\033[K%s…", p.msg)
			p.shown = true
			p.mu.Unlock()
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func (p *progress) set(msg string) {
	p.mu.Lock()
	p.msg = msg
	p.mu.Unlock()
}

// clear erases the line so that other output starts clean.
func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

func (p *progress) done() {
	p.once.Do(func() { close(p.stop) })
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	p.clear()
}
