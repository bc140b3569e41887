package workspace

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"unicode/utf8"
)

// MaxNoteSize bounds the notes rhizome parses: a bigger ".md" is a data dump
// or a generated file, kept as a link target but not parsed.
const MaxNoteSize = 8 << 20

// LoadReport says what loading a vault found besides notes.
type LoadReport struct {
	Notes, Files int
	Problems     []ScanProblem
}

// Load scans root, reads and parses every note on all cores, and builds the index.
func Load(ctx context.Context, root string, cfg Config, p *Parser) (*Index, LoadReport, error) {
	return LoadWithProgress(ctx, root, cfg, p, nil)
}

// LoadWithProgress is Load that also calls progress (from any goroutine) as
// notes are parsed, with the count parsed so far and the total.
func LoadWithProgress(ctx context.Context, root string, cfg Config, p *Parser, progress func(parsed, total int)) (*Index, LoadReport, error) {
	scan, err := ScanVault(ctx, root, cfg.Ignore)
	if err != nil {
		return nil, LoadReport{}, fmt.Errorf("scan %s: %w", root, err)
	}
	report := LoadReport{Problems: scan.Problems}
	var todo []FileInfo
	var assets []string
	for _, fi := range scan.Files {
		if fi.IsNote && fi.Size <= MaxNoteSize {
			todo = append(todo, fi)
		} else {
			if fi.IsNote {
				report.Problems = append(report.Problems, ScanProblem{Path: fi.Path,
					Err: fmt.Errorf("not parsed: %d bytes is over the %d MB limit", fi.Size, MaxNoteSize>>20)})
			}
			assets = append(assets, fi.Path)
		}
	}
	notes, problems := parseFiles(ctx, p, todo, progress)
	report.Problems = append(report.Problems, problems...)
	if err := ctx.Err(); err != nil {
		return nil, report, err
	}
	ix := NewIndex(cfg)
	ix.Bulk(notes, assets)
	report.Notes, report.Files = len(notes), len(notes)+len(assets)
	return ix, report, nil
}

// ParseFiles reads and parses notes in parallel. A file that cannot be read
// is reported and left out.
func ParseFiles(ctx context.Context, p *Parser, files []FileInfo) ([]*Note, []ScanProblem) {
	return parseFiles(ctx, p, files, nil)
}

// progressEvery is how many notes pass between progress calls.
const progressEvery = 256

func parseFiles(ctx context.Context, p *Parser, files []FileInfo, progress func(parsed, total int)) ([]*Note, []ScanProblem) {
	notes := make([]*Note, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	var next sync.Mutex
	i := 0
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= len(files) {
					return
				}
				data, err := os.ReadFile(files[j].Abs)
				if err != nil {
					errs[j] = err
					continue
				}
				notes[j] = p.Parse(files[j].Path, string(data), 0)
				if progress != nil && (j+1)%progressEvery == 0 {
					progress(j+1, len(files))
				}
			}
		}()
	}
	wg.Wait()
	var out []*Note
	var problems []ScanProblem
	for j, n := range notes {
		switch {
		case errs[j] != nil:
			problems = append(problems, ScanProblem{Path: files[j].Path, Err: fmt.Errorf("read: %w", errs[j])})
		case n != nil:
			if !utf8.ValidString(n.Text) {
				problems = append(problems, ScanProblem{Path: n.Path, Err: fmt.Errorf("not valid UTF-8: parsed as is")})
			}
			out = append(out, n)
		}
	}
	return out, problems
}
