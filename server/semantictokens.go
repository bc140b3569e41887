package server

import (
	"context"
	"math"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
	"github.com/rhizome-lsp/rhizome/workspace"
)

// tokenTypes are the legend's types, indexed by analysis.TokenType. They are
// standard types, which every client's themes colour without configuration:
// a note is a class, its heading a property, a block an enum member, a tag a
// decorator.
var tokenTypes = []string{
	analysis.TokenNote:    "class",
	analysis.TokenHeading: "property",
	analysis.TokenBlock:   "enumMember",
	analysis.TokenTag:     "decorator",
}

// Token modifiers, as bits in the order of the legend's names. "unresolved"
// is rhizome's own: the VS Code extension and the Neovim plugin fade it, as
// Obsidian fades a link to a note that does not exist.
const (
	modDeclaration = 1 << iota
	modUnresolved
)

var tokenModifiers = []string{"declaration", "unresolved"}

func semanticTokensProvider() *SemanticTokensOptions {
	return &SemanticTokensOptions{
		Legend: SemanticTokensLegend{TokenTypes: tokenTypes, TokenModifiers: tokenModifiers},
		Range:  true,
		Full:   true,
	}
}

// semanticTokensFull colours the wikilinks, tags and block ids of a note.
func (s *Server) semanticTokensFull(ctx context.Context, p *protocol.SemanticTokensParams) (*protocol.SemanticTokens, error) {
	return s.semanticTokens(p.TextDocument.URI, nil)
}

// semanticTokensRange is semanticTokensFull for the lines an editor shows.
func (s *Server) semanticTokensRange(ctx context.Context, p *protocol.SemanticTokensRangeParams) (*protocol.SemanticTokens, error) {
	return s.semanticTokens(p.TextDocument.URI, &p.Range)
}

func (s *Server) semanticTokens(uri protocol.DocumentURI, r *protocol.Range) (*protocol.SemanticTokens, error) {
	q, ok := s.ws.at(uri, protocol.Position{})
	if !ok {
		return &protocol.SemanticTokens{Data: []uint32{}}, nil
	}
	defer q.release()
	enc := s.Session().Encoding
	span := workspace.Span{Start: 0, End: math.MaxInt}
	if r != nil {
		span.Start, span.End = q.lines.OffsetRange(enc, *r)
	}
	tokens := analysis.SemanticTokens(q.snap, q.file, span)
	return &protocol.SemanticTokens{Data: encodeTokens(q.lines, enc, tokens)}, nil
}

// encodeTokens writes tokens as the protocol's five integers each, every
// position relative to the token before.
func encodeTokens(lines *LineIndex, enc Encoding, tokens []analysis.SemanticToken) []uint32 {
	data := make([]uint32, 0, 5*len(tokens))
	var line, char uint32
	for _, t := range tokens {
		start, end := lines.Position(enc, t.Span.Start), lines.Position(enc, t.Span.End)
		if end.Line != start.Line || end.Character <= start.Character {
			continue
		}
		dl, dc := start.Line-line, start.Character
		if dl == 0 {
			dc -= char
		}
		var mods uint32
		if t.Declaration {
			mods |= modDeclaration
		}
		if t.Unresolved {
			mods |= modUnresolved
		}
		data = append(data, dl, dc, end.Character-start.Character, uint32(t.Type), mods)
		line, char = start.Line, start.Character
	}
	return data
}
