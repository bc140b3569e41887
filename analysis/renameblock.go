package analysis

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// blockRefs are the links to block b of t, from other notes and from t
// itself, by note path and position.
func blockRefs(snap *workspace.Snapshot, t *workspace.File, b *workspace.Block) []workspace.LinkRef {
	type linkID struct {
		from *workspace.File
		i    int32
	}
	seen := map[linkID]bool{}
	var refs []workspace.LinkRef
	add := func(ref workspace.LinkRef) {
		id := linkID{ref.From, ref.Index}
		if seen[id] {
			return
		}
		seen[id] = true
		if r := snap.Resolve(ref.From, int(ref.Index)); r.Target == t && r.Block != nil && strings.EqualFold(r.Block.ID, b.ID) {
			refs = append(refs, workspace.LinkRef{From: ref.From, Index: ref.Index})
		}
	}
	snap.AnchoredBacklinks(t, add)
	for i := range t.Note.Links() {
		add(workspace.LinkRef{From: t, Index: int32(i)})
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].From.Path != refs[j].From.Path {
			return refs[i].From.Path < refs[j].From.Path
		}
		return refs[i].Index < refs[j].Index
	})
	return refs
}

// blockIDSpan is the id a link to a block writes after "#^", or false.
func blockIDSpan(l *workspace.Link) (workspace.Span, bool) {
	k := strings.LastIndex(l.Raw, "#^")
	if k < 0 {
		return workspace.Span{}, false
	}
	id := l.Raw[k+2:]
	if strings.HasPrefix(l.Raw, "<") {
		id = strings.TrimSuffix(id, ">")
	}
	start := l.TargetSpan.Start + k + 2
	return workspace.Span{Start: start, End: start + len(id)}, true
}

// validBlockID says whether id can follow '^' as a block id: letters,
// digits and '-', as the parser reads them.
func validBlockID(id string) bool {
	for i := 0; i < len(id); i++ {
		if !isAlnum(id[i]) && id[i] != '-' {
			return false
		}
	}
	return id != ""
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// renameBlock gives block target.Block of target.File the id newID, at its
// "^id" and in every link to it.
func renameBlock(snap *workspace.Snapshot, target RenameTarget, newID string) (RenameResult, error) {
	t, b := target.File, target.Block
	newID = strings.TrimPrefix(strings.TrimSpace(newID), "^")
	if !validBlockID(newID) {
		return RenameResult{}, renameError("a block id is letters, digits and '-', such as ^my-block")
	}
	if newID == b.ID {
		return RenameResult{}, nil
	}
	for i := range t.Note.Blocks() {
		if o := &t.Note.Blocks()[i]; o.Span != b.Span && strings.EqualFold(o.ID, newID) {
			return RenameResult{}, renameError(fmt.Sprintf("%s has a block ^%s already, on line %d", t.Path, o.ID, t.Note.Lines().Line(o.Span.Start)+1))
		}
	}
	edits := map[*workspace.File][]Edit{t: {{Span: workspace.Span{Start: b.Span.Start + 1, End: b.Span.End}, NewText: newID}}}
	for _, ref := range blockRefs(snap, t, b) {
		if span, ok := blockIDSpan(ref.Link()); ok {
			edits[ref.From] = append(edits[ref.From], Edit{Span: span, NewText: newID})
		}
	}
	return editsByFile(edits), nil
}
