package workspace

// Profile names a link-resolution rule set (see DESIGN.md "Link resolution").
type Profile string

const (
	ProfileObsidian   Profile = "obsidian"
	ProfileQuartz     Profile = "quartz"
	ProfileCommonMark Profile = "commonmark"
)

// Diagnostic modes: which notes' diagnostics the server sends an editor.
const (
	DiagnoseWorkspace     = "workspace"
	DiagnoseOpenFilesOnly = "openFilesOnly"
)

// Quartz markdownLinkResolution strategies.
const (
	QuartzAbsolute = "absolute"
	QuartzRelative = "relative"
	QuartzShortest = "shortest"
)

// Config is a vault's settings: read from .rhizome.yaml at the vault root, filled
// in by detection (.obsidian/, quartz.config.ts), and overridable by the editor
// with the same keys.
type Config struct {
	// Profiles lists the resolution profiles; the first one drives the editor, the
	// others are also checked (profile-mismatch).
	Profiles []Profile `yaml:"profiles" json:"profiles"`
	// QuartzResolution is Quartz's markdownLinkResolution.
	QuartzResolution string `yaml:"quartzResolution" json:"quartzResolution"`
	// Ignore holds extra gitignore-style globs, relative to the vault root.
	Ignore []string `yaml:"ignore" json:"ignore"`
	// ExplicitPublish: only notes with publish: true are published (Quartz ExplicitPublish).
	ExplicitPublish bool `yaml:"explicitPublish" json:"explicitPublish"`
	// Diagnostics maps a diagnostic code to error|warning|info|hint|off.
	Diagnostics map[string]string `yaml:"diagnostics" json:"diagnostics"`
	// DiagnosticMode says which notes' diagnostics the server sends the
	// editor: every note's (workspace, the default) or the open ones'
	// (openFilesOnly), for an editor that a large vault's findings weigh
	// down. rhizome check reads every note whatever it says.
	DiagnosticMode string `yaml:"diagnosticMode" json:"diagnosticMode"`
}

// OpenFilesOnly says whether only open notes' diagnostics go to the editor.
func (c *Config) OpenFilesOnly() bool { return c.DiagnosticMode == DiagnoseOpenFilesOnly }

// Primary is the profile that decides what a link points to.
func (c *Config) Primary() Profile {
	if len(c.Profiles) == 0 {
		return ProfileObsidian
	}
	return c.Profiles[0]
}
