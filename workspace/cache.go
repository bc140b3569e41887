package workspace

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
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
	"sync/atomic"
	"time"
	"unsafe"
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

const (
	// parserVersion names what Parser.Parse puts in a Note. Whoever changes
	// the parser's output (a new field, another rule, a fix that moves a span
	// or changes a string) must bump it, or restarts will serve notes parsed
	// by the old rules until their files change.
	parserVersion = 2

	// cacheFormat is the layout of the cache file and of an encoded Note.
	cacheFormat = 4

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

// readCacheFile parses a cache file and decodes its notes on all cores:
// entries by path, their notes in the file's order, and the index image's
// body (a copy; nil when there is none or it is damaged, which counts as
// damage). ok is false when the header is not this build's, or data could
// not be read to its end (a mapped file cut short faults); the rest is then
// empty. Nothing returned refers to data. framed, when set, is called with
// the image and the entries' paths in order before the notes are decoded
// (an entry found damaged later makes both worthless), so that building
// from the image can start. read, when set, is told each stretch of data
// that has been decoded and will not be read again.
func readCacheFile(data []byte, framed func(image []byte, paths []string), read func(from, to int)) (entries map[string]cacheEntry, ordered []*Note, image []byte, damaged int, ok bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			entries, ordered, image, damaged, ok = nil, nil, nil, 0, false
		}
	}()
	rest, ok := readCacheHeader(data)
	if !ok {
		return nil, nil, nil, 0, false
	}
	image, rest, imageOK := readImageFrame(rest)
	if !imageOK {
		damaged++
	}
	keyFrame, rest, keysOK := readFrame(rest)
	keys, err := decodeStrings(keyFrame)
	if !keysOK || err != nil {
		return nil, nil, nil, 0, false // no note can be decoded without it
	}
	// The frames are found here, by their lengths alone; the workers check
	// each one's checksum and decode it.
	type frame struct {
		body     []byte // after the path
		sum      uint32 // of the whole body
		path     string
		e        cacheEntry
		from, to int // in data
	}
	// A typical entry is some hundreds of bytes: size the list once.
	list := make([]frame, 0, len(rest)/1024)
	var paths []string
	for len(rest) > 0 {
		n, k := binary.Uvarint(rest)
		if k <= 0 || n > uint64(len(rest)-k) || uint64(len(rest)-k)-n < 4 {
			// A broken length: nothing after it can be framed.
			damaged++
			break
		}
		body := rest[k : k+int(n)]
		at := len(data) - len(rest)
		f := frame{body: body, sum: binary.LittleEndian.Uint32(rest[k+int(n):]), from: at, to: at + k + int(n) + 4}
		f.path, _, _ = entryPath(body) // checked with the sum, by the workers
		list = append(list, f)
		paths = append(paths, f.path)
		rest = rest[k+int(n)+4:]
	}
	if framed != nil {
		framed(image, paths)
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	var faulted atomic.Bool
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer func() {
				if recover() != nil {
					faulted.Store(true)
				}
			}()
			for {
				i := int(next.Add(64)) - 64
				if i >= len(list) {
					return
				}
				for j := i; j < min(i+64, len(list)); j++ {
					f := &list[j]
					body := f.body
					f.body = nil
					if crc32.Checksum(body, castagnoli) != f.sum {
						continue // no note: counted as damaged below
					}
					_, rest, ok := entryPath(body)
					if !ok {
						continue
					}
					e, enc, ok := readEntryHead(rest)
					if !ok {
						continue
					}
					// nil when it does not decode: counted as damaged below.
					e.note, _ = decodeNote(enc, f.path, int(e.size), keys)
					f.e = e
				}
				if read != nil {
					read(list[i].from, list[min(i+64, len(list))-1].to)
				}
			}
		}()
	}
	wg.Wait()
	if faulted.Load() {
		return nil, nil, nil, 0, false
	}
	entries = make(map[string]cacheEntry, len(list))
	ordered = make([]*Note, 0, len(list))
	for _, f := range list {
		if f.e.note == nil {
			damaged++
			continue
		}
		f.e.note.Sum = f.e.hash
		f.e.ord = len(ordered)
		entries[f.path] = f.e
		ordered = append(ordered, f.e.note)
	}
	return entries, ordered, image, damaged, true
}

