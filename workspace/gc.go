package workspace

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync"
)

// gcSetting is the collector's setting, which is the process's: the loads
// that pause it or run it at its percent alone, the phases that narrow it,
// and the headroom fitted after each collection, change it under one lock,
// so that none undoes another, and two vaults loading at once neither leave
// it off nor restore it too early.
var gcSetting struct {
	sync.Mutex
	paused  int // phases that have the collector off (pauseGC)
	growing int // loads under way (growGC)
	// resume is the percent that was set before the first pause, restored
	// after the last when no headroom runs (restore says it is to be).
	resume  int
	restore bool
	// headroom is the running policy; nil when none runs.
	headroom *gcHeadroom
	// narrow holds the percents that phases in progress hold the headroom
	// to (NarrowGC).
	narrow []int
}

// pauseGC turns the collector off until the returned func is called, for a
// phase that allocates what it keeps: decoding the note cache and building
// the index from its image. Collecting while such a heap grows from nothing
// to hundreds of megabytes marks it again at each doubling (eight times at
// 50,000 notes) and finds next to no garbage. A phase that parses does not
// pause: parsing makes garbage. A phase that follows another takes its pause
// before the other's ends: turning the collector off waits for a collection
// in progress, and one starts as soon as it is back on.
func pauseGC() (resume func()) {
	gcSetting.Lock()
	if gcSetting.paused == 0 {
		gcSetting.resume, gcSetting.restore = debug.SetGCPercent(-1), true
	}
	gcSetting.paused++
	gcSetting.Unlock()
	return onceFunc(func() {
		gcSetting.paused--
		applyGC()
	})
}

// growGC runs the collector at the headroom's percent alone until the
// returned func is called, for a load: its heap grows fast, from next to
// nothing to all of the vault's notes, and a headroom fitted at a collection
// early on (a large percent of a small heap) would let it grow several times
// over if the next fit came late (finalizers wait for a core, and a load
// keeps both busy).
func growGC() (done func()) {
	gcSetting.Lock()
	gcSetting.growing++
	applyGC()
	gcSetting.Unlock()
	return onceFunc(func() {
		gcSetting.growing--
		if h := gcSetting.headroom; h != nil {
			// Fitted to a heap the load has since outgrown: the percent
			// alone until the next collection fits it again.
			h.stale = true
		}
		applyGC()
	})
}

// NarrowGC holds the headroom to percent of the live heap (the floor still
// holds) until the returned func is called, for the work that follows a
// load: completion's tables, the note cache's save and every note's first
// diagnostics make garbage beside the whole index, and the peak of a
// server's memory comes then. At 50,000 notes (530 MB live) the peak went
// from 846-861 MB at 50% to 802-826 MB at 30%, at 10,000 from 177-186 to
// 169-176 MB, the last diagnostics as soon (bench/lsp, three runs of each
// build in turn). It does nothing when no headroom runs (GOGC set). Phases
// nest; the lowest percent holds.
func NarrowGC(percent int) (done func()) {
	gcSetting.Lock()
	gcSetting.narrow = append(gcSetting.narrow, percent)
	applyGC()
	gcSetting.Unlock()
	return onceFunc(func() {
		if i := slices.Index(gcSetting.narrow, percent); i >= 0 {
			gcSetting.narrow = slices.Delete(gcSetting.narrow, i, i+1)
		}
		applyGC()
	})
}

// onceFunc is f, called under gcSetting's lock, once however often the
// result is.
func onceFunc(f func()) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			gcSetting.Lock()
			f()
			gcSetting.Unlock()
		})
	}
}

// applyGC sets the percent the phases and the headroom call for. The lock
// is held.
func applyGC() {
	h := gcSetting.headroom
	switch {
	case gcSetting.paused > 0:
		// Off; the last pause's end sets what follows.
	case h == nil:
		if gcSetting.restore {
			debug.SetGCPercent(gcSetting.resume)
			gcSetting.restore = false
		}
	case gcSetting.growing > 0:
		debug.SetGCPercent(loadPercent(h.live, h.percent))
		gcSetting.restore = false
	default:
		debug.SetGCPercent(h.fitted())
		gcSetting.restore = false
	}
}

// gcHeadroom lets the heap grow, after each collection, by the larger of
// percent of what is live and floor bytes before the next.
type gcHeadroom struct {
	percent int
	floor   uint64
	live    uint64 // the heap live at the last collection
	// stale says a load has outgrown live: the percent alone until the
	// next collection.
	stale   bool
	stopped bool
	sample  []metrics.Sample
}

