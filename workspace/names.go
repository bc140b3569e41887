package workspace

import (
	"strings"
	"sync"
)

// NameEntry is a file as completion sees it: its names in lookup form.
// The strings of all entries share one buffer, so a scan over a large vault
// reads memory in order instead of chasing a pointer per note.
type NameEntry struct {
	File  *File
	Stem  string // folded path without a note extension
	Title string // folded title; "" for a file that is not a note
	// Aliases holds the folded aliases that can be linked, each followed by
	// a NUL; "" when there are none.
	Aliases string
}

// nameTable is built on first use and dropped when names change.
type nameTable struct {
	mu      sync.Mutex
	entries []NameEntry
}

// Names lists every file with its folded names, in no particular order.
func (s *Snapshot) Names() []NameEntry {
	ix := s.ix
	ix.names.mu.Lock()
	defer ix.names.mu.Unlock()
	if ix.names.entries == nil {
		ix.names.entries = buildNames(ix.files)
	}
	return ix.names.entries
}

func buildNames(files map[string]*File) []NameEntry {
	var b strings.Builder
	type offs struct{ stem, title, aliases, end int }
	list := make([]*File, 0, len(files))
	at := make([]offs, 0, len(files))
	for _, f := range files {
		o := offs{stem: b.Len()}
		b.WriteString(f.foldStem)
		o.title = b.Len()
		b.WriteString(f.FoldedTitle)
		o.aliases = b.Len()
		if f.Note != nil {
			for _, a := range f.Note.Frontmatter.Aliases {
				if !strings.HasPrefix(a, "#") {
					b.WriteString(fold(a))
					b.WriteByte(0)
				}
			}
		}
		o.end = b.Len()
		list = append(list, f)
		at = append(at, o)
	}
	buf := b.String()
	out := make([]NameEntry, len(list))
	for i, f := range list {
		o := at[i]
		out[i] = NameEntry{File: f, Stem: buf[o.stem:o.title], Title: buf[o.title:o.aliases], Aliases: buf[o.aliases:o.end]}
	}
	return out
}
