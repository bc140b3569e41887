package analysis

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// renderFolds prints every note's folds: their lines (1-based), kind,
// collapsed text and first line.
func renderFolds(v *testVault) string {
	var b strings.Builder
	for _, f := range v.snap.Notes() {
		lines := f.Note.Lines()
		for _, fd := range FoldingRanges(v.snap, f) {
			start, end := lines.Line(fd.Span.Start), lines.Line(fd.Span.End)
			first := f.Note.Text[lines.Start(start):lines.End(start)]
			fmt.Fprintf(&b, "%s %d-%d %s", f.Path, start+1, end+1, fd.Kind)
			if fd.Collapsed != "" {
				fmt.Fprintf(&b, " %q", fd.Collapsed)
			}
			fmt.Fprintf(&b, ": %q\n", first)
		}
	}
	return b.String()
}

func TestFoldingRangesGolden(t *testing.T) {
	goldenByProfile(t, "folding.txtar", "folding", renderFolds)
}

// foldLines is the folds of text, as line pairs.
func foldLines(t *testing.T, text string) [][2]int {
	t.Helper()
	v := buildVault(t, "-- note.md --\n"+text, workspace.Config{})
	f := v.file(t, "note.md")
	var out [][2]int
	for _, fd := range FoldingRanges(v.snap, f) {
		out = append(out, [2]int{f.Note.Lines().Line(fd.Span.Start), f.Note.Lines().Line(fd.Span.End)})
	}
	return out
}

// A note folds on the same lines with CRLF line breaks, and with a BOM.
// (Lone CRs are lines to the server but not to the parser, which then sees
// no headings.)
func TestFoldingLineBreaks(t *testing.T) {
	v := loadVault(t, "folding.txtar", workspace.Config{})
	for _, f := range v.snap.Notes() {
		text := strings.ReplaceAll(strings.TrimPrefix(f.Note.Text, "\uFEFF"), "\r\n", "\n")
		want := fmt.Sprint(foldLines(t, text))
		variants := map[string]string{"crlf": strings.ReplaceAll(text, "\n", "\r\n")}
		// The parser reads a BOM as text before a block other than
		// frontmatter or a heading: "\uFEFF- item" is no list item to it.
		if strings.HasPrefix(text, "---") || strings.HasPrefix(text, "#") {
			variants["bom"] = "\uFEFF" + text
			variants["bom+crlf"] = "\uFEFF" + variants["crlf"]
		}
		for name, variant := range variants {
			if got := fmt.Sprint(foldLines(t, variant)); got != want {
				t.Errorf("%s as %s folds %s, with LF %s", f.Path, name, got, want)
			}
		}
	}
}

