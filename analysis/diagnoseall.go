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
	workers := min(runtime.GOMAXPROCS(0), len(files))
	if workers <= 1 {
		for i, f := range files {
			out[i] = Diagnose(snap, f, sev)
		}
		return out
	}
	// Notes differ a hundredfold in links: each worker takes the next note
	// rather than a share fixed in advance.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(files); i = int(next.Add(1) - 1) {
				out[i] = Diagnose(snap, files[i], sev)
			}
		})
	}
	wg.Wait()
	return out
}
