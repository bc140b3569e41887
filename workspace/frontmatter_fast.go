package workspace

import (
	"strings"
	"unicode/utf8"
)

// A hand-written reader for the headers almost every note has: top-level
// `key: value` lines whose values are plain or quoted one-line scalars, flow
// lists of such scalars on one line, or block lists of them; comments and
// blank lines. yaml.v3 costs ~200 allocations for a ten-line header; this
// reads the same header with a handful, and slices values from the note.
//
// It must give exactly what readYAMLHeader gives, so it answers only when it
// is certain of what yaml.v3 would do, and reports false on anything else:
// anchors, aliases, tags, block scalars, multi-line scalars, nested mappings,
// flow mappings, tabs, non-ASCII keys, \x/\u escapes, control characters,
// YAML line breaks other than \n and \r\n. yaml.v3 then decides.

// headerField is a key readField acts on; every other key is read only to
// be sure it is valid YAML.
type headerField uint8

const (
	fieldOther headerField = iota
	fieldTitle
	fieldDescription
	fieldAliases
	fieldTags
	fieldPublish
)

// fieldOf matches like readField's strings.ToLower: the keys here are ASCII.
func fieldOf(key string) headerField {
	switch len(key) {
	case 3:
		if strings.EqualFold(key, "tag") {
			return fieldTags
		}
	case 4:
		if strings.EqualFold(key, "tags") {
			return fieldTags
		}
	case 5:
		switch {
		case strings.EqualFold(key, "title"):
			return fieldTitle
		case strings.EqualFold(key, "alias"):
			return fieldAliases
		}
	case 7:
		switch {
		case strings.EqualFold(key, "aliases"):
			return fieldAliases
		case strings.EqualFold(key, "publish"):
			return fieldPublish
		}
	case 11:
		if strings.EqualFold(key, "description") {
			return fieldDescription
		}
	}
	return fieldOther
}

// scalarTag is what yaml.v3 tags a scalar, as far as readField cares.
type scalarTag uint8

const (
	tagOther scalarTag = iota // quoted (!!str), or a plain !!str, !!int, !!float, ...
	tagNull
	tagBool
)

// headerScalar is a scalar node as readField sees it.
type headerScalar struct {
	value string
	span  Span // as lineTable.nodeSpan gives it
	tag   scalarTag
}

// plainTag resolves a plain scalar like yaml.v3's resolve, for the tags that
// matter: YAML 1.2 null and bool spellings only (v3 reads "yes" as a string).
func plainTag(s string) scalarTag {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return tagNull
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return tagBool
	}
	return tagOther
}

// simpleReader walks the header lines of one note.
type simpleReader struct {
	text     string
	pos, end int // the next line; the end of the YAML
	fm       Frontmatter
}

// readSimpleHeader reads text[from:to], the YAML between the delimiters
// (every line ends in '\n'), if it has only the shapes this file knows.
func readSimpleHeader(text string, from, to int) (Frontmatter, bool) {
	if !simpleBytes(text[from:to]) {
		return Frontmatter{}, false
	}
	r := simpleReader{text: text, pos: from, end: to}
	// Most headers' fields fit here: no allocation but the string's. (A
	// local, not the reader's: stored through a pointer it would escape.)
	var buf [256]byte
	fields := buf[:0]
	for r.pos < r.end {
		start, line := r.line()
		switch {
		case ignorable(line):
			r.advance()
		case line[0] == ' ':
			return Frontmatter{}, false // an indented line no key owns: a continuation, a nested mapping
		default:
			key, value, ok := r.field(start, line)
			if !ok {
				return Frontmatter{}, false
			}
			fields = appendField(fields, key, value)
		}
	}
	r.fm.fields = string(fields)
	return r.fm, true
}

