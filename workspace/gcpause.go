package workspace

import (
	"runtime/debug"
	"sync"
)

// gcPause counts the phases that have the collector paused. The collector's
// setting is the process's, so its pause is counted for the process too: two
// vaults loading at once must not leave it off, or restore it too early.
var gcPause struct {
	sync.Mutex
	n   int
	old int
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
	gcPause.Lock()
	if gcPause.n == 0 {
		gcPause.old = debug.SetGCPercent(-1)
	}
	gcPause.n++
	gcPause.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			gcPause.Lock()
			if gcPause.n--; gcPause.n == 0 {
				debug.SetGCPercent(gcPause.old)
			}
			gcPause.Unlock()
		})
	}
}
