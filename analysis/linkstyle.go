package analysis

import (
	"net/url"
	"path"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// TargetText writes a link to target the way link l is written: a wikilink
// by the shortest name that resolves to it, a markdown link from the root or
// relative to the note as l was, with or without ".md", %20 or <…> for spaces.
// It returns the path part only; callers keep the fragment.
func TargetText(snap *workspace.Snapshot, from *workspace.File, l *workspace.Link, target *workspace.File) string {
	if l.Wiki {
		return WikiName(snap, from, target)
	}
	written := l.Target
	withExt := !target.IsNote() || workspace.IsNotePath(written) || written == ""
	p := target.Path
	if !withExt {
		p = target.Stem()
	}
	switch {
	case strings.HasPrefix(written, "/"):
		p = "/" + p
	case strings.HasPrefix(written, "./") || strings.HasPrefix(written, "../") || !strings.Contains(written, "/") && snap.Config().Primary() == workspace.ProfileCommonMark:
		p = relPath(from.Dir(), p)
		if strings.HasPrefix(written, "./") && !strings.HasPrefix(p, "../") {
			p = "./" + p
		}
	case !strings.Contains(written, "/") && from.Dir() == target.Dir():
		p = path.Base(p)
	}
	return encodeDest(p, rawDest(l))
}

// WikiName is the shortest name by which a wikilink from `from` reaches
// target: its bare name when that resolves to it, else longer path suffixes.
func WikiName(snap *workspace.Snapshot, from *workspace.File, target *workspace.File) string {
	stem := target.Stem()
	if !target.IsNote() {
		stem = target.Path
	}
	// The path's suffixes from the last segment on ("c", "b/c", "a/b/c"),
	// each a substring of stem: completion asks this of a hundred notes.
	for end := len(stem); ; {
		k := strings.LastIndexByte(stem[:end], '/')
		name := stem[k+1:]
		l := workspace.Link{Kind: workspace.LinkWiki, Wiki: true, Target: name, Def: -1}
		if r := snap.ResolveLink(from, &l); r.Status == workspace.Resolved && r.Target == target {
			return name
		}
		if k < 0 {
			return stem
		}
		end = k
	}
}

// rawDest is the destination as written in the source, fragment excluded.
func rawDest(l *workspace.Link) string {
	raw := l.Raw
	if h := strings.IndexByte(raw, '#'); h >= 0 {
		raw = raw[:h]
	}
	return raw
}

// encodeDest writes p as a markdown destination in the style of like: <…>
// when like used brackets, %20 for spaces otherwise (a bare space ends a
// destination).
func encodeDest(p, like string) string {
	if strings.HasPrefix(like, "<") {
		return "<" + p + ">"
	}
	if strings.ContainsAny(p, " ()%<>") || strings.Contains(like, "%") {
		segs := strings.Split(p, "/")
		for i, s := range segs {
			segs[i] = url.PathEscape(s)
		}
		return strings.Join(segs, "/")
	}
	return p
}

func relPath(fromDir, to string) string {
	if fromDir == "" {
		return to
	}
	from := strings.Split(fromDir, "/")
	tos := strings.Split(to, "/")
	i := 0
	for i < len(from) && i < len(tos)-1 && from[i] == tos[i] {
		i++
	}
	return strings.Repeat("../", len(from)-i) + strings.Join(tos[i:], "/")
}

// fragmentText is the fragment part of l as written, with its '#', or "".
func fragmentText(l *workspace.Link) string {
	raw := l.Raw
	if h := strings.IndexByte(raw, '#'); h >= 0 {
		return raw[h:]
	}
	return ""
}
