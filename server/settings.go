package server

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/rhizome-lsp/rhizome/analysis"
	"github.com/rhizome-lsp/rhizome/workspace"
)

// Editor settings use the keys of .rhizome.yaml (section "rhizome"). A value
// the editor sets wins over the vault's file; an empty one leaves it be.

// applySettings reads settings sent as JSON (initializationOptions, or one
// item of workspace/configuration), bare or under a "rhizome" key.
func (e *engine) applySettings(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	// Some editors (Helix) send the whole settings table, section and all.
	if section, ok := rhizomeSection(raw); ok {
		raw = section
	}
	var cfg workspace.Config
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if _, err := analysis.Severities(cfg.Diagnostics); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	e.mu.Lock()
	e.settings = cfg
	e.mu.Unlock()
	return nil
}

// pullSettings asks the client for section "rhizome" and applies it as
// change seq (see settingsOrder); it reports whether the settings changed.
func (e *engine) pullSettings(ctx context.Context, seq uint64) bool {
	var result []json.RawMessage
	params := &protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: "rhizome"}}}
	if _, err := e.s.conn.Call(ctx, protocol.MethodWorkspaceConfiguration, params, &result); err != nil {
		e.s.log.Debug("workspace/configuration", zap.Error(err))
		return false
	}
	if len(result) == 0 {
		return false
	}
	return e.applySettingsChange(seq, result[0])
}

// applySettingsChange applies settings as change seq, unless a later change
// was applied already; it reports whether they differ from the ones before.
func (e *engine) applySettingsChange(seq uint64, raw json.RawMessage) (changed bool) {
	e.settingsOrder.apply(seq, func() {
		before := e.settingsSnapshot()
		if err := e.applySettings(raw); err != nil {
			e.showError("rhizome: " + err.Error())
			return
		}
		changed = e.settingsSnapshot() != before
	})
	return changed
}

func (e *engine) settingsSnapshot() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, _ := json.Marshal(e.settings)
	return string(b)
}

func (e *engine) effectiveConfig(v *vault) workspace.Config {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.effectiveConfigLocked(v)
}

func (e *engine) effectiveConfigLocked(v *vault) workspace.Config {
	cfg := v.fileCfg.Merge(e.settings)
	if len(cfg.Profiles) == 0 {
		cfg.Profiles = []workspace.Profile{workspace.ProfileObsidian}
	}
	if cfg.QuartzResolution == "" {
		cfg.QuartzResolution = workspace.QuartzShortest
	}
	return cfg
}

// setVaultSettings takes v's diagnostic severities and mode and its ignore
// rules from the settings; e.mu is held. It reports whether the ignore globs
// changed, which only a new load can apply to the files already indexed.
func (e *engine) setVaultSettings(v *vault) (ignoreChanged bool) {
	cfg := e.effectiveConfigLocked(v)
	if old := v.ignorer.Load(); old == nil || !slices.Equal(old.Globs(), cfg.Ignore) {
		v.ignorer.Store(workspace.NewIgnorer(v.root, cfg.Ignore))
		ignoreChanged = old != nil
	}
	v.openOnly.Store(cfg.OpenFilesOnly())
	sev, err := analysis.Severities(cfg.Diagnostics)
	if err != nil {
		e.s.log.Warn("diagnostics settings", zap.Error(err))
		sev, _ = analysis.Severities(nil)
	}
	v.sev.Store(&sev)
	return ignoreChanged
}

// reconfigure applies the current settings to every vault: links re-resolve
// when the profiles changed, and every note's diagnostics are published
// again. A vault whose ignore globs changed is loaded again: which files it
// holds is decided by its scan.
func (e *engine) reconfigure() {
	// One at a time: each takes a vault's configuration under e.mu and
	// gives it to the index later, where an older one would undo a newer.
	e.reconfiguring.Lock()
	defer e.reconfiguring.Unlock()
	var reload []*vault
	for _, v := range e.allVaults() {
		e.mu.Lock()
		cfg := e.effectiveConfigLocked(v)
		if e.setVaultSettings(v) && v.scan {
			reload = append(reload, v)
		}
		e.mu.Unlock()
		v.mu.Lock()
		v.ix.Load().SetConfig(cfg)
		v.mu.Unlock()
		e.diags.all(v)
	}
	if len(reload) > 0 {
		e.s.Go("index", func(ctx context.Context) { e.index(ctx, reload, nil) })
	}
}

// didChangeConfiguration: push-style settings in the params, or a hint to pull them.
func (s *Server) didChangeConfiguration(ctx context.Context, p *struct {
	Settings json.RawMessage `json:"settings"`
}) error {
	e := s.ws
	seq := e.settingsOrder.next()
	s.Go("configuration", func(ctx context.Context) {
		changed := false
		if s.Session().Client.Configuration {
			changed = e.pullSettings(ctx, seq)
		} else if section, ok := rhizomeSection(p.Settings); ok {
			changed = e.applySettingsChange(seq, section)
		}
		if changed {
			s.log.Info("settings changed")
			e.reconfigure()
		}
	})
	return nil
}

// rhizomeSection is the "rhizome" member of a settings object, if it has one.
func rhizomeSection(raw json.RawMessage) (json.RawMessage, bool) {
	var wrapped struct {
		Rhizome json.RawMessage `json:"rhizome"`
	}
	if json.Unmarshal(raw, &wrapped) != nil || len(wrapped.Rhizome) == 0 {
		return nil, false
	}
	return wrapped.Rhizome, true
}
