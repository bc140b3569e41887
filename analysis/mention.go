package analysis

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// Mention is plain text that names another note, and the link it can become.
type Mention struct {
	Span    workspace.Span // the text linked
	Target  *workspace.File
	NewText string // the link that replaces Span
	Title   string // what an editor offers: "Link to [[Name]]"
}

const (
	// mentionWords is how many words on each side of the cursor a mention
	// may take: note names are seldom longer than six words.
	mentionWords = 6
	// maxMentions caps the notes one phrase offers (an "index" in a vault of
	// folders with one each).
	maxMentions = 5
)

// Mentions finds the note that the text at the cursor (start == end) or the
// selection [start, end) names by its file name, title or an alias, case
// aside: around a cursor, the longest phrase of words that covers it and
// names a note. Each note so named gives a Mention, whose link is written
// as the vault links: a wikilink by the shortest name, with the text as its
// alias when they differ; under commonmark a markdown link. Only prose is
// linked (not code, math, comments, frontmatter, a heading's marker, a link
// or a tag, which p, parsing f's text, tells), and never to f itself.
func Mentions(snap *workspace.Snapshot, p *workspace.Parser, f *workspace.File, start, end int) []Mention {
	text, err := snap.Text(f)
	if err != nil || start < 0 || end > len(text) || start > end {
		return nil
	}
	n := f.Note
	if n.Frontmatter.Present && n.Frontmatter.Span.Contains(start) || touchesLink(n, start, end) {
		return nil
	}
	var runs []workspace.Span // the prose, parsed once a phrase names a note
	var out []Mention
	namingPhrases(snap, p, f, text, &runs, start, end, func(span workspace.Span, targets []*workspace.File) bool {
		for _, g := range targets {
			if s, title, ok := mentionLink(snap, f, text, span, g); ok {
				out = append(out, Mention{Span: span, Target: g, NewText: s, Title: title})
			}
		}
		return len(out) == 0
	})
	return out
}

// namingPhrases calls yield, longest first, with each phrase around
// [start, end] (phrasesAt) that names notes other than f, in prose and
// outside f's links and tags, and the notes it names, until yield returns
// false. runs holds f's prose once parsed (nil before), which only a
// phrase that names a note needs.
func namingPhrases(snap *workspace.Snapshot, p *workspace.Parser, f *workspace.File, text string, runs *[]workspace.Span, start, end int, yield func(workspace.Span, []*workspace.File) bool) {
	n := f.Note
	for _, span := range phrasesAt(text, start, end) {
		targets := named(snap, f, text[span.Start:span.End])
		if len(targets) == 0 || touchesLink(n, span.Start, span.End) || touchesTag(n, span) || crossesEmphasis(text, span) {
			continue
		}
		if *runs == nil {
			*runs = p.Prose(text)
		}
		if inProse(*runs, span) && !yield(span, targets) {
			return
		}
	}
}

// phrasesAt lists the spans a mention may take, longest first: the
// selection, trimmed; or, around a cursor, the runs of up to mentionWords
// words on each side of the word it is in, within its line. A selection of
// one word is taken as a cursor in it: Emacs's eglot sends the word at
// point as the range when nothing is selected.
func phrasesAt(text string, start, end int) []workspace.Span {
	ls := strings.LastIndexByte(text[:start], '\n') + 1
	le := len(text)
	if k := strings.IndexByte(text[start:], '\n'); k >= 0 {
		le = start + k
	}
	if start < end {
		if end > le {
			return nil
		}
		sel := strings.TrimSpace(text[start:end])
		if sel == "" {
			return nil
		}
		s := start + strings.Index(text[start:end], sel)
		if w := wordsOf(text, s, s+len(sel)); len(w) != 1 || w[0].Len() != len(sel) {
			return []workspace.Span{{Start: s, End: s + len(sel)}}
		}
		start = s
	}
	words := wordsOf(text, ls, le)
	w := slices.IndexFunc(words, func(s workspace.Span) bool { return s.Contains(start) })
	if w < 0 {
		return nil
	}
	var out []workspace.Span
	for a := max(0, w-mentionWords); a <= w; a++ {
		for b := w; b < min(len(words), w+mentionWords+1); b++ {
			out = append(out, workspace.Span{Start: words[a].Start, End: words[b].End})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Len() > out[j].Len() })
	return out
}

