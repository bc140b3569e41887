package analysis

import (
	"slices"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

const blocksVault = `-- target.md --
---
title: T
---
# Target

First paragraph
over two lines.

- item one
- item two ^have

> quoted text

| a | b |
|---|---|
| 1 | 2 |

^tbl

Last words.
`

// After "#^" every block of the note is offered in its order: those with an
// id by it, paragraphs and list items without one by their text, with an id
// made for them; what was typed filters both.
func TestCompleteBlocks(t *testing.T) {
	for _, tc := range []struct {
		typed string
		want  []string // label => new text
	}{
		{"", []string{"First paragraph => ^i9fypy]]", "item one => ^tksk0a]]", "^have => ^have]]", "quoted text => ^e9jojg]]", "^tbl => ^tbl]]", "Last words. => ^4wd846]]"}},
		{"item", []string{"item one => ^tksk0a]]", "^have => ^have]]"}},
		{"ha", []string{"^have => ^have]]"}},
		{"TWO LINES", []string{"First paragraph => ^i9fypy]]"}},
		{"nothing like it", nil},
	} {
		v := buildVault(t, blocksVault+"-- here.md --\nLink [[target#^"+tc.typed+"‸\n", workspace.Config{})
		f, off := v.at(t)
		list := Complete(t.Context(), v.snap, f, off)
		if got := completionLabels(list); !slices.Equal(got, tc.want) || list.Incomplete {
			t.Errorf("%q: %q (incomplete %v), want %q", tc.typed, got, list.Incomplete, tc.want)
		}
		for _, it := range list.Items {
			// The filter text starts with what was typed, as typed (an id
			// it begins, case aside, is the id).
			if it.Kind != CompleteBlock || !strings.HasPrefix(strings.ToLower(it.FilterText), "^"+strings.ToLower(tc.typed)) || f.Note.Text[it.Span.Start:it.Span.End] != "^"+tc.typed {
				t.Errorf("%q: %s: kind %d, filter text %q, span %q", tc.typed, it.Label, it.Kind, it.FilterText, f.Note.Text[it.Span.Start:it.Span.End])
			}
			if (it.BlockID != nil) == strings.HasPrefix(it.Label, "^") {
				t.Errorf("%q: %s: new id %v", tc.typed, it.Label, it.BlockID)
			}
		}
	}
}

// Each new id, added where AddBlockID puts it, is read as its block's id,
// and the link the item wrote then resolves to that block.
func TestCompleteBlocksAddIDs(t *testing.T) {
	v := buildVault(t, blocksVault+"-- here.md --\n[[target#^‸\n", workspace.Config{})
	f, off := v.at(t)
	list := Complete(t.Context(), v.snap, f, off)
	target := v.file(t, "target.md")
	text := target.Note.Text
	var edits []Edit
	wantLines := map[string]string{"First paragraph": "over two lines.", "item one": "- item one", "quoted text": "> quoted text", "Last words.": "Last words."}
	wantCols := map[string]int{"First paragraph": 15, "item one": 10, "quoted text": 13, "Last words.": 11}
	for _, it := range list.Items {
		b := it.BlockID
		if b == nil {
			continue
		}
		if b.File != target || b.LineText != wantLines[it.Label] || b.Col != wantCols[it.Label] || b.Apart != (it.Label == "quoted text") || b.ID != strings.TrimSuffix(strings.TrimPrefix(it.NewText, "^"), "]]") {
			t.Errorf("%s: new id %+v", it.Label, *b)
		}
		e, err := AddBlockID(v.snap, b)
		if err != nil || e == nil {
			t.Fatalf("%s: %v, %v", it.Label, e, err)
		}
		edits = append(edits, *e)
	}
	if len(edits) != 4 {
		t.Fatalf("%d new ids, want 4", len(edits))
	}
	slices.SortFunc(edits, func(a, b Edit) int { return b.Span.Start - a.Span.Start })
	for _, e := range edits {
		text = text[:e.Span.Start] + e.NewText + text[e.Span.End:]
	}
	var links strings.Builder
	for _, it := range list.Items {
		links.WriteString("[[target#" + strings.TrimSuffix(it.NewText, "]]") + "]]\n")
	}
	v2 := buildVault(t, "-- target.md --\n"+text+"\n-- here.md --\n"+links.String(), workspace.Config{})
	here := v2.file(t, "here.md")
	for i := range here.Note.Links() {
		if r := v2.snap.Resolve(here, i); r.Block == nil {
			t.Errorf("%s does not resolve to a block in\n%s", here.Note.Links()[i].Raw, text)
		}
	}
}

// AddBlockID finds the line where it was or, if lines came or went, where
// it is, and puts the id at the block's end, before a comment that ends the
// line; it does nothing for a line that has the id, and fails when the line
// is gone or ambiguous, or the id names another block.
func TestAddBlockID(t *testing.T) {
	v := buildVault(t, "-- a.md --\nTop\n\nSame\n\nSame\n\nDone ^abc123\n\nOther ^taken\n\nNoted %% aside %%\n", workspace.Config{})
	a := v.file(t, "a.md")
	text := a.Note.Text
	at := func(line int) int { return a.Note.Lines().Start(line) }
	for _, tc := range []struct {
		name string
		b    NewBlockID
		want *Edit
		err  string
	}{
		{"where it was", NewBlockID{Line: 0, Col: 3, LineText: "Top", ID: "new001"}, &Edit{workspace.Span{Start: 3, End: 3}, " ^new001"}, ""},
		{"moved", NewBlockID{Line: 5, Col: 3, LineText: "Top", ID: "new001"}, &Edit{workspace.Span{Start: 3, End: 3}, " ^new001"}, ""},
		{"one of two, where it was", NewBlockID{Line: 4, Col: 4, LineText: "Same", ID: "new002"}, &Edit{workspace.Span{Start: at(4) + 4, End: at(4) + 4}, " ^new002"}, ""},
		{"one of two, moved", NewBlockID{Line: 0, Col: 4, LineText: "Same", ID: "new002"}, nil, "is there 2 times"},
		{"before a comment", NewBlockID{Line: 10, Col: 5, LineText: "Noted %% aside %%", ID: "new004"}, &Edit{workspace.Span{Start: at(10) + 5, End: at(10) + 5}, " ^new004"}, ""},
		{"done already", NewBlockID{Line: 6, Col: 4, LineText: "Done", ID: "abc123"}, nil, ""},
		{"gone", NewBlockID{Line: 0, Col: 4, LineText: "Gone", ID: "new003"}, nil, "no longer has the line"},
		{"id taken", NewBlockID{Line: 0, Col: 3, LineText: "Top", ID: "TAKEN"}, nil, "has a block ^taken already, on line 9"},
		{"column past the line", NewBlockID{Line: 0, Col: 4, LineText: "Top", ID: "new005"}, nil, "outside the line"},
	} {
		tc.b.File = a
		e, err := AddBlockID(v.snap, &tc.b)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case (e == nil) != (tc.want == nil) || e != nil && *e != *tc.want:
			t.Errorf("%s: %+v, want %+v (%q)", tc.name, e, tc.want, text)
		}
	}
}

