package workspace

import (
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"
	"unsafe"
)

// An encoded Note starts with every one of its strings, end to end, decoded
// as one string (Note.kept): the kept strings of a parsed note (see
// dropText), then the strings that are not slices of them (decoded %20
// targets, plain-text labels and leads, slugs, YAML values), each once. A
// string in the rest is a uvarint whose low 3 bits say what follows: a
// slice of that block (strKept) or of the Path (a title from the file name),
// stored as an offset and decoded as a slice. Decoding a Note then allocates
// its strings once, not each on its own: at 50,000 notes that was 450,000
// small allocations per restart, the leads alone 16 MB.
const (
	strEmpty = iota // the uvarint is 0
	strKept         // >>3 is the offset in the strings' block; then uvarint length
	strPath         // >>3 is the offset in Path; then uvarint length
)

// extraSliceWindow is how many of the latest strings added to the block a
// string is checked to be a slice of: a link's key follows its target, so a
// few are enough.
const extraSliceWindow = 8

// encoder appends Notes. Its buffers are reused from one Note to the next.
type encoder struct {
	b          []byte // the Note after its strings' block
	details    []byte // its noteDetails, before they go into b
	text, path string
	// extra are the Note's strings that are not slices of text or path, end
	// to end: the block is text then extra. offsets has each one's offset
	// in extra, by content; recent are the latest ones added.
	extra   []byte
	offsets map[string]int
	recent  []extraString
	// keyIDs numbers the link keys of every Note the encoder writes, in
	// keys; they outlast each Note.
	keyIDs map[string]uint32
	keys   []string
	// links holds the links of a Note from the note cache that no one has
	// asked for, decoded to be written again (Note.linksUnkept).
	links []Link
}

// extraString is a string added to an encoder's extra at off.
type extraString struct {
	s   string
	off int
}

func (e *encoder) appendNote(b []byte, n *Note) []byte {
	if e.offsets == nil {
		e.offsets = map[string]int{}
	}
	clear(e.offsets)
	kept := n.kept
	if n.Text != "" {
		kept = n.Text // not expected (a load's notes have dropped it), but as good
	}
	*e = encoder{b: e.b[:0], details: e.details[:0], text: kept, path: n.Path, extra: e.extra[:0],
		offsets: e.offsets, recent: e.recent[:0], keyIDs: e.keyIDs, keys: e.keys, links: e.links}
	e.varint(int64(n.Version))
	flags := uint64(0)
	if n.InvalidUTF8 {
		flags |= 1
	}
	e.uvarint(flags)

	fm := &n.Frontmatter
	flags = 0
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
	e.str(fm.fields)

	e.str(n.Title)
	e.str(n.Description)
	e.noteDetails(n.details())
	links := n.linksUnkept(&e.links)
	e.count(len(links), links == nil)
	for i := range links {
		l := &links[i]
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
	b = binary.AppendUvarint(b, uint64(len(e.text)+len(e.extra)))
	b = append(b, e.text...)
	b = append(b, e.extra...)
	b = append(b, e.b...)
	e.text, e.path = "", ""
	clear(e.recent) // do not pin the last Note's strings
	return b
}

// noteDetails appends d after its length, so that a decoder can take them
// as they are (see lazyDetails).
func (e *encoder) noteDetails(d *noteDetails) {
	note := e.b
	e.b = e.details
	e.count(len(d.longLines), d.longLines == nil)
	for _, sp := range d.longLines {
		e.span(sp)
	}
	e.lines(d.lines)
	e.str(d.lead)
	e.span(d.leadSpan)
	e.count(len(d.headings), d.headings == nil)
	for _, h := range d.headings {
		e.varint(int64(h.Level))
		e.str(h.Text)
		e.str(h.Slug)
		e.span(h.Span)
		e.span(h.TextSpan)
	}
	e.count(len(d.blocks), d.blocks == nil)
	for _, bl := range d.blocks {
		e.str(bl.ID)
		e.span(bl.Span)
		e.span(bl.Named)
	}
	e.tags(d.tags)
	e.details, e.b = e.b, note
	e.uvarint(uint64(len(e.details)))
	e.b = append(e.b, e.details...)
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
		e.kept(off, len(s))
		return
	}
	if off, ok := sliceOf(e.path, s); ok {
		e.uvarint(uint64(off)<<3 | strPath)
		e.uvarint(uint64(len(s)))
		return
	}
	if off, ok := e.offsets[s]; ok {
		e.kept(len(e.text)+off, len(s))
		return
	}
	for _, x := range e.recent[max(0, len(e.recent)-extraSliceWindow):] {
		if off, ok := sliceOf(x.s, s); ok {
			e.kept(len(e.text)+x.off+off, len(s))
			return
		}
	}
	off := len(e.extra)
	e.offsets[s] = off
	e.recent = append(e.recent, extraString{s, off})
	e.extra = append(e.extra, s...)
	e.kept(len(e.text)+off, len(s))
}

// kept writes the string at off in the strings' block.
func (e *encoder) kept(off, n int) {
	e.uvarint(uint64(off)<<3 | strKept)
	e.uvarint(uint64(n))
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
	text, path string   // the strings' block and the path, which strings slice
	size       int      // of the note's text, which every span lies within
	keys       []string // the file's link keys
}

