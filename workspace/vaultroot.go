package workspace

import (
	"os"
	"path/filepath"
)

// vaultMarkers make a folder a vault root.
var vaultMarkers = []string{ConfigFileName, ".obsidian", "quartz.config.ts", ".git"}

// FindVaultRoot walks up from dir to the folder that marks a vault
// (.rhizome.yaml, .obsidian, quartz.config.ts or .git); it returns dir and
// false when none does. A .git at the home folder or the file system root
// does not count: indexing a home directory because it is a dotfiles
// repository would be a disaster.
func FindVaultRoot(dir string) (string, bool) {
	home, _ := os.UserHomeDir()
	for d := filepath.Clean(dir); ; {
		for _, m := range vaultMarkers {
			if m == ".git" && (d == home || d == filepath.Dir(d)) {
				continue
			}
			if _, err := os.Stat(filepath.Join(d, m)); err == nil {
				return d, true
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return filepath.Clean(dir), false
		}
		d = parent
	}
}