// readImageFrame reads the index image's frame at the start of rest and
// returns a copy of its body (nil when there is none) and what follows. ok
// is false when the frame is damaged; the entries after a readable length
// are still read.
func readImageFrame(rest []byte) (image, after []byte, ok bool) {
	body, after, ok := readFrame(rest)
	if !ok || len(body) == 0 {
		return nil, after, ok
	}
	return bytes.Clone(body), after, true
}

// readFrame reads a frame (uvarint len, body, crc32c unless len is 0) at the
// start of rest: its body, in rest, and what follows it. ok is false when
// the frame is damaged; after is then what follows a readable length, nil
// when there is none.
func readFrame(rest []byte) (body, after []byte, ok bool) {
	n, k := binary.Uvarint(rest)
	switch {
	case k <= 0 || n > uint64(len(rest)-k):
		return nil, nil, false // nothing after it can be framed either
	case n == 0:
		return nil, rest[k:], true
	case uint64(len(rest)-k)-n < 4:
		return nil, nil, false
	}
	body = rest[k : k+int(n)]
	after = rest[k+int(n)+4:]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(rest[k+int(n):]) {
		return nil, after, false
	}
	return body, after, true
}

// appendStrings appends a list of strings as one block, which decodeStrings
// turns back into strings sharing one allocation: uvarint count+1, uvarint
// total length, the strings end to end, then each one's length.
func appendStrings(b []byte, list []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(list))+1)
	size := 0
	for _, s := range list {
		size += len(s)
	}
	b = binary.AppendUvarint(b, uint64(size))
	for _, s := range list {
		b = append(b, s...)
	}
	for _, s := range list {
		b = binary.AppendUvarint(b, uint64(len(s)))
	}
	return b
}

// decodeStrings reads what appendStrings wrote, all of b, and returns the
// strings, copied out of b into one allocation. An empty b is an empty list.
func decodeStrings(b []byte) ([]string, error) {
	list, n, err := readStrings(b)
	if err == nil && n != len(b) {
		err = errBadStrings
	}
	return list, err
}

var errBadStrings = errors.New("note cache: malformed string list")

// readStrings is decodeStrings for a list at the start of b; used is how
// many bytes it took.
func readStrings(b []byte) (_ []string, used int, _ error) {
	if len(b) == 0 {
		return nil, 0, nil
	}
	d := decoder{b: b}
	count, _ := d.count(1)
	size := d.uvarint()
	if d.bad || size > uint64(len(b)-d.i) {
		return nil, 0, errBadStrings
	}
	blob := string(b[d.i : d.i+int(size)])
	d.i += int(size)
	list := make([]string, count)
	off := uint64(0)
	for i := range list {
		n := d.uvarint()
		if d.bad || n > uint64(len(blob))-off {
			return nil, 0, errBadStrings
		}
		list[i] = blob[off : off+n]
		off += n
	}
	if off != uint64(len(blob)) {
		return nil, 0, errBadStrings
	}
	return list, d.i, nil
}

func readCacheHeader(data []byte) ([]byte, bool) {
	if !bytes.HasPrefix(data, []byte(cacheMagic)) {
		return nil, false
	}
	d := decoder{b: data, i: len(cacheMagic)}
	if d.uvarint() != cacheFormat || d.uvarint() != parserVersion {
		return nil, false
	}
	n := d.uvarint()
	if d.bad || n > uint64(len(d.b)-d.i) || string(d.b[d.i:d.i+int(n)]) != buildID() {
		return nil, false
	}
	return data[d.i+int(n):], true
}

// entryPath reads the path an entry's body starts with, and what follows.
func entryPath(body []byte) (_ string, rest []byte, _ bool) {
	n, k := binary.Uvarint(body)
	if k <= 0 || n > uint64(len(body)-k) {
		return "", nil, false
	}
	return string(body[k : k+int(n)]), body[k+int(n):], true
}

