package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ConfigFileName is the vault's settings file, at the vault root.
const ConfigFileName = ".rhizome.yaml"

// Allowed values, in the order error messages list them.
var (
	knownProfiles   = []Profile{ProfileObsidian, ProfileQuartz, ProfileCommonMark}
	knownStrategies = []string{QuartzShortest, QuartzRelative, QuartzAbsolute}
	knownSeverities = []string{"error", "warning", "info", "hint", "off"}
	knownModes      = []string{DiagnoseWorkspace, DiagnoseOpenFilesOnly}
	// knownConfigKeys are the YAML keys of Config; keep in step with its tags.
	knownConfigKeys = []string{"profiles", "quartzResolution", "ignore", "explicitPublish", "diagnostics", "diagnosticMode"}
)

// ConfigError is a mistake in a config file, at a line when one is known, so
// the server can show it on that line of .rhizome.yaml.
type ConfigError struct {
	File string
	Line int    // 1-based; 0 when unknown
	Key  string // the key at fault ("profiles[1]", "diagnostics.broken-link"), if any
	Msg  string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Detection is what a vault's folder says about the tools that edit and
// publish it, found without any config file.
type Detection struct {
	// Obsidian is true when the root has an .obsidian/ folder.
	Obsidian bool
	// NewLinkFormat is .obsidian/app.json's "newLinkFormat" (shortest,
	// relative or absolute), "" when app.json does not say (Obsidian then
	// uses shortest). Kept for writing new links in the vault's own style.
	NewLinkFormat string
	// UseMarkdownLinks is app.json's "useMarkdownLinks", nil when absent
	// (Obsidian then writes wikilinks).
	UseMarkdownLinks *bool
	// QuartzConfig is the quartz.config.ts found (at the root or one folder
	// up), "" when none.
	QuartzConfig string
	// QuartzResolution is the markdownLinkResolution it sets, "" when it does
	// not say or says something we cannot read.
	QuartzResolution string
	// ExplicitPublish is true when its filters include Plugin.ExplicitPublish().
	ExplicitPublish bool
	// Notes say what was found, for the log.
	Notes []string
}

// Profiles is the profile list detection implies: Obsidian first when both
// tools are present, since the editor follows Obsidian's rule while Quartz's
// is checked alongside.
func (d *Detection) Profiles() []Profile {
	switch {
	case d.QuartzConfig != "" && d.Obsidian:
		return []Profile{ProfileObsidian, ProfileQuartz}
	case d.QuartzConfig != "":
		return []Profile{ProfileQuartz}
	default:
		return []Profile{ProfileObsidian}
	}
}

// LoadConfig reads <root>/.rhizome.yaml if present, then fills what it leaves
// unset by detection. The notes say what was read and detected, for logs.
// A broken config file is an error naming file and line; nothing detection
// meets is an error.
func LoadConfig(root string) (Config, []string, error) {
	file := filepath.Join(root, ConfigFileName)
	var cfg Config
	var set map[string]bool
	var notes []string
	data, err := os.ReadFile(file)
	switch {
	case err == nil:
		cfg, set, err = decodeConfig(data, file)
		if err != nil {
			return Config{}, nil, err
		}
		notes = append(notes, "read "+file)
	case errors.Is(err, fs.ErrNotExist):
		notes = append(notes, "no "+ConfigFileName+": settings come from detection")
	default:
		return Config{}, nil, fmt.Errorf("load config: %w", err)
	}

	det := Detect(root)
	notes = append(notes, det.Notes...)
	// An empty list says nothing, so detection fills it as if it were absent.
	if len(cfg.Profiles) == 0 {
		cfg.Profiles = det.Profiles()
		notes = append(notes, "profiles "+profileList(cfg.Profiles)+" (detected)")
	} else {
		notes = append(notes, "profiles "+profileList(cfg.Profiles)+" (from "+ConfigFileName+"; detection says "+profileList(det.Profiles())+")")
	}
	switch {
	case cfg.QuartzResolution != "":
		notes = append(notes, "quartzResolution "+cfg.QuartzResolution+" (from "+ConfigFileName+")")
	case det.QuartzResolution != "":
		cfg.QuartzResolution = det.QuartzResolution
	default:
		// Quartz's stock quartz.config.ts says "shortest".
		cfg.QuartzResolution = QuartzShortest
	}
	// A bool cannot say "unset", so we ask the file whether it had the key.
	if set["explicitPublish"] {
		notes = append(notes, fmt.Sprintf("explicitPublish %v (from %s)", cfg.ExplicitPublish, ConfigFileName))
	} else {
		cfg.ExplicitPublish = det.ExplicitPublish
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, nil, fmt.Errorf("%s: %w", file, err)
	}
	return cfg, notes, nil
}

func profileList(ps []Profile) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// Merge returns c with the fields set in over put on top: non-empty Profiles,
// QuartzResolution and Ignore replace c's; ExplicitPublish is turned on when
// over has it on (a bool cannot say "unset", so over cannot turn it off);
// Diagnostics are merged code by code, over's severity winning; a non-empty
// DiagnosticMode replaces c's. Used for the editor's settings over the
// vault's. c and over are not modified.
func (c Config) Merge(over Config) Config {
	out := Config{
		Profiles:         slices.Clone(c.Profiles),
		QuartzResolution: c.QuartzResolution,
		Ignore:           slices.Clone(c.Ignore),
		ExplicitPublish:  c.ExplicitPublish || over.ExplicitPublish,
		Diagnostics:      maps.Clone(c.Diagnostics),
		DiagnosticMode:   c.DiagnosticMode,
	}
	if over.DiagnosticMode != "" {
		out.DiagnosticMode = over.DiagnosticMode
	}
	if len(over.Profiles) > 0 {
		out.Profiles = slices.Clone(over.Profiles)
	}
	if over.QuartzResolution != "" {
		out.QuartzResolution = over.QuartzResolution
	}
	// An editor sends [] for a list the user never set: only a non-empty list overrides.
	if len(over.Ignore) > 0 {
		out.Ignore = slices.Clone(over.Ignore)
	}
	if len(over.Diagnostics) > 0 {
		if out.Diagnostics == nil {
			out.Diagnostics = make(map[string]string, len(over.Diagnostics))
		}
		maps.Copy(out.Diagnostics, over.Diagnostics)
	}
	return out
}

// Validate checks the values against the allowed ones and normalises their
// letter case ("Obsidian" → "obsidian"). Every mistake is reported, each
// naming the key and the allowed values. An empty QuartzResolution is allowed
// (unset), as is an empty DiagnosticMode.
func (c *Config) Validate() error {
	var errs []error
	seen := map[Profile]bool{}
	for i, p := range c.Profiles {
		key := fmt.Sprintf("profiles[%d]", i)
		norm, err := checkProfile(string(p))
		if err != nil {
			errs = append(errs, &ConfigError{Key: key, Msg: err.Error()})
			continue
		}
		if seen[norm] {
			errs = append(errs, &ConfigError{Key: key, Msg: fmt.Sprintf("profile %q is listed twice", norm)})
		}
		seen[norm] = true
		c.Profiles[i] = norm
	}
	if c.QuartzResolution != "" {
		norm, err := checkStrategy(c.QuartzResolution)
		if err != nil {
			errs = append(errs, &ConfigError{Key: "quartzResolution", Msg: err.Error()})
		} else {
			c.QuartzResolution = norm
		}
	}
	if c.DiagnosticMode != "" {
		norm, err := checkMode(c.DiagnosticMode)
		if err != nil {
			errs = append(errs, &ConfigError{Key: "diagnosticMode", Msg: err.Error()})
		} else {
			c.DiagnosticMode = norm
		}
	}
	for _, code := range slices.Sorted(maps.Keys(c.Diagnostics)) {
		norm, err := checkSeverity(c.Diagnostics[code])
		if err != nil {
			errs = append(errs, &ConfigError{Key: "diagnostics." + code, Msg: err.Error()})
		} else {
			c.Diagnostics[code] = norm
		}
	}
	return errors.Join(errs...)
}

func checkProfile(v string) (Profile, error) {
	p := Profile(strings.ToLower(strings.TrimSpace(v)))
	if slices.Contains(knownProfiles, p) {
		return p, nil
	}
	return "", fmt.Errorf("unknown profile %q; allowed: %s", v, joinQuoted(knownProfiles))
}

func checkStrategy(v string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	if slices.Contains(knownStrategies, s) {
		return s, nil
	}
	return "", fmt.Errorf("unknown Quartz link resolution %q; allowed: %s", v, joinQuoted(knownStrategies))
}

func checkSeverity(v string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	if slices.Contains(knownSeverities, s) {
		return s, nil
	}
	return "", fmt.Errorf("unknown severity %q; allowed: %s", v, joinQuoted(knownSeverities))
}

// checkMode takes a diagnostic mode in any letter case.
func checkMode(v string) (string, error) {
	s := strings.TrimSpace(v)
	for _, m := range knownModes {
		if strings.EqualFold(s, m) {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown diagnostic mode %q; allowed: %s", v, joinQuoted(knownModes))
}

func joinQuoted[S ~string](vs []S) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// DecodeConfig parses a config in YAML (and so also JSON, which is YAML).
// Unknown keys, values of the wrong shape and values outside the allowed ones
// are errors (*ConfigError, joined when there are several) naming the file,
// the line and the key: a typo in a config must not be silently ignored.
func DecodeConfig(data []byte, file string) (Config, error) {
	cfg, _, err := decodeConfig(data, file)
	return cfg, err
}

// yamlLineErr matches yaml.v3's syntax errors, "yaml: line 3: …".
var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// configYAMLParserProblems are the messages of yaml.v3's parser (as opposed to its
// scanner). For these it prints the 0-based line of the construct being
// parsed ("line 2" for an unclosed "[" on line 3), so we add one.
var configYAMLParserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %YAML directive",
	"found duplicate %TAG directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// yamlErrorLine finds the 1-based line of a yaml.v3 syntax error (0 when it
// names none) and the message without the "yaml: line N:" prefix.
func yamlErrorLine(msg string, data []byte) (int, string) {
	m := yamlLineErr.FindStringSubmatch(msg)
	if m == nil {
		msg = strings.TrimPrefix(msg, "yaml: ")
		// Without a line, yaml.v3 means the first one (its marks are 0-based
		// and it omits line 0), except for errors that are not about syntax.
		if slices.Contains(configYAMLParserProblems, msg) || strings.HasPrefix(msg, "mapping values") ||
			strings.HasPrefix(msg, "found ") || strings.HasPrefix(msg, "could not find") {
			return 1, msg
		}
		return 0, msg
	}
	line, _ := strconv.Atoi(m[1])
	if slices.Contains(configYAMLParserProblems, m[2]) {
		line++
	}
	// An error at the end of the input may point past the last line.
	last := strings.Count(string(data), "\n")
	if len(data) > 0 && data[len(data)-1] != '\n' {
		last++
	}
	return max(1, min(line, last)), m[2]
}

// decodeConfig is DecodeConfig that also says which keys the file sets, since
// a false bool and an absent one look the same in a Config.
func decodeConfig(data []byte, file string) (Config, map[string]bool, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlErrorLine(err.Error(), data)
		return Config{}, nil, &ConfigError{File: file, Line: line, Msg: "invalid YAML: " + msg}
	}
	var cfg Config
	set := map[string]bool{}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return cfg, set, nil // an empty file, or only comments
	}
	top := deref(doc.Content[0])
	if top.Kind == yaml.ScalarNode && top.Tag == "!!null" {
		return cfg, set, nil
	}
	d := configDecoder{file: file}
	if top.Kind != yaml.MappingNode {
		d.fail(top, "", "the config must be a mapping of keys to values (keys: %s)", strings.Join(knownConfigKeys, ", "))
		return Config{}, nil, d.err()
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := deref(top.Content[i]), deref(top.Content[i+1])
		key := k.Value
		if k.Kind != yaml.ScalarNode {
			d.fail(k, "", "a key must be a plain name")
			continue
		}
		if prev, dup := lines[key]; dup {
			d.fail(k, key, "set twice (first at line %d)", prev)
			continue
		}
		lines[key] = k.Line
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" && slices.Contains(knownConfigKeys, key) {
			continue // "key:" with nothing after it leaves the setting unset
		}
		switch key {
		case "profiles":
			for j, s := range d.stringList(v, key) {
				p, err := checkProfile(s.Value)
				if err != nil {
					d.fail(s, fmt.Sprintf("%s[%d]", key, j), "%v", err)
					continue
				}
				if slices.Contains(cfg.Profiles, p) {
					d.fail(s, fmt.Sprintf("%s[%d]", key, j), "profile %q is listed twice", p)
					continue
				}
				cfg.Profiles = append(cfg.Profiles, p)
			}
		case "quartzResolution":
			cfg.QuartzResolution = d.choice(v, key, checkStrategy)
		case "ignore":
			nodes := d.stringList(v, key)
			cfg.Ignore = make([]string, 0, len(nodes))
			for _, s := range nodes {
				cfg.Ignore = append(cfg.Ignore, s.Value)
			}
		case "explicitPublish":
			var b bool
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
				d.fail(v, key, "want true or false, got %s", describe(v))
			}
			cfg.ExplicitPublish = b
		case "diagnostics":
			cfg.Diagnostics = d.severities(v, key)
		case "diagnosticMode":
			cfg.DiagnosticMode = d.choice(v, key, checkMode)
		default:
			d.fail(k, "", "unknown key %q%s (known keys: %s)", key, didYouMean(key), strings.Join(knownConfigKeys, ", "))
			continue
		}
		set[key] = true
	}
	if err := d.err(); err != nil {
		return Config{}, nil, err
	}
	return cfg, set, nil
}

