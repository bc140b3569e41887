package analysis

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// CompletionKind says what an item completes, so editors can pick an icon.
type CompletionKind uint8

const (
	CompleteNote CompletionKind = iota
	CompleteFile
	CompleteAlias
	CompleteHeading
	CompleteBlock
	CompleteTag
	CompleteMissing // a note other notes link to that does not exist yet
	CompleteKey     // a frontmatter key
	CompleteValue   // a frontmatter value
)

// CompletionItem is one suggestion. Edit replaces Span (the partly typed
// target) with NewText.
type CompletionItem struct {
	Label  string
	Detail string
	// Where tells apart items of one label (a hundred "Overview" headings):
	// the note each is in, for editors that show it beside every label.
	Where         string
	Documentation string
	// Path is the vault path of the note the item names, "" for others: an
	// editor can fetch Documentation lazily by it (completionItem/resolve).
	Path       string
	Kind       CompletionKind
	Span       workspace.Span
	NewText    string
	FilterText string
	SortText   string
	// BlockID, when set, is the id the item's block reference names and
	// its block lacks yet: accepting the item must add it too.
	BlockID *NewBlockID
}

// CompletionList is a capped list; Incomplete asks the editor to ask again as
// the user types, since the server filtered it.
type CompletionList struct {
	Items      []CompletionItem
	Incomplete bool
}

// MaxCompletions caps a completion list: a long list costs the editor more to
// render than it helps, and the server filters as the user types.
const MaxCompletions = 100

// Complete suggests what fits at off: notes after "[[", headings after
// "[[note#" (every note's after "[[##"), blocks after "#^" (every note's
// after "[[^^"), paths after "](", tags after "#"; in
// frontmatter, keys, and values of tags, aliases and keys with few values.
func Complete(ctx context.Context, snap *workspace.Snapshot, f *workspace.File, off int) CompletionList {
	return new(Completer).Complete(ctx, snap, f, off)
}

// Complete is the package's Complete, reusing what the completer kept.
func (c *Completer) Complete(ctx context.Context, snap *workspace.Snapshot, f *workspace.File, off int) CompletionList {
	text, err := snap.Text(f)
	if err != nil {
		return CompletionList{}
	}
	off = min(max(off, 0), len(text))
	lineStart := strings.LastIndexAny(text[:off], "\n\r") + 1
	line := text[lineStart:off]
	if fm := f.Note.Frontmatter; fm.Present && off >= fm.Span.Start && off < fm.Span.End {
		return completeFrontmatter(snap, f, text, off, lineStart)
	}
	if open := strings.LastIndex(line, "[["); open >= 0 && !strings.Contains(line[open:], "]]") {
		return c.completeWiki(ctx, snap, f, text, lineStart+open+2, off)
	}
	if open := strings.LastIndex(line, "]("); open >= 0 && !strings.ContainsAny(line[open+2:], ") ") {
		return completeMarkdown(snap, f, text, lineStart+open+2, off)
	}
	if start, ok := tagStart(line); ok {
		return completeTags(snap, lineStart+start, off, text[lineStart+start+1:off])
	}
	return CompletionList{}
}

// tagStart finds a '#' opening a tag being typed at the end of line.
func tagStart(line string) (int, bool) {
	i := len(line)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(line[:i])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || r == '/') {
			break
		}
		i -= size
	}
	if i == 0 || line[i-1] != '#' {
		return 0, false
	}
	hash := i - 1
	if hash > 0 {
		prev, _ := utf8.DecodeLastRuneInString(line[:hash])
		if !unicode.IsSpace(prev) && prev != '(' {
			return 0, false
		}
	} else if i == len(line) {
		// A lone '#' at the start of a line is a heading being written.
		return 0, false
	}
	return hash, true
}