// After a quote or a table, the id goes on a line of its own, a blank line
// before it and one after it unless the next line is blank already, in the
// line breaks the note uses, and before a comment that ends the block; the
// edited note reads it as the block's id.
func TestAddBlockIDApart(t *testing.T) {
	v := buildVault(t, "-- q.md --\n> quote one\n\n> quote two\n# Next\n\n| a |\n| - |\n\n> done\n\n^qdone\n\n> last\n-- c.md --\n> crlf\r\n# H\r\n-- m.md --\n> noted %% runs on\nstill a comment %%\n", workspace.Config{})
	q, c, m := v.file(t, "q.md"), v.file(t, "c.md"), v.file(t, "m.md")
	end := func(f *workspace.File, line int) int { return f.Note.Lines().End(line) }
	for _, tc := range []struct {
		name string
		b    NewBlockID
		want *Edit
	}{
		{"a blank line after", NewBlockID{File: q, Line: 0, Col: 11, LineText: "> quote one", ID: "new010"}, &Edit{workspace.Span{Start: end(q, 0), End: end(q, 0)}, "\n\n^new010"}},
		{"a heading right after", NewBlockID{File: q, Line: 2, Col: 11, LineText: "> quote two", ID: "new011"}, &Edit{workspace.Span{Start: end(q, 2), End: end(q, 2)}, "\n\n^new011\n"}},
		{"a table", NewBlockID{File: q, Line: 6, Col: 5, LineText: "| - |", ID: "new012"}, &Edit{workspace.Span{Start: end(q, 6), End: end(q, 6)}, "\n\n^new012"}},
		{"the last line", NewBlockID{File: q, Line: 12, Col: 6, LineText: "> last", ID: "new013"}, &Edit{workspace.Span{Start: end(q, 12), End: end(q, 12)}, "\n\n^new013"}},
		{"CRLF", NewBlockID{File: c, Line: 0, Col: 6, LineText: "> crlf", ID: "new014"}, &Edit{workspace.Span{Start: end(c, 0), End: end(c, 0)}, "\r\n\r\n^new014\r\n"}},
		{"before a comment that runs on", NewBlockID{File: m, Line: 0, Col: 7, LineText: "> noted %% runs on", ID: "new015"}, &Edit{workspace.Span{Start: 7, End: 7}, "\n\n^new015\n"}},
		{"done already", NewBlockID{File: q, Line: 8, Col: 6, LineText: "> done", ID: "qdone"}, nil},
	} {
		tc.b.Apart = true
		e, err := AddBlockID(v.snap, &tc.b)
		if err != nil || (e == nil) != (tc.want == nil) || e != nil && *e != *tc.want {
			t.Errorf("%s: %+v, %v, want %+v", tc.name, e, err, tc.want)
			continue
		}
		if e == nil {
			continue
		}
		text := tc.b.File.Note.Text
		text = text[:e.Span.Start] + e.NewText + text[e.Span.End:]
		n := workspace.NewParser().Parse("x.md", text, 1)
		if !slices.ContainsFunc(n.Blocks(), func(b workspace.Block) bool { return b.ID == tc.b.ID }) {
			t.Errorf("%s: ^%s is not read as a block id in %q", tc.name, tc.b.ID, text)
		}
	}
}

