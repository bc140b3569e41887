package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

var tokenTypeNames = []string{TokenNote: "note", TokenHeading: "heading", TokenBlock: "block", TokenTag: "tag"}

// renderSemanticTokens prints each token of f with its line, columns and text.
func renderSemanticTokens(f *workspace.File, tokens []SemanticToken) string {
	var b strings.Builder
	for _, t := range tokens {
		line, col := f.Note.Lines().LineCol(t.Span.Start)
		mods := ""
		if t.Declaration {
			mods += " declaration"
		}
		if t.Unresolved {
			mods += " unresolved"
		}
		fmt.Fprintf(&b, "%d:%d %s%s %q\n", line, col, tokenTypeNames[t.Type], mods, f.Note.Text[t.Span.Start:t.Span.End])
	}
	return b.String()
}

func TestSemanticTokensGolden(t *testing.T) {
	goldenByProfile(t, "semantictokens.txtar", "semantictokens", func(v *testVault) string {
		f := v.snap.File("index.md")
		return renderSemanticTokens(f, SemanticTokens(v.snap, f, workspace.Span{End: f.Note.Size}))
	})
}

// The editor asks for the lines in sight: the tokens that start in them,
// the same as in the whole note's list.
func TestSemanticTokensInRange(t *testing.T) {
	v := loadVault(t, "semantictokens.txtar", workspace.Config{})
	f := v.file(t, "index.md")
	start := strings.Index(f.Note.Text, "Blocks:")
	end := strings.Index(f.Note.Text, "Labels:")
	got := renderSemanticTokens(f, SemanticTokens(v.snap, f, workspace.Span{Start: start, End: end}))
	want := `8:11 note "Feedback Loop"
8:24 block "#^quote"
8:37 note "Feedback Loop"
8:50 block unresolved "#^gone"
8:62 block "#^here"
`
	if got != want {
		t.Errorf("tokens of the blocks line:\n%s\nwant:\n%s", got, want)
	}
}

// checkSemanticTokens asserts what an editor needs of the tokens of f: in
// order, disjoint, each on one line of the text; each note or fragment
// token inside a wikilink's target, unresolved exactly when the link's
// note, heading or block is missing; and a range's tokens are the whole
// note's that start in it. It returns how many tokens it saw.
func checkSemanticTokens(t *testing.T, snap *workspace.Snapshot, f *workspace.File) int {
	t.Helper()
	text, err := snap.Text(f)
	if err != nil {
		t.Fatal(err)
	}
	all := SemanticTokens(snap, f, workspace.Span{End: len(text)})
	links := f.Note.Links()
	for i, tok := range all {
		s := tok.Span
		if s.Start < 0 || s.End > len(text) || s.Start >= s.End || strings.ContainsAny(text[s.Start:s.End], "\r\n") {
			t.Errorf("%s: token %+v outside the text or across lines", f.Path, tok)
			continue
		}
		if i > 0 && s.Start < all[i-1].Span.End {
			t.Errorf("%s: token %+v overlaps %+v", f.Path, tok, all[i-1])
		}
		if tok.Type == TokenTag || tok.Declaration {
			continue
		}
		in := -1
		for j := range links {
			if links[j].Wiki && links[j].TargetSpan.Start <= s.Start && s.End <= links[j].TargetSpan.End {
				in = j
			}
		}
		if in < 0 {
			t.Errorf("%s: token %+v %q in no wikilink's target", f.Path, tok, text[s.Start:s.End])
			continue
		}
		r := snap.Resolve(f, in)
		var missing bool
		switch tok.Type {
		case TokenNote:
			missing = r.Status == workspace.NoSuchNote || r.Status == workspace.OutsideVault
		case TokenHeading:
			missing = r.Status == workspace.NoSuchHeading
		case TokenBlock:
			missing = r.Status == workspace.NoSuchBlock
		}
		if missing != tok.Unresolved {
			t.Errorf("%s: token %+v %q unresolved=%v, link %s", f.Path, tok, text[s.Start:s.End], tok.Unresolved, r.Status)
		}
	}
	// A range from the middle of the note: the tokens that start in it.
	mid := workspace.Span{Start: len(text) / 3, End: 2 * len(text) / 3}
	var want []SemanticToken
	for _, tok := range all {
		if tok.Span.Start >= mid.Start && tok.Span.Start <= mid.End {
			want = append(want, tok)
		}
	}
	if got := SemanticTokens(snap, f, mid); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: tokens of %v: %v, want %v", f.Path, mid, got, want)
	}
	return len(all)
}
