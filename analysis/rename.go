package analysis

import (
	"errors"
	"path"
	"sort"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// RenameKind says what a rename renames.
type RenameKind uint8

const (
	RenameNote    RenameKind = iota + 1 // the file a link names: it moves, and links to it follow
	RenameHeading                       // a heading's text: the anchors of links to it follow
	RenameTag                           // a tag in every note, the tags nested under it included
	RenameBlock                         // a block's ^id: the anchors of links to it follow
)

// RenameTarget is what a rename at an offset renames. Span, in the note the
// rename starts from, is the text an editor selects; Name what it says now.
type RenameTarget struct {
	Kind    RenameKind
	Span    workspace.Span
	Name    string
	File    *workspace.File    // the file renamed, or the note holding the heading or block
	Heading *workspace.Heading // RenameHeading
	Block   *workspace.Block   // RenameBlock
	Tag     string             // RenameTag: the tag as written at the offset
}

// Edit replaces Span of a file's text with NewText.
type Edit struct {
	Span    workspace.Span
	NewText string
}

// FileEdits are one file's edits, in text order; they do not overlap.
type FileEdits struct {
	File  *workspace.File
	Edits []Edit
}

// Move is a file or folder moving from one vault path to another.
type Move struct{ From, To string }

// RenameResult is what a rename changes: the files it edits (by path), and
// the files it moves once the edits are made.
type RenameResult struct {
	Edits []FileEdits
	Moves []Move
}

// RenameError says why a rename cannot be done; its text is for the user.
type RenameError struct{ msg string }

func (e *RenameError) Error() string { return e.msg }

func renameError(msg string) error { return &RenameError{msg: msg} }

// PrepareRename says what a rename at off would rename: the note a link
// names (or its heading or block, with the cursor on the link's anchor), the
// heading on the cursor's line, the block id or the tag under the cursor.
func PrepareRename(snap *workspace.Snapshot, f *workspace.File, off int) (RenameTarget, error) {
	n := f.Note
	if t := TagAt(n, off); t != nil {
		return RenameTarget{Kind: RenameTag, Span: tagNameSpan(snap, f, t), Name: t.Name, Tag: t.Name}, nil
	}
	if i := LinkAt(n, off); i >= 0 {
		return prepareLinkRename(snap, f, i, off)
	}
	if b := BlockAt(n, off); b != nil {
		return RenameTarget{Kind: RenameBlock, Span: workspace.Span{Start: b.Span.Start + 1, End: b.Span.End}, Name: b.ID, File: f, Block: b}, nil
	}
	if h := HeadingAt(n, off); h != nil {
		return RenameTarget{Kind: RenameHeading, Span: h.TextSpan, Name: headingSource(snap, f, h), File: f, Heading: h}, nil
	}
	return RenameTarget{}, renameError("nothing to rename here: put the cursor on a link, a heading, a block id or a tag")
}

// prepareLinkRename renames what link i leads to: its heading when off is
// in the anchor, else the note or file.
func prepareLinkRename(snap *workspace.Snapshot, f *workspace.File, i, off int) (RenameTarget, error) {
	links := f.Note.Links()
	l := &links[i]
	if l.External {
		return RenameTarget{}, renameError("a web link names nothing in the vault")
	}
	r := snap.Resolve(f, i)
	if r.Target == nil {
		return RenameTarget{}, renameError("this link leads to no note: " + reason(l, r))
	}
	if l.Def >= 0 {
		// A reference use ([text][ref]) renames the note its definition
		// names; the editor selects the use's label, under the cursor.
		return RenameTarget{Kind: RenameNote, Span: l.TargetSpan, Name: fileName(r.Target), File: r.Target}, nil
	}
	dest := rawDest(l)
	if h := strings.LastIndexByte(l.Raw, '#'); h >= 0 && (off > l.TargetSpan.Start+h || dest == "") {
		if r.Block != nil {
			if span, ok := blockIDSpan(l); ok {
				return RenameTarget{Kind: RenameBlock, Span: span, Name: r.Block.ID, File: r.Target, Block: r.Block}, nil
			}
		}
		if r.Heading == nil {
			return RenameTarget{}, renameError("this link's anchor names no heading or block of " + r.Target.Path)
		}
		start := l.TargetSpan.Start + h + 1
		end := l.TargetSpan.End
		if strings.HasPrefix(l.Raw, "<") && strings.HasSuffix(l.Raw, ">") {
			end--
		}
		return RenameTarget{Kind: RenameHeading, Span: workspace.Span{Start: start, End: end}, Name: headingSource(snap, r.Target, r.Heading), File: r.Target, Heading: r.Heading}, nil
	}
	span := workspace.Span{Start: l.TargetSpan.Start, End: l.TargetSpan.Start + len(dest)}
	return RenameTarget{Kind: RenameNote, Span: span, Name: fileName(r.Target), File: r.Target}, nil
}

// fileName is what a rename of f proposes: its file name, without the
// extension of a note.
func fileName(f *workspace.File) string {
	if f.IsNote() {
		return path.Base(f.Stem())
	}
	return path.Base(f.Path)
}

// Rename renames what PrepareRename finds at off to newName: a note or file
// gets newName as its file name (a path from the vault's root when it holds
// a '/'), and every link to it is rewritten in its own style; a heading gets
// newName as its text, and the anchors of links to it follow, as they follow
// a block given newName as its id; a tag becomes newName in every note.
func Rename(snap *workspace.Snapshot, f *workspace.File, off int, newName string) (RenameResult, error) {
	t, err := PrepareRename(snap, f, off)
	if err != nil {
		return RenameResult{}, err
	}
	switch t.Kind {
	case RenameHeading:
		return renameHeading(snap, t, newName)
	case RenameTag:
		return renameTag(snap, t.Tag, newName)
	case RenameBlock:
		return renameBlock(snap, t, newName)
	}
	to, err := renamedPath(snap, t.File, newName)
	if err != nil {
		return RenameResult{}, err
	}
	if to == t.File.Path {
		return RenameResult{}, nil
	}
	res, err := MoveFiles(snap, []Move{{From: t.File.Path, To: to}})
	if err != nil {
		return RenameResult{}, err
	}
	res.Moves = []Move{{From: t.File.Path, To: to}}
	return res, nil
}

// renamedPath is the vault path a file renamed to name gets: in its own
// folder unless name holds a '/', with its extension unless name has one.
func renamedPath(snap *workspace.Snapshot, f *workspace.File, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", renameError("a file's name cannot be empty")
	}
	if strings.ContainsAny(name, "\\\x00\r\n") {
		return "", renameError("a file's name cannot hold a backslash, a NUL or a line break")
	}
	if strings.ContainsAny(path.Base(name), "#^|[]") {
		return "", renameError("a file whose name holds # ^ | [ or ] cannot be linked to with a wikilink")
	}
	var p string
	if strings.Contains(name, "/") {
		p = path.Clean(strings.TrimPrefix(name, "/"))
	} else {
		p = path.Join(f.Dir(), name)
	}
	if p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", renameError("the new path " + name + " is outside the vault")
	}
	if ext := path.Ext(f.Path); f.IsNote() && !workspace.IsNotePath(p) || !f.IsNote() && path.Ext(p) == "" {
		p += ext
	}
	if g := snap.File(p); g != nil && g != f {
		return "", renameError(g.Path + " already exists")
	}
	return p, nil
}

