package server

import "testing"

// What a stream holds back (a progress whose token the client has not
// answered) is not flushed; once it is dropped (the client refused the
// token), it is: no one waits for what will never be written.
func TestLatestFlushedAfterStop(t *testing.T) {
	var l latest[int]
	select {
	case <-l.flushed():
	default:
		t.Error("an idle stream is not flushed at once")
	}
	l.hold()
	held := l.flushed()
	select {
	case <-held:
		t.Fatal("a held stream is flushed")
	default:
	}
	l.stop()
	select {
	case <-held:
	default:
		t.Error("a stopped stream is not flushed")
	}
}