// The paragraph being written is not offered as a block of its own note.
func TestCompleteBlocksOwnNote(t *testing.T) {
	v := buildVault(t, "-- here.md --\nAbove.\n\nWriting [[#^‸ here\n\nBelow.\n", workspace.Config{})
	f, off := v.at(t)
	if got, want := completionLabels(Complete(t.Context(), v.snap, f, off)), []string{"Above. => ^" + newBlockID("Above.", map[string]bool{}) + "]]", "Below. => ^" + newBlockID("Below.", map[string]bool{}) + "]]"}; !slices.Equal(got, want) {
		t.Errorf("%q, want %q", got, want)
	}
}

// A link written by a block completion whose command did not run names an
// id its paragraph lacks: MissingBlockID finds that paragraph, as the item
// located it. Other ids, and ids that exist, find none.
func TestMissingBlockID(t *testing.T) {
	v := buildVault(t, blocksVault+"-- here.md --\n[[target#^‸\n", workspace.Config{})
	f, off := v.at(t)
	var links strings.Builder
	var want []*NewBlockID
	for _, it := range Complete(t.Context(), v.snap, f, off).Items {
		if it.BlockID != nil {
			links.WriteString("[[target#^" + strings.ToUpper(it.BlockID.ID) + "]]\n")
			want = append(want, it.BlockID)
		}
	}
	links.WriteString("[[target#^zzzzzz]] [[target#^have]] [[target]] [[nowhere#^" + want[0].ID + "]]\n")
	v2 := buildVault(t, blocksVault+"-- here.md --\n"+links.String(), workspace.Config{})
	here := v2.file(t, "here.md")
	for i, l := range here.Note.Links() {
		got, ok := MissingBlockID(v2.snap, here, i)
		if i >= len(want) {
			if ok {
				t.Errorf("%s: found %+v", l.Raw, *got)
			}
			continue
		}
		if !ok {
			t.Errorf("%s: no paragraph found", l.Raw)
			continue
		}
		// Another vault: the same paths, other files.
		g, w := *got, *want[i]
		if g.File.Path != w.File.Path {
			t.Errorf("%s: in %s, want %s", l.Raw, g.File.Path, w.File.Path)
		}
		if g.File, w.File = nil, nil; g != w {
			t.Errorf("%s: %+v, want %+v", l.Raw, g, w)
		}
	}
}

