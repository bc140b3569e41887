package workspace

import (
	"sort"
	"strings"
)

// Snapshot is a consistent read view of the Index: it holds the read lock
// until Release, so an update waits rather than changing what a reader sees.
// Do not take a second Snapshot on the same goroutine before releasing the
// first (a waiting writer would deadlock them).
type Snapshot struct {
	ix *Index
}

// Snapshot opens a read view. Call Release when done.
func (ix *Index) Snapshot() *Snapshot {
	ix.mu.RLock()
	return &Snapshot{ix: ix}
}

// Release ends the read view.
func (s *Snapshot) Release() { s.ix.mu.RUnlock() }

// Unlocked runs fn without the read lock, then takes it again: a search
// that reads every note from disk does it there, with the notes it took
// from the snapshot (a Note does not change), so that edits to the index
// need not wait for it. fn must not use the snapshot nor read a File's
// fields, which edits change; after it, the view is the index as it is
// then.
func (s *Snapshot) Unlocked(fn func()) {
	s.ix.mu.RUnlock()
	defer s.ix.mu.RLock()
	fn()
}

// Config is the configuration in force.
func (s *Snapshot) Config() *Config { return &s.ix.cfg }

// File finds a file by vault path (case-insensitive, NFC).
func (s *Snapshot) File(p string) *File { return s.ix.files[fold(p)] }

