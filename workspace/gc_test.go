package workspace

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
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

// A load collects at 200% while the heap is small, at 100% while it is
// middling, at the headroom's percent once it is large, and never below the
// headroom's percent.
func TestLoadPercent(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		live    uint64
		percent int
		want    int
	}{
		{0, 50, 200},
		{loadWidestUntil - 1, 50, 200},
		{loadWidestUntil, 50, 100},
		{loadWidestUntil, 250, 250},
		{120 * mb, 50, 100}, // a 10,000-note vault near the end of its load
		{loadWideUntil - 1, 50, 100},
		{loadWideUntil, 50, 50},
		{500 * mb, 50, 50}, // a 50,000-note vault
		{120 * mb, 150, 150},
	} {
		if got := loadPercent(tc.live, tc.percent); got != tc.want {
			t.Errorf("live %d MB at %d%%: %d%%, want %d%%", tc.live/mb, tc.percent, got, tc.want)
		}
	}
}

// The percent keeps the larger of percent of the live heap and the floor
// as headroom, within bounds for a heap of next to nothing.
func TestHeadroomPercent(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{0, maxHeadroomPercent},
		{100 << 10, maxHeadroomPercent}, // 32 MB over 100 kB
		{12 * mb, 266},                  // a 1,000-note vault: 32 MB over 12
		{32 * mb, 100},                  //
		{64 * mb, 50},                   // where half the heap is the floor
		{500 * mb, 50},                  // a 50,000-note vault: the percent alone
		{63*mb + 512<<10, 50},           // 50.39%: percents are whole
	} {
		if got := headroomPercent(tc.live, 50, 32*mb); got != tc.want {
			t.Errorf("live %d bytes: %d%%, want %d%%", tc.live, got, tc.want)
		}
	}
}

// After each collection the percent is fitted to the heap then live, but a
// load's pause keeps the collector off: the fitted percent waits for the
// pause to end. Once stopped, the percent is left alone.
func TestGCHeadroomFollowsCollections(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	// A floor far above any test binary's heap: the bound, whatever is live.
	stop := StartGCHeadroom(50, 1<<40)
	defer stop()
	if got := gcPercent(); got != maxHeadroomPercent {
		t.Fatalf("started: GC percent %d, want %d", got, maxHeadroomPercent)
	}
	for range 3 { // after every collection, not only the first
		debug.SetGCPercent(77) // as if set elsewhere: the next collection fits it again
		collectUntil(t, func() bool { return gcPercent() == maxHeadroomPercent }, "a collection did not fit the percent")
	}

	resume := pauseGC()
	runtime.GC()
	runtime.GC()
	time.Sleep(20 * time.Millisecond) // the finalizer runs on its own goroutine
	if got := gcPercent(); got != -1 {
		resume()
		t.Fatalf("collections during a pause turned the collector back on: GC percent %d", got)
	}
	resume()
	if got := gcPercent(); got != maxHeadroomPercent {
		t.Fatalf("pause ended: GC percent %d, want the fitted %d", got, maxHeadroomPercent)
	}

	stop()
	debug.SetGCPercent(77)
	runtime.GC()
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	if got := gcPercent(); got != 77 {
		t.Fatalf("stopped: a collection set GC percent %d, want 77 left alone", got)
	}
}

// loadingPercent is the percent a load runs the collector at for the heap
// the headroom last fitted (loadPercent).
func loadingPercent() int {
	gcSetting.Lock()
	defer gcSetting.Unlock()
	h := gcSetting.headroom
	return loadPercent(h.live, h.percent)
}

// collectUntil collects until ok holds (finalizers run after a collection,
// on a goroutine of their own), failing after a few seconds.
func collectUntil(t *testing.T, ok func() bool, msg string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(time.Millisecond)
		if ok() {
			return
		}
	}
	t.Fatal(msg)
}

// A load runs the collector at the load's percent for the heap live (a
// test's is small: 200), whatever the headroom fitted before it; a pause
// inside the load still has it off; after the load the next collection fits
// the percent again.
func TestGCHeadroomGivesWayToLoads(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	stop := StartGCHeadroom(50, 1<<40)
	defer stop()
	done := growGC()
	if got, want := gcPercent(), loadingPercent(); got != want {
		t.Fatalf("loading: GC percent %d, want %d", got, want)
	}
	collectUntil(t, func() bool { return true }, "")
	time.Sleep(20 * time.Millisecond) // a fit after a collection during the load
	if got, want := gcPercent(), loadingPercent(); got != want {
		t.Fatalf("a collection during a load: GC percent %d, want %d", got, want)
	}
	resume := pauseGC()
	if got := gcPercent(); got != -1 {
		t.Fatalf("paused during a load: GC percent %d, want -1", got)
	}
	resume()
	if got, want := gcPercent(), loadingPercent(); got != want {
		t.Fatalf("pause ended during a load: GC percent %d, want %d", got, want)
	}
	done()
	done()
	// What was fitted during the load is stale: the percent alone until a
	// collection fits it to the heap the load left.
	if got := gcPercent(); got != 50 {
		t.Fatalf("load done: GC percent %d, want 50 until the next collection", got)
	}
	collectUntil(t, func() bool { return gcPercent() == maxHeadroomPercent }, "no collection fitted the percent after the load")
}

// A phase narrows the headroom to its percent at once and after every
// collection while it runs; the floor still holds; phases nest, the lowest
// percent holding, and the headroom's own percent comes back after the last.
func TestNarrowGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	runtime.GC() // something live, so that the fit is a percent of it
	stop := StartGCHeadroom(50, 0)
	defer func() { stop() }() // the second headroom's, below
	if got := gcPercent(); got != 50 {
		t.Fatalf("started without a floor: GC percent %d, want 50", got)
	}
	wide := NarrowGC(40)
	narrow := NarrowGC(30)
	if got := gcPercent(); got != 30 {
		t.Fatalf("narrowed to 40 and 30: GC percent %d, want 30", got)
	}
	debug.SetGCPercent(77) // as if set elsewhere: the next collection fits it again
	collectUntil(t, func() bool { return gcPercent() == 30 }, "a collection during the phase did not fit it to 30")
	narrow()
	narrow()
	if got := gcPercent(); got != 40 {
		t.Fatalf("the 30 phase ended (twice): GC percent %d, want 40", got)
	}
	wide()
	if got := gcPercent(); got != 50 {
		t.Fatalf("both phases ended: GC percent %d, want 50", got)
	}

	// With a floor far above the heap, the floor's bound wins over a phase.
	stop()
	stop = StartGCHeadroom(50, 1<<40)
	done := NarrowGC(30)
	defer done()
	if got := gcPercent(); got != maxHeadroomPercent {
		t.Fatalf("narrowed under a floor: GC percent %d, want %d", got, maxHeadroomPercent)
	}
}

// Without a headroom (GOGC set) a phase leaves the percent alone.
func TestNarrowGCWithoutHeadroom(t *testing.T) {
	before := debug.SetGCPercent(120)
	defer debug.SetGCPercent(before)
	done := NarrowGC(30)
	if got := gcPercent(); got != 120 {
		t.Fatalf("no headroom, narrowed: GC percent %d, want 120", got)
	}
	done()
	if got := gcPercent(); got != 120 {
		t.Fatalf("no headroom, phase ended: GC percent %d, want 120", got)
	}
}
