package workspace

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The parser tests describe what a note yields as short strings, each quoting
// the text under a span (text[span]), so a wrong offset shows as wrong text:
//
//	link:    kind "whole link" ts="target as written" [t="Target"] [f="Fragment"] [l="Label"] [ext] [img] [def="label of its definition"]
//	heading: H2 "whole heading" text="text span" "Text" #slug
//	tag:     #name "span" [fm]
//	block:   ^id "span"
//
// A nil want list is not checked; an empty one says there must be none.

func linkString(n *Note, l Link) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q ts=%q", l.Kind, n.Text[l.Span.Start:l.Span.End], n.Text[l.TargetSpan.Start:l.TargetSpan.End])
	if l.Target != "" {
		fmt.Fprintf(&b, " t=%q", l.Target)
	}
	if l.Fragment != "" {
		fmt.Fprintf(&b, " f=%q", l.Fragment)
	}
	if l.Label != "" {
		fmt.Fprintf(&b, " l=%q", l.Label)
	}
	if l.External {
		b.WriteString(" ext")
	}
	if l.Image {
		b.WriteString(" img")
	}
	if l.Def >= 0 {
		// The label of the definition it uses: the first of its label.
		fmt.Fprintf(&b, " def=%q", n.Links()[l.Def].Label)
	}
	if l.Raw != n.Text[l.TargetSpan.Start:l.TargetSpan.End] {
		fmt.Fprintf(&b, " raw=%q (not the text at TargetSpan)", l.Raw)
	}
	return b.String()
}

func headingString(n *Note, h Heading) string {
	return fmt.Sprintf("H%d %q text=%q %q #%s", h.Level, n.Text[h.Span.Start:h.Span.End],
		n.Text[h.TextSpan.Start:h.TextSpan.End], h.Text, h.Slug)
}

func tagString(n *Note, t Tag) string {
	s := fmt.Sprintf("#%s %q", t.Name, n.Text[t.Span.Start:t.Span.End])
	if t.InFrontmatter {
		s += " fm"
	}
	return s
}

func blockString(n *Note, b Block) string {
	return fmt.Sprintf("^%s %q", b.ID, n.Text[b.Span.Start:b.Span.End])
}

func noteStrings[T any](n *Note, items []T, str func(*Note, T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, str(n, it))
	}
	return out
}

func compareLists(t *testing.T, what string, got, want []string) {
	t.Helper()
	if want == nil {
		return
	}
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return
	}
	t.Errorf("%s:\ngot:\n\t%s\nwant:\n\t%s", what, strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
}

// checkSpans fails on any span out of the text's bounds or inverted, a link
// target outside its link, or a heading text outside its heading.
func checkSpans(t testing.TB, n *Note) {
	t.Helper()
	ok := func(what string, s Span) {
		t.Helper()
		if s.Start < 0 || s.End > len(n.Text) || s.Start > s.End {
			t.Fatalf("%s span %v out of bounds (len %d) in %q", what, s, len(n.Text), n.Text)
		}
	}
	inside := func(what string, in, out Span) {
		t.Helper()
		if in.Start < out.Start || in.End > out.End {
			t.Fatalf("%s span %v not inside %v in %q", what, in, out, n.Text)
		}
	}
	for i, l := range n.Links() {
		ok("link", l.Span)
		ok("link target", l.TargetSpan)
		inside("link target", l.TargetSpan, l.Span)
		if int(l.Def) >= len(n.Links()) || (l.Def >= 0 && n.Links()[l.Def].Kind != LinkDefinition) {
			t.Fatalf("link %d: Def %d is not a definition", i, l.Def)
		}
		if i > 0 && n.Links()[i-1].Span.Start > l.Span.Start {
			t.Fatalf("links out of order: %v before %v", n.Links()[i-1].Span, l.Span)
		}
	}
	for _, h := range n.Headings() {
		ok("heading", h.Span)
		ok("heading text", h.TextSpan)
		inside("heading text", h.TextSpan, h.Span)
	}
	for _, b := range n.Blocks() {
		ok("block", b.Span)
	}
	for _, tg := range n.Tags() {
		ok("tag", tg.Span)
	}
	fm := n.Frontmatter
	ok("frontmatter", fm.Span)
	ok("lead", n.LeadSpan())
	if fm.Err != nil {
		ok("frontmatter error", fm.Err.Span)
	}
	for _, p := range fm.Problems {
		ok("frontmatter problem", p.Span)
	}
}

type parseCase struct {
	name     string
	text     string
	path     string // default "notes/Note Name.md"
	links    []string
	headings []string
	tags     []string
	blocks   []string
	check    func(t *testing.T, n *Note)
}

func runParseCases(t *testing.T, cases []parseCase) {
	t.Helper()
	p := NewParser()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.path
			if path == "" {
				path = "notes/Note Name.md"
			}
			n := p.Parse(path, c.text, 1)
			checkSpans(t, n)
			compareLists(t, "links", noteStrings(n, n.Links(), linkString), c.links)
			compareLists(t, "headings", noteStrings(n, n.Headings(), headingString), c.headings)
			compareLists(t, "tags", noteStrings(n, n.Tags(), tagString), c.tags)
			compareLists(t, "blocks", noteStrings(n, n.Blocks(), blockString), c.blocks)
			if c.check != nil {
				c.check(t, n)
			}
		})
	}
}

