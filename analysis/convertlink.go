package analysis

import (
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// LinkConversion is a link of a note written again in the other syntax.
type LinkConversion struct {
	Link   int  // the link's index in the note's links
	ToWiki bool // a markdown link made a wikilink; else a wikilink made a markdown link
	Edit   Edit // replaces the whole link
}

// ConvertLinks writes the links of f under the cursor (start == end) or in
// the range [start, end) in the other syntax: a wikilink or an embed as a
// markdown link in the vault's own path style, with the heading's slug; a
// markdown link as a wikilink by the shortest name, with the heading's
// text. Only links that resolve are converted, and only to a link that
// resolves to the same note, heading or block under the primary profile
// (checked, not assumed: a style may not reach every note). Web links,
// reference links and links in frontmatter are left alone, and under
// commonmark, which has no wikilinks, markdown links too.
func ConvertLinks(snap *workspace.Snapshot, f *workspace.File, start, end int) []LinkConversion {
	text, err := snap.Text(f)
	if err != nil {
		return nil
	}
	links := f.Note.Links()
	var picked []int
	if start == end {
		if i := LinkAt(f.Note, start); i >= 0 {
			picked = append(picked, i)
		}
	} else {
		for i := range links {
			if links[i].Span.Start < end && links[i].Span.End > start {
				picked = append(picked, i)
			}
		}
	}
	var out []LinkConversion
	var style *pathStyle
	for _, i := range picked {
		l := &links[i]
		r := snap.Resolve(f, i)
		if r.Status != workspace.Resolved || r.Target == nil || l.Span.End > len(text) {
			continue
		}
		switch l.Kind {
		case workspace.LinkWiki, workspace.LinkEmbed:
			if style == nil {
				st := detectStyle(snap, f)
				style = &st
			}
			if s, ok := markdownLink(snap, f, text, l, r, *style); ok {
				out = append(out, LinkConversion{Link: i, Edit: Edit{Span: l.Span, NewText: s}})
			}
		case workspace.LinkInline:
			if l.External || snap.Config().Primary() == workspace.ProfileCommonMark {
				continue
			}
			if s, ok := wikiLink(snap, f, text, l, r); ok {
				out = append(out, LinkConversion{Link: i, ToWiki: true, Edit: Edit{Span: l.Span, NewText: s}})
			}
		}
	}
	return out
}

// markdownLink writes wikilink l as a markdown link to r's note and anchor:
// its alias as the label, else the target as written (an embed's alt text
// stays empty).
func markdownLink(snap *workspace.Snapshot, f *workspace.File, text string, l *workspace.Link, r workspace.Resolution, st pathStyle) (string, bool) {
	label, aliased := wikiAlias(text, l)
	if !aliased && !l.Image {
		label = strings.TrimPrefix(l.Raw, "#")
	}
	frag := ""
	switch {
	case r.Heading != nil:
		frag = r.Heading.Slug
	case r.Block != nil:
		frag = "^" + r.Block.ID
	}
	var dest string
	if frag != "" && (l.Target == "" || r.Target == f) {
		if !reaches(snap, f, workspace.Link{Kind: workspace.LinkInline, Fragment: frag, Def: -1}, r) {
			return "", false
		}
		dest = "#" + frag
	} else {
		p, ok := markdownPath(snap, f, r, frag, st)
		if !ok {
			return "", false
		}
		dest = p
		if frag != "" {
			dest += "#" + frag
		}
	}
	bang := ""
	if l.Image {
		bang = "!"
	}
	return bang + "[" + escapeLabel(label) + "](" + dest + ")", true
}

// markdownPath is the destination, encoded, by which a markdown link from f
// reaches r's note (and its fragment, frag): in the style the vault writes
// its markdown links in, else the first of the others that does.
func markdownPath(snap *workspace.Snapshot, f *workspace.File, r workspace.Resolution, frag string, st pathStyle) (string, bool) {
	styles := []pathStyle{st}
	for _, from := range []string{"relative", "root", "shortest", "slash"} {
		styles = append(styles, pathStyle{from: from, ext: true, brackets: st.brackets})
	}
	for _, s := range styles {
		p := s.path(snap, f, r.Target)
		if reaches(snap, f, workspace.Link{Kind: workspace.LinkInline, Target: p, Fragment: frag, Def: -1}, r) {
			return s.encode(p), true
		}
	}
	return "", false
}

// wikiLink writes markdown link l as a wikilink to r's note and anchor,
// with its label as the alias unless the label is what the wikilink names.
func wikiLink(snap *workspace.Snapshot, f *workspace.File, text string, l *workspace.Link, r workspace.Resolution) (string, bool) {
	label, ok := markdownLabel(text, l)
	if !ok || strings.Contains(label, "]]") || strings.ContainsAny(label, "\r\n") {
		return "", false
	}
	name := ""
	if l.Target != "" {
		name = WikiName(snap, f, r.Target)
	}
	frag := ""
	switch {
	case r.Heading != nil:
		if strings.ContainsAny(r.Heading.Text, "#|^[]") {
			return "", false // a heading a wikilink cannot name by its text
		}
		frag = r.Heading.Text
	case r.Block != nil:
		frag = "^" + r.Block.ID
	}
	link := workspace.Link{Kind: workspace.LinkWiki, Wiki: true, Target: name, Fragment: frag, Def: -1}
	if l.Image {
		link.Kind, link.Image = workspace.LinkEmbed, true
	}
	if !reaches(snap, f, link, r) {
		return "", false
	}
	written := name
	if frag != "" {
		written += "#" + frag
	}
	out := "[[" + written
	if label != "" && label != written {
		sep := "|"
		if inTableRow(text, l.Span.Start) {
			sep = `\|` // a bare '|' would end the table's cell
		}
		out += sep + label
	}
	out += "]]"
	if l.Image {
		out = "!" + out
	}
	return out, true
}

// reaches says whether link l, written in f, leads where r does: the same
// file, heading and block.
func reaches(snap *workspace.Snapshot, f *workspace.File, l workspace.Link, r workspace.Resolution) bool {
	got := snap.ResolveLink(f, &l)
	return got.Status == workspace.Resolved && got.Target == r.Target && got.Heading == r.Heading && got.Block == r.Block
}

// wikiAlias is the text after a wikilink's '|' (or a table's "\|"), as
// written, and whether it has one.
func wikiAlias(text string, l *workspace.Link) (string, bool) {
	rest := text[l.TargetSpan.End : l.Span.End-2] // before "]]"
	if s, ok := strings.CutPrefix(rest, `\|`); ok {
		return s, true
	}
	if s, ok := strings.CutPrefix(rest, "|"); ok {
		return s, true
	}
	return "", false
}

// markdownLabel is the text between a markdown link's brackets, as written.
func markdownLabel(text string, l *workspace.Link) (string, bool) {
	start := l.Span.Start + 1
	if l.Image {
		start++
	}
	end := l.TargetSpan.Start
	for end > start && (text[end-1] == ' ' || text[end-1] == '\t' || text[end-1] == '\n') {
		end--
	}
	if end-2 < start || text[end-2:end] != "](" {
		return "", false
	}
	return text[start : end-2], true
}

// escapeLabel escapes the brackets of a markdown link's label.
func escapeLabel(s string) string {
	if !strings.ContainsAny(s, "[]") {
		return s
	}
	return strings.NewReplacer("[", `\[`, "]", `\]`).Replace(s)
}

// inTableRow says whether the line holding off is a table row (one that
// starts with '|', as most are written).
func inTableRow(text string, off int) bool {
	line := text[strings.LastIndexByte(text[:off], '\n')+1:]
	return strings.HasPrefix(strings.TrimLeft(line, " \t"), "|")
}
