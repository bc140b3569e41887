package analysis

import (
	"strings"
	"unicode"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// InlayHint is a note's title shown after a link that names it otherwise:
// the only way to read [[202311051230]] without opening it.
type InlayHint struct {
	Offset int    // just after the link
	Title  string // the target note's title
	Path   string // the target note's path, for the hint's tooltip
}

// InlayHints lists the hints for the links of f that start in span: links
// with no text of their own (a wikilink without "|label", a markdown link
// with empty brackets) to a note whose title their name does not already
// say, letter case, punctuation and spacing aside. An ambiguous link shows
// the note the tool opens; embeds show the note itself.
func InlayHints(snap *workspace.Snapshot, f *workspace.File, span workspace.Span) []InlayHint {
	var out []InlayHint
	links := f.Note.Links()
	for i := range links {
		l := &links[i]
		if l.Span.Start < span.Start || l.Span.Start > span.End {
			continue
		}
		if l.Image || l.External || l.Label != "" || l.Target == "" || l.Kind != workspace.LinkWiki && l.Kind != workspace.LinkInline && l.Kind != workspace.LinkFrontmatter {
			continue
		}
		t := snap.Target(f, i)
		if t == nil || !t.IsNote() || t.Note == nil || t.Note.Title == "" || saysTitle(l.Target, t.Note.Title) {
			continue
		}
		out = append(out, InlayHint{Offset: l.Span.End, Title: t.Note.Title, Path: t.Path})
	}
	return out
}

// saysTitle reports whether a link's target, or its last path segment,
// without ".md", reads as title: "whats-a-stock" says "What's a Stock?".
func saysTitle(target, title string) bool {
	name := trimExt(target)
	if k := strings.LastIndexByte(name, '/'); k >= 0 && lettersOf(name[k+1:]) == lettersOf(title) {
		return true
	}
	return lettersOf(name) == lettersOf(title)
}

// lettersOf is s folded, with only its letters and digits.
func lettersOf(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, workspace.Fold(s))
}
