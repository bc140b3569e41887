package server

import (
	"context"
	"sync"
)

// latest writes a stream of reports of where work is ($/progress,
// rhizome/status) in the background, in order, without making the work wait
// for the client: while one is written, later ones replace each other, and
// only the last goes out next. An editor busy taking thousands of
// diagnostics reads slowly, and work that wrote its reports itself went at
// its pace.
type latest[T any] struct {
	mu      sync.Mutex
	busy    bool // a goroutine is writing
	pending *T
	stopped bool
}

// post has v written after what is being written, in place of what waits.
func (l *latest[T]) post(s *Server, v T, write func(context.Context, T)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.stopped:
	case l.busy:
		l.pending = &v
	default:
		l.busy = true
		if !s.Go("report", func(ctx context.Context) { l.drain(ctx, v, write) }) {
			l.busy = false
		}
	}
}

// drain writes v, then what was posted meanwhile, until nothing waits.
func (l *latest[T]) drain(ctx context.Context, v T, write func(context.Context, T)) {
	for {
		write(ctx, v)
		l.mu.Lock()
		next := l.pending
		l.pending = nil
		l.busy = next != nil
		l.mu.Unlock()
		if next == nil {
			return
		}
		v = *next
	}
}

// hold makes what is posted wait until drain or stop: for a stream whose
// first message needs a step of its own (a progress token's creation).
func (l *latest[T]) hold() {
	l.mu.Lock()
	l.busy = true
	l.mu.Unlock()
}

// stop drops what waits and what comes.
func (l *latest[T]) stop() {
	l.mu.Lock()
	l.stopped, l.busy, l.pending = true, false, nil
	l.mu.Unlock()
}
