package analysis

import (
	"slices"
	"strconv"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// Completion of frontmatter keys, and of the values of keys whose values a
// vault picks from a few (status: seedling|budding|evergreen), from what
// the vault's notes use: the index counts both (Snapshot.Fields,
// Snapshot.FieldValues), so nothing here walks the notes.

// builtinKeys are the keys rhizome reads, offered even in an empty vault,
// in this order when no note uses them.
var builtinKeys = []struct{ key, what string }{
	{"title", "the note's title, for links and completion"},
	{"description", "the summary hover shows"},
	{"tags", "the note's tags"},
	{"aliases", "other names to link the note by"},
	{"publish", "true to publish the note"},
}

// completeKeys offers, on a line where a top-level key is being typed (no
// colon yet), the keys the vault uses that the note does not have yet,
// most used first.
func completeKeys(snap *workspace.Snapshot, f *workspace.File, text string, off, lineStart int) CompletionList {
	typed := text[lineStart:off]
	lineEnd := lineEndAt(text, off)
	rest := text[off:lineEnd]
	// Editing a key that already has its colon: the key alone is replaced.
	suffix := ": "
	end := lineEnd
	if c := strings.IndexByte(rest, ':'); c >= 0 {
		suffix, end = "", off+c
	}
	end = off + len(strings.TrimRight(text[off:end], " \t"))
	span := workspace.Span{Start: lineStart, End: end}
	have := presentKeys(text, f.Note.Frontmatter.Span, lineStart)
	// The note's own keys are in the counts; the one on this line (a key
	// renamed in place) is not another note's use.
	own := map[string]bool{}
	for k := range f.Note.Frontmatter.Fields() {
		own[k] = true
	}
	query := workspace.Fold(typed)
	var hits []scored
	offer := func(key string, notes int, what string) {
		if have[strings.ToLower(key)] {
			return
		}
		if own[key] {
			if notes--; notes == 0 && what == "" {
				return
			}
		}
		s := match(workspace.Fold(key), query)
		if s == 0 {
			return
		}
		detail := what
		if notes > 0 {
			detail = "in " + grouped(notes) + " " + plural(notes, "note", "notes")
			if what != "" {
				detail += " · " + what
			}
		}
		hits = append(hits, scored{item: CompletionItem{Label: key, Detail: detail, Kind: CompleteKey,
			Span: span, NewText: key + suffix, FilterText: key}, score: s*100000 + min(notes, 99999)})
	}
	seen := map[string]bool{}
	for _, fc := range snap.Fields() {
		what := builtinWhat(fc.Key)
		if what != "" {
			seen[fc.Key] = true
		}
		offer(fc.Key, fc.Notes, what)
	}
	for _, b := range builtinKeys {
		if !seen[b.key] {
			offer(b.key, 0, b.what)
		}
	}
	return finish(hits)
}

func builtinWhat(key string) string {
	for _, b := range builtinKeys {
		if b.key == key {
			return b.what
		}
	}
	return ""
}

// completeValues offers, after "key: ", the values the vault gives key,
// most used first: true and false for publish always; for another key,
// only when its values are picked from a few (isPickList).
func completeValues(snap *workspace.Snapshot, f *workspace.File, text string, off, valStart int, key string) CompletionList {
	typed := text[valStart:off]
	if strings.ContainsAny(typed, "[]{},#") || strings.HasPrefix(typed, "|") || strings.HasPrefix(typed, ">") {
		return CompletionList{} // a flow list, a comment, a block scalar
	}
	var quote byte
	if valStart > 0 && (text[valStart-1] == '"' || text[valStart-1] == '\'') {
		quote = text[valStart-1]
	}
	lead := ""
	if valStart > 0 && text[valStart-1] == ':' {
		lead = " " // right after the colon: YAML wants a space
	}
	end, closed := valueEnd(text, off, lineEndAt(text, off), quote)
	span := workspace.Span{Start: valStart, End: end}

	values, ok := snap.FieldValues(key)
	values = withoutOwn(values, f, key)
	if !ok || !isPickList(values) {
		values = nil
	}
	if strings.EqualFold(key, "publish") {
		values = withBooleans(values)
	}
	query := workspace.Fold(typed)
	var hits []scored
	for _, v := range values {
		s := match(workspace.Fold(v.Value), query)
		if s == 0 {
			continue
		}
		detail := "in " + grouped(v.Notes) + " " + plural(v.Notes, "note", "notes")
		if v.Notes == 0 {
			detail = "a boolean"
		}
		hits = append(hits, scored{item: CompletionItem{Label: v.Value, Detail: detail, Kind: CompleteValue, Span: span,
			NewText: lead + yamlScalar(v.Value, quote, closed), FilterText: v.Value}, score: s*100000 + min(v.Notes, 99999)})
	}
	return finish(hits)
}

// fewValues is how many distinct values a key may have and be offered
// whatever its notes: a small vault's status or type has no repeats yet.
const fewValues = 5

// isPickList says whether a key's values are picked from a few rather than
// written anew for each note. The index drops a key's values past a hundred
// distinct ones (workspace.maxFieldValues), and the parser the values that
// are one note's by nature (titles, descriptions, dates, long text); what
// is left may still be one per note (an id, a name): a key whose values
// are used by fewer than two notes each, on average, is such a key, unless
// it has a handful of values only.
func isPickList(values []workspace.ValueCount) bool {
	if len(values) <= fewValues {
		return true
	}
	uses := 0
	for _, v := range values {
		uses += v.Notes
	}
	return 2*len(values) <= uses
}

// withoutOwn takes the note's own value of key, the one being typed, out
// of the vault's counts.
func withoutOwn(values []workspace.ValueCount, f *workspace.File, key string) []workspace.ValueCount {
	for k, v := range f.Note.Frontmatter.Fields() {
		if k != key || v == "" {
			continue
		}
		for i := range values {
			if values[i].Value == v {
				// (The order is finish's, by count.)
				if values[i].Notes--; values[i].Notes == 0 {
					return slices.Delete(values, i, i+1)
				}
				return values
			}
		}
	}
	return values
}

// withBooleans adds true and false to publish's values, where no note
// gives them.
func withBooleans(values []workspace.ValueCount) []workspace.ValueCount {
	for _, b := range []string{"true", "false"} {
		found := false
		for _, v := range values {
			found = found || v.Value == b
		}
		if !found {
			values = append(values, workspace.ValueCount{Value: b})
		}
	}
	return values
}

// presentKeys are the top-level keys written in the frontmatter at span,
// but on the line at skip, in lower case: read from the text, so that a
// header with broken YAML (the line being typed breaks it) still has them.
func presentKeys(text string, span workspace.Span, skip int) map[string]bool {
	have := map[string]bool{}
	end := min(span.End, len(text))
	for ls := lineEndAt(text, span.Start); ls < end; {
		ls = nextLine(text, ls)
		le := lineEndAt(text, ls)
		if ls >= end || strings.HasPrefix(text[ls:], "---") {
			break
		}
		if ls != skip {
			if k, _, ok := lineKey(text[ls:le]); ok {
				have[strings.ToLower(k)] = true
			}
		}
		ls = le
	}
	return have
}

// lineKey is the key a frontmatter line starts with ("key:" at column 0,
// the colon before a space or the end), and the colon's offset.
func lineKey(line string) (key string, colon int, ok bool) {
	if !startsKey(line) || strings.HasPrefix(line, "\"") || strings.HasPrefix(line, "'") {
		return "", 0, false
	}
	colon = strings.Index(line+" ", ": ")
	if colon <= 0 {
		return "", 0, false
	}
	return strings.TrimRight(line[:colon], " "), colon, true
}

// startsKey says whether a frontmatter line can start a top-level key:
// not indented, not a list item, a comment or a delimiter.
func startsKey(line string) bool {
	return line == "" || !strings.ContainsRune(" \t-#", rune(line[0]))
}

// lineEndAt is the end of the line holding off, before its line break.
func lineEndAt(text string, off int) int {
	if i := strings.IndexAny(text[off:], "\r\n"); i >= 0 {
		return off + i
	}
	return len(text)
}

// nextLine is the start of the line after the line break at le.
func nextLine(text string, le int) int {
	if strings.HasPrefix(text[le:], "\r\n") {
		return le + 2
	}
	return min(le+1, len(text))
}

// valueEnd is where the value at the cursor ends on its line (the rest of
// a value being edited is replaced too): before the closing quote, a
// comment or trailing spaces. closed says a quoted value is closed.
func valueEnd(text string, off, lineEnd int, quote byte) (end int, closed bool) {
	rest := text[off:lineEnd]
	if quote != 0 {
		if i := strings.IndexByte(rest, quote); i >= 0 {
			return off + i, true
		}
		return off + len(strings.TrimRight(rest, " \t")), false
	}
	if i := strings.Index(rest, " #"); i >= 0 {
		rest = rest[:i]
	}
	return off + len(strings.TrimRight(rest, " \t")), false
}

// yamlScalar writes v as a YAML value: inside the quote the user opened
// (closing it when it is not), else plain when YAML reads it back as the
// same string, else double-quoted.
func yamlScalar(v string, quote byte, closed bool) string {
	switch quote {
	case '\'':
		v = strings.ReplaceAll(v, "'", "''")
	case '"':
		v = strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), `"`, `\"`)
	default:
		if plainSafe(v) {
			return v
		}
		return strconv.Quote(v)
	}
	if !closed {
		v += string(quote)
	}
	return v
}

// plainSafe says whether v can be written as a plain scalar: no indicator
// first, no ": " or " #" inside, no space at either end.
func plainSafe(v string) bool {
	if v == "" || strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`", rune(v[0])) {
		return false
	}
	return !strings.Contains(v, ": ") && !strings.Contains(v, " #") && !strings.HasSuffix(v, ":") &&
		strings.TrimSpace(v) == v
}

// grouped writes n with thousands separators: 1,234.
func grouped(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