// readEntryHead reads an entry's body after its path up to its encoded
// note, enc.
func readEntryHead(rest []byte) (_ cacheEntry, enc []byte, _ bool) {
	d := decoder{b: rest}
	e := cacheEntry{size: int64(d.uvarint()), mtime: d.varint()}
	if d.bad || len(rest)-d.i < 5 || rest[d.i+4] > 1 || e.size < 0 || e.size > MaxNoteSize {
		return cacheEntry{}, nil, false
	}
	e.hash = binary.LittleEndian.Uint32(rest[d.i:])
	e.stable = rest[d.i+4] == 1
	return e, rest[d.i+5:], true
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

func writeCache(ctx context.Context, f *os.File, records []cacheRecord, image []byte) error {
	w := bufio.NewWriterSize(f, 1<<20)
	hdr := []byte(cacheMagic)
	hdr = binary.AppendUvarint(hdr, cacheFormat)
	hdr = binary.AppendUvarint(hdr, parserVersion)
	hdr = appendBytes(hdr, buildID())
	hdr = binary.AppendUvarint(hdr, uint64(len(image)))
	if len(image) > 0 {
		hdr = append(hdr, image...)
		hdr = binary.LittleEndian.AppendUint32(hdr, crc32.Checksum(image, castagnoli))
	}
	// The link keys are numbered before any note is written: a decoded
	// link takes its key from the one table instead of a string of its own
	// (a million and a half of them at 50,000 notes).
	enc := encoder{keyIDs: map[string]uint32{}}
	for _, r := range records {
		for i := range r.note.Links {
			enc.keyID(r.note.Links[i].key)
		}
	}
	keys := appendStrings(nil, enc.keys)
	hdr = binary.AppendUvarint(hdr, uint64(len(keys)))
	hdr = append(hdr, keys...)
	hdr = binary.LittleEndian.AppendUint32(hdr, crc32.Checksum(keys, castagnoli))
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	var body, frame []byte
	for i, r := range records {
		if i%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		body = appendBytes(body[:0], r.path)
		body = binary.AppendUvarint(body, uint64(r.size))
		body = binary.AppendVarint(body, r.mtime)
		body = binary.LittleEndian.AppendUint32(body, r.hash)
		if r.stable {
			body = append(body, 1)
		} else {
			body = append(body, 0)
		}
		body = enc.appendNote(body, r.note)
		frame = binary.AppendUvarint(frame[:0], uint64(len(body)))
		frame = append(frame, body...)
		frame = binary.LittleEndian.AppendUint32(frame, crc32.Checksum(body, castagnoli))
		if _, err := w.Write(frame); err != nil {
			return err
		}
	}
	return w.Flush()
}

func appendBytes(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// An encoded Note starts with its kept strings end to end (Note.kept, see
// dropText), decoded as one string. A string in it is a uvarint whose low 3
// bits say what follows. Most of a Note's strings are slices of the kept
// strings (link targets, labels, tag names) or of its Path (a title from the
// file name): those are stored as offsets and decoded as slices, so a decoded
// Note holds no more memory than a parsed one. Other strings (decoded %20
// targets, plain-text labels, slugs, YAML values) are stored once per Note as
// bytes; a repeat, or a slice of one (a link's key, cut from its decoded
// target), is a reference to it.
const (
	strEmpty      = iota // the uvarint is 0
	strText              // >>3 is the offset in the kept strings; then uvarint length
	strPath              // >>3 is the offset in Path; then uvarint length
	strBytes             // >>3 is the length; then the bytes; becomes the next table entry
	strTable             // >>3 is a table entry
	strTableSlice        // >>3 is a table entry; then uvarint offset, uvarint length
)

// tableSliceWindow is how many recent table entries a string is checked to be
// a slice of: a link's key follows its target, so a few are enough.
const tableSliceWindow = 8

// encoder appends Notes. Its buffers are reused from one Note to the next.
type encoder struct {
	b          []byte
	text, path string
	// keyIDs numbers the link keys of every Note the encoder writes, in
	// keys; they outlast each Note.
	keyIDs map[string]uint32
	keys   []string
	table  map[string]int
	list   []string
}

func (e *encoder) appendNote(b []byte, n *Note) []byte {
	if e.table == nil {
		e.table = map[string]int{}
	}
	clear(e.table)
	kept := n.kept
	if n.Text != "" {
		kept = n.Text // not expected (a load's notes have dropped it), but as good
	}
	*e = encoder{b: b, text: kept, path: n.Path, table: e.table, list: e.list[:0], keyIDs: e.keyIDs, keys: e.keys}
	e.b = appendBytes(e.b, kept)
	e.varint(int64(n.Version))
	if n.InvalidUTF8 {
		e.uvarint(1)
	} else {
		e.uvarint(0)
	}
	e.lines(n.Lines)

	fm := &n.Frontmatter
	flags := uint64(0)
	if fm.Present {
		flags |= 1
	}
	if fm.Err != nil {
		flags |= 2
	}
	if fm.Publish != nil {
		flags |= 4
		if *fm.Publish {
			flags |= 8
		}
	}
	e.uvarint(flags)
	e.span(fm.Span)
	if fm.Err != nil {
		e.varint(int64(fm.Err.Line))
		e.span(fm.Err.Span)
		e.str(fm.Err.Message)
	}
	e.str(fm.Title)
	e.str(fm.Description)
	e.count(len(fm.Aliases), fm.Aliases == nil)
	for _, a := range fm.Aliases {
		e.str(a)
	}
	e.tags(fm.Tags)
	e.count(len(fm.Problems), fm.Problems == nil)
	for _, p := range fm.Problems {
		e.str(p.Field)
		e.span(p.Span)
		e.str(p.Message)
	}

	e.str(n.Title)
	e.str(n.Description)
	e.str(n.Lead)
	e.span(n.LeadSpan)
	e.count(len(n.Headings), n.Headings == nil)
	for _, h := range n.Headings {
		e.varint(int64(h.Level))
		e.str(h.Text)
		e.str(h.Slug)
		e.span(h.Span)
		e.span(h.TextSpan)
	}
	e.count(len(n.Blocks), n.Blocks == nil)
	for _, bl := range n.Blocks {
		e.str(bl.ID)
		e.span(bl.Span)
	}
	e.tags(n.Tags)
	e.count(len(n.Links), n.Links == nil)
	for i := range n.Links {
		l := &n.Links[i]
		f := uint64(l.Kind) << 3
		if l.Wiki {
			f |= 1
		}
		if l.Image {
			f |= 2
		}
		if l.External {
			f |= 4
		}
		e.uvarint(f)
		e.span(l.Span)
		e.span(l.TargetSpan)
		e.str(l.Target)
		e.str(l.Fragment)
		e.str(l.Label)
		e.str(l.Raw)
		e.varint(int64(l.Def))
		e.uvarint(uint64(e.keyID(l.key)))
	}
	b = e.b
	e.b, e.text, e.path = nil, "", ""
	clear(e.list) // do not pin the last Note's strings
	return b
}

// keyID is the number of a link key in the encoder's table, 0 for none.
func (e *encoder) keyID(k string) uint32 {
	if k == "" {
		return 0
	}
	if e.keyIDs == nil {
		e.keyIDs = map[string]uint32{}
	}
	id, ok := e.keyIDs[k]
	if !ok {
		e.keys = append(e.keys, k)
		id = uint32(len(e.keys))
		e.keyIDs[k] = id
	}
	return id
}

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }

// count writes a slice's length, keeping nil apart from empty so that a
// decoded Note is deeply equal to the parsed one.
func (e *encoder) count(n int, isNil bool) {
	if isNil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(n) + 1)
}