// decodeNote decodes b as the Note at path whose text is size bytes long,
// its links' keys numbered in keys. Every string is a slice of the strings'
// block (copied from b, once), of path or of keys, and every span is checked
// against size, here or when the links and details are decoded (see
// encodedLinks, lazyDetails): whatever b holds, the result is a Note without
// its text whose offsets are all within it, or an error; never a panic.
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
	fm.fields = d.str()

	n.Title = d.str()
	n.Description = d.str()
	if k := d.uvarint(); d.bad || k > uint64(len(d.b)-d.i) {
		d.bad = true
	} else {
		b := make([]byte, k) // not bytes.Clone, which clears what it rounds up to
		copy(b, d.b[d.i:])
		d.i += int(k)
		n.lazy = &lazyDetails{b: b}
	}
	if k, ok := d.count(11); ok {
		n.links, n.encoded = d.links(k)
	}
	if d.bad || d.i != len(d.b) {
		return nil, errBadNote
	}
	return n, nil
}

// lazyDetails are a cached Note's details as its cache entry holds them,
// decoded into it when first asked for (Note.details).
type lazyDetails struct {
	once sync.Once
	b    []byte // dropped once decoded
}

// decode decodes the details of n. They are checked as the rest of an entry
// is, every span within the note; but they are read after the entry's
// checksum was, so damage is not expected here: were there any, the note
// would have no details but a Lines of one line.
func (l *lazyDetails) decode(n *Note) noteDetails {
	d := decoder{b: l.b, text: n.kept, path: n.Path, size: n.Size}
	out := d.noteDetails()
	if d.bad || d.i != len(d.b) {
		return noteDetails{lines: &Lines{starts: []int32{0}, size: n.Size}}
	}
	return out
}

// noteDetails reads what encoder.noteDetails wrote, without its length.
func (d *decoder) noteDetails() (n noteDetails) {
	if k, ok := d.count(2); ok {
		n.longLines = make([]Span, k)
		for i := range n.longLines {
			n.longLines[i] = d.span()
		}
	}
	n.lines = d.lines(d.size)
	n.lead = d.str()
	n.leadSpan = d.span()
	if k, ok := d.count(7); ok {
		n.headings = make([]Heading, k)
		for i := range n.headings {
			n.headings[i] = Heading{Level: int(d.varint()), Text: d.str(), Slug: d.str(), Span: d.span(), TextSpan: d.span()}
		}
	}
	if k, ok := d.count(3); ok {
		n.blocks = make([]Block, k)
		for i := range n.blocks {
			n.blocks[i] = Block{ID: d.str(), Span: d.span(), Named: d.span()}
		}
	}
	n.tags = d.tags()
	return n
}

func (d *decoder) uvarint() uint64 {
	// Most numbers in a Note (flags, lengths, table entries) take one byte.
	if d.i < len(d.b) && d.b[d.i] < 0x80 && !d.bad {
		d.i++
		return uint64(d.b[d.i-1])
	}
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

// varint is binary.Varint's zigzag decoding of a uvarint.
func (d *decoder) varint() int64 {
	u := d.uvarint()
	return int64(u>>1) ^ -int64(u&1)
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
	case strKept:
		return d.slice(d.text, v>>3, d.uvarint())
	case strPath:
		return d.slice(d.path, v>>3, d.uvarint())
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

// links takes the k links that end an encoded Note as they are, to be
// decoded when asked for (Note.Links). They are not read here: reading 1.5
// million links is a fifth of a restart at 50,000 notes, and what it would
// guard against, a damaged entry, is what the entry's checksum is for.
// Decoding them later is checked as decoding here is, so that whatever the
// bytes hold, every span and index in the links is within the note.
func (d *decoder) links(k int) ([]Link, *encodedLinks) {
	if k == 0 {
		return []Link{}, nil
	}
	b := make([]byte, len(d.b)-d.i) // not bytes.Clone, which clears what it rounds up to
	copy(b, d.b[d.i:])
	d.i = len(d.b)
	return nil, &encodedLinks{count: k, b: b, keys: d.keys}
}

// link reads one link of a Note with k links into l.
func (d *decoder) link(l *Link, k int) {
	f := d.uvarint()
	if f>>3 > 0xff {
		d.bad = true
	}
	*l = Link{Kind: LinkKind(f >> 3), Wiki: f&1 != 0, Image: f&2 != 0, External: f&4 != 0}
	l.Span = d.span()
	l.TargetSpan = d.span()
	l.Target = d.str()
	l.Fragment = d.str()
	l.Label = d.str()
	l.Raw = d.str()
	def := d.varint()
	if def < -1 || def >= int64(k) {
		d.bad = true
		def = -1
	}
	l.Def = int32(def)
	if key := d.uvarint(); key > uint64(len(d.keys)) {
		d.bad = true
	} else if key > 0 {
		l.key = d.keys[key-1]
	}
}

// encodedLinks are a cached Note's links as its cache entry holds them.
type encodedLinks struct {
	once  sync.Once
	count int
	// asked says LinksInto decoded them once without keeping them.
	asked atomic.Bool
	// What decoding reads, dropped (under mu, which LinksInto holds while
	// it reads them) once they are decoded and kept.
	mu   sync.Mutex
	b    []byte   // the links' part of the entry, copied
	keys []string // the cache file's link keys
}

func (e *encodedLinks) decoder(n *Note) decoder {
	return decoder{b: e.b, text: n.kept, path: n.Path, size: n.Size, keys: e.keys}
}

// decode decodes the links into buf, count long, or a new slice when buf
// is nil. It goes on past damage, every read then giving zero or "": the
// result always has count links, every span within the note and every Def
// in range.
func (e *encodedLinks) decode(n *Note, buf []Link) []Link {
	if buf == nil {
		buf = make([]Link, e.count)
	}
	d := e.decoder(n)
	for i := range buf {
		d.link(&buf[i], e.count)
	}
	return buf
}