func TestParseLinks(t *testing.T) {
	runParseCases(t, []parseCase{{
		name: "wikilink shapes",
		text: "[[t]] [[t|label]] [[t#H]] [[t#^b]] [[#H]] [[A#B#C]] [[ spaced | label ]] [[dir/Note.md]]\n",
		links: []string{
			`wiki "[[t]]" ts="t" t="t"`,
			`wiki "[[t|label]]" ts="t" t="t" l="label"`,
			`wiki "[[t#H]]" ts="t#H" t="t" f="H"`,
			`wiki "[[t#^b]]" ts="t#^b" t="t" f="^b"`,
			`wiki "[[#H]]" ts="#H" f="H"`,
			`wiki "[[A#B#C]]" ts="A#B#C" t="A" f="B#C"`,
			`wiki "[[ spaced | label ]]" ts="spaced" t="spaced" l="label"`,
			`wiki "[[dir/Note.md]]" ts="dir/Note.md" t="dir/Note.md"`,
		},
	}, {
		name: "embeds",
		text: "![[img.png|100]] ![[Note#Heading]] ![[clip.mp4#t=10]]\n",
		links: []string{
			`embed "![[img.png|100]]" ts="img.png" t="img.png" l="100" img`,
			`embed "![[Note#Heading]]" ts="Note#Heading" t="Note" f="Heading" img`,
			`embed "![[clip.mp4#t=10]]" ts="clip.mp4#t=10" t="clip.mp4" f="t=10" img`,
		},
	}, {
		name:  "not wikilinks",
		text:  "[[]] [[a\nb]] [[a]b]] [[a[b]] [ [a]] [[unclosed\n",
		links: []string{},
	}, {
		name: "escaped pipe in table cells",
		text: "| a | b |\n| --- | --- |\n| [[t\\|label]] | [[x#H \\| y]] |\n",
		links: []string{
			`wiki "[[t\\|label]]" ts="t" t="t" l="label"`,
			`wiki "[[x#H \\| y]]" ts="x#H" t="x" f="H" l="y"`,
		},
	}, {
		name: "markdown destinations",
		text: "[a](path.md) [b](path) [c](<a b.md>) [d](a%20b.md) [e](/from-root.md) [f](../up.md#Sec%20Two)\n" +
			"[g](#fragment) [h](x.md \"title\") [i](a\\_b.md) [j](%zz.md) [**k** `c`](k.md)\n",
		links: []string{
			`inline "[a](path.md)" ts="path.md" t="path.md" l="a"`,
			`inline "[b](path)" ts="path" t="path" l="b"`,
			`inline "[c](<a b.md>)" ts="<a b.md>" t="a b.md" l="c"`,
			`inline "[d](a%20b.md)" ts="a%20b.md" t="a b.md" l="d"`,
			`inline "[e](/from-root.md)" ts="/from-root.md" t="/from-root.md" l="e"`,
			`inline "[f](../up.md#Sec%20Two)" ts="../up.md#Sec%20Two" t="../up.md" f="Sec Two" l="f"`,
			`inline "[g](#fragment)" ts="#fragment" f="fragment" l="g"`,
			`inline "[h](x.md \"title\")" ts="x.md" t="x.md" l="h"`,
			`inline "[i](a\\_b.md)" ts="a\\_b.md" t="a_b.md" l="i"`,
			`inline "[j](%zz.md)" ts="%zz.md" t="%zz.md" l="j"`,
			"inline \"[**k** `c`](k.md)\" ts=\"k.md\" t=\"k.md\" l=\"k c\"",
		},
	}, {
		name: "images and external",
		text: "![alt](img%20x.png \"t\") [w](https://example.com/a.md) [m](mailto:a@b.c) [p](//cdn.x/y) [c](C:/x.md)\n",
		links: []string{
			`inline "![alt](img%20x.png \"t\")" ts="img%20x.png" t="img x.png" l="alt" img`,
			`inline "[w](https://example.com/a.md)" ts="https://example.com/a.md" t="https://example.com/a.md" l="w" ext`,
			`inline "[m](mailto:a@b.c)" ts="mailto:a@b.c" t="mailto:a@b.c" l="m" ext`,
			`inline "[p](//cdn.x/y)" ts="//cdn.x/y" t="//cdn.x/y" l="p" ext`,
			`inline "[c](C:/x.md)" ts="C:/x.md" t="C:/x.md" l="c"`,
		},
	}, {
		name: "reference links",
		text: "[x][ref] [ref][] [Ref] ![pic][img] [nodef][missing]\n\n" +
			"[ref]: path.md \"title\"\n[img]: <a b.png>\n[Ref]: dup.md\n",
		links: []string{
			`reference "[x][ref]" ts="ref" t="path.md" l="x" def="ref"`,
			`reference "[ref][]" ts="ref" t="path.md" l="ref" def="ref"`,
			`reference "[Ref]" ts="Ref" t="path.md" l="Ref" def="ref"`,
			`reference "![pic][img]" ts="img" t="a b.png" l="pic" img def="img"`,
			`definition "[ref]: path.md \"title\"" ts="path.md" t="path.md" l="ref"`,
			`definition "[img]: <a b.png>" ts="<a b.png>" t="a b.png" l="img"`,
			`definition "[Ref]: dup.md" ts="dup.md" t="dup.md" l="Ref"`,
		},
		check: func(t *testing.T, n *Note) {
			// The first definition of a label wins, as in CommonMark.
			if d := n.Links()[2].Def; d != 4 {
				t.Errorf("[Ref] points at definition %d, want 4", d)
			}
		},
	}, {
		name: "definition inside a quote, title on the next line",
		text: "> [q]: q.md\n\n[multi]:\n  multi.md\n  \"Title\"\n",
		links: []string{
			`definition "[q]: q.md" ts="q.md" t="q.md" l="q"`,
			`definition "[multi]:\n  multi.md\n  \"Title\"" ts="multi.md" t="multi.md" l="multi"`,
		},
	}, {
		name: "autolinks and bare URLs are external",
		text: "<https://a.example/x> https://b.example/p#frag www.c.example <me@d.example> http://e.example/#notatag\n",
		links: []string{
			`autolink "<https://a.example/x>" ts="https://a.example/x" t="https://a.example/x" ext`,
			`autolink "https://b.example/p#frag" ts="https://b.example/p#frag" t="https://b.example/p#frag" ext`,
			`autolink "www.c.example" ts="www.c.example" t="http://www.c.example" ext`,
			`autolink "<me@d.example>" ts="me@d.example" t="me@d.example" ext`,
			`autolink "http://e.example/#notatag" ts="http://e.example/#notatag" t="http://e.example/#notatag" ext`,
		},
		tags: []string{},
	}, {
		name: "links in frontmatter values",
		text: "---\nup: \"[[Parent Note#Part|parent]]\"\nsource: \"[paper](papers/x.md)\"\nlist:\n  - \"[[A]]\"\n  - \"[[B]]\"\n---\nBody [[C]]\n",
		links: []string{
			`frontmatter "[[Parent Note#Part|parent]]" ts="Parent Note#Part" t="Parent Note" f="Part" l="parent"`,
			`frontmatter "[paper](papers/x.md)" ts="papers/x.md" t="papers/x.md" l="paper"`,
			`frontmatter "[[A]]" ts="A" t="A"`,
			`frontmatter "[[B]]" ts="B" t="B"`,
			`wiki "[[C]]" ts="C" t="C"`,
		},
		check: func(t *testing.T, n *Note) {
			if !n.Links()[0].Wiki || n.Links()[1].Wiki {
				t.Errorf("frontmatter [[x]] must be Wiki, [x](y) not: %v %v", n.Links()[0].Wiki, n.Links()[1].Wiki)
			}
		},
	}, {
		name: "links inside headings, lists, quotes and callouts",
		text: "# See [[A]]\n\n- item [[B]]\n  > quoted [c](c.md)\n\n> [!note] Title [[D]]\n> body [[E]]\n",
		links: []string{
			`wiki "[[A]]" ts="A" t="A"`,
			`wiki "[[B]]" ts="B" t="B"`,
			`inline "[c](c.md)" ts="c.md" t="c.md" l="c"`,
			`wiki "[[D]]" ts="D" t="D"`,
			`wiki "[[E]]" ts="E" t="E"`,
		},
	}})
}

