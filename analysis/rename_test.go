package analysis

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// renderRename applies a rename's edits to the vault's texts and prints the
// moves, then each edited file as it reads after them.
func renderRename(t *testing.T, v *testVault, res RenameResult) string {
	t.Helper()
	var b strings.Builder
	for _, m := range res.Moves {
		fmt.Fprintf(&b, "moved %s -> %s\n", m.From, m.To)
	}
	for _, fe := range res.Edits {
		text, err := v.snap.Text(fe.File)
		if err != nil {
			t.Fatal(err)
		}
		for i := len(fe.Edits) - 1; i >= 0; i-- {
			e := fe.Edits[i]
			if i > 0 && fe.Edits[i-1].Span.End > e.Span.Start {
				t.Fatalf("%s: edits overlap: %v and %v", fe.File.Path, fe.Edits[i-1], e)
			}
			text = text[:e.Span.Start] + e.NewText + text[e.Span.End:]
		}
		fmt.Fprintf(&b, "-- %s --\n%s\n", fe.File.Path, text)
	}
	return b.String()
}

// reindex builds the vault a rename leaves: the texts after the edits, at the
// paths after the moves.
func reindex(t *testing.T, v *testVault, res RenameResult, cfg workspace.Config) *testVault {
	t.Helper()
	texts := map[string]string{}
	for _, f := range v.snap.Files() {
		texts[f.Path] = ""
		if f.IsNote() {
			text, err := v.snap.Text(f)
			if err != nil {
				t.Fatal(err)
			}
			texts[f.Path] = text
		}
	}
	for _, fe := range res.Edits {
		text := texts[fe.File.Path]
		for i := len(fe.Edits) - 1; i >= 0; i-- {
			e := fe.Edits[i]
			text = text[:e.Span.Start] + e.NewText + text[e.Span.End:]
		}
		texts[fe.File.Path] = text
	}
	for _, m := range res.Moves {
		texts[m.To] = texts[m.From]
		delete(texts, m.From)
	}
	paths := make([]string, 0, len(texts))
	for p := range texts {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var archive strings.Builder
	for _, p := range paths {
		fmt.Fprintf(&archive, "-- %s --\n%s\n", p, texts[p])
	}
	return buildVault(t, archive.String(), cfg)
}

// brokenLinks lists the links of a vault that do not resolve, heading and
// block included.
func brokenLinks(v *testVault) []string {
	var out []string
	for _, f := range v.snap.Notes() {
		for i, l := range f.Note.Links() {
			if l.External {
				continue
			}
			if r := v.snap.Resolve(f, i); r.Status != workspace.Resolved {
				out = append(out, f.Path+": "+l.Raw)
			}
		}
	}
	return out
}

// resolutions maps each link that resolves, by its note's path (after the
// moves) and its index, to its target's path (after the moves) and the index
// of the heading it names: a rename must leave this map as it was.
func resolutions(v *testVault, moves []Move) map[string]string {
	to := map[string]string{}
	for g, p := range movedFiles(v.snap, moves) {
		to[g.Path] = p
	}
	moved := func(p string) string {
		if m, ok := to[p]; ok {
			return m
		}
		return p
	}
	out := map[string]string{}
	for _, f := range v.snap.Notes() {
		for i, l := range f.Note.Links() {
			r := v.snap.Resolve(f, i)
			if l.External || r.Status != workspace.Resolved || r.Target == nil {
				continue
			}
			heading := -1
			if r.Heading != nil {
				heading = headingIndex(r.Target.Note.Headings(), r.Heading.Slug)
			}
			out[fmt.Sprintf("%s:%d", moved(f.Path), i)] = fmt.Sprintf("%s#%d", moved(r.Target.Path), heading)
		}
	}
	return out
}

// sameResolutions reports the links whose resolution a rename changed.
func sameResolutions(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	var diffs []string
	for k, b := range before {
		if a := after[k]; a != b {
			diffs = append(diffs, fmt.Sprintf("%s: %s, then %q", k, b, a))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("%s changed where %d links lead: %s", what, len(diffs), strings.Join(diffs, "; "))
	}
}

func TestPrepareRename(t *testing.T) {
	v := loadVault(t, "rename.txtar", workspace.Config{})
	for _, tc := range []struct {
		path, marker string
		kind         RenameKind
		name         string // the placeholder
		span         string // the text the editor selects
		err          string // part of the error, when it fails
	}{
		{"notes/index.md", "- [[Feed", RenameNote, "Feedback Loop", "Feedback Loop", ""},
		{"notes/index.md", "[[Feedback Loop|the l", RenameNote, "Feedback Loop", "Feedback Loop", ""},
		{"notes/index.md", "- [[Feedback Loop#Bal", RenameHeading, "Balancing loops", "Balancing loops", ""},
		{"notes/index.md", "[rel](../con", RenameNote, "Feedback Loop", "../concepts/Feedback%20Loop.md", ""},
		{"notes/index.md", "[rel](../concepts/Feedback%20Loop.md#bal", RenameHeading, "Balancing loops", "balancing-loops", ""},
		{"notes/index.md", "[angle](<../concepts/Feedback Loop.md#Bal", RenameHeading, "Balancing loops", "Balancing loops", ""},
		{"notes/index.md", "[ref][", RenameNote, "Feedback Loop", "r", ""},
		{"notes/index.md", "[r]: ../con", RenameNote, "Feedback Loop", "../concepts/Feedback%20Loop.md", ""},
		{"notes/index.md", "![[diag", RenameNote, "diagram.png", "diagram.png", ""},
		{"notes/index.md", "#systems/lo", RenameTag, "systems/loops", "systems/loops", ""},
		{"concepts/Feedback Loop.md", "tags: [sys", RenameTag, "systems", "systems", ""},
		{"concepts/Feedback Loop.md", "\"systems/lo", RenameTag, "systems/loops", "systems/loops", ""},
		{"concepts/Feedback Loop.md", "## Bala", RenameHeading, "Balancing loops", "Balancing loops", ""},
		{"concepts/Feedback Loop.md", "See [[#Bal", RenameHeading, "Balancing loops", "Balancing loops", ""},
		{"concepts/Feedback Loop.md", "A loop fe", 0, "", "", "nothing to rename here"},
		{"notes/code.md", "## The `", RenameHeading, "The `x` option", "The `x` option", ""},
		{"notes/code.md", "[[code#The x", RenameHeading, "The `x` option", "The x option", ""},
	} {
		f, off := cursorAfter(t, v, tc.path, tc.marker)
		got, err := PrepareRename(v.snap, f, off)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !IsRenameError(err) {
				t.Errorf("%s: error %v, want one saying %q", tc.marker, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.marker, err)
			continue
		}
		text, _ := v.snap.Text(f)
		if got.Kind != tc.kind || got.Name != tc.name || text[got.Span.Start:got.Span.End] != tc.span {
			t.Errorf("%s: kind %d, name %q, span %q; want %d, %q, %q", tc.marker, got.Kind, got.Name, text[got.Span.Start:got.Span.End], tc.kind, tc.name, tc.span)
		}
	}
}

// TestRename renames from a cursor, compares the edited files with a golden
// file, and checks that the vault the edits leave has no more broken links
// than before.
func TestRename(t *testing.T) {
	for _, tc := range []struct {
		golden, path, marker, newName string
		profile                       workspace.Profile
	}{
		// In its folder: shortest names stay, paths follow, the moved note's
		// relative links do not change.
		{"note-same-folder", "notes/index.md", "- [[Feed", "Feedback Loops", workspace.ProfileObsidian},
		// To a name another file has: wikilinks need the folder.
		{"note-taken-name", "notes/index.md", "- [[Feed", "Loops", workspace.ProfileObsidian},
		// To another folder: the moved note's relative links change too.
		{"note-other-folder", "notes/index.md", "- [[Feed", "systems/Feedback Loop", workspace.ProfileObsidian},
		{"file", "notes/index.md", "![[diag", "loop diagram", workspace.ProfileObsidian},
		{"heading", "concepts/Feedback Loop.md", "## Bala", "Negative feedback", workspace.ProfileObsidian},
		// Its markup kept in the heading, not in the links.
		{"heading-markup", "notes/code.md", "## The", "The `y` setting", workspace.ProfileObsidian},
		{"heading-second", "notes/index.md", "[second](../concepts/Feedback%20Loop.md#bal", "Delays", workspace.ProfileObsidian},
		{"tag", "stock.md", "tags: sys", "cybernetics", workspace.ProfileObsidian},
		{"tag-nested", "notes/index.md", "#systems/lo", "systems/cycles", workspace.ProfileObsidian},
		{"note-commonmark", "concepts/flow.md", "[loop](Feed", "Feedback", workspace.ProfileCommonMark},
		// Quartz links a bare name or the path from the root, nothing between.
		{"note-quartz", "notes/index.md", "- [[Feed", "deep/er/Loops", workspace.ProfileQuartz},
		{"note-obsidian-suffix", "notes/index.md", "- [[Feed", "deep/er/Loops", workspace.ProfileObsidian},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			cfg := workspace.Config{Profiles: []workspace.Profile{tc.profile}}
			v := loadVault(t, "rename.txtar", cfg)
			before := len(brokenLinks(v))
			f, off := cursorAfter(t, v, tc.path, tc.marker)
			res, err := Rename(v.snap, f, off, tc.newName)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "rename/"+tc.golden+".golden", renderRename(t, v, res))
			after := reindex(t, v, res, cfg)
			if broken := brokenLinks(after); len(broken) > before {
				t.Errorf("%d broken links before, %d after: %s", before, len(broken), strings.Join(broken, "; "))
			}
			sameResolutions(t, tc.golden, resolutions(v, res.Moves), resolutions(after, nil))
		})
	}
}

