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
	flushes []chan struct{} // closed once nothing is written or waits (flushed)
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
		if next == nil {
			l.closeFlushes()
		}
		l.mu.Unlock()
		if next == nil {
			return
		}
		v = *next
	}
}

// flushed is closed once what was posted before it is written (or dropped
// by stop): at once when nothing is being written.
func (l *latest[T]) flushed() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := make(chan struct{})
	if l.busy {
		l.flushes = append(l.flushes, ch)
	} else {
		close(ch)
	}
	return ch
}

// closeFlushes closes the channels flushed gave; l.mu is held.
func (l *latest[T]) closeFlushes() {
	for _, ch := range l.flushes {
		close(ch)
	}
	l.flushes = nil
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
	l.closeFlushes()
	l.mu.Unlock()
}
