package workspace

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// BlockSpans finds the blocks a "^id" can name, and an id written where
// Obsidian writes it (at the end of a paragraph; on a line of its own after
// a quote or a table) is read as that block's id, and, after a quote or a
// table, taken into its block.
func TestBlockSpans(t *testing.T) {
	p := NewParser()
	for _, tc := range []struct {
		name, text string
		want       []string // "apart: " before a quote's or a table's text
	}{
		{"paragraphs", "---\ntitle: T\n---\n# Heading\n\nOne line.\n\nTwo\nlines.  \n", []string{"One line.", "Two\nlines."}},
		{"list items", "- tight one\n- tight two\n  lazy\n  - nested\n\n1. loose\n\n2. items\n", []string{"tight one", "tight two\n  lazy", "nested", "loose", "items"}},
		{"quote and callout", "> quoted\n> on\n\n> [!note] Title\n> body\n", []string{"apart: quoted\n> on", "apart: [!note] Title\n> body"}},
		{"a quote whole", "> first\nlazy\n>\n> - item\n> ```\n> code\n> ```\n>\n\nAfter.\n", []string{"apart: first\nlazy\n>\n> - item\n> ```\n> code\n> ```\n>", "After."}},
		{"a quote opening blank", ">\n> > nested\n", []string{"apart: nested"}},
		{"an empty quote", ">\n>\n\nText\n", []string{"Text"}},
		{"a table", "Text\n| a | b |\n| - | - |\n| 1 | 2 |\n\n|h|\n|-|\n", []string{"Text", "apart: | a | b |\n| - | - |\n| 1 | 2 |", "apart: |h|\n|-|"}},
		{"no code or comments", "```\ncode\n```\n\n%% hidden %%\n\n<!-- html -->\n\n    indented\n", nil},
		{"quotes and tables in a list are not blocks", "- item\n  > quoted\n\n  | a |\n  | - |\n", []string{"item"}},
		{"an id already", "Has one ^abc\n", []string{"Has one ^abc"}},
		{"an id alone after a quote is its", "> quoted\n\n^q1\n\n| a |\n| - |\n\n%% note %%\n^t-1\n", []string{"apart: quoted\n\n^q1", "apart: | a |\n| - |\n\n%% note %%\n^t-1"}},
		{"an id alone after a list names it", "Text\n\n- one\n- two ^i2\n  - nested\n\n^l1\n\n1. three\n\n   ^i3\n", []string{"Text", "one", "two ^i2", "nested", "apart: - one\n- two ^i2\n  - nested\n\n^l1", "three", "^i3"}},
		{"an id alone after a paragraph or a heading is not", "Para\n\n^p1\n\n> quoted\n\n# H\n\n^h1\n", []string{"Para", "^p1", "apart: quoted", "^h1"}},
		{"a definition to be", "[label]:\n\n[a]: /u\n[b]:\n\nText [d]:\n", []string{"Text [d]:"}},
		{"CRLF and a BOM", "\uFEFFFirst\r\n\r\nSecond\r\n\r\n> quoted\r\n> on\r\n", []string{"First", "Second", "apart: quoted\r\n> on"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spans := p.BlockSpans(tc.text)
			if got := blockStrings(tc.text, spans); !slices.Equal(got, tc.want) {
				t.Fatalf("blocks %q, want %q", got, tc.want)
			}
			n := p.Parse("n.md", tc.text, 1)
			for _, s := range spans {
				if slices.ContainsFunc(n.Blocks(), func(b Block) bool { return b.Span.End == s.End }) {
					continue // it has its id
				}
				with, at := withBlockID(tc.text, s, "zz9")
				if !slices.ContainsFunc(p.Parse("n.md", with, 1).Blocks(), func(b Block) bool { return b.ID == "zz9" && b.Span == at }) {
					t.Errorf("%q: ^zz9 written for %q is not read as its id", with, tc.text[s.Start:s.End])
				}
				if s.Apart && !slices.Contains(p.BlockSpans(with), BlockSpan{Span{s.Start, at.End}, true}) {
					t.Errorf("%q: the block %q does not take ^zz9: %q", with, tc.text[s.Start:s.End], blockStrings(with, p.BlockSpans(with)))
				}
			}
		})
	}
}

func blockStrings(text string, spans []BlockSpan) []string {
	var got []string
	for _, s := range spans {
		prefix := ""
		if s.Apart {
			prefix = "apart: "
		}
		got = append(got, prefix+text[s.Start:s.End])
	}
	return got
}

