package server

import (
	"context"
	"errors"
	"fmt"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// Engine receives document events; the lead implements it in engine.go.
//
// The calls come in the order the client sent the notifications, one at a time,
// and the next message waits for each to return: an Engine must be quick (parse
// one note, update the index) and start anything longer with Server.Go.
type Engine interface {
	Initialized(ctx context.Context)
	DidOpen(ctx context.Context, uri protocol.DocumentURI, text string, version int32)
	DidChange(ctx context.Context, uri protocol.DocumentURI, text string, version int32)
	DidClose(ctx context.Context, uri protocol.DocumentURI)
	DidSave(ctx context.Context, uri protocol.DocumentURI)
}

// nopEngine is the Engine until the lead's is wired in: the transport runs
// without one.
type nopEngine struct{}

func (nopEngine) Initialized(context.Context) {}

func (nopEngine) DidOpen(context.Context, protocol.DocumentURI, string, int32)   {}
func (nopEngine) DidChange(context.Context, protocol.DocumentURI, string, int32) {}
func (nopEngine) DidClose(context.Context, protocol.DocumentURI)                 {}
func (nopEngine) DidSave(context.Context, protocol.DocumentURI)                  {}

// didChangeParams replaces protocol.DidChangeTextDocumentParams, whose change
// Range is a value: a full replacement and an insert at 0:0 would decode alike.
type didChangeParams struct {
	TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
	ContentChanges []contentChange                          `json:"contentChanges"`
}

// contentChange is one TextDocumentContentChangeEvent; a nil Range replaces the
// whole text. rangeLength is deprecated and ignored.
type contentChange struct {
	Range *protocol.Range `json:"range"`
	Text  string          `json:"text"`
}

var errNoURI = errors.New("textDocument.uri is empty")

func (s *Server) didOpen(ctx context.Context, p *protocol.DidOpenTextDocumentParams) error {
	td := p.TextDocument
	if td.URI == "" {
		return invalidParams(protocol.MethodTextDocumentDidOpen, errNoURI)
	}
	if s.docs.Get(td.URI) != nil {
		s.inflight.changed(td.URI)
		s.log.Debug("didOpen of an open document replaces it", zap.String("uri", string(td.URI)))
	}
	d := newDocument(td.URI, string(td.LanguageID), td.Version, td.Text)
	s.docs.put(d)
	s.engine.DidOpen(ctx, d.URI, d.Text, d.Version)
	return nil
}

func (s *Server) didChange(ctx context.Context, p *didChangeParams) error {
	u := p.TextDocument.URI
	if u == "" {
		return invalidParams(protocol.MethodTextDocumentDidChange, errNoURI)
	}
	s.inflight.changed(u)
	d, err := s.docs.change(u, p.TextDocument.Version, p.ContentChanges, s.Session().Encoding)
	if err != nil {
		return fmt.Errorf("didChange: %w", err)
	}
	s.engine.DidChange(ctx, d.URI, d.Text, d.Version)
	return nil
}

func (s *Server) didClose(ctx context.Context, p *protocol.DidCloseTextDocumentParams) error {
	u := p.TextDocument.URI
	if u == "" {
		return invalidParams(protocol.MethodTextDocumentDidClose, errNoURI)
	}
	s.inflight.changed(u)
	if !s.docs.remove(u) {
		return fmt.Errorf("didClose of %s, which is not open", u)
	}
	s.engine.DidClose(ctx, u)
	return nil
}

func (s *Server) didSave(ctx context.Context, p *protocol.DidSaveTextDocumentParams) error {
	u := p.TextDocument.URI
	if u == "" {
		return invalidParams(protocol.MethodTextDocumentDidSave, errNoURI)
	}
	s.engine.DidSave(ctx, u)
	return nil
}
