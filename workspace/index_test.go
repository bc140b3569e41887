package workspace

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

var obsidianConfig = Config{Profiles: []Profile{ProfileObsidian}}

// testIndex builds an index from path → text; paths that are not notes are
// assets (their text is ignored).
func testIndex(t testing.TB, cfg Config, files map[string]string) *Index {
	t.Helper()
	p := NewParser()
	var notes []*Note
	var assets []string
	for _, path := range slices.Sorted(mapKeys(files)) {
		if IsNotePath(path) {
			notes = append(notes, p.Parse(path, files[path], 1))
		} else {
			assets = append(assets, path)
		}
	}
	ix := NewIndex(cfg)
	ix.Bulk(notes, assets)
	return ix
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// linkTo resolves the link of note from whose text is exactly written.
func linkTo(t *testing.T, ix *Index, from, written string) Resolution {
	t.Helper()
	s := ix.Snapshot()
	defer s.Release()
	f := s.File(from)
	if f == nil {
		t.Fatalf("no note %s", from)
	}
	for i, l := range f.Note.Links() {
		if f.Note.Text[l.Span.Start:l.Span.End] == written {
			return s.Resolve(f, i)
		}
	}
	t.Fatalf("%s has no link %s", from, written)
	return Resolution{}
}

func changedPaths(c Changed) []string { return c.Paths() }

func wantChanged(t *testing.T, c Changed, paths ...string) {
	t.Helper()
	got := changedPaths(c)
	for _, p := range paths {
		if !slices.Contains(got, p) {
			t.Errorf("Changed %v lacks %s", got, p)
		}
	}
}

func backlinkPaths(ix *Index, path string) []string {
	s := ix.Snapshot()
	defer s.Release()
	f := s.File(path)
	if f == nil {
		return nil
	}
	var out []string
	for _, r := range s.Backlinks(f) {
		l := r.Link()
		out = append(out, r.From.Path+" "+r.From.Note.Text[l.Span.Start:l.Span.End])
	}
	return out
}

func TestIndexNewNoteFixesBrokenLink(t *testing.T) {
	p := NewParser()
	ix := testIndex(t, obsidianConfig, map[string]string{
		"a.md":     "[[New Note]] and [other](sub/New%20Note.md)",
		"other.md": "nothing",
	})
	if r := linkTo(t, ix, "a.md", "[[New Note]]"); r.Status != NoSuchNote {
		t.Fatalf("before: %v", r.Status)
	}
	c := ix.SetNote(p.Parse("sub/New Note.md", "# New", 1))
	wantChanged(t, c, "a.md", "sub/New Note.md")
	if slices.Contains(changedPaths(c), "other.md") {
		t.Errorf("Changed %v holds a note that does not link there", changedPaths(c))
	}
	for _, w := range []string{"[[New Note]]", "[other](sub/New%20Note.md)"} {
		if r := linkTo(t, ix, "a.md", w); r.Status != Resolved || r.Target.Path != "sub/New Note.md" {
			t.Errorf("after: %s → %v %v", w, r.Status, r.Target)
		}
	}
	if got := backlinkPaths(ix, "sub/New Note.md"); len(got) != 2 {
		t.Errorf("backlinks %v", got)
	}

	c = ix.Remove("sub/New Note.md")
	wantChanged(t, c, "a.md")
	if r := linkTo(t, ix, "a.md", "[[New Note]]"); r.Status != NoSuchNote {
		t.Errorf("after remove: %v", r.Status)
	}
	s := ix.Snapshot()
	if m := s.Missing(); len(m) != 1 || m[0].Name != "New Note" || m[0].Count != 1 {
		t.Errorf("missing %v", m)
	}
	s.Release()
}

func TestIndexHeadingEditFixesAnchor(t *testing.T) {
	p := NewParser()
	ix := testIndex(t, obsidianConfig, map[string]string{
		"a.md": "[[b#Later Heading]] [[b#^blk]]",
		"b.md": "# B\n",
		"c.md": "unrelated [[a]]",
	})
	if r := linkTo(t, ix, "a.md", "[[b#Later Heading]]"); r.Status != NoSuchHeading {
		t.Fatalf("before: %v", r.Status)
	}
	c := ix.SetNote(p.Parse("b.md", "# B\n\n## Later Heading\n\nText ^blk\n", 2))
	wantChanged(t, c, "a.md", "b.md")
	if slices.Contains(changedPaths(c), "c.md") {
		t.Errorf("Changed %v holds c.md", changedPaths(c))
	}
	if r := linkTo(t, ix, "a.md", "[[b#Later Heading]]"); r.Status != Resolved || r.Heading == nil || r.Heading.Text != "Later Heading" {
		t.Errorf("heading after: %v %v", r.Status, r.Heading)
	}
	if r := linkTo(t, ix, "a.md", "[[b#^blk]]"); r.Status != Resolved || r.Block == nil {
		t.Errorf("block after: %v", r.Status)
	}
}

func TestIndexRenameReresolvesRelativeLinks(t *testing.T) {
	p := NewParser()
	text := "[up](../top.md) [[./sibling]] [[../x/sibling]] [root](/top.md)"
	ix := testIndex(t, obsidianConfig, map[string]string{
		"top.md":          "[[n]] [down](x/n.md)",
		"x/n.md":          text,
		"x/sibling.md":    "x",
		"x/y/sibling.md":  "y",
		"x/top.md":        "top of x",
		"x/y/unrelate.md": "",
	})
	check := func(want map[string]string) {
		t.Helper()
		s := ix.Snapshot()
		defer s.Release()
		for _, f := range s.Notes() {
			if !strings.HasSuffix(f.Path, "/n.md") {
				continue
			}
			for i, l := range f.Note.Links() {
				w := f.Note.Text[l.Span.Start:l.Span.End]
				r := s.Resolve(f, i)
				got := r.Status.String()
				if r.Target != nil {
					got = r.Target.Path
				}
				if got != want[w] {
					t.Errorf("%s: %s → %s, want %s", f.Path, w, got, want[w])
				}
			}
		}
	}
	check(map[string]string{"[up](../top.md)": "top.md", "[[./sibling]]": "x/sibling.md", "[[../x/sibling]]": "x/sibling.md", "[root](/top.md)": "top.md"})
	c := ix.Rename("x/n.md", p.Parse("x/y/n.md", text, 2), "x/y/n.md")
	wantChanged(t, c, "x/y/n.md", "top.md")
	check(map[string]string{"[up](../top.md)": "x/top.md", "[[./sibling]]": "x/y/sibling.md", "[[../x/sibling]]": "no-such-note", "[root](/top.md)": "top.md"})
	// The note linking the old path by path is broken now; by name it follows.
	if r := linkTo(t, ix, "top.md", "[down](x/n.md)"); r.Status != NoSuchNote {
		t.Errorf("old path: %v", r.Status)
	}
	if r := linkTo(t, ix, "top.md", "[[n]]"); r.Status != Resolved || r.Target.Path != "x/y/n.md" {
		t.Errorf("by name: %v %v", r.Status, r.Target)
	}
}

func TestIndexRenameFixesWrongCasePath(t *testing.T) {
	// A rename that only changes letter case keeps the File but must update
	// what Quartz compares case-sensitively.
	p := NewParser()
	cfg := Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzAbsolute}
	ix := testIndex(t, cfg, map[string]string{"a.md": "[[Note]]", "note.md": "x"})
	if r := linkTo(t, ix, "a.md", "[[Note]]"); r.Status != NoSuchNote {
		t.Fatalf("before: %v", r.Status)
	}
	c := ix.SetNote(p.Parse("Note.md", "x", 2))
	wantChanged(t, c, "a.md")
	if r := linkTo(t, ix, "a.md", "[[Note]]"); r.Status != Resolved || r.Target.Path != "Note.md" || r.Target.Stem() != "Note" {
		t.Errorf("after: %v %+v", r.Status, r.Target)
	}
}

