package workspace

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// MaxNoteSize bounds the notes rhizome parses: a bigger ".md" is a data dump
// or a generated file, kept as a link target but not parsed.
const MaxNoteSize = 8 << 20

// LoadReport says what loading a vault found besides notes.
type LoadReport struct {
	Notes, Files int
	// Cached is how many of the notes came from LoadOptions.Cache unparsed.
	Cached int
	// FromImage says the index was built from the cache's index image, its
	// links not resolved again; ImageEdits counts the files that differed
	// from the image, applied to it as edits.
	FromImage  bool
	ImageEdits int
	Problems   []ScanProblem
}

// LoadOptions are the optional parts of LoadWithOptions.
type LoadOptions struct {
	// Progress, when set, is called (from any goroutine) as notes are parsed,
	// with the count parsed so far and the total.
	Progress func(parsed, total int)
	// Cache, when set, gives the notes whose files have not changed since it
	// was written, and records every note read for its Save.
	Cache *NoteCache
}

// Load scans root, reads and parses every note on all cores, and builds the index.
func Load(ctx context.Context, root string, cfg Config, p *Parser) (*Index, LoadReport, error) {
	return LoadWithOptions(ctx, root, cfg, p, LoadOptions{})
}

// LoadWithOptions is Load with progress reports and a cache of parsed notes.
func LoadWithOptions(ctx context.Context, root string, cfg Config, p *Parser, opts LoadOptions) (*Index, LoadReport, error) {
	defer growGC()()
	// The scan goes on while the cache is read and its image built: the
	// one waits on the disk and the system, the others on the cores.
	var scan ScanResult
	var err error
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		scan, err = ScanVault(ctx, root, cfg.Ignore)
	}()
	image := opts.Cache.startImage(cfg)
	<-scanned
	if err != nil {
		image.wait() // it reads the cache's notes, which the caller may reuse
		return nil, LoadReport{}, fmt.Errorf("scan %s: %w", root, err)
	}
	report := LoadReport{Problems: scan.Problems}
	todo := make([]FileInfo, 0, len(scan.Files))
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
	notes, cached, problems := parseFiles(ctx, p, todo, opts.Progress, opts.Cache)
	report.Problems = append(report.Problems, problems...)
	if err := ctx.Err(); err != nil {
		image.wait() // it reads the cache's notes, which the caller may reuse
		return nil, report, err
	}
	ix, edits := image.finish(opts.Cache, notes, assets)
	report.FromImage, report.ImageEdits = ix != nil, edits
	if ix == nil {
		ix = NewIndex(cfg)
		if err := ix.bulk(ctx, notes, assets); err != nil {
			return nil, report, err
		}
	}
	if opts.Cache != nil {
		opts.Cache.recordImage(ix, cfg, assets, report.FromImage && edits == 0)
	}
	ix.root, ix.parser = root, p
	if abs, err := filepath.Abs(root); err == nil {
		ix.root = abs // the notes are read back later, whatever the working folder is then
	}
	report.Notes, report.Files, report.Cached = len(notes), len(notes)+len(assets), cached
	return ix, report, nil
}

// ParseFiles reads and parses notes in parallel. A file that cannot be read
// is reported and left out.
func ParseFiles(ctx context.Context, p *Parser, files []FileInfo) ([]*Note, []ScanProblem) {
	notes, _, problems := parseFiles(ctx, p, files, nil, nil)
	return notes, problems
}

// readAndParse reads fi into *buf and takes its note from the cache when the
// cache holds this content (cached is then true), or parses it.
func readAndParse(p *Parser, fi FileInfo, cache *NoteCache, buf *[]byte) (_ *Note, cached bool, _ error) {
	data, err := readNote(fi, *buf)
	*buf = data
	if err != nil {
		return nil, false, err
	}
	// The note does not keep its text (parseFile drops it), so the buffer
	// is parsed as is, then read into again.
	text := unsafe.String(unsafe.SliceData(data), len(data))
	sum := contentHash(data)
	if cache != nil {
		if n := cache.lookup(fi.Path, len(data), sum); n != nil {
			return n, true, nil
		}
	}
	return p.parseFile(fi.Path, text, sum), false, nil
}

// progressEvery is how many notes pass between progress calls.
const progressEvery = 256

// parseFiles reads and parses files on all cores, keeping no note's text.
// With a cache, a note whose entry has the file's size and a trusted mtime
// is decoded without reading the file, one whose size and content hash match
// is decoded instead of parsed, and every note read is recorded in the cache
// for its Save. cached counts the decoded notes.
func parseFiles(ctx context.Context, p *Parser, files []FileInfo, progress func(parsed, total int), cache *NoteCache) (_ []*Note, cached int, _ []ScanProblem) {
	start := time.Now()
	notes := make([]*Note, len(files))
	errs := make([]error, len(files))
	var fromCache []bool
	if cache != nil {
		cache.wait()
		fromCache = make([]bool, len(files))
	}
	var wg sync.WaitGroup
	var next sync.Mutex
	i := 0
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for ctx.Err() == nil {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= len(files) {
					return
				}
				notes[j] = cache.unchanged(files[j])
				hit := notes[j] != nil
				if !hit {
					notes[j], hit, errs[j] = readAndParse(p, files[j], cache, &buf)
				}
				if cache != nil {
					fromCache[j] = hit
				}
				if progress != nil && (j+1)%progressEvery == 0 {
					progress(j+1, len(files))
				}
			}
		}()
	}
	wg.Wait()
	if cache != nil && ctx.Err() == nil {
		cache.record(start, files, notes, fromCache)
		for _, hit := range fromCache {
			if hit {
				cached++
			}
		}
	}
	var out []*Note
	var problems []ScanProblem
	for j, n := range notes {
		switch {
		case errs[j] != nil:
			problems = append(problems, ScanProblem{Path: files[j].Path, Err: fmt.Errorf("read: %w", errs[j])})
		case n != nil:
			if n.InvalidUTF8 {
				problems = append(problems, ScanProblem{Path: n.Path, Err: fmt.Errorf("not valid UTF-8: parsed as is")})
			}
			out = append(out, n)
		}
	}
	return out, cached, problems
}
