package workspace

import (
	"slices"
	"strings"
)

// exactName is one name of an entry of the names' table, by the hash of
// its phrase form (see phraseHash).
type exactName struct {
	hash  uint64
	entry int32
	field int32
}

// FindPhrase calls fn for each note of Names with a name that is phrase as
// prose writes it: its file name, title or an alias, case aside, with '-',
// '_' and runs of white space alike ("feedback-loop" is "Feedback  Loop").
// Names are found by hash in a list sorted once (at 50,000 notes, a phrase
// is some twenty comparisons rather than a scan): prose is full of phrases,
// and linking a mention asks about dozens around the cursor.
func (s *Snapshot) FindPhrase(phrase string, fn func(i, field int)) {
	phrase = fold(phrase)
	h := phraseHash(phrase)
	if h == phraseHash("") {
		return
	}
	t := s.nameTable()
	exact := t.exactNames()
	k, _ := slices.BinarySearchFunc(exact, h, func(e exactName, h uint64) int {
		switch {
		case e.hash < h:
			return -1
		case e.hash > h:
			return 1
		}
		return 0
	})
	for ; k < len(exact) && exact[k].hash == h; k++ {
		e := exact[k]
		i := int(e.entry)
		if t.entries[i].File != nil && samePhrase(nameField(t.text[t.starts[i]:t.starts[i+1]], int(e.field)), phrase) {
			fn(i, int(e.field))
		}
	}
	// The entries added since the table was built, few, one by one.
	for i := t.base; i < len(t.entries); i++ {
		if t.entries[i].IsNote {
			eachField(t.extra[i-t.base], func(field int, name string) {
				if samePhrase(name, phrase) {
					fn(i, field)
				}
			})
		}
	}
}

// exactNames lists the names of the notes the table was built with, sorted
// by hash, made on first use (33 ms and 1.9 MB at 50,000 notes: a cost only
// a vault whose user asks for code actions pays); t.mu is not held.
func (t *nameTable) exactNames() []exactName {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.exact == nil {
		t.exact = buildExactNames(t.text, t.starts, t.entries[:t.base])
	}
	return t.exact
}

func buildExactNames(text string, starts []int32, entries []NameEntry) []exactName {
	out := make([]exactName, 0, len(entries)*2)
	for i := range entries {
		if !entries[i].IsNote {
			continue
		}
		eachField(text[starts[i]:starts[i+1]], func(field int, name string) {
			if h := phraseHash(name); h != phraseHash("") {
				out = append(out, exactName{hash: h, entry: int32(i), field: int32(field)})
			}
		})
	}
	slices.SortFunc(out, func(a, b exactName) int {
		switch {
		case a.hash < b.hash:
			return -1
		case a.hash > b.hash:
			return 1
		}
		return int(a.entry) - int(b.entry)
	})
	return out
}

// eachField calls fn with each name of an entry's names (see writeNames):
// its stem's last segment (the file name), its title, its aliases.
func eachField(names string, fn func(field int, name string)) {
	for field := 0; names != ""; field++ {
		name, rest, _ := strings.Cut(names, "\x00")
		if field == FieldStem {
			name = name[strings.LastIndexByte(name, '/')+1:]
		}
		if name != "" {
			fn(field, name)
		}
		names = rest
	}
}

// nameField is the field-th name of an entry's names, as eachField gives it.
func nameField(names string, field int) string {
	out := ""
	eachField(names, func(f int, name string) {
		if f == field {
			out = name
		}
	})
	return out
}

// phraseByte is b as phrases compare it: separators are one space.
func phraseByte(b byte) byte {
	switch b {
	case '-', '_', '\t', '\n', '\r':
		return ' '
	}
	return b
}

// eachPhraseByte calls fn with the bytes of folded s in phrase form: no
// leading or trailing separators, a run of them one space.
func eachPhraseByte(s string, fn func(b byte) bool) {
	space := false
	started := false
	for i := 0; i < len(s); i++ {
		b := phraseByte(s[i])
		if b == ' ' {
			space = started
			continue
		}
		if space && !fn(' ') {
			return
		}
		space, started = false, true
		if !fn(b) {
			return
		}
	}
}

// phraseHash is FNV-1a of s in phrase form.
func phraseHash(s string) uint64 {
	h := uint64(14695981039346656037)
	eachPhraseByte(s, func(b byte) bool {
		h = (h ^ uint64(b)) * 1099511628211
		return true
	})
	return h
}

// samePhrase compares two folded strings in phrase form.
func samePhrase(a, b string) bool {
	var pa []byte
	eachPhraseByte(a, func(c byte) bool { pa = append(pa, c); return true })
	k, same := 0, true
	eachPhraseByte(b, func(c byte) bool {
		same = k < len(pa) && pa[k] == c
		k++
		return same
	})
	return same && k == len(pa)
}
