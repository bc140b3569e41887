package server

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// Document is one open document as the client last sent it. It is immutable: a
// change makes a new Document, so a request can hold one while edits arrive.
type Document struct {
	// URI is exactly as the client sent it; replies about this document use it
	// unchanged, so the client recognises it.
	URI        protocol.DocumentURI
	LanguageID string
	Version    int32
	Text       string
	Lines      *LineIndex
	// Path is the file path of a file: URI, "" for other schemes (untitled:, …).
	Path string
}

func newDocument(u protocol.DocumentURI, languageID string, version int32, text string) *Document {
	p, _ := uriFilename(u)
	return &Document{URI: u, LanguageID: languageID, Version: version, Text: text, Lines: NewLineIndex(text), Path: p}
}

// documents is the open-document store, keyed by the URI string the client sent.
// Changes come from the (serialized) text-sync notifications; reads come from
// concurrent requests.
type documents struct {
	mu     sync.RWMutex
	byURI  map[protocol.DocumentURI]*Document
	byPath map[string]*Document
}

func newDocuments() *documents {
	return &documents{byURI: map[protocol.DocumentURI]*Document{}, byPath: map[string]*Document{}}
}

// Get returns the open document with this URI, or nil.
func (ds *documents) Get(u protocol.DocumentURI) *Document {
	ds.mu.RLock()
	defer ds.mu.RUnlock()
	return ds.byURI[u]
}

// ByPath returns the open document for a file path, or nil.
func (ds *documents) ByPath(path string) *Document {
	ds.mu.RLock()
	defer ds.mu.RUnlock()
	return ds.byPath[path]
}

// All returns the open documents, sorted by URI.
func (ds *documents) All() []*Document {
	ds.mu.RLock()
	all := make([]*Document, 0, len(ds.byURI))
	for _, d := range ds.byURI {
		all = append(all, d)
	}
	ds.mu.RUnlock()
	sort.Slice(all, func(i, j int) bool { return all[i].URI < all[j].URI })
	return all
}

func (ds *documents) put(d *Document) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if old := ds.byURI[d.URI]; old != nil && old.Path != "" {
		delete(ds.byPath, old.Path)
	}
	ds.byURI[d.URI] = d
	if d.Path != "" {
		ds.byPath[d.Path] = d
	}
}

// change applies content changes, in order, to an open document.
func (ds *documents) change(u protocol.DocumentURI, version int32, changes []contentChange, enc Encoding) (*Document, error) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	old := ds.byURI[u]
	if old == nil {
		return nil, fmt.Errorf("change to %s, which is not open", u)
	}
	text := applyChanges(old.Text, old.Lines, enc, changes)
	d := &Document{URI: old.URI, LanguageID: old.LanguageID, Version: version, Text: text, Lines: NewLineIndex(text), Path: old.Path}
	ds.byURI[u] = d
	if d.Path != "" {
		ds.byPath[d.Path] = d
	}
	return d, nil
}

// remove closes a document; it reports whether it was open.
func (ds *documents) remove(u protocol.DocumentURI) bool {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	d := ds.byURI[u]
	if d == nil {
		return false
	}
	delete(ds.byURI, u)
	if d.Path != "" && ds.byPath[d.Path] == d {
		delete(ds.byPath, d.Path)
	}
	return true
}

// applyChanges applies LSP content changes in order: each range is in the text
// left by the previous change, in the negotiated encoding. A change without a
// range replaces the whole text.
func applyChanges(text string, lines *LineIndex, enc Encoding, changes []contentChange) string {
	for i, c := range changes {
		if c.Range == nil {
			text = c.Text
		} else {
			start, end := lines.OffsetRange(enc, *c.Range)
			var b strings.Builder
			b.Grow(len(text) - (end - start) + len(c.Text))
			b.WriteString(text[:start])
			b.WriteString(c.Text)
			b.WriteString(text[end:])
			text = b.String()
		}
		if i+1 < len(changes) {
			lines = NewLineIndex(text)
		}
	}
	return text
}

// uriFilename is the file path of a file: URI. uri.URI.Filename panics on
// anything else, so the same checks run first.
func uriFilename(u protocol.DocumentURI) (string, error) {
	parsed, err := url.ParseRequestURI(string(u))
	if err != nil {
		return "", fmt.Errorf("parsing URI %q: %w", u, err)
	}
	if parsed.Scheme != uri.FileScheme {
		return "", fmt.Errorf("URI %q is not a file: URI", u)
	}
	return uri.URI(u).Filename(), nil
}

// URIForPath is the URI to send the client for a file: the URI it opened the file
// under if it is open (so the editor matches it to its buffer), else a file: URI.
func (s *Server) URIForPath(path string) protocol.DocumentURI {
	if d := s.docs.ByPath(path); d != nil {
		return d.URI
	}
	return fileURI(path)
}

// Document returns the open document with this URI, or nil.
func (s *Server) Document(u protocol.DocumentURI) *Document { return s.docs.Get(u) }

// Documents returns every open document.
func (s *Server) Documents() []*Document { return s.docs.All() }

// Offset converts a position in d, in the negotiated encoding, to a byte offset:
// the first step of every feature adapter.
func (s *Server) Offset(d *Document, p protocol.Position) int {
	return d.Lines.Offset(s.Session().Encoding, p)
}

// Range converts a byte range of d to a protocol range in the negotiated
// encoding. For a file that is not open, use NewLineIndex on its text.
func (s *Server) Range(d *Document, start, end int) protocol.Range {
	return d.Lines.Range(s.Session().Encoding, start, end)
}
