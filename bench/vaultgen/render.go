package vaultgen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Fake link targets written where links must not be seen: fenced code, inline
// code, %% comments %% and HTML comments. No note name uses the word "ghost".
const (
	ghostInCode    = "Ghost Note In Code"
	ghostInComment = "Ghost Note In Comment"
)

type noteResult struct {
	links, broken, external int
	bytes                   int64
	recs                    []linkRecord
	err                     error
}

// noteWriter renders one note. It owns its random stream, so notes can be
// rendered concurrently and in any order.
type noteWriter struct {
	p    *plan
	r    *rand.Rand
	zipf *rand.Zipf
	self int
	nt   *note
	b    strings.Builder
	wiki bool // the note's own habit: wikilinks, or markdown links
	keep bool
	res  noteResult
}

func (p *plan) render(dir string, i int, keep bool) noteResult {
	r := rand.New(rand.NewPCG(p.seed, noteStream+uint64(i)))
	w := &noteWriter{p: p, r: r, self: i, nt: p.notes[i], keep: keep}
	if len(p.notes) > 1 {
		// Zipf over hub ranks: in a 10k vault the top hub collects ~2,000
		// backlinks and the top hundred over a hundred each, as a garden's home,
		// map and tag pages do.
		w.zipf = rand.NewZipf(r, 1.1, 10, uint64(len(p.notes)-1))
	}
	w.wiki = r.IntN(100) < 65
	w.b.Grow(w.nt.size * 3 / 2)
	w.note()

	f, err := os.Create(filepath.Join(dir, filepath.FromSlash(w.nt.path)))
	if err != nil {
		return noteResult{err: err}
	}
	// The note is whole in memory: one write, no buffering needed.
	_, err = f.WriteString(w.b.String())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	w.res.err = err
	w.res.bytes = int64(w.b.Len())
	return w.res
}

// Extras that appear at most once per note, after a chosen paragraph.
const (
	xCode = iota
	xCallout
	xTable
	xComment
	xHTMLComment
	xRule
	xList
	xTasks
	nExtras
)

func (w *noteWriter) note() {
	r, nt := w.r, w.nt
	if nt.brokenYAML || r.IntN(10) != 0 {
		w.frontmatter()
	}
	if nt.h1 {
		w.b.WriteString("# " + nt.title + "\n\n")
	}

	links := 20 + r.IntN(21)
	if nt.size < 2000 {
		links = max(3, links*nt.size/2000)
	}
	if r.IntN(50) == 0 {
		links = r.IntN(3) // a few near-orphans
	}
	paras := 0
	for _, s := range nt.sections {
		paras += len(s.blocks)
	}
	related := 0
	if nt.sections[len(nt.sections)-1].related {
		related = min(links, 3+r.IntN(6))
		links -= related
	}
	externals := r.IntN(4)
	// Each extra's chance in percent, in the order of the x constants.
	odds := [nExtras]int{30, 20, 10, 12, 4, 15, 40, 10}
	var at [nExtras]int
	for k := range at {
		at[k] = -1
		if r.IntN(100) < odds[k] {
			at[k] = r.IntN(paras)
		}
	}
	inlineComment, inlineCode := -1, -1
	if r.IntN(7) == 0 {
		inlineComment = r.IntN(paras)
	}
	if r.IntN(10) == 0 {
		inlineCode = r.IntN(paras)
	}

	pi := 0
	for _, s := range nt.sections {
		if s.level > 0 {
			w.b.WriteString(strings.Repeat("#", s.level) + " " + s.heading + "\n\n")
		}
		if s.related {
			for range related {
				w.b.WriteString("- ")
				w.link(false)
				w.b.WriteByte('\n')
			}
			w.b.WriteByte('\n')
			continue
		}
		for _, block := range s.blocks {
			left := paras - pi
			nl := links / left
			if r.IntN(left) < links%left {
				nl++
			}
			links -= nl
			ne := 0
			if externals > 0 && r.IntN(left) < externals {
				ne = 1
				externals--
			}
			w.paragraph(nl, ne, block, pi == inlineComment, pi == inlineCode)
			for k, p := range at {
				if p == pi {
					w.extra(k)
				}
			}
			pi++
		}
	}
}

