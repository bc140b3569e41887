package workspace

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// The note cache keeps the parsed notes of a vault on disk, so that a restart
// on an unchanged vault decodes them instead of parsing the markdown again.
// It is only a cache: deleting it, or any damage to it, costs one cold parse.
//
// One file per vault, written whole to a temporary file and renamed over the
// old one, so a reader sees either version and never half of one:
//
//	magic    "rhizome note cache\n"
//	uvarint  cacheFormat
//	uvarint  parserVersion
//	uvarint  len, bytes: buildID (Go, rhizome and dependency versions)
//	index image: uvarint len, body (see image.go), uint32 crc32c(body);
//	         len 0 and no checksum when there is none
//	link keys: uvarint len, body, uint32 crc32c(body); body: the lookup
//	         keys of every note's links (see appendStrings), which the
//	         notes name by number
//	entries, each: uvarint len, body, uint32 crc32c(body) little-endian
//	body:    uvarint len, path (vault-relative) · uvarint size · varint mtime
//	         (Unix ns) · uint32 crc32c of the file · byte 1 when the mtime
//	         can be trusted · the encoded Note
//
// An entry whose checksum does not match is skipped; the length prefix lets
// the reader go on to the next one. A header that differs in any way drops
// the whole file.
//
// An encoded Note holds everything the index keeps of it, so a note whose
// file has the size and mtime of its entry is not read at all: a restart on
// an unchanged vault reads one file, not thousands. The mtime is trusted only
// when it was older than the load that recorded it by more than any file
// system's clock tick (mtimeSlack): a file can be rewritten within its own
// tick without its mtime moving, and then only its hash tells. Every other
// entry is checked by reading the file and comparing size and hash. The
// cache file is read whole and its notes decoded on all cores when it is
// opened; its bytes are dropped then, not held beside the index being built.
// Each note's links and details (Note.Links, Note.details) stay encoded, in
// a copy of their own, until first asked for: the index built from the
// file's image needs neither.

const (
	// parserVersion names what Parser.Parse puts in a Note. Whoever changes
	// the parser's output (a new field, another rule, a fix that moves a span
	// or changes a string) must bump it, or restarts will serve notes parsed
	// by the old rules until their files change.
	parserVersion = 5

	// cacheFormat is the layout of the cache file and of an encoded Note.
	cacheFormat = 12

	cacheMagic    = "rhizome note cache\n"
	cacheFileName = "notes.cache"

	// mtimeSlack is the coarsest mtime resolution in use (FAT's 2 s).
	mtimeSlack = 2 * time.Second
)

// castagnoli is CRC-32C, which amd64 (SSE 4.2) and arm64 compute in hardware
// at several GB/s: hashing every note of a 250 MB vault costs a few
// milliseconds, next to the hundreds it takes to read them.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// contentHash identifies a note's bytes: a cache entry whose mtime cannot be
// trusted is reused when path, size and this hash match, and Snapshot.Text
// checks a note read back against it. CRC-32C is enough because nothing here
// is adversarial (a vault's owner gains nothing by fooling their own cache):
// an edited note with the same size has a 1 in 2^32 chance of matching its
// old entry, and a CRC detects every change of up to 32 consecutive bits,
// which covers the typo fixed in place. Even then, the note's spans are
// checked against its size, so a stale entry can misplace a link, never crash.
func contentHash(data []byte) uint32 { return crc32.Checksum(data, castagnoli) }

// buildID goes into the header beside parserVersion: the parser's output also
// depends on goldmark, the YAML decoder and Go's Unicode tables, and a new
// rhizome release may change the parser without anyone remembering to bump
// parserVersion. A rebuild costs one cold start.
var buildID = sync.OnceValue(func() string {
	var b strings.Builder
	b.WriteString(runtime.Version())
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(&b, " %s@%s", bi.Main.Path, bi.Main.Version)
		for _, d := range bi.Deps {
			if d.Replace != nil {
				d = d.Replace
			}
			fmt.Fprintf(&b, " %s@%s", d.Path, d.Version)
		}
	}
	return b.String()
})