func (e *encoder) span(s Span) {
	e.varint(int64(s.Start))
	e.varint(int64(s.End) - int64(s.Start))
}

func (e *encoder) tags(ts []Tag) {
	e.count(len(ts), ts == nil)
	for _, t := range ts {
		e.str(t.Name)
		e.span(t.Span)
		if t.InFrontmatter {
			e.uvarint(1)
		} else {
			e.uvarint(0)
		}
	}
}

func (e *encoder) str(s string) {
	if s == "" {
		e.uvarint(strEmpty)
		return
	}
	if off, ok := sliceOf(e.text, s); ok {
		e.uvarint(uint64(off)<<3 | strText)
		e.uvarint(uint64(len(s)))
		return
	}
	if off, ok := sliceOf(e.path, s); ok {
		e.uvarint(uint64(off)<<3 | strPath)
		e.uvarint(uint64(len(s)))
		return
	}
	if k, ok := e.table[s]; ok {
		e.uvarint(uint64(k)<<3 | strTable)
		return
	}
	for k := max(0, len(e.list)-tableSliceWindow); k < len(e.list); k++ {
		if off, ok := sliceOf(e.list[k], s); ok {
			e.uvarint(uint64(k)<<3 | strTableSlice)
			e.uvarint(uint64(off))
			e.uvarint(uint64(len(s)))
			return
		}
	}
	e.table[s] = len(e.list)
	e.list = append(e.list, s)
	e.uvarint(uint64(len(s))<<3 | strBytes)
	e.b = append(e.b, s...)
}

