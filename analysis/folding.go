package analysis

import (
	"cmp"
	"slices"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// FoldKind says what a fold holds.
type FoldKind uint8

const (
	FoldFrontmatter FoldKind = iota + 1
	FoldSection              // a heading and the lines of its section
	FoldCode                 // a fenced code block
	FoldMath                 // a $$ block
	FoldQuote                // a block quote
	FoldCallout              // an Obsidian callout: "> [!note]- Title"
	FoldComment              // a %% comment or an HTML comment
	FoldListItem             // a list item with more than its first line
)

var foldKindNames = [...]string{"", "frontmatter", "section", "code", "math", "quote", "callout", "comment", "list item"}

func (k FoldKind) String() string {
	if int(k) < len(foldKindNames) {
		return foldKindNames[k]
	}
	return "fold"
}

// Fold is lines of a note that an editor can fold away behind their first.
type Fold struct {
	Kind FoldKind
	// Span is what folding hides: from the end of the first line, which
	// stays in sight, to the end of the last line, before its break.
	Span workspace.Span
	// Collapsed is what to show in the fold's place, or "" for the editor's
	// own choice (the first line and an ellipsis).
	Collapsed string
}

// FoldingRanges lists the folds of f's note, sorted by start, of at least
// two lines each, nested, each on a line of its own: frontmatter, heading
// sections, fenced code and $$ blocks, block quotes and callouts, %% and
// HTML comments, list items. A section ends at the last line that is not
// blank before the next heading of its level or above, in its container.
//
// Editors keep one fold per start line, so when several start on one line
// ("- ```" opens a list item and a fence) only the outermost is kept: it
// hides all the others would, while keeping an inner one would leave the
// rest of the outer block unfoldable.
func FoldingRanges(snap *workspace.Snapshot, f *workspace.File) []Fold {
	text, err := snap.Text(f)
	if err != nil || f.Note == nil {
		return nil
	}
	return noteFolds(f.Note, text)
}

// noteFolds is FoldingRanges for note n, whose text is text.
func noteFolds(n *workspace.Note, text string) []Fold {
	lines := n.Lines()
	if lines == nil || lines.Len() != len(text) {
		lines = workspace.NewLines(text)
	}
	first := 0
	var folds []lineFold
	if fm := n.Frontmatter; fm.Present && fm.Span.End > fm.Span.Start && fm.Span.End <= len(text) {
		start, end := lines.Line(fm.Span.Start), lines.Line(fm.Span.End-1)
		folds = append(folds, lineFold{kind: FoldFrontmatter, start: start, end: end, collapsed: frontmatterText(&fm)})
		first = end + 1
	}
	sc := scanBlocks(text, lines, first)
	folds = append(folds, sc.folds...)
	folds = append(folds, sectionFolds(n.Headings(), sc)...)
	folds = nestFolds(folds)
	out := make([]Fold, len(folds))
	for i, lf := range folds {
		out[i] = Fold{Kind: lf.kind, Span: workspace.Span{Start: lines.End(lf.start), End: lines.End(lf.end)}, Collapsed: lf.collapsed}
	}
	return out
}

// frontmatterText is what a folded frontmatter shows: the note's title,
// else its keys, which say more than "---" does.
func frontmatterText(fm *workspace.Frontmatter) string {
	const most = 80
	s := strings.Join(strings.Fields(fm.Title), " ")
	if s == "" {
		var keys []string
		for k := range fm.Fields() {
			keys = append(keys, k)
		}
		s = strings.Join(keys, ", ")
	}
	if s == "" {
		return ""
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > most {
		cut := most
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return "--- " + s
}

// sectionFolds folds each heading with its section: up to the next heading
// of its level or above in the same container (a heading in a quote does
// not end the note's section), or the container's end.
func sectionFolds(hs []workspace.Heading, sc *blockScan) []lineFold {
	var out []lineFold
	lastLine := sc.lines.Count() - 1
	// open holds, per container (-1: none), the headings whose section
	// goes on, their levels rising.
	open := map[int32][]int{}
	end := func(i, stop int) {
		h := hs[i]
		start := sc.lines.Line(h.Span.Start)
		body := sc.lines.Line(h.Span.End) // a setext heading's underline
		if c := sc.inner[start]; c >= 0 {
			stop = min(stop, sc.all[c].last)
		} else {
			stop = min(stop, sc.lastText)
		}
		for stop > body && isBlank(sc.lineText(stop)) {
			stop--
		}
		if stop > body {
			out = append(out, lineFold{kind: FoldSection, start: start, end: stop})
		}
	}
	for i, h := range hs {
		line := sc.lines.Line(h.Span.Start)
		if line > lastLine {
			continue
		}
		c := sc.inner[line]
		st := open[c]
		for len(st) > 0 && hs[st[len(st)-1]].Level >= h.Level {
			end(st[len(st)-1], line-1)
			st = st[:len(st)-1]
		}
		open[c] = append(st, i)
	}
	for _, st := range open {
		for _, i := range st {
			end(i, lastLine)
		}
	}
	return out
}

func (sc *blockScan) lineText(l int) string {
	return sc.text[sc.lines.Start(l):sc.lines.End(l)]
}

// nestFolds sorts folds by start line, outermost first, and drops those
// that start on the line of one kept before (editors keep one per line), or
// that overlap one without nesting in it: a section cut by a fence that the
// scan and the parser read differently, a comment that closes where the next
// opens. Of two folds of the same lines, the more particular kind is kept (a
// comment says "comment" to the editor; a section says nothing more).
func nestFolds(folds []lineFold) []lineFold {
	slices.SortFunc(folds, func(a, b lineFold) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end), cmp.Compare(b.kind, a.kind))
	})
	var kept, stack []lineFold
	for _, f := range folds {
		for len(stack) > 0 && stack[len(stack)-1].end < f.start {
			stack = stack[:len(stack)-1]
		}
		if k := len(stack); k > 0 && (stack[k-1].start == f.start || stack[k-1].end < f.end) {
			continue
		}
		kept = append(kept, f)
		stack = append(stack, f)
	}
	return kept
}

// LimitFolds keeps at most n of folds (sorted and nested as FoldingRanges
// returns them), the outermost first: a client that asks for fewer should
// still be able to fold the note's sections before a list item's lines. n
// <= 0 keeps them all.
func LimitFolds(folds []Fold, n int) []Fold {
	if n <= 0 || len(folds) <= n {
		return folds
	}
	depth := make([]int, len(folds))
	var stack []int // indices of the folds that hold the current one
	for i, f := range folds {
		for len(stack) > 0 && folds[stack[len(stack)-1]].Span.End < f.Span.Start {
			stack = stack[:len(stack)-1]
		}
		depth[i] = len(stack)
		stack = append(stack, i)
	}
	order := make([]int, len(folds))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(depth[a], depth[b]) })
	order = order[:n]
	slices.Sort(order)
	out := make([]Fold, n)
	for i, j := range order {
		out[i] = folds[j]
	}
	return out
}
