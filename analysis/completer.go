package analysis

import "sync"

// Completer completes in one vault, keeping what the next request can
// reuse: the last "[[^^" search, whose next, with more typed, reads only the
// notes that held the query and those it left unread. The zero value is
// ready; it is safe for concurrent use.
type Completer struct {
	mu     sync.Mutex
	blocks *anyBlockScan
}

// lastBlocks is the last "[[^^" search's scan; nil when there is none.
func (c *Completer) lastBlocks() *anyBlockScan {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.blocks
}

func (c *Completer) keepBlocks(s *anyBlockScan) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.blocks = s
}

// Forget drops what the completer kept, which holds the notes of the index
// it was made from: a vault's new index (a reload) would otherwise leave the
// old one in memory until the next "[[^^".
func (c *Completer) Forget() { c.keepBlocks(nil) }