// configDecoder collects every mistake of a config file, so the user fixes
// them in one go rather than one per reload.
type configDecoder struct {
	file string
	errs []error
}

func (d *configDecoder) fail(n *yaml.Node, key, format string, args ...any) {
	d.errs = append(d.errs, &ConfigError{File: d.file, Line: n.Line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (d *configDecoder) err() error { return errors.Join(d.errs...) }

// scalar reads a string value; null counts as unset.
func (d *configDecoder) scalar(v *yaml.Node, key string) (string, bool) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return "", false
	}
	if v.Kind != yaml.ScalarNode {
		d.fail(v, key, "want a single value, got %s", describe(v))
		return "", false
	}
	return v.Value, true
}

// choice reads a single value that check normalises ("" when unset or not
// one of the allowed values, which is reported).
func (d *configDecoder) choice(v *yaml.Node, key string, check func(string) (string, error)) string {
	s, ok := d.scalar(v, key)
	if !ok {
		return ""
	}
	norm, err := check(s)
	if err != nil {
		d.fail(v, key, "%v", err)
	}
	return norm
}

// stringList reads a list of strings; a single string is a list of one, since
// "profiles: quartz" is what people write for one profile.
func (d *configDecoder) stringList(v *yaml.Node, key string) []*yaml.Node {
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return nil
		}
		return []*yaml.Node{v}
	case yaml.SequenceNode:
		var out []*yaml.Node
		for i, item := range v.Content {
			item = deref(item)
			if item.Kind != yaml.ScalarNode || item.Tag == "!!null" {
				d.fail(item, fmt.Sprintf("%s[%d]", key, i), "want a string, got %s", describe(item))
				continue
			}
			out = append(out, item)
		}
		return out
	}
	d.fail(v, key, "want a list, got %s", describe(v))
	return nil
}