func TestParseSkipsCodeCommentsMath(t *testing.T) {
	runParseCases(t, []parseCase{{
		name: "code spans, fences and indented code",
		text: "`[[a]] #t` and ``[[b]] ` #u`` [[ok]]\n\n```\n[[c]] #v\n```\n\n~~~~md\n[[d]]\n```\n#w\n~~~~\n\n    [[e]] #x\n\n[[ok2]]\n",
		links: []string{
			`wiki "[[ok]]" ts="ok" t="ok"`,
			`wiki "[[ok2]]" ts="ok2" t="ok2"`,
		},
		tags: []string{},
	}, {
		name: "HTML comments and HTML blocks",
		text: "a <!-- [[a]] #t --> b [[ok]]\n\n<!--\n[[b]] #u\n-->\n\n<div>\n[[c]] #v\n</div>\n",
		links: []string{
			`wiki "[[ok]]" ts="ok" t="ok"`,
		},
		tags: []string{},
	}, {
		name: "Obsidian comments, inline and across blocks",
		text: "a %% [[a]] #t %% [[ok]]\n%%\n# Hidden heading\n[[b]] #u\n\n[[c]]\n%%\n[[ok2]] #tag\n",
		links: []string{
			`wiki "[[ok]]" ts="ok" t="ok"`,
			`wiki "[[ok2]]" ts="ok2" t="ok2"`,
		},
		headings: []string{},
		tags:     []string{`#tag "#tag"`},
	}, {
		name: "text after a comment that opens its line is no code block",
		text: "%% note to self %% [[a]] #t\n\n%%\nhidden\n%% [[b]]\n\n  <% x %> [[c]]\n\n\t<% y %> [[code]]\n",
		links: []string{
			`wiki "[[a]]" ts="a" t="a"`,
			`wiki "[[b]]" ts="b" t="b"`,
			`wiki "[[c]]" ts="c" t="c"`,
		},
		tags: []string{`#t "#t"`},
		check: func(t *testing.T, n *Note) {
			if n.Lead() != "a #t" {
				t.Errorf("lead %q", n.Lead())
			}
		},
	}, {
		name:  "an unclosed comment runs to the end",
		text:  "[[ok]] %% [[a]]\n\n[[b]] #t\n",
		links: []string{`wiki "[[ok]]" ts="ok" t="ok"`},
		tags:  []string{},
	}, {
		name: "%% inside inline code starts no comment",
		text: "Write `%%` to comment. [[ok]] #t\n\nMore [[ok2]] `%%`\n",
		links: []string{
			`wiki "[[ok]]" ts="ok" t="ok"`,
			`wiki "[[ok2]]" ts="ok2" t="ok2"`,
		},
		tags: []string{`#t "#t"`},
	}, {
		name: "%% inside a fence starts no comment",
		text: "```\n%%\n```\n[[ok]]\n",
		links: []string{
			`wiki "[[ok]]" ts="ok" t="ok"`,
		},
	}, {
		name: "math",
		text: "$x^2 #t [[a]]$ and $$\\sum #u [[b]]$$ [[ok]]\n\n$$\n#v [[c]]\n$$\n\nCosts $5 and #w, then $6 [[ok2]].\n",
		links: []string{
			`wiki "[[ok]]" ts="ok" t="ok"`,
			`wiki "[[ok2]]" ts="ok2" t="ok2"`,
		},
		tags: []string{`#w "#w"`},
	}, {
		name: "Templater tags",
		text: "<% tp.file.title %> [[ok]] <%* if (x) { %> [[kept]] <% } %> <%- \"[[a]] #t\" -%>\n",
		links: []string{
			`wiki "[[ok]]" ts="ok" t="ok"`,
			`wiki "[[kept]]" ts="kept" t="kept"`,
		},
		tags: []string{},
	}})
}