// simpleBytes rejects what yaml.v3 reads otherwise than a line scanner would:
// tabs (indentation rules), control characters (errors), a lone '\r', NEL,
// LS and PS (line breaks), the BOM, invalid UTF-8 and non-characters.
func simpleBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f, c == '\n':
		case c == '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				return false
			}
		case c < 0x80:
			return false
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r < 0xa0 || r == 0x2028 || r == 0x2029 || r == 0xfeff || r == 0xfffe || r == 0xffff ||
				r == utf8.RuneError && size == 1 {
				return false
			}
			i += size - 1
		}
	}
	return true
}

// line returns the current line without its line break, and its offset.
func (r *simpleReader) line() (int, string) {
	end := r.end
	if i := strings.IndexByte(r.text[r.pos:r.end], '\n'); i >= 0 {
		end = r.pos + i
	}
	line := r.text[r.pos:end]
	return r.pos, strings.TrimSuffix(line, "\r")
}

func (r *simpleReader) advance() {
	if i := strings.IndexByte(r.text[r.pos:r.end], '\n'); i >= 0 {
		r.pos += i + 1
	} else {
		r.pos = r.end
	}
}

// ignorable is a blank or comment-only line.
func ignorable(line string) bool {
	rest := strings.TrimLeft(line, " ")
	return rest == "" || rest[0] == '#'
}

// field reads a `key: value` line at column 0, and the block list under it.
// It returns the key and its scalar value ("" for a list or null), for
// appendField.
func (r *simpleReader) field(start int, line string) (key, value string, ok bool) {
	colon := keyEnd(line)
	if colon < 0 {
		return "", "", false
	}
	key = line[:colon]
	f := fieldOf(key)
	v := colon + 1
	for v < len(line) && line[v] == ' ' {
		v++
	}
	r.advance()
	if v == len(line) || line[v] == '#' {
		return key, "", r.blockList(f)
	}
	if line[v] == '[' {
		return key, "", r.flowList(f, start+v, line[v:])
	}
	s, ok := blockScalar(start+v, line[v:])
	if ok {
		r.fm.scalar(f, s)
	}
	return key, scalarValue(s), ok
}

// keyEnd is the offset of the ':' that ends a plain ASCII key starting the
// line, or -1. YAML has no key in "key:value"; a key ending in spaces, or
// longer than yaml.v3's 1024-character simple-key limit, is left to yaml.v3.
func keyEnd(line string) int {
	if line == "" || !keyStart(line[0]) {
		return -1
	}
	for i := 1; i < len(line) && i < 256; i++ {
		c := line[i]
		switch {
		case c == ':':
			if line[i-1] == ' ' || i+1 < len(line) && line[i+1] != ' ' {
				return -1
			}
			return i
		case !keyByte(c):
			return -1
		}
	}
	return -1
}

func keyStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func keyByte(c byte) bool {
	return keyStart(c) || c == '-' || c == '.' || c == '/' || c == ' '
}

// blockScalar reads the scalar that fills the rest of a line in block
// context, with nothing but a comment after it.
func blockScalar(off int, s string) (headerScalar, bool) {
	if s[0] == '"' || s[0] == '\'' {
		v, n, ok := quotedScalar(off, s)
		return v, ok && endsLine(s[n:])
	}
	v, ok := plainBlockScalar(s)
	return headerScalar{value: v, span: Span{off, off + len(v)}, tag: plainTag(v)}, ok
}

