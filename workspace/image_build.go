package workspace

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// imagePart is an index built from an image before its notes are decoded:
// every file, name, tag, resolution, backlink, mention and missing note is
// in place, by path alone; finish adds the notes (and their folded titles).
type imagePart struct {
	ix    *Index
	files []*File // the notes in the image's order, then the assets
	notes int
	first []int // each note's first link, in all its links
}

// startFromImage builds what an image says without the notes, whose paths
// are paths in the image's order, so that it goes on beside their decoding.
// Nothing is resolved; the tables are filled from the stored resolutions,
// as Bulk fills them from fresh ones. An image that does not fit is an
// error (the caller then resolves as usual).
func startFromImage(cfg Config, img *indexImage, paths []string) (*imagePart, error) {
	if img.notes != len(paths) {
		return nil, fmt.Errorf("index image: %d notes, the cache has %d", img.notes, len(paths))
	}
	ix := newIndexSized(cfg, len(paths)+len(img.assets), len(img.keys), len(img.missing))
	fields, err := readFieldTable(img.fields, len(paths))
	if err != nil {
		return nil, err
	}
	ix.fields = fields
	p := &imagePart{ix: ix, notes: len(paths), files: make([]*File, len(paths)+len(img.assets))}
	files := p.files
	parallel(len(files), func(i int) {
		if i < len(paths) {
			files[i] = newFile(paths[i])
			return
		}
		f := newFile(img.assets[i-len(paths)])
		f.keys = fileKeys(f)
		files[i] = f
	})
	for _, f := range files {
		ix.files[f.foldPath] = f
	}
	if len(ix.files) != len(files) {
		return nil, errors.New("index image: two files share a path")
	}
	// The tag table and the folders are the index's parts that nothing
	// below touches: they are filled beside the rest. (On an error below,
	// the goroutine still ends, filling an index no one will read.)
	tags := make(chan error, 1)
	go func() {
		ix.countFoldersOf(files)
		tags <- tagTableFrom(ix, files[:len(paths)], img)
	}()
	// The links' part is read, and the missing notes it counts added,
	// beside the names' tables, which neither touches: at 50,000 notes each
	// took 50–100 ms, one after the other, and building from the image was
	// what a restart waited for last.
	var links imageLinks
	linksRead := make(chan error, 1)
	go func() {
		err := links.read(img, files, len(paths))
		if err == nil {
			// Counted by name once rather than link by link: a lookup by
			// name for each link that finds no note was 2% of a restart at
			// 50,000 notes.
			for i, n := range links.missing {
				if n > 0 {
					ix.addMissing(img.missing[i], int(n))
				}
			}
		}
		linksRead <- err
	}()
	entries := make([]*nameEntry, len(img.keys))
	for i, k := range img.keys {
		// The keys are the image's copies already (see entry).
		e := &nameEntry{key: k}
		ix.byName[k] = e
		entries[i] = e
	}
	if len(ix.byName) != len(entries) {
		return nil, errors.New("index image: a key twice")
	}
	for _, f := range files[len(paths):] {
		ix.key(f)
	}
	keysErr := noteKeysFrom(files[:len(paths)], entries, img.names)
	if err := <-linksRead; err != nil || keysErr != nil {
		return nil, cmp.Or(err, keysErr)
	}
	p.first = links.first
	// The links' keys are not checked against the image's: both were
	// written by one Save, under checksums, and reading every link again
	// would cost a cache miss each. The decoded keys share the cache file's
	// table, so there is nothing to intern either.
	linkTablesFrom(files[:len(paths)], files, entries, p.first, links.keyOrd, links.tgtOrd)
	if err := <-tags; err != nil {
		return nil, err
	}
	return p, nil
}

// imageLinks is the links' part of an image as read: each note's
// resolutions (into its file), the key and target ordinal of every link,
// for the tables, and the count of links to each missing name.
type imageLinks struct {
	first          []int // each note's first link, in all its links
	keyOrd, tgtOrd []uint32
	missing        []int32
}

