package workspace

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/bench/vaultgen"
)

// goldmarkOnlyParser parses every paragraph with goldmark's inline parser:
// the reference scanInline must agree with.
func goldmarkOnlyParser() *Parser {
	p := NewParser()
	p.goldmarkOnly = true
	return p
}

// sameParse fails t when the two parsers read text differently.
func sameParse(t *testing.T, fast, slow *Parser, name, text string) bool {
	t.Helper()
	a, b := fast.Parse(name, text, 1), slow.Parse(name, text, 1)
	if reflect.DeepEqual(a, b) || reflect.DeepEqual(a, emphasisInURLs(a, b)) {
		return true
	}
	if len(text) < 400 {
		t.Errorf("%s: scanInline and goldmark disagree on %q", name, text)
	} else {
		t.Errorf("%s: scanInline and goldmark disagree", name)
	}
	diffNotes(t, a, b)
	return false
}

// emphasisInURLs is slow with one known difference taken back: goldmark
// ends a bare URL at emphasis inside it ("http://x.org/*a*" gives
// "http://x.org/"); scanInline, which ignores emphasis, follows GFM's rule
// (the URL runs to a space, trailing '*' and '_' dropped: "http://x.org/*a").
func emphasisInURLs(fast, slow *Note) *Note {
	if len(fast.links) != len(slow.links) {
		return slow
	}
	out := *slow
	out.links = slices.Clone(slow.links)
	for i, l := range out.links {
		f := fast.links[i]
		if l.Kind == LinkAutolink && f.Kind == LinkAutolink && l.Span.Start == f.Span.Start && l.Span.End < f.Span.End &&
			strings.ContainsAny(slow.Text[l.Span.End:f.Span.End], "*_") {
			out.links[i] = f
		}
	}
	return &out
}

func diffNotes(t *testing.T, fast, slow *Note) {
	t.Helper()
	for i := 0; i < max(len(fast.links), len(slow.links)); i++ {
		var a, b Link
		if i < len(fast.links) {
			a = fast.links[i]
		}
		if i < len(slow.links) {
			b = slow.links[i]
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("  link %d:\n    scan:     %+v %q\n    goldmark: %+v %q", i, a, spanText(fast.Text, a.Span), b, spanText(slow.Text, b.Span))
			return
		}
	}
	if !reflect.DeepEqual(fast.Tags(), slow.Tags()) {
		t.Errorf("  tags:\n    scan:     %+v\n    goldmark: %+v", fast.Tags(), slow.Tags())
	}
	if !reflect.DeepEqual(fast.Blocks(), slow.Blocks()) {
		t.Errorf("  blocks:\n    scan:     %+v\n    goldmark: %+v", fast.Blocks(), slow.Blocks())
	}
	if fast.Lead() != slow.Lead() || fast.Title != slow.Title || fast.Description != slow.Description {
		t.Errorf("  lead/title/description:\n    scan:     %q %q %q\n    goldmark: %q %q %q",
			fast.Lead(), fast.Title, fast.Description, slow.Lead(), slow.Title, slow.Description)
	}
	if !reflect.DeepEqual(fast.Headings(), slow.Headings()) {
		t.Errorf("  headings differ")
	}
}

func spanText(text string, s Span) string {
	if s.Start < 0 || s.End > len(text) || s.Start > s.End {
		return ""
	}
	return text[s.Start:s.End]
}

