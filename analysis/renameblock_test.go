package analysis

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// A block id is renamed from its "^id" or from a link's anchor: the id and
// every link to the block, wikilinks, embeds and markdown links, in other
// notes and its own, whatever case they wrote it in. No link breaks or
// leads elsewhere.
func TestRenameBlock(t *testing.T) {
	for _, tc := range []struct{ path, marker, selected string }{
		{"concepts/Loop.md", "back. ^d", "def"},
		{"notes/index.md", "[[Loop#^d", "def"},
		{"notes/index.md", "[md](../concepts/Loop.md#^d", "def"},
		{"concepts/Loop.md", "[[Loop#^D", "DEF"},
	} {
		t.Run(tc.marker, func(t *testing.T) {
			v := loadVault(t, "renameblock.txtar", workspace.Config{})
			f, off := cursorAfter(t, v, tc.path, tc.marker)
			prep, err := PrepareRename(v.snap, f, off)
			text, _ := v.snap.Text(f)
			if err != nil || prep.Kind != RenameBlock || prep.Name != "def" || text[prep.Span.Start:prep.Span.End] != tc.selected {
				t.Fatalf("prepare: %+v (%q), %v", prep, text[prep.Span.Start:prep.Span.End], err)
			}
			before := brokenLinks(v)
			res, err := Rename(v.snap, f, off, "^feedback-def")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "rename/block.golden", renderRename(t, v, res))
			after := reindex(t, v, res, workspace.Config{})
			if broken := brokenLinks(after); !slices.Equal(broken, before) {
				t.Errorf("broken links %q before, %q after", before, broken)
			}
			if got := blockTargets(after); got != blockTargets(v) {
				t.Errorf("links to blocks: %s before, %s after", blockTargets(v), got)
			}
		})
	}
}

// blockTargets lists, for each link to a block, the block's line.
func blockTargets(v *testVault) string {
	var b strings.Builder
	for _, f := range v.snap.Notes() {
		for i := range f.Note.Links() {
			if r := v.snap.Resolve(f, i); r.Block != nil {
				fmt.Fprintf(&b, "%s:%d→%s:%d ", f.Path, i, r.Target.Path, r.Target.Note.Lines().Line(r.Block.Span.Start))
			}
		}
	}
	return b.String()
}

func TestRenameBlockRefused(t *testing.T) {
	v := loadVault(t, "renameblock.txtar", workspace.Config{})
	f, off := cursorAfter(t, v, "concepts/Loop.md", "back. ^d")
	for _, tc := range []struct{ newName, err string }{
		{"two words", "letters, digits and '-'"},
		{"^", "letters, digits and '-'"},
		{"ITEM-1", "has a block ^item-1 already, on line 5"},
		{"def", ""},
	} {
		res, err := Rename(v.snap, f, off, tc.newName)
		switch {
		case tc.err == "" && (err != nil || len(res.Edits) != 0):
			t.Errorf("%q: %v, %d files edited; want nothing to do", tc.newName, err, len(res.Edits))
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !IsRenameError(err)):
			t.Errorf("%q: %v; want an error saying %q", tc.newName, err, tc.err)
		}
	}
	// A link to a block that is not there names nothing to rename.
	g, off := cursorAfter(t, v, "notes/index.md", "[[Loop#^now")
	if _, err := PrepareRename(v.snap, g, off); err == nil || !strings.Contains(err.Error(), "names no heading or block") {
		t.Errorf("a link to a missing block: %v", err)
	}
}

// References on a block id, or on a link to the block, are the links to it,
// from its own note too; with the declaration, the "^id" first.
func TestReferencesToBlock(t *testing.T) {
	v := loadVault(t, "renameblock.txtar", workspace.Config{})
	list := func(path, marker string, decl bool) []string {
		f, off := cursorAfter(t, v, path, marker)
		var out []string
		for _, l := range References(v.snap, f, off, decl) {
			text, _ := v.snap.Text(l.File)
			out = append(out, l.File.Path+" "+text[l.Span.Start:l.Span.End])
		}
		return out
	}
	toDef := []string{
		"concepts/Loop.md [[#^def]]", "concepts/Loop.md [[Loop#^DEF|here]]",
		"notes/index.md [[Loop#^def]]", "notes/index.md ![[concepts/Loop#^def]]",
		"notes/index.md [md](../concepts/Loop.md#^def)", "notes/index.md [angle](<../concepts/Loop.md#^def>)",
	}
	if got := list("concepts/Loop.md", "back. ^d", false); !slices.Equal(got, toDef) {
		t.Errorf("on ^def: %q, want %q", got, toDef)
	}
	if got := list("notes/index.md", "[md](../concepts/Loop.md#^d", true); !slices.Equal(got, append([]string{"concepts/Loop.md ^def"}, toDef...)) {
		t.Errorf("on a link to it, with the declaration: %q", got)
	}
	if got, want := list("notes/index.md", "[[Loop#^it", false), []string{"notes/index.md [[Loop#^item-1]]"}; !slices.Equal(got, want) {
		t.Errorf("on a link to ^item-1: %q, want %q", got, want)
	}
}

// Hover on a block's "^id" says how many links name the block.
func TestHoverBlockID(t *testing.T) {
	v := loadVault(t, "renameblock.txtar", workspace.Config{})
	for marker, want := range map[string]string{"back. ^d": "**^def** — linked from 6 places", "item ^it": "**^item-1** — linked from 1 place"} {
		f, off := cursorAfter(t, v, "concepts/Loop.md", marker)
		if h := Hover(v.snap, f, off, defaultSeverities(t)); h == nil || h.Markdown != want {
			t.Errorf("%s: %+v, want %q", marker, h, want)
		}
	}
}
