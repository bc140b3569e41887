package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// check reads and writes the note cache only when --cache asks, and its
// findings are the same either way.
func TestCheckCache(t *testing.T) {
	base := t.TempDir()
	t.Setenv("RHIZOME_CACHE_DIR", base)
	t.Chdir("../..") // once: runIn would climb again on every call
	runIn := func(t *testing.T, args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	files := func() []string {
		found, _ := filepath.Glob(filepath.Join(base, "*", "*"))
		return found
	}
	code, plain, _ := runIn(t, "check", "--format", "json", "examples/garden")
	if code != 1 || len(files()) != 0 {
		t.Fatalf("without --cache: exit %d, cache files %v; want 1 and none", code, files())
	}
	var first os.FileInfo
	for i := range 2 {
		code, out, errOut := runIn(t, "check", "--cache", "--format", "json", "examples/garden")
		if code != 1 || out != plain || errOut != "" {
			t.Errorf("--cache run %d: exit %d, stderr %q, findings differ: %v", i+1, code, errOut, out != plain)
		}
		got := files()
		if len(got) != 1 || filepath.Base(got[0]) != "notes.cache" {
			t.Fatalf("--cache run %d: cache files %v, want one notes.cache", i+1, got)
		}
		fi, err := os.Stat(got[0])
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = fi
		} else if !os.SameFile(first, fi) {
			t.Error("the second run rewrote the cache of an unchanged vault")
		}
	}
	// A cache folder that cannot be made is reported, and the check goes on.
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RHIZOME_CACHE_DIR", blocker)
	code, out, errOut := runIn(t, "check", "--cache", "--format", "json", "examples/garden")
	if code != 1 || out != plain || errOut == "" {
		t.Errorf("unwritable cache: exit %d, stderr %q, findings differ: %v; want exit 1, the problem on stderr, the same findings", code, errOut, out != plain)
	}
}