func TestRenameRefused(t *testing.T) {
	v := loadVault(t, "rename.txtar", workspace.Config{})
	for _, tc := range []struct{ path, marker, newName, err string }{
		{"notes/index.md", "- [[Feed", "Old loops/../../x", "outside the vault"},
		{"notes/index.md", "- [[Feed", "/stock", "already exists"},
		{"notes/index.md", "- [[Feed", "a|b", "cannot be linked"},
		{"notes/index.md", "- [[Feed", " ", "cannot be empty"},
		{"concepts/Feedback Loop.md", "## Bala", "two\nlines", "one line"},
		{"concepts/Feedback Loop.md", "## Bala", "a # b", "cannot hold"},
		{"stock.md", "tags: sys", "two words", "not  "},
		{"stock.md", "tags: sys", "2026", "only digits"},
		{"notes/index.md", "[[Nowhere", "x", "leads to no note"},
		// Wikilinks name "Balancing loops" by its text: a second heading
		// of that text would take their links.
		{"concepts/Feedback Loop.md", "# Feed", "balancing Loops", "could not tell the two apart"},
		// Only a markdown link, by slug: the duplicate is fine.
		{"notes/twins.md", "## Set", "Usage", ""},
	} {
		f, off := cursorAfter(t, v, tc.path, tc.marker)
		res, err := Rename(v.snap, f, off, tc.newName)
		if tc.err == "" {
			if err != nil {
				t.Errorf("%s → %q: %v", tc.marker, tc.newName, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s → %q: %v, %d files edited; want an error saying %q", tc.marker, tc.newName, err, len(res.Edits), tc.err)
		}
	}
}

// TestMoveFiles moves files and folders as an editor's file explorer does,
// and checks the links that follow them.
func TestMoveFiles(t *testing.T) {
	for _, tc := range []struct {
		golden string
		moves  []Move
	}{
		{"move-folder", []Move{{"concepts", "ideas/concepts"}}},
		{"move-two", []Move{{"stock.md", "notes/stock.md"}, {"concepts/flow.md", "notes/flow.md"}}},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			v := loadVault(t, "rename.txtar", workspace.Config{})
			before := len(brokenLinks(v))
			res, err := MoveFiles(v.snap, tc.moves)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "rename/"+tc.golden+".golden", renderRename(t, v, res))
			res.Moves = tc.moves
			after := reindexMoved(t, v, res, workspace.Config{})
			if broken := brokenLinks(after); len(broken) > before {
				t.Errorf("%d broken links before, %d after: %s", before, len(broken), strings.Join(broken, "; "))
			}
			sameResolutions(t, tc.golden, resolutions(v, tc.moves), resolutions(after, nil))
		})
	}
}

