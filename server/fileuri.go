package server

import (
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// fileURI is the file: URI of a path, for files the client has not opened:
// uri.File's. A path that is absolute and clean, as the vault's are, is
// escaped here directly: uri.File cleans it again (filepath.Abs) and builds
// a url.URL, which took 26 of the 38 µs of a note's document links (30
// links) and is paid for every location of references and workspace
// symbols too (BenchmarkDocumentLinkReply1k).
func fileURI(path string) protocol.DocumentURI {
	if filepath.Separator != '/' || !cleanAbs(path) {
		return uri.File(path)
	}
	// Most paths need no escape: their bytes are copied in runs.
	var b strings.Builder
	b.Grow(len("file://") + len(path) + 16)
	b.WriteString("file://")
	const hex = "0123456789ABCDEF"
	run := 0 // the start of the bytes not yet written
	for i := 0; i < len(path); i++ {
		if c := path[i]; !pathSafe(c) {
			b.WriteString(path[run:i])
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			run = i + 1
		}
	}
	b.WriteString(path[run:])
	return protocol.DocumentURI(b.String())
}

// pathSafe says whether net/url leaves c as it is in a path: letters,
// digits, "-_.~" and the reserved characters but '?'.
func pathSafe(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '_', '.', '~', '$', '&', '+', ',', '/', ':', ';', '=', '@':
		return true
	}
	return false
}

// cleanAbs says whether path is absolute and as filepath.Clean leaves it:
// no empty, "." or ".." element, no '/' at the end (but the root's).
func cleanAbs(path string) bool {
	if path == "" || path[0] != '/' {
		return false
	}
	if path == "/" {
		return true
	}
	for i := 0; i < len(path); {
		j := strings.IndexByte(path[i+1:], '/') + i + 1 // the next element's '/'
		if j == i {
			j = len(path)
		}
		switch path[i+1 : j] {
		case "", ".", "..":
			return false
		}
		i = j
	}
	return true
}