// The cases the golden file does not spell out, each with the folds
// expected (0-based lines).
func TestFoldingCases(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       string
	}{
		{"empty", "", "[]"},
		{"one line", "# H", "[]"},
		{"headings without a body", "## A\n## B\n# C\n", "[]"},
		{"subheadings are a body", "# A\n## B\n## C\n", "[[0 2]]"},
		{"setext headings without a body", "A\n===\nB\n===\n\n", "[]"},
		{"setext heading with a body", "A\n---\nb\n", "[[0 2]]"},
		{"section ends before trailing blanks", "# A\ntext\n\n\n", "[[0 1]]"},
		{"section ends before the next heading's blanks", "# A\ntext\n\n   \n# B\nx\n", "[[0 1] [4 5]]"},
		{"lower heading nests", "# A\n## B\nx\n## C\ny\n# D\nz", "[[0 4] [1 2] [3 4] [5 6]]"},
		{"unclosed fence runs to the end", "```\na\n\n", "[[0 1]]"},
		{"longer fence closes", "````\n```\n`````\n", "[[0 2]]"},
		{"backtick info string with a backtick is no fence", "``` a`b\nx\n", "[]"},
		{"tilde fence", "~~~\n```\n~~~\nafter\n", "[[0 2]]"},
		{"indented four is no fence", "    ```\n    x\n", "[]"},
		{"fence in a quote ends with it", "> ```\n> a\n\nb\n", "[[0 1]]"},
		{"fence in an item ends with it", "- ```\n  a\nb\n", "[[0 1]]"},
		{"lazy quote line", "> a\nb\n", "[[0 1]]"},
		{"blank line ends a quote", "> a\n\n> b\n", "[]"},
		{"nested callouts", "> [!note]\n> a\n> > [!tip]\n> > b\n>\n> c\n", "[[0 5] [2 3]]"},
		{"a lazy line goes on in the nested quote", "> a\n> > b\n> c\n", "[[0 2] [1 2]]"},
		{"item with a blank line inside", "- a\n\n  b\n- c\n", "[[0 2]]"},
		{"empty item then blank ends it", "-\n\n  b\n", "[]"},
		{"empty item with content on the next line", "-\n  b\n", "[[0 1]]"},
		{"tab after the marker", "-\tx\n\ty\n", "[[0 1]]"},
		{"ordered from 2 does not interrupt a paragraph", "a\n2. b\n   c\n", "[]"},
		{"item and fence on one line keep the item", "- ```\n  x\n  ```\n- y\n", "[[0 2]]"},
		{"thematic break is no item", "- - -\n  x\n", "[]"},
		{"percent comment", "a %% b\nc\nd %% e\n", "[[0 2]]"},
		{"percent comment in a code span", "a `%%` b\nc\n", "[]"},
		{"unclosed percent comment", "%% a\nb\n\n", "[[0 1]]"},
		{"percent comment closes and opens on a line", "%% a\nb %% c %% d\ne %%\n", "[[0 1]]"},
		{"html comment", "<!-- a\nb -->\n", "[[0 1]]"},
		{"one-line html comment", "<!-- a -->\nb\n", "[]"},
		{"math", "$$\nx\n$$\n", "[[0 2]]"},
		{"unclosed math", "$$\nx\n", "[]"},
		{"blank line ends math", "$$\nx\n\n- a\n  b\n", "[[3 4]]"},
		{"one-line math", "$$ x $$\ny\n", "[]"},
		{"frontmatter", "---\na: 1\n---\n", "[[0 2]]"},
		{"unclosed frontmatter is a rule", "---\na: 1\n", "[]"},
		{"heading in a quote ends with it", "# A\n> ## B\n> x\n\ny\n", "[[0 4] [1 2]]"},
		{"invalid utf-8", "# \xff\n\xfe\n> \xc0\n> \x80", "[[0 3] [2 3]]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := fmt.Sprint(foldLines(t, tc.text)); got != tc.want {
				t.Errorf("%q folds %s, want %s", tc.text, got, tc.want)
			}
		})
	}
}

// A note read from disk keeps no text: FoldingRanges reads it back, and
// folds it as it folds the editor's copy.
func TestFoldingRangesFromDisk(t *testing.T) {
	v := loadVault(t, "folding.txtar", workspace.Config{})
	f := v.file(t, "index.md")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.md"), []byte(f.Note.Text), 0o644); err != nil {
		t.Fatal(err)
	}
	ix, _, err := workspace.Load(context.Background(), dir, workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}}, workspace.NewParser())
	if err != nil {
		t.Fatal(err)
	}
	snap := ix.Snapshot()
	defer snap.Release()
	g := snap.File("index.md")
	if g.Note.Text != "" {
		t.Fatal("the note read from disk kept its text")
	}
	want, got := FoldingRanges(v.snap, f), FoldingRanges(snap, g)
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("from disk %v, from the editor %v", got, want)
	}
}

func TestLimitFolds(t *testing.T) {
	v := buildVault(t, "-- n.md --\n# A\n- a\n  - b\n    c\n# B\n- d\n  e\n", workspace.Config{})
	f := v.file(t, "n.md")
	all := FoldingRanges(v.snap, f)
	lines := func(fs []Fold) string {
		var s []string
		for _, fd := range fs {
			s = append(s, fmt.Sprintf("%d-%d", f.Note.Lines().Line(fd.Span.Start), f.Note.Lines().Line(fd.Span.End)))
		}
		return strings.Join(s, " ")
	}
	if got := lines(all); got != "0-3 1-3 2-3 4-6 5-6" {
		t.Fatalf("folds %s", got)
	}
	for n, want := range map[int]string{
		0: "0-3 1-3 2-3 4-6 5-6",
		9: "0-3 1-3 2-3 4-6 5-6",
		1: "0-3",
		2: "0-3 4-6",
		3: "0-3 1-3 4-6",
		4: "0-3 1-3 4-6 5-6",
	} {
		if got := lines(LimitFolds(all, n)); got != want {
			t.Errorf("limit %d: %s, want %s", n, got, want)
		}
	}
}

