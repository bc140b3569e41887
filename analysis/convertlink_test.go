package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

var profileConfigs = []struct {
	name string
	cfg  workspace.Config
}{
	{"obsidian", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}}},
	{"quartz", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileQuartz}, QuartzResolution: workspace.QuartzShortest}},
	{"commonmark", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileCommonMark}}},
}

// applyEdits is text with edits (in text order, apart) made.
func applyEdits(text string, edits []Edit) string {
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		text = text[:e.Span.Start] + e.NewText + text[e.Span.End:]
	}
	return text
}

// TestConvertLinks converts each link of the vault from a cursor inside it
// and compares what each becomes with a golden file, a profile each; then
// converts every link of each note at once, from a range over the whole
// note, and checks in the vault the edits leave that each converted link
// changed syntax and leads to the same note, heading or block as before.
func TestConvertLinks(t *testing.T) {
	for _, pc := range profileConfigs {
		t.Run(pc.name, func(t *testing.T) {
			v := loadVault(t, "convert.txtar", pc.cfg)
			var b strings.Builder
			for _, f := range v.snap.Notes() {
				text, _ := v.snap.Text(f)
				for i, l := range f.Note.Links() {
					got := "-"
					if cs := ConvertLinks(v.snap, f, l.Span.Start+1, l.Span.Start+1); len(cs) == 1 && cs[0].Link == i {
						got = cs[0].Edit.NewText
					} else if len(cs) > 0 {
						t.Errorf("%s: %s: %d conversions, want the link's own", f.Path, text[l.Span.Start:l.Span.End], len(cs))
					}
					fmt.Fprintf(&b, "%s: %s => %s\n", f.Path, text[l.Span.Start:l.Span.End], got)
				}
			}
			golden(t, "convert/"+pc.name+".golden", b.String())

			before := resolutions(v, nil)
			var res RenameResult
			converted := map[string]bool{} // "path:index" → now a wikilink
			for _, f := range v.snap.Notes() {
				cs := ConvertLinks(v.snap, f, 0, len(f.Note.Text))
				if len(cs) == 0 {
					continue
				}
				fe := FileEdits{File: f}
				for _, c := range cs {
					fe.Edits = append(fe.Edits, c.Edit)
					converted[fmt.Sprintf("%s:%d", f.Path, c.Link)] = c.ToWiki
				}
				res.Edits = append(res.Edits, fe)
			}
			after := reindex(t, v, res, pc.cfg)
			now := resolutions(after, nil)
			for k, toWiki := range converted {
				if now[k] != before[k] {
					t.Errorf("%s led to %s, now to %q", k, before[k], now[k])
				}
				path, i, _ := strings.Cut(k, ":")
				var n int
				fmt.Sscan(i, &n)
				if l := after.file(t, path).Note.Links()[n]; l.Wiki != toWiki {
					t.Errorf("%s is %s %q after its conversion", k, l.Kind, l.Raw)
				}
			}
			if len(converted) < 10 {
				t.Errorf("only %d links converted", len(converted))
			}
		})
	}
}

// Nothing to convert away from a link; a range converts the links it
// overlaps, in order.
func TestConvertLinksRange(t *testing.T) {
	v := loadVault(t, "convert.txtar", workspace.Config{})
	f, off := cursorAfter(t, v, "notes/index.md", "- wi")
	if cs := ConvertLinks(v.snap, f, off, off); cs != nil {
		t.Errorf("away from links: %+v", cs)
	}
	text := f.Note.Text
	start := strings.Index(text, "- wiki")
	end := strings.Index(text, "- names")
	cs := ConvertLinks(v.snap, f, start, end)
	var got []string
	for _, c := range cs {
		got = append(got, c.Edit.NewText)
	}
	want := []string{"[Feedback Loop](../concepts/Feedback%20Loop.md)", "[the loops](../concepts/Feedback%20Loop.md#balancing-loops)",
		"[Feedback Loop#^core](../concepts/Feedback%20Loop.md#^core)"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("range over the wikilinks' line: %q, want %q", got, want)
	}
}
