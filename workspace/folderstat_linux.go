package workspace

import (
	"io/fs"
	"time"

	"golang.org/x/sys/unix"
)

// folder is a folder open to stat its files by name: fstatat on its
// descriptor, which neither resolves the whole path again for each file
// nor makes an fs.FileInfo of it (os.Root's Lstat does both).
type folder struct {
	fd   int
	path string
}

func openFolder(path string) (*folder, error) {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return &folder{fd: fd, path: path}, nil
}

// lstat stats the folder's entry name, not following a symlink.
func (f *folder) lstat(name string) (fileStat, error) {
	var st unix.Stat_t
	err := retryEINTR(func() error {
		return unix.Fstatat(f.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	})
	if err != nil {
		return fileStat{}, &fs.PathError{Op: "lstat", Path: joinOS(f.path, name), Err: err}
	}
	return fileStat{size: st.Size, mtime: time.Unix(st.Mtim.Sec, st.Mtim.Nsec), perm: fs.FileMode(st.Mode) & fs.ModePerm}, nil
}

func (f *folder) close() { unix.Close(f.fd) }
