package workspace

import (
	"runtime/debug"
	"sync"
)

// gcHolds counts the phases that hold the collector off or relaxed. The
// collector's setting is the process's, so the holds are counted for the
// process too: two vaults loading at once must not leave it off, or restore
// it too early. base is the setting before the first hold.
var gcHolds struct {
	sync.Mutex
	paused, relaxed int
	base            int
}

// pauseGC turns the collector off until the returned func is called, for a
// phase that allocates what it keeps: decoding the note cache and building
// the index from its image. Collecting while such a heap grows from nothing
// to hundreds of megabytes marks it again at each doubling (eight times at
// 50,000 notes) and finds next to no garbage. A phase that parses does not
// pause: parsing makes garbage. A phase that follows another takes its pause
// before the other's ends: turning the collector off waits for a collection
// in progress, and one starts as soon as it is back on.
func pauseGC() (release func()) { return holdGC(&gcHolds.paused) }

// relaxGC lets the heap grow twice as far past what is live before a
// collection (GOGC doubled), until the returned func is called: for a cold
// load, which parses every note. Each collection marks the whole index
// built so far, and at the server's GOGC of 50 a 50,000-note load ran 47 of
// them, a fifth of its CPU; the heap's peak comes after the load (every note
// is diagnosed then), so the load can have the room. A paused collector
// stays paused.
func relaxGC() (release func()) { return holdGC(&gcHolds.relaxed) }

func holdGC(count *int) func() {
	gcHolds.Lock()
	if gcHolds.paused == 0 && gcHolds.relaxed == 0 {
		// Read by setting: any value but -1, which would wait for a
		// collection in progress. The holds' setting follows at once.
		gcHolds.base = debug.SetGCPercent(100)
	}
	*count++
	applyGCHolds()
	gcHolds.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			gcHolds.Lock()
			*count--
			applyGCHolds()
			gcHolds.Unlock()
		})
	}
}

// applyGCHolds sets the collector as the holds say; gcHolds is locked.
func applyGCHolds() {
	switch h := &gcHolds; {
	case h.paused > 0:
		debug.SetGCPercent(-1)
	case h.relaxed > 0 && h.base > 0:
		debug.SetGCPercent(2 * h.base)
	default:
		debug.SetGCPercent(h.base)
	}
}
