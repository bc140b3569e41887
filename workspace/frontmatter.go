package workspace

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/adrg/frontmatter"
	"go.yaml.in/yaml/v3"
)

// rawYAML is an adrg/frontmatter format that only captures the header bytes: it
// never fails, so the body offset is always known, and the bytes are decoded
// with yaml.v3 afterwards for line numbers (adrg decodes with yaml.v2, which
// has none).
var rawYAML = frontmatter.NewFormat("---", "---", func(data []byte, v any) error {
	*(v.(*[]byte)) = data
	return nil
})

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

// parseFrontmatter reads the YAML header at the start of text (after an
// optional BOM, which start says). It returns the frontmatter and the offset
// where the markdown body begins.
func parseFrontmatter(text string, start int) (Frontmatter, int) {
	return readFrontmatter(text, start, true)
}

// headerParts locates a frontmatter block in text: the YAML lines between
// the delimiters, where yaml.v3's line 1 is taken to start, and the body.
type headerParts struct {
	dataStart, dataEnd int
	yamlStart          int
	bodyStart          int
}

// findHeader finds the frontmatter block that starts at text[start:].
func findHeader(text string, start int) (headerParts, bool) {
	rest := text[start:]
	// Obsidian and Quartz only accept '---' on the very first line; adrg would
	// also skip leading blank lines.
	if !strings.HasPrefix(rest, "---") || !isLineEnd(rest, 3) {
		return headerParts{}, false
	}
	cut := headerEnd(rest)
	if cut < 0 {
		return headerParts{}, false // no closing delimiter: not frontmatter
	}
	// adrg/frontmatter was given only rest[:cut]; splitHeader reads as it did.
	dataStart, dataEnd, bodyOff, ok := splitHeader(rest[:cut])
	if !ok {
		return headerParts{}, false
	}
	// The YAML starts on the line after the opening '---'.
	yamlStart := start + 3
	for yamlStart < len(text) && (text[yamlStart] == '\r' || text[yamlStart] == '\n') {
		if text[yamlStart] == '\n' {
			yamlStart++
			break
		}
		yamlStart++
	}
	return headerParts{dataStart: start + dataStart, dataEnd: start + dataEnd,
		yamlStart: yamlStart, bodyStart: start + bodyOff}, true
}

// readFrontmatter is parseFrontmatter; fast says whether the hand-written
// reader may answer before yaml.v3 (tests turn it off to compare the two).
func readFrontmatter(text string, start int, fast bool) (Frontmatter, int) {
	h, ok := findHeader(text, start)
	if !ok {
		return Frontmatter{}, start
	}
	// A first line such as "---\r \n" puts yaml.v3's line 1 before the data;
	// only yaml.v3's numbering can reproduce what that does to spans.
	if fast && h.yamlStart == h.dataStart {
		if fm, ok := readSimpleHeader(text, h.dataStart, h.dataEnd); ok {
			fm.Present = true
			fm.Span = Span{start, h.bodyStart}
			return fm, h.bodyStart
		}
	}
	return readYAMLHeader(text, start, h), h.bodyStart
}

// readYAMLHeader decodes the header with yaml.v3.
func readYAMLHeader(text string, start int, h headerParts) Frontmatter {
	fm := Frontmatter{Present: true, Span: Span{start, h.bodyStart}}
	data := text[h.dataStart:h.dataEnd]
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(data), &doc); err != nil {
		fm.Err = yamlError(text, h.yamlStart, len(data), err)
		return fm
	}
	if len(doc.Content) == 0 {
		return fm // empty header
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		fm.Problems = append(fm.Problems, FieldProblem{Span: Span{start, h.bodyStart},
			Message: "frontmatter is not a mapping of keys to values"})
		return fm
	}
	lines := newLineTable(text[:h.bodyStart], h.yamlStart)
	var fields []byte
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		fm.readField(text, lines, key, val)
		if key.Kind == yaml.ScalarNode {
			fields = appendField(fields, key.Value, scalarString(val))
		}
	}
	fm.fields = string(fields)
	return fm
}

// splitHeader does what adrg/frontmatter does with a header cut at the line
// that headerEnd found, without its buffers and a string per line: the
// opening line and the first line after it that trims to "---" delimit the
// data. Offsets are into s.
func splitHeader(s string) (dataStart, dataEnd, bodyOff int, ok bool) {
	nl := strings.IndexByte(s, '\n')
	if nl < 0 || strings.TrimSpace(s[:nl]) != "---" {
		return 0, 0, 0, false
	}
	for pos := nl + 1; pos < len(s); {
		end := len(s)
		if i := strings.IndexByte(s[pos:], '\n'); i >= 0 {
			end = pos + i + 1
		}
		if strings.TrimSpace(s[pos:end]) == "---" {
			return nl + 1, pos, end, true
		}
		pos = end
	}
	return 0, 0, 0, false
}

