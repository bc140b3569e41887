package analysis

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// realGardens are ../shared/gardens, each under the profile its tool uses.
var realGardens = []struct {
	name string
	cfg  workspace.Config
}{
	{"obsidian-help-en", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}}},
	{"foam-docs", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}}},
	{"quartz-docs", workspace.Config{Profiles: []workspace.Profile{workspace.ProfileQuartz}, QuartzResolution: workspace.QuartzShortest}},
}

// goldenByProfile renders a vault under each profile and compares the
// result with testdata/<name>.<profile>.golden.
func goldenByProfile(t *testing.T, vault, name string, render func(*testVault) string) {
	t.Helper()
	for _, tc := range profileConfigs {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, name+"."+tc.name+".golden", render(loadVault(t, vault, tc.cfg)))
		})
	}
}

// featureCounts is how many of each editor feature's results a check saw.
type featureCounts struct{ lenses, docLinks, hints, folds, tokens int }

func (c *featureCounts) add(d featureCounts) {
	c.lenses, c.docLinks, c.hints, c.folds, c.tokens = c.lenses+d.lenses, c.docLinks+d.docLinks, c.hints+d.hints, c.folds+d.folds, c.tokens+d.tokens
}

// checkEditorFeatures asserts what the lenses, document links, inlay hints,
// folds and semantic tokens of f promise: each lens counts what a click
// lists (the note's, its backlinks), each document link opens what go to
// definition does, each hint follows a link, folds nest (checkFolds), tokens
// are disjoint and say which links lead nowhere (checkSemanticTokens). It
// returns how many of each it saw.
func checkEditorFeatures(t *testing.T, snap *workspace.Snapshot, f *workspace.File) featureCounts {
	t.Helper()
	var lenses, docLinks, hints int
	for _, l := range Lenses(snap, f) {
		lenses++
		if got := len(LensLinks(snap, f, l.Heading)); got != l.Count {
			t.Errorf("%s: lens %d counts %d, lists %d", f.Path, l.Heading, l.Count, got)
		}
		if l.Heading < 0 && l.Count != snap.BacklinkCount(f) {
			t.Errorf("%s: note lens %d, %d backlinks", f.Path, l.Count, snap.BacklinkCount(f))
		}
	}
	for _, l := range DocumentLinks(snap, f) {
		docLinks++
		if defs := Definition(snap, f, l.Span.Start+1); len(defs) != 1 || defs[0] != l.Target {
			t.Errorf("%s at %d: document link to %v, definition %v", f.Path, l.Span.Start, l.Target, defs)
		}
	}
	ends := map[int]bool{}
	for _, l := range f.Note.Links() {
		ends[l.Span.End] = true
	}
	for _, h := range InlayHints(snap, f, workspace.Span{End: f.Note.Size}) {
		hints++
		if !ends[h.Offset] || h.Title == "" {
			t.Errorf("%s: hint %+v follows no link", f.Path, h)
		}
	}
	return featureCounts{lenses, docLinks, hints, checkFolds(t, snap, f), checkSemanticTokens(t, snap, f)}
}

func TestEditorFeatures(t *testing.T) {
	for _, vault := range []string{"lenses.txtar", "inlayhints.txtar", "features.txtar", "folding.txtar", "semantictokens.txtar"} {
		for _, tc := range profileConfigs {
			v := loadVault(t, vault, tc.cfg)
			for _, f := range v.snap.Notes() {
				checkEditorFeatures(t, v.snap, f)
				checkBlockIDs(t, v.snap, workspace.NewParser(), f)
			}
		}
	}
}