// In a markdown link, "#^" completes blocks where Obsidian or Quartz reads
// them, and not under commonmark: GitHub has no block anchors.
func TestCompleteBlocksInMarkdownLinks(t *testing.T) {
	for _, tc := range []struct {
		profile workspace.Profile
		want    int
	}{{workspace.ProfileObsidian, 6}, {workspace.ProfileQuartz, 6}, {workspace.ProfileCommonMark, 0}} {
		v := buildVault(t, blocksVault+"-- here.md --\n[x](target.md#^‸)\n", workspace.Config{Profiles: []workspace.Profile{tc.profile}})
		f, off := v.at(t)
		list := Complete(t.Context(), v.snap, f, off)
		if len(list.Items) != tc.want {
			t.Errorf("%s: %q, want %d blocks", tc.profile, completionLabels(list), tc.want)
		}
		for _, it := range list.Items {
			if !strings.HasPrefix(it.NewText, "^") || strings.Contains(it.NewText, "]") {
				t.Errorf("%s: %s writes %q", tc.profile, it.Label, it.NewText)
			}
		}
	}
}

// Two paragraphs of one text get two ids, the same whatever is typed or
// where the cursor is, and MissingBlockID finds each.
func TestCompleteBlocksTwinParagraphs(t *testing.T) {
	twins := "-- t.md --\n# T\n\nSame words.\n\nOther.\n\nSame words.\n"
	ids := func(note string) []string {
		v := buildVault(t, twins+"-- here.md --\n"+note, workspace.Config{})
		f, off := v.at(t)
		var out []string
		for _, it := range Complete(t.Context(), v.snap, f, off).Items {
			if it.BlockID != nil && it.Label == "Same words." {
				out = append(out, it.BlockID.ID)
			}
		}
		return out
	}
	all := ids("[[t#^‸\n")
	if len(all) != 2 || all[0] == all[1] {
		t.Fatalf("ids %q, want two different ones", all)
	}
	if got := ids("[[t#^same‸\n"); !slices.Equal(got, all) {
		t.Errorf("typed: %q, want %q", got, all)
	}
	v := buildVault(t, strings.Replace(twins, "# T\n", "# T\n\n[[#^‸\n", 1), workspace.Config{})
	f, off := v.at(t)
	for _, it := range Complete(t.Context(), v.snap, f, off).Items {
		if it.BlockID != nil && it.Label == "Same words." && !slices.Contains(all, it.BlockID.ID) {
			t.Errorf("in the note itself: %s, want one of %q", it.BlockID.ID, all)
		}
	}
	links := buildVault(t, twins+"-- here.md --\n[[t#^"+all[0]+"]] [[t#^"+all[1]+"]]\n", workspace.Config{})
	here := links.file(t, "here.md")
	for i := range here.Note.Links() {
		if b, ok := MissingBlockID(links.snap, here, i); !ok || b.ID != all[i] || b.Line != []int{2, 6}[i] {
			t.Errorf("link %d: %+v %v", i, b, ok)
		}
	}
}
