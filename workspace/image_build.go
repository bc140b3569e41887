package workspace

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// imagePart is an index built from an image before its notes are decoded:
// every file, resolution, backlink and mention is in place, by path alone;
// finish adds the notes and what is read from them (names, tags, the names
// of missing notes).
type imagePart struct {
	ix      *Index
	files   []*File // the notes in the image's order, then the assets
	notes   int
	first   []int    // each note's first link, in all its links
	missing [][2]int // the wikilinks to no note, as note and link, if wikilinks
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
	ix := newIndexSized(cfg, len(paths)+len(img.assets), len(img.keys))
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
		ix.countFolders(f, 1, nil)
	}
	if len(ix.files) != len(files) {
		return nil, errors.New("index image: two files share a path")
	}
	entries := make([]*nameEntry, len(img.keys))
	for i, k := range img.keys {
		entries[i] = ix.entry(k)
	}
	for _, f := range files[len(paths):] {
		ix.key(f)
	}

	// The links' part of the image, read in order: resolutions into each
	// note's table, key and target ordinals for the tables. One array holds
	// every note's resolutions; each note's part is capped, so an edit that
	// replaces them cannot write into a neighbour's.
	d := decoder{b: img.links}
	p.first = make([]int, len(paths)+1)
	all := make([]stored, img.total)
	keyOrd := make([]uint32, len(all))
	tgtOrd := make([]uint32, len(all))
	for n, f := range files[:len(paths)] {
		k := d.uvarint()
		if d.bad || k > uint64(len(all)-p.first[n]) {
			return nil, errBadImage
		}
		p.first[n+1] = p.first[n] + int(k)
		res := all[p.first[n]:p.first[n+1]:p.first[n+1]]
		for i := range res {
			key, t, s := d.uvarint(), d.uvarint(), d.uvarint()
			if d.bad || key > uint64(len(entries)) || t > uint64(len(files)) || t >= anchoredBit || s&7 > uint64(OutsideVault) || s>>4 > uint64(len(files)) {
				return nil, errBadImage
			}
			if t > 0 {
				res[i].target = files[t-1]
			}
			res[i].status = Status(s & 7)
			res[i].candidates = int32(s >> 4)
			keyOrd[p.first[n]+i] = uint32(key)
			tgtOrd[p.first[n]+i] = uint32(t)
			if s&8 != 0 {
				tgtOrd[p.first[n]+i] |= anchoredBit
			}
			if res[i].status == NoSuchNote && key != 0 {
				p.missing = append(p.missing, [2]int{n, i})
			}
		}
		if len(res) > 0 {
			f.resolved = res
		}
	}
	if d.i != len(d.b) || p.first[len(paths)] != len(all) {
		return nil, errBadImage
	}
	// The links' keys are not checked against the image's: both were
	// written by one Save, under checksums, and reading every link again
	// would cost a cache miss each. The decoded keys share the cache file's
	// table, so there is nothing to intern either.
	linkTablesFrom(files[:len(paths)], files, entries, p.first, keyOrd, tgtOrd)
	return p, nil
}

// finish adds the decoded notes, which must be the image's in its order.
func (p *imagePart) finish(notes []*Note) (*Index, error) {
	if len(notes) != p.notes {
		return nil, fmt.Errorf("index image: %d notes, the cache has %d", p.notes, len(notes))
	}
	ix, files := p.ix, p.files
	for i, n := range notes {
		if n.Path != files[i].Path || len(n.Links) != p.first[i+1]-p.first[i] {
			return nil, fmt.Errorf("index image: %s is not the image's note", n.Path)
		}
	}
	parallel(len(notes), func(i int) {
		f, n := files[i], notes[i]
		f.Note = n
		f.FoldedTitle = fold(n.Title)
		f.keys = fileKeys(f)
	})
	tags := make(chan struct{})
	go func() {
		defer close(tags)
		for _, f := range files[:len(notes)] {
			ix.tagTable(f, true, nil)
		}
	}()
	for _, f := range files[:len(notes)] {
		ix.key(f)
	}
	for _, at := range p.missing {
		if l := &notes[at[0]].Links[at[1]]; l.Wiki {
			ix.countMissing(l.Target, true)
		}
	}
	<-tags
	for k, e := range ix.byName {
		ix.dropIfEmpty(k, e) // none in an image imageSource.encode wrote
	}
	return ix, nil
}

// anchoredBit marks, in a target ordinal, a link with a fragment.
const anchoredBit = 1 << 31

// linkTablesFrom fills the backlinks and mentions of the links of notes,
// whose key and target ordinals (in entries and files) are keyOrd and
// tgtOrd from first[i] for notes[i]. The lists are counted first, then
// filled in place in one array shared by all: appending to 1.5 million
// lists one element at a time is most of what building from an image would
// cost otherwise.
func linkTablesFrom(notes, files []*File, entries []*nameEntry, first []int, keyOrd, tgtOrd []uint32) {
	nback := make([]int32, len(files))
	nment := make([]int32, len(entries))
	last := make([]int32, len(entries)) // the last note (+1) counted for a key
	for i := range notes {
		for at := first[i]; at < first[i+1]; at++ {
			key := keyOrd[at]
			if key == 0 {
				continue // external, or to its own note: in no table, as in addLinks
			}
			if last[key-1] != int32(i)+1 {
				last[key-1] = int32(i) + 1
				nment[key-1]++
			}
			if t := tgtOrd[at] &^ anchoredBit; t != 0 {
				nback[t-1]++
			}
		}
	}
	backs := make([]LinkRef, 0, len(keyOrd))
	for i, f := range files {
		if nback[i] > 0 {
			f.backlinks = backs[len(backs) : len(backs) : len(backs)+int(nback[i])]
			backs = backs[:len(backs)+int(nback[i])]
		}
	}
	ments := make([]*File, 0, len(keyOrd))
	for i, e := range entries {
		if nment[i] > 0 {
			e.mentions = ments[len(ments) : len(ments) : len(ments)+int(nment[i])]
			ments = ments[:len(ments)+int(nment[i])]
		}
	}
	for i, f := range notes {
		for j := range first[i+1] - first[i] {
			at := first[i] + j
			key := keyOrd[at]
			if key == 0 {
				continue
			}
			if e := entries[key-1]; len(e.mentions) == 0 || e.mentions[len(e.mentions)-1] != f {
				e.mentions = append(e.mentions, f)
			}
			if t := tgtOrd[at] &^ anchoredBit; t != 0 {
				files[t-1].backlinks = append(files[t-1].backlinks, LinkRef{From: f, Index: int32(j), anchored: tgtOrd[at]&anchoredBit != 0})
			}
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