// read reads img's links, in order, for its first notes files; the names'
// entries need not be in place. One array holds every note's resolutions;
// each note's part is capped, so an edit that replaces them cannot write
// into a neighbour's.
func (l *imageLinks) read(img *indexImage, files []*File, notes int) error {
	d := decoder{b: img.links}
	l.first = make([]int, notes+1)
	all := make([]stored, img.total)
	l.keyOrd = make([]uint32, len(all))
	l.tgtOrd = make([]uint32, len(all))
	l.missing = make([]int32, len(img.missing))
	for n, f := range files[:notes] {
		k := d.uvarint()
		if d.bad || k > uint64(len(all)-l.first[n]) {
			return errBadImage
		}
		l.first[n+1] = l.first[n] + int(k)
		res := all[l.first[n]:l.first[n+1]:l.first[n+1]]
		for i := range res {
			key, t, s := d.uvarint(), d.uvarint(), d.uvarint()
			if d.bad || key > uint64(len(img.keys)) || t > uint64(len(files)) || t >= anchoredBit || s&7 > uint64(OutsideVault) || s>>4 > uint64(len(files)) {
				return errBadImage
			}
			if t > 0 {
				res[i].target = files[t-1]
			}
			res[i].status = Status(s & 7)
			res[i].candidates = int32(s >> 4)
			l.keyOrd[l.first[n]+i] = uint32(key)
			l.tgtOrd[l.first[n]+i] = uint32(t)
			if s&8 != 0 {
				l.tgtOrd[l.first[n]+i] |= anchoredBit
			}
			if res[i].status == NoSuchNote && key != 0 {
				m := d.uvarint()
				if d.bad || m > uint64(len(img.missing)) {
					return errBadImage
				}
				if m > 0 {
					l.missing[m-1]++
				}
			}
		}
		if len(res) > 0 {
			f.resolved = res
		}
	}
	if d.i != len(d.b) || l.first[notes] != len(all) {
		return errBadImage
	}
	return nil
}

// finish adds the decoded notes, which must be the image's in its order.
func (p *imagePart) finish(notes []*Note) (*Index, error) {
	if len(notes) != p.notes {
		return nil, fmt.Errorf("index image: %d notes, the cache has %d", p.notes, len(notes))
	}
	ix, files := p.ix, p.files
	for i, n := range notes {
		if n.Path != files[i].Path || n.linkCount() != p.first[i+1]-p.first[i] {
			return nil, fmt.Errorf("index image: %s is not the image's note", n.Path)
		}
	}
	parallel(len(notes), func(i int) {
		f, n := files[i], notes[i]
		f.Note = n
		f.FoldedTitle = fold(n.Title)
	})
	for k, e := range ix.byName {
		ix.dropIfEmpty(k, e) // none in an image imageSource.encode wrote
	}
	return ix, nil
}

// noteKeysFrom files notes under their names, as key does with the keys
// fileKeys gives, from the image's numbers for them in entries. The notes'
// keys share one array, each capped.
func noteKeysFrom(notes []*File, entries []*nameEntry, b []byte) error {
	d := decoder{b: b}
	total := 0
	for range notes {
		k := d.uvarint()
		if d.bad || k > uint64(len(d.b)-d.i) {
			return errBadImage
		}
		for range k {
			if o := d.uvarint(); d.bad || o >= uint64(len(entries)) {
				return errBadImage
			}
		}
		total += int(k)
	}
	if d.i != len(d.b) {
		return errBadImage
	}
	all := make([]string, 0, total)
	d = decoder{b: b}
	for _, f := range notes {
		from := len(all)
		for range d.uvarint() {
			e := entries[d.uvarint()]
			all = append(all, e.key)
			// A note's own keys may repeat (an alias that is its name).
			if len(e.files) == 0 || e.files[len(e.files)-1] != f {
				e.files = append(e.files, f)
			}
		}
		f.keys = all[from:len(all):len(all)]
	}
	return nil
}

// tagTableFrom fills the tag table of notes from the image's tags, as
// tagTable fills it from the notes (see tagMaps).
func tagTableFrom(ix *Index, notes []*File, img *indexImage) error {
	count := make([]int, len(img.tagNames))
	d := decoder{b: img.tags}
	for range notes {
		k := d.uvarint()
		if d.bad || k > uint64(len(d.b)-d.i) {
			return errBadImage
		}
		for range k {
			t := d.uvarint()
			if d.bad || t >= uint64(len(count)) {
				return errBadImage
			}
			count[t]++
		}
	}
	if d.i != len(d.b) {
		return errBadImage
	}
	maps := tagMaps(notes, count, func(use func(note, tag int)) {
		d := decoder{b: img.tags}
		for i := range notes {
			for range d.uvarint() {
				use(i, int(d.uvarint()))
			}
		}
	})
	for t, m := range maps {
		if m == nil {
			continue
		}
		k := img.tagNames[t]
		if ix.tags[k] != nil {
			return errBadImage // a name twice
		}
		ix.tags[k] = m
		ix.countTagPages(k, 1, nil)
	}
	return nil
}

