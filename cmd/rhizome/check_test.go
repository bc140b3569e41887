package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// runIn runs the command line from the repository root, as a user would.
func runIn(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir("../..")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCheckGardenJSONGolden(t *testing.T) {
	code, out, errOut := runIn(t, "check", "--format", "json", "examples/garden")
	if code != 1 {
		t.Errorf("exit %d, want 1 (the garden has errors); stderr: %s", code, errOut)
	}
	golden := filepath.Join("cmd", "rhizome", "testdata", "garden.json") // relative to the repo root after runIn
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/rhizome -update)", err)
	}
	if out != string(want) {
		t.Errorf("check --format json differs from %s:\n%s", golden, out)
	}
}

// The example garden's README lists its deliberate mistakes; check must find
// exactly those, each once.
func TestCheckGardenMatchesItsReadme(t *testing.T) {
	code, out, _ := runIn(t, "check", "--format", "json", "examples/garden")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var res struct {
		Findings []finding
		Summary  summary
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("examples/garden/README.md")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range res.Findings {
		key := strings.TrimPrefix(f.Path, "examples/garden/") + ":" + strconv.Itoa(f.Line) + " " + f.Code
		if got[key] {
			t.Errorf("reported twice: %s", key)
		}
		got[key] = true
	}
	want := map[string]bool{}
	for _, line := range strings.Split(string(readme), "\n") {
		// Table rows: | `file` | line | link or text | code |
		cells := strings.Split(line, "|")
		if len(cells) < 6 || !strings.Contains(cells[1], ".md`") {
			continue
		}
		file := strings.Trim(strings.TrimSpace(cells[1]), "`")
		code := strings.TrimSpace(cells[len(cells)-2])
		want[file+":"+strings.TrimSpace(cells[2])+" "+code] = true
	}
	if len(want) < 8 {
		t.Fatalf("README lists only %d mistakes; the table format changed?", len(want))
	}
	for k := range want {
		if !got[k] {
			t.Errorf("README lists %s, check did not report it", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("check reported %s, which the README does not list", k)
		}
	}
}

func TestCheckTextAndGithubFormats(t *testing.T) {
	code, out, errOut := runIn(t, "check", "examples/garden")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(out, "examples/garden/concepts/Delay.md:11:28: error: no note or file \"Feedbak Loop\"; did you mean \"concepts/Feedback Loop.md\"? [broken-link]\n") {
		t.Errorf("text output lacks the Delay.md finding:\n%s", out)
	}
	if !strings.Contains(errOut, "30 notes, 125 links: 4 errors, 8 warnings") {
		t.Errorf("summary line missing from stderr: %q", errOut)
	}
	t.Chdir("cmd/rhizome") // runIn moves to the root again
	_, gh, _ := runIn(t, "check", "--format", "github", "examples/garden")
	if !strings.Contains(gh, "::error file=examples/garden/concepts/Delay.md,line=11,col=28,endLine=11,endColumn=44,title=broken-link::no note or file") {
		t.Errorf("github annotations:\n%s", gh)
	}
}

func TestCheckExitCodes(t *testing.T) {
	clean := t.TempDir()
	if err := os.WriteFile(filepath.Join(clean, "a.md"), []byte("# A\n\nSee [[b]].\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(clean, "b.md"), []byte("# B\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"clean vault", []string{"check", clean}, 0, "2 notes, 1 links: 0 errors, 0 warnings"},
		{"a single note", []string{"check", filepath.Join(clean, "a.md")}, 0, "1 notes, 1 links"},
		{"missing path", []string{"check", filepath.Join(clean, "nope")}, 2, "cannot read"},
		{"bad format", []string{"check", "--format", "xml", clean}, 2, "unknown --format"},
		{"bad profile", []string{"check", "--profile", "hugo", clean}, 2, "hugo"},
		{"unknown flag", []string{"check", "--frobnicate", clean}, 2, "frobnicate"},
		{"unknown command", []string{"chekc"}, 2, "unknown command"},
		{"no command", nil, 2, "Usage"},
		{"errors found", []string{"check", "examples/garden"}, 1, "4 errors"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runIn(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, errOut)
			}
			if !strings.Contains(errOut, tc.msg) {
				t.Errorf("stderr lacks %q: %s", tc.msg, errOut)
			}
		})
	}
}
