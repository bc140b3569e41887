package server

import (
	"context"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/analysis"
)

// foldingRange is protocol.FoldingRange with LSP 3.17's collapsedText, which
// protocol v0.12.0 lacks, and characters that may be absent rather than 0
// (an absent one means the end of the line; 0 would be its start).
type foldingRange struct {
	StartLine      uint32                    `json:"startLine"`
	StartCharacter *uint32                   `json:"startCharacter,omitempty"`
	EndLine        uint32                    `json:"endLine"`
	EndCharacter   *uint32                   `json:"endCharacter,omitempty"`
	Kind           protocol.FoldingRangeKind `json:"kind,omitempty"`
	CollapsedText  string                    `json:"collapsedText,omitempty"`
}

// foldingRange lists the note's folds: frontmatter, sections, code, quotes
// and callouts, comments, list items. Each keeps its first line in sight.
// Only comments have a kind ("Fold all comments"); the spec's "region" is
// for #region markers, which a section is not. Characters go only to clients
// that can fold inside a line; a rangeLimit keeps the outermost folds.
func (s *Server) foldingRange(ctx context.Context, p *protocol.FoldingRangeParams) ([]foldingRange, error) {
	q, ok := s.ws.at(p.TextDocument.URI, protocol.Position{})
	if !ok {
		return []foldingRange{}, nil
	}
	defer q.release()
	sess := s.Session()
	folds := analysis.LimitFolds(analysis.FoldingRanges(q.snap, q.file), sess.Client.FoldingRangeLimit)
	out := make([]foldingRange, 0, len(folds))
	for _, f := range folds {
		r := q.lines.Range(sess.Encoding, f.Span.Start, f.Span.End)
		fr := foldingRange{StartLine: r.Start.Line, EndLine: r.End.Line}
		if !sess.Client.LineFoldingOnly {
			fr.StartCharacter, fr.EndCharacter = &r.Start.Character, &r.End.Character
		}
		if f.Kind == analysis.FoldComment {
			fr.Kind = protocol.CommentFoldingRange
		}
		if sess.Client.FoldingCollapsedText {
			fr.CollapsedText = f.Collapsed
		}
		out = append(out, fr)
	}
	return out, nil
}