func TestParseTags(t *testing.T) {
	runParseCases(t, []parseCase{{
		name: "shapes",
		text: "#tag #a/b #CamelCase #snake_case #kebab-case #y1984 #über #日本 #🌱 #🌱/seedling (#paren) #end.\n",
		tags: []string{
			`#tag "#tag"`, `#a/b "#a/b"`, `#CamelCase "#CamelCase"`, `#snake_case "#snake_case"`,
			`#kebab-case "#kebab-case"`, `#y1984 "#y1984"`, `#über "#über"`, `#日本 "#日本"`,
			`#🌱 "#🌱"`, `#🌱/seedling "#🌱/seedling"`, `#paren "#paren"`, `#end "#end"`,
		},
	}, {
		name: "not tags",
		text: "#1984 a#b [x](#frag) <https://x.example/#a> https://y.example/#b `#c` $#d$ &#35; \\#e #\n",
		tags: []string{},
	}, {
		name:     "heading markers are not tags; tags in heading text are",
		text:     "# Title\n## #inheading text\n#NoSpace is a paragraph\n",
		tags:     []string{`#inheading "#inheading"`, `#NoSpace "#NoSpace"`},
		headings: []string{`H1 "# Title" text="Title" "Title" #title`, `H2 "## #inheading text" text="#inheading text" "#inheading text" #inheading-text`},
	}, {
		name: "frontmatter tags: list, string, '#' prefix",
		text: "---\ntags: [a, \"#b\", c/d]\n---\nbody #e\n",
		tags: []string{`#a "a" fm`, `#b "\"#b\"" fm`, `#c/d "c/d" fm`, `#e "#e"`},
	}, {
		name: "frontmatter tags as a comma separated string",
		text: "---\ntag: one, two\n---\n",
		tags: []string{`#one "one, two" fm`, `#two "one, two" fm`},
	}, {
		name: "frontmatter tags as a block list",
		text: "---\ntags:\n  - x\n  - y/z\n---\n",
		tags: []string{`#x "x" fm`, `#y/z "y/z" fm`},
	}, {
		name: "frontmatter tags empty",
		text: "---\ntags:\n---\n",
		tags: []string{},
	}, {
		name: "frontmatter tags []",
		text: "---\ntags: []\n---\n",
		tags: []string{},
	}})
}

func TestParseHeadings(t *testing.T) {
	runParseCases(t, []parseCase{{
		name: "ATX and setext",
		text: "# One\n\nTwo\n===\n\nThree\nlines\n---\n\n## Closing hashes ##\n   ### Indented three\n####### seven is text\n#\tTab\n",
		headings: []string{
			`H1 "# One" text="One" "One" #one`,
			`H1 "Two\n===" text="Two" "Two" #two`,
			`H2 "Three\nlines\n---" text="Three\nlines" "Three lines" #three-lines`,
			`H2 "## Closing hashes ##" text="Closing hashes" "Closing hashes" #closing-hashes`,
			`H3 "   ### Indented three" text="Indented three" "Indented three" #indented-three`,
			`H1 "#\tTab" text="Tab" "Tab" #tab`,
		},
	}, {
		name: "duplicates are numbered as on GitHub",
		text: "# A\n## A\n## A-1\n### A\n",
		headings: []string{
			`H1 "# A" text="A" "A" #a`,
			`H2 "## A" text="A" "A" #a-1`,
			`H2 "## A-1" text="A-1" "A-1" #a-1-1`,
			`H3 "### A" text="A" "A" #a-2`,
		},
	}, {
		name: "inline markup is dropped from the text",
		text: "# *Em* `code` [[Link|shown]] [md](x.md) #tag\n",
		headings: []string{
			"H1 \"# *Em* `code` [[Link|shown]] [md](x.md) #tag\" text=\"*Em* `code` [[Link|shown]] [md](x.md) #tag\" \"Em code shown md #tag\" #em-code-shown-md-tag",
		},
	}, {
		name:     "a thematic break is no heading",
		text:     "Para\n\n---\n\n***\n",
		headings: []string{},
	}, {
		name:     "headings in code are not headings",
		text:     "```\n# no\n```\n    # no\n",
		headings: []string{},
	}})
}

