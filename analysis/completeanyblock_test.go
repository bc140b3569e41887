package analysis

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

const anyBlockVault = `-- b/zeta.md --
# Zeta

Open loops close at night.

- a loophole ^hole
- nothing here

> [!tip] Loop tips
> keep them short
-- alpha.md --
---
title: Alpha
---
# Alpha

Loop the loop.

Feedback loop
over two lines.

> quoted loop

^loopback

Unrelated words.
-- here.md --
# Here

A loop of my own.

The loop I am writing [[^^loop‸
`

// "[[^^query" offers the blocks of every note that hold the query in their
// text or id: prefixes first, then word starts, then the rest, each by note
// title and place in the note. A block with an id links by it; one without
// gets an id made for it, the one "[[note#^" gives it. The note's own
// blocks link without its name, and the block being written is left out.
func TestCompleteAnyBlock(t *testing.T) {
	v := buildVault(t, anyBlockVault, workspace.Config{})
	f, off := v.at(t)
	list := Complete(t.Context(), v.snap, f, off)
	id := func(note, body string) string {
		g := v.file(t, note)
		text, paras, err := v.snap.BlockSpans(g)
		if err != nil {
			t.Fatal(err)
		}
		found := ""
		eachBlockWithID(text, paras, g.Note, func(p workspace.BlockSpan, b *workspace.Block, id string) {
			if b == nil && strings.HasPrefix(text[p.Start:p.End], body) {
				found = id
			}
		})
		return found
	}
	want := []string{
		"Loop the loop. => alpha#^" + id("alpha.md", "Loop the") + "]]",
		"quoted loop => alpha#^loopback]]", // by its id, a prefix: the quote takes the id below it
		"Feedback loop => alpha#^" + id("alpha.md", "Feedback") + "]]",
		"A loop of my own. => #^" + id("here.md", "A loop") + "]]",
		"Open loops close at night. => zeta#^" + id("b/zeta.md", "Open") + "]]",
		"a loophole => zeta#^hole]]",
		"[!tip] Loop tips => zeta#^" + id("b/zeta.md", "[!tip]") + "]]", // a callout, whole
	}
	if got := completionLabels(list); !slices.Equal(got, want) || list.Incomplete {
		t.Fatalf("%q (incomplete %v), want\n%q", got, list.Incomplete, want)
	}
	// The filter text, which an editor filters the list by again as more is
	// typed, is what was typed and then the block's text (or id) after the
	// query: "^^loop t" keeps "Loop the loop." first, not whichever text
	// holds a 't' soonest after the query.
	filters := map[string]string{"Loop the loop.": "^^loop the loop.", "quoted loop": "^^loopback", "Feedback loop": "^^loop\nover two lines.",
		"A loop of my own.": "^^loop of my own.", "Open loops close at night.": "^^loops close at night.", "a loophole": "^^loophole",
		"[!tip] Loop tips": "^^loop tips\n> keep them short"}
	for _, it := range list.Items {
		if it.Kind != CompleteBlock || f.Note.Text[it.Span.Start:it.Span.End] != "^^loop" || it.FilterText != filters[it.Label] {
			t.Errorf("%s: kind %d, span %q, filter text %q, want %q", it.Label, it.Kind, f.Note.Text[it.Span.Start:it.Span.End], it.FilterText, filters[it.Label])
		}
		if hasID := strings.Contains(it.NewText, "hole") || strings.Contains(it.NewText, "loopback"); (it.BlockID == nil) != hasID {
			t.Errorf("%s: new id %+v", it.Label, it.BlockID)
		}
	}
	if b := list.Items[2].BlockID; b == nil || b.File != v.file(t, "alpha.md") || b.LineText != "over two lines." || b.Col != len(b.LineText) {
		t.Errorf("Feedback loop: new id at %+v, want the end of %q in alpha.md", b, "over two lines.")
	}
	if got := list.Items[0]; got.Where != "Alpha" || got.Detail != "adds ^"+got.BlockID.ID+" to alpha.md" || got.Documentation != "Loop the loop." {
		t.Errorf("first item: where %q, detail %q, documentation %q", got.Where, got.Detail, got.Documentation)
	}
	if got := list.Items[1]; got.Detail != "^loopback in alpha.md" || got.Documentation != "quoted loop" {
		t.Errorf("block with an id: detail %q, documentation %q", got.Detail, got.Documentation)
	}
	if got := list.Items[6]; got.BlockID == nil || !got.BlockID.Apart || got.BlockID.LineText != "> keep them short" || got.Documentation != "[!tip] Loop tips\n> keep them short" {
		t.Errorf("callout: new id %+v, documentation %q: want its id on a line of its own after it", got.BlockID, got.Documentation)
	}
}