// sliceOf reports whether s shares outer's memory (is a slice of it, not
// merely equal to a part of it), and at which offset. Comparing addresses is
// the only way to know; the pointers are only compared, never made.
func sliceOf(outer, s string) (int, bool) {
	if len(s) == 0 || len(outer) == 0 {
		return 0, false
	}
	o := uintptr(unsafe.Pointer(unsafe.StringData(outer)))
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	if p < o || p-o > uintptr(len(outer)-len(s)) || len(s) > len(outer) {
		return 0, false
	}
	return int(p - o), true
}

// errBadNote is any encoded Note that does not decode to one of the given size.
var errBadNote = errors.New("note cache: malformed entry")

// decoder reads an encoded Note; bad sticks once anything is out of range, so
// the reads need no check each, and the end result is discarded.
type decoder struct {
	b          []byte
	i          int
	bad        bool
	text, path string // the kept strings and the path, which strings slice
	size       int    // of the note's text, which every span lies within
	table      []string
	keys       []string // the file's link keys
}

// decodeNote decodes b as the Note at path whose text is size bytes long,
// its links' keys numbered in keys. Every string is rebuilt from b (copied),
// path or keys, every span checked against size: whatever b holds, the
// result is a Note without its text whose offsets are all within it, or an
// error; never a panic.
func decodeNote(b []byte, path string, size int, keys []string) (*Note, error) {
	d := decoder{b: b, path: path, size: size, keys: keys}
	k := d.uvarint()
	if d.bad || k > uint64(len(b)-d.i) {
		return nil, errBadNote
	}
	d.text = string(b[d.i : d.i+int(k)])
	d.i += int(k)
	n := &Note{Path: path, kept: d.text, Size: size}
	n.Version = int32(d.varint())
	flags := d.uvarint()
	if flags > 1 {
		d.bad = true
	}
	n.InvalidUTF8 = flags&1 != 0
	n.Lines = d.lines(size)

	fm := &n.Frontmatter
	flags = d.uvarint()
	fm.Present = flags&1 != 0
	fm.Span = d.span()
	if flags&2 != 0 {
		fm.Err = &FrontmatterError{Line: int(d.varint()), Span: d.span(), Message: d.str()}
	}
	if flags&4 != 0 {
		p := flags&8 != 0
		fm.Publish = &p
	}
	fm.Title = d.str()
	fm.Description = d.str()
	if k, ok := d.count(1); ok {
		fm.Aliases = make([]string, k)
		for i := range fm.Aliases {
			fm.Aliases[i] = d.str()
		}
	}
	fm.Tags = d.tags()
	if k, ok := d.count(3); ok {
		fm.Problems = make([]FieldProblem, k)
		for i := range fm.Problems {
			fm.Problems[i] = FieldProblem{Field: d.str(), Span: d.span(), Message: d.str()}
		}
	}

	n.Title = d.str()
	n.Description = d.str()
	n.Lead = d.str()
	n.LeadSpan = d.span()
	if k, ok := d.count(7); ok {
		n.Headings = make([]Heading, k)
		for i := range n.Headings {
			n.Headings[i] = Heading{Level: int(d.varint()), Text: d.str(), Slug: d.str(), Span: d.span(), TextSpan: d.span()}
		}
	}
	if k, ok := d.count(3); ok {
		n.Blocks = make([]Block, k)
		for i := range n.Blocks {
			n.Blocks[i] = Block{ID: d.str(), Span: d.span()}
		}
	}
	n.Tags = d.tags()
	if k, ok := d.count(11); ok {
		n.Links = make([]Link, k)
		for i := range n.Links {
			l := &n.Links[i]
			f := d.uvarint()
			l.Kind = LinkKind(f >> 3)
			if f>>3 > 0xff {
				d.bad = true
			}
			l.Wiki, l.Image, l.External = f&1 != 0, f&2 != 0, f&4 != 0
			l.Span = d.span()
			l.TargetSpan = d.span()
			l.Target = d.str()
			l.Fragment = d.str()
			l.Label = d.str()
			l.Raw = d.str()
			def := d.varint()
			if def < -1 || def >= int64(k) {
				d.bad = true
			}
			l.Def = int32(def)
			if k := d.uvarint(); k > uint64(len(d.keys)) {
				d.bad = true
			} else if k > 0 {
				l.key = d.keys[k-1]
			}
			if d.bad {
				break
			}
		}
	}
	if d.bad || d.i != len(d.b) {
		return nil, errBadNote
	}
	return n, nil
}

