package analysis

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// namedBlocksVault has a block of each kind that an id names, and a note
// linking to each.
const namedBlocksVault = "-- t.md --\n# T\n\n> The quote\n> ends here.\n\n^q1\n\n| a | b |\n|---|---|\n| 1 | 2 ^c1 |\n^t1\n\nA paragraph\nover lines ^p1\n\n- one\n- two ^i2\n\n^l1\n" +
	"-- here.md --\n[[t#^q1]] [[t#^t1]] [[t#^p1]] [[t#^l1]] [[t#^i2]] [[t#^c1]]\n"

// A link to a block leads to the block whole: an editor opens at its first
// line, not at the id that ends it (for a quote, a table or a list, on a
// line of its own after it), and highlights what the id names.
func TestDefinitionBlockWhole(t *testing.T) {
	v := buildVault(t, namedBlocksVault, workspace.Config{})
	f := v.file(t, "here.md")
	want := map[string]string{
		"q1": "The quote\n> ends here.\n\n^q1",
		"t1": "| a | b |\n|---|---|\n| 1 | 2 ^c1 |\n^t1",
		"p1": "A paragraph\nover lines ^p1",
		"l1": "- one\n- two ^i2\n\n^l1",
		"i2": "two ^i2",
		// An id in a table's cell names the table's row in no way Obsidian
		// links to: the link leads to the id itself.
		"c1": "^c1",
	}
	for id, w := range want {
		locs := Definition(v.snap, f, strings.Index(f.Note.Text, "#^"+id)+2)
		if len(locs) != 1 || locs[0].File.Path != "t.md" {
			t.Errorf("^%s: %+v, want one location in t.md", id, locs)
			continue
		}
		if got := locs[0].File.Note.Text[locs[0].Span.Start:locs[0].Span.End]; got != w {
			t.Errorf("^%s leads to %q, want %q", id, got, w)
		}
	}
	// Hover shows the table named by the id after it, whose cell holds
	// another id.
	if h := Hover(v.snap, f, strings.Index(f.Note.Text, "#^t1")+2, nil); h == nil || !strings.Contains(h.Markdown, "| a | b |\n|---|---|\n| 1 | 2 ^c1 |") {
		t.Errorf("hover on ^t1: %+v, want the table", h)
	}
	// Document links open at the same place.
	for _, l := range DocumentLinks(v.snap, f) {
		id := l.Opens[strings.LastIndexByte(l.Opens, '^')+1:]
		if got := l.Target.File.Note.Text[l.Target.Span.Start:l.Target.Span.End]; got != want[id] {
			t.Errorf("document link to ^%s opens %q, want %q", id, got, want[id])
		}
	}
}

// A restart takes the notes from the note cache, parsed before: a link to a
// block still leads to the block whole, which the cache keeps with its id.
func TestDefinitionBlockFromCache(t *testing.T) {
	dir, cacheDir := t.TempDir(), t.TempDir()
	for name, text := range map[string]string{
		"t.md":    "# T\n\n> The quote\n> ends here.\n\n^q1\n",
		"here.md": "[[t#^q1]]\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	load := func() (*workspace.Index, workspace.LoadReport) {
		c, err := workspace.OpenNoteCache(cacheDir)
		if err != nil {
			t.Fatal(err)
		}
		ix, rep, err := workspace.LoadWithOptions(context.Background(), dir, workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}}, workspace.NewParser(), workspace.LoadOptions{Cache: c})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Save(context.Background()); err != nil {
			t.Fatal(err)
		}
		return ix, rep
	}
	load()
	ix, rep := load()
	if rep.Cached != 2 {
		t.Fatalf("%d notes from the cache, want 2", rep.Cached)
	}
	snap := ix.Snapshot()
	defer snap.Release()
	locs := Definition(snap, snap.File("here.md"), 4)
	if len(locs) != 1 {
		t.Fatalf("%d locations, want 1", len(locs))
	}
	n := locs[0].File.Note
	if start, end := n.Lines().Line(locs[0].Span.Start), n.Lines().Line(locs[0].Span.End); start != 2 || end != 5 {
		t.Errorf("the quote from the cache: lines %d-%d, want 2-5", start, end)
	}
}