// severities reads the diagnostics mapping of code → severity.
func (d *configDecoder) severities(v *yaml.Node, key string) map[string]string {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		d.fail(v, key, "want a mapping of diagnostic codes to %s, got %s", joinQuoted(knownSeverities), describe(v))
		return nil
	}
	out := make(map[string]string, len(v.Content)/2)
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := deref(v.Content[i]), deref(v.Content[i+1])
		sub := key + "." + k.Value
		if _, dup := out[k.Value]; dup {
			d.fail(k, sub, "set twice")
			continue
		}
		// "off" and "no" are booleans to YAML 1.1 readers but plain scalars
		// here: we read the text as written.
		if val.Kind != yaml.ScalarNode {
			d.fail(val, sub, "want one of %s, got %s", joinQuoted(knownSeverities), describe(val))
			continue
		}
		sev, err := checkSeverity(val.Value)
		if err != nil {
			d.fail(val, sub, "%v", err)
			continue
		}
		out[k.Value] = sev
	}
	return out
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
	return "something else"
}

func didYouMean(key string) string {
	for _, k := range knownConfigKeys {
		// Letter case and a missing or extra plural "s" are the usual slips.
		if strings.EqualFold(strings.TrimSuffix(k, "s"), strings.TrimSuffix(key, "s")) {
			return fmt.Sprintf(" (did you mean %q?)", k)
		}
	}
	return ""
}

