package analysis

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// cursor marks the offset a test asks about; it is removed before parsing.
const cursor = "‸"

// testVault is a vault written as one txtar-like file: "-- path --" lines
// start each file. One file may hold the cursor mark.
type testVault struct {
	ix     *workspace.Index
	snap   *workspace.Snapshot
	cursor string // path of the note holding the cursor
	offset int
}

func loadVault(t *testing.T, name string, cfg workspace.Config) *testVault {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return buildVault(t, string(data), cfg)
}

func buildVault(t *testing.T, archive string, cfg workspace.Config) *testVault {
	t.Helper()
	if len(cfg.Profiles) == 0 {
		cfg.Profiles = []workspace.Profile{workspace.ProfileObsidian}
	}
	if cfg.QuartzResolution == "" {
		cfg.QuartzResolution = workspace.QuartzShortest
	}
	v := &testVault{offset: -1}
	p := workspace.NewParser()
	var notes []*workspace.Note
	var assets []string
	for _, part := range strings.Split("\n"+archive, "\n-- ")[1:] {
		head, body, ok := strings.Cut(part, " --\n")
		if !ok {
			head = strings.TrimSuffix(strings.TrimSpace(part), " --")
		}
		if i := strings.Index(body, cursor); i >= 0 {
			v.cursor, v.offset = head, i
			body = body[:i] + body[i+len(cursor):]
		}
		if workspace.IsNotePath(head) {
			notes = append(notes, p.Parse(head, body, 1))
		} else {
			assets = append(assets, head)
		}
	}
	v.ix = workspace.NewIndex(cfg)
	v.ix.Bulk(notes, assets)
	v.snap = v.ix.Snapshot()
	t.Cleanup(func() { v.snap.Release() })
	return v
}

func (v *testVault) file(t *testing.T, p string) *workspace.File {
	t.Helper()
	f := v.snap.File(p)
	if f == nil {
		t.Fatalf("no file %s in test vault", p)
	}
	return f
}

// at returns the note holding the cursor and the cursor's offset.
func (v *testVault) at(t *testing.T) (*workspace.File, int) {
	t.Helper()
	if v.offset < 0 {
		t.Fatal("test vault has no cursor mark " + cursor)
	}
	return v.file(t, v.cursor), v.offset
}

func defaultSeverities(t *testing.T) map[string]Severity {
	t.Helper()
	s, err := Severities(nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// editGoesAhead sets the note at path to text in v's index, from another
// goroutine, and says whether it was done within ten seconds; it is called
// while a search reads without the index's lock, and the edit would wait
// for the search to end if it held it.
func editGoesAhead(t *testing.T, v *testVault, path, text string) bool {
	t.Helper()
	done := make(chan struct{})
	go func() {
		v.ix.SetNote(workspace.NewParser().Parse(path, text, 2))
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(10 * time.Second):
		t.Error("the edit waited for the search")
		return false
	}
}