// headerEnd is the offset just past the line that closes a frontmatter block
// opened on the first line of s, or -1.
func headerEnd(s string) int {
	for i := strings.IndexByte(s, '\n'); i >= 0 && i < len(s); {
		line := s[i+1:]
		if strings.HasPrefix(line, "---") {
			j := 3
			for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
				j++
			}
			if j == len(line) || line[j] == '\n' || line[j] == '\r' {
				end := i + 1 + j
				if end < len(s) && s[end] == '\r' {
					end++
				}
				if end < len(s) && s[end] == '\n' {
					end++
				}
				return end
			}
		}
		next := strings.IndexByte(line, '\n')
		if next < 0 {
			return -1
		}
		i += 1 + next
	}
	return -1
}

func isLineEnd(s string, i int) bool {
	return i == len(s) || s[i] == '\n' || s[i] == '\r'
}

// yamlParserProblems are the messages of yaml.v3's parser errors (parserc.go).
// yaml.v3 prints their line from a 0-based mark, one less than the line it
// means; its scanner errors count from 1.
var yamlParserProblems = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"did not find expected node content",
	"did not find expected key",
	"did not find expected '-' indicator",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
	"found duplicate %TAG directive",
}

func yamlError(text string, yamlStart, yamlLen int, err error) *FrontmatterError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	for _, p := range yamlParserProblems {
		if strings.HasSuffix(msg, p) {
			line++
			break
		}
	}
	// A mark at the end of the input (an unclosed '[') names the line after
	// the YAML: keep the error on the header's last line.
	yamlText := text[yamlStart:min(yamlStart+yamlLen, len(text))]
	if last := strings.Count(strings.TrimRight(yamlText, "\r\n"), "\n") + 1; line > last {
		line = last
	}
	// Lines in the message count from the first YAML line; report file lines.
	off := yamlStart
	for l := 1; l < line && off < len(text); l++ {
		nl := strings.IndexByte(text[off:], '\n')
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	end := off + strings.IndexByte(text[off:]+"\n", '\n')
	for end > off && text[end-1] == '\r' {
		end--
	}
	fileLine := strings.Count(text[:off], "\n") + 1
	if m := yamlLineRE.FindStringIndex(msg); m != nil {
		msg = msg[:m[0]] + "line " + strconv.Itoa(fileLine) + msg[m[1]:]
	} else {
		msg = "line " + strconv.Itoa(fileLine) + ": " + msg
	}
	return &FrontmatterError{Line: fileLine, Span: Span{off, end}, Message: msg}
}

// lineTable maps yaml.v3 line/column marks (1-based, columns in characters,
// counted from the first YAML line) to byte offsets in the note.
type lineTable struct {
	text   string
	starts []int
}

func newLineTable(text string, from int) lineTable {
	t := lineTable{text: text, starts: []int{from}}
	for i := from; i < len(text); i++ {
		if text[i] == '\n' {
			t.starts = append(t.starts, i+1)
		}
	}
	return t
}

func (t lineTable) offset(line, col int) int {
	if line < 1 || line > len(t.starts) {
		return t.starts[0]
	}
	off := t.starts[line-1]
	for c := 1; c < col && off < len(t.text) && t.text[off] != '\n'; c++ {
		_, size := decodeRune(t.text[off:])
		off += size
	}
	return off
}

// quotedEnd is where the span of the quoted scalar at text[start] ends: just
// past its closing quote on the same line, else at the line's end. A doubled
// quote in single quotes counts as the close; spans have always ended there.
func quotedEnd(text string, start int) int {
	// yaml.v3 also breaks lines at a lone '\r', NEL, LS and PS, which the
	// line table does not: a mark can then land past the header.
	if start >= len(text) {
		return len(text)
	}
	q := text[start]
	end := start + 1
	for end < len(text) && text[end] != '\n' {
		if text[end] == '\\' && q == '"' {
			end += 2
			continue
		}
		if text[end] == q {
			return end + 1
		}
		end++
	}
	return end
}

// nodeSpan is the byte span of a scalar node as written (quotes included).
func (t lineTable) nodeSpan(n *yaml.Node) Span {
	start := t.offset(n.Line, n.Column)
	end := start + len(n.Value)
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		end = quotedEnd(t.text, start)
	case yaml.LiteralStyle, yaml.FoldedStyle:
		end = start + strings.IndexByte(t.text[start:]+"\n", '\n')
	}
	if n.Kind != yaml.ScalarNode {
		// A list or mapping: its first line.
		end = start + strings.IndexByte(t.text[start:]+"\n", '\n')
	}
	for end > start && end <= len(t.text) && t.text[end-1] == '\r' {
		end--
	}
	if end > len(t.text) {
		end = len(t.text)
	}
	return Span{start, end}
}