// plainBlockScalar is a one-line plain scalar: up to a " #" comment, without
// trailing spaces. Its first byte must not be an indicator, and a ':' before
// a space or the end would make it a key.
func plainBlockScalar(s string) (string, bool) {
	if strings.IndexByte("?:,[]{}#&*!|>'\"%@`", s[0]) >= 0 || s[0] == '-' && (len(s) == 1 || s[1] == ' ') {
		return "", false
	}
	if i := strings.Index(s, " #"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, " ")
	for i := strings.IndexByte(s, ':'); i >= 0; {
		if i+1 == len(s) || s[i+1] == ' ' {
			return "", false
		}
		next := strings.IndexByte(s[i+1:], ':')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return s, true
}

// endsLine reports whether only spaces and a comment follow a value.
func endsLine(s string) bool {
	s = strings.TrimLeft(s, " ")
	return s == "" || s[0] == '#'
}

// quotedScalar reads a quoted scalar closed on its line; n is the length
// read. Escapes other than the one-character ones are left to yaml.v3.
func quotedScalar(off int, s string) (v headerScalar, n int, ok bool) {
	var value string
	if s[0] == '"' {
		value, n, ok = doubleQuoted(s)
	} else {
		value, n, ok = singleQuoted(s)
	}
	return headerScalar{value: value, span: Span{off, off + quotedLen(s)}, tag: tagOther}, n, ok
}

// quotedLen is the span length nodeSpan gives a quoted scalar at s[0].
func quotedLen(s string) int { return min(quotedEnd(s, 0), len(s)) }

func doubleQuoted(s string) (string, int, bool) {
	plain := true
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '"':
			if plain {
				return s[1:i], i + 1, true
			}
			return unescapeDouble(s[1:i]), i + 1, true
		case '\\':
			if i+1 == len(s) {
				return "", 0, false
			}
			if _, ok := escape(s[i+1]); !ok {
				return "", 0, false
			}
			plain = false
			i++
		}
	}
	return "", 0, false
}

// escape decodes yaml.v3's one-character escapes in double quotes ("\/" is
// not one of them: yaml.v3 rejects it).
func escape(c byte) (string, bool) {
	switch c {
	case '0':
		return "\x00", true
	case 'a':
		return "\a", true
	case 'b':
		return "\b", true
	case 't':
		return "\t", true
	case 'n':
		return "\n", true
	case 'v':
		return "\v", true
	case 'f':
		return "\f", true
	case 'r':
		return "\r", true
	case 'e':
		return "\x1b", true
	case ' ', '"', '\'', '\\':
		return string(rune(c)), true
	case 'N':
		return "\u0085", true
	case '_':
		return "\u00a0", true
	case 'L':
		return "\u2028", true
	case 'P':
		return "\u2029", true
	}
	return "", false
}

// unescapeDouble decodes s, which doubleQuoted has checked.
func unescapeDouble(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			e, _ := escape(s[i])
			b.WriteString(e)
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func singleQuoted(s string) (string, int, bool) {
	doubled := false
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			doubled = true
			i++
			continue
		}
		if doubled {
			return strings.ReplaceAll(s[1:i], "''", "'"), i + 1, true
		}
		return s[1:i], i + 1, true
	}
	return "", 0, false
}

// flowList reads a [a, "b c"] list that closes on its line.
func (r *simpleReader) flowList(f headerField, off int, s string) bool {
	r.fm.listStart(f, Span{off, off + len(s)})
	i := skipSpaces(s, 1)
	if i < len(s) && s[i] == ']' {
		return endsLine(s[i+1:])
	}
	for i < len(s) {
		item, n, ok := flowItem(off+i, s[i:])
		if !ok {
			return false
		}
		r.fm.listItem(f, item)
		i = skipSpaces(s, i+n)
		if i == len(s) {
			return false
		}
		switch s[i] {
		case ']':
			return endsLine(s[i+1:])
		case ',':
			i = skipSpaces(s, i+1)
		default:
			return false
		}
	}
	return false
}