// The ids "[[^^" makes are those "[[note#^" makes, which MissingBlockID
// finds again once the link is written (by an editor that does not run the
// item's command).
func TestCompleteAnyBlockIDsAsCompleteBlocks(t *testing.T) {
	v := buildVault(t, anyBlockVault, workspace.Config{})
	f, off := v.at(t)
	checked := 0
	for _, it := range Complete(t.Context(), v.snap, f, off).Items {
		b := it.BlockID
		if b == nil || strings.HasPrefix(it.NewText, "#") {
			continue // an id of its own, or the note's own block (x.md does not link to it)
		}
		w := buildVault(t, strings.Replace(anyBlockVault, "‸", "", 1)+"-- x.md --\n[["+it.NewText+"\n", workspace.Config{})
		got, ok := MissingBlockID(w.snap, w.file(t, "x.md"), 0)
		if !ok || got.ID != b.ID || got.LineText != b.LineText || got.Col != b.Col || got.Apart != b.Apart || got.File.Path != b.File.Path {
			t.Errorf("%s: MissingBlockID %+v, %v; the item adds %+v", it.Label, got, ok, b)
		}
		checked++
	}
	if checked != 4 {
		t.Errorf("%d items checked, want 4", checked)
	}
}

// With many matches the list is the best hundred of a full sort of every
// match, and says it is incomplete; the search that stops reading notes
// once the hundred are all prefixes gives the same list.
func TestCompleteAnyBlockRanksAsASort(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first func(i int) string // the first paragraph of note i
	}{
		{"few prefixes", func(i int) string {
			if i%50 == 0 {
				return fmt.Sprintf("Loop %d", i)
			}
			return fmt.Sprintf("Text of %d with a loop", i)
		}},
		{"prefixes everywhere", func(i int) string { return fmt.Sprintf("Loop %d", (i*37)%500) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			for i := range 5 * MaxCompletions {
				fmt.Fprintf(&b, "-- n%03d.md --\n# Note %03d\n\n%s\n\n- item %d, loops\n\nunlooped %d\n", i, (i*7)%500, tc.first(i), i, i)
			}
			b.WriteString("-- here.md --\n# Here\n\n[[^^ Loop‸\n")
			v := buildVault(t, b.String(), workspace.Config{})
			f, off := v.at(t)
			list := Complete(t.Context(), v.snap, f, off)

			rank := map[*workspace.File]int{}
			for i, g := range v.snap.FilesByTitle() {
				rank[g] = i
			}
			var all []blockHit
			for _, g := range v.snap.Notes() {
				if g == f {
					continue // its one block is the one being written
				}
				text, paras, _ := v.snap.BlockSpans(g)
				for i, p := range paras {
					body := text[p.Start:p.End]
					if s, _ := matchBlock(nil, body, workspace.Fold(body), "^^loop", "loop"); s > 0 {
						all = append(all, blockHit{score: s, rank: rank[g], seq: i, file: g, item: CompletionItem{Label: blockLabel(body)}})
					}
				}
			}
			slices.SortFunc(all, func(a, b blockHit) int { return compareBlockHits(&a, &b) })
			if !list.Incomplete || len(list.Items) != MaxCompletions {
				t.Fatalf("%d items, incomplete %v, of %d matches: want the best %d and incomplete", len(list.Items), list.Incomplete, len(all), MaxCompletions)
			}
			for i, it := range list.Items {
				if want := all[i]; it.Label != want.item.Label || !strings.HasPrefix(it.NewText, want.file.Stem()+"#^") {
					t.Fatalf("item %d is %q => %q, want %q in %s", i, it.Label, it.NewText, want.item.Label, want.file.Path)
				}
			}
			// Looking for prefixes every 50 notes read, the same list; with
			// prefixes everywhere, from fewer notes read.
			reads := 0
			count := func(int) bool { reads++; return true }
			span := workspace.Span{Start: off - len("^^ Loop"), End: off}
			chunked, _ := searchBlocks(t.Context(), v.snap, f, off, span, "^^ Loop", "]]", nil, blockLimits{read: count, parse: always, chunk: 50})
			if got, want := completionLabels(chunked), completionLabels(list); !slices.Equal(got, want) || !chunked.Incomplete {
				t.Errorf("by chunks of 50: %q (incomplete %v),\nwant %q", got, chunked.Incomplete, want)
			}
			if wantAll := tc.name == "few prefixes"; (reads == 501) != wantAll {
				t.Errorf("by chunks of 50: %d notes read of 501", reads)
			}
		})
	}
}