func (fm *Frontmatter) readField(text string, lines lineTable, key, val *yaml.Node) {
	switch strings.ToLower(key.Value) {
	case "title":
		fm.Title = scalarString(val)
	case "description":
		fm.Description = scalarString(val)
	case "aliases", "alias":
		for _, a := range stringList(val, lines) {
			if a.value == "" {
				continue
			}
			fm.Aliases = append(fm.Aliases, a.value)
			if strings.HasPrefix(a.value, "#") {
				fm.Problems = append(fm.Problems, aliasHashProblem(a.value, a.span))
			}
		}
	case "tags", "tag":
		for _, t := range stringList(val, lines) {
			name := strings.TrimPrefix(t.value, "#")
			if name == "" {
				continue
			}
			fm.Tags = append(fm.Tags, Tag{Name: name, Span: t.span, InFrontmatter: true})
		}
	case "publish":
		if val.Kind != yaml.ScalarNode {
			fm.Problems = append(fm.Problems, publishShapeProblem(lines.nodeSpan(val)))
			return
		}
		var b bool
		switch {
		case val.Tag == "!!bool":
			b = strings.EqualFold(val.Value, "true") || strings.EqualFold(val.Value, "yes") || strings.EqualFold(val.Value, "on")
		case val.Tag == "!!null":
			return
		default:
			b = truthy(val.Value)
			fm.Problems = append(fm.Problems, publishStringProblem(val.Value, b, lines.nodeSpan(val)))
		}
		fm.Publish = &b
	}
}

func aliasHashProblem(alias string, span Span) FieldProblem {
	return FieldProblem{Field: "aliases", Span: span,
		Message: fmt.Sprintf("alias %q starts with '#': [[%s]] names a heading of the linking note, so this alias can never link here", alias, alias)}
}

func publishShapeProblem(span Span) FieldProblem {
	return FieldProblem{Field: "publish", Span: span, Message: "publish should be true or false"}
}

func publishStringProblem(value string, b bool, span Span) FieldProblem {
	return FieldProblem{Field: "publish", Span: span,
		Message: fmt.Sprintf("publish is the string %q, not a boolean: write publish: %s without quotes", value, strconv.FormatBool(b))}
}

// truthy is what a publish value that is not a YAML boolean was meant to say.
func truthy(s string) bool {
	switch strings.ToLower(s) {
	case "true", "yes", "on", "y":
		return true
	}
	return false
}

func scalarString(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return n.Value
	}
	return ""
}

type spannedString struct {
	value string
	span  Span
}

// stringList reads a list, a single string, or a comma/space separated string
// (Obsidian accepts all three for tags and aliases).
func stringList(n *yaml.Node, lines lineTable) []spannedString {
	var out []spannedString
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if item.Kind == yaml.ScalarNode && item.Tag != "!!null" {
				out = append(out, spannedString{strings.TrimSpace(item.Value), lines.nodeSpan(item)})
			}
		}
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		span := lines.nodeSpan(n)
		for _, part := range strings.FieldsFunc(n.Value, func(r rune) bool { return r == ',' }) {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, spannedString{p, span})
			}
		}
	}
	return out
}

// YAML decodes the frontmatter of n again and returns its root node, with
// line and column for every field (lines counted from the YAML's first line).
// Notes keep only the typed fields: a node tree per note would cost more
// memory than the whole text of the vault.
func (n *Note) YAML() (*yaml.Node, error) {
	fm := &n.Frontmatter
	if !fm.Present {
		return nil, nil
	}
	var data []byte
	start := fm.Span.Start
	if _, err := frontmatter.Parse(strings.NewReader(n.Text[start:]), &data, rawYAML); err != nil {
		return nil, fmt.Errorf("frontmatter of %s: %w", n.Path, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("frontmatter of %s: %w", n.Path, err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// frontmatterLinks finds [[wikilinks]] and [label](dest) links written in
// frontmatter values (Quartz and Dataview users link notes from fields).
func frontmatterLinks(text string, fm Span, links []Link) []Link {
	src := text[fm.Start:fm.End]
	for i := 0; i < len(src); i++ {
		switch {
		case src[i] == '[' && i+1 < len(src) && src[i+1] == '[':
			if l, n, ok := scanWikilink(src, i, false); ok {
				l.Kind = LinkFrontmatter
				shiftLink(&l, fm.Start)
				links = append(links, l)
				i += n - 1
			}
		case src[i] == ']' && i+1 < len(src) && src[i+1] == '(':
			open := bytes.LastIndexByte([]byte(src[:i]), '[')
			close := strings.IndexByte(src[i+2:], ')')
			if open < 0 || close < 0 || strings.ContainsAny(src[open:i], "\n") {
				continue
			}
			destStart, destEnd := i+2, i+2+close
			l := Link{Kind: LinkFrontmatter, Span: Span{open, destEnd + 1}, TargetSpan: Span{destStart, destEnd},
				Label: src[open+1 : i], Def: -1}
			setURLTarget(&l, src[destStart:destEnd])
			shiftLink(&l, fm.Start)
			links = append(links, l)
			i = destEnd
		}
	}
	return links
}

func shiftLink(l *Link, by int) {
	l.Span.Start += by
	l.Span.End += by
	l.TargetSpan.Start += by
	l.TargetSpan.End += by
}
