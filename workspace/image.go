package workspace

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// The index image is the part of the note cache that lets a restart skip
// resolving links, which at 50,000 notes is most of a restart's time (1.5
// million lookups, each a few cache misses). It holds, for the notes of the
// cache file in their order and the vault's other files, every link's
// lookup key and resolution under the primary profile, by ordinal:
//
//	uvarint len, config (JSON of the Config it was resolved under)
//	uvarint notes (the cache file's entries, in order)
//	uvarint assets, each: uvarint len, path
//	uvarint keys, uvarint len, the keys end to end, then each key's length
//	missing names, as the keys: the targets of wikilinks to no note
//	tag names, as the keys: every tag in lookup form (fold)
//	uvarint len, tags: for each note, uvarint its tags, then for each
//	       (Note.Tags(), in order) uvarint tag name
//	uvarint len, names: for each note, uvarint its keys (fileKeys), then
//	       each key's number in keys (from 0)
//	uvarint len, fields: the notes' frontmatter keys as the index counts
//	       them (see image_fields.go)
//	uvarint  links in all
//	links: for each note, uvarint its links, then for each: uvarint key+1
//	       (0: none), uvarint target+1 (0: none; notes, then assets),
//	       uvarint status | 8 if it has a fragment | candidates<<4; a link
//	       to no note with a key then has uvarint missing name+1 (0: it
//	       is not a wikilink)
//
// The missing names, the tags, the notes' names and the fields are there so
// that the index's list of missing notes, its tag table, its name table and
// its field table are built without reading the notes, which are decoded
// meanwhile.
// A load whose files match the image, or differ from it in a few notes,
// builds the index from it and applies the differences as edits; any other
// load resolves every link, as without a cache.

// imageConfig is the form in which an image names the Config it was
// resolved under: all of it, so a setting that one day affects resolution
// cannot be forgotten here (a changed severity costs one full resolve).
func imageConfig(cfg Config) string {
	b, err := json.Marshal(cfg)
	if err != nil {
		return "" // cannot happen for this struct; "" never matches a written image
	}
	return string(b)
}

// indexImage is an image read from the cache file, its links not yet decoded.
type indexImage struct {
	config   string
	notes    int
	assets   []string
	keys     []string
	missing  []string
	tagNames []string
	tags     []byte
	names    []byte // the notes' keys, by number
	fields   []byte // the field table (appendFieldTable)
	total    uint64 // links in all
	links    []byte
}

var errBadImage = errors.New("note cache: malformed index image")

// decodeImage reads an image body. The strings are copied out of b.
func decodeImage(b []byte) (*indexImage, error) {
	d := decoder{b: b}
	img := &indexImage{}
	n := d.uvarint()
	if d.bad || n > uint64(len(b)-d.i) {
		return nil, errBadImage
	}
	img.config = string(b[d.i : d.i+int(n)])
	d.i += int(n)
	img.notes = int(d.uvarint())
	if k, ok := d.count(1); ok {
		img.assets = make([]string, k)
		for i := range img.assets {
			n := d.uvarint()
			if d.bad || n > uint64(len(b)-d.i) {
				return nil, errBadImage
			}
			img.assets[i] = string(b[d.i : d.i+int(n)])
			d.i += int(n)
		}
	}
	if d.bad || img.notes > len(b) {
		return nil, errBadImage
	}
	// One allocation for every key: the index's name entries keep them.
	keys, used, err := readStrings(b[d.i:])
	if err != nil {
		return nil, errBadImage
	}
	img.keys = keys
	d.i += used
	if img.missing, used, err = readStrings(b[d.i:]); err != nil {
		return nil, errBadImage
	}
	d.i += used
	if img.tagNames, used, err = readStrings(b[d.i:]); err != nil {
		return nil, errBadImage
	}
	d.i += used
	n = d.uvarint()
	if d.bad || n > uint64(len(b)-d.i) {
		return nil, errBadImage
	}
	img.tags = b[d.i : d.i+int(n)]
	d.i += int(n)
	n = d.uvarint()
	if d.bad || n > uint64(len(b)-d.i) {
		return nil, errBadImage
	}
	img.names = b[d.i : d.i+int(n)]
	d.i += int(n)
	n = d.uvarint()
	if d.bad || n > uint64(len(b)-d.i) {
		return nil, errBadImage
	}
	img.fields = b[d.i : d.i+int(n)]
	d.i += int(n)
	img.total = d.uvarint()
	if d.bad || img.total > uint64(len(b)-d.i)/3 {
		return nil, errBadImage
	}
	img.links = b[d.i:]
	return img, nil
}

// imageSource is what an image is written from, taken from the index when
// a load ends: a slice header per note, where encoding the image is a third
// of a second at 50,000 notes, which Save spends later, beside the first
// requests. The index may have changed by then; nothing taken here has: a
// note's links never change once it is indexed, and an edit replaces a
// note's resolutions rather than change them in place.
type imageSource struct {
	config   string
	files    []*File // the recorded notes' files, in their order, then the assets'
	notes    []*Note // the recorded notes
	resolved [][]stored
	assets   []string
}