// flowItem reads one scalar of a flow list; a plain one ends before a ','
// or ']' and has none of the bytes that would mean more than a scalar.
func flowItem(off int, s string) (headerScalar, int, bool) {
	if s[0] == '"' || s[0] == '\'' {
		return quotedScalar(off, s)
	}
	if strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", s[0]) >= 0 {
		return headerScalar{}, 0, false
	}
	n := strings.IndexAny(s, ",]")
	if n < 0 || strings.ContainsAny(s[:n], "[{}#:?") {
		return headerScalar{}, 0, false
	}
	v := strings.TrimRight(s[:n], " ")
	return headerScalar{value: v, span: Span{off, off + len(v)}, tag: plainTag(v)}, n, true
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// blockList reads the lines after a `key:` with no value: "- item" lines at
// one indentation (column 0 included), comments and blank lines. With no
// item the value is null.
func (r *simpleReader) blockList(f headerField) bool {
	indent := -1
	for r.pos < r.end {
		start, line := r.line()
		if ignorable(line) {
			r.advance()
			continue
		}
		n := skipSpaces(line, 0)
		if n != indent && indent >= 0 || !isItem(line[n:]) {
			if n > 0 {
				return false // a nested mapping, a continuation, a ragged list
			}
			break // the next key
		}
		if indent < 0 {
			indent = n
			r.fm.listStart(f, Span{start + n, start + len(line)})
		}
		item, ok := blockItem(start+n+1, line[n+1:])
		if !ok {
			return false
		}
		if item.tag != tagNull {
			r.fm.listItem(f, item)
		}
		r.advance()
	}
	if indent < 0 {
		r.fm.scalar(f, headerScalar{tag: tagNull})
	}
	return true
}

// isItem reports whether s, an unindented line, is a block list item.
func isItem(s string) bool {
	return s == "-" || strings.HasPrefix(s, "- ")
}

// blockItem reads what follows an item's '-': nothing or a comment (null),
// or a scalar; never a nested list or mapping.
func blockItem(off int, s string) (headerScalar, bool) {
	i := skipSpaces(s, 0)
	if i == len(s) || s[i] == '#' {
		return headerScalar{tag: tagNull}, true
	}
	if s[i] == '[' {
		return headerScalar{}, false
	}
	return blockScalar(off+i, s[i:])
}

// scalar records a field whose value is a scalar, as readField does.
func (fm *Frontmatter) scalar(f headerField, v headerScalar) {
	switch f {
	case fieldTitle:
		fm.Title = scalarValue(v)
	case fieldDescription:
		fm.Description = scalarValue(v)
	case fieldAliases, fieldTags:
		if v.tag == tagNull {
			return
		}
		for rest := v.value; rest != ""; {
			var part string
			part, rest, _ = strings.Cut(rest, ",")
			if p := strings.TrimSpace(part); p != "" {
				fm.listItem(f, headerScalar{value: p, span: v.span})
			}
		}
	case fieldPublish:
		var b bool
		switch v.tag {
		case tagNull:
			return
		case tagBool:
			b = v.value[0] == 't' || v.value[0] == 'T'
		default:
			b = truthy(v.value)
			fm.Problems = append(fm.Problems, publishStringProblem(v.value, b, v.span))
		}
		fm.Publish = &b
	}
}

func scalarValue(v headerScalar) string {
	if v.tag == tagNull {
		return ""
	}
	return v.value
}

// listStart records what a list value means before its items: span is its
// first line, from the '[' or the first '-'.
func (fm *Frontmatter) listStart(f headerField, span Span) {
	switch f {
	case fieldTitle:
		fm.Title = ""
	case fieldDescription:
		fm.Description = ""
	case fieldPublish:
		fm.Problems = append(fm.Problems, publishShapeProblem(span))
	}
}

// listItem records one non-null item of a list of tags or aliases (or one
// comma-separated part of a scalar).
func (fm *Frontmatter) listItem(f headerField, v headerScalar) {
	if v.tag == tagNull {
		return
	}
	value := strings.TrimSpace(v.value)
	switch f {
	case fieldAliases:
		if value == "" {
			return
		}
		fm.Aliases = append(fm.Aliases, value)
		if strings.HasPrefix(value, "#") {
			fm.Problems = append(fm.Problems, aliasHashProblem(value, v.span))
		}
	case fieldTags:
		name := strings.TrimPrefix(value, "#")
		if name == "" {
			return
		}
		fm.Tags = append(fm.Tags, Tag{Name: name, Span: v.span, InFrontmatter: true})
	}
}
