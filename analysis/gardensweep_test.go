package analysis

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// TestEveryOffsetOfTheGardens asks what an editor asks at every byte offset
// of every note of the example garden and, when they sit beside the
// repository (../shared/gardens), of three real ones, each under its own
// tool's rule: completion, hover, definition, references, and a rename
// wherever one is offered. None may panic, a rename fails only by refusing,
// the whole-note features keep their promises (checkEditorFeatures), and
// every span given for the note at hand lies inside it, a file's edits in
// order. The fuzz tests make up notes; these were written by people.
func TestEveryOffsetOfTheGardens(t *testing.T) {
	obsidianQuartz := workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian, workspace.ProfileQuartz},
		ExplicitPublish: true, QuartzResolution: workspace.QuartzShortest}
	for _, g := range []struct {
		name, dir string
		cfg       workspace.Config
		real      bool
	}{
		{"example garden", "../examples/garden", obsidianQuartz, false},
		{"obsidian-help-en", "../../shared/gardens/obsidian-help-en", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}}, true},
		{"foam-docs", "../../shared/gardens/foam-docs", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileCommonMark}}, true},
		{"quartz-docs", "../../shared/gardens/quartz-docs", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileQuartz},
			QuartzResolution: workspace.QuartzShortest}, true},
	} {
		t.Run(g.name, func(t *testing.T) {
			dir, err := filepath.Abs(g.dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(dir); err != nil && g.real {
				t.Skipf("SKIP: the real gardens are not at %s (they sit beside the repository in ../shared/gardens): %v", dir, err)
			}
			sweepGarden(t, dir, g.cfg)
		})
	}
}

// sweepGarden loads the vault at dir and sweeps each of its notes, opened
// as an editor opens it (its text kept, as the server keeps an open one's).
func sweepGarden(t *testing.T, dir string, cfg workspace.Config) {
	ix, _, err := workspace.Load(context.Background(), dir, cfg, workspace.NewParser())
	if err != nil {
		t.Fatal(err)
	}
	snap := ix.Snapshot()
	var paths []string
	for _, f := range snap.Notes() {
		paths = append(paths, f.Path)
	}
	snap.Release()
	if len(paths) == 0 {
		t.Fatalf("no notes in %s", dir)
	}
	p := workspace.NewParser()
	offsets := 0
	for _, path := range paths {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(path)))
		if err != nil {
			t.Fatal(err)
		}
		ix.SetNote(p.Parse(path, string(data), 1))
		snap := ix.Snapshot()
		offsets += sweepNote(t, snap, snap.File(path))
		snap.Release()
	}
	t.Logf("%d notes, %d offsets", len(paths), offsets)
}

func sweepNote(t *testing.T, snap *workspace.Snapshot, f *workspace.File) int {
	t.Helper()
	size := len(f.Note.Text)
	inNote := func(what string, off int, spans ...workspace.Span) {
		t.Helper()
		if i := badSpan(spans, size); i >= 0 {
			t.Fatalf("%s at %s:%d: span %d %+v outside the note's %d bytes or out of order", what, f.Path, off, i, spans[i], size)
		}
	}
	locations := func(what string, off int, locs []Location) {
		t.Helper()
		for _, l := range locs {
			if l.File == f {
				inNote(what, off, l.Span)
			}
		}
	}
	checkEditorFeatures(t, snap, f)
	for off := 0; off <= size; off++ {
		for _, it := range Complete(t.Context(), snap, f, off).Items {
			inNote("completion", off, it.Span)
		}
		if h := Hover(snap, f, off, nil); h != nil {
			inNote("hover", off, h.Span)
		}
		locations("definition", off, Definition(snap, f, off))
		locations("references", off, References(snap, f, off, true))
		if _, err := PrepareRename(snap, f, off); err != nil {
			continue
		}
		res, err := Rename(snap, f, off, "Swept Name")
		if err != nil && !IsRenameError(err) {
			t.Fatalf("rename at %s:%d: %v", f.Path, off, err)
		}
		for _, fe := range res.Edits {
			spans := make([]workspace.Span, len(fe.Edits))
			for i, e := range fe.Edits {
				spans[i] = e.Span
			}
			if fe.File == f {
				inNote("rename", off, spans...)
				continue
			}
			// The other file's text is not loaded: its edits' order alone.
			if i := badSpan(spans, -1); i >= 0 {
				t.Fatalf("rename at %s:%d: edit %d %+v of %s out of order", f.Path, off, i, spans[i], fe.File.Path)
			}
		}
	}
	return size + 1
}