// Notes lists every note, sorted by path.
func (s *Snapshot) Notes() []*File {
	out := make([]*File, 0, len(s.ix.files))
	for _, f := range s.ix.files {
		if f.Note != nil {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Files lists every file, notes and others, sorted by path.
func (s *Snapshot) Files() []*File {
	out := make([]*File, 0, len(s.ix.files))
	for _, f := range s.ix.files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Resolve resolves the i-th link of f's note under the primary profile,
// fragment included.
func (s *Snapshot) Resolve(f *File, i int) Resolution {
	return s.ResolveAt(f, i, &f.Note.Links()[i])
}

// ResolveAt is Resolve of l, the i-th link of f's note as the caller holds
// it (from Note.LinksInto).
func (s *Snapshot) ResolveAt(f *File, i int, l *Link) Resolution {
	p := s.ix.cfg.Primary()
	var r Resolution
	if res := f.resolved; i < len(res) && res[i].status == Resolved && res[i].target != nil {
		// The common case, from the index; anything else is resolved again for
		// the details (few links are broken, and those are asked about rarely).
		r = Resolution{Status: Resolved, Profile: linkProfile(p, l), Target: res[i].target}
	} else {
		r = s.ix.resolvePath(p, f, l)
	}
	r = resolveFragment(r.Profile, r, l)
	if !r.OK() {
		for _, other := range s.ix.cfg.Profiles[min(1, len(s.ix.cfg.Profiles)):] {
			if o := resolveFragment(linkProfile(other, l), s.ix.resolvePath(other, f, l), l); o.OK() {
				r.ResolvesUnder = append(r.ResolvesUnder, other)
			}
		}
	}
	return r
}

// Target is the file the i-th link of f's note leads to under the primary
// profile, its fragment aside, or nil: what moving files asks of thousands
// of links, without the heading lookup of Resolve.
func (s *Snapshot) Target(f *File, i int) *File {
	if res := f.resolved; i < len(res) && res[i].status == Resolved && res[i].target != nil {
		return res[i].target
	}
	return s.ix.resolvePath(s.ix.cfg.Primary(), f, &f.Note.Links()[i]).Target
}

// ResolveAs resolves the i-th link of f's note under profile p.
func (s *Snapshot) ResolveAs(p Profile, f *File, i int) Resolution {
	return s.ResolveAsAt(p, f, i, &f.Note.Links()[i])
}

// ResolveAsAt is ResolveAs of l, the i-th link of f's note as the caller
// holds it (from Note.LinksInto).
func (s *Snapshot) ResolveAsAt(p Profile, f *File, i int, l *Link) Resolution {
	if p == s.ix.cfg.Primary() {
		return s.ResolveAt(f, i, l)
	}
	return resolveFragment(p, s.ix.resolvePath(p, f, l), l)
}

// ResolveLink resolves a link that is not (yet) part of a note in the index,
// such as one being typed, as if written in from.
func (s *Snapshot) ResolveLink(from *File, l *Link) Resolution {
	r := s.ix.resolvePath(s.ix.cfg.Primary(), from, l)
	return resolveFragment(r.Profile, r, l)
}

// Backlinks lists the links that resolve to f, sorted by source path and position.
func (s *Snapshot) Backlinks(f *File) []LinkRef {
	out := append([]LinkRef(nil), f.backlinks...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].From.Path != out[j].From.Path {
			return out[i].From.Path < out[j].From.Path
		}
		return out[i].Index < out[j].Index
	})
	return out
}

// AnchoredBacklinks calls fn, in no order, for each link to f that names a
// heading or block: counting the links to each heading needs only those, and
// the index knows which they are without reading the links.
func (s *Snapshot) AnchoredBacklinks(f *File, fn func(LinkRef)) {
	for _, r := range f.backlinks {
		if r.anchored {
			fn(r)
		}
	}
}

// BacklinkCount is len(Backlinks(f)) without the copy.
func (s *Snapshot) BacklinkCount(f *File) int { return len(f.backlinks) }

// ByName lists the files found under a name (case-insensitive; also index
// notes by folder name and notes by alias).
func (s *Snapshot) ByName(name string) []*File { return s.ix.named(nameKey(name)) }

// Tags lists every tag with the number of notes using it, by name.
func (s *Snapshot) Tags() []TagCount {
	out := make([]TagCount, 0, len(s.ix.tags))
	for key, notes := range s.ix.tags {
		// Show the spelling of the first note, in path order, that uses the tag.
		var first *File
		for f := range notes {
			if first == nil || f.Path < first.Path {
				first = f
			}
		}
		name := key
		for _, t := range first.Note.Tags() {
			if fold(t.Name) == key {
				name = t.Name
				break
			}
		}
		out = append(out, TagCount{Name: name, Notes: len(notes)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// TagCount is a tag and how many notes use it.
type TagCount struct {
	Name  string
	Notes int
}

// TagNotes lists the notes using a tag (case-insensitive), by path.
func (s *Snapshot) TagNotes(tag string) []*File {
	notes := s.ix.tags[fold(strings.TrimPrefix(tag, "#"))]
	out := make([]*File, 0, len(notes))
	for f := range notes {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Missing lists wikilink targets that no file answers, most linked first.
func (s *Snapshot) Missing() []Missing {
	out := make([]Missing, 0, len(s.ix.missing))
	for _, m := range s.ix.missing {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Fold is the form names are compared in: lower case, Unicode NFC.
func Fold(s string) string { return fold(s) }

// Range calls fn for every file, in no particular order (cheaper than Files),
// until fn returns false.
func (s *Snapshot) Range(fn func(*File) bool) {
	for _, f := range s.ix.files {
		if !fn(f) {
			return
		}
	}
}

// MissingCount is how many missing link targets there are.
func (s *Snapshot) MissingCount() int { return len(s.ix.missingNames) }

// RangeMissing calls fn for every missing link target from the from-th to
// before the to-th (of MissingCount, in no order) whose name, in lookup form,
// holds every byte of mask (a CharMask; 0 for all) and every pair of pairs (a
// PairMask; 0 for all), with that name and its place for MissingAt.
func (s *Snapshot) RangeMissing(mask, pairs uint64, from, to int, fn func(folded string, at int)) {
	for i, n := range s.ix.missingNames[from:to] {
		if n.mask&mask == mask && n.pairs&pairs == pairs {
			fn(n.folded, from+i)
		}
	}
}

// MissingAt is the missing link target RangeMissing gave at.
func (s *Snapshot) MissingAt(at int) Missing { return *s.ix.missingList[at] }