func TestIndexSecondNameMakesAmbiguous(t *testing.T) {
	p := NewParser()
	ix := testIndex(t, obsidianConfig, map[string]string{
		"a.md":       "[[dup]]",
		"x/dup.md":   "x",
		"x/other.md": "[[dup]]",
	})
	if r := linkTo(t, ix, "a.md", "[[dup]]"); r.Status != Resolved {
		t.Fatalf("before: %v", r.Status)
	}
	c := ix.SetNote(p.Parse("y/dup.md", "y", 1))
	wantChanged(t, c, "a.md")
	if slices.Contains(changedPaths(c), "x/other.md") {
		t.Errorf("x/other.md prefers its own folder, its link did not change: %v", changedPaths(c))
	}
	r := linkTo(t, ix, "a.md", "[[dup]]")
	if r.Status != Ambiguous || len(r.Candidates) != 2 || r.Target == nil || r.Target.Path != "x/dup.md" {
		t.Errorf("after: %v %v %v", r.Status, r.Target, r.Candidates)
	}
	if r := linkTo(t, ix, "x/other.md", "[[dup]]"); r.Status != Resolved || r.Target.Path != "x/dup.md" {
		t.Errorf("same folder: %v %v", r.Status, r.Target)
	}
	// Both candidates' backlinks: only the one Obsidian picks.
	if got := backlinkPaths(ix, "y/dup.md"); len(got) != 0 {
		t.Errorf("y/dup.md backlinks %v", got)
	}
	c = ix.Remove("x/dup.md")
	wantChanged(t, c, "a.md", "x/other.md")
	if r := linkTo(t, ix, "a.md", "[[dup]]"); r.Status != Resolved || r.Target.Path != "y/dup.md" {
		t.Errorf("after remove: %v %v", r.Status, r.Target)
	}
}