// NoteCacheDir is where the note cache of the vault at root lives:
// $RHIZOME_CACHE_DIR, or rhizome in the user's cache folder (os.UserCacheDir),
// then a folder named by a hash of root's absolute path, so that vaults never
// share a cache and nothing is written inside a vault.
func NoteCacheDir(root string) (string, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("note cache for %s: %w", root, err)
	}
	base := os.Getenv("RHIZOME_CACHE_DIR")
	if base == "" {
		user, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("note cache: %w", err)
		}
		base = filepath.Join(user, "rhizome")
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(base, hex.EncodeToString(sum[:8])), nil
}

// NoteCache is the on-disk cache of one vault's parsed notes, for one load:
// OpenNoteCache reads it, a load (LoadOptions.Cache) takes what still matches
// the files and records what it read, and Save writes that back when it
// differs from what was read.
type NoteCache struct {
	dir string
	// ready is closed once the file has been read into the fields below
	// and err; nil for a cache made whole. framed is closed earlier, once
	// the file's image and its entries' paths are known (framedImage and
	// framedPaths, unchecked until ready), or it turned out there are none.
	ready       chan struct{}
	err         error
	framed      chan struct{}
	framedOnce  sync.Once
	framedImage []byte
	framedPaths []string
	// entries is what the file held, by path. Read-only once opened, so the
	// load's workers look entries up without a lock.
	entries map[string]cacheEntry
	// valid is false when there was no usable file: Save then always writes.
	valid bool
	// damaged counts entries skipped because their checksum or framing was wrong.
	damaged int
	// ordered is the entries' notes in the file's order, which the index
	// image counts; image is the image's body as read. Both are nil when
	// the file had no usable image or a damaged entry.
	ordered []*Note
	image   []byte

	mu   sync.Mutex
	next []cacheRecord // set by the load, written by Save
	// nextImage is the image Save writes with next, or nextSource what it
	// encodes it from: a new image, which Save writes even when no note
	// changed.
	nextImage  []byte
	nextSource *imageSource
}

// cacheEntry is one entry as read from the file, its note decoded: the
// file's bytes are not kept (a decoded Note copies what it keeps), so a
// restart does not hold the whole file beside the index it builds.
type cacheEntry struct {
	size   int64
	mtime  int64
	hash   uint32
	stable bool // the mtime may be trusted (see the file format above)
	note   *Note
	ord    int // its place in the file
}

// cacheRecord is one note as the last load read it.
type cacheRecord struct {
	path   string
	size   int64
	mtime  int64
	hash   uint32
	stable bool
	note   *Note
	cached bool // the note came from the entry, not from a parse
	fresh  bool // the stored entry, if any, differs (parsed, another mtime or stability)
}

// OpenNoteCache reads the note cache in dir (see NoteCacheDir). It always
// returns a cache to load with: an empty one when there is no file yet, when
// the file is from another version of rhizome (both expected, no error), or
// when it cannot be read (the error says why). Damaged entries are skipped and
// reported in the error; the intact ones are still used.
func OpenNoteCache(dir string) (*NoteCache, error) {
	c := StartNoteCache(dir)
	return c, c.Err()
}

// StartNoteCache is OpenNoteCache reading in the background: it returns at
// once, and a load waits for the cache only once it has started scanning the
// vault, which then goes on beside the decoding. Err says how the read went.
func StartNoteCache(dir string) *NoteCache {
	c := &NoteCache{dir: dir, ready: make(chan struct{}), framed: make(chan struct{})}
	go func() {
		defer close(c.ready)
		defer c.framedOnce.Do(func() { close(c.framed) })
		defer pauseGC()()
		c.err = c.read()
	}()
	return c
}

// Err waits for the cache file to be read and returns what went wrong, as
// OpenNoteCache does.
func (c *NoteCache) Err() error {
	c.wait()
	return c.err
}

// wait waits for the cache file to be read.
func (c *NoteCache) wait() {
	if c != nil && c.ready != nil {
		<-c.ready
	}
}

// waitFramed waits for the file's image and paths (see framed).
func (c *NoteCache) waitFramed() {
	if c != nil && c.framed != nil {
		<-c.framed
	}
}

