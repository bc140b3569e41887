package workspace

import (
	"os"
	"path/filepath"
	"testing"
)

// A cache file cut short while it is mapped makes reading it fault; the
// fault is recovered and the cache read as unusable, not a crash.
func TestReadMappedCacheCutShort(t *testing.T) {
	root := writeNotes(t, smallVault)
	dir := t.TempDir()
	loadThrough(t, root, dir, cacheTestConfig)
	file := filepath.Join(dir, cacheFileName)
	data, release, _, err := mapFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, _, _, _, ok := readCacheFile(data, nil, nil); !ok {
		t.Fatal("the intact mapped file does not read")
	}
	if err := os.Truncate(file, 0); err != nil {
		t.Fatal(err)
	}
	entries, ordered, image, damaged, ok := readCacheFile(data, nil, nil)
	if ok || entries != nil || ordered != nil || image != nil || damaged != 0 {
		t.Fatalf("a file cut short under its mapping: ok %v, %d entries, %d damaged", ok, len(entries), damaged)
	}
}
