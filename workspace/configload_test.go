package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func cfgTestVault(name string) string { return filepath.Join("testdata", "config", name) }

func cfgAnyNote(notes []string, sub string) bool {
	return slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, sub) })
}

func TestLoadConfigDetection(t *testing.T) {
	for _, tc := range []struct {
		vault string
		want  Config
		notes []string // substrings some note must contain
	}{
		{
			vault: "obsidian",
			want:  Config{Profiles: []Profile{ProfileObsidian}, QuartzResolution: QuartzShortest},
			notes: []string{"found .obsidian/", "newLinkFormat relative", "markdown links", "(detected)"},
		},
		{
			// A Quartz repository: the vault is content/, the config one folder up.
			vault: "quartz/content",
			want:  Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzRelative, ExplicitPublish: true},
			notes: []string{"quartz.config.ts: profile quartz", "markdownLinkResolution relative", "ExplicitPublish filter"},
		},
		{
			// Obsidian vault published with Quartz; ExplicitPublish is commented out.
			vault: "both",
			want:  Config{Profiles: []Profile{ProfileObsidian, ProfileQuartz}, QuartzResolution: QuartzShortest},
			notes: []string{"found .obsidian/", "newLinkFormat shortest (default)", "wikilinks (default)", "markdownLinkResolution shortest"},
		},
		{
			vault: "none",
			want:  Config{Profiles: []Profile{ProfileObsidian}, QuartzResolution: QuartzShortest},
			notes: []string{"no .obsidian/ and no quartz.config.ts", "no .rhizome.yaml"},
		},
		{
			// The file wins over detection, also for a false bool; what it
			// leaves out would still be detected.
			vault: "explicit",
			want: Config{
				Profiles:         []Profile{ProfileCommonMark},
				QuartzResolution: QuartzAbsolute,
				Ignore:           []string{"templates/", "*.excalidraw.md"},
				ExplicitPublish:  false,
				Diagnostics:      map[string]string{"broken-link": "warning", "unpublished-target": "off"},
			},
			notes: []string{"read testdata", "from .rhizome.yaml; detection says [obsidian, quartz]", "ExplicitPublish filter",
				"quartzResolution absolute (from .rhizome.yaml)", "explicitPublish false (from .rhizome.yaml)"},
		},
	} {
		t.Run(tc.vault, func(t *testing.T) {
			cfg, notes, err := LoadConfig(cfgTestVault(tc.vault))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cfg, tc.want) {
				t.Errorf("config:\n got  %+v\n want %+v", cfg, tc.want)
			}
			for _, sub := range tc.notes {
				if !cfgAnyNote(notes, sub) {
					t.Errorf("no note mentions %q; notes:\n  %s", sub, strings.Join(notes, "\n  "))
				}
			}
		})
	}
}

func TestLoadConfigFileWinsPerKey(t *testing.T) {
	// Only the profiles are set: quartzResolution and explicitPublish still
	// come from quartz.config.ts.
	dir := t.TempDir()
	scanTestWrite(t, dir, map[string]string{
		ConfigFileName:     "profiles: quartz\n",
		"quartz.config.ts": `Plugin.CrawlLinks({ markdownLinkResolution: "absolute" }), filters: [Plugin.ExplicitPublish()]`,
	})
	cfg, _, err := LoadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzAbsolute, ExplicitPublish: true}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got %+v, want %+v", cfg, want)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		vault string
		want  []string // substrings of the error text
		line  int      // line of the first ConfigError
	}{
		{
			vault: "broken",
			want:  []string{filepath.Join("testdata", "config", "broken", ".rhizome.yaml") + ":3: invalid YAML: did not find expected ',' or ']'"},
			line:  3,
		},
		{
			vault: "unknownkey",
			want:  []string{".rhizome.yaml:3: unknown key \"profile\"", `did you mean "profiles"`, "known keys: profiles, quartzResolution, ignore, explicitPublish, diagnostics, diagnosticMode"},
			line:  3,
		},
		{
			vault: "badvalue",
			want: []string{
				`.rhizome.yaml:3: profiles[1]: unknown profile "roam"; allowed: obsidian, quartz, commonmark`,
				`.rhizome.yaml:4: quartzResolution: unknown Quartz link resolution "nearest"; allowed: shortest, relative, absolute`,
				`.rhizome.yaml:5: explicitPublish: want true or false, got "yes"`,
				`.rhizome.yaml:7: diagnostics.broken-link: unknown severity "loud"; allowed: error, warning, info, hint, off`,
			},
			line: 3,
		},
	} {
		t.Run(tc.vault, func(t *testing.T) {
			_, _, err := LoadConfig(cfgTestVault(tc.vault))
			if err == nil {
				t.Fatal("no error")
			}
			for _, sub := range tc.want {
				if !strings.Contains(err.Error(), sub) {
					t.Errorf("error does not contain %q:\n%v", sub, err)
				}
			}
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Line != tc.line {
				t.Errorf("want a *ConfigError at line %d, got %#v", tc.line, ce)
			}
		})
	}
}

