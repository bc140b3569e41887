//go:build !linux

package workspace

import "os"

// folder is a folder open to stat its files by name, through os.Root
// (fstatat where the system has it).
type folder struct{ root *os.Root }

func openFolder(path string) (*folder, error) {
	r, err := os.OpenRoot(path)
	if err != nil {
		return nil, err
	}
	return &folder{root: r}, nil
}

// lstat stats the folder's entry name, not following a symlink.
func (f *folder) lstat(name string) (fileStat, error) {
	fi, err := f.root.Lstat(name)
	if err != nil {
		return fileStat{}, err
	}
	return statOf(fi), nil
}

func (f *folder) close() { f.root.Close() }