func TestSlug(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Hello World", "hello-world"},
		{"What's new? (v2.0)", "whats-new-v20"},
		{"C++ & Go", "c--go"},
		{"Second: Part (2)", "second-part-2"},
		{"snake_case and kebab-case", "snake_case-and-kebab-case"},
		{"Über straße", "über-straße"},
		{"日本語の見出し", "日本語の見出し"},
		{"🌱 Seedling", "-seedling"},
		{"Ünïcode Heading 🌱", "ünïcode-heading-"},
		{"  two  spaces ", "--two--spaces-"},
		{"a.b/c\\d", "abcd"},
		{"Ελληνικά", "ελληνικά"},
		{"", ""},
	} {
		if got := Slug(c.in); got != c.want {
			t.Errorf("Slug(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseBlocks(t *testing.T) {
	runParseCases(t, []parseCase{{
		name: "ids at the end of blocks",
		text: "A paragraph. ^para-1\n\n- item ^li1\n- embed ![[x.png]]^after-embed\n\n> quote\n\n^own-line\n\n| a |\n| - |\n| b |\n\n^table\n",
		blocks: []string{
			`^para-1 "^para-1"`, `^li1 "^li1"`, `^after-embed "^after-embed"`, `^own-line "^own-line"`, `^table "^table"`,
		},
	}, {
		name:   "not block ids",
		text:   "e^x and 2^10\n\nmid ^line\ncontinues\n\n^under_score\n\n`^code`\n\ntrailing ^id text\n",
		blocks: []string{},
	}, {
		name:   "trailing spaces and CRLF after the id",
		text:   "para ^a1  \r\n\r\nnext ^b2\r\n",
		blocks: []string{`^a1 "^a1"`, `^b2 "^b2"`},
	}})
}

func TestParseFrontmatter(t *testing.T) {
	p := NewParser()
	parse := func(text string) *Note {
		t.Helper()
		n := p.Parse("dir/File Name.md", text, 1)
		checkSpans(t, n)
		return n
	}
	t.Run("fields", func(t *testing.T) {
		n := parse("---\ntitle: The Title\ndescription: What it is.\naliases:\n  - Other Name\n  - \"#autonomy\"\ntags:\npublish: true\ntype: concept\n---\n# Heading\n\nFirst paragraph.\n")
		fm := n.Frontmatter
		if !fm.Present || fm.Err != nil {
			t.Fatalf("present=%v err=%v", fm.Present, fm.Err)
		}
		if got := n.Text[fm.Span.Start:fm.Span.End]; !strings.HasPrefix(got, "---\ntitle") || !strings.HasSuffix(got, "concept\n---\n") {
			t.Errorf("frontmatter span covers %q", got)
		}
		if fm.Title != "The Title" || fm.Description != "What it is." {
			t.Errorf("title %q description %q", fm.Title, fm.Description)
		}
		if strings.Join(fm.Aliases, "|") != "Other Name|#autonomy" {
			t.Errorf("aliases %q", fm.Aliases)
		}
		if fm.Publish == nil || !*fm.Publish {
			t.Errorf("publish %v", fm.Publish)
		}
		if len(fm.Tags) != 0 {
			t.Errorf("empty tags gave %v", fm.Tags)
		}
		if len(fm.Problems) != 1 || fm.Problems[0].Field != "aliases" || n.Text[fm.Problems[0].Span.Start:fm.Problems[0].Span.End] != `"#autonomy"` {
			t.Errorf("want one problem on the '#' alias, got %+v", fm.Problems)
		}
		if n.Title != "The Title" || n.Description != "What it is." || n.Lead() != "First paragraph." {
			t.Errorf("title %q description %q lead %q", n.Title, n.Description, n.Lead())
		}
		if n.Text[n.LeadSpan().Start:n.LeadSpan().End] != "First paragraph." {
			t.Errorf("lead span %q", n.Text[n.LeadSpan().Start:n.LeadSpan().End])
		}
		if len(n.Headings()) != 1 {
			t.Errorf("the frontmatter must not parse as a setext heading: %v", n.Headings())
		}
	})
	t.Run("publish", func(t *testing.T) {
		for _, c := range []struct {
			val     string
			want    string // "true", "false" or "nil"
			problem bool
		}{
			{"true", "true", false},
			{"false", "false", false},
			{"yes", "true", true}, // YAML 1.2: a string, read as meant
			{`"true"`, "true", true},
			{`'false'`, "false", true},
			{"", "nil", false},
			{"[true]", "nil", true},
		} {
			n := parse("---\npublish: " + c.val + "\n---\n")
			got := "nil"
			if n.Frontmatter.Publish != nil {
				got = fmt.Sprint(*n.Frontmatter.Publish)
			}
			hasProblem := len(n.Frontmatter.Problems) > 0
			if got != c.want || hasProblem != c.problem {
				t.Errorf("publish: %s → %s (problem %v), want %s (problem %v): %+v", c.val, got, hasProblem, c.want, c.problem, n.Frontmatter.Problems)
			}
			for _, pr := range n.Frontmatter.Problems {
				if s := n.Text[pr.Span.Start:pr.Span.End]; pr.Field != "publish" || s != c.val {
					t.Errorf("publish: %s: problem %q on %q", c.val, pr.Message, s)
				}
			}
		}
	})
	t.Run("aliases shapes", func(t *testing.T) {
		for _, c := range []struct{ yaml, want string }{
			{"aliases: [One, Two]", "One|Two"},
			{"aliases: One, Two", "One|Two"},
			{"alias: Solo", "Solo"},
			{"aliases:", ""},
			{"aliases: []", ""},
			{"aliases:\n  - \n  - Kept", "Kept"},
		} {
			n := parse("---\n" + c.yaml + "\n---\n")
			if got := strings.Join(n.Frontmatter.Aliases, "|"); got != c.want {
				t.Errorf("%q: aliases %q, want %q", c.yaml, got, c.want)
			}
		}
	})
	t.Run("not a mapping", func(t *testing.T) {
		n := parse("---\n- a\n- b\n---\nbody [[x]]\n")
		if len(n.Frontmatter.Problems) != 1 || len(n.Links()) != 1 {
			t.Errorf("problems %+v links %d", n.Frontmatter.Problems, len(n.Links()))
		}
	})
}

func TestParseBrokenFrontmatter(t *testing.T) {
	for _, c := range []struct {
		name string
		text string
		line int    // file line of the error, 1-based
		on   string // that line's text, as the error's span
	}{
		{"unquoted colon", "---\ntitle: ok\nfoo: bar: baz\n---\n# Body [[x]]\n", 3, "foo: bar: baz"},
		{"unclosed flow list", "---\ntitle: ok\ndate: 2023-13-06\naliases: [a, b\nnext: 1\n---\n# Body [[x]]\n", 4, "aliases: [a, b"},
		{"unquoted #alias", "---\na: 1\nb: 2\naliases: [#autonomy]\n---\n# Body [[x]]\n", 4, "aliases: [#autonomy]"},
		{"flow list on the first line", "---\naliases: [x\n---\n# Body [[x]]\n", 2, "aliases: [x"},
		{"sequence after a mapping", "---\na: 1\nb: 2\n- c\n---\n# Body [[x]]\n", 4, "- c"},
		{"bad indentation", "---\na: 1\n  b: 2\n---\n# Body [[x]]\n", 3, "  b: 2"},
		{"bad character", "---\na: 1\nb: @x\n---\n# Body [[x]]\n", 3, "b: @x"},
		{"CRLF", "---\r\ntitle: ok\r\ntags:\r\n  - x\r\nbroken: [a\r\n---\r\n# Body [[x]]\r\n", 5, "broken: [a"},
		{"after a BOM", "\uFEFF---\ntitle: x\nfoo: bar: baz\n---\n# Body [[x]]\n", 3, "foo: bar: baz"},
		// A body '---' rule closes a header whose own end was forgotten: the
		// markdown above it is read as YAML.
		{"closed by a body rule", "---\ntitle: x\n# Heading\n\nSee: [[y]], it says: this\n\n---\n# Body [[x]]\n", 5, "See: [[y]], it says: this"},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := NewParser().Parse("n.md", c.text, 1)
			checkSpans(t, n)
			fm := n.Frontmatter
			if !fm.Present || fm.Err == nil {
				t.Fatalf("present=%v err=%v", fm.Present, fm.Err)
			}
			if fm.Err.Line != c.line || n.Text[fm.Err.Span.Start:fm.Err.Span.End] != c.on {
				t.Errorf("error %q at line %d on %q, want line %d on %q", fm.Err.Message, fm.Err.Line,
					n.Text[fm.Err.Span.Start:fm.Err.Span.End], c.line, c.on)
			}
			if !strings.Contains(fm.Err.Message, fmt.Sprintf("line %d:", c.line)) {
				t.Errorf("message %q does not name line %d", fm.Err.Message, c.line)
			}
			// The body is still parsed.
			if len(n.Headings()) != 1 || n.Headings()[0].Text != "Body x" || len(n.Links()) == 0 || n.Links()[len(n.Links())-1].Target != "x" {
				t.Errorf("body not parsed: headings %v links %v", n.Headings(), n.Links())
			}
			if n.Title != "Body x" {
				t.Errorf("title %q, want the body's H1", n.Title)
			}
		})
	}
}

