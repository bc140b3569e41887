package analysis

import (
	"path"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// writtenAs is how a link writes its target's path, which a rename keeps.
type writtenAs uint8

const (
	asShortest writtenAs = iota // the shortest unambiguous name: "Loop", "b/Loop"
	asRoot                      // from the vault's root: "concepts/Loop.md"
	asAbsolute                  // from the root with a leading '/'
	asRelative                  // from the linking note: "../concepts/Loop.md", "./Loop.md"
)

// styleOf tells how a link (a wikilink when wiki) in a note of folder
// fromDir writes target's path as written. A bare name is relative in
// profiles that resolve a markdown link from the note (commonmark, Quartz's
// relative), else the shortest name.
func styleOf(cfg *workspace.Config, wiki bool, written, fromDir, target string) writtenAs {
	switch {
	case strings.HasPrefix(written, "/"):
		return asAbsolute
	case strings.HasPrefix(written, "./"), strings.HasPrefix(written, "../"):
		return asRelative
	case !strings.Contains(written, "/"):
		if !wiki && fromRelative(cfg) {
			return asRelative
		}
		return asShortest
	case samePath(written, target):
		return asRoot
	case samePath(written, relPath(fromDir, target)):
		return asRelative
	}
	return asShortest
}

// fromRelative says whether the primary profile resolves a markdown link's
// bare name from the linking note's folder.
func fromRelative(cfg *workspace.Config) bool {
	p := cfg.Primary()
	return p == workspace.ProfileCommonMark || p == workspace.ProfileQuartz && cfg.QuartzResolution == workspace.QuartzRelative
}

// samePath compares two vault paths as a link names them: case and a note's
// extension aside.
func samePath(a, b string) bool {
	return workspace.Fold(trimExt(a)) == workspace.Fold(trimExt(b))
}

// movedTarget writes the path part of l, which wrote written, for a target
// now at to (a file, or the folder of a folder's index note), from a note now
// in folder fromDir, in style: with the extension or the trailing '/' when l
// had one, %20 or <…> for spaces as l did.
func movedTarget(snap *workspace.Snapshot, l *workspace.Link, written string, style writtenAs, fromDir, to string, target *workspace.File, moved *fileMoves) string {
	var p string
	switch style {
	case asAbsolute:
		p = "/" + to
	case asRoot:
		p = to
	case asRelative:
		p = relPath(fromDir, to)
		if strings.HasPrefix(written, "./") && !strings.HasPrefix(p, "../") {
			p = "./" + p
		}
	default:
		var ok bool
		if p, ok = moved.shortest[to]; !ok {
			p = shortestName(snap, to, target, moved)
			moved.shortest[to] = p
		}
	}
	if target.IsNote() && !workspace.IsNotePath(written) {
		p = trimExt(p)
	}
	if strings.HasSuffix(l.Target, "/") {
		p += "/"
	}
	if l.Wiki {
		return p
	}
	dest := rawDest(l)
	out := encodeDest(p, dest)
	if strings.HasPrefix(dest, "<") && !strings.HasSuffix(dest, ">") {
		out = strings.TrimSuffix(out, ">") // the '>' comes after the anchor
	}
	return out
}

// shortestName is the shortest end of path to ("Loop.md", "b/Loop.md", …)
// that no other file answers to once the moves are made. Quartz takes a bare
// name or the whole path, nothing between.
func shortestName(snap *workspace.Snapshot, to string, self *workspace.File, moved *fileMoves) string {
	if snap.Config().Primary() == workspace.ProfileQuartz {
		if base := path.Base(to); !claimed(snap, base, self, moved) {
			return base
		}
		return to
	}
	for end := len(to); ; {
		k := strings.LastIndexByte(to[:end], '/')
		if k < 0 {
			return to
		}
		if name := to[k+1:]; !claimed(snap, name, self, moved) {
			return name
		}
		end = k
	}
}

// claimed says whether a file other than self answers to name (a path's
// end) once the moves are made: by its path, as a folder's index note, or
// by an alias.
func claimed(snap *workspace.Snapshot, name string, self *workspace.File, moved *fileMoves) bool {
	for _, g := range snap.ByName(name) {
		if g == self {
			continue
		}
		p, gMoves := moved.to[g]
		if !gMoves {
			p = g.Path
		}
		if endsWith(p, name) {
			return true
		}
		if !gMoves && g.IsNote() && !strings.Contains(name, "/") {
			if path.Base(g.Stem()) == "index" && endsWith(g.Dir(), name) {
				return true
			}
			for _, a := range g.Note.Frontmatter.Aliases {
				if samePath(a, name) {
					return true
				}
			}
		}
	}
	for _, g := range moved.named[lastName(name)] {
		if g != self && endsWith(moved.to[g], name) {
			return true
		}
	}
	return false
}

// endsWith says whether path p ends with the whole segments of name.
func endsWith(p, name string) bool {
	fp, fn := workspace.Fold(trimExt(p)), workspace.Fold(trimExt(name))
	return fp == fn || strings.HasSuffix(fp, "/"+fn)
}
