package analysis

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// renameHeading gives the heading of target (its Name as written) the text
// newText, and rewrites the anchor of every link to it in the link's own
// style: a wikilink's is the heading's text; a markdown link's is its slug,
// or its text (%20-encoded) when the link wrote the text, as Obsidian does.
// Duplicates after it that the new text renumbers ("-1") take their links'
// slugs along.
func renameHeading(snap *workspace.Snapshot, target RenameTarget, newText string) (RenameResult, error) {
	t, h := target.File, target.Heading
	newText = strings.TrimSpace(newText)
	if newText == "" || strings.ContainsAny(newText, "\r\n") {
		return RenameResult{}, renameError("a heading's text is one line, not empty")
	}
	if newText == target.Name {
		return RenameResult{}, nil
	}
	// The text links name is the heading's without its markup, as the
	// parser reads it: "The `x` option" is linked as "The x option".
	plain := newText
	if hs := workspace.NewParser().Parse(t.Path, "# "+newText+"\n", 0).Headings(); len(hs) == 1 && hs[0].Text != "" {
		plain = hs[0].Text
	}
	at := 0
	for i := range t.Note.Headings() {
		if &t.Note.Headings()[i] == h {
			at = i
		}
	}
	slugs := workspace.SlugsAs(t.Note.Headings(), at, plain)
	edits := map[*workspace.File][]Edit{t: {{Span: h.TextSpan, NewText: newText}}}
	type linkID struct {
		from *workspace.File
		i    int32
	}
	seen := map[linkID]bool{}
	refs := snap.Backlinks(t)
	for i := range t.Note.Links() {
		refs = append(refs, workspace.LinkRef{From: t, Index: int32(i)})
	}
	if err := sameTextClash(snap, t, at, plain, refs); err != nil {
		return RenameResult{}, err
	}
	for _, ref := range refs {
		l := ref.Link()
		id := linkID{ref.From, ref.Index}
		if seen[id] || l.Def >= 0 || l.External {
			continue
		}
		seen[id] = true
		r := snap.Resolve(ref.From, int(ref.Index))
		if r.Target != t || r.Heading == nil {
			continue
		}
		j := headingIndex(t.Note.Headings(), r.Heading.Slug)
		if j != at && (j < 0 || slugs[j] == r.Heading.Slug || !strings.EqualFold(lastFragment(l.Fragment), r.Heading.Slug)) {
			continue // not h, and its anchor stays
		}
		k := strings.LastIndexByte(l.Raw, '#')
		if k < 0 {
			continue
		}
		frag := l.Raw[k+1:]
		bracketed := strings.HasPrefix(l.Raw, "<") && strings.HasSuffix(l.Raw, ">")
		if bracketed {
			frag = frag[:len(frag)-1]
		}
		var text string
		switch {
		case j != at:
			text = slugs[j]
		case l.Wiki:
			if strings.ContainsAny(plain, "#|^[]") {
				return RenameResult{}, renameError("a heading that wikilinks name cannot hold # | ^ [ or ]: " + ref.From.Path + " links to it")
			}
			text = plain
		case strings.EqualFold(lastFragment(l.Fragment), h.Slug):
			text = slugs[at]
		case bracketed:
			text = plain
		default:
			text = url.PathEscape(plain)
		}
		span := workspace.Span{Start: l.TargetSpan.Start + k + 1, End: l.TargetSpan.Start + k + 1 + len(frag)}
		edits[ref.From] = append(edits[ref.From], Edit{Span: span, NewText: text})
	}
	return editsByFile(edits), nil
}

// lastFragment is the heading a fragment names: the last of "A#B#C".
func lastFragment(frag string) string {
	return frag[strings.LastIndexByte(frag, '#')+1:]
}

// headingIndex is the index of the heading with slug, or -1.
func headingIndex(hs []workspace.Heading, slug string) int {
	for i := range hs {
		if hs[i].Slug == slug {
			return i
		}
	}
	return -1
}

// headingSource is h as written in t, markup included: what a rename starts
// from. Its text without markup when t's text cannot be read.
func headingSource(snap *workspace.Snapshot, t *workspace.File, h *workspace.Heading) string {
	text, err := snap.Text(t)
	if err != nil || h.TextSpan.End > len(text) {
		return h.Text
	}
	return text[h.TextSpan.Start:h.TextSpan.End]
}

// sameTextClash refuses to give heading at of t the text of another of its
// headings when wikilinks name either: a wikilink names a heading by its
// text, case aside, and finds the first one that has it, so the links to
// one of the two would lead to the other. Markdown links name them apart
// (by slug, "-1" for the second), and duplicates are common where only
// they link.
func sameTextClash(snap *workspace.Snapshot, t *workspace.File, at int, text string, refs []workspace.LinkRef) error {
	hs := t.Note.Headings()
	other := -1
	for i := range hs {
		if i != at && strings.EqualFold(hs[i].Text, text) {
			other = i
			break
		}
	}
	if other < 0 {
		return nil
	}
	for _, ref := range refs {
		if !ref.Link().Wiki {
			continue
		}
		r := snap.Resolve(ref.From, int(ref.Index))
		if r.Target == t && r.Heading != nil && (r.Heading.Slug == hs[at].Slug || r.Heading.Slug == hs[other].Slug) {
			return renameError(fmt.Sprintf("%s has a heading %q already, and wikilinks, such as one in %s, could not tell the two apart", t.Path, hs[other].Text, ref.From.Path))
		}
	}
	return nil
}
