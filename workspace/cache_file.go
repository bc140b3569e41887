package workspace

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

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
		body     []byte // the whole body, which sum covers
		sum      uint32
		path     string
		head     []byte // what follows the path in body; nil when it does not parse
		e        cacheEntry
		from, to int // in data
	}
	// The entries are counted first, so that the lists are made once.
	count := 0
	for r := rest; len(r) > 0; count++ {
		n, k := binary.Uvarint(r)
		if k <= 0 || n > uint64(len(r)-k) || uint64(len(r)-k)-n < 4 {
			break
		}
		r = r[k+int(n)+4:]
	}
	list := make([]frame, 0, count)
	paths := make([]string, 0, count)
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
		f.path, f.head, _ = entryPath(body) // checked with the sum, by the workers
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
					// Nothing kept points into data, which is unmapped after.
					body, head := f.body, f.head
					f.body, f.head = nil, nil
					if crc32.Checksum(body, castagnoli) != f.sum || head == nil {
						continue // no note: counted as damaged below
					}
					e, enc, ok := readEntryHead(head)
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

// stringsSize is at least how many bytes appendStrings(nil, list) makes,
// so that its buffer is allocated once.
func stringsSize(list []string) int {
	size := 2 * binary.MaxVarintLen64
	for _, s := range list {
		size += len(s) + binary.MaxVarintLen32
	}
	return size
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

func writeCache(ctx context.Context, f *os.File, records []cacheRecord, image []byte) error {
	w := bufio.NewWriterSize(f, 1<<20)
	hdr := []byte(cacheMagic)
	hdr = binary.AppendUvarint(hdr, cacheFormat)
	hdr = binary.AppendUvarint(hdr, parserVersion)
	hdr = appendBytes(hdr, buildID())
	hdr = binary.AppendUvarint(hdr, uint64(len(image)))
	if len(image) > 0 {
		// Written as it is, not appended to the header: at 50,000 notes
		// that copy of the 12 MB image, grown twice, was 27 MB allocated
		// when the heap is at its fullest.
		if _, err := w.Write(hdr); err != nil {
			return err
		}
		if _, err := w.Write(image); err != nil {
			return err
		}
		hdr = binary.LittleEndian.AppendUint32(hdr[:0], crc32.Checksum(image, castagnoli))
	}
	// The link keys are numbered before any note is written: a decoded
	// link takes its key from the one table instead of a string of its own
	// (a million and a half of them at 50,000 notes).
	enc := encoder{keyIDs: map[string]uint32{}}
	for _, r := range records {
		// Links a restart has not decoded are decoded here and again to be
		// written, and not kept: kept, 156 MB at 50,000 notes, for good.
		links := r.note.linksUnkept(&enc.links)
		for i := range links {
			enc.keyID(links[i].key)
		}
	}
	keys := appendStrings(make([]byte, 0, stringsSize(enc.keys)), enc.keys)
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