func TestParseTitleDescriptionLead(t *testing.T) {
	for _, c := range []struct {
		name, text               string
		title, description, lead string
	}{
		{"frontmatter wins", "---\ntitle: FM\ndescription: FD\n---\n# H1\n\nPara.\n", "FM", "FD", "Para."},
		{"first H1", "Para *one*\nwraps.\n\n## H2\n\n# First H1\n\n# Second H1\n", "First H1", "Para one wraps.", "Para one wraps."},
		{"file name", "## Only H2\n\n> quoted para\n", "File Name", "quoted para", "quoted para"},
		{"setext H1", "Setext Title\n============\n", "Setext Title", "", ""},
		{"empty title falls through", "---\ntitle: \"\"\n---\n# H\n", "H", "", ""},
		{"lead skips headings, code and comments", "# T\n\n```\ncode\n```\n%% hidden %%\n\nReal [[Link|label]] text.\n", "T", "Real label text.", "Real label text."},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := NewParser().Parse("dir/File Name.md", c.text, 1)
			checkSpans(t, n)
			if n.Title != c.title || n.Description != c.description || n.Lead() != c.lead {
				t.Errorf("title %q description %q lead %q, want %q %q %q", n.Title, n.Description, n.Lead(), c.title, c.description, c.lead)
			}
		})
	}
}

func TestParseOddFiles(t *testing.T) {
	runParseCases(t, []parseCase{{
		name: "CRLF",
		text: "---\r\ntitle: T\r\ntags: [x]\r\n---\r\n# Head\r\n\r\nSet\r\n===\r\n\r\nPara [[a|b]] #t [c](c.md) ^id\r\n\r\n[r]: r.md\r\n",
		links: []string{
			`wiki "[[a|b]]" ts="a" t="a" l="b"`,
			`inline "[c](c.md)" ts="c.md" t="c.md" l="c"`,
			`definition "[r]: r.md" ts="r.md" t="r.md" l="r"`,
		},
		headings: []string{`H1 "# Head" text="Head" "Head" #head`, `H1 "Set\r\n===" text="Set" "Set" #set`},
		tags:     []string{`#x "x" fm`, `#t "#t"`},
		blocks:   []string{`^id "^id"`},
		check: func(t *testing.T, n *Note) {
			if n.Frontmatter.Title != "T" || n.Text[n.Frontmatter.Span.Start:n.Frontmatter.Span.End] != "---\r\ntitle: T\r\ntags: [x]\r\n---\r\n" {
				t.Errorf("frontmatter %+v", n.Frontmatter)
			}
		},
	}, {
		name:     "BOM",
		text:     "\uFEFF---\ntitle: T\n---\n# H [[a]]\n",
		links:    []string{`wiki "[[a]]" ts="a" t="a"`},
		headings: []string{`H1 "# H [[a]]" text="H [[a]]" "H a" #h-a`},
		check: func(t *testing.T, n *Note) {
			if n.Frontmatter.Title != "T" || n.Frontmatter.Span.Start != 3 {
				t.Errorf("frontmatter after a BOM: %+v", n.Frontmatter)
			}
		},
	}, {
		name:  "BOM without frontmatter",
		text:  "\uFEFF# H\n[[a]]\n",
		links: []string{`wiki "[[a]]" ts="a" t="a"`},
	}, {
		name:  "invalid UTF-8",
		text:  "# Bad \xff\xfe title\n\n[[bad\xffname]] #ta\xffg [x](y\xff.md)\n",
		links: []string{"wiki \"[[bad\\xffname]]\" ts=\"bad\\xffname\" t=\"bad\\xffname\"", "inline \"[x](y\\xff.md)\" ts=\"y\\xff.md\" t=\"y\\xff.md\" l=\"x\""},
		tags:  []string{`#ta "#ta"`},
	}, {
		name:  "NUL bytes",
		text:  "# A\x00B\n\n[[x\x00y]] \x00 #t\x00ag\n",
		links: []string{"wiki \"[[x\\x00y]]\" ts=\"x\\x00y\" t=\"x\\x00y\""},
		tags:  []string{`#t "#t"`},
	}, {
		name:     "empty file",
		text:     "",
		links:    []string{},
		headings: []string{},
		check: func(t *testing.T, n *Note) {
			if n.Title != "Note Name" || n.Frontmatter.Present {
				t.Errorf("title %q present %v", n.Title, n.Frontmatter.Present)
			}
		},
	}, {
		name:  "only frontmatter",
		text:  "---\ntitle: Only\n---",
		links: []string{},
		check: func(t *testing.T, n *Note) {
			if !n.Frontmatter.Present || n.Title != "Only" || n.Frontmatter.Span.End != len(n.Text) {
				t.Errorf("%+v title %q", n.Frontmatter, n.Title)
			}
		},
	}, {
		name:  "empty frontmatter",
		text:  "---\n---\nbody\n",
		links: []string{},
		check: func(t *testing.T, n *Note) {
			if !n.Frontmatter.Present || n.Frontmatter.Err != nil || n.Lead() != "body" {
				t.Errorf("%+v lead %q", n.Frontmatter, n.Lead())
			}
		},
	}, {
		name:     "unterminated frontmatter is a rule and text",
		text:     "---\ntitle: x\n[[a]]\n",
		links:    []string{`wiki "[[a]]" ts="a" t="a"`},
		headings: []string{},
		check: func(t *testing.T, n *Note) {
			if n.Frontmatter.Present || n.Title != "Note Name" {
				t.Errorf("%+v title %q", n.Frontmatter, n.Title)
			}
		},
	}, {
		name: "frontmatter must start on line 1",
		text: "\n---\ntitle: x\n---\n",
		check: func(t *testing.T, n *Note) {
			if n.Frontmatter.Present {
				t.Errorf("frontmatter after a blank line: %+v", n.Frontmatter)
			}
		},
	}, {
		name:  "a rule in the body",
		text:  "---\ntitle: x\n---\nAbove\n\n---\n\nBelow [[a]]\n\n---\n",
		links: []string{`wiki "[[a]]" ts="a" t="a"`},
		check: func(t *testing.T, n *Note) {
			if n.Frontmatter.Err != nil || n.Title != "x" || n.Lead() != "Above" {
				t.Errorf("err %v title %q lead %q", n.Frontmatter.Err, n.Title, n.Lead())
			}
		},
	}, {
		name: "a lone CR line ending",
		text: "# A\rtext [[b]]\r",
		check: func(t *testing.T, n *Note) {
			if len(n.Links()) != 1 || n.Links()[0].Target != "b" {
				t.Errorf("links %v", n.Links())
			}
		},
	}})
}