// checkFolds asserts what FoldingRanges promises of f: folds within the
// text, each from the end of one line to the end of a later one, sorted by
// start line, no two on one line, nested or apart, sections on a heading's
// line, collapsed texts of one valid line; and that LimitFolds keeps whole
// the outer levels it keeps. It returns how many folds it saw.
func checkFolds(t *testing.T, snap *workspace.Snapshot, f *workspace.File) int {
	t.Helper()
	text, err := snap.Text(f)
	if err != nil {
		t.Fatal(err)
	}
	lines := workspace.NewLines(text)
	folds := FoldingRanges(snap, f)
	headings := map[int]bool{}
	for _, h := range f.Note.Headings() {
		headings[lines.Line(h.Span.Start)] = true
	}
	var stack []Fold // the folds holding the current one
	depth := make([]int, len(folds))
	for i, fd := range folds {
		s, e := fd.Span.Start, fd.Span.End
		if s < 0 || e > len(text) || s >= e {
			t.Fatalf("%s: fold %d %+v outside %d bytes or empty", f.Path, i, fd, len(text))
		}
		start, end := lines.Line(s), lines.Line(e)
		if start >= end || lines.End(start) != s || lines.End(end) != e {
			t.Errorf("%s: fold %d %+v is not from a line's end to a later line's end (lines %d-%d)", f.Path, i, fd, start, end)
		}
		if fd.Kind < FoldFrontmatter || fd.Kind > FoldListItem {
			t.Errorf("%s: fold %d of kind %d", f.Path, i, fd.Kind)
		}
		if fd.Kind == FoldSection && !headings[start] || fd.Kind == FoldFrontmatter && start != 0 {
			t.Errorf("%s: %s fold %d starts on line %d", f.Path, fd.Kind, i, start)
		}
		if !utf8.ValidString(fd.Collapsed) || strings.ContainsAny(fd.Collapsed, "\r\n") {
			t.Errorf("%s: fold %d collapses to %q", f.Path, i, fd.Collapsed)
		}
		if i > 0 && lines.Line(folds[i-1].Span.Start) >= start {
			t.Errorf("%s: fold %d starts on line %d, after fold %d on line %d", f.Path, i, start, i-1, lines.Line(folds[i-1].Span.Start))
		}
		for len(stack) > 0 && lines.Line(stack[len(stack)-1].Span.End) < start {
			stack = stack[:len(stack)-1]
		}
		if k := len(stack); k > 0 && stack[k-1].Span.End < e {
			t.Errorf("%s: fold %d (lines %d-%d) overlaps fold (lines %d-%d)", f.Path, i, start, end, lines.Line(stack[k-1].Span.Start), lines.Line(stack[k-1].Span.End))
		}
		depth[i] = len(stack)
		stack = append(stack, fd)
	}
	// A limit keeps every fold less deep than the deepest it keeps.
	n := len(folds) / 2
	kept := LimitFolds(folds, n)
	if len(kept) != n && n > 0 {
		t.Errorf("%s: LimitFolds(%d) kept %d", f.Path, n, len(kept))
	}
	deepest := -1
	in := map[workspace.Span]bool{}
	for _, fd := range kept {
		in[fd.Span] = true
	}
	for i, fd := range folds {
		if in[fd.Span] {
			deepest = max(deepest, depth[i])
		}
	}
	for i, fd := range folds {
		if depth[i] < deepest && !in[fd.Span] {
			t.Errorf("%s: LimitFolds(%d) dropped fold %d of depth %d, kept one of depth %d", f.Path, n, i, depth[i], deepest)
		}
	}
	return len(folds)
}

// FuzzFoldingRanges folds notes of any bytes, invalid UTF-8 and archive
// separators included, which FuzzEditorFeatures leaves out.
func FuzzFoldingRanges(f *testing.F) {
	f.Add("# A\n- a\n  ```\n  x\n> [!note]-\n> %% c\n%% <!--\nB\n===\n-->\n$$\n\t- y\n")
	f.Add("\uFEFF---\r\ntitle: \xff\r\n---\r\n> > -\t```\r\n-- x --\n\xc0")
	f.Fuzz(func(t *testing.T, text string) {
		ix := workspace.NewIndex(workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}})
		ix.Bulk([]*workspace.Note{workspace.NewParser().Parse("note.md", text, 1)}, nil)
		snap := ix.Snapshot()
		defer snap.Release()
		checkFolds(t, snap, snap.File("note.md"))
	})
}