// fitted is the percent for the heap live at the last collection, under the
// phases that narrow it. The lock is held.
func (h *gcHeadroom) fitted() int {
	p := h.percent
	for _, n := range gcSetting.narrow {
		p = min(p, n)
	}
	if h.stale {
		return p
	}
	return headroomPercent(h.live, p, h.floor)
}

// StartGCHeadroom sets the collector, after each collection, to let the heap
// grow by the larger of percent of the live heap and floor bytes before the
// next one, until stop is called (the percent then stays where it is; the
// finalizers' chain ends at the next collection). A percent alone (GOGC)
// serves a large heap, but a small one it collects far too often: a vault
// of 1,000 notes keeps 12 MB live, and at 50% the server collected every
// 6 MB, in the middle of requests: 28 times in a session of 1,000
// completions, load included, and 5 times with a floor of 32 MB. While a
// vault loads, the percent alone applies (see growGC). Only one runs at a
// time: a second replaces the first.
func StartGCHeadroom(percent int, floor uint64) (stop func()) {
	h := &gcHeadroom{percent: percent, floor: floor,
		sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	gcSetting.Lock()
	gcSetting.headroom = h
	gcSetting.Unlock()
	h.fit()
	h.arm()
	return func() {
		gcSetting.Lock()
		h.stopped = true
		if gcSetting.headroom == h {
			gcSetting.headroom = nil
		}
		gcSetting.Unlock()
	}
}

// arm has fit called after the next collection: an object nothing refers to
// is finalized once a collection has found it unreachable, and its finalizer
// arms the next one.
func (h *gcHeadroom) arm() {
	runtime.SetFinalizer(new(gcTick), func(*gcTick) {
		if h.fit() {
			h.arm()
		}
	})
}

// gcTick is the object arm leaves for the collector. It holds a pointer:
// an object without any, under 16 bytes, shares a block with others, and
// its finalizer may never run.
type gcTick struct{ _ *byte }

// fit fits the percent to the heap now live, and applies it unless a phase
// holds the collector. It reports false once h is stopped or replaced.
func (h *gcHeadroom) fit() bool {
	metrics.Read(h.sample)
	var live uint64
	if h.sample[0].Value.Kind() == metrics.KindUint64 {
		live = h.sample[0].Value.Uint64()
	}
	gcSetting.Lock()
	defer gcSetting.Unlock()
	if h.stopped || gcSetting.headroom != h {
		return false
	}
	h.live, h.stale = live, false
	applyGC()
	return true
}

// A load collects at 200% while the heap live is under loadWidestUntil, at
// Go's own 100% while it is under loadWideUntil, and at the headroom's
// percent after: a load's heap is collected again each time it grows by the
// percent, and early on it is mostly the notes being kept. At 50% the
// server's cold load of 10,000 notes took 0.87-0.98 s against 0.70-0.90 at
// 100% (bench/lsp, --runs 4 --sizes 10000, builds in turn); at 100% it
// collected 16 times (GODEBUG=gctrace=1), at 200% 9, and with 200% below
// 48 MB it took 0.67-0.97 s against 0.81-1.03 (four runs of each build in
// turn). The bounds keep the peak: past them the extra headroom would be
// hundreds of megabytes (100% throughout took a 50,000-note server's peak
// from 813-851 MB to 942-946), and 200% up to 64 MB live already took the
// 10,000-note server's from 180-196 MB to 184-217 (48 MB: 178-186). A fit
// that comes late keeps the wider percent one collection too long, so the
// heap stays under three times the first bound and twice the second before
// the narrower percent takes over.
const (
	loadWidestPercent = 200
	loadWidestUntil   = 48 << 20
	loadWidePercent   = 100
	loadWideUntil     = 256 << 20
)

// loadPercent is the percent a load collects at with live bytes live.
func loadPercent(live uint64, percent int) int {
	switch {
	case live < loadWidestUntil:
		return max(percent, loadWidestPercent)
	case live < loadWideUntil:
		return max(percent, loadWidePercent)
	}
	return percent
}

// maxHeadroomPercent bounds the percent for a heap of next to nothing (at
// start, before any vault is loaded): 32 MB over 100 kB would be 32,000%.
const maxHeadroomPercent = 1000

// headroomPercent is the GC percent that lets a heap of live bytes grow by
// the larger of percent of it and floor bytes.
func headroomPercent(live uint64, percent int, floor uint64) int {
	if live == 0 {
		return max(percent, maxHeadroomPercent)
	}
	if p := floor * 100 / live; p > uint64(percent) {
		return int(min(p, maxHeadroomPercent))
	}
	return percent
}