func (d *decoder) uvarint() uint64 {
	if d.bad {
		return 0
	}
	v, k := binary.Uvarint(d.b[d.i:])
	if k <= 0 {
		d.bad = true
		return 0
	}
	d.i += k
	return v
}

func (d *decoder) varint() int64 {
	if d.bad {
		return 0
	}
	v, k := binary.Varint(d.b[d.i:])
	if k <= 0 {
		d.bad = true
		return 0
	}
	d.i += k
	return v
}

// count reads a slice length; ok is false for a nil slice. minSize is the
// fewest bytes one element takes, so a damaged length cannot allocate more
// than the entry could hold.
func (d *decoder) count(minSize int) (int, bool) {
	v := d.uvarint()
	if v == 0 || d.bad {
		return 0, false
	}
	if v-1 > uint64(len(d.b)-d.i)/uint64(minSize) {
		d.bad = true
		return 0, false
	}
	return int(v - 1), true
}

func (d *decoder) span() Span {
	start := d.varint()
	length := d.varint()
	if start < 0 || length < 0 || start > int64(d.size) || length > int64(d.size)-start {
		d.bad = true
		return Span{}
	}
	return Span{int(start), int(start + length)}
}

func (d *decoder) tags() []Tag {
	k, ok := d.count(3)
	if !ok {
		return nil
	}
	ts := make([]Tag, k)
	for i := range ts {
		ts[i] = Tag{Name: d.str(), Span: d.span(), InFrontmatter: d.uvarint() != 0}
	}
	return ts
}

func (d *decoder) str() string {
	v := d.uvarint()
	switch v & 7 {
	case strEmpty:
		if v != 0 {
			d.bad = true
		}
		return ""
	case strText:
		return d.slice(d.text, v>>3, d.uvarint())
	case strPath:
		return d.slice(d.path, v>>3, d.uvarint())
	case strBytes:
		n := v >> 3
		if d.bad || n > uint64(len(d.b)-d.i) {
			d.bad = true
			return ""
		}
		s := string(d.b[d.i : d.i+int(n)])
		d.i += int(n)
		d.table = append(d.table, s)
		return s
	case strTable:
		if v>>3 >= uint64(len(d.table)) {
			d.bad = true
			return ""
		}
		return d.table[v>>3]
	case strTableSlice:
		k := v >> 3
		off, n := d.uvarint(), d.uvarint()
		if k >= uint64(len(d.table)) {
			d.bad = true
			return ""
		}
		return d.slice(d.table[k], off, n)
	}
	d.bad = true
	return ""
}

func (d *decoder) slice(s string, off, n uint64) string {
	if d.bad || off > uint64(len(s)) || n > uint64(len(s))-off {
		d.bad = true
		return ""
	}
	return s[off : off+n]
}
