package analysis

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// DiagnoseAll is Diagnose of each of files, on all cores: out[i] is
// files[i]'s. A vault's first diagnostics, after its load, are every note's,
// and on one core they took longer than the load itself (a generated vault
// of 50,000 notes, restarted from its note cache).
func DiagnoseAll(snap *workspace.Snapshot, files []*workspace.File, sev map[string]Severity) [][]Diagnostic {
	out := make([][]Diagnostic, len(files))
	// Notes differ a hundredfold in links: each worker takes the next note
	// rather than a share fixed in advance. It decodes the links of notes
	// from the note cache into a buffer of its own (Note.LinksInto), where
	// the first diagnostics after a restart would keep every note's.
	var at atomic.Int64
	work := func() {
		var buf []workspace.Link
		for i := int(at.Add(1) - 1); i < len(files); i = int(at.Add(1) - 1) {
			out[i] = diagnose(snap, files[i], sev, files[i].Note.LinksInto(&buf))
		}
	}
	workers := min(runtime.GOMAXPROCS(0), len(files))
	if workers <= 1 {
		work()
		return out
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(work)
	}
	wg.Wait()
	return out
}
