package analysis

import (
	"net/url"
	"path"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// pathStyle is how a vault writes markdown link destinations. Gardens differ
// (one writes every link from the root, another relative, Obsidian the
// shortest name), and a completion in the wrong style breaks their publisher.
type pathStyle struct {
	from     string // "root", "slash" (/x.md), "relative" or "shortest"
	ext      bool   // keep ".md"
	brackets bool   // <a b.md> rather than a%20b.md
}

// detectStyle votes over the markdown links of the note, or of a sample of
// the vault when the note has none.
func detectStyle(snap *workspace.Snapshot, f *workspace.File) pathStyle {
	votes := map[string]int{}
	ext, noExt, brackets, total := 0, 0, 0, 0
	count := func(g *workspace.File) {
		links := g.Note.Links()
		for i := range links {
			l := &links[i]
			if l.Kind != workspace.LinkInline || l.External || l.Target == "" || l.Image {
				continue
			}
			r := snap.Resolve(g, i)
			if r.Target == nil || !r.Target.IsNote() {
				continue
			}
			total++
			t := l.Target
			switch {
			case strings.HasPrefix(t, "/"):
				votes["slash"]++
			case strings.HasPrefix(t, "./") || strings.HasPrefix(t, "../"):
				votes["relative"]++
			case strings.Contains(t, "/"):
				if strings.EqualFold(strings.TrimSuffix(t, path.Ext(t)), r.Target.Stem()) {
					votes["root"]++
				} else {
					votes["relative"]++
				}
			case g.Dir() != r.Target.Dir():
				votes["shortest"]++
			default:
				votes["sibling"]++
			}
			if workspace.IsNotePath(t) {
				ext++
			} else {
				noExt++
			}
			if strings.HasPrefix(l.Raw, "<") {
				brackets++
			}
		}
	}
	count(f)
	if total == 0 {
		// The style of some other notes (a note's first link): fifty, and
		// then no more of the vault's files (visiting all of them was 0.08 ms
		// of the 0.55 ms of BenchmarkCompleteMarkdownPath10k).
		n := 0
		snap.Range(func(g *workspace.File) bool {
			if g.IsNote() {
				count(g)
				n++
			}
			return n < 50
		})
	}
	st := pathStyle{from: "relative", ext: ext >= noExt, brackets: brackets*2 > total}
	best := 0
	for _, k := range []string{"root", "slash", "relative", "shortest"} {
		if votes[k] > best {
			st.from, best = k, votes[k]
		}
	}
	// Sibling links fit every style but root; they tip only a tie.
	if st.from == "root" && votes["sibling"] > votes["root"] {
		st.from = "relative"
	}
	return st
}

// write renders the destination for target from note f.
func (st pathStyle) write(snap *workspace.Snapshot, f, target *workspace.File) string {
	return st.encode(st.path(snap, f, target))
}

// encode writes p, a path as st.path gives it, as a destination.
func (st pathStyle) encode(p string) string {
	if st.brackets && strings.Contains(p, " ") {
		return "<" + p + ">"
	}
	return encodeDest(p, "")
}

// path is the path to target from note f, decoded: what a link's Target
// holds.
func (st pathStyle) path(snap *workspace.Snapshot, f, target *workspace.File) string {
	p := target.Path
	if target.IsNote() && !st.ext {
		p = target.Stem()
	}
	switch st.from {
	case "slash":
		p = "/" + p
	case "relative":
		p = relPath(f.Dir(), p)
	case "shortest":
		name := WikiName(snap, f, target)
		if target.IsNote() && st.ext {
			name += path.Ext(target.Path)
		}
		p = name
	}
	return p
}

func completeMarkdown(snap *workspace.Snapshot, f *workspace.File, text string, start, off int) CompletionList {
	typed := text[start:off]
	if h := strings.IndexByte(typed, '#'); h >= 0 {
		var target *workspace.File
		if h == 0 {
			target = f
		} else {
			l := workspace.Link{Kind: workspace.LinkInline, Target: decodeTyped(typed[:h]), Def: -1}
			if r := snap.ResolveLink(f, &l); r.Target != nil {
				target = r.Target
			}
		}
		if target == nil || target.Note == nil {
			return CompletionList{}
		}
		span := workspace.Span{Start: start + h + 1, End: targetEnd(text, off, ") \n\r")}
		// Obsidian and Quartz read "#^id" in a markdown link too; GitHub
		// has no block anchors.
		if frag := typed[h+1:]; strings.HasPrefix(frag, "^") && snap.Config().Primary() != workspace.ProfileCommonMark {
			return completeBlocks(snap, f, off, target, span, frag[1:], "")
		}
		return completeHeadings(target, span, typed[h+1:], false, "")
	}
	span := workspace.Span{Start: start, End: targetEnd(text, off, ")# \n\r")}
	st := detectStyle(snap, f)
	query := workspace.Fold(strings.Trim(decodeTyped(typed), "<>./"))
	qmask := workspace.CharMask(query)
	names := snap.Names()
	top := inParallel(len(names), func(top *topK, from, to int) {
		for i := from; i < to; i++ {
			if e := &names[i]; e.File != f && e.File != nil {
				top.rankFile(e, query, qmask, e.Path, e.PathKey)
			}
		}
	})
	best, dropped := top.best()
	list := CompletionList{Incomplete: dropped, Items: make([]CompletionItem, len(best))}
	for i, c := range best {
		g := c.file
		item := CompletionItem{Label: g.Path, Kind: CompleteFile, Span: span, SortText: sortKey(i),
			NewText: st.write(snap, f, g), FilterText: typed + " " + g.Path}
		if g.IsNote() {
			item.Path = g.Path
			item.Kind = CompleteNote
			item.Detail = g.Note.Title
			item.Documentation = g.Note.Description
			item.FilterText = typed + " " + g.Path + " " + g.Note.Title
		}
		list.Items[i] = item
	}
	return list
}

func decodeTyped(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimSuffix(s, ">"), "<")
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}
