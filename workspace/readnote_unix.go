//go:build unix

package workspace

import (
	"io/fs"
	"syscall"
)

// readNote reads a file into buf, grown when it is too small: a load reads
// every note into one buffer per worker, since a parsed note keeps none of
// its text. The size is the scan's; a file that has grown since is read to
// its end, one that has shrunk is read as it is now.
//
// It calls the system itself, three calls a note (open, read, close): an
// os.File of a regular file costs six more on Linux (four fcntl and an
// epoll_ctl that fails, to learn the file cannot be polled) and a read to
// find the end, and at 50,000 notes those were 350,000 calls.
func readNote(fi FileInfo, buf []byte) ([]byte, error) {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = syscall.Open(fi.Abs, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return buf, &fs.PathError{Op: "open", Path: fi.Abs, Err: err}
	}
	defer syscall.Close(fd)
	// One byte more than the scan saw is asked for: a regular file is read
	// whole unless the read meets its end, so a read that stops at the
	// scan's size has met it and no read is needed to find it; a file grown
	// since fills the byte and is read on.
	if want := int(fi.Size) + 1; cap(buf) < want {
		buf = make([]byte, 0, want)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		var n int
		err := retryEINTR(func() (err error) {
			n, err = syscall.Read(fd, buf[len(buf):cap(buf)])
			return err
		})
		if err != nil {
			return buf, &fs.PathError{Op: "read", Path: fi.Abs, Err: err}
		}
		if n <= 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
		if len(buf) == int(fi.Size) && len(buf) < cap(buf) {
			return buf, nil
		}
	}
}

func retryEINTR(call func() error) error {
	for {
		if err := call(); err != syscall.EINTR {
			return err
		}
	}
}
