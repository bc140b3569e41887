package analysis

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", name, want, got)
	}
}

// renderDiagnostics prints every diagnostic of the vault, one a line, with
// the text it covers and its fixes.
func renderDiagnostics(t *testing.T, v *testVault) string {
	var b strings.Builder
	sev := defaultSeverities(t)
	notes := v.snap.Notes()
	all := DiagnoseAll(v.snap, notes, sev)
	for i, f := range notes {
		lines := workspace.NewLines(f.Note.Text)
		for _, d := range all[i] {
			line, col := lines.LineCol(d.Span.Start)
			fmt.Fprintf(&b, "%s:%d:%d %s %s %q: %s\n", f.Path, line, col, d.Severity, d.Code, f.Note.Text[d.Span.Start:d.Span.End], d.Message)
			for _, fix := range d.Fixes {
				fmt.Fprintf(&b, "\tfix %q: %q -> %q\n", fix.Title, f.Note.Text[fix.Span.Start:fix.Span.End], fix.NewText)
			}
		}
	}
	return b.String()
}

func TestDiagnoseGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  workspace.Config
	}{
		{"obsidian", workspace.Config{Profiles: []workspace.Profile{"obsidian"}}},
		{"obsidian+quartz", workspace.Config{Profiles: []workspace.Profile{"obsidian", "quartz"}, ExplicitPublish: true}},
		{"commonmark", workspace.Config{Profiles: []workspace.Profile{"commonmark"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := loadVault(t, "diagnose.txtar", tc.cfg)
			golden(t, "diagnose."+tc.name+".golden", renderDiagnostics(t, v))
		})
	}
}

func TestSeveritiesConfig(t *testing.T) {
	v := loadVault(t, "diagnose.txtar", workspace.Config{})
	sev, err := Severities(map[string]string{"broken-link": "off", "broken-anchor": "error"})
	if err != nil {
		t.Fatal(err)
	}
	f := v.file(t, "index.md")
	for _, d := range Diagnose(v.snap, f, sev) {
		if d.Code == "broken-link" {
			t.Errorf("broken-link reported although off: %s", d.Message)
		}
		if d.Code == "broken-anchor" && d.Severity != SeverityError {
			t.Errorf("broken-anchor at %v, want error", d.Severity)
		}
	}
	if _, err := Severities(map[string]string{"no-such-code": "error"}); err == nil || !strings.Contains(err.Error(), "no-such-code") {
		t.Errorf("unknown code: err = %v", err)
	}
	if _, err := Severities(map[string]string{"broken-link": "loud"}); err == nil || !strings.Contains(err.Error(), "loud") {
		t.Errorf("unknown severity: err = %v", err)
	}
}

// A link broken under the primary profile says where the other configured
// profiles take it.
func TestBrokenLinkNamesOtherProfiles(t *testing.T) {
	v := buildVault(t, "-- a.md --\nSee [[feedback loop]].\n-- Feedback Loop.md --\n# Feedback Loop\n",
		workspace.Config{Profiles: []workspace.Profile{workspace.ProfileQuartz, workspace.ProfileObsidian}})
	f := v.file(t, "a.md")
	if r := v.snap.Resolve(f, 0); r.OK() || len(r.ResolvesUnder) != 1 || r.ResolvesUnder[0] != workspace.ProfileObsidian {
		t.Errorf("resolution %+v, want broken under quartz, resolving under obsidian", r)
	}
	diags := Diagnose(v.snap, f, defaultSeverities(t))
	if len(diags) != 1 || diags[0].Code != "broken-link" || !strings.Contains(diags[0].Message, "(obsidian resolves it to Feedback Loop.md)") {
		t.Errorf("diagnostics %+v", diags)
	}
}

// A line too long to read as markdown is reported where its links would be,
// and its links, unread, are not reported broken.
func TestLongLineReported(t *testing.T) {
	long := strings.Repeat("[[nowhere]] ", workspace.MaxLineBytes/12+1)
	v := buildVault(t, "-- a.md --\nSee [[b]].\n"+long+"\n-- b.md --\n# B\n", workspace.Config{})
	f := v.file(t, "a.md")
	diags := Diagnose(v.snap, f, defaultSeverities(t))
	if len(diags) != 1 {
		t.Fatalf("diagnostics %+v, want one long-line", diags)
	}
	d := diags[0]
	start := strings.Index(f.Note.Text, long)
	if d.Code != "long-line" || d.Severity != SeverityWarning || d.Span != (workspace.Span{Start: start, End: start + len(long)}) ||
		!strings.Contains(d.Message, fmt.Sprintf("this line is %d bytes long", len(long))) {
		t.Errorf("got %s %v %v %q", d.Code, d.Severity, d.Span, d.Message)
	}
}
