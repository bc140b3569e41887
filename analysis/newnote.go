package analysis

import (
	"path"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// NewNote is where the note a broken link asks for would be created, and its
// title: a markdown link's own path (".md" added), a wikilink's name from the
// vault root (Obsidian's default folder for new notes). ok is false when the
// link names a file that is not a note (an image) or resolves.
func NewNote(snap *workspace.Snapshot, f *workspace.File, i int) (notePath, title string, ok bool) {
	l := &f.Note.Links()[i]
	if l.External || l.Target == "" || strings.HasSuffix(l.Target, "/") {
		return "", "", false
	}
	if ext := path.Ext(l.Target); ext != "" && !workspace.IsNotePath(l.Target) {
		return "", "", false
	}
	r := snap.Resolve(f, i)
	if r.Status != workspace.NoSuchNote {
		return "", "", false
	}
	p := strings.TrimPrefix(path.Clean(l.Target), "/")
	if !l.Wiki && r.Wanted != "" {
		p = r.Wanted
	}
	if !workspace.IsNotePath(p) {
		p += ".md"
	}
	if p == ".md" || strings.HasPrefix(p, "../") {
		return "", "", false
	}
	base := path.Base(p)
	return p, strings.TrimSuffix(base, path.Ext(base)), true
}