// takeImage takes the image source of ix for the notes of records, in their
// order, and assets. It fails when the index does not hold exactly those
// files (two paths that differ in case only share a File).
func takeImage(ix *Index, cfg Config, records []cacheRecord, assets []string) (*imageSource, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	src := &imageSource{config: imageConfig(cfg), assets: assets,
		files:    make([]*File, 0, len(records)+len(assets)),
		notes:    make([]*Note, 0, len(records)),
		resolved: make([][]stored, 0, len(records))}
	for _, r := range records {
		f := ix.files[fold(r.path)]
		if f == nil || f.Note != r.note || len(f.resolved) != r.note.linkCount() && r.note.linkCount() > 0 {
			return nil, fmt.Errorf("index image: %s is not the index's note", r.path)
		}
		src.files = append(src.files, f)
		src.notes = append(src.notes, r.note)
		src.resolved = append(src.resolved, f.resolved)
	}
	for _, p := range assets {
		f := ix.files[fold(p)]
		if f == nil || f.Note != nil {
			return nil, fmt.Errorf("index image: %s is not the index's file", p)
		}
		src.files = append(src.files, f)
	}
	if len(src.files) != len(ix.files) {
		return nil, fmt.Errorf("index image: %d files given, the index has %d", len(src.files), len(ix.files))
	}
	return src, nil
}

// encode writes the image. Its key table is every key the index had an
// entry for: each link's and each file's, the ones a fresh index makes.
func (src *imageSource) encode() ([]byte, error) {
	ord := make(map[*File]uint64, len(src.files))
	for i, f := range src.files {
		ord[f] = uint64(i) + 1
	}
	keyIDs := map[string]uint64{}
	var keys []string
	keyID := func(k string) uint64 {
		id, ok := keyIDs[k]
		if !ok {
			keys = append(keys, k)
			id = uint64(len(keys))
			keyIDs[k] = id
		}
		return id
	}
	// The Files are only counted, never read: the index may be changing
	// them meanwhile. Their paths and notes are the source's.
	// The buffers get their room up front, near enough: grown by doubling,
	// the links' alone left 45 MB behind them at 50,000 notes, when (a
	// load's save) the heap is at its fullest.
	names := make([]byte, 0, len(src.notes)*12)
	for _, n := range src.notes {
		// What fileKeys reads of a File, on the stack: newFile would also
		// fold its path, 13 MB at 50,000 notes.
		g := File{Path: n.Path, dir: dirOf(n.Path), stem: trimNoteExt(n.Path), Note: n}
		ks := fileKeys(&g)
		names = binary.AppendUvarint(names, uint64(len(ks)))
		for _, k := range ks {
			names = binary.AppendUvarint(names, keyID(k)-1)
		}
	}
	for _, p := range src.assets {
		for _, k := range fileKeys(&File{Path: p, dir: dirOf(p), stem: trimNoteExt(p)}) {
			keyID(k)
		}
	}
	missingIDs := map[string]uint64{}
	var missing []string
	tagIDs := map[string]uint64{}
	var tagNames []string
	tags := make([]byte, 0, len(src.notes)*4)
	for _, n := range src.notes {
		tags = binary.AppendUvarint(tags, uint64(len(n.Tags())))
		for _, t := range n.Tags() {
			k := fold(t.Name)
			id, ok := tagIDs[k]
			if !ok {
				id = uint64(len(tagNames))
				tagNames = append(tagNames, k)
				tagIDs[k] = id
			}
			tags = binary.AppendUvarint(tags, id)
		}
	}
	total := 0
	for _, n := range src.notes {
		total += n.linkCount()
	}
	// A link is three numbers, most under 2^21: seven bytes.
	links := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(src.notes)*2+total*7), uint64(total))
	for i, n := range src.notes {
		nl := n.Links()
		links = binary.AppendUvarint(links, uint64(len(nl)))
		for j := range nl {
			l := &nl[j]
			k := uint64(0)
			if !l.External && l.Target != "" {
				k = keyID(l.lookupKey())
			}
			s := src.resolved[i][j]
			t := uint64(0)
			if s.target != nil {
				if t = ord[s.target]; t == 0 {
					return nil, fmt.Errorf("index image: a link of %s leads outside the index", n.Path)
				}
			}
			links = binary.AppendUvarint(links, k)
			links = binary.AppendUvarint(links, t)
			fragment := uint64(0)
			if l.Fragment != "" {
				fragment = 8
			}
			links = binary.AppendUvarint(links, uint64(s.status)|fragment|uint64(s.candidates)<<4)
			if s.status == NoSuchNote && k != 0 {
				m := uint64(0)
				if l.Wiki {
					if m = missingIDs[l.Target]; m == 0 {
						missing = append(missing, l.Target)
						m = uint64(len(missing))
						missingIDs[l.Target] = m
					}
				}
				links = binary.AppendUvarint(links, m)
			}
		}
	}
	// The notes are the source's, which no edit changes: counted here, the
	// fields are what an index built from them counts.
	fields := appendFieldTable(nil, fieldTableOf(src.notes))
	size := len(src.config) + len(tags) + len(names) + len(fields) + len(links) + 7*binary.MaxVarintLen64 +
		stringsSize(keys) + stringsSize(missing) + stringsSize(tagNames)
	for _, p := range src.assets {
		size += len(p) + binary.MaxVarintLen64
	}
	b := appendBytes(make([]byte, 0, size), src.config)
	b = binary.AppendUvarint(b, uint64(len(src.notes)))
	b = binary.AppendUvarint(b, uint64(len(src.assets))+1)
	for _, p := range src.assets {
		b = appendBytes(b, p)
	}
	b = appendStrings(b, keys)
	b = appendStrings(b, missing)
	b = appendStrings(b, tagNames)
	b = binary.AppendUvarint(b, uint64(len(tags)))
	b = append(b, tags...)
	b = binary.AppendUvarint(b, uint64(len(names)))
	b = append(b, names...)
	b = binary.AppendUvarint(b, uint64(len(fields)))
	b = append(b, fields...)
	return append(b, links...), nil
}