// targetEnd extends the replaced span over the rest of a target already
// written after the cursor (editing inside "[[Feed|Loop]]").
func targetEnd(text string, off int, stops string) int {
	end := off
	for end < len(text) && !strings.ContainsRune(stops, rune(text[end])) {
		end++
	}
	if end < len(text) && text[end] != '\n' && text[end] != '\r' {
		return end
	}
	return off
}

func (c *Completer) completeWiki(ctx context.Context, snap *workspace.Snapshot, f *workspace.File, text string, start, off int) CompletionList {
	typed := text[start:off]
	if strings.ContainsRune(typed, '|') {
		return CompletionList{} // a label is prose
	}
	suffix := wikiCloser(text[targetEnd(text, off, "]|#\n\r"):])
	if strings.HasPrefix(typed, "##") {
		span := workspace.Span{Start: start, End: targetEnd(text, off, "]|\n\r")}
		return completeAnyHeading(snap, f, span, typed, suffix)
	}
	if strings.HasPrefix(typed, "^^") {
		span := workspace.Span{Start: start, End: targetEnd(text, off, "]|\n\r")}
		return c.completeAnyBlock(ctx, snap, f, off, span, typed, suffix)
	}
	if h := strings.IndexByte(typed, '#'); h >= 0 {
		fragStart := start + h + 1
		span := workspace.Span{Start: fragStart, End: targetEnd(text, off, "]|\n\r")}
		l := workspace.Link{Kind: workspace.LinkWiki, Wiki: true, Target: strings.TrimSpace(typed[:h]), Def: -1}
		var target *workspace.File
		if l.Target == "" {
			target = f
		} else if r := snap.ResolveLink(f, &l); r.Target != nil {
			target = r.Target
		}
		if target == nil || target.Note == nil {
			return CompletionList{}
		}
		frag := text[fragStart:off]
		if strings.HasPrefix(frag, "^") {
			return completeBlocks(snap, f, off, target, span, frag[1:], suffix)
		}
		return completeHeadings(target, span, frag, true, suffix)
	}
	span := workspace.Span{Start: start, End: targetEnd(text, off, "]|#\n\r")}
	return completeNotes(snap, f, span, strings.TrimSpace(typed), suffix)
}

// wikiCloser is what must follow an inserted target to close the wikilink,
// given the text after it: editors that auto-close brackets leave "]" or "]]".
func wikiCloser(after string) string {
	switch {
	case strings.HasPrefix(after, "]]"), strings.HasPrefix(after, "|"):
		return ""
	case strings.HasPrefix(after, "]"):
		return "]"
	}
	return "]]"
}

// match scores how well a query fits a candidate (both folded): 0 is no
// match; prefix beats word start beats substring beats subsequence.
func match(cand, query string) int { return matchAbove(cand, query, 0) }

// matchAbove is match when only a score above floor can matter: a
// subsequence (score 1) is not looked for when floor is 1 or more, which
// saves a scan of every name once a hundred names contain the query.
func matchAbove(cand, query string, floor int) int {
	if query == "" {
		return 1
	}
	if i := strings.Index(cand, query); i >= 0 {
		return scoreAt(cand, i)
	}
	if floor >= 1 {
		return 0
	}
	if isSubsequence(cand, query) {
		return 1
	}
	return 0
}

// isSubsequence says whether query's bytes are in cand in order: "fdbk" in
// "feedback" (a vectorised search per letter).
func isSubsequence(cand, query string) bool {
	for j := 0; j < len(query); j++ {
		k := strings.IndexByte(cand, query[j])
		if k < 0 {
			return false
		}
		cand = cand[k+1:]
	}
	return true
}

// scoreAt scores a query found at i in cand: a prefix, a word start, or
// inside a word.
func scoreAt(cand string, i int) int {
	switch {
	case i == 0:
		return 4
	case !isWordRune(cand[i-1]):
		return 3
	}
	return 2
}

