package workspace

import (
	"encoding/binary"
	"slices"
)

// The index image holds the vault's frontmatter keys as the index counts
// them (fieldTable), in the aggregate: unlike tags, no key's count names
// its notes, so a restart takes the counts as they are, without waiting
// for the notes to be decoded and walking them. An edit applied after the
// image (a note changed since) removes what the image counted of the old
// note, as any edit does.
//
//	uvarint keys, each in key order: uvarint len, key, uvarint notes,
//	       uvarint values+1 (0: free text), then each value in order:
//	       uvarint len, value, uvarint notes

// appendFieldTable writes t.
func appendFieldTable(b []byte, t fieldTable) []byte {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		u := t[k]
		b = appendBytes(b, k)
		b = binary.AppendUvarint(b, uint64(u.notes))
		if u.free {
			b = binary.AppendUvarint(b, 0)
			continue
		}
		b = binary.AppendUvarint(b, uint64(len(u.values))+1)
		values := make([]string, 0, len(u.values))
		for v := range u.values {
			values = append(values, v)
		}
		slices.Sort(values)
		for _, v := range values {
			b = appendBytes(b, v)
			b = binary.AppendUvarint(b, uint64(u.values[v]))
		}
	}
	return b
}

// readFieldTable reads what appendFieldTable wrote, all of b, for an image
// of notes notes: every count must be possible for that many.
func readFieldTable(b []byte, notes int) (fieldTable, error) {
	d := decoder{b: b}
	k := d.uvarint()
	if d.bad || k > uint64(len(b))/3 { // a key takes three bytes or more
		return nil, errBadImage
	}
	t := make(fieldTable, k)
	for range k {
		key := d.bytes()
		u := &fieldUse{notes: int(d.uvarint())}
		if d.bad || key == "" || u.notes < 1 || u.notes > notes || t[key] != nil {
			return nil, errBadImage
		}
		t[key] = u
		values, ok := d.count(2)
		if !ok {
			u.free = true
			continue
		}
		if values > maxFieldValues {
			return nil, errBadImage
		}
		if values > 0 {
			u.values = make(map[string]int, values)
		}
		for range values {
			v := d.bytes()
			n := d.uvarint()
			if d.bad || v == "" || n < 1 || n > uint64(u.notes) {
				return nil, errBadImage
			}
			u.values[v] = int(n)
		}
		if len(u.values) != values {
			return nil, errBadImage // a value twice
		}
	}
	if d.bad || d.i != len(d.b) {
		return nil, errBadImage
	}
	return t, nil
}

// bytes reads a string appendBytes wrote, copied out of b.
func (d *decoder) bytes() string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.b)-d.i) {
		d.bad = true
		return ""
	}
	s := string(d.b[d.i : d.i+int(n)])
	d.i += int(n)
	return s
}
