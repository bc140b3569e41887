package server

import (
	"path/filepath"
	"testing"

	"go.lsp.dev/uri"
)

// fileURI is uri.File's URI, whatever the path: escaped here when it is
// absolute and clean, by uri.File otherwise.
func TestFileURI(t *testing.T) {
	for _, p := range []string{
		"/", "/a", "/tmp/v/Note.md", "/tmp/v/a b/c d.md", "/v/100% sure?.md", "/v/#tag#.md",
		"/v/naïve café.md", "/v/日本語.md", "/v/a+b=c;d,e@f:g$h&i~j.md", "/v/a\\b.md", "/v/[x] (y) {z}.md",
		"/v/quote\"s'.md", "/v/tab\there.md", "/v/emoji 🌱.md",
		// Not clean or not absolute: uri.File's own way.
		"/v//a.md", "/v/./a.md", "/v/../a.md", "/v/a/", "v/a.md", "", "/v/a/..",
	} {
		if got, want := fileURI(p), uri.File(p); got != want {
			t.Errorf("fileURI(%q) = %q, want %q", p, got, want)
		}
	}
}

func FuzzFileURI(f *testing.F) {
	for _, p := range []string{"/tmp/v/a b.md", "/v/%?#", "/", "/v/naïve.md", "/a//b", "/a/./b/.."} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if filepath.Separator != '/' {
			t.Skip("uri.File prefixes drive letters")
		}
		if got, want := fileURI(p), uri.File(p); got != want {
			t.Fatalf("fileURI(%q) = %q, want %q", p, got, want)
		}
	})
}
