package workspace

import (
	"slices"
	"strings"
)

// changed notes that f's names or label may differ (f was added, removed,
// renamed, retitled or given other aliases); the index holds its write lock.
// The table is brought up to date by its next reader (update), so that an
// edit pays nothing and a burst of changes is applied once.
func (t *nameTable) changed(f *File) {
	t.headingsChanged(f)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.entries == nil && t.byTitle == nil {
		return // nothing built: the next reader builds from the files
	}
	if t.pending == nil {
		t.pending = map[*File]struct{}{}
	}
	t.pending[f] = struct{}{}
	if len(t.pending)+len(t.entries)-t.base > patchLimit(t.base) {
		t.drop() // a bulk change (a checkout, a new configuration)
	}
}

// patchLimit is how many entries may be added after a table of base entries
// before it is built again: every query searches the added ones one by one.
// At 50,000 notes the 795 allowed added under 5 µs to the 0.45 ms FindNames
// takes for "pat" (timed with a throwaway benchmark); a build takes 120 ms.
func patchLimit(base int) int { return max(256, base/64) }

// maxTitlePatches is how many files are moved in FilesByTitle's list one by
// one (each a binary search and a shift of the list); more are sorted anew.
const maxTitlePatches = 16

// update applies the pending changes: each changed file's entry is emptied
// (its File set to nil: indices into the entries stay valid) and, if the
// file is still in the vault, a new one added at the end; in FilesByTitle's
// list the file is taken out and put back in its place. t.mu is held.
func (t *nameTable) update(files map[string]*File) {
	if len(t.pending) == 0 {
		return
	}
	changed := make([]*File, 0, len(t.pending))
	for f := range t.pending {
		changed = append(changed, f)
	}
	t.pending = nil
	// In path order, so that the added entries' order does not depend on
	// the map's.
	slices.SortFunc(changed, func(a, b *File) int { return strings.Compare(a.foldPath, b.foldPath) })
	live := func(f *File) bool { return files[f.foldPath] == f }

	if t.entries != nil {
		for _, f := range changed {
			if i := int(f.nameSlot) - 1; i >= 0 && i < len(t.entries) && t.entries[i].File == f {
				t.entries[i] = NameEntry{}
				if i >= t.base {
					t.extra[i-t.base] = ""
				}
			}
			f.nameSlot = 0
			if live(f) {
				var b strings.Builder
				writeNames(&b, f)
				t.entries = append(t.entries, entryOf(f, b.String()))
				t.extra = append(t.extra, b.String())
				f.nameSlot = int32(len(t.entries))
			}
		}
		if len(t.entries)-t.base > patchLimit(t.base) {
			byTitle := t.byTitle
			t.drop()
			t.byTitle = byTitle // still to be updated below
		}
	}

	if t.byTitle != nil {
		if len(changed) > maxTitlePatches {
			t.byTitle = nil
			return
		}
		t.byTitle = slices.DeleteFunc(t.byTitle, func(g *File) bool { return slices.Contains(changed, g) })
		for _, f := range changed {
			if live(f) {
				i, _ := slices.BinarySearchFunc(t.byTitle, f, compareByTitle)
				t.byTitle = slices.Insert(t.byTitle, i, f)
			}
		}
	}
}
