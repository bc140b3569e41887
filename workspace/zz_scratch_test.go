package workspace

import (
	"context"
	"fmt"
	"os"
	"testing"
)

func TestScratchGardens(t *testing.T) {
	for _, g := range []struct {
		name string
		cfg  Config
	}{
		{"obsidian-help-en", Config{Profiles: []Profile{ProfileObsidian}}},
		{"foam-docs", Config{Profiles: []Profile{ProfileObsidian}}},
		{"quartz-docs", Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzShortest}},
	} {
		if os.Getenv("G") != "" && os.Getenv("G") != g.name { continue }
		ix, _, err := Load(context.Background(), "../../shared/gardens/"+g.name, g.cfg, NewParser())
		if err != nil {
			t.Fatal(err)
		}
		s := ix.Snapshot()
		for _, f := range s.Notes() {
			lines := NewLines(f.Note.Text)
			for i, l := range f.Note.Links {
				r := s.Resolve(f, i)
				if !r.OK() && l.Kind != LinkReference {
					ln, _ := lines.LineCol(l.Span.Start)
					fmt.Printf("%s %s:%d %s %q -> %s %s\n", g.name, f.Path, ln, l.Kind, f.Note.Text[l.Span.Start:l.Span.End], r.Status, r.Wanted)
				}
			}
		}
		s.Release()
	}
}
