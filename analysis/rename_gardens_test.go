package analysis

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// TestRenameRealGardens renames the most linked notes and headings of each
// real garden (../shared/gardens) one at a time, applies the edits and
// moves, indexes the result afresh, and asserts that no link broke: every
// link written in the gardens' own styles follows.
func TestRenameRealGardens(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", "shared", "gardens"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(root); err != nil {
		t.Skipf("SKIP: the real gardens are not at %s: %v", root, err)
	}
	const each = 12 // the most linked notes, and headings, renamed per garden
	for _, g := range realGardens {
		t.Run(g.name, func(t *testing.T) {
			ix, _, err := workspace.Load(context.Background(), filepath.Join(root, g.name), g.cfg, workspace.NewParser())
			if err != nil {
				t.Fatal(err)
			}
			v := &testVault{ix: ix, snap: ix.Snapshot(), offset: -1}
			defer v.snap.Release()
			before := len(brokenLinks(v))
			notes := v.snap.Notes()
			sort.SliceStable(notes, func(i, j int) bool { return v.snap.BacklinkCount(notes[i]) > v.snap.BacklinkCount(notes[j]) })
			renamed := 0
			for _, f := range notes[:min(each, len(notes))] {
				if v.snap.BacklinkCount(f) == 0 {
					break
				}
				if strings.EqualFold(path.Base(f.Stem()), "index") {
					// Renamed, a folder's index note leaves the links to its
					// folder behind: they lead to the folder's page.
					continue
				}
				to := path.Join(f.Dir(), "moved", "Renamed "+path.Base(f.Path))
				res, err := MoveFiles(v.snap, []Move{{From: f.Path, To: to}})
				if err != nil {
					t.Fatalf("%s: %v", f.Path, err)
				}
				res.Moves = []Move{{From: f.Path, To: to}}
				after := reindexFrom(t, v, res, g.cfg)
				if broken := brokenLinks(after); len(broken) != before {
					t.Errorf("moving %s to %s: %d broken links before, %d after: %v", f.Path, to, before, len(broken), broken)
				}
				sameResolutions(t, "moving "+f.Path, resolutions(v, res.Moves), resolutions(after, nil))
				renamed++
				h := mostLinkedHeading(v.snap, f)
				if h == nil {
					continue
				}
				res, err = renameHeading(v.snap, RenameTarget{Kind: RenameHeading, File: f, Heading: h, Name: headingSource(v.snap, f, h)}, h.Text+" renamed")
				if err != nil {
					t.Fatalf("%s#%s: %v", f.Path, h.Text, err)
				}
				after = reindexFrom(t, v, res, g.cfg)
				if broken := brokenLinks(after); len(broken) != before {
					t.Errorf("renaming %s#%s: %d broken links before, %d after: %v", f.Path, h.Text, before, len(broken), broken)
				}
				sameResolutions(t, "renaming "+f.Path+"#"+h.Text, resolutions(v, nil), resolutions(after, nil))
			}
			// Whole folders moved one level down, as a file explorer moves them.
			folders := map[string]bool{}
			for _, f := range notes {
				if top, _, ok := strings.Cut(f.Path, "/"); ok && len(folders) < 4 {
					folders[top] = true
				}
			}
			for top := range folders {
				moves := []Move{{From: top, To: "archive/" + top}}
				res, err := MoveFiles(v.snap, moves)
				if err != nil {
					t.Fatalf("%s: %v", top, err)
				}
				res.Moves = moves
				after := reindexMoved(t, v, res, g.cfg)
				if broken := brokenLinks(after); len(broken) != before {
					t.Errorf("moving %s/: %d broken links before, %d after: %v", top, before, len(broken), broken)
				}
				sameResolutions(t, "moving "+top+"/", resolutions(v, moves), resolutions(after, nil))
			}
			// The most used tags renamed: the same notes carry the new name,
			// none the old.
			tags := v.snap.Tags()
			sort.SliceStable(tags, func(i, j int) bool { return tags[i].Notes > tags[j].Notes })
			for _, tc := range tags[:min(3, len(tags))] {
				res, err := renameTag(v.snap, tc.Name, "renamed/"+tc.Name)
				if err != nil {
					t.Fatalf("#%s: %v", tc.Name, err)
				}
				after := reindexFrom(t, v, res, g.cfg)
				was, now := notePaths(v.snap.TagNotes(tc.Name)), notePaths(after.snap.TagNotes("renamed/"+tc.Name))
				if was != now || len(after.snap.TagNotes(tc.Name)) != 0 {
					t.Errorf("#%s renamed: notes %s before, %s after; %d still with the old tag", tc.Name, was, now, len(after.snap.TagNotes(tc.Name)))
				}
			}
			// Every block id renamed, one at a time: the links to each still
			// lead to its block.
			blocks, blockLinks := 0, 0
			for _, f := range notes {
				for i := range f.Note.Blocks() {
					b := &f.Note.Blocks()[i]
					res, err := renameBlock(v.snap, RenameTarget{Kind: RenameBlock, File: f, Block: b, Name: b.ID}, "renamed-"+b.ID)
					if err != nil {
						t.Fatalf("%s^%s: %v", f.Path, b.ID, err)
					}
					after := reindexFrom(t, v, res, g.cfg)
					if broken := brokenLinks(after); len(broken) != before {
						t.Errorf("renaming %s^%s: %d broken links before, %d after: %v", f.Path, b.ID, before, len(broken), broken)
					}
					if was, now := blockTargets(v), blockTargets(after); was != now {
						t.Errorf("renaming %s^%s: links to blocks %s before, %s after", f.Path, b.ID, was, now)
					}
					blocks++
					blockLinks += len(blockRefs(v.snap, f, b))
				}
			}
			t.Logf("%d notes moved and their headings renamed, %d folders moved, %d tags renamed, %d block ids renamed (%d links to them); %d links broken before and after",
				renamed, len(folders), min(3, len(tags)), blocks, blockLinks, before)
		})
	}
}