func TestLoadConfigUnreadable(t *testing.T) {
	dir := t.TempDir()
	// A folder where the file should be: reading it fails, and not with "not exist".
	if err := os.Mkdir(filepath.Join(dir, ConfigFileName), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadConfig(dir); err == nil || !strings.Contains(err.Error(), "load config") {
		t.Errorf("unreadable config: err = %v", err)
	}
}

func TestDecodeConfig(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      Config
	}{
		{name: "empty", src: "", want: Config{}},
		{name: "only comments", src: "# nothing yet\n", want: Config{}},
		{name: "null document", src: "~\n", want: Config{}},
		{name: "single profile as a string", src: "profiles: quartz\n", want: Config{Profiles: []Profile{ProfileQuartz}}},
		{name: "letter case normalised", src: "profiles: [Obsidian, QUARTZ]\nquartzResolution: Shortest\ndiagnostics: {broken-link: Warning}\n",
			want: Config{Profiles: []Profile{ProfileObsidian, ProfileQuartz}, QuartzResolution: QuartzShortest, Diagnostics: map[string]string{"broken-link": "warning"}}},
		{name: "JSON", src: `{"profiles": ["commonmark"], "explicitPublish": true, "ignore": ["a/", "b/*.md"], "diagnostics": {"x": "off"}}`,
			want: Config{Profiles: []Profile{ProfileCommonMark}, ExplicitPublish: true, Ignore: []string{"a/", "b/*.md"}, Diagnostics: map[string]string{"x": "off"}}},
		{name: "empty values are unset", src: "profiles:\nquartzResolution:\nexplicitPublish:\nignore:\ndiagnostics:\ndiagnosticMode:\n", want: Config{}},
		{name: "diagnostic mode in any case", src: "diagnosticMode: OpenFilesOnly\n", want: Config{DiagnosticMode: DiagnoseOpenFilesOnly}},
		{name: "empty ignore list", src: "ignore: []\n", want: Config{Ignore: []string{}}},
		{name: "off and no are text", src: "diagnostics:\n  a: off\n  b: hint\n", want: Config{Diagnostics: map[string]string{"a": "off", "b": "hint"}}},
		{name: "anchors", src: "x-common: &c [templates/]\n", want: Config{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeConfig([]byte(tc.src), "cfg.yaml")
			if tc.name == "anchors" {
				// Unknown keys are errors even when they only hold anchors.
				if err == nil {
					t.Errorf("x-common: want an unknown-key error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestDecodeConfigMistakes(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"not a mapping", "- obsidian\n", "cfg.yaml:1: the config must be a mapping"},
		{"duplicate key", "profiles: [obsidian]\nignore: []\nprofiles: [quartz]\n", "cfg.yaml:3: profiles: set twice (first at line 1)"},
		{"profile twice", "profiles: [quartz, quartz]\n", "cfg.yaml:1: profiles[1]: profile \"quartz\" is listed twice"},
		{"profiles as mapping", "profiles:\n  a: b\n", "cfg.yaml:2: profiles: want a list, got a mapping"},
		{"nested list in ignore", "ignore:\n  - [a, b]\n", "cfg.yaml:2: ignore[0]: want a string, got a list"},
		{"bool as string", "explicitPublish: \"true\"\n", `cfg.yaml:1: explicitPublish: want true or false, got "true"`},
		{"resolution as list", "quartzResolution: [shortest]\n", "cfg.yaml:1: quartzResolution: want a single value, got a list"},
		{"unknown diagnostic mode", "diagnosticMode: open\n", `cfg.yaml:1: diagnosticMode: unknown diagnostic mode "open"; allowed: workspace, openFilesOnly`},
		{"diagnostic mode as list", "diagnosticMode: [workspace]\n", "cfg.yaml:1: diagnosticMode: want a single value, got a list"},
		{"diagnostics as list", "diagnostics: [a]\n", "cfg.yaml:1: diagnostics: want a mapping of diagnostic codes"},
		{"severity as list", "diagnostics:\n  a: [error]\n", "cfg.yaml:2: diagnostics.a: want one of error, warning, info, hint, off, got a list"},
		{"wrong case key", "QuartzResolution: shortest\n", `unknown key "QuartzResolution" (did you mean "quartzResolution"?)`},
		{"unclosed list", "profiles: [obsidian\n", "cfg.yaml:1: invalid YAML: did not find expected ',' or ']'"},
		{"unclosed list later", "ignore: []\nprofiles:\n  - obsidian\n  - [quartz\n", "cfg.yaml:4: invalid YAML"},
		{"list item in a mapping", "profiles: [obsidian]\n- quartz\n", "cfg.yaml:2: invalid YAML: did not find expected key"},
		{"scanner error", "profiles: [obsidian]\nignore: @x\n", "cfg.yaml:2: invalid YAML: found character that cannot start any token"},
		{"mapping in a value", "profiles: a: b\n", "cfg.yaml:1: invalid YAML: mapping values are not allowed"},
		{"unterminated quote", "ignore: 'x\n", "cfg.yaml:1: invalid YAML: found unexpected end of stream"},
		{"tab indentation", "profiles:\n\t- obsidian\n", "cfg.yaml:2: invalid YAML"},
		{"several mistakes", "profiles: [x]\nfoo: 1\n", "cfg.yaml:1: profiles[0]: unknown profile \"x\"; allowed: obsidian, quartz, commonmark\ncfg.yaml:2: unknown key \"foo\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeConfig([]byte(tc.src), "cfg.yaml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	c := Config{
		Profiles:         []Profile{"Quartz", "obsidian", "roam", "quartz"},
		QuartzResolution: "nearest",
		Diagnostics:      map[string]string{"b": "loud", "a": "WARNING"},
		DiagnosticMode:   "some",
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`profiles[2]: unknown profile "roam"; allowed: obsidian, quartz, commonmark`,
		`profiles[3]: profile "quartz" is listed twice`,
		`quartzResolution: unknown Quartz link resolution "nearest"; allowed: shortest, relative, absolute`,
		`diagnostics.b: unknown severity "loud"; allowed: error, warning, info, hint, off`,
		`diagnosticMode: unknown diagnostic mode "some"; allowed: workspace, openFilesOnly`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if c.Profiles[0] != ProfileQuartz || c.Diagnostics["a"] != "warning" {
		t.Errorf("valid values not normalised: %+v", c)
	}

	ok := Config{Profiles: []Profile{ProfileObsidian}, DiagnosticMode: "OPENFILESONLY"}
	if err := ok.Validate(); err != nil || !ok.OpenFilesOnly() {
		t.Errorf("valid config: %v, mode %q", err, ok.DiagnosticMode)
	}
	var zero Config
	if err := zero.Validate(); err != nil {
		t.Errorf("zero config: %v", err)
	}
}

func TestConfigMerge(t *testing.T) {
	base := Config{
		Profiles:         []Profile{ProfileObsidian, ProfileQuartz},
		QuartzResolution: QuartzShortest,
		Ignore:           []string{"templates/"},
		Diagnostics:      map[string]string{"broken-link": "error", "ambiguous-link": "warning"},
	}
	baseCopy := Config{
		Profiles:         slices.Clone(base.Profiles),
		QuartzResolution: base.QuartzResolution,
		Ignore:           slices.Clone(base.Ignore),
		Diagnostics:      map[string]string{"broken-link": "error", "ambiguous-link": "warning"},
	}
	for _, tc := range []struct {
		name string
		over Config
		want Config
	}{
		{"empty over changes nothing", Config{}, baseCopy},
		{"profiles replace", Config{Profiles: []Profile{ProfileCommonMark}},
			Config{Profiles: []Profile{ProfileCommonMark}, QuartzResolution: QuartzShortest, Ignore: []string{"templates/"}, Diagnostics: baseCopy.Diagnostics}},
		{"resolution and ignore replace", Config{QuartzResolution: QuartzAbsolute, Ignore: []string{"drafts/"}},
			Config{Profiles: baseCopy.Profiles, QuartzResolution: QuartzAbsolute, Ignore: []string{"drafts/"}, Diagnostics: baseCopy.Diagnostics}},
		// Editors send [] for a list setting nobody set; it must not wipe the file's list.
		{"empty ignore keeps the file's", Config{Ignore: []string{}},
			Config{Profiles: baseCopy.Profiles, QuartzResolution: QuartzShortest, Ignore: []string{"templates/"}, Diagnostics: baseCopy.Diagnostics}},
		{"explicitPublish turns on", Config{ExplicitPublish: true},
			Config{Profiles: baseCopy.Profiles, QuartzResolution: QuartzShortest, Ignore: []string{"templates/"}, ExplicitPublish: true, Diagnostics: baseCopy.Diagnostics}},
		{"diagnostics merge per code", Config{Diagnostics: map[string]string{"broken-link": "off", "new": "hint"}},
			Config{Profiles: baseCopy.Profiles, QuartzResolution: QuartzShortest, Ignore: []string{"templates/"},
				Diagnostics: map[string]string{"broken-link": "off", "ambiguous-link": "warning", "new": "hint"}}},
		{"diagnostic mode replaces", Config{DiagnosticMode: DiagnoseOpenFilesOnly},
			Config{Profiles: baseCopy.Profiles, QuartzResolution: QuartzShortest, Ignore: []string{"templates/"}, Diagnostics: baseCopy.Diagnostics,
				DiagnosticMode: DiagnoseOpenFilesOnly}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := base.Merge(tc.over)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
			if !reflect.DeepEqual(base, baseCopy) {
				t.Fatalf("Merge modified its receiver: %+v", base)
			}
			// The result shares no memory with its inputs.
			if len(got.Profiles) > 0 {
				got.Profiles[0] = "changed"
			}
			if got.Diagnostics != nil {
				got.Diagnostics["x"] = "error"
			}
			if !reflect.DeepEqual(base, baseCopy) || tc.over.Diagnostics["x"] != "" {
				t.Fatalf("Merge result aliases an input")
			}
		})
	}
	// Merging into a zero config.
	got := Config{}.Merge(Config{Diagnostics: map[string]string{"a": "off"}})
	if got.Diagnostics["a"] != "off" {
		t.Errorf("merge into zero: %+v", got)
	}
}

func TestReadQuartzConfig(t *testing.T) {
	for _, tc := range []struct {
		name, src  string
		resolution string
		explicit   bool
		note       string
	}{
		{"stock config", `Plugin.CrawlLinks({ markdownLinkResolution: "shortest" }), filters: [Plugin.RemoveDrafts()]`, "shortest", false, "markdownLinkResolution shortest"},
		{"single quotes", `Plugin.CrawlLinks({markdownLinkResolution:'absolute'})`, "absolute", false, "absolute"},
		{"backticks", "Plugin.CrawlLinks({ markdownLinkResolution: `relative` })", "relative", false, "relative"},
		{"CrawlLinks default", `transformers: [Plugin.CrawlLinks()], filters: []`, "absolute", false, "absolute (its default)"},
		{"CrawlLinks other options", `Plugin.CrawlLinks({ prettyLinks: true })`, "absolute", false, "absolute (its default)"},
		{"no CrawlLinks", `const config = {}`, "", false, "no markdownLinkResolution"},
		{"variable", `Plugin.CrawlLinks({ markdownLinkResolution: mode })`, "", false, "not a plain string"},
		{"unknown value", `Plugin.CrawlLinks({ markdownLinkResolution: "nearest" })`, "", false, `"nearest" unknown`},
		{"commented-out line", "// markdownLinkResolution: \"relative\"\nPlugin.CrawlLinks({ markdownLinkResolution: \"shortest\" })", "shortest", false, "shortest"},
		{"explicit publish", "filters: [\n  Plugin.RemoveDrafts(),\n  Plugin.ExplicitPublish(),\n]", "", true, "ExplicitPublish filter"},
		{"explicit publish imported bare", "filters: [ExplicitPublish()]", "", true, "ExplicitPublish"},
		{"explicit publish commented", "filters: [\n  // Plugin.ExplicitPublish(),\n  /* Plugin.ExplicitPublish() */\n]", "", false, ""},
		{"explicit publish outside filters", "emitters: [Plugin.ExplicitPublish()],\nfilters: [Plugin.RemoveDrafts()]", "", false, ""},
		{"nested brackets in filters", "filters: [Plugin.X({ a: [1, \"]\"] }), Plugin.ExplicitPublish()]", "", true, "ExplicitPublish"},
		{"no filters key", "Plugin.ExplicitPublish()", "", true, "ExplicitPublish"},
		{"string holding //", "pageTitle: \"a // b\", filters: [Plugin.ExplicitPublish()]", "", true, "ExplicitPublish"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d Detection
			d.readQuartzConfig("quartz.config.ts", tc.src)
			if d.QuartzResolution != tc.resolution || d.ExplicitPublish != tc.explicit {
				t.Errorf("got resolution %q explicit %v; want %q %v (notes %q)", d.QuartzResolution, d.ExplicitPublish, tc.resolution, tc.explicit, d.Notes)
			}
			if tc.note != "" && !cfgAnyNote(d.Notes, tc.note) {
				t.Errorf("notes %q lack %q", d.Notes, tc.note)
			}
		})
	}
}

func TestDetectObsidianApp(t *testing.T) {
	for _, tc := range []struct {
		name, app string
		format    string
		markdown  *bool
		note      string
	}{
		{"absolute markdown", `{"newLinkFormat":"absolute","useMarkdownLinks":true}`, "absolute", cfgTestPtr(true), "newLinkFormat absolute, new links are markdown links"},
		{"wikilinks said", `{"useMarkdownLinks":false}`, "", cfgTestPtr(false), "new links are wikilinks"},
		{"unknown format", `{"newLinkFormat":"weird"}`, "", nil, `"weird" (unknown, ignored)`},
		{"broken json", `{"newLinkFormat":`, "", nil, "cannot parse .obsidian/app.json"},
		{"no app.json", "", "", nil, "no .obsidian/app.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, ".obsidian"), 0o755); err != nil {
				t.Fatal(err)
			}
			if tc.app != "" {
				scanTestWrite(t, dir, map[string]string{".obsidian/app.json": tc.app})
			}
			d := Detect(dir)
			if !d.Obsidian || d.NewLinkFormat != tc.format || !reflect.DeepEqual(d.UseMarkdownLinks, tc.markdown) {
				t.Errorf("got %+v", d)
			}
			if !cfgAnyNote(d.Notes, tc.note) {
				t.Errorf("notes %q lack %q", d.Notes, tc.note)
			}
			// A broken app.json is a note, never an error.
			if _, _, err := LoadConfig(dir); err != nil {
				t.Errorf("LoadConfig: %v", err)
			}
		})
	}
}

func TestDetectQuartzRepoRoot(t *testing.T) {
	// Opening the Quartz repository itself rather than content/: detected,
	// with a note that links resolve from content/.
	dir := t.TempDir()
	scanTestWrite(t, dir, map[string]string{
		"quartz.config.ts": `Plugin.CrawlLinks({ markdownLinkResolution: "shortest" })`,
		"content/index.md": "# Home\n",
	})
	d := Detect(dir)
	if d.QuartzConfig != filepath.Join(dir, "quartz.config.ts") || !cfgAnyNote(d.Notes, "content/") {
		t.Errorf("got %+v", d)
	}
	if got := d.Profiles(); !slices.Equal(got, []Profile{ProfileQuartz}) {
		t.Errorf("Profiles() = %v", got)
	}
}

func TestConfigErrorText(t *testing.T) {
	for _, tc := range []struct {
		e    ConfigError
		want string
	}{
		{ConfigError{File: "a.yaml", Line: 3, Key: "k", Msg: "m"}, "a.yaml:3: k: m"},
		{ConfigError{File: "a.yaml", Msg: "m"}, "a.yaml: m"},
		{ConfigError{Line: 2, Msg: "m"}, "line 2: m"},
		{ConfigError{Key: "k", Msg: "m"}, "k: m"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.e, got, tc.want)
		}
	}
}

func cfgTestPtr[T any](v T) *T { return &v }
