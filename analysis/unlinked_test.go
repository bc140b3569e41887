package analysis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// unlinked is UnlinkedMentions, which must not fail.
func unlinked(t testing.TB, snap *workspace.Snapshot, p *workspace.Parser, f *workspace.File) []Location {
	t.Helper()
	locs, err := UnlinkedMentions(context.Background(), snap, p, f)
	if err != nil {
		t.Fatal(err)
	}
	return locs
}

// renderUnlinked prints each unlinked mention of the note at path: where,
// and the text it covers.
func renderUnlinked(t *testing.T, v *testVault, path string) string {
	var b strings.Builder
	f := v.snap.File(path)
	for _, l := range unlinked(t, v.snap, workspace.NewParser(), f) {
		line, col := l.File.Note.Lines().LineCol(l.Span.Start)
		fmt.Fprintf(&b, "%s:%d:%d %q\n", l.File.Path, line, col, l.File.Note.Text[l.Span.Start:l.Span.End])
	}
	return b.String()
}

func TestUnlinkedMentions(t *testing.T) {
	v := loadVault(t, "unlinked.txtar", workspace.Config{})
	// Luhmann's names are ASCII, found without splitting every note into
	// words; Durkheim's are not.
	golden(t, "unlinked.golden", renderUnlinked(t, v, "people/Niklas Luhmann.md")+"--\n"+renderUnlinked(t, v, "people/Émile Durkheim.md"))
}

// Each mention listed is one the "link an unlinked mention" code action
// offers to link to the note, from a cursor in its first word.
func TestUnlinkedMentionsCanBeLinked(t *testing.T) {
	v := loadVault(t, "unlinked.txtar", workspace.Config{})
	p := workspace.NewParser()
	for _, path := range []string{"people/Niklas Luhmann.md", "people/Émile Durkheim.md"} {
		target := v.file(t, path)
		locs := unlinked(t, v.snap, p, target)
		if len(locs) == 0 {
			t.Fatalf("no unlinked mentions of %s", path)
		}
		checkLinkable(t, v.snap, p, target, locs)
	}
}

// checkLinkable asserts that the code action links each of locs, from a
// cursor in its first word, to target.
func checkLinkable(t *testing.T, snap *workspace.Snapshot, p *workspace.Parser, target *workspace.File, locs []Location) {
	t.Helper()
	for _, l := range locs {
		at := l.Span.Start + 1
		ms := Mentions(snap, p, l.File, at, at)
		if len(ms) == 0 || ms[0].Target != target || ms[0].Span != l.Span {
			text, _ := snap.Text(l.File)
			t.Errorf("%s at %d %q: the code action offers %+v", l.File.Path, l.Span.Start, text[l.Span.Start:l.Span.End], ms)
		}
	}
}

// A note whose names no other note writes has none; a folder's index note
// is mentioned by its title, not as "index".
func TestUnlinkedMentionsNone(t *testing.T) {
	v := loadVault(t, "unlinked.txtar", workspace.Config{})
	if got := unlinked(t, v.snap, workspace.NewParser(), v.file(t, "notes/none.md")); len(got) != 0 {
		t.Errorf("mentions of notes/none.md: %+v", got)
	}
	got := unlinked(t, v.snap, workspace.NewParser(), v.file(t, "people/index.md"))
	if len(got) != 1 || got[0].File.Path != "notes/cards.md" || got[0].File.Note.Text[got[0].Span.Start:got[0].Span.End] != "people" {
		t.Errorf("mentions of people/index.md: %+v, want the one of its title", got)
	}
}

// A search whose request was cancelled stops, with the context's error.
func TestUnlinkedMentionsCancelled(t *testing.T) {
	v := loadVault(t, "unlinked.txtar", workspace.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	locs, err := UnlinkedMentions(ctx, v.snap, workspace.NewParser(), v.file(t, "people/Niklas Luhmann.md"))
	if !errors.Is(err, context.Canceled) || locs != nil {
		t.Errorf("cancelled search: %v, %v", locs, err)
	}
}

// Linking every unlinked mention of a note, then indexing what the edits
// leave: each new link leads to the note, and the note has no unlinked
// mention left.
func TestLinkUnlinkedMentions(t *testing.T) {
	for _, pc := range profileConfigs {
		t.Run(pc.name, func(t *testing.T) {
			v := loadVault(t, "unlinked.txtar", pc.cfg)
			target := v.file(t, "people/Niklas Luhmann.md")
			before := unlinked(t, v.snap, workspace.NewParser(), target)
			edits, err := LinkUnlinkedMentions(context.Background(), v.snap, workspace.NewParser(), target)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			p := workspace.NewParser()
			var notes []*workspace.Note
			for _, fe := range edits {
				n += len(fe.Edits)
				notes = append(notes, p.Parse(fe.File.Path, applyEdits(fe.File.Note.Text, fe.Edits), 2))
			}
			if n != len(before) {
				t.Fatalf("%d edits for %d mentions", n, len(before))
			}
			v.snap.Release()
			for _, note := range notes {
				v.ix.SetNote(note)
			}
			v.snap = v.ix.Snapshot()
			target = v.file(t, "people/Niklas Luhmann.md")
			for _, fe := range edits {
				g := v.file(t, fe.File.Path)
				shift := 0
				for _, e := range fe.Edits {
					i := LinkAt(g.Note, e.Span.Start+shift)
					if i < 0 || v.snap.Target(g, i) != target {
						t.Errorf("%s: %q does not lead to %s", g.Path, e.NewText, target.Path)
					}
					shift += len(e.NewText) - e.Span.Len()
				}
			}
			if left := unlinked(t, v.snap, p, target); len(left) != 0 {
				t.Errorf("unlinked mentions left: %+v", left)
			}
		})
	}
}

// A name written everywhere lists the first maxUnlinked places, by path and
// position, the same ones each time.
func TestUnlinkedMentionsCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("-- Go.md --\n# Go\n")
	for i := range 60 {
		fmt.Fprintf(&b, "-- notes/n%03d.md --\n%s\n", i, strings.Repeat("Go and go. ", 10))
	}
	v := buildVault(t, b.String(), workspace.Config{})
	got := unlinked(t, v.snap, workspace.NewParser(), v.file(t, "Go.md"))
	if len(got) != maxUnlinked || got[0].File.Path != "notes/n000.md" || got[len(got)-1].File.Path != "notes/n049.md" {
		t.Errorf("%d mentions, %s to %s; want the %d of notes/n000.md to notes/n049.md", len(got), got[0].File.Path, got[len(got)-1].File.Path, maxUnlinked)
	}
}

// The vault is read without the index's lock: an edit made meanwhile goes
// ahead rather than wait, and a note that named f then and no longer does
// is not listed.
func TestUnlinkedMentionsLetEditsThrough(t *testing.T) {
	v := buildVault(t, "-- Zettel.md --\n# Zettel\n-- a.md --\nA Zettel here.\n-- b.md --\nA Zettel there.\n", workspace.Config{})
	edited := false
	locs, err := unlinkedMentions(t.Context(), v.snap, workspace.NewParser(), v.file(t, "Zettel.md"), func() {
		edited = editGoesAhead(t, v, "b.md", "No mention there now.\n")
	})
	if err != nil || !edited {
		t.Fatalf("%v, edited %v", err, edited)
	}
	if len(locs) != 1 || locs[0].File.Path != "a.md" {
		t.Errorf("mentions %+v, want a.md's alone", locs)
	}
}
