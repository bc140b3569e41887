package workspace

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unicode"
	"unicode/utf8"
)

// vaultChanges makes changes to an index the way an editor and a file
// watcher do, and keeps the files they leave, so that a test can compare the
// index with one built afresh from them (fresh).
type vaultChanges struct {
	t     *testing.T
	r     *rand.Rand
	p     *Parser
	ix    *Index
	files map[string]string // vault path → text ("" for a file that is not a note)
}

func newVaultChanges(t *testing.T, r *rand.Rand, files map[string]string) *vaultChanges {
	return &vaultChanges{t: t, r: r, p: NewParser(), ix: testIndex(t, Config{}, files), files: files}
}

// pick returns one of the files' paths, notes only if notes; "" if none.
func (v *vaultChanges) pick(notes bool) string {
	var paths []string
	for p := range v.files {
		if !notes || IsNotePath(p) {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return ""
	}
	slices.Sort(paths)
	return paths[v.r.IntN(len(paths))]
}

// set adds the note at path, or edits it.
func (v *vaultChanges) set(path, text string) {
	v.files[path] = text
	v.ix.SetNote(v.p.Parse(path, text, 2))
}

func (v *vaultChanges) remove(path string) {
	delete(v.files, path)
	v.ix.Remove(path)
}

// rename moves the note at from to to, text and all.
func (v *vaultChanges) rename(from, to string) {
	v.files[to] = v.files[from]
	delete(v.files, from)
	v.ix.Rename(from, v.p.Parse(to, v.files[to], 1), to)
}

// addFile adds a file that is not a note (an image).
func (v *vaultChanges) addFile(path string) {
	v.files[path] = ""
	v.ix.SetFile(path)
}

// fresh indexes the files afresh.
func (v *vaultChanges) fresh() *Index { return testIndex(v.t, Config{}, v.files) }

// upperFirst is s with its first letter in upper case.
func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}
