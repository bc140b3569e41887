package server

import (
	"sync"
	"sync/atomic"
)

// settingsOrder applies the editor's settings changes in the order it sent
// them. Each is handled in the background (a pull asks the client), and a
// later one may be ready first: applied after it, an older one would undo it
// (Neovim 0.7 pushing two changes of the ignore globs in a row was left
// with the first).
type settingsOrder struct {
	issued atomic.Uint64

	mu      sync.Mutex
	applied uint64
}

// next numbers a change as it arrives, in the order of the messages.
func (o *settingsOrder) next() uint64 { return o.issued.Add(1) }

// apply runs fn for change seq, one change at a time, unless a later change
// was applied already.
func (o *settingsOrder) apply(seq uint64, fn func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if seq < o.applied {
		return
	}
	o.applied = seq
	fn()
}