// withBlockID writes ^id for block s as Obsidian does (and as a block
// reference completion has it written, see analysis.AddBlockID): " ^id" at
// the end of a paragraph, and after a quote or a table a line of its own
// between blank lines, before a comment that ends the block's last line. It
// returns the text and the id's span.
func withBlockID(text string, s BlockSpan, id string) (string, Span) {
	if !s.Apart {
		return text[:s.End] + " ^" + id + text[s.End:], Span{s.End + 1, s.End + 2 + len(id)}
	}
	end := s.End
	for end < len(text) && text[end] != '\n' && text[end] != '\r' {
		end++
	}
	nl := "\n"
	if strings.HasPrefix(text[end:], "\r\n") {
		nl = "\r\n"
	}
	insert := nl + nl + "^" + id
	next, _, _ := strings.Cut(text[min(end+len(nl), len(text)):], "\n")
	switch {
	case strings.TrimSpace(text[s.End:end]) != "":
		end = s.End // a comment ends the line: it goes after the id
		insert += nl
	case strings.TrimSpace(next) != "":
		insert += nl // the line after is not blank
	}
	at := end + 2*len(nl)
	return text[:end] + insert + text[end:], Span{at, at + 1 + len(id)}
}

// FuzzBlockIDs: every block BlockSpans finds is a span of the text, in
// order of their ends and apart but for a list whole after its items, and an id written for it (withBlockID) is read as a
// block id there, unless the block has one already or its text is not read
// as a block by the parse (which the seeds, real notes, do not have).
func FuzzBlockIDs(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Add("Para\n\n- item\n  lazy\n\n> quote\n\n1) one\n2) two\n")
	f.Add("> quote\nlazy\n>\n\n| a |\n| - |\n| 1 |\n# H\n")
	f.Add("- one ^a\n- two\n  - nested\n\n^l1\n\n* three\n")
	p := NewParser()
	f.Fuzz(func(t *testing.T, text string) {
		spans := p.BlockSpans(text)
		prev := 0
		for _, s := range spans {
			if s.Start < prev && !s.Apart || s.End <= max(s.Start, prev) || s.End > len(text) {
				t.Fatalf("block %v after %d in %d bytes", s, prev, len(text))
			}
			prev = s.End
		}
		// What an id names is one of the blocks, and holds the id.
		for _, b := range p.Parse("n.md", text, 1).Blocks() {
			if b.Named != (Span{}) && (b.Named.Start > b.Span.Start || b.Named.End < b.Span.End || !slices.ContainsFunc(spans, func(s BlockSpan) bool { return s.Span == b.Named })) {
				t.Fatalf("^%s at %v names %v, not one of the blocks %v holding it", b.ID, b.Span, b.Named, spans)
			}
		}
		if !utf8.ValidString(text) || strings.ContainsAny(text, "\x00\r") || len(spans) > 50 {
			return
		}
		n := p.Parse("n.md", text, 1)
		for _, s := range spans {
			had := slices.ContainsFunc(n.Blocks(), func(b Block) bool { return b.Span.End == s.End })
			with, at := withBlockID(text, s, "zz9")
			got := slices.ContainsFunc(p.Parse("n.md", with, 1).Blocks(), func(b Block) bool { return b.ID == "zz9" && b.Span == at })
			if !had && !got && !strings.Contains(text, "zz9") {
				t.Errorf("%q: ^zz9 written for %q is not its id", with, text[s.Start:s.End])
			}
			if got && s.Apart && !slices.Contains(p.BlockSpans(with), BlockSpan{Span{s.Start, at.End}, true}) {
				t.Errorf("%q: the block %q does not take ^zz9: %q", with, text[s.Start:s.End], blockStrings(with, p.BlockSpans(with)))
			}
		}
	})
}

// Each id knows the block it names, whole, from the parse that found it:
// where a link to it leads, with no second parse of the note.
func TestBlockNamed(t *testing.T) {
	text := "# T\n\n> The quote\n> ends here.\n\n^q1\n\n| a | b |\n|---|---|\n| 1 | 2 ^c1 |\n^t1\n\nA paragraph\nover lines ^p1\n\n- one\n- two ^i2\n\n^l1\n\n```\ncode ^x\n```\n"
	want := map[string]string{
		"q1": "The quote\n> ends here.\n\n^q1",
		"t1": "| a | b |\n|---|---|\n| 1 | 2 ^c1 |\n^t1",
		"c1": "", // in a cell, before the table's own id: it names nothing
		"p1": "A paragraph\nover lines ^p1",
		"i2": "two ^i2",
		"l1": "- one\n- two ^i2\n\n^l1",
	}
	got := map[string]string{}
	for _, b := range NewParser().Parse("t.md", text, 1).Blocks() {
		got[b.ID] = text[b.Named.Start:b.Named.End]
	}
	if !maps.Equal(got, want) {
		t.Errorf("ids name\n%q\nwant\n%q", got, want)
	}
}