// TestParseValidUTF8Spans checks that spans of valid notes fall on rune
// boundaries, so the server can convert them to UTF-16.
func TestParseValidUTF8Spans(t *testing.T) {
	text := "---\ntitle: Ünï\ntags: [日本]\n---\n# Ünïcode 🌱 [[Zürich#Straße]]\n\nÉtude [x](%C3%A9.md) #🌱/ok ^blk\n"
	n := NewParser().Parse("n.md", text, 1)
	checkSpans(t, n)
	on := func(off int) bool { return off == len(text) || utf8.RuneStart(text[off]) }
	for _, l := range n.Links() {
		for _, off := range []int{l.Span.Start, l.Span.End, l.TargetSpan.Start, l.TargetSpan.End} {
			if !on(off) {
				t.Errorf("link %q: offset %d inside a rune", text[l.Span.Start:l.Span.End], off)
			}
		}
	}
	if len(n.Links()) != 2 || len(n.Tags()) != 2 || len(n.Blocks()) != 1 {
		t.Errorf("links %v tags %v blocks %v", n.Links(), n.Tags(), n.Blocks())
	}
}

// parseSeeds are the fuzzer's starting points: every shape the tests above use.
var parseSeeds = []string{
	"",
	"---\ntitle: T\naliases: [\"#a\", b]\ntags: [x, y/z]\npublish: \"true\"\nup: \"[[P#H|p]]\"\n---\n# H\n\nLead [[a|b]] #t ^id\n",
	"[[t]] [[t|label]] [[t#H]] [[t#^b]] [[#H]] [[A#B#C]] ![[img.png|100]] ![[x]]^e",
	"| a | b |\n| --- | --- |\n| [[t\\|label]] | [[x \\| y]] |\n",
	"[x](path.md) [x](path) [x](<a b.md>) [x](a%20b.md) [x](/r.md) [x](../u.md#F) [x](#f) ![i](i.png \"t\")",
	"[x][ref] [ref][] [ref]\n\n[ref]: path.md \"title\"\n[multi]:\n  m.md\n  'T'\n",
	"<https://a.b> https://c.d/#e www.f.g <h@i.j>",
	"`%%` %% [[a]]\n%%\n[[b]]\n%% unclosed",
	"<% x %> <%* y %> $a #b$ $$\nc\n$$ ```\n[[d]]\n```\n    [[e]]\n<!-- [[f]] -->",
	"Title\n===\n\nA\nB\n---\n## X ##\n# X\n",
	"---\r\ntitle: T\r\nbroken: [a\r\n---\r\n# H\r\n[[a]]\r\n",
	"\uFEFF---\ntitle: T\n---\n",
	"\xff\xfe[[\xff]] #\xff \x00[[\x00]]",
	"---\ntitle: x",
	"---\n---",
	"---\na: 1\n  b: 2\n---\n",
	"e^x ^ ^^ [[ ]] [[|]] [[#]] [] [[[a]]] ![[ ![ [](<) [x](<a\\>b>)",
	"- a ^b\n- [[c]]^d\n\n> [!note] [[e]]\n> ^f",
	"# \t\n#\n##\n[[\n]]",
}

func FuzzParse(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	p := NewParser()
	f.Fuzz(func(t *testing.T, text string) {
		n := p.Parse("dir/note.md", text, 1)
		checkSpans(t, n)
	})
}