// TestScanInlineCases holds the shapes where goldmark's rules are subtle;
// each is the second paragraph of a note, since the first is the lead and
// always goldmark's.
func TestScanInlineCases(t *testing.T) {
	fast, slow := NewParser(), goldmarkOnlyParser()
	cases := []string{
		"[a](b.md) and [c](<d e.md>) and [f](g.md \"title\") and [h](i.md 'x') and [j](k.md (y))",
		"[a]() [b]( ) [c](d.md\n\"multi\nline title\") [e](f.md \"unclosed)",
		"[a [b](c.md) d](e.md)", "![a [b](c.md) d](e.png)", "[![img](a.png)](b.md)",
		"[x][ref] [ref][] [ref] [nope][] [x][nope] [x][ref\n]\n\n[ref]: target.md#h \"t\"",
		"[x][ref [y]\n\n[ref]: a.md", "[`]`](a.md) [a\\](b)](c.md) \\[x](y.md)",
		"`code [a](b.md)` and ``x ` [c](d.md)`` and `unclosed [e](f.md)",
		"[[wiki]] ![[embed.png|100]] [[a#b|c]] [[a\\|b]] [[ ]] [[x]y]] [[a\n]]",
		"[label with [[wiki]]](x.md) ![[a]]^id", "#tag #1 #1a (#paren) a#not #tag/nested #émoji🎉 \\#esc",
		"text ^notid\nmore", "last line ^blk-1", "e^x and ^a b",
		"$x$ [a](b.md) $ [c](d.md) $5 and $6 $$\n[e](f.md)\n$$ $$unclosed [g](h.md)",
		"<https://x.org/a> <a@b.co> <https://x y> <3 a < b",
		"bare https://example.org/a_b, www.x.org. and (http://y.org/p(q)) http://z.org/*a*",
		"**[bold](a.md)** *[[w]]* _[x](y.md)_ [**b**](c.md) [_c_](d.md) [a `b`](c.md) [$x$](m.md)",
		"> quoted [a](b.md)\n> [[c]] #t\n> more ^id",
		"- item [a](b.md)\n- item [[c]]\n  continued #tag\n\n  second para [d](e.md)",
		"1. [a](b.md)\n2. ![x](y.png)\n\n- [ ] task [[t]]\n- [x] done",
		"| a | b |\n|---|---|\n| [[x\\|y]] | [z](w.md) |",
		"Heading\n===\n\n[a](b.md)\nSub\n---",
		"[a](b.md)\n<div>[[c]]</div>\n<span>[d](e.md)</span> <!-- [[f]] -->",
		"[a](b(c)d.md) [e](f\\)g.md) [h](i j.md) [k](l%20m.md#n%20o)",
		"[multi\nline label](a.md) [a](\nb.md\n)",
		"![a](b.png \"t\")![c](d.png) !![e](f.png) ![[x]]![[y]]",
		strings.Repeat("[", 600) + " x " + strings.Repeat("a", 500) + " [y](z.md) [w](v.md)",
		"a \\\nb [c](d.md)  \ne",
		"[foo]: /url\n[foo]\n\n[Foo] [FOO][] [ẞ]\n\n[ss]: /ss",
		"%% [[hidden]] %% [[shown]] <% tp.date %> [a](b.md)",
		"&amp; [a&b](c.md) [\\*x\\*](y.md)",
		"tab\tbefore [a](b.md)\n\tindented [[c]]",
		"[![x][img] *y*](a.md) [a\n# b *c*](d.md) [%% c %% *d*](e.md)\n\n[img]: i.png",
	}
	for _, body := range cases {
		sameParse(t, fast, slow, "case.md", "Lead paragraph.\n\n"+body+"\n")
		sameParse(t, fast, slow, "case.md", "# T\n\nLead.\n\n"+strings.ReplaceAll(body, "\n", "\r\n")+"\r\n")
		sameParse(t, fast, slow, "case.md", "Lead.\n\n> "+strings.ReplaceAll(body, "\n", "\n> ")+"\n")
		sameParse(t, fast, slow, "case.md", "Lead.\n\n- "+strings.ReplaceAll(body, "\n", "\n  ")+"\n")
	}
}

// TestScanInlineGardens parses every note of the example garden, the test
// vaults, the real gardens and a generated vault both ways.
func TestScanInlineGardens(t *testing.T) {
	fast, slow := NewParser(), goldmarkOnlyParser()
	roots := []string{filepath.Join("..", "examples", "garden"), "testdata"}
	if dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "gardens")); err == nil {
		if _, err := os.Stat(dir); err == nil {
			roots = append(roots, dir)
		} else {
			t.Logf("the real gardens are not at %s: %v", dir, err)
		}
	}
	gen := t.TempDir()
	n := 2000
	if testing.Short() {
		n = 200
	}
	if _, err := vaultgen.Generate(gen, vaultgen.Options{Notes: n, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	roots = append(roots, gen)
	notes, failed := 0, 0
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			notes++
			if !sameParse(t, fast, slow, path, string(data)) {
				if failed++; failed > 10 {
					t.Fatal("too many differences")
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d notes parsed both ways", notes)
}

func FuzzScanInline(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add("Lead.\n\n" + s)
	}
	// Backtick runs left open beside runs that close (the scan remembers
	// which lengths have no closer), and quoted paragraphs (many segments).
	f.Add("Lead.\n\n`` a ` b ``` [[x]] `` c ` [y](z.md) ``` \\`` d ``\n")
	f.Add("Lead.\n\n> a [[x]] ` b\n> [c](d.md) `` e\n> f ` [[g]]\n>\n> [h](\n")
	// Destinations left open on one line (the scan remembers where the last
	// one ended), and '<' destinations without '>' (escaped or on a later line).
	f.Add("Lead.\n\n[a]([b](c[d](e) [f](g)h) [i]([j](k\\)l) m)\n[n](<o [p](<q\\> [r](<s>)\n>t)\n")
	fast, slow := NewParser(), goldmarkOnlyParser()
	f.Fuzz(func(t *testing.T, text string) {
		sameParse(t, fast, slow, "dir/note.md", text)
	})
}

// BenchmarkParseGoldmarkOnly is BenchmarkParse with every paragraph left to
// goldmark's inline parser: the cost scanInline saves.
func BenchmarkParseGoldmarkOnly(b *testing.B) {
	data, err := os.ReadFile("testdata/bench/note.md")
	if err != nil {
		b.Fatal(err)
	}
	text := string(data)
	p := goldmarkOnlyParser()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		p.Parse("concepts/Collective Decision Making.md", text, 1)
	}
}
