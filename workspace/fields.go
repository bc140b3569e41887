package workspace

import (
	"bytes"
	"iter"
	"strings"
)

// A note's frontmatter keys, recorded while the header is read (by either
// reader, in the order written) so that the index can count what a vault
// uses without reading its notes again: completion offers the keys, and
// the values of keys whose values are picked from a few (status: seedling).
//
// They are one string per note, "key\tvalue\n" per key, the value empty
// when it is not one to offer: at 50,000 notes of eight keys, a pair of
// strings per key would cost 13 MB of string headers alone. A note read
// from disk keeps the string in its kept buffer (dropText).

const (
	// maxFieldKey bounds a recorded key: a longer one is no one's habit.
	maxFieldKey = 64
	// maxFieldValue bounds a recorded value: a longer one is prose, a URL
	// or a list written out, which no one picks from a list.
	maxFieldValue = 40
	// maxFields bounds the keys recorded of one note: a generated header
	// with thousands would cost their square in the search for repeats.
	maxFields = 100
)

// Fields calls yield with each top-level key of the frontmatter, as
// written, and its value when that is a short one-line scalar that other
// notes may share ("" otherwise): not a list or mapping, not null, at most
// maxFieldValue bytes, not a date, and not the value of a key that names
// one note (title, description) or that completion fills otherwise (tags,
// aliases). A header with broken YAML has no keys.
func (fm *Frontmatter) Fields() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for rest := fm.fields; rest != ""; {
			line, more, _ := strings.Cut(rest, "\n")
			key, value, _ := strings.Cut(line, "\t")
			if !yield(key, value) {
				return
			}
			rest = more
		}
	}
}

// appendField records key with its value (value is "" for none: null, a
// list, a mapping), once per key: YAML's duplicate keys are read as both
// readers read them, the first one counted.
func appendField(b []byte, key, value string) []byte {
	if key == "" || len(key) > maxFieldKey || hasControl(key) {
		return b
	}
	if n, found := countFields(b, key); found || n == maxFields {
		return b
	}
	b = append(b, key...)
	b = append(b, '\t')
	if offeredValue(key, value) {
		b = append(b, value...)
	}
	return append(b, '\n')
}

// countFields counts the recorded fields b, up to key if they hold it.
func countFields(b []byte, key string) (n int, found bool) {
	for rest := b; len(rest) > 0; n++ {
		line, more, _ := bytes.Cut(rest, []byte{'\n'})
		if k, _, _ := bytes.Cut(line, []byte{'\t'}); string(k) == key {
			return n, true
		}
		rest = more
	}
	return n, false
}

// offeredValue says whether a key's value is worth counting across the
// vault. What is left out is what is one note's own: its title and
// description, a date, long text. (Values that are short yet one per note,
// an id, are left to the index and completion, which see the whole vault.)
func offeredValue(key, value string) bool {
	if value == "" || len(value) > maxFieldValue || hasControl(value) || dateLike(value) {
		return false
	}
	switch fieldOf(key) {
	case fieldTitle, fieldDescription, fieldTags, fieldAliases:
		return false
	}
	return true
}

// hasControl reports a control character, which the packed form (and a
// completion item) cannot hold: '\t', '\n'.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// dateLike is a value that starts as a YAML date does (2024-03-18, and any
// time after it): the day a note was written or changed, its own.
func dateLike(s string) bool {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