// MoveFiles rewrites the links that moving files and folders breaks, each in
// its own style (see movedTarget): links to a moved file, and links of a
// moved note written relative to it. It moves nothing itself; an editor
// calls it before it moves them (workspace/willRenameFiles).
func MoveFiles(snap *workspace.Snapshot, moves []Move) (RenameResult, error) {
	moved := newFileMoves(movedFiles(snap, moves))
	if len(moved.to) == 0 {
		return RenameResult{}, nil
	}
	for g, to := range moved.to {
		if h := snap.File(to); h != nil && h != g && moved.to[h] == "" {
			return RenameResult{}, renameError("cannot move " + g.Path + ": " + h.Path + " already exists")
		}
	}
	// The links that may change: those to a moved file, and every link of
	// a moved note (nil: all of them). A hub's thousands of backlinks come
	// from notes of a few dozen links each: only theirs are looked at.
	sources := map[*workspace.File][]int{}
	for g := range moved.to {
		if g.IsNote() {
			sources[g] = nil
		}
	}
	for g := range moved.to {
		for _, ref := range snap.Backlinks(g) {
			if _, all := moved.to[ref.From]; !all {
				sources[ref.From] = append(sources[ref.From], int(ref.Index))
			}
		}
	}
	var res RenameResult
	for s, only := range sources {
		if only == nil {
			only = allLinks(s)
		}
		if edits := movedLinkEdits(snap, s, only, moved); len(edits) > 0 {
			res.Edits = append(res.Edits, FileEdits{File: s, Edits: edits})
		}
	}
	sortFileEdits(res.Edits)
	return res, nil
}

// movedFiles maps each file the moves take along to its new path: a move of
// a folder moves every file under it.
func movedFiles(snap *workspace.Snapshot, moves []Move) map[*workspace.File]string {
	out := map[*workspace.File]string{}
	var folders []Move
	for _, m := range moves {
		if m.From == m.To || m.From == "" || m.To == "" {
			continue
		}
		if g := snap.File(m.From); g != nil {
			out[g] = m.To
		} else {
			folders = append(folders, m)
		}
	}
	if len(folders) > 0 {
		for _, g := range snap.Files() {
			for _, m := range folders {
				if rest, ok := strings.CutPrefix(g.Path, m.From+"/"); ok {
					out[g] = m.To + "/" + rest
				}
			}
		}
	}
	return out
}