func TestIndexQuartzGeneratedPages(t *testing.T) {
	p := NewParser()
	cfg := Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzShortest}
	ix := testIndex(t, cfg, map[string]string{
		"a.md": "[[tags/topic]] [[tags/area]] [[projects]] [[projects/]]",
		"b.md": "no tags yet",
	})
	for _, w := range []string{"[[tags/topic]]", "[[tags/area]]", "[[projects]]", "[[projects/]]"} {
		if r := linkTo(t, ix, "a.md", w); r.OK() {
			t.Fatalf("before: %s resolves", w)
		}
	}
	// A nested tag makes the page of its parent too.
	c := ix.SetNote(p.Parse("b.md", "#area/topic", 2))
	wantChanged(t, c, "a.md")
	if r := linkTo(t, ix, "a.md", "[[tags/area]]"); r.Status != Resolved || r.Page != "tag" {
		t.Errorf("tags/area: %v %q", r.Status, r.Page)
	}
	if r := linkTo(t, ix, "a.md", "[[tags/topic]]"); r.OK() {
		t.Errorf("tags/topic is no tag, area/topic is")
	}
	c = ix.SetNote(p.Parse("projects/p.md", "p", 1))
	wantChanged(t, c, "a.md")
	if r := linkTo(t, ix, "a.md", "[[projects]]"); r.Status != Resolved || r.Page != "folder" {
		t.Errorf("projects: %v %q", r.Status, r.Page)
	}
	c = ix.SetNote(p.Parse("projects/index.md", "# Projects", 1))
	wantChanged(t, c, "a.md")
	if r := linkTo(t, ix, "a.md", "[[projects/]]"); r.Target == nil || r.Target.Path != "projects/index.md" {
		t.Errorf("projects/ with an index: %v %v", r.Status, r.Target)
	}
	// The tag goes: its page goes.
	c = ix.SetNote(p.Parse("b.md", "untagged", 3))
	wantChanged(t, c, "a.md")
	if r := linkTo(t, ix, "a.md", "[[tags/area]]"); r.OK() {
		t.Errorf("tags/area after the tag went: %v %q", r.Status, r.Page)
	}
	ix.Remove("projects/index.md")
	c = ix.Remove("projects/p.md")
	wantChanged(t, c, "a.md")
	if r := linkTo(t, ix, "a.md", "[[projects]]"); r.OK() {
		t.Errorf("projects after the folder emptied: %v %q", r.Status, r.Page)
	}
}

