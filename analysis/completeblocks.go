package analysis

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// NewBlockID is a block id that a completion item's link names and its
// block lacks: " ^ID" goes where the block ends, at byte Col of line Line
// (0-based) of File, whose text was LineText when the item was made; before
// a comment that ends the line, not in it. For a quote, a callout or a
// table (Apart), "^ID" goes on a line of its own after that line, between
// blank lines, as Obsidian writes it. A completion edits only the document
// being typed in, so the editor runs a command for it (see AddBlockID).
type NewBlockID struct {
	File     *workspace.File
	Line     int
	Col      int
	LineText string
	ID       string
	Label    string // the block's first line, cut short
	Apart    bool
}

// newBlockIDAt is the NewBlockID of the block p of the text of n, target's
// note.
func newBlockIDAt(target *workspace.File, n *workspace.Note, text string, p workspace.BlockSpan, id, label string) *NewBlockID {
	lines := n.Lines()
	line := lines.Line(p.End)
	return &NewBlockID{File: target, Line: line, Col: p.End - lines.Start(line), ID: id, Label: label,
		LineText: text[lines.Start(line):lines.End(line)], Apart: p.Apart}
}

// maxBlockLabel bounds the text of a block that labels its item.
const maxBlockLabel = 80

// completeBlocks offers the blocks of target after "#^", in the note's
// order: those with an id by it, and, as Obsidian does, every paragraph,
// list item, quote and table without one, by its text, with an id made for
// it. typed filters them: an id it begins, or text that holds it. The block
// being written (in the note itself, the one holding off) is left out.
func completeBlocks(snap *workspace.Snapshot, from *workspace.File, off int, target *workspace.File, span workspace.Span, typed, suffix string) CompletionList {
	// Without the text (changed on disk, unreadable), the ids alone.
	text, paras, err := snap.BlockSpans(target)
	query := workspace.Fold(typed)
	var list CompletionList
	add := func(item CompletionItem) {
		if len(list.Items) == MaxCompletions {
			list.Incomplete = true
			return
		}
		item.Kind, item.Span, item.SortText = CompleteBlock, span, sortKey(len(list.Items))
		list.Items = append(list.Items, item)
	}
	// An item's filter text is its id, or what was typed and then its text
	// after it (see typedThen).
	addID := func(p workspace.BlockSpan, b *workspace.Block) {
		doc := docOf(text, err, p, b)
		filter := "^" + b.ID
		if !strings.HasPrefix(strings.ToLower(b.ID), strings.ToLower(typed)) {
			then, ok := filterAfter("^"+typed, doc, query)
			if !ok {
				return
			}
			filter = then + " " + b.ID // found by its text
		}
		add(CompletionItem{Label: "^" + b.ID, Detail: target.Path, Documentation: doc, NewText: "^" + b.ID + suffix, FilterText: filter})
	}
	eachBlockWithID(text, paras, target.Note, func(p workspace.BlockSpan, b *workspace.Block, id string) {
		if b != nil {
			addID(p, b)
			return
		}
		body := text[p.Start:p.End]
		if target == from && off >= p.Start && off <= p.End {
			return
		}
		filter, ok := filterAfter("^"+typed, body, query)
		if !ok {
			return
		}
		label := blockLabel(body)
		add(CompletionItem{
			Label:         label,
			Detail:        "adds ^" + id + " to " + target.Path,
			Documentation: truncate(body, maxSection),
			NewText:       "^" + id + suffix,
			FilterText:    truncate(filter, maxSection),
			BlockID:       newBlockIDAt(target, target.Note, text, p, id, label),
		})
	})
	return list
}

// filterAfter is typedThen for text, found by its fold, or typed and text
// for an empty query; false when text does not hold the query.
func filterAfter(typed, text, query string) (string, bool) {
	if query == "" {
		return typed + text, true
	}
	folded := workspace.Fold(text)
	i := strings.Index(folded, query)
	if i < 0 {
		return "", false
	}
	return typedThen(typed, text, folded, i, len(query)), true
}

// eachBlockWithID is workspace.EachBlock with the id a reference to each block takes:
// its own, or for a paragraph without one, the one newBlockID makes. Every
// paragraph takes its id in turn, offered or not, so that two of one text
// get the ids MissingBlockID gives them, whatever the query or the cursor.
func eachBlockWithID(text string, paras []workspace.BlockSpan, n *workspace.Note, fn func(p workspace.BlockSpan, b *workspace.Block, id string)) {
	taken := blockIDsOf(n)
	workspace.EachBlock(paras, n.Blocks(), func(p workspace.BlockSpan, b *workspace.Block) {
		if b != nil {
			fn(p, b, b.ID)
			return
		}
		fn(p, nil, newBlockID(text[p.Start:p.End], taken))
	})
}

// blockBody is the text of block p without its id b, when it has one, or
// for an id alone on its line (in no block, or after a paragraph or a
// list, as a block of its own), the line above it.
func blockBody(text string, p workspace.BlockSpan, b *workspace.Block) string {
	end := p.End
	if b != nil && b.Span.Start >= p.Start && b.Span.Start <= end {
		end = b.Span.Start
	}
	if body := strings.TrimSpace(text[p.Start:end]); body != "" || b == nil {
		return body
	}
	return blockText(text, b)
}

// blockIDsOf is the set of a note's block ids, lowercased.
func blockIDsOf(n *workspace.Note) map[string]bool {
	ids := make(map[string]bool, len(n.Blocks()))
	for _, b := range n.Blocks() {
		ids[strings.ToLower(b.ID)] = true
	}
	return ids
}