// fileMoves are where moved files go, and the moved files by the last
// segment of their new path (see lastName): the names they take.
type fileMoves struct {
	to    map[*workspace.File]string
	named map[string][]*workspace.File
	// shortest memoises shortestName by new path: a hub's backlinks all
	// ask for the same.
	shortest map[string]string
}

func newFileMoves(to map[*workspace.File]string) *fileMoves {
	m := &fileMoves{to: to, named: map[string][]*workspace.File{}, shortest: map[string]string{}}
	for g, p := range to {
		k := lastName(p)
		m.named[k] = append(m.named[k], g)
	}
	return m
}

// lastName is the last segment of a path, folded, without a note's
// extension: two paths whose ends match (see endsWith) share it.
func lastName(p string) string { return workspace.Fold(path.Base(trimExt(p))) }

// allLinks are the indexes of every link of s.
func allLinks(s *workspace.File) []int {
	out := make([]int, len(s.Note.Links()))
	for i := range out {
		out[i] = i
	}
	return out
}

// movedLinkEdits rewrites the links of s, among those numbered in only,
// that the moves break or change.
func movedLinkEdits(snap *workspace.Snapshot, s *workspace.File, only []int, moved *fileMoves) []Edit {
	fromDir, newDir := s.Dir(), s.Dir()
	if to, ok := moved.to[s]; ok {
		newDir = dirOf(to)
	}
	var edits []Edit
	links := s.Note.Links()
	for _, i := range only {
		l := &links[i]
		if l.External || l.Def >= 0 || rawDest(l) == "" {
			continue
		}
		target := snap.Target(s, i)
		if target == nil {
			continue
		}
		to, targetMoves := moved.to[target]
		if !targetMoves {
			if newDir == fromDir {
				continue
			}
			to = target.Path
		}
		// The path the link names: the target's, or its folder's for a link
		// to a folder's index note by the folder ("features/", [[features]]).
		written, old := l.Target, target.Path
		switch {
		case namesPath(l, target):
		case namesFolder(l, target):
			if !strings.EqualFold(path.Base(trimExt(to)), "index") {
				continue // the note leaves its folder; the link stays on the folder
			}
			written, old, to = strings.TrimSuffix(written, "/"), target.Dir(), dirOf(to)
		default:
			continue // by an alias or title, which the move keeps
		}
		style := styleOf(snap.Config(), l.Wiki, written, fromDir, old)
		if style == asShortest && strings.HasSuffix(l.Target, "/") {
			style = asRoot // a folder page ("advanced/") is named by its path
		}
		if !targetMoves && style != asRelative && (style != asShortest || !claimed(snap, written, target, moved)) {
			// Does not depend on where s is. A name other files answer to
			// too does: Obsidian took the one in s's folder.
			continue
		}
		dest := rawDest(l)
		text := movedTarget(snap, l, written, style, newDir, to, target, moved)
		if text != dest {
			edits = append(edits, Edit{Span: workspace.Span{Start: l.TargetSpan.Start, End: l.TargetSpan.Start + len(dest)}, NewText: text})
		}
	}
	return edits
}

// namesPath says whether l names target by its path or file name, rather
// than by an alias, a title or (for a folder's index note) its folder.
func namesPath(l *workspace.Link, target *workspace.File) bool {
	return workspace.NameKey(l.Target) == workspace.NameKey(target.Path)
}

// namesFolder says whether l names target, a folder's index note, by its
// folder.
func namesFolder(l *workspace.Link, target *workspace.File) bool {
	if !target.IsNote() || target.Dir() == "" || !strings.EqualFold(path.Base(target.Stem()), "index") {
		return false
	}
	return workspace.NameKey(l.Target) == workspace.NameKey(target.Dir())
}

// editsByFile is a rename of these files' edits, in order.
func editsByFile(edits map[*workspace.File][]Edit) RenameResult {
	var res RenameResult
	for f, e := range edits {
		res.Edits = append(res.Edits, FileEdits{File: f, Edits: e})
	}
	sortFileEdits(res.Edits)
	return res
}

func sortFileEdits(edits []FileEdits) {
	sort.Slice(edits, func(i, j int) bool { return edits[i].File.Path < edits[j].File.Path })
	for _, fe := range edits {
		sort.Slice(fe.Edits, func(i, j int) bool { return fe.Edits[i].Span.Start < fe.Edits[j].Span.Start })
	}
}

func dirOf(p string) string {
	if d := path.Dir(p); d != "." {
		return d
	}
	return ""
}

// IsRenameError says whether err is a rename the user asked for that cannot
// be done, rather than a failure.
func IsRenameError(err error) bool {
	var re *RenameError
	return errors.As(err, &re)
}