func TestIndexBacklinksAndTagsAfterEdits(t *testing.T) {
	p := NewParser()
	ix := testIndex(t, obsidianConfig, map[string]string{
		"hub.md": "# Hub #topic",
		"a.md":   "[[hub]] #topic",
		"b.md":   "[[hub#Hub]] [[hub]]",
	})
	ix.SetNote(p.Parse("a.md", "no link now #Other", 2))
	ix.SetNote(p.Parse("c.md", "[[Hub]] #topic", 1))
	ix.Remove("b.md")
	ix.SetNote(p.Parse("b.md", "[x](hub.md)", 3))
	if got, want := backlinkPaths(ix, "hub.md"), []string{"b.md [x](hub.md)", "c.md [[Hub]]"}; !slices.Equal(got, want) {
		t.Errorf("backlinks %q, want %q", got, want)
	}
	s := ix.Snapshot()
	defer s.Release()
	if got := fmt.Sprint(s.Tags()); got != "[{Other 1} {topic 2}]" {
		t.Errorf("tags %s", got)
	}
	var notes []string
	for _, f := range s.TagNotes("#TOPIC") {
		notes = append(notes, f.Path)
	}
	if !slices.Equal(notes, []string{"c.md", "hub.md"}) {
		t.Errorf("tag notes %v", notes)
	}
}

// incrementalUniverse is what the random edit sequences draw from: names that
// collide across folders and in letter case, index notes, aliases, tags and
// tag pages, relative and root links, assets.
var (
	universeNotes = []string{
		"a.md", "A.md", "b.md", "index.md", "Space Name.md", "hub.md",
		"d/a.md", "d/c.md", "d/index.md", "d/e/b.md", "d/e/Hub.md", "e/a.md", "e/space name.md", "f/g/h.md",
	}
	universeAssets = []string{"img.png", "d/img.png", "e/doc.pdf"}
	universeBits   = []string{
		"[[a]]", "[[A]]", "[[b#H1]]", "[[a#^blk]]", "[[index]]", "[[d/]]", "[[d]]", "[[e]]", "[[f/g]]",
		"[[tags/x]]", "[[tags/y]]", "[[tags/y/z]]", "[[Space Name]]", "[[space name]]", "[[Alias One]]",
		"[[hub]]", "[[Hub#H2]]", "[[d/e/b]]", "[[e/a]]", "[[h]]", "[[c#H1]]", "[[#H1]]", "[[#^blk]]",
		"[x](../a.md)", "[x](./c.md)", "[x](/b.md)", "[x](a.md#h1)", "[x](img.png)", "![[img.png]]",
		"![[doc.pdf]]", "[x](Space%20Name.md)", "[x](../../index.md)", "[x](e/b)", "[r]\n\n[r]: hub.md\n",
		"# H1\n", "## H2\n", "#x", "#y/z", "#Y", "#topic", "para ^blk\n", "plain text\n",
	}
	universeHeads = []string{"", "", "---\naliases: [Alias One]\n---\n", "---\ntags: [x]\n---\n", "---\naliases: [Hub]\ntags: [y, topic]\n---\n",
		"---\nstatus: seedling\npublish: true\n---\n", "---\nstatus: budding\ntype: book\ntags: [x]\n---\n", "---\ntype: 'book'\nstatus:\n---\n"}
)