// TestParsePathologicalInputs guards the scans rhizome adds to goldmark
// against quadratic time: a '$', "<%" or "%%" with no closer, block ids and
// tags by the thousand. A linear parse takes milliseconds; a quadratic one
// takes minutes. Lines of unclosed backticks, or quoted lines (a segment
// each), were once quadratic in the inline scan, and are in goldmark's parse
// of the lead or of a paragraph with raw HTML: a paragraph over
// maxParagraphBytes is always scanned. goldmark is quadratic in the length of
// a line of "[a](", "- " or "> " repeated: such a line is over MaxLineBytes,
// so it is not read (TestParseLongLines).
func TestParsePathologicalInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	p := NewParser()
	// A blow-up on 300 kB takes minutes: "<%\n" × 100,000 takes 0.13 s, and
	// under -race 3.7 s alone, over 5 s beside the other packages' tests.
	bound := 5 * time.Second
	if raceDetector {
		bound = 60 * time.Second
	}
	for _, unit := range []string{"$a ", "$$ ", "<% ", "<%\n", "%% ", "`%% ", "%% x\n", "x ^a ", "#a ", "[[a ", "![[a ", "[[a\\|b]] ",
		"[a](", "![a](", "[a](<", "[](", "- ", "* ", "> ", "1. ", "\\``", "\\``\n", "> [a](\n"} {
		for _, lead := range []string{"", "Lead.\n\n", "<b>raw</b> HTML\n"} {
			text := lead + strings.Repeat(unit, 300_000/len(unit))
			start := time.Now()
			n := p.Parse("a.md", text, 1)
			if d := time.Since(start); d > bound {
				t.Errorf("%q%q × %d: %v", lead, unit, 300_000/len(unit), d)
			}
			checkSpans(t, n)
		}
	}
}

// A first paragraph too long to be a lead is scanned like any other: its
// links are found, and the note has no lead.
func TestParseLongFirstParagraph(t *testing.T) {
	line := "Some words and a [[link]] or [two](b.md).\n"
	first := strings.Repeat(line, maxParagraphBytes/len(line)+1)
	n := NewParser().Parse("a.md", "# T\n\n"+first+"\nSecond [[c]].\n", 1)
	if n.Lead() != "" || n.Description != "" {
		t.Errorf("lead %.40q…, description %.40q…: want none", n.Lead(), n.Description)
	}
	if got, want := len(n.Links()), 2*(maxParagraphBytes/len(line)+1)+1; got != want {
		t.Errorf("%d links, want %d", got, want)
	}
	// Raw HTML would leave a paragraph to goldmark; not one this long.
	html := NewParser().Parse("a.md", "# T\n\n<b>bold</b>\n"+first, 1)
	if got, want := len(html.Links()), 2*(maxParagraphBytes/len(line)+1); got != want {
		t.Errorf("with raw HTML: %d links, want %d", got, want)
	}
	short := NewParser().Parse("a.md", "# T\n\n"+line+"\nSecond.\n", 1)
	if want := "Some words and a link or two."; short.Lead() != want {
		t.Errorf("lead %q, want %q", short.Lead(), want)
	}
	checkSpans(t, n)
}

// TestParseLongLines: a line over MaxLineBytes is not read as markdown. Its
// links are not indexed and LongLines names it when it held link syntax; the
// lines around it are read as before, still one paragraph with it.
func TestParseLongLines(t *testing.T) {
	long := strings.Repeat("[[x]] [y](z.md) ", MaxLineBytes/16+1)
	code := strings.Repeat("c", MaxLineBytes+1)
	text := "# Top\n\nbefore [[a]]\n" + long + "\r\nafter [[b]] ^blk\n\n```\n" + code + "\n```\n\n## Next [[c]]\n"
	n := NewParser().Parse("a.md", text, 1)
	var targets []string
	for _, l := range n.Links() {
		targets = append(targets, l.Target)
	}
	if !slices.Equal(targets, []string{"a", "b", "c"}) {
		t.Errorf("links %q, want those of the short lines: a, b, c", targets)
	}
	start := strings.Index(text, long)
	if want := []Span{{start, start + len(long) + 1}}; !slices.Equal(n.LongLines(), want) {
		t.Errorf("LongLines %v, want %v (the line with links, its \\r included; not the code)", n.LongLines(), want)
	}
	if len(n.Blocks()) != 1 || n.Blocks()[0].ID != "blk" {
		t.Errorf("blocks %+v, want ^blk", n.Blocks())
	}
	var headings []string
	for _, h := range n.Headings() {
		headings = append(headings, h.Text)
	}
	if !slices.Equal(headings, []string{"Top", "Next c"}) {
		t.Errorf("headings %q", headings)
	}
	if !strings.HasPrefix(n.Lead(), "before a") || !strings.HasSuffix(n.Lead(), "after b") || strings.Contains(n.Lead(), "x") {
		t.Errorf("lead %q: want the paragraph's short lines, nothing of the long one", n.Lead())
	}
	checkSpans(t, n)

	// Exactly MaxLineBytes is read.
	edge := "[[e]]" + strings.Repeat(" ", MaxLineBytes-5)
	if n := NewParser().Parse("a.md", edge+"\n", 1); len(n.Links()) != 1 || n.LongLines() != nil {
		t.Errorf("a line of MaxLineBytes: links %v, long lines %v", n.Links(), n.LongLines())
	}
}

// An embed is shown, not read: its size or label is no part of the lead.
func TestLeadSkipsEmbeds(t *testing.T) {
	n := NewParser().Parse("a.md", "![[diagram.png|100]] A loop feeds back, see [[Stock|stocks]].\n", 0)
	if want := "A loop feeds back, see stocks."; n.Lead() != want {
		t.Errorf("lead %q, want %q", n.Lead(), want)
	}
}

// Note.YAML gives the raw frontmatter node, with lines for every field.
func TestNoteYAML(t *testing.T) {
	n := NewParser().Parse("a.md", "---\ntitle: T\ncustom:\n  nested: 1\n---\nBody\n", 0)
	root, err := n.YAML()
	if err != nil || root == nil {
		t.Fatalf("YAML() = %v, %v", root, err)
	}
	if len(root.Content) != 4 || root.Content[2].Value != "custom" || root.Content[2].Line != 2 {
		t.Errorf("root node %+v", root.Content)
	}
	if none, err := NewParser().Parse("b.md", "no header\n", 0).YAML(); none != nil || err != nil {
		t.Errorf("no frontmatter: %v, %v", none, err)
	}
}