// Detect looks at the vault folder for the tools that edit and publish it:
// an .obsidian/ folder (and its app.json), and a quartz.config.ts at the root
// or one folder up (a Quartz repository keeps its notes in content/, so the
// vault is <repo>/content). What it cannot read it notes and passes over.
func Detect(root string) Detection {
	var d Detection
	if fi, err := os.Stat(filepath.Join(root, ".obsidian")); err == nil && fi.IsDir() {
		d.Obsidian = true
		d.Notes = append(d.Notes, "found .obsidian/: profile obsidian")
		d.readObsidianApp(filepath.Join(root, ".obsidian", "app.json"))
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		abs = root
	}
	for _, dir := range []string{abs, filepath.Dir(abs)} {
		p := filepath.Join(dir, "quartz.config.ts")
		data, err := os.ReadFile(p)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				d.Notes = append(d.Notes, fmt.Sprintf("cannot read %s: %v", p, err))
			}
			continue
		}
		d.QuartzConfig = p
		d.readQuartzConfig(p, string(data))
		if dir == abs {
			if fi, err := os.Stat(filepath.Join(abs, "content")); err == nil && fi.IsDir() {
				d.Notes = append(d.Notes, "quartz.config.ts is at the root: Quartz publishes content/, so links resolve as Quartz sees them only when content/ is opened as the vault")
			}
		}
		break
	}
	if !d.Obsidian && d.QuartzConfig == "" {
		d.Notes = append(d.Notes, "no .obsidian/ and no quartz.config.ts: profile obsidian by default")
	}
	return d
}