// mostLinkedHeading is the heading of f that most links name, or nil.
func mostLinkedHeading(snap *workspace.Snapshot, f *workspace.File) *workspace.Heading {
	counts := map[string]int{}
	for _, ref := range snap.Backlinks(f) {
		if r := snap.Resolve(ref.From, int(ref.Index)); r.Heading != nil {
			counts[r.Heading.Slug]++
		}
	}
	var best *workspace.Heading
	for i := range f.Note.Headings() {
		if h := &f.Note.Headings()[i]; counts[h.Slug] > 0 && (best == nil || counts[h.Slug] > counts[best.Slug]) {
			best = h
		}
	}
	return best
}

// reindexFrom is reindex for a vault loaded from disk: non-notes keep their
// paths (or take their moves), notes are parsed from their edited texts.
func reindexFrom(t *testing.T, v *testVault, res RenameResult, cfg workspace.Config) *testVault {
	t.Helper()
	edited := map[*workspace.File][]Edit{}
	for _, fe := range res.Edits {
		edited[fe.File] = fe.Edits
	}
	moved := map[string]string{}
	for _, m := range res.Moves {
		moved[m.From] = m.To
	}
	p := workspace.NewParser()
	var notes []*workspace.Note
	var assets []string
	for _, f := range v.snap.Files() {
		to := f.Path
		if m, ok := moved[f.Path]; ok {
			to = m
		}
		if !f.IsNote() {
			assets = append(assets, to)
			continue
		}
		text, err := v.snap.Text(f)
		if err != nil {
			t.Fatal(err)
		}
		edits := edited[f]
		for i := len(edits) - 1; i >= 0; i-- {
			text = text[:edits[i].Span.Start] + edits[i].NewText + text[edits[i].Span.End:]
		}
		notes = append(notes, p.Parse(to, text, 1))
	}
	ix := workspace.NewIndex(cfg)
	ix.Bulk(notes, assets)
	out := &testVault{ix: ix, snap: ix.Snapshot(), offset: -1}
	t.Cleanup(out.snap.Release)
	return out
}

// notePaths lists files' paths, sorted, on one line.
func notePaths(files []*workspace.File) string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
