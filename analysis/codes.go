package analysis

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Severity ranks a diagnostic; the zero value means "off".
type Severity uint8

const (
	SeverityOff Severity = iota
	SeverityError
	SeverityWarning
	SeverityInfo
	SeverityHint
)

var severityNames = [...]string{"off", "error", "warning", "info", "hint"}

func (s Severity) String() string { return severityNames[s] }

// ParseSeverity reads "error", "warning", "info", "hint" or "off".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return SeverityOff, fmt.Errorf("unknown severity %q (want error, warning, info, hint or off)", s)
}

// Code describes one kind of diagnostic; the table below is also the README's.
type Code struct {
	Name     string
	Severity Severity // default
	Meaning  string
	Fix      string
}

// codes lists every diagnostic code rhizome emits; read it through Codes.
var codes = []Code{
	{"broken-link", SeverityError, "No note or file matches the link under the vault's profile.",
		"Use the did-you-mean path (the file moved or the name has a typo), or create the note."},
	{"broken-anchor", SeverityWarning, "The note exists but has no such heading.",
		"Link one of the headings listed, or rename the heading."},
	{"broken-block", SeverityWarning, "The note exists but has no such ^block id.",
		"Add the `^id` to the block (after a quote, callout or table, on a line of its own), or link an id the note has."},
	{"duplicate-block-id", SeverityWarning, "Two blocks of a note have one ^id: links to it reach the first.",
		"Rename one of the ids (F2 on its `^id`)."},
	{"ambiguous-link", SeverityWarning, "Several files match; the tool picks one (named) and may pick another tomorrow.",
		"Write enough of the path to name one file."},
	{"frontmatter-syntax", SeverityError, "The YAML frontmatter does not parse; title, tags, aliases and publish are lost.",
		"Quote values holding `: ` or starting with `#`, `[`, `{`, `@`, and check the line named."},
	{"frontmatter-type", SeverityWarning, "A field has the wrong type: `publish: \"true\"` is a string, an alias starting with `#` can never be linked.",
		"Write `publish: true` without quotes; drop the `#` from the alias."},
	{"unpublished-target", SeverityWarning, "A published note links to a note that will not be published (explicit publishing).",
		"Publish the target (`publish: true`) or remove the link."},
	{"long-line", SeverityWarning, "A line over 8 KB holds links: rhizome does not read so long a line as markdown (some take the parser minutes), so its links and tags are not indexed.",
		"Break the line: a paragraph may span lines."},
	{"profile-mismatch", SeverityWarning, "The link works under one configured profile and not under another (e.g. Obsidian vs Quartz).",
		"Write the link so both tools resolve it (exact case, the path from the root)."},
}

// Codes lists every diagnostic code rhizome emits, with its default severity.
func Codes() []Code { return slices.Clone(codes) }

// codeByName finds a Code.
func codeByName(name string) (Code, bool) {
	for _, c := range codes {
		if c.Name == name {
			return c, true
		}
	}
	return Code{}, false
}

// Severities resolves the configured severity of every code from a config map
// (code → error|warning|info|hint|off). Unknown codes and levels are errors.
func Severities(conf map[string]string) (map[string]Severity, error) {
	out := make(map[string]Severity, len(codes))
	for _, c := range codes {
		out[c.Name] = c.Severity
	}
	keys := make([]string, 0, len(conf))
	for k := range conf {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := codeByName(k); !ok {
			return nil, fmt.Errorf("diagnostics: unknown code %q", k)
		}
		s, err := ParseSeverity(conf[k])
		if err != nil {
			return nil, fmt.Errorf("diagnostics.%s: %w", k, err)
		}
		out[k] = s
	}
	return out, nil
}
