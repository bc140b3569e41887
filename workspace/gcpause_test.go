package workspace

import (
	"runtime/debug"
	"testing"
)

func gcPercent() int {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return p
}

// Pauses nest: the collector stays off until the last one ends, whatever
// the order they end in, and a resume called twice counts once.
func TestPauseGCNests(t *testing.T) {
	before := debug.SetGCPercent(150)
	defer debug.SetGCPercent(before)
	a := pauseGC()
	b := pauseGC()
	if got := gcPercent(); got != -1 {
		t.Fatalf("paused twice: GC percent %d, want -1", got)
	}
	a()
	a()
	if got := gcPercent(); got != -1 {
		t.Fatalf("one of two pauses ended (its resume called twice): GC percent %d, want -1", got)
	}
	b()
	if got := gcPercent(); got != 150 {
		t.Fatalf("both pauses ended: GC percent %d, want 150", got)
	}
}