func (d *Detection) readObsidianApp(path string) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		d.Notes = append(d.Notes, "no .obsidian/app.json: Obsidian defaults (newLinkFormat shortest, wikilinks)")
		return
	}
	if err != nil {
		d.Notes = append(d.Notes, fmt.Sprintf("cannot read .obsidian/app.json: %v", err))
		return
	}
	var app struct {
		NewLinkFormat    *string `json:"newLinkFormat"`
		UseMarkdownLinks *bool   `json:"useMarkdownLinks"`
	}
	if err := json.Unmarshal(data, &app); err != nil {
		d.Notes = append(d.Notes, fmt.Sprintf("cannot parse .obsidian/app.json: %v", err))
		return
	}
	format := "shortest (default)"
	if app.NewLinkFormat != nil {
		if slices.Contains(knownStrategies, *app.NewLinkFormat) {
			d.NewLinkFormat = *app.NewLinkFormat
			format = d.NewLinkFormat
		} else {
			format = fmt.Sprintf("%q (unknown, ignored)", *app.NewLinkFormat)
		}
	}
	style := "wikilinks (default)"
	if app.UseMarkdownLinks != nil {
		d.UseMarkdownLinks = app.UseMarkdownLinks
		style = "wikilinks"
		if *app.UseMarkdownLinks {
			style = "markdown links"
		}
	}
	d.Notes = append(d.Notes, "Obsidian app.json: newLinkFormat "+format+", new links are "+style)
}

