package workspace

import "math/bits"

// An encoded Lines, in the note cache, is one uvarint kind and then:
//
//	linesEncNil    nothing: the Lines was nil
//	linesEncText   uvarint len (the note's size), bytes: the kept text, from
//	               which everything else is rebuilt
//	linesEncTable, linesEncCRLF
//	               uvarint n, the number of lines; n-1 uvarints, each line's
//	               start minus the previous one's · linesEncCRLF only:
//	               ceil((n-1)/8) bytes, bit i%8 of byte i/8 set when line i
//	               ends in "\r\n" · uvarint k, the number of multibyte
//	               characters; k uvarints, each (offset - end of the previous
//	               one)<<2 | (size-2)
//
// Deltas keep a typical line's start to one byte and a character's to one or
// two. The note's size is not repeated: the entry has it.
const (
	linesEncTable = iota
	linesEncCRLF
	linesEncText
	linesEncNil
)

// lines appends l.
func (e *encoder) lines(l *Lines) {
	if l == nil {
		e.uvarint(linesEncNil)
		return
	}
	if text, ok := l.text(); ok {
		e.uvarint(linesEncText)
		e.uvarint(uint64(len(text)))
		e.b = append(e.b, text...)
		return
	}
	var crlf []uint64
	if l.more != nil {
		crlf = l.more.crlf
	}
	if crlf != nil {
		e.uvarint(linesEncCRLF)
	} else {
		e.uvarint(linesEncTable)
	}
	e.uvarint(uint64(len(l.starts)))
	for i := 1; i < len(l.starts); i++ {
		e.uvarint(uint64(l.starts[i] - l.starts[i-1]))
	}
	if crlf != nil {
		for k := range (len(l.starts) - 1 + 7) / 8 {
			e.b = append(e.b, byte(crlf[k/8]>>(k%8*8)))
		}
	}
	e.uvarint(uint64(len(l.wide)))
	end := 0
	for _, w := range l.wide {
		off, size := int(w>>2), int(w&3)+1
		e.uvarint(uint64(off-end)<<2 | uint64(size-2))
		end = off + size
	}
}

// lines decodes a Lines of a text of size bytes. Whatever the bytes, it
// returns either a Lines every method of which stays within its arrays, or
// nil with d.bad set: starts must begin at 0 and strictly increase within
// size, a "\r\n" needs its two bytes, and every multibyte character must lie
// within the content of one line, after the previous one. Counts are checked
// against the bytes left before anything is allocated.
func (d *decoder) lines(size int) *Lines {
	kind := d.uvarint()
	if d.bad || size < 0 {
		d.bad = true
		return nil
	}
	switch kind {
	case linesEncNil:
		return nil
	case linesEncText:
		n := d.uvarint()
		if d.bad || n != uint64(size) || n > uint64(len(d.b)-d.i) {
			d.bad = true
			return nil
		}
		text := string(d.b[d.i : d.i+size])
		d.i += size
		return newLines(text, linesText)
	case linesEncTable, linesEncCRLF:
	default:
		d.bad = true
		return nil
	}
	if size >= maxTableText {
		d.bad = true // NewLines keeps such a text
		return nil
	}

	n := d.uvarint()
	if d.bad || n == 0 || n-1 > uint64(len(d.b)-d.i) || n-1 > uint64(size) {
		d.bad = true
		return nil
	}
	starts := make([]int32, n)
	prev := 0
	for i := 1; i < len(starts); i++ {
		delta := d.uvarint()
		if d.bad || delta == 0 || delta > uint64(size-prev) {
			d.bad = true
			return nil
		}
		prev += int(delta)
		starts[i] = int32(prev)
	}
	l := &Lines{starts: starts, size: size}

	if kind == linesEncCRLF {
		breaks := len(starts) - 1 // lines that end in a break
		nb := (breaks + 7) / 8
		if breaks == 0 || nb > len(d.b)-d.i {
			d.bad = true
			return nil
		}
		crlf := make([]uint64, (breaks+63)/64)
		for k, c := range d.b[d.i : d.i+nb] {
			crlf[k/8] |= uint64(c) << (k % 8 * 8)
		}
		d.i += nb
		some := false
		for k, word := range crlf {
			for ; word != 0; word &= word - 1 {
				line := k*64 + bits.TrailingZeros64(word)
				if line >= breaks || starts[line+1]-starts[line] < 2 {
					d.bad = true
					return nil
				}
				some = true
			}
		}
		if !some {
			d.bad = true // linesEncTable says that
			return nil
		}
		l.more = &linesMore{crlf: crlf}
	}

	k := d.uvarint()
	if d.bad || k > uint64(len(d.b)-d.i) || k > uint64(size/2) {
		d.bad = true
		return nil
	}
	if k == 0 {
		return l
	}
	wide := make([]uint32, k)
	end := 0 // of the previous character
	for i := range wide {
		v := d.uvarint()
		gap, width := v>>2, int(v&3)+2
		if d.bad || width > 4 || gap > uint64(size-end) {
			d.bad = true
			return nil
		}
		off := end + int(gap)
		if width > l.End(l.Line(off))-off {
			d.bad = true // past its line's content, or the text
			return nil
		}
		wide[i] = uint32(off)<<2 | uint32(width-1)
		end = off + width
	}
	l.wide = wide
	return l
}
