package workspace

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps the file at path read-only, its pages populated up front. The
// note cache is read once, at start, and everything kept is copied out of it:
// mapping it spares reading a hundred megabytes into fresh memory, which at
// 50,000 notes was a sixth of a restart. release unmaps it; data must not be
// read after that. A reader of data must expect a fault (the file cut short
// under it) and recover from it: see readCacheFile. drop tells the system
// that the pages of data[from:to] have been read and are not needed again:
// they leave the process's resident set (staying in the page cache), so the
// mapped file does not stay resident beside the index built from it.
func mapFile(path string) (data []byte, release func(), drop func(from, to int), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, nil, err
	}
	size := fi.Size()
	if size == 0 {
		return nil, func() {}, func(int, int) {}, nil
	}
	if size != int64(int(size)) {
		return nil, nil, nil, fmt.Errorf("%s: %d bytes cannot be mapped", path, size)
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED|syscall.MAP_POPULATE)
	if err != nil {
		// Some file systems cannot map files; reading works everywhere.
		data, err = os.ReadFile(path)
		return data, func() {}, func(int, int) {}, err
	}
	page := os.Getpagesize()
	drop = func(from, to int) {
		from = (from + page - 1) / page * page // whole pages inside the range only
		to = to / page * page
		if from < to {
			syscall.Madvise(data[from:to], syscall.MADV_DONTNEED)
		}
	}
	return data, func() { syscall.Munmap(data) }, drop, nil
}