// Without a query the first blocks by note title are offered, the list
// incomplete when there are more.
func TestCompleteAnyBlockEmpty(t *testing.T) {
	v := buildVault(t, strings.Replace(anyBlockVault, "[[^^loop‸", "[[^^‸", 1), workspace.Config{})
	f, off := v.at(t)
	list := Complete(t.Context(), v.snap, f, off)
	var got []string
	for _, it := range list.Items {
		got = append(got, it.Label)
	}
	// alpha (Alpha), here (Here), b/zeta (Zeta); the block being written left out.
	want := []string{"Loop the loop.", "Feedback loop", "quoted loop", "Unrelated words.", "A loop of my own.", "Open loops close at night.", "a loophole", "nothing here", "[!tip] Loop tips"}
	if !slices.Equal(got, want) || list.Incomplete {
		t.Errorf("%q (incomplete %v), want %q", got, list.Incomplete, want)
	}
}

// A search out of time, or whose request was cancelled, stops reading
// notes and says its list is incomplete.
func TestCompleteAnyBlockStops(t *testing.T) {
	v := buildVault(t, anyBlockVault, workspace.Config{})
	f, off := v.at(t)
	span := workspace.Span{Start: off - len("^^loop"), End: off}
	if list, _ := searchBlocks(t.Context(), v.snap, f, off, span, "^^loop", "]]", nil, blockLimits{read: func(int) bool { return false }, parse: always}); len(list.Items) != 0 || !list.Incomplete {
		t.Errorf("past its deadline: %q, incomplete %v", completionLabels(list), list.Incomplete)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if list := Complete(ctx, v.snap, f, off); len(list.Items) != 0 || !list.Incomplete {
		t.Errorf("cancelled: %q, incomplete %v", completionLabels(list), list.Incomplete)
	}
}

// holdsFolded finds what workspace.Fold would, in ASCII text folded eight
// bytes at a time (every byte's case tried at every place in a word) and in
// text that is not ASCII.
func TestHoldsFolded(t *testing.T) {
	var buf []byte
	for c := 0; c < 0x80; c++ {
		for at := range 11 {
			text := []byte("0123456789#")
			text[at] = byte(c)
			want := workspace.Fold(string(text))
			holds, ascii := holdsFolded(string(text), want, &buf)
			if !holds || !ascii || string(buf) != want {
				t.Fatalf("%q folded to %q, want %q", text, buf, want)
			}
		}
	}
	for _, tc := range []struct {
		text, query string
		want        bool
	}{
		{"The Quick Brown Fox Jumps", "brown fox", true},
		{"The Quick Brown Fox Jumps", "fox jumped", false},
		{"Ünïcödé Café, then ASCII", "café, then", true},
		{"Ünïcödé Café, then ASCII", "cafe", false},
		{"", "x", false},
	} {
		if got, _ := holdsFolded(tc.text, tc.query, &buf); got != tc.want {
			t.Errorf("holdsFolded(%q, %q) = %v, want %v", tc.text, tc.query, got, tc.want)
		}
	}
}

// blockPotential bounds the score of a note's blocks from where its text
// holds the query: a prefix only after markers, spaces or '^' on its line,
// or a blanked comment, and not in a heading; a word start not inside a word.
func TestBlockPotential(t *testing.T) {
	var buf []byte
	for _, tc := range []struct {
		text string
		want int
	}{
		{"no such word", 0},
		{"Unlooped", 2},
		{"an open-loop", 3},
		{"x\n  - 12. > Loop", 4},
		{"- [ ] loop", 3},
		{"- [loop](a%20b.md)", 3},
		{"| loop | b |", 3},
		{"text ^loopback", 4},
		{"%% note %% loop", 4},
		{"## Loop\n### loops", 3},
		{"<% tp.date %> loop", 4},
		{"#loop tag", 3},
		{"The loop\nthe unlooped", 3},
		{"The loop\nLoopy", 4},
		{"Ünïcödé loopy", 4},
	} {
		got, holds := blockPotential(tc.text, 0, "loop", &buf)
		if got != tc.want || holds != (tc.want > 0) {
			t.Errorf("blockPotential(%q, loop) = %d, %v; want %d", tc.text, got, holds, tc.want)
		}
	}
	// In the frontmatter, no block: held, but no block to offer.
	text := "---\ntags:\n  - loop\n---\nNo word here.\n"
	if got, holds := blockPotential(text, strings.Index(text, "No word"), "loop", &buf); got != 0 || !holds {
		t.Errorf("blockPotential(%q) past its frontmatter = %d, %v; want 0, held", text, got, holds)
	}
}

// always is a limit that never stops a search.
func always(int) bool { return true }

// A search that stopped is taken up by the next with more typed: it reads
// again only the notes that held the query and those changed since, then
// the rest, and ends with the list a search from scratch gives. A query
// that does not hold the last one starts again.
func TestCompleteAnyBlockResumes(t *testing.T) {
	var b strings.Builder
	for i := range 300 {
		word := "lap"
		if i%4 == 0 {
			word = "loop"
		}
		fmt.Fprintf(&b, "-- n%03d.md --\n# Note %03d\n\nThe %s of note %03d.\n\nNothing else.\n", i, i, word, i)
	}
	b.WriteString("-- here.md --\n# Here\n\n[[^^loop‸\n")
	v := buildVault(t, b.String(), workspace.Config{})
	f, off := v.at(t)
	span := workspace.Span{Start: off - len("^^loop"), End: off}
	reads := 0
	upTo := func(n int) blockLimits {
		reads = 0
		return blockLimits{read: func(read int) bool {
			if read < n {
				reads++
				return true
			}
			return false
		}, parse: always}
	}
	search := func(typed string, last *anyBlockScan, limits blockLimits) (CompletionList, *anyBlockScan) {
		return searchBlocks(t.Context(), v.snap, f, off, span, typed, "]]", last, limits)
	}

	list, scan := search("^^loop", nil, upTo(100))
	// Here (first by title, the block being written) and notes 000 to 096
	// by four hold "loop".
	if !list.Incomplete || reads != 100 || len(scan.files) != 100 || len(scan.holding) != 26 {
		t.Fatalf("first: incomplete %v, %d read, scan of %d holding %d; want incomplete, 100 read, 26 holding", list.Incomplete, reads, len(scan.files), len(scan.holding))
	}
	// Note 005 did not hold "loop"; now it does.
	v.snap.Release()
	v.ix.SetNote(workspace.NewParser().Parse("n005.md", "# Note 005\n\nThe loop of note 005, changed.\n", 2))
	v.snap = v.ix.Snapshot()

	list, scan2 := search("^^loop of note", scan, upTo(1000))
	if want := 26 + 1 + 301 - 100; reads != want || list.Incomplete {
		t.Errorf("resumed: %d read, incomplete %v; want %d, complete", reads, list.Incomplete, want)
	}
	fresh, _ := search("^^loop of note", nil, upTo(1000))
	if got, want := completionLabels(list), completionLabels(fresh); !slices.Equal(got, want) || len(got) != 76 || fresh.Incomplete {
		t.Errorf("resumed list %q,\nfrom scratch %q (76 items, complete)", got, want)
	}
	if !slices.Contains(completionLabels(list), "The loop of note 005, changed. => n005#^"+newBlockID("The loop of note 005, changed.", map[string]bool{})+"]]") {
		t.Errorf("the changed note is not offered: %q", completionLabels(list)[:5])
	}

	// Stopped among the notes the last scan found: those not read stay.
	list, scan3 := search("^^loop of note 0", scan2, upTo(10))
	if reads != 10 || !list.Incomplete || len(scan3.files) != 301 || len(scan3.holding) != len(scan2.holding) {
		t.Errorf("stopped in the last scan's notes: %d read, incomplete %v, scan of %d holding %d (of %d)", reads, list.Incomplete, len(scan3.files), len(scan3.holding), len(scan2.holding))
	}
	if _, _ = search("^^lap", scan3, upTo(1000)); reads != 301 {
		t.Errorf("a query that does not hold the last: %d read, want all 301", reads)
	}

	// A Completer keeps the scan for the next search, and forgets it when told.
	var c Completer
	c.Complete(t.Context(), v.snap, f, off)
	if s := c.lastBlocks(); s == nil || s.query != "loop" || len(s.files) != 301 {
		t.Fatalf("kept %+v, want the scan of loop", s)
	}
	c.Forget()
	if s := c.lastBlocks(); s != nil {
		t.Errorf("kept %+v after Forget", s)
	}
}

// A "[[^^" search reads the notes without the index's lock: an edit made
// meanwhile goes ahead rather than wait for it, and the blocks of the note
// it changed, found in the text the note had, are left out, the list marked
// incomplete for the editor to ask again.
func TestCompleteAnyBlockLetsEditsThrough(t *testing.T) {
	v := buildVault(t, "-- a.md --\n# A\n\nThe loop of a.\n-- b.md --\n# B\n\nThe loop of b.\n-- here.md --\n# Here\n\n[[^^loop‸\n", workspace.Config{})
	f, off := v.at(t)
	span := workspace.Span{Start: off - len("^^loop"), End: off}
	edited := false
	limits := blockLimits{read: func(read int) bool {
		if read == 2 && !edited { // a and b taken, in title order
			edited = editGoesAhead(t, v, "b.md", "# B\n\nThe loop of b, changed.\n")
		}
		return true
	}, parse: always}
	list, _ := searchBlocks(t.Context(), v.snap, f, off, span, "^^loop", "]]", nil, limits)
	if !edited {
		t.FailNow()
	}
	labels := completionLabels(list)
	if len(labels) != 1 || !strings.HasPrefix(labels[0], "The loop of a. => a#^") || !list.Incomplete {
		t.Errorf("after b changed: %q, incomplete %v; want a's block alone, incomplete", labels, list.Incomplete)
	}
	list, _ = searchBlocks(t.Context(), v.snap, f, off, span, "^^loop", "]]", nil, blockLimits{read: always, parse: always})
	if labels := completionLabels(list); len(labels) != 2 || !strings.HasPrefix(labels[1], "The loop of b, changed. => b#^") || list.Incomplete {
		t.Errorf("asked again: %q, incomplete %v; want a's and b's new blocks, complete", labels, list.Incomplete)
	}
}
