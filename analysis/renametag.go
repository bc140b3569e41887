package analysis

import (
	"strings"
	"unicode"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// renameTag renames tag old to newName in every note, in the body and in
// frontmatter, and the tags nested under it with it ("old/x" → "new/x").
// Case is ignored in finding them, as Obsidian ignores it.
func renameTag(snap *workspace.Snapshot, old, newName string) (RenameResult, error) {
	newName = strings.TrimPrefix(strings.TrimSpace(newName), "#")
	if err := checkTagName(newName); err != nil {
		return RenameResult{}, err
	}
	if newName == old {
		return RenameResult{}, nil
	}
	notes := map[*workspace.File]bool{}
	for _, tc := range snap.Tags() {
		if isTagOrNested(tc.Name, old) {
			for _, g := range snap.TagNotes(tc.Name) {
				notes[g] = true
			}
		}
	}
	var res RenameResult
	for g := range notes {
		text, err := snap.Text(g)
		if err != nil {
			return RenameResult{}, renameError("cannot read " + g.Path + " to rename its tags: " + err.Error())
		}
		var edits []Edit
		for i := range g.Note.Tags() {
			t := &g.Note.Tags()[i]
			if !isTagOrNested(t.Name, old) {
				continue
			}
			span := tagNameSpanIn(text, t)
			if span.End-span.Start < len(old) {
				continue // the text is not what was indexed: left as it is
			}
			edits = append(edits, Edit{Span: workspace.Span{Start: span.Start, End: span.Start + len(old)}, NewText: newName})
		}
		if len(edits) > 0 {
			res.Edits = append(res.Edits, FileEdits{File: g, Edits: edits})
		}
	}
	sortFileEdits(res.Edits)
	return res, nil
}

// isTagOrNested says whether tag name is old or nested under it.
func isTagOrNested(name, old string) bool {
	return strings.EqualFold(name, old) || len(name) > len(old) && name[len(old)] == '/' && strings.EqualFold(name[:len(old)], old)
}

// checkTagName tells why name cannot be a tag, if it cannot.
func checkTagName(name string) error {
	if name == "" {
		return renameError("a tag cannot be empty")
	}
	digits := true
	for _, r := range name {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || r == '/') {
			return renameError("a tag holds letters, digits, _, - and /, not " + string(r))
		}
		digits = digits && unicode.IsDigit(r)
	}
	if digits {
		return renameError("a tag cannot be only digits")
	}
	if strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//") {
		return renameError("a tag's parts cannot be empty")
	}
	return nil
}

// tagNameSpan is where t's name is written in f (after the '#', inside
// quotes), or t's span when f's text cannot be read.
func tagNameSpan(snap *workspace.Snapshot, f *workspace.File, t *workspace.Tag) workspace.Span {
	text, err := snap.Text(f)
	if err != nil {
		return t.Span
	}
	return tagNameSpanIn(text, t)
}

// tagNameSpanIn is where t's name is written in text, within t's span; an
// empty span when it is not there.
func tagNameSpanIn(text string, t *workspace.Tag) workspace.Span {
	if t.Span.End > len(text) || t.Span.Start < 0 || t.Span.Start > t.Span.End {
		return workspace.Span{}
	}
	k := strings.Index(text[t.Span.Start:t.Span.End], t.Name)
	if k < 0 {
		return workspace.Span{}
	}
	start := t.Span.Start + k
	return workspace.Span{Start: start, End: start + len(t.Name)}
}