// anchoredBit marks, in a target ordinal, a link with a fragment.
const anchoredBit = 1 << 31

// linkTablesFrom fills the backlinks and mentions of the links of notes,
// whose key and target ordinals (in entries and files) are keyOrd and
// tgtOrd from first[i] for notes[i]. The lists are counted first, then
// filled in place in one array each: appending to 1.5 million lists one
// element at a time is most of what building from an image would cost
// otherwise. The two tables are filled side by side; each pass indexes
// small arrays by ordinal and never reads an entry or a File, which would
// be a cache miss per link.
func linkTablesFrom(notes, files []*File, entries []*nameEntry, first []int, keyOrd, tgtOrd []uint32) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		backlinksFrom(notes, files, first, keyOrd, tgtOrd)
	}()
	mentionsFrom(notes, entries, first, keyOrd)
	<-done
}

// backlinksFrom fills the backlinks of files (see linkTablesFrom). A link
// with no key (external, or to its own note) is in no table, as in addLinks.
func backlinksFrom(notes, files []*File, first []int, keyOrd, tgtOrd []uint32) {
	at := make([]int32, len(files)+1) // counts, then where each list starts
	for i, t := range tgtOrd {
		if t &^= anchoredBit; t != 0 && keyOrd[i] != 0 {
			at[t]++
		}
	}
	for i := 1; i < len(at); i++ {
		at[i] += at[i-1]
	}
	backs := make([]LinkRef, at[len(files)])
	fill := slices.Clone(at[:len(files)])
	for i, f := range notes {
		keys := keyOrd[first[i]:first[i+1]]
		for j, t := range tgtOrd[first[i]:first[i+1]] {
			if k := t &^ anchoredBit; k != 0 && keys[j] != 0 {
				backs[fill[k-1]] = LinkRef{From: f, Index: int32(j), anchored: t&anchoredBit != 0}
				fill[k-1]++
			}
		}
	}
	// Each list is capped at its length, so that appending to one (an
	// edit) cannot write into the next.
	for i, f := range files {
		if from, to := at[i], at[i+1]; to > from {
			f.backlinks = backs[from:to:to]
		}
	}
}

// mentionsFrom fills the mentions of entries (see linkTablesFrom): each
// note once per key, in the notes' order.
func mentionsFrom(notes []*File, entries []*nameEntry, first []int, keyOrd []uint32) {
	at := make([]int32, len(entries)+1)
	last := make([]int32, len(entries)) // the last note (+1) counted for a key
	for i := range notes {
		for _, k := range keyOrd[first[i]:first[i+1]] {
			if k != 0 && last[k-1] != int32(i)+1 {
				last[k-1] = int32(i) + 1
				at[k]++
			}
		}
	}
	for i := 1; i < len(at); i++ {
		at[i] += at[i-1]
	}
	ments := make([]*File, at[len(entries)])
	fill := slices.Clone(at[:len(entries)])
	clear(last)
	for i, f := range notes {
		for _, k := range keyOrd[first[i]:first[i+1]] {
			if k != 0 && last[k-1] != int32(i)+1 {
				last[k-1] = int32(i) + 1
				ments[fill[k-1]] = f
				fill[k-1]++
			}
		}
	}
	for i, e := range entries {
		if from, to := at[i], at[i+1]; to > from {
			e.mentions = ments[from:to:to]
		}
	}
}

// parallel calls fn(i) for every i below n on all cores, in chunks.
func parallel(n int, fn func(i int)) {
	const chunk = 64
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, n)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(chunk)) - chunk
				if i >= n {
					return
				}
				for j := i; j < min(i+chunk, n); j++ {
					fn(j)
				}
			}
		}()
	}
	wg.Wait()
}
