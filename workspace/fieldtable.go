package workspace

import (
	"sort"
	"strings"
)

// The index's count of the frontmatter keys notes use (Frontmatter.Fields),
// and of each key's short values, kept up to date as notes come and go:
// completion reads it on every keystroke in a header, and cannot afford to
// walk 50,000 notes.

// maxFieldValues is how many distinct values a key may have and still be
// counted value by value. Past it the key is free text (a name, an id, a
// URL): no one picks its value from a list, and counting each would cost
// memory for nothing. A key that passed it stays free text until the index
// is built again (a restart), even if edits bring it back below: the values
// let go of cannot be counted again without walking every note.
const maxFieldValues = 100

// fieldUse is what the index knows of one key.
type fieldUse struct {
	notes  int            // notes with the key
	values map[string]int // each short value → notes giving it; nil for none or free text
	free   bool           // more than maxFieldValues values were seen
}

// fieldTable maps each key, as written, to its use.
type fieldTable map[string]*fieldUse

// fieldTableOf counts the keys of notes.
func fieldTableOf(notes []*Note) fieldTable {
	t := fieldTable{}
	for _, n := range notes {
		t.count(n, true)
	}
	return t
}

// count adds (or removes) the keys and values of n.
func (t fieldTable) count(n *Note, add bool) {
	for key, value := range n.Frontmatter.Fields() {
		if add {
			t.add(key, value)
		} else {
			t.remove(key, value)
		}
	}
}

func (t fieldTable) add(key, value string) {
	u := t[key]
	if u == nil {
		// Copies of their own, here and below: the strings are slices of a
		// note's kept buffer, which the table would keep alive after an edit.
		u = &fieldUse{}
		t[strings.Clone(key)] = u
	}
	u.notes++
	if value == "" || u.free {
		return
	}
	if c, ok := u.values[value]; ok {
		u.values[value] = c + 1
		return
	}
	if len(u.values) == maxFieldValues {
		u.free, u.values = true, nil
		return
	}
	if u.values == nil {
		u.values = map[string]int{}
	}
	u.values[strings.Clone(value)] = 1
}

func (t fieldTable) remove(key, value string) {
	u := t[key]
	if u == nil {
		return
	}
	if u.notes--; u.notes <= 0 {
		delete(t, key) // and with it, whether it was free text
		return
	}
	if c, ok := u.values[value]; ok && value != "" {
		if c <= 1 {
			delete(u.values, value)
		} else {
			u.values[value] = c - 1
		}
	}
}

// fieldTables adds (or removes) the keys of f's note.
func (ix *Index) fieldTables(f *File, add bool) { ix.fields.count(f.Note, add) }

// FieldCount is a frontmatter key and how many notes use it.
type FieldCount struct {
	Key   string
	Notes int
}

// Fields lists the frontmatter keys the vault's notes use (as written:
// YAML keys are case-sensitive), most used first, then by key.
func (s *Snapshot) Fields() []FieldCount {
	out := make([]FieldCount, 0, len(s.ix.fields))
	for k, u := range s.ix.fields {
		out = append(out, FieldCount{Key: k, Notes: u.notes})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Notes != out[j].Notes {
			return out[i].Notes > out[j].Notes
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// FieldUses is how many notes use key.
func (s *Snapshot) FieldUses(key string) int {
	if u := s.ix.fields[key]; u != nil {
		return u.notes
	}
	return 0
}

// ValueCount is a value of a frontmatter key and how many notes give it.
type ValueCount struct {
	Value string
	Notes int
}

// FieldValues lists the short values the vault's notes give key (see
// Frontmatter.Fields), most used first, then by value. ok is false when
// the key is free text: it had more than a hundred distinct values.
func (s *Snapshot) FieldValues(key string) (values []ValueCount, ok bool) {
	u := s.ix.fields[key]
	if u == nil {
		return nil, true
	}
	if u.free {
		return nil, false
	}
	out := make([]ValueCount, 0, len(u.values))
	for v, n := range u.values {
		out = append(out, ValueCount{Value: v, Notes: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Notes != out[j].Notes {
			return out[i].Notes > out[j].Notes
		}
		return out[i].Value < out[j].Value
	})
	return out, true
}