// TestEditorFeaturesRealGardens checks the lenses, document links and
// inlay hints of every note of the real gardens, the unlinked mentions of
// the most linked ones, and converts every link of each note: each
// converted link leads to the same note and heading.
func TestEditorFeaturesRealGardens(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", "shared", "gardens"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(root); err != nil {
		t.Skipf("SKIP: the real gardens are not at %s: %v", root, err)
	}
	for _, g := range realGardens {
		t.Run(g.name, func(t *testing.T) {
			p := workspace.NewParser()
			ix, _, err := workspace.Load(context.Background(), filepath.Join(root, g.name), g.cfg, p)
			if err != nil {
				t.Fatal(err)
			}
			snap := ix.Snapshot()
			var n featureCounts
			texts := map[string]string{}
			blockIDs := 0
			for _, f := range snap.Notes() {
				n.add(checkEditorFeatures(t, snap, f))
				blockIDs += checkBlockIDs(t, snap, p, f)
				text, err := snap.Text(f)
				if err != nil {
					t.Fatal(err)
				}
				texts[f.Path] = text
			}
			// The unlinked mentions of the most linked notes, each one the
			// code action links.
			notes := snap.Notes()
			slices.SortStableFunc(notes, func(a, b *workspace.File) int { return snap.BacklinkCount(b) - snap.BacklinkCount(a) })
			mentions := 0
			for _, f := range notes[:min(10, len(notes))] {
				locs := unlinked(t, snap, p, f)
				mentions += len(locs)
				checkLinkable(t, snap, p, f, locs)
			}
			snap.Release()
			converted := convertEveryLink(t, ix, p, texts)
			t.Logf("%d notes: %d lenses, %d document links, %d inlay hints, %d folds, %d semantic tokens, %d new block ids, %d unlinked mentions of the 10 most linked notes, %d links converted",
				len(texts), n.lenses, n.docLinks, n.hints, n.folds, n.tokens, blockIDs, mentions, converted)
		})
	}
}