func randomNoteText(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString(universeHeads[r.IntN(len(universeHeads))])
	for n := r.IntN(7); n >= 0; n-- {
		b.WriteString(universeBits[r.IntN(len(universeBits))])
		b.WriteString(" ")
	}
	return b.String()
}

// modelVault is the vault an edit sequence has produced, to build afresh.
type modelVault struct {
	files map[string]modelFile // folded path → file, as the index identifies files
}

type modelFile struct {
	path, text string
	note       bool
}

func (m *modelVault) notePaths() []string {
	var out []string
	for _, f := range m.files {
		if f.note {
			out = append(out, f.path)
		}
	}
	sort.Strings(out)
	return out
}

func (m *modelVault) build(cfg Config) *Index {
	p := NewParser()
	var notes []*Note
	var assets []string
	for _, f := range m.files {
		if f.note {
			notes = append(notes, p.Parse(f.path, f.text, 1))
		} else {
			assets = append(assets, f.path)
		}
	}
	ix := NewIndex(cfg)
	ix.Bulk(notes, assets)
	return ix
}

// applyRandomEdit makes one random edit to both the index and the model and
// returns what the index said changed and a description of the edit.
func applyRandomEdit(r *rand.Rand, p *Parser, ix *Index, m *modelVault) (Changed, string) {
	existing := m.notePaths()
	switch k := r.IntN(10); {
	case k < 5 || len(existing) == 0:
		path := universeNotes[r.IntN(len(universeNotes))]
		text := randomNoteText(r)
		m.files[fold(path)] = modelFile{path, text, true}
		return ix.SetNote(p.Parse(path, text, 1)), fmt.Sprintf("SetNote(%s, %q)", path, text)
	case k < 7:
		path := existing[r.IntN(len(existing))]
		if r.IntN(4) == 0 {
			for _, f := range m.files {
				if !f.note {
					path = f.path
				}
			}
		}
		delete(m.files, fold(path))
		return ix.Remove(path), fmt.Sprintf("Remove(%s)", path)
	case k < 8:
		path := universeAssets[r.IntN(len(universeAssets))]
		if _, ok := m.files[fold(path)]; !ok {
			m.files[fold(path)] = modelFile{path: path}
		}
		return ix.SetFile(path), fmt.Sprintf("SetFile(%s)", path)
	default:
		from := existing[r.IntN(len(existing))]
		to := universeNotes[r.IntN(len(universeNotes))]
		text := m.files[fold(from)].text
		delete(m.files, fold(from))
		m.files[fold(to)] = modelFile{to, text, true}
		return ix.Rename(from, p.Parse(to, text, 1), to), fmt.Sprintf("Rename(%s → %s)", from, to)
	}
}

