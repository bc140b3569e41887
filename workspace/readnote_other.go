//go:build !unix

package workspace

import (
	"errors"
	"io"
	"os"
)

// readNote reads a file into buf, grown when it is too small: a load reads
// every note into one buffer per worker, since a parsed note keeps none of
// its text. The size is the scan's; a file that has grown since is read to
// its end, one that has shrunk is read as it is now.
func readNote(fi FileInfo, buf []byte) ([]byte, error) {
	f, err := os.Open(fi.Abs)
	if err != nil {
		return buf, err
	}
	defer f.Close()
	if int64(cap(buf)) < fi.Size {
		buf = make([]byte, fi.Size)
	}
	buf = buf[:fi.Size]
	n, err := io.ReadFull(f, buf)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return buf[:n], nil // shrunk since the scan
	}
	if err != nil {
		return buf, err
	}
	var more [1]byte
	if m, _ := f.Read(more[:]); m > 0 {
		rest, err := io.ReadAll(f)
		return append(append(buf, more[0]), rest...), err
	}
	return buf, nil
}
