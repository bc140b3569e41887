//go:build unix

package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestPollableStdinPipe: the blocking pipe an editor hands the server as
// stdin comes back waited on by the poller (a read deadline works, which it
// does only there), and still carries the bytes written to it.
func TestPollableStdinPipe(t *testing.T) {
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		t.Fatal(err)
	}
	r, w := os.NewFile(uintptr(fds[0]), "stdin"), os.NewFile(uintptr(fds[1]), "editor")
	defer w.Close()
	defer r.Close() // its own descriptor: the pollable File has another
	if err := r.SetReadDeadline(time.Now()); !errors.Is(err, os.ErrNoDeadline) {
		t.Fatalf("a blocking pipe took a deadline (%v): the test does not start from what an editor hands", err)
	}
	in := pollable(r)
	defer in.Close()
	if err := in.SetReadDeadline(time.Now().Add(20 * time.Millisecond)); err != nil {
		t.Fatalf("stdin is not in the poller: %v", err)
	}
	buf := make([]byte, 16)
	if _, err := in.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read of an empty pipe: %v, want the deadline", err)
	}
	if err := in.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("Content-Length: 2\r\n\r\n{}")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	got, err := io.ReadAll(in)
	if err != nil || string(got) != "Content-Length: 2\r\n\r\n{}" {
		t.Fatalf("read %q, %v", got, err)
	}
	if in.Fd() == r.Fd() {
		t.Errorf("the pollable File shares descriptor %d with the one it was made from: both would close it", in.Fd())
	}
}

// TestPollableLeavesFilesAlone: a regular file (stdin redirected from one)
// is returned as it is, blocking.
func TestPollableLeavesFilesAlone(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "requests"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := pollable(f); got != f {
		t.Fatalf("pollable(%s) = a new file", f.Name())
	}
}
