package analysis

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// Completion in a vault whose notes were retitled (in letter case only too),
// given other aliases, added, removed and renamed offers what it offers in
// the same vault indexed afresh, item for item and in the same order: the
// tables it ranks from follow the changes instead of being built again.
func TestCompleteFollowsChanges(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	words := []string{"alpha", "Beta", "loop", "stock", "flow", "été", "ab"}
	title := func() string {
		n := 1 + r.IntN(3)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = words[r.IntN(len(words))]
		}
		return strings.Join(ws, " ")
	}
	note := func(title string) string {
		return fmt.Sprintf("---\ntitle: %q\naliases: [%q]\n---\nSee [[%s]] and [[Missing %d]].\n", title, title+" "+words[r.IntN(len(words))], title, r.IntN(20))
	}
	files := map[string]string{"img/alpha.png": ""}
	for i := range 150 {
		files[fmt.Sprintf("d%d/n%03d.md", i%4, i)] = note(title())
	}
	const typing = "typing.md"
	typed := []string{"[[", "[[al", "[[lo st", "[[bta", "[[été", "[x](", "[x](d1/", "[x](loop"}
	files[typing] = "# Typing\n\n" + strings.Join(typed, "\n") + "\n"

	ix := indexOf(files)
	completeEach(t, ix, typing, typed) // the tables are built
	p := workspace.NewParser()
	changes := 0
	for step := range 80 {
		var paths []string
		for path := range files {
			if workspace.IsNotePath(path) && path != typing {
				paths = append(paths, path)
			}
		}
		slices.Sort(paths)
		path := paths[r.IntN(len(paths))]
		switch r.IntN(5) {
		case 0:
			files[path] = note(title())
			ix.SetNote(p.Parse(path, files[path], 2))
		case 1:
			old := ix.Snapshot()
			t := old.File(path).Note.Title
			old.Release()
			first, size := utf8.DecodeRuneInString(t)
			upper := string(unicode.ToUpper(first)) + t[size:]
			files[path] = strings.Replace(files[path], fmt.Sprintf("title: %q", t), fmt.Sprintf("title: %q", upper), 1)
			ix.SetNote(p.Parse(path, files[path], 2))
		case 2:
			path = fmt.Sprintf("new/n%03d.md", step)
			files[path] = note(title())
			ix.SetNote(p.Parse(path, files[path], 1))
		case 3:
			delete(files, path)
			ix.Remove(path)
		case 4:
			to := fmt.Sprintf("moved/n%03d.md", step)
			files[to] = files[path]
			delete(files, path)
			ix.Rename(path, p.Parse(to, files[to], 1), to)
		}
		changes++
		got, want := completeEach(t, ix, typing, typed), completeEach(t, indexOf(files), typing, typed)
		for i := range typed {
			if got[i] != want[i] {
				t.Fatalf("after %d changes, %q offers\n%s\nwant\n%s", changes, typed[i], got[i], want[i])
			}
		}
	}
}

// indexOf indexes files (path → text) afresh.
func indexOf(files map[string]string) *workspace.Index {
	p := workspace.NewParser()
	var notes []*workspace.Note
	var assets []string
	for path, text := range files {
		if workspace.IsNotePath(path) {
			notes = append(notes, p.Parse(path, text, 1))
		} else {
			assets = append(assets, path)
		}
	}
	ix := workspace.NewIndex(workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}})
	ix.Bulk(notes, assets)
	return ix
}

// completeEach completes at the end of each line of note after its heading,
// one line per text typed, and renders each list.
func completeEach(t *testing.T, ix *workspace.Index, note string, typed []string) []string {
	t.Helper()
	snap := ix.Snapshot()
	defer snap.Release()
	f := snap.File(note)
	out := make([]string, len(typed))
	off := strings.Index(f.Note.Text, "\n\n") + 2
	for i, s := range typed {
		off += len(s)
		list := Complete(t.Context(), snap, f, off)
		if len(list.Items) == 0 {
			t.Fatalf("nothing offered after %q", s)
		}
		out[i] = fmt.Sprintf("incomplete=%v %s", list.Incomplete, strings.Join(completionLabels(list), "\n"))
		off++
	}
	return out
}