// blockLabel is a block's first line, its spaces squeezed, cut short.
func blockLabel(body string) string {
	if i := strings.IndexAny(body, "\r\n"); i >= 0 {
		body = body[:i]
	}
	return truncate(strings.Join(strings.Fields(body), " "), maxBlockLabel)
}

// newBlockID makes an id for a block: six lowercase letters and digits, as
// Obsidian's are, but from the block's text rather than at random, so that
// MissingBlockID can find the block again. The same text gets the same id,
// unless the note has it already (taken, which it joins).
func newBlockID(body string, taken map[string]bool) string {
	h := fnv.New32a()
	h.Write([]byte(body))
	sum := h.Sum32()
	for {
		id := strconv.FormatUint(uint64(sum%2176782336), 36) // 36^6
		id = strings.Repeat("0", 6-len(id)) + id
		if !taken[id] {
			taken[id] = true
			return id
		}
		sum = sum*16777619 ^ 0x9e3779b9
	}
}

// AddBlockID is the edit that gives a block the id a completion item linked
// it by: " ^id" at b.Col of the line of b.File that reads b.LineText, which
// is b.Line unless lines came or went above it since, or for a quote or a
// table (b.Apart) "^id" on a line of its own after that line, between blank
// lines. It is nil when the block has the id already (the command ran
// twice). The id must not name another block of the note, and the line
// must be found once.
func AddBlockID(snap *workspace.Snapshot, b *NewBlockID) (*Edit, error) {
	f := b.File
	text, err := snap.Text(f)
	if err != nil {
		return nil, err
	}
	if b.Col < 0 || b.Col > len(b.LineText) {
		return nil, fmt.Errorf("column %d is outside the line %q", b.Col, b.LineText)
	}
	lines := f.Note.Lines()
	done := b.LineText[:b.Col] + " ^" + b.ID + b.LineText[b.Col:]
	var same []int
	for l := range lines.Count() {
		switch got := text[lines.Start(l):lines.End(l)]; {
		case !b.Apart && got == done, b.Apart && (got == b.LineText || got == b.LineText[:b.Col]) && idLineAfter(text, lines, l) == "^"+b.ID:
			return nil, nil
		case got == b.LineText:
			same = append(same, l)
		}
	}
	var at int
	switch {
	case slices.Contains(same, b.Line):
		at = b.Line
	case len(same) == 1:
		at = same[0]
	case len(same) == 0:
		return nil, fmt.Errorf("%s no longer has the line %q", f.Path, b.LineText)
	default:
		return nil, fmt.Errorf("%s: the line %q moved, and is there %d times", f.Path, b.LineText, len(same))
	}
	for _, o := range f.Note.Blocks() {
		if strings.EqualFold(o.ID, b.ID) {
			return nil, fmt.Errorf("%s has a block ^%s already, on line %d", f.Path, o.ID, lines.Line(o.Span.Start)+1)
		}
	}
	if !b.Apart {
		end := lines.Start(at) + b.Col
		return &Edit{Span: workspace.Span{Start: end, End: end}, NewText: " ^" + b.ID}, nil
	}
	nl := "\n"
	if strings.HasPrefix(text[lines.End(at):], "\r\n") {
		nl = "\r\n"
	}
	insert := nl + nl + "^" + b.ID
	end := lines.End(at)
	switch {
	case strings.TrimSpace(b.LineText[b.Col:]) != "":
		// A comment ends the line (the block's end is before it), which
		// may run on past it: it goes after the id, on a line of its own.
		end = lines.Start(at) + b.Col
		insert += nl
	case at+1 < lines.Count() && strings.TrimSpace(text[lines.Start(at+1):lines.End(at+1)]) != "":
		insert += nl // the next block would run on into the id's line
	}
	return &Edit{Span: workspace.Span{Start: end, End: end}, NewText: insert}, nil
}

// idLineAfter is the first line with text after line l, trimmed.
func idLineAfter(text string, lines *workspace.Lines, l int) string {
	for l++; l < lines.Count(); l++ {
		if s := strings.TrimSpace(text[lines.Start(l):lines.End(l)]); s != "" {
			return s
		}
	}
	return ""
}

// MissingBlockID finds the block that a link's missing block id was made
// for: a block reference completed in an editor that does not run the
// item's command (eglot 1.9) names an id its block does not have yet, which
// is the id newBlockID gives that block. It is false for any other link, or
// when no block takes that id.
func MissingBlockID(snap *workspace.Snapshot, f *workspace.File, i int) (*NewBlockID, bool) {
	l := &f.Note.Links()[i]
	r := snap.Resolve(f, i)
	if r.Target == nil || r.Target.Note == nil || r.Block != nil || !strings.HasPrefix(l.Fragment, "^") {
		return nil, false
	}
	target, want := r.Target, strings.ToLower(l.Fragment[1:])
	text, paras, err := snap.BlockSpans(target)
	if err != nil {
		return nil, false
	}
	if blockIDsOf(target.Note)[want] {
		return nil, false
	}
	var found *NewBlockID
	eachBlockWithID(text, paras, target.Note, func(p workspace.BlockSpan, b *workspace.Block, id string) {
		if b == nil && found == nil && id == want {
			found = newBlockIDAt(target, target.Note, text, p, want, blockLabel(text[p.Start:p.End]))
		}
	})
	return found, found != nil
}