// crossesEmphasis says whether a gap between span's words is an emphasis
// mark (see emphasisGap).
func crossesEmphasis(text string, span workspace.Span) bool {
	words := wordsOf(text, span.Start, span.End)
	for k := 1; k < len(words); k++ {
		if emphasisGap(text[words[k-1].End:words[k].Start]) {
			return true
		}
	}
	return false
}

// emphasisGap says whether the text between two words holds an underscore
// beside white space: "layered _constraint_" is emphasis, not the name
// "layered constraint", which an underscore joins only within a word, as a
// file name writes it ("layered_constraint"). A link made across the mark
// would leave its other half on its own and break the emphasis. (The prose
// runs do not tell: the inline scan ignores emphasis.)
func emphasisGap(gap string) bool {
	return strings.Contains(gap, "_") && strings.ContainsFunc(gap, unicode.IsSpace)
}

// wordsOf lists the words of text[from:to]: runs of letters, digits and
// marks.
func wordsOf(text string, from, to int) []workspace.Span {
	var out []workspace.Span
	in := false
	for i := from; i < to; {
		r, size := utf8.DecodeRuneInString(text[i:to])
		letter := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		switch {
		case letter && !in:
			out = append(out, workspace.Span{Start: i, End: i + size})
			in = true
		case letter:
			out[len(out)-1].End = i + size
		default:
			in = false
		}
		i += size
	}
	return out
}

// named lists the notes other than f that phrase names, by path.
func named(snap *workspace.Snapshot, f *workspace.File, phrase string) []*workspace.File {
	var out []*workspace.File
	names := snap.Names()
	snap.FindPhrase(phrase, func(i, _ int) {
		if g := names[i].File; g != f && g.IsNote() && !slices.Contains(out, g) {
			out = append(out, g)
		}
	})
	slices.SortFunc(out, func(a, b *workspace.File) int { return strings.Compare(a.Path, b.Path) })
	return out[:min(len(out), maxMentions)]
}

// mentionLink is the link to g that replaces the text at span, and the
// title of the action that makes it.
func mentionLink(snap *workspace.Snapshot, f *workspace.File, text string, span workspace.Span, g *workspace.File) (link, title string, ok bool) {
	written := text[span.Start:span.End]
	r := workspace.Resolution{Status: workspace.Resolved, Target: g}
	if snap.Config().Primary() == workspace.ProfileCommonMark {
		dest, ok := markdownPath(snap, f, r, "", detectStyle(snap, f))
		return "[" + escapeLabel(written) + "](" + dest + ")", "Link to " + dest, ok
	}
	if strings.ContainsAny(written, "[]|#^") {
		return "", "", false
	}
	name := WikiName(snap, f, g)
	if !reaches(snap, f, workspace.Link{Kind: workspace.LinkWiki, Wiki: true, Target: name, Def: -1}, r) {
		return "", "", false
	}
	title = "Link to [[" + name + "]]"
	if written == name {
		return "[[" + name + "]]", title, true
	}
	sep := "|"
	if inTableRow(text, span.Start) {
		sep = `\|`
	}
	return "[[" + name + sep + written + "]]", title, true
}

// touchesLink says whether a link of n overlaps [start, end], its ends
// included.
func touchesLink(n *workspace.Note, start, end int) bool {
	links := n.Links()
	k := sort.Search(len(links), func(i int) bool { return links[i].Span.End >= start })
	return k < len(links) && links[k].Span.Start <= end
}

// touchesTag says whether a tag of n overlaps span.
func touchesTag(n *workspace.Note, span workspace.Span) bool {
	for _, t := range n.Tags() {
		if !t.InFrontmatter && t.Span.Start < span.End && t.Span.End > span.Start {
			return true
		}
	}
	return false
}

// inProse says whether span lies within one of runs (sorted, apart).
func inProse(runs []workspace.Span, span workspace.Span) bool {
	k := sort.Search(len(runs), func(i int) bool { return runs[i].End >= span.End })
	return k < len(runs) && runs[k].Start <= span.Start
}
