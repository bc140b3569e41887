package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// renderLenses prints every note's lenses and the links each one lists.
func renderLenses(v *testVault) string {
	var b strings.Builder
	for _, f := range v.snap.Notes() {
		for _, l := range Lenses(v.snap, f) {
			what := "note"
			if l.Heading >= 0 {
				what = fmt.Sprintf("%q", f.Note.Text[l.Span.Start:l.Span.End])
			}
			fmt.Fprintf(&b, "%s %s: %d\n", f.Path, what, l.Count)
			for _, loc := range LensLinks(v.snap, f, l.Heading) {
				fmt.Fprintf(&b, "\t%s %s\n", loc.File.Path, loc.File.Note.Text[loc.Span.Start:loc.Span.End])
			}
		}
	}
	return b.String()
}

var lensProfiles = []struct {
	name string
	cfg  workspace.Config
}{
	{"obsidian", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}}},
	{"quartz", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileQuartz}}},
	{"commonmark", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileCommonMark}}},
}

func TestLensesGolden(t *testing.T) {
	for _, tc := range lensProfiles {
		t.Run(tc.name, func(t *testing.T) {
			v := loadVault(t, "lenses.txtar", tc.cfg)
			golden(t, "lenses."+tc.name+".golden", renderLenses(v))
		})
	}
}

// Each lens counts exactly the links it lists, and the note's lens every
// backlink: what the editor shows on the lens is what a click opens.
func TestLensCountsWhatItLists(t *testing.T) {
	for _, tc := range lensProfiles {
		v := loadVault(t, "lenses.txtar", tc.cfg)
		for _, f := range v.snap.Notes() {
			for _, l := range Lenses(v.snap, f) {
				if got := len(LensLinks(v.snap, f, l.Heading)); got != l.Count {
					t.Errorf("%s: %s lens %d counts %d, lists %d", tc.name, f.Path, l.Heading, l.Count, got)
				}
				if l.Heading < 0 && l.Count != v.snap.BacklinkCount(f) {
					t.Errorf("%s: %s note lens %d, %d backlinks", tc.name, f.Path, l.Count, v.snap.BacklinkCount(f))
				}
			}
		}
	}
}

func TestLensLinksStaleHeading(t *testing.T) {
	v := loadVault(t, "lenses.txtar", workspace.Config{})
	f := v.file(t, "hub.md")
	if got := LensLinks(v.snap, f, len(f.Note.Headings)); got != nil {
		t.Errorf("a heading the note no longer has lists %d links", len(got))
	}
}
