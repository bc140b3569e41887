package workspace

// The frontmatter reader as it was before the fast path and splitHeader, kept
// verbatim (renamed) as the oracle the differential tests compare against:
// adrg/frontmatter splits, yaml.v3 decodes, readField reads.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/adrg/frontmatter"
	"go.yaml.in/yaml/v3"
)

func legacyParseFrontmatter(text string, start int) (Frontmatter, int) {
	var fm Frontmatter
	rest := text[start:]
	// Obsidian and Quartz only accept '---' on the very first line; adrg would
	// also skip leading blank lines.
	if !strings.HasPrefix(rest, "---") || !isLineEnd(rest, 3) {
		return fm, start
	}
	// adrg/frontmatter reads all it is given into a buffer: give it only the
	// header, up to the end of the first closing '---' line.
	cut := headerEnd(rest)
	if cut < 0 {
		return fm, start // no closing delimiter: not frontmatter
	}
	var data []byte
	body, err := frontmatter.Parse(strings.NewReader(rest[:cut]), &data, rawYAML)
	if err != nil || body == nil || len(body) == cut {
		return fm, start
	}
	bodyStart := start + cut - len(body)
	fm.Present = true
	fm.Span = Span{start, bodyStart}
	// The YAML starts on the line after the opening '---'.
	yamlStart := start + 3
	for yamlStart < len(text) && (text[yamlStart] == '\r' || text[yamlStart] == '\n') {
		if text[yamlStart] == '\n' {
			yamlStart++
			break
		}
		yamlStart++
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		fm.Err = yamlError(text, yamlStart, len(data), err)
		return fm, bodyStart
	}
	if len(doc.Content) == 0 {
		return fm, bodyStart // empty header
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		fm.Problems = append(fm.Problems, FieldProblem{Span: Span{start, bodyStart},
			Message: "frontmatter is not a mapping of keys to values"})
		return fm, bodyStart
	}
	lines := newLineTable(text[:bodyStart], yamlStart)
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		legacyReadField(&fm, text, lines, key, val)
	}
	return fm, bodyStart
}
func legacyNodeSpan(t lineTable, n *yaml.Node) Span {
	start := t.offset(n.Line, n.Column)
	end := start + len(n.Value)
	switch n.Style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		q := t.text[start]
		end = start + 1
		for end < len(t.text) && t.text[end] != '\n' {
			if t.text[end] == '\\' && q == '"' {
				end += 2
				continue
			}
			if t.text[end] == q {
				end++
				break
			}
			end++
		}
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
func legacyReadField(fm *Frontmatter, text string, lines lineTable, key, val *yaml.Node) {
	switch strings.ToLower(key.Value) {
	case "title":
		fm.Title = legacyScalarString(val)
	case "description":
		fm.Description = legacyScalarString(val)
	case "aliases", "alias":
		for _, a := range legacyStringList(val, lines) {
			if a.value == "" {
				continue
			}
			fm.Aliases = append(fm.Aliases, a.value)
			if strings.HasPrefix(a.value, "#") {
				fm.Problems = append(fm.Problems, FieldProblem{Field: "aliases", Span: a.span,
					Message: fmt.Sprintf("alias %q starts with '#': [[%s]] names a heading of the linking note, so this alias can never link here", a.value, a.value)})
			}
		}
	case "tags", "tag":
		for _, t := range legacyStringList(val, lines) {
			name := strings.TrimPrefix(t.value, "#")
			if name == "" {
				continue
			}
			fm.Tags = append(fm.Tags, Tag{Name: name, Span: t.span, InFrontmatter: true})
		}
	case "publish":
		if val.Kind != yaml.ScalarNode {
			fm.Problems = append(fm.Problems, FieldProblem{Field: "publish", Span: legacyNodeSpan(lines, val),
				Message: "publish should be true or false"})
			return
		}
		var b bool
		switch {
		case val.Tag == "!!bool":
			b = strings.EqualFold(val.Value, "true") || strings.EqualFold(val.Value, "yes") || strings.EqualFold(val.Value, "on")
		case val.Tag == "!!null":
			return
		default:
			switch strings.ToLower(val.Value) {
			case "true", "yes", "on", "y":
				b = true
			}
			fm.Problems = append(fm.Problems, FieldProblem{Field: "publish", Span: legacyNodeSpan(lines, val),
				Message: fmt.Sprintf("publish is the string %q, not a boolean: write publish: %s without quotes", val.Value, strconv.FormatBool(b))})
		}
		fm.Publish = &b
	}
}
func legacyScalarString(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		return n.Value
	}
	return ""
}
func legacyStringList(n *yaml.Node, lines lineTable) []spannedString {
	var out []spannedString
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if item.Kind == yaml.ScalarNode && item.Tag != "!!null" {
				out = append(out, spannedString{strings.TrimSpace(item.Value), legacyNodeSpan(lines, item)})
			}
		}
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		span := legacyNodeSpan(lines, n)
		for _, part := range strings.FieldsFunc(n.Value, func(r rune) bool { return r == ',' }) {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, spannedString{p, span})
			}
		}
	}
	return out
}
