package analysis

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// fieldsVault loads testdata/fields.txtar with a CRLF note (kept out of the
// file, whose line ends an editor or git could change) and here.md, which
// holds the cursor.
func fieldsVault(t *testing.T, note string) (*testVault, *workspace.File, int) {
	t.Helper()
	base, err := os.ReadFile("testdata/fields.txtar")
	if err != nil {
		t.Fatal(err)
	}
	crlf := "-- notes/crlf.md --\n---\r\nstatus: budding\r\npublish: true\r\n---\r\n# CRLF\r\n"
	v := buildVault(t, string(base)+crlf+"-- here.md --\n"+note, workspace.Config{})
	f, off := v.at(t)
	return v, f, off
}

var frontmatterCases = []struct{ name, note string }{
	{"keys on a new line", "---\ntitle: Here\n‸\n---\n# Here\n"},
	{"keys filtered", "---\nty‸\n---\n"},
	{"key renamed in place", "---\nsta‸tus: x\n---\n"},
	{"keys, CRLF", "---\r\ntitle: Here\r\nstatus: x\r\n‸\r\n---\r\n"},
	{"keys, BOM", "\ufeff---\n‸\n---\n"},
	{"keys in a broken header", "---\ndescription: Note: broken\nstatus: x\n‸\n---\n"},
	{"values", "---\nstatus: ‸\n---\n"},
	{"values filtered, the note's own left out", "---\nstatus: bu‸\n---\n"},
	{"value right after the colon", "---\ntype:‸\n---\n"},
	{"value replaced whole", "---\nstatus: see‸dling # a comment\n---\n"},
	{"value in an open quote", "---\nstatus: \"bu‸\n---\n"},
	{"value in closed quotes", "---\nstatus: 'bu‸'\n---\n"},
	{"values, CRLF", "---\r\ntype: b‸\r\n---\r\n"},
	{"values, BOM", "\ufeff---\ntype: ‸\n---\n"},
	{"values in a broken header", "---\ndescription: Note: broken\npublish: ‸\n---\n"},
	{"publish", "---\npublish: ‸\n---\n"},
	{"value that needs quotes", "---\nmotto: ‸\n---\n"},
	{"key as written", "---\nStatus: ‸\n---\n"},
	{"values mostly distinct (id)", "---\nid: ‸\n---\n"},
	{"no values for title", "---\ntitle: ‸\n---\n"},
	{"no values for a long-valued key", "---\nsource: ‸\n---\n"},
	{"no values in a list", "---\ntype: [bo‸\n---\n"},
	{"opening line", "---‸\ntitle: x\n---\n"},
	{"closing line", "---\ntitle: x\n‸---\n"},
	{"list item", "---\nauthor:\n  - ‸\n---\n"},
	{"comment", "---\n# ‸\n---\n"},
	{"body", "---\ntitle: x\n---\n‸\n"},
}

// TestCompleteFrontmatterGolden completes at each case's cursor over
// fields.txtar and prints every item: label, detail, the text inserted and
// the text it replaces.
func TestCompleteFrontmatterGolden(t *testing.T) {
	var b strings.Builder
	for _, tc := range frontmatterCases {
		v, f, off := fieldsVault(t, tc.note)
		list := Complete(t.Context(), v.snap, f, off)
		fmt.Fprintf(&b, "== %s: %q\n", tc.name, tc.note)
		for _, it := range list.Items {
			fmt.Fprintf(&b, "%s | %s | %q replaces %q\n", it.Label, it.Detail, it.NewText, f.Note.Text[it.Span.Start:it.Span.End])
		}
	}
	golden(t, "fields.golden", b.String())
}

// In a vault where no note has a header, the keys rhizome reads are still
// offered, with what they do, and publish's values are the booleans.
func TestCompleteFrontmatterEmptyVault(t *testing.T) {
	v := buildVault(t, "-- a.md --\n# A\n-- here.md --\n---\n‸\n---\n", workspace.Config{})
	f, off := v.at(t)
	var got []string
	for _, it := range Complete(t.Context(), v.snap, f, off).Items {
		got = append(got, it.Label+": "+it.Detail)
		if it.Kind != CompleteKey || it.NewText != it.Label+": " {
			t.Errorf("%s: kind %v, inserts %q", it.Label, it.Kind, it.NewText)
		}
	}
	want := []string{"aliases: " + builtinWhat("aliases"), "description: " + builtinWhat("description"),
		"publish: " + builtinWhat("publish"), "tags: " + builtinWhat("tags"), "title: " + builtinWhat("title")}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("keys:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	v = buildVault(t, "-- here.md --\n---\npublish: ‸\n---\n", workspace.Config{})
	f, off = v.at(t)
	if got := completionLabels(Complete(t.Context(), v.snap, f, off)); strings.Join(got, ",") != "false => false,true => true" {
		t.Errorf("publish values: %q", got)
	}
}

// The key list follows the index: a note edited, or removed, changes what
// is offered and the counts shown.
func TestCompleteFrontmatterFollowsEdits(t *testing.T) {
	p := workspace.NewParser()
	ix := workspace.NewIndex(workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}})
	here := "---\nstatus: ‸\n---\n"
	off := strings.Index(here, cursor)
	here = strings.Replace(here, cursor, "", 1)
	ix.Bulk([]*workspace.Note{
		p.Parse("a.md", "---\nstatus: seedling\n---\n", 1),
		p.Parse("b.md", "---\nstatus: seedling\n---\n", 1),
		p.Parse("c.md", "---\nstatus: budding\n---\n", 1),
		p.Parse("here.md", here, 1),
	}, nil)
	values := func() string {
		s := ix.Snapshot()
		defer s.Release()
		var out []string
		for _, it := range Complete(t.Context(), s, s.File("here.md"), off).Items {
			out = append(out, it.Label+" "+it.Detail)
		}
		return strings.Join(out, ", ")
	}
	for _, st := range []struct {
		do   func()
		want string
	}{
		{func() {}, "seedling in 2 notes, budding in 1 note"},
		{func() { ix.SetNote(p.Parse("c.md", "---\nstatus: evergreen\n---\n", 2)) }, "seedling in 2 notes, evergreen in 1 note"},
		{func() { ix.SetNote(p.Parse("a.md", "---\nstatus: evergreen\n---\n", 2)) }, "evergreen in 2 notes, seedling in 1 note"},
		{func() { ix.Remove("b.md") }, "evergreen in 2 notes"},
		{func() { ix.Remove("a.md"); ix.Remove("c.md") }, ""},
	} {
		st.do()
		if got := values(); got != st.want {
			t.Errorf("got %q, want %q", got, st.want)
		}
	}
}

func TestGrouped(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234: "1,234", 50000: "50,000", 1234567: "1,234,567"} {
		if got := grouped(n); got != want {
			t.Errorf("grouped(%d) = %q, want %q", n, got, want)
		}
	}
}