// indexState prints everything an index answers, in a canonical order, so
// that an incrementally updated index can be compared with a fresh one.
func indexState(ix *Index) map[string]string {
	s := ix.Snapshot()
	defer s.Release()
	out := map[string]string{}
	var b strings.Builder
	for _, f := range s.Files() {
		b.Reset()
		fmt.Fprintf(&b, "stem=%s keys=%v\n", f.Stem(), f.keys)
		if f.Note != nil {
			res := f.resolved
			for i := range f.Note.Links() {
				st := "-"
				if i < len(res) {
					st = fmt.Sprintf("%v %v %d", res[i].status, filePath(res[i].target), res[i].candidates)
				}
				fmt.Fprintf(&b, "link %d: %s | stored %s\n", i, describeResolution(s.Resolve(f, i)), st)
			}
		}
		for _, r := range s.Backlinks(f) {
			fmt.Fprintf(&b, "backlink %s %d anchored=%v\n", r.From.Path, r.Index, r.anchored)
		}
		out[f.Path] = b.String()
	}
	out["#tags"] = fmt.Sprint(s.Tags())
	out["#fields"] = fmt.Sprint(s.Fields())
	for _, fc := range s.Fields() {
		values, ok := s.FieldValues(fc.Key)
		out["#field "+fc.Key] = fmt.Sprint(values, ok)
	}
	for _, tc := range s.Tags() {
		var ps []string
		for _, f := range s.TagNotes(tc.Name) {
			ps = append(ps, f.Path)
		}
		out["#tag "+tc.Name] = fmt.Sprint(ps)
	}
	var missing []string
	for _, m := range s.Missing() {
		missing = append(missing, fmt.Sprintf("%s×%d", m.Name, m.Count))
	}
	out["#missing"] = fmt.Sprint(missing)
	// The list completion scans holds the map's entries, each where it says.
	lists := "consistent"
	if len(s.ix.missingList) != len(s.ix.missing) || len(s.ix.missingNames) != len(s.ix.missing) {
		lists = fmt.Sprintf("%d listed, %d names, %d in the map", len(s.ix.missingList), len(s.ix.missingNames), len(s.ix.missing))
	}
	for i, m := range s.ix.missingList {
		if m.at != i || s.ix.missing[m.folded] != m || s.ix.missingNames[i] != (missingName{CharMask(m.folded), PairMask(m.folded), m.folded}) {
			lists = fmt.Sprintf("entry %d (%s) is out of place", i, m.folded)
		}
	}
	out["#missing lists"] = lists
	out["#folders"] = fmt.Sprint(s.ix.folders)
	out["#tagPages"] = fmt.Sprint(s.ix.tagPages)
	for k, e := range s.ix.byName {
		if len(e.files) == 0 && len(e.mentions) == 0 {
			out["#empty entry "+k] = "kept" // an entry with nothing under it is a leak
		}
		if len(e.files) > 0 {
			out["#byName "+k] = fmt.Sprint(sortedPaths(e.files))
		}
		if len(e.mentions) > 0 {
			out["#mentions "+k] = fmt.Sprint(sortedPaths(e.mentions))
		}
	}
	return out
}

func filePath(f *File) string {
	if f == nil {
		return "<nil>"
	}
	return f.Path
}

func sortedPaths(fs []*File) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path)
	}
	sort.Strings(out)
	return out
}

// noteResolutions is every note's full resolutions (fragments included).
func noteResolutions(ix *Index) map[string]string {
	s := ix.Snapshot()
	defer s.Release()
	out := map[string]string{}
	for _, f := range s.Notes() {
		var b strings.Builder
		for i := range f.Note.Links() {
			b.WriteString(describeResolution(s.Resolve(f, i)) + "\n")
		}
		out[f.Path] = b.String()
	}
	return out
}

func diffStates(want, got map[string]string) string {
	var b strings.Builder
	keys := map[string]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	for _, k := range slices.Sorted(mapKeys(keys)) {
		if want[k] != got[k] {
			fmt.Fprintf(&b, "%s:\n  fresh:       %q\n  incremental: %q\n", k, want[k], got[k])
		}
	}
	return b.String()
}

var incrementalConfigs = []struct {
	name string
	cfg  Config
}{
	{"obsidian", obsidianConfig},
	{"quartz-shortest", Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzShortest}},
	{"quartz-absolute", Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzAbsolute}},
	{"quartz-relative", Config{Profiles: []Profile{ProfileQuartz}, QuartzResolution: QuartzRelative}},
	{"commonmark", Config{Profiles: []Profile{ProfileCommonMark}}},
}