func (c *NoteCache) read() error {
	data, release, drop, err := mapFile(filepath.Join(c.dir, cacheFileName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("note cache: %w", err)
	}
	entries, ordered, image, damaged, ok := readCacheFile(data, func(image []byte, paths []string) {
		c.framedOnce.Do(func() {
			c.framedImage, c.framedPaths = image, paths
			close(c.framed)
		})
	}, drop)
	release()
	if !ok {
		return nil
	}
	c.entries, c.damaged, c.valid = entries, damaged, true
	if damaged == 0 && image != nil {
		c.ordered, c.image = ordered, image
	}
	if damaged > 0 {
		return fmt.Errorf("note cache %s: %d damaged entries skipped", filepath.Join(c.dir, cacheFileName), damaged)
	}
	return nil
}

// Len is the number of usable entries read from the file.
func (c *NoteCache) Len() int {
	c.wait()
	return len(c.entries)
}

// unchanged returns the cached Note for fi without reading the file, when
// its entry has fi's size and a trusted mtime equal to fi's. It is safe for
// concurrent use.
func (c *NoteCache) unchanged(fi FileInfo) *Note {
	if c == nil {
		return nil
	}
	e, ok := c.entries[fi.Path]
	if !ok || !e.stable || e.size != fi.Size || e.mtime != fi.ModTime.UnixNano() {
		return nil
	}
	return e.note
}

// lookup returns the cached Note for the file at path when its entry has the
// same size and content hash. The mtime is not compared: a file touched
// without being changed (a sync tool, a checkout) keeps its entry, and one
// changed within the same mtime tick is still caught by its hash. It is safe
// for concurrent use.
func (c *NoteCache) lookup(path string, size int, hash uint32) *Note {
	if c == nil {
		return nil
	}
	e, ok := c.entries[path]
	if !ok || e.size != int64(size) || e.hash != hash {
		return nil
	}
	return e.note
}

// record keeps what a load that started at start read, for Save. files,
// notes and cached are parallel; a nil note is a file that could not be read.
func (c *NoteCache) record(start time.Time, files []FileInfo, notes []*Note, cached []bool) {
	c.wait()
	next := make([]cacheRecord, 0, len(files))
	for j, n := range notes {
		if n == nil {
			continue
		}
		mtime := files[j].ModTime
		r := cacheRecord{path: files[j].Path, size: int64(n.Size), mtime: mtime.UnixNano(),
			hash: n.Sum, stable: start.Sub(mtime) > mtimeSlack, note: n, cached: cached[j]}
		e, ok := c.entries[r.path]
		r.fresh = !r.cached || !ok || e.mtime != r.mtime || e.stable != r.stable
		next = append(next, r)
	}
	c.mu.Lock()
	c.next = next
	c.mu.Unlock()
}

// Save writes the notes of the last load to the cache file when they differ
// from what was read: a note parsed or touched, a note gone, a damaged or
// missing file. It reports whether it wrote. The file is written to a
// temporary name and renamed, so a crash or a cancelled ctx leaves the old
// one; no fsync, since a file cut short by a power loss fails its checksums
// and costs one cold start.
func (c *NoteCache) Save(ctx context.Context) (bool, error) {
	c.wait()
	c.mu.Lock()
	next, image, src := c.next, c.nextImage, c.nextSource
	c.mu.Unlock()
	if next == nil {
		return false, nil // nothing loaded through this cache
	}
	changed := !c.valid || c.damaged > 0 || src != nil || len(next) != len(c.entries)
	for i := 0; !changed && i < len(next); i++ {
		changed = next[i].fresh
	}
	if !changed {
		return false, nil
	}
	if src != nil {
		// An image that cannot be written is left out: the notes still are.
		image, _ = src.encode()
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return false, fmt.Errorf("note cache: %w", err)
	}
	removeStaleTemps(c.dir)
	f, err := os.CreateTemp(c.dir, "notes-*.tmp")
	if err != nil {
		return false, fmt.Errorf("note cache: %w", err)
	}
	tmp := f.Name()
	err = writeCache(ctx, f, next, image)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(c.dir, cacheFileName))
	}
	if err != nil {
		os.Remove(tmp)
		return false, fmt.Errorf("note cache %s: %w", c.dir, err)
	}
	return true, nil
}

// removeStaleTemps deletes temporary files that a killed process left. A
// recent one may be another rhizome's save in progress (two editors on one
// vault), so it is left alone.
func removeStaleTemps(dir string) {
	old, _ := filepath.Glob(filepath.Join(dir, "notes-*.tmp"))
	for _, p := range old {
		if fi, err := os.Stat(p); err == nil && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(p)
		}
	}
}