// checkBlockIDs completes "#^" on f, as a link to f would: each block
// without an id gets one, which, added where AddBlockID puts it, is read as
// a block id of the note as edited. It returns how many it added.
func checkBlockIDs(t *testing.T, snap *workspace.Snapshot, p *workspace.Parser, f *workspace.File) int {
	t.Helper()
	text, err := snap.Text(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range completeBlocks(snap, f, -1, f, workspace.Span{}, "", "]]").Items {
		b := it.BlockID
		if b == nil {
			continue
		}
		e, err := AddBlockID(snap, b)
		if err != nil || e == nil {
			t.Errorf("%s: ^%s for %q: %v, %v", f.Path, b.ID, it.Label, e, err)
			continue
		}
		edited := text[:e.Span.Start] + e.NewText + text[e.Span.End:]
		if !slices.ContainsFunc(p.Parse(f.Path, edited, 1).Blocks(), func(x workspace.Block) bool { return x.ID == b.ID }) {
			t.Errorf("%s: ^%s added to line %d %q is not read as a block id", f.Path, b.ID, b.Line+1, b.LineText)
		}
		n++
	}
	return n
}

// convertEveryLink converts every link of each note at once, puts the note
// back in the index as edited, and checks that each converted link leads
// where it did; then restores the note. It returns how many it converted.
func convertEveryLink(t *testing.T, ix *workspace.Index, p *workspace.Parser, texts map[string]string) int {
	t.Helper()
	type was struct {
		at      int // the new link's offset in the edited text
		target  string
		heading string
	}
	total := 0
	for path, text := range texts {
		snap := ix.Snapshot()
		f := snap.File(path)
		convs := ConvertLinks(snap, f, 0, len(text))
		var edits []Edit
		var wants []was
		shift := 0
		for _, c := range convs {
			r := snap.Resolve(f, c.Link)
			w := was{at: c.Edit.Span.Start + shift, target: r.Target.Path}
			if r.Heading != nil {
				w.heading = r.Heading.Slug
			}
			wants = append(wants, w)
			edits = append(edits, c.Edit)
			shift += len(c.Edit.NewText) - c.Edit.Span.Len()
		}
		snap.Release()
		if len(edits) == 0 {
			continue
		}
		total += len(edits)
		ix.SetNote(p.Parse(path, applyEdits(text, edits), 2))
		snap = ix.Snapshot()
		f = snap.File(path)
		for _, w := range wants {
			i := LinkAt(f.Note, w.at)
			if i < 0 {
				t.Errorf("%s: no link at %d after converting", path, w.at)
				continue
			}
			r := snap.Resolve(f, i)
			got := was{at: w.at}
			if r.Target != nil {
				got.target = r.Target.Path
			}
			if r.Heading != nil {
				got.heading = r.Heading.Slug
			}
			if got != w {
				t.Errorf("%s: %s leads to %+v, was %+v", path, f.Note.Text[f.Note.Links()[i].Span.Start:f.Note.Links()[i].Span.End], got, w)
			}
		}
		snap.Release()
		ix.SetNote(p.Parse(path, text, 3))
	}
	return total
}

// FuzzEditorFeatures puts a note of any text in a vault and asks of it
// what an editor asks as it shows and edits the note: lenses, document
// links, inlay hints, folds, semantic tokens, link conversions over the whole note and at one
// offset, the mention to link at that offset, and unlinked mentions of the
// note and of a note it might name. Nothing may panic, each feature keeps
// its promises (checkEditorFeatures), and every edit lies inside the note,
// in order.
func FuzzEditorFeatures(f *testing.F) {
	base, err := os.ReadFile("testdata/unlinked.txtar")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("Niklas Luhmann and [[21-3d7]] and [x](../people/Niklas%20Luhmann.md#niklas-luhmann)\n## Niklas Luhmann\n", 3)
	f.Add("---\naliases: [Luhmann]\n---\n| [[Niklas Luhmann\\|L]] | ![[img.png|100]] |\r\nLuhmann `Luhmann` #Luhmann", 40)
	f.Add("Émile Durkheim, ÉMILE-DURKHEIM, İstanbul [[#Top]] [](x.md)\n# Top\n", 1)
	f.Add("---\ntitle: T\n---\n# A\n- a\n  ```\n  x\n> [!note]-\n> %% c\n%% <!--\nB\n===\n-->\n$$\n\t- y\n", 9)
	f.Add("A loop ^^ [[^^loop\n\n> quote loop\n\n^id\n- item loop ^x\n\tLoop [[^^", 18)
	f.Fuzz(func(t *testing.T, text string, off int) {
		if !utf8.ValidString(text) || strings.Contains(text, "\n-- ") || strings.HasPrefix(text, "-- ") {
			return // the archive's own separators
		}
		v := buildVault(t, string(base)+"-- fuzz/note.md --\n"+text, workspace.Config{})
		note := v.file(t, "fuzz/note.md")
		size := len(note.Note.Text)
		off = min(max(off, 0), size)
		checkEditorFeatures(t, v.snap, note)
		inNote := func(what string, spans ...workspace.Span) {
			if i := badSpan(spans, size); i >= 0 {
				t.Fatalf("%s: span %d %+v outside %d bytes or out of order", what, i, spans[i], size)
			}
		}
		for _, r := range [][2]int{{0, size}, {off, off}} {
			var spans []workspace.Span
			for _, c := range ConvertLinks(v.snap, note, r[0], r[1]) {
				spans = append(spans, c.Edit.Span)
			}
			inNote("ConvertLinks", spans...)
		}
		p := workspace.NewParser()
		checkBlockIDs(t, v.snap, p, note)
		// At the offset, what an editor asks there: none may fail but by a
		// rename's refusal.
		for _, it := range Complete(t.Context(), v.snap, note, off).Items {
			inNote("completion", it.Span)
			// A block id to add goes at the end of a line its note has.
			if b := it.BlockID; b != nil {
				lines := b.File.Note.Lines()
				text, _ := v.snap.Text(b.File)
				if b.Line >= lines.Count() || text[lines.Start(b.Line):lines.End(b.Line)] != b.LineText || b.Col > len(b.LineText) {
					t.Fatalf("completion %q adds ^%s at %s:%d:%d, to %q", it.Label, b.ID, b.File.Path, b.Line, b.Col, b.LineText)
				}
			}
		}
		Hover(v.snap, note, off, nil)
		References(v.snap, note, off, true)
		if _, err := Rename(v.snap, note, off, "renamed-1"); err != nil && !IsRenameError(err) {
			t.Fatalf("rename at %d: %v", off, err)
		}
		for _, m := range Mentions(v.snap, p, note, off, off) {
			inNote("Mentions", m.Span)
		}
		for _, g := range []*workspace.File{note, v.file(t, "people/Niklas Luhmann.md")} {
			for _, l := range unlinked(t, v.snap, p, g) {
				if l.File == note {
					inNote("UnlinkedMentions", l.Span)
				}
			}
		}
	})
}

// badSpan is the index of the first of spans that is not inside size bytes
// (size < 0: of unknown length) or begins before the one before it ends, or
// -1 when there is none.
func badSpan(spans []workspace.Span, size int) int {
	for i, s := range spans {
		if s.Start < 0 || s.End < s.Start || size >= 0 && s.End > size || i > 0 && spans[i-1].End > s.Start {
			return i
		}
	}
	return -1
}