var (
	// The config is TypeScript; a full parser would be overkill for two facts.
	reLinkResolution = regexp.MustCompile("markdownLinkResolution\\s*:\\s*[\"'`]([A-Za-z]*)[\"'`]")
	reLinkResolvedBy = regexp.MustCompile(`markdownLinkResolution\s*:\s*([^,}\s]+)`)
	reCrawlLinks     = regexp.MustCompile(`\bCrawlLinks\s*\(`)
	reFilters        = regexp.MustCompile(`\bfilters\s*:\s*\[`)
	reExplicit       = regexp.MustCompile(`\bExplicitPublish\s*\(`)
)

func (d *Detection) readQuartzConfig(path, src string) {
	src = stripJSComments(src)
	note := "found " + path + ": profile quartz"
	switch m := reLinkResolution.FindStringSubmatch(src); {
	case m != nil && slices.Contains(knownStrategies, m[1]):
		d.QuartzResolution = m[1]
		note += ", markdownLinkResolution " + m[1]
	case m != nil:
		note += fmt.Sprintf(", markdownLinkResolution %q unknown (using shortest)", m[1])
	case reLinkResolvedBy.MatchString(src):
		note += ", markdownLinkResolution is not a plain string (using shortest)"
	case reCrawlLinks.MatchString(src):
		// CrawlLinks' own default is "absolute" (Quartz's CrawlLinks docs);
		// only the stock quartz.config.ts passes "shortest".
		d.QuartzResolution = QuartzAbsolute
		note += ", CrawlLinks without markdownLinkResolution: absolute (its default)"
	default:
		note += ", no markdownLinkResolution (using shortest)"
	}
	filters := src
	if loc := reFilters.FindStringIndex(src); loc != nil {
		filters = src[loc[1]:]
		if end := matchingBracket(filters); end >= 0 {
			filters = filters[:end]
		}
	}
	if reExplicit.MatchString(filters) {
		d.ExplicitPublish = true
		note += ", ExplicitPublish filter (only publish: true notes are published)"
	}
	d.Notes = append(d.Notes, note)
}

// stripJSComments blanks // and /* */ comments, leaving strings alone (a URL
// holds "//"), so a commented-out plugin does not count.
func stripJSComments(src string) string {
	var b strings.Builder
	b.Grow(len(src))
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for j < len(src) && src[j] != c {
				if src[j] == '\\' {
					j++
				} else if src[j] == '\n' && c != '`' {
					break // an unterminated string ends with its line
				}
				j++
			}
			j = min(j+1, len(src))
			b.WriteString(src[i:j])
			i = j
		case strings.HasPrefix(src[i:], "//"):
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				return b.String()
			}
			i += j
		case strings.HasPrefix(src[i:], "/*"):
			j := strings.Index(src[i+2:], "*/")
			if j < 0 {
				return b.String()
			}
			b.WriteByte(' ')
			i += 2 + j + 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// matchingBracket returns the index of the ']' closing a '[' just before s,
// skipping nested brackets and strings; -1 when it is not closed.
func matchingBracket(s string) int {
	depth := 1
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
