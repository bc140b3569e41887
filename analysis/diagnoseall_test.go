package analysis

import (
	"reflect"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// DiagnoseAll, on all cores, finds for each note what Diagnose finds, at
// the note's place in the list, under each profile. (The goldens of
// TestDiagnoseGolden are printed from DiagnoseAll.)
func TestDiagnoseAllIsDiagnoseOfEach(t *testing.T) {
	for _, profiles := range [][]workspace.Profile{{"obsidian"}, {"obsidian", "quartz"}, {"commonmark"}} {
		v := loadVault(t, "diagnose.txtar", workspace.Config{Profiles: profiles})
		sev := defaultSeverities(t)
		notes := v.snap.Notes()
		// Reversed, so that the order is the list's and not the index's.
		for i, j := 0, len(notes)-1; i < j; i, j = i+1, j-1 {
			notes[i], notes[j] = notes[j], notes[i]
		}
		all := DiagnoseAll(v.snap, notes, sev)
		if len(all) != len(notes) {
			t.Fatalf("%v: %d lists for %d notes", profiles, len(all), len(notes))
		}
		found := 0
		for i, f := range notes {
			want := Diagnose(v.snap, f, sev)
			found += len(want)
			if !reflect.DeepEqual(all[i], want) {
				t.Errorf("%v: %s: DiagnoseAll found\n%+v\nDiagnose\n%+v", profiles, f.Path, all[i], want)
			}
		}
		if found == 0 {
			t.Errorf("%v: the vault has no findings to compare", profiles)
		}
		if got := DiagnoseAll(v.snap, nil, sev); len(got) != 0 {
			t.Errorf("no notes: %d lists", len(got))
		}
	}
}
