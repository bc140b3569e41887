//go:build !linux

package workspace

import "os"

// mapFile reads the file at path; on Linux it is mapped instead (see
// mapfile_linux.go).
func mapFile(path string) (data []byte, release func(), drop func(from, to int), err error) {
	data, err = os.ReadFile(path)
	return data, func() {}, func(int, int) {}, err
}