func (w *noteWriter) frontmatter() {
	r, nt, b := w.r, w.nt, &w.b
	b.WriteString("---\n")
	if r.IntN(3) == 0 {
		b.WriteString("title: \"" + nt.title + "\"\n")
	} else {
		b.WriteString("title: " + nt.title + "\n")
	}
	if nt.brokenYAML {
		// An unquoted ": " inside a plain scalar: the commonest real YAML error.
		b.WriteString("description: Note: " + w.sentence(6, 12) + "\n")
	} else if r.IntN(10) != 0 {
		b.WriteString("description: " + w.sentence(8, 20) + "\n")
	}
	switch x := r.IntN(100); {
	case x < 55:
		b.WriteString("tags:\n")
		for range 1 + r.IntN(4) {
			b.WriteString("  - " + w.tagName() + "\n")
		}
	case x < 67:
		b.WriteString("tags: [" + w.tagName() + ", " + w.tagName() + "]\n")
	case x < 82:
		b.WriteString("tags:\n")
	case x < 92:
		b.WriteString("tags: []\n")
	}
	if r.IntN(10) < 3 {
		b.WriteString("aliases:\n")
		for range 1 + r.IntN(2) {
			b.WriteString("  - " + upperFirst(pick(r, w.p.lex.adjs)+" "+pick(r, w.p.lex.nouns)) + "\n")
		}
		if r.IntN(10) == 0 {
			b.WriteString("  - \"#" + pick(r, w.p.lex.tags) + "\"\n")
		}
	}
	switch x := r.IntN(10); {
	case x < 7:
		b.WriteString("publish: true\n")
	case x < 9:
		b.WriteString("publish: false\n")
	}
	if r.IntN(5) != 0 {
		if r.IntN(200) == 0 {
			b.WriteString("date: 2023-13-06\n") // valid YAML, impossible date
		} else {
			fmt.Fprintf(b, "date: %d-%02d-%02d\n", 2019+r.IntN(6), 1+r.IntN(12), 1+r.IntN(28))
		}
	}
	switch r.IntN(6) {
	case 0:
		b.WriteString("status: " + pick(r, []string{"seedling", "budding", "evergreen"}) + "\n")
	case 1:
		b.WriteString("type: " + pick(r, []string{"concept", "person", "project", "reference"}) + "\n")
	case 2:
		fmt.Fprintf(b, "rating: %d\n", 1+r.IntN(5))
	case 3:
		b.WriteString("source: https://example.org/" + pick(r, w.p.lex.nouns) + "\n")
	case 4:
		b.WriteString("cssclasses: [wide]\n")
	}
	if r.IntN(20) == 0 {
		t := w.pickTarget()
		text := "[[" + wikiName(t) + "]]"
		b.WriteString("related: \"")
		w.emit(text, "frontmatter", t.path, "", false)
		b.WriteString("\"\n")
	}
	b.WriteString("---\n\n")
}

func (w *noteWriter) tagName() string {
	t := pick(w.r, w.p.lex.tags)
	if w.r.IntN(5) == 0 {
		t += "/" + pick(w.r, w.p.lex.tags)
	}
	return t
}

// paragraph writes one line of pseudo-prose of 200–700 bytes with links spread
// through it, then an optional block id.
func (w *noteWriter) paragraph(links, externals int, block string, comment, code bool) {
	r, b := w.r, &w.b
	target := 200 + r.IntN(500)
	start := b.Len()
	wordsLeft := target / 7
	for first := true; b.Len()-start < target; first = false {
		if !first {
			b.WriteByte(' ')
		}
		n := 6 + r.IntN(14)
		for j := range n {
			if j > 0 {
				b.WriteByte(' ')
			}
			switch {
			case links > 0 && r.IntN(max(1, wordsLeft)) < links:
				w.link(false)
				links--
			case j > 0 && r.IntN(70) == 0:
				b.WriteString("#" + w.tagName())
			case j > 0 && r.IntN(40) == 0:
				b.WriteString("**" + w.word() + "**")
			case j > 0 && r.IntN(50) == 0:
				b.WriteString("_" + w.word() + "_")
			case j == 0:
				b.WriteString(upperFirst(w.word()))
			default:
				b.WriteString(w.word())
			}
			if j < n-1 && r.IntN(12) == 0 {
				b.WriteByte(',')
			}
			wordsLeft--
		}
		if r.IntN(12) == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('.')
		}
	}
	if links > 0 {
		b.WriteString(" See ")
		for k := range links {
			if k > 0 {
				b.WriteString(", ")
			}
			w.link(false)
		}
		b.WriteByte('.')
	}
	for range externals {
		b.WriteByte(' ')
		w.externalLink()
	}
	if code {
		b.WriteString(" Write `[[" + ghostInCode + "]]` to link a note.")
	}
	if comment {
		b.WriteString(" %% check [[" + ghostInComment + "]] later %%")
	}
	if block != "" {
		b.WriteString(" ^" + block)
	}
	b.WriteString("\n\n")
}