// TestIndexIncrementalMatchesFresh applies random sequences of edits and,
// after each, compares the index with one built from scratch from the same
// files: every resolution, backlink, tag, missing name and lookup table. It
// also checks Changed: every note whose resolutions differ after the edit
// must be in it.
func TestIndexIncrementalMatchesFresh(t *testing.T) {
	seeds, steps := 12, 120
	if testing.Short() {
		seeds, steps = 3, 60
	}
	for _, c := range incrementalConfigs {
		t.Run(c.name, func(t *testing.T) {
			p := NewParser()
			for seed := range seeds {
				r := rand.New(rand.NewPCG(uint64(seed), 7))
				m := &modelVault{files: map[string]modelFile{}}
				ix := m.build(c.cfg)
				var history []string
				for step := range steps {
					before := noteResolutions(ix)
					changed, what := applyRandomEdit(r, p, ix, m)
					history = append(history, what)
					after := noteResolutions(ix)
					for path, res := range after {
						if old, ok := before[path]; ok && old != res && !slices.Contains(changedPaths(changed), path) {
							t.Fatalf("seed %d step %d: %s changed resolutions but is not in Changed %v\nbefore:\n%s\nafter:\n%s\nedits:\n\t%s",
								seed, step, path, changedPaths(changed), old, res, strings.Join(history, "\n\t"))
						}
					}
					if d := diffStates(indexState(m.build(c.cfg)), indexState(ix)); d != "" {
						t.Fatalf("seed %d step %d: incremental index differs from a fresh one:\n%s\nedits:\n\t%s",
							seed, step, d, strings.Join(history, "\n\t"))
					}
				}
			}
		})
	}
}

// TestIndexConcurrentReaders has readers take snapshots and resolve while a
// writer edits; run with -race.
func TestIndexConcurrentReaders(t *testing.T) {
	p := NewParser()
	cfg := Config{Profiles: []Profile{ProfileObsidian, ProfileQuartz}, QuartzResolution: QuartzShortest}
	m := &modelVault{files: map[string]modelFile{}}
	r := rand.New(rand.NewPCG(1, 2))
	for _, path := range universeNotes {
		m.files[fold(path)] = modelFile{path, randomNoteText(r), true}
	}
	ix := m.build(cfg)
	steps := 400
	if testing.Short() {
		steps = 100
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				s := ix.Snapshot()
				for _, f := range s.Notes() {
					for i := range f.Note.Links() {
						res := s.Resolve(f, i)
						_ = s.ResolveAs(ProfileQuartz, f, i)
						if res.Target != nil {
							_ = res.Target.Path
							_ = s.BacklinkCount(res.Target)
						}
					}
					for _, bl := range s.Backlinks(f) {
						_ = bl.Link().Target
					}
				}
				_ = s.Tags()
				_ = s.Missing()
				_ = s.Similar("hubb", 3)
				_ = s.ByName("a")
				s.Release()
			}
		}()
	}
	for range steps {
		applyRandomEdit(r, p, ix, m)
	}
	close(done)
	wg.Wait()
	if d := diffStates(indexState(m.build(cfg)), indexState(ix)); d != "" {
		t.Fatalf("after concurrent edits the index differs from a fresh one:\n%s", d)
	}
}

// A load's index making stops when its context is done (a newer load made it
// useless) and says so; the same notes made to the end resolve.
func TestBulkStopsWhenCancelled(t *testing.T) {
	p := NewParser()
	notes := []*Note{p.Parse("a.md", "# A\n\n[[b]]\n", 1), p.Parse("b.md", "# B\n", 1)}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := NewIndex(obsidianConfig).bulk(ctx, notes, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("bulk with its context done: %v, want %v", err, context.Canceled)
	}
	ix := NewIndex(obsidianConfig)
	if err := ix.bulk(context.Background(), []*Note{p.Parse("a.md", "# A\n\n[[b]]\n", 1), p.Parse("b.md", "# B\n", 1)}, nil); err != nil {
		t.Fatal(err)
	}
	snap := ix.Snapshot()
	defer snap.Release()
	if refs := snap.Backlinks(snap.File("b.md")); len(refs) != 1 {
		t.Errorf("b.md has %d backlinks after a whole bulk, want 1", len(refs))
	}
}