func isWordRune(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

type scored struct {
	item  CompletionItem
	score int
}

func completeNotes(snap *workspace.Snapshot, f *workspace.File, span workspace.Span, typed string, suffix string) CompletionList {
	query := workspace.Fold(typed)
	var best []candidate
	var dropped bool
	if query == "" {
		// Nothing typed: every file matches alike and the order is by title,
		// which the index keeps; the first hundred are the answer, in order.
		for _, g := range snap.FilesByTitle() {
			if g == f {
				continue
			}
			if len(best) == MaxCompletions {
				dropped = true // one more than fits: the list is incomplete
				break
			}
			best = append(best, candidate{score: 2 + boolInt(g.IsNote()), label: g.Label(), file: g})
		}
	} else {
		best, dropped = rankNames(snap, f, query, 0).best()
	}
	list := CompletionList{Incomplete: dropped, Items: make([]CompletionItem, len(best))}
	for i, c := range best {
		item := CompletionItem{Label: c.label, Span: span, SortText: sortKey(i)}
		switch {
		case c.file == nil:
			item.Kind = CompleteMissing
			item.Detail = "new note, linked from " + strconv.Itoa(c.count) + " " + plural(c.count, "place", "places")
			item.NewText = c.name + suffix
			item.FilterText = typedFilter(typed, c.name)
		case c.alias != "":
			item.Path = c.file.Path
			item.Kind = CompleteAlias
			item.Detail = "alias of " + c.file.Path
			item.Documentation = c.file.Note.Description
			item.NewText = WikiName(snap, f, c.file) + "|" + c.alias + suffix
			item.FilterText = typedFilter(typed, c.alias)
		case c.file.IsNote():
			item.Path = c.file.Path
			item.Kind = CompleteNote
			item.Detail = c.file.Path
			item.Documentation = c.file.Note.Description
			item.NewText = WikiName(snap, f, c.file) + suffix
			item.FilterText = typedFilterPair(typed, c.label, c.file.Stem())
		default:
			item.Kind = CompleteFile
			item.Detail = c.file.Path
			item.NewText = WikiName(snap, f, c.file) + suffix
			item.FilterText = typedFilter(typed, c.file.Path)
		}
		list.Items[i] = item
	}
	return list
}

// share maps a bound of the parts of [0, n) onto [0, size): the parts' shares
// of a list of size are as contiguous, and as even, as the parts themselves.
func share(bound, n, size int) int { return bound * size / n }

// rankFile ranks a file by its path and title, under label. A name lacking
// a byte of the query cannot match it: most are ruled out so, without a
// search. Once the kept hundred all contain the query (score 4 and up), a
// subsequence match (at most 3) cannot get in, and is not looked for.
func (top *topK) rankFile(e *workspace.NameEntry, query string, qmask uint64, label string, key uint64) {
	if e.Mask&qmask != qmask {
		return
	}
	floor := 0
	if len(top.heap) == top.k && top.heap[0].score >= 4 {
		floor = 1
	}
	s := max(matchAbove(e.Stem, query, floor), matchAbove(e.Title, query, floor))
	top.unsure = top.unsure || s == 0 && floor > 0
	if score := s*2 + boolInt(e.IsNote); s > 0 && top.admitsLabeled(score, label, key) {
		top.add(candidate{score: score, label: label, key: key, file: e.File})
	}
}

// linkableAliases are a note's aliases that can name it in a link, in the
// order of workspace.NameEntry.Aliases.
func linkableAliases(n *workspace.Note) []string {
	var out []string
	for _, a := range n.Frontmatter.Aliases {
		if !strings.HasPrefix(a, "#") {
			out = append(out, a)
		}
	}
	return out
}

// linkableAlias is linkableAliases(n)[i], found without making the list.
func linkableAlias(n *workspace.Note, i int) string {
	for _, a := range n.Frontmatter.Aliases {
		if !strings.HasPrefix(a, "#") {
			if i == 0 {
				return a
			}
			i--
		}
	}
	return ""
}

// typedFilter makes the editor's own fuzzy filter agree with ours: it filters
// on the text of the replaced span, so the filter text starts with what was typed.
func typedFilter(typed, text string) string {
	if typed == "" {
		return text
	}
	return typed + " " + text
}

// typedThen is an item's filter text for a search whose query (folded) is
// at i in folded, the fold of text: what was typed, then the text after the
// query, as the text has it when folding kept its length (else folded). An
// editor filters a complete list again by it as more is typed, so the items
// that go on as typed stay first, in our order (with what was typed and then
// the whole text, VS Code ranked them by where their text held the letters
// typed since); and what was typed is there as typed, for editors that match
// case when the user types capitals.
func typedThen(typed, text, folded string, i, query int) string {
	if len(folded) == len(text) {
		return typed + text[i+query:]
	}
	return typed + folded[i+query:]
}

// typedFilterPair is typedFilter(typed, a+" "+b), made in one allocation.
func typedFilterPair(typed, a, b string) string {
	if typed == "" {
		return a + " " + b
	}
	return typed + " " + a + " " + b
}

func completeHeadings(target *workspace.File, span workspace.Span, typed string, wiki bool, suffix string) CompletionList {
	query := workspace.Fold(typed)
	var hits []scored
	for i, h := range target.Note.Headings() {
		s := max(match(workspace.Fold(h.Text), query), match(h.Slug, query))
		if s == 0 {
			continue
		}
		insert := h.Text
		if !wiki {
			insert = h.Slug
		}
		hits = append(hits, scored{item: CompletionItem{Label: h.Text, Detail: strings.Repeat("#", h.Level) + " in " + target.Path,
			Kind: CompleteHeading, Span: span, NewText: insert + suffix, FilterText: typedFilter(typed, h.Text+" "+h.Slug),
			SortText: sortKey(i)}, score: 1})
	}
	return finish(hits)
}

func docOf(text string, err error, p workspace.BlockSpan, b *workspace.Block) string {
	if err != nil {
		return ""
	}
	return truncate(blockBody(text, p, b), maxSection)
}

func completeTags(snap *workspace.Snapshot, hash, off int, typed string) CompletionList {
	query := workspace.Fold(typed)
	var hits []scored
	span := workspace.Span{Start: hash + 1, End: off}
	for _, t := range snap.Tags() {
		if s := match(workspace.Fold(t.Name), query); s > 0 {
			hits = append(hits, scored{item: CompletionItem{Label: t.Name, Detail: strconv.Itoa(t.Notes) + " " + plural(t.Notes, "note", "notes"),
				Kind: CompleteTag, Span: span, NewText: t.Name, FilterText: t.Name}, score: s*100000 + min(t.Notes, 99999)})
		}
	}
	return finish(hits)
}

// completeFrontmatter offers keys at the start of a line, tags in a tags:
// field, the note's own names in an aliases: field, and the values the
// vault uses after another key.
func completeFrontmatter(snap *workspace.Snapshot, f *workspace.File, text string, off, lineStart int) CompletionList {
	line := text[lineStart:off]
	if lineStart <= f.Note.Frontmatter.Span.Start || strings.HasPrefix(text[lineStart:], "---") {
		return CompletionList{} // the delimiters' lines (after a BOM, the first line starts before the span)
	}
	if startsKey(line) && !strings.ContainsRune(line, ':') {
		return completeKeys(snap, f, text, off, lineStart)
	}
	key := frontmatterKeyAt(text, f.Note.Frontmatter.Span.Start, lineStart)
	valStart := lineStart + strings.LastIndexAny(line, ":-[,") + 1
	for valStart < off && (text[valStart] == ' ' || text[valStart] == '"' || text[valStart] == '\'') {
		valStart++
	}
	typed := text[valStart:off]
	switch key {
	case "tags", "tag":
		return completeTags(snap, valStart-1, off, strings.TrimPrefix(typed, "#"))
	case "aliases", "alias":
		return completeAliases(snap, f, workspace.Span{Start: valStart, End: off}, typed)
	}
	// A value on the key's own line, the colon before a space or the cursor.
	if k, colon, ok := lineKey(line); ok {
		v := lineStart + colon + 1
		for v < off && text[v] == ' ' {
			v++
		}
		if v < off && (text[v] == '"' || text[v] == '\'') {
			v++
		}
		return completeValues(snap, f, text, off, v, k)
	}
	return CompletionList{}
}

// completeAliases offers, as aliases of f, the words other notes already use
// for their links to it ([[f|these words]], [these words](f.md)) that f does
// not answer to yet.
func completeAliases(snap *workspace.Snapshot, f *workspace.File, span workspace.Span, typed string) CompletionList {
	have := map[string]bool{workspace.Fold(f.Note.Title): true, f.FoldedStem(): true}
	for _, a := range f.Note.Frontmatter.Aliases {
		have[workspace.Fold(a)] = true
	}
	uses := map[string]int{}
	var labels []string
	for _, ref := range snap.Backlinks(f) {
		label := strings.TrimSpace(ref.Link().Label)
		k := workspace.Fold(label)
		if label == "" || have[k] || ref.Link().Kind == workspace.LinkEmbed {
			continue
		}
		if uses[k] == 0 {
			labels = append(labels, label)
		}
		uses[k]++
	}
	query := workspace.Fold(typed)
	var hits []scored
	for _, l := range labels {
		k := workspace.Fold(l)
		if s := match(k, query); s > 0 {
			n := uses[k]
			hits = append(hits, scored{item: CompletionItem{Label: l, Detail: "link text in " + strconv.Itoa(n) + " " + plural(n, "link", "links"),
				Kind: CompleteAlias, Span: span, NewText: l, FilterText: l}, score: s*100000 + min(n, 99999)})
		}
	}
	return finish(hits)
}

// frontmatterKeyAt is the top-level key whose value holds lineStart.
func frontmatterKeyAt(text string, fmStart, lineStart int) string {
	for ls := lineStart; ls > fmStart; {
		le := strings.IndexAny(text[ls:], "\r\n")
		if le < 0 {
			le = len(text) - ls
		}
		l := text[ls : ls+le]
		if len(l) > 0 && l[0] != ' ' && l[0] != '-' && l[0] != '\t' {
			if c := strings.IndexByte(l, ':'); c > 0 {
				return strings.ToLower(strings.TrimSpace(l[:c]))
			}
			return ""
		}
		prev := strings.LastIndexAny(text[:max(ls-1, 0)], "\n\r")
		ls = prev + 1
		if prev < 0 {
			break
		}
	}
	return ""
}

// finish sorts and cuts a short list (headings, blocks, tags).
func finish(hits []scored) CompletionList {
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].item.Label < hits[j].item.Label
	})
	list := CompletionList{}
	if len(hits) > MaxCompletions {
		hits = hits[:MaxCompletions]
		list.Incomplete = true
	}
	list.Items = make([]CompletionItem, len(hits))
	for i, h := range hits {
		list.Items[i] = h.item
		if list.Items[i].SortText == "" {
			list.Items[i].SortText = sortKey(i)
		}
	}
	return list
}

// sortKey orders items by their index: i in five digits. The first
// MaxCompletions come from a table, one per item of every list.
func sortKey(i int) string {
	if i < MaxCompletions {
		return sortKeys[i*5 : i*5+5]
	}
	return paddedIndex(i)
}

func paddedIndex(i int) string {
	s := strconv.Itoa(i)
	return strings.Repeat("0", 5-min(len(s), 5)) + s
}

// sortKeys holds paddedIndex(i) for each i below MaxCompletions, end to end.
var sortKeys = func() string {
	var b strings.Builder
	for i := range MaxCompletions {
		b.WriteString(paddedIndex(i))
	}
	return b.String()
}()

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
