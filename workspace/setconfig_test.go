package workspace

import (
	"math/rand/v2"
	"testing"
)

// TestIndexSetConfigMatchesFresh changes the configuration of an index made
// by random edits, from every profile to every other and to settings that
// resolve nothing (diagnostics, diagnosticMode, explicitPublish, a second
// profile), and compares it with an index built fresh under the new
// configuration: SetConfig may skip resolving again only when no resolution
// can differ.
func TestIndexSetConfigMatchesFresh(t *testing.T) {
	var configs []Config
	for _, c := range incrementalConfigs {
		configs = append(configs, c.cfg)
		diag := c.cfg
		diag.Diagnostics = map[string]string{"broken-link": "off"}
		diag.DiagnosticMode = DiagnoseOpenFilesOnly
		diag.ExplicitPublish = true
		configs = append(configs, diag)
		second := c.cfg
		second.Profiles = append([]Profile{c.cfg.Primary()}, ProfileCommonMark)
		configs = append(configs, second)
	}
	p := NewParser()
	for seed := range 4 {
		r := rand.New(rand.NewPCG(uint64(seed), 11))
		m := &modelVault{files: map[string]modelFile{}}
		ix := m.build(configs[0])
		for range 40 {
			applyRandomEdit(r, p, ix, m)
		}
		// Every configuration from every other, in a random order.
		for step := range 3 * len(configs) {
			cfg := configs[r.IntN(len(configs))]
			ix.SetConfig(cfg)
			if got := ix.Config(); got.Primary() != cfg.Primary() || got.DiagnosticMode != cfg.DiagnosticMode ||
				got.ExplicitPublish != cfg.ExplicitPublish || len(got.Profiles) != len(cfg.Profiles) {
				t.Fatalf("seed %d step %d: Config() = %+v after SetConfig(%+v)", seed, step, got, cfg)
			}
			if d := diffStates(indexState(m.build(cfg)), indexState(ix)); d != "" {
				t.Fatalf("seed %d step %d: after SetConfig(%+v) the index differs from a fresh one:\n%s", seed, step, cfg, d)
			}
			// Edits after the change resolve under it too.
			applyRandomEdit(r, p, ix, m)
			if d := diffStates(indexState(m.build(cfg)), indexState(ix)); d != "" {
				t.Fatalf("seed %d step %d: an edit after SetConfig(%+v) left the index unlike a fresh one:\n%s", seed, step, cfg, d)
			}
		}
	}
}
