package workspace

import (
	"fmt"
	"os"
	"testing"
)

func TestScratchDump(t *testing.T) {
	data, err := os.ReadFile(os.Getenv("F"))
	if err != nil {
		t.Skip()
	}
	n := NewParser().Parse("x/note.md", string(data), 0)
	dumpNote(n)
}

func dumpNote(n *Note) {
	fm := n.Frontmatter
	fmt.Printf("FM present=%v span=%v err=%+v title=%q desc=%q aliases=%q publish=%v problems=%+v\n", fm.Present, fm.Span, fm.Err, fm.Title, fm.Description, fm.Aliases, fm.Publish, fm.Problems)
	fmt.Printf("Title=%q Desc=%q Lead=%q LeadSpan=%q\n", n.Title, n.Description, n.Lead, n.Text[n.LeadSpan.Start:n.LeadSpan.End])
	for _, h := range n.Headings {
		fmt.Printf("H%d %q slug=%q span=%q text=%q\n", h.Level, h.Text, h.Slug, n.Text[h.Span.Start:h.Span.End], n.Text[h.TextSpan.Start:h.TextSpan.End])
	}
	for _, b := range n.Blocks {
		fmt.Printf("B %q %q\n", b.ID, n.Text[b.Span.Start:b.Span.End])
	}
	for _, tg := range n.Tags {
		fmt.Printf("T %q %q fm=%v\n", tg.Name, n.Text[tg.Span.Start:tg.Span.End], tg.InFrontmatter)
	}
	for _, l := range n.Links {
		fmt.Printf("L %s %q target=%q ts=%q frag=%q label=%q ext=%v img=%v ref=%q def=%d\n", l.Kind, n.Text[l.Span.Start:l.Span.End], l.Target, n.Text[l.TargetSpan.Start:l.TargetSpan.End], l.Fragment, l.Label, l.External, l.Image, l.Ref, l.Def)
	}
}
