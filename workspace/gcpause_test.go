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

// A relaxed collector runs at twice the setting it had; a pause wins over a
// relaxation, whatever the order they are taken and given back in; the
// setting comes back when the last hold ends.
func TestRelaxGCDoublesUnderPauses(t *testing.T) {
	before := debug.SetGCPercent(50)
	defer debug.SetGCPercent(before)
	r := relaxGC()
	if got := gcPercent(); got != 100 {
		t.Fatalf("relaxed: GC percent %d, want 100", got)
	}
	p := pauseGC()
	if got := gcPercent(); got != -1 {
		t.Fatalf("relaxed and paused: GC percent %d, want -1", got)
	}
	r()
	r()
	if got := gcPercent(); got != -1 {
		t.Fatalf("paused, relaxation given back twice: GC percent %d, want -1", got)
	}
	r2 := relaxGC()
	p()
	if got := gcPercent(); got != 100 {
		t.Fatalf("pause given back, relaxed again: GC percent %d, want 100", got)
	}
	r2()
	if got := gcPercent(); got != 50 {
		t.Fatalf("every hold given back: GC percent %d, want 50", got)
	}

	debug.SetGCPercent(-1) // GOGC=off stays off
	r3 := relaxGC()
	if got := gcPercent(); got != -1 {
		t.Fatalf("relaxed with the collector off: GC percent %d, want -1", got)
	}
	r3()
	if got := gcPercent(); got != -1 {
		t.Fatalf("relaxation of an off collector given back: GC percent %d, want -1", got)
	}
}