// reindexMoved is reindexFrom with folder moves spelled out file by file.
func reindexMoved(t *testing.T, v *testVault, res RenameResult, cfg workspace.Config) *testVault {
	t.Helper()
	var files []Move
	for g, to := range movedFiles(v.snap, res.Moves) {
		files = append(files, Move{From: g.Path, To: to})
	}
	res.Moves = files
	return reindexFrom(t, v, res, cfg)
}

// FuzzRename renames at any offset of any note, to any name, in a vault with
// the note among others: nothing panics, and every edit lies inside its
// file's text, in order, without overlap.
func FuzzRename(f *testing.F) {
	base, err := os.ReadFile("testdata/rename.txtar")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("See [[Feedback Loop#Balancing loops|x]] and #systems/loops\n## Head\n", 6, "New")
	f.Add("---\ntags: [a, \"b/c\"]\nup: \"[[stock]]\"\n---\n[r]: <../x y.md#H z>\n[u][r] ![[diagram.png|9]]", 30, "a/../../b")
	f.Add("| [[stock\\|s]] |\r\n# T `c` [[#T c]]\r\n", 4, "x#y")
	f.Fuzz(func(t *testing.T, text string, off int, newName string) {
		if !utf8.ValidString(text) || strings.Contains(text, "\n-- ") || strings.HasPrefix(text, "-- ") {
			return // the archive's own separators
		}
		v := buildVault(t, string(base)+"-- fuzz/note.md --\n"+text, workspace.Config{})
		note := v.file(t, "fuzz/note.md")
		off = min(max(off, 0), len(note.Note.Text))
		if _, err := PrepareRename(v.snap, note, off); err != nil && !IsRenameError(err) {
			t.Fatalf("PrepareRename: %v", err)
		}
		res, err := Rename(v.snap, note, off, newName)
		if err != nil {
			if !IsRenameError(err) {
				t.Fatalf("Rename: %v", err)
			}
			return
		}
		for _, fe := range res.Edits {
			size := len(fe.File.Note.Text)
			for i, e := range fe.Edits {
				if e.Span.Start < 0 || e.Span.End < e.Span.Start || e.Span.End > size || i > 0 && fe.Edits[i-1].Span.End > e.Span.Start {
					t.Fatalf("%s: edit %d %+v outside %d bytes or out of order", fe.File.Path, i, e, size)
				}
			}
		}
	})
}