func (w *noteWriter) word() string {
	lex := w.p.lex
	switch x := w.r.IntN(100); {
	case x < 40:
		return pick(w.r, lex.glue)
	case x < 70:
		return pick(w.r, lex.nouns)
	case x < 85:
		return pick(w.r, lex.adjs)
	default:
		return pick(w.r, lex.verbs)
	}
}

func (w *noteWriter) sentence(lo, hi int) string {
	n := lo + w.r.IntN(hi-lo+1)
	words := make([]string, n)
	for i := range words {
		words[i] = w.word()
	}
	return upperFirst(strings.Join(words, " ")) + "."
}

func (w *noteWriter) extra(kind int) {
	r, b := w.r, &w.b
	switch kind {
	case xCode:
		lang := pick(r, w.p.lex.langs)
		b.WriteString("```" + lang + "\n")
		switch lang {
		case "dataview":
			b.WriteString("LIST FROM [[" + ghostInCode + "]]\nWHERE status = \"seedling\"\nSORT file.mtime DESC\n")
		case "mermaid":
			b.WriteString("graph TD\n  A[[" + ghostInCode + "]] --> B[" + pick(r, w.p.lex.nouns) + "]\n")
		case "yaml", "json":
			b.WriteString("related: \"[[" + ghostInCode + "]]\"\nsee: \"[ghost](ghost/in-code.md)\"\n")
		default:
			b.WriteString("# see [[" + ghostInCode + "]] and [ghost](ghost/in-code.md)\n")
			for range 2 + r.IntN(6) {
				b.WriteString(pick(r, w.p.lex.verbs) + "(" + pick(r, w.p.lex.nouns) + ", " + fmt.Sprint(r.IntN(100)) + ")\n")
			}
		}
		b.WriteString("```\n\n")
	case xCallout:
		b.WriteString("> [!" + pick(r, []string{"note", "tip", "warning", "quote"}) + "] " + upperFirst(pick(r, w.p.lex.nouns)) + "\n> ")
		b.WriteString(w.sentence(6, 14) + " ")
		w.link(false)
		b.WriteString("\n\n")
	case xTable:
		b.WriteString("| Note | Why |\n| --- | --- |\n")
		for range 2 + r.IntN(3) {
			b.WriteString("| ")
			w.link(true)
			b.WriteString(" | " + w.sentence(3, 7) + " |\n")
		}
		b.WriteByte('\n')
	case xComment:
		b.WriteString("%%\nTODO: merge with [[" + ghostInComment + "]]\n" + w.sentence(5, 10) + "\n%%\n\n")
	case xHTMLComment:
		b.WriteString("<!-- [[" + ghostInComment + "]] -->\n\n")
	case xRule:
		b.WriteString("---\n\n")
	case xList:
		ordered := r.IntN(3) == 0
		for k := range 3 + r.IntN(4) {
			if ordered {
				fmt.Fprintf(b, "%d. ", k+1)
			} else {
				b.WriteString("- ")
			}
			b.WriteString(w.sentence(3, 10))
			if r.IntN(3) == 0 {
				b.WriteByte(' ')
				w.link(false)
			}
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	case xTasks:
		for range 2 + r.IntN(3) {
			if r.IntN(2) == 0 {
				b.WriteString("- [x] ")
			} else {
				b.WriteString("- [ ] ")
			}
			b.WriteString(w.sentence(3, 8) + "\n")
		}
		b.WriteByte('\n')
	}
}

func (w *noteWriter) externalLink() {
	r := w.r
	hosts := []string{"https://en.wikipedia.org/wiki/", "https://example.org/", "https://www.gwern.net/", "https://notes.andymatuschak.org/"}
	url := pick(r, hosts) + upperFirst(pick(r, w.p.lex.nouns)) + "_" + pick(r, w.p.lex.nouns)
	switch x := r.IntN(10); {
	case x < 7:
		w.b.WriteString("[" + upperFirst(pick(r, w.p.lex.nouns)) + "](" + url + ")")
	case x < 9:
		w.b.WriteString("<" + url + ">")
	default:
		w.b.WriteString(url + " here")
	}
	w.res.external++
}

// pickTarget draws a note to link to, often a hub; never the note itself
// unless it is alone.
func (w *noteWriter) pickTarget() *note {
	n := len(w.p.notes)
	for {
		t := w.r.IntN(n)
		if w.zipf != nil && w.r.IntN(100) < 30 {
			t = w.p.hubs[w.zipf.Uint64()]
		}
		if t != w.self || n == 1 {
			return w.p.notes[t]
		}
	}
}

// wikiName is the shortest wikilink target that is unambiguous under both
// Obsidian and Quartz: the bare name, or the vault path for duplicated names.
func wikiName(t *note) string {
	if t.dup {
		return strings.TrimSuffix(t.path, ".md")
	}
	return t.name
}

// mdPath writes a path as a markdown link destination: spaces %-encoded, as
// Obsidian writes them.
func mdPath(path string) string { return strings.ReplaceAll(path, " ", "%20") }

// relPath is the "./" or "../" path from a folder to a file; a path that does
// not climb still starts with "./" so that it cannot be read from the root.
func relPath(fromDir, to string) string {
	from := strings.Split(fromDir, "/")
	seg := strings.Split(to, "/")
	i := 0
	for i < len(from) && i < len(seg)-1 && from[i] == seg[i] {
		i++
	}
	if i == len(from) {
		return "./" + strings.Join(seg[i:], "/")
	}
	return strings.Repeat("../", len(from)-i) + strings.Join(seg[i:], "/")
}

func (w *noteWriter) emit(text, kind, target, frag string, broken bool) {
	w.b.WriteString(text)
	w.res.links++
	if broken {
		w.res.broken++
		target = ""
	}
	if w.keep {
		w.res.recs = append(w.res.recs, linkRecord{Source: w.nt.path, Text: text, Kind: kind, Target: target, Fragment: frag, Broken: broken})
	}
}

func (w *noteWriter) link(inTable bool) {
	r := w.r
	if r.IntN(100) < 5 {
		w.brokenLink(inTable)
		return
	}
	t := w.pickTarget()
	wiki := w.wiki
	if r.IntN(100) < 8 {
		wiki = !wiki
	}
	if wiki {
		w.wikiLink(t, inTable)
	} else {
		w.mdLink(t)
	}
}

func (w *noteWriter) label(t *note) string {
	if w.r.IntN(2) == 0 {
		return t.title
	}
	return pick(w.r, w.p.lex.adjs) + " " + pick(w.r, w.p.lex.nouns)
}

func (w *noteWriter) wikiLink(t *note, inTable bool) {
	r := w.r
	pipe := "|"
	if inTable {
		pipe = `\|` // a bare pipe would end the table cell
	}
	name := wikiName(t)
	switch x := r.IntN(100); {
	case x < 5:
		a := pick(r, w.p.assets)
		text := "![[" + lastSegment(a)
		if r.IntN(3) == 0 {
			text += pipe + fmt.Sprint(100*(1+r.IntN(6)))
		}
		w.emit(text+"]]", "embed", a, "", false)
	case x < 7:
		w.emit("![["+name+"]]", "embed", t.path, "", false)
	case x < 9 && len(w.nt.headings) > 0:
		h := pick(r, w.nt.headings)
		w.emit("[[#"+h+"]]", "wiki", w.nt.path, h, false)
	case x < 24:
		w.emit("[["+name+pipe+w.label(t)+"]]", "wiki", t.path, "", false)
	case x < 38 && len(t.headings) > 0:
		h := pick(r, t.headings)
		text := "[[" + name + "#" + h
		if r.IntN(3) == 0 {
			text += pipe + strings.ToLower(h)
		}
		w.emit(text+"]]", "wiki", t.path, h, false)
	case x < 45 && len(t.blocks) > 0:
		id := pick(r, t.blocks)
		w.emit("[["+name+"#^"+id+"]]", "wiki", t.path, "^"+id, false)
	default:
		w.emit("[["+name+"]]", "wiki", t.path, "", false)
	}
}

func (w *noteWriter) mdLink(t *note) {
	r, nt := w.r, w.nt
	label := w.label(t)
	rootRel := func() { w.emit("["+label+"]("+mdPath(t.path)+")", "md", t.path, "", false) }
	switch x := r.IntN(100); {
	case x < 5:
		a := pick(r, w.p.assets)
		w.emit("!["+pick(r, w.p.lex.nouns)+"]("+mdPath(a)+")", "image", a, "", false)
	case x < 55:
		rootRel()
	case x < 70:
		// A sibling by bare name; only for unique names, which Quartz's
		// shortest rule also resolves.
		sib := w.p.byDir[nt.dir]
		s := w.p.notes[sib[r.IntN(len(sib))]]
		if s == nt || s.dup {
			rootRel()
			return
		}
		dest := s.name + ".md"
		if r.IntN(5) == 0 {
			dest = "./" + dest
		}
		w.emit("["+w.label(s)+"]("+mdPath(dest)+")", "md", s.path, "", false)
	case x < 80 && nt.dir != "":
		w.emit("["+label+"]("+mdPath(relPath(nt.dir, t.path))+")", "md", t.path, "", false)
	case x < 90:
		w.emit("["+label+"]("+mdPath(strings.TrimSuffix(t.path, ".md"))+")", "md", t.path, "", false)
	case len(t.headings) > 0:
		h := pick(r, t.headings)
		w.emit("["+label+"]("+mdPath(t.path)+"#"+slug(h)+")", "md", t.path, slug(h), false)
	default:
		rootRel()
	}
}

// brokenLink writes one of the mistakes real gardens have: a note never
// written, a heading or block that is not there, a path from before a folder
// was renamed.
func (w *noteWriter) brokenLink(inTable bool) {
	r := w.r
	t := w.pickTarget()
	wiki := w.wiki
	switch x := r.IntN(100); {
	case x < 35:
		name := styleName(r, w.p.inventKey(r, 2))
		if wiki {
			w.emit("[["+name+"]]", "wiki", "", "", true)
		} else {
			w.emit("["+w.label(t)+"]("+mdPath(name)+".md)", "md", "", "", true)
		}
	case x < 55:
		h := w.missingHeading(t)
		if wiki {
			w.emit("[["+wikiName(t)+"#"+h+"]]", "wiki", "", h, true)
		} else {
			w.emit("["+w.label(t)+"]("+mdPath(t.path)+"#"+slug(h)+")", "md", "", slug(h), true)
		}
	case x < 70:
		id := blockID(r)
		for contains(t.blocks, id) {
			id = blockID(r)
		}
		w.emit("[["+wikiName(t)+"#^"+id+"]]", "wiki", "", "^"+id, true)
	default:
		// No folder name ends in "-old", so no path suffix can match either.
		stale := "old/" + t.name
		if t.dir != "" {
			seg := strings.SplitN(t.dir, "/", 2)
			seg[0] += "-old"
			stale = strings.Join(seg, "/") + "/" + t.name
		}
		if wiki {
			w.emit("[["+stale+"]]", "wiki", "", "", true)
		} else {
			w.emit("["+w.label(t)+"]("+mdPath(stale)+".md)", "md", "", "", true)
		}
	}
}

// missingHeading picks a plausible heading the target does not have.
func (w *noteWriter) missingHeading(t *note) string {
	for range 8 {
		h := pick(w.r, w.p.lex.headings)
		if !hasHeading(t, h) {
			return h
		}
	}
	return "Unwritten " + pick(w.r, w.p.lex.nouns)
}

func hasHeading(t *note, h string) bool {
	for _, x := range t.headings {
		if strings.EqualFold(x, h) || slug(x) == slug(h) {
			return true
		}
	}
	return false
}
