package workspace

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Paragraphs finds the blocks a "^id" can name, and an id written at the end
// of each is read as that block's id.
func TestParagraphs(t *testing.T) {
	p := NewParser()
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"paragraphs", "---\ntitle: T\n---\n# Heading\n\nOne line.\n\nTwo\nlines.  \n", []string{"One line.", "Two\nlines."}},
		{"list items", "- tight one\n- tight two\n  lazy\n  - nested\n\n1. loose\n\n2. items\n", []string{"tight one", "tight two\n  lazy", "nested", "loose", "items"}},
		{"quote and callout", "> quoted\n> on\n\n> [!note] Title\n> body\n", []string{"quoted\n> on", "[!note] Title\n> body"}},
		{"no code, tables or comments", "```\ncode\n```\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n%% hidden %%\n\n<!-- html -->\n\n    indented\n", nil},
		{"an id already", "Has one ^abc\n", []string{"Has one ^abc"}},
		{"a definition to be", "[label]:\n\n[a]: /u\n[b]:\n\nText [d]:\n", []string{"Text [d]:"}},
		{"CRLF and a BOM", "\uFEFFFirst\r\n\r\nSecond\r\n", []string{"First", "Second"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spans := p.Paragraphs(tc.text)
			var got []string
			for _, s := range spans {
				got = append(got, tc.text[s.Start:s.End])
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("paragraphs %q, want %q", got, tc.want)
			}
			for _, s := range spans {
				if tc.text[s.End-1] == 'c' && tc.text[s.End-4:s.End] == "^abc" {
					continue // it has its id
				}
				with := tc.text[:s.End] + " ^zz9" + tc.text[s.End:]
				n := p.Parse("n.md", with, 1)
				if !slices.ContainsFunc(n.Blocks, func(b Block) bool { return b.ID == "zz9" }) {
					t.Errorf("%q: ^zz9 at the end of %q is not read as its id: blocks %v", with, tc.text[s.Start:s.End], n.Blocks)
				}
			}
		})
	}
}

// FuzzParagraphIDs: every paragraph Paragraphs finds is a span of the text,
// in order and apart, and an id written at its end (as a block reference
// completion has it written) is read as a block id there, unless the
// paragraph ends with one already or its text is not read as a block by the
// parse (which the seeds, real notes, do not have).
func FuzzParagraphIDs(f *testing.F) {
	for _, s := range parseSeeds {
		f.Add(s)
	}
	f.Add("Para\n\n- item\n  lazy\n\n> quote\n\n1) one\n2) two\n")
	p := NewParser()
	f.Fuzz(func(t *testing.T, text string) {
		spans := p.Paragraphs(text)
		prev := 0
		for _, s := range spans {
			if s.Start < prev || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("paragraph %v after %d in %d bytes", s, prev, len(text))
			}
			prev = s.End
		}
		if !utf8.ValidString(text) || strings.ContainsAny(text, "\x00\r") || len(spans) > 50 {
			return
		}
		for _, s := range spans {
			n := p.Parse("n.md", text, 1)
			had := slices.ContainsFunc(n.Blocks, func(b Block) bool { return b.Span.End == s.End })
			with := text[:s.End] + " ^zz9" + text[s.End:]
			m := p.Parse("n.md", with, 1)
			got := slices.ContainsFunc(m.Blocks, func(b Block) bool { return b.ID == "zz9" && b.Span == Span{s.End + 1, s.End + 5} })
			if !had && !got && !strings.Contains(text, "zz9") {
				t.Errorf("%q: ^zz9 at the end of %q is not its id: blocks %v", with, text[s.Start:s.End], m.Blocks)
			}
		}
	})
}
