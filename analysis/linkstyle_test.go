package analysis

import (
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// WikiName is the shortest path suffix that reaches the target from the
// linking note: the bare name when it is unique, more of the path when not,
// the whole path (extension included) for a file that is not a note.
func TestWikiName(t *testing.T) {
	v := buildVault(t, `-- here.md --
text
-- a/b/c.md --
-- x/c.md --
-- d/e.md --
-- p/q/r/s.md --
-- o/q/r/s.md --
-- img/p.png --
`, workspace.Config{})
	from := v.snap.File("here.md")
	for path, want := range map[string]string{
		"a/b/c.md":   "b/c",
		"x/c.md":     "x/c",
		"d/e.md":     "e",
		"p/q/r/s.md": "p/q/r/s",
		"img/p.png":  "p.png",
	} {
		if got := WikiName(v.snap, from, v.snap.File(path)); got != want {
			t.Errorf("WikiName(%s) = %q, want %q", path, got, want)
		}
	}
}
