package analysis

import (
	"slices"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// TokenType is what a semantic token names. Markdown grammars read
// [[wikilinks]], #tags and ^block-ids as plain text; these tokens let an
// editor colour them, and tell a link that leads nowhere from one that leads
// somewhere, as Obsidian fades an unresolved link.
type TokenType uint8

const (
	TokenNote    TokenType = iota // the note a wikilink or embed names
	TokenHeading                  // a wikilink's "#Heading"
	TokenBlock                    // a wikilink's "#^id", or the "^id" that ends a block
	TokenTag                      // a #tag, or an entry of frontmatter tags
)

// SemanticToken is one span of a note's text and what it names. Tokens never
// span lines: editors take them line by line.
type SemanticToken struct {
	Span workspace.Span
	Type TokenType
	// Unresolved marks a note, heading or block that does not exist.
	Unresolved bool
	// Declaration marks a block id where it is written, not linked to.
	Declaration bool
}

// SemanticTokens lists the tokens of f that start in span, sorted by
// position and never overlapping: the target of each wikilink and embed
// (split into note and heading or block, each unresolved when the profile
// finds no such thing), each tag, each block id. Markdown links are left
// out: grammars colour their destinations already.
func SemanticTokens(snap *workspace.Snapshot, f *workspace.File, span workspace.Span) []SemanticToken {
	n := f.Note
	var out []SemanticToken
	links := n.Links()
	for i := range links {
		l := &links[i]
		// The spans are cut from the raw target: one that is not the text
		// at TargetSpan, or that runs over lines, gets no tokens.
		if !l.Wiki || l.TargetSpan.End < span.Start || l.TargetSpan.Start > span.End ||
			l.TargetSpan.Len() != len(l.Raw) || sameLine(l.Raw) != len(l.Raw) {
			continue
		}
		// A link across the range's start or end has a token on each side.
		before := len(out)
		kept := out[:before]
		for _, t := range appendLinkTokens(out, l, snap.Resolve(f, i))[before:] {
			if t.Span.Start >= span.Start && t.Span.Start <= span.End {
				kept = append(kept, t)
			}
		}
		out = kept
	}
	for _, t := range n.Tags() {
		if t.Span.Start >= span.Start && t.Span.Start <= span.End {
			out = append(out, SemanticToken{Span: t.Span, Type: TokenTag})
		}
	}
	for _, b := range n.Blocks() {
		if b.Span.Start >= span.Start && b.Span.Start <= span.End {
			out = append(out, SemanticToken{Span: b.Span, Type: TokenBlock, Declaration: true})
		}
	}
	return sortTokens(out)
}

// appendLinkTokens appends a wikilink's target, as written: the note's name
// (absent in [[#Heading]]), then its fragment. The raw text is what the
// spans cover; the decoded target may differ from it.
func appendLinkTokens(out []SemanticToken, l *workspace.Link, r workspace.Resolution) []SemanticToken {
	start := l.TargetSpan.Start
	name, frag, hasFrag := strings.Cut(l.Raw, "#")
	// A wikilink's name may end in spaces before '#' or '|': they are not
	// the name's.
	if trimmed := strings.TrimRight(name, " \t"); trimmed != "" {
		broken := r.Status == workspace.NoSuchNote || r.Status == workspace.OutsideVault
		out = append(out, SemanticToken{
			Span:       workspace.Span{Start: start + len(name) - len(strings.TrimLeft(name, " \t")), End: start + len(trimmed)},
			Type:       TokenNote,
			Unresolved: broken,
		})
	}
	if !hasFrag || strings.TrimSpace(frag) == "" {
		return out
	}
	t := SemanticToken{Span: workspace.Span{Start: start + len(name), End: l.TargetSpan.End}, Type: TokenHeading}
	if strings.HasPrefix(strings.TrimLeft(frag, " \t"), "^") {
		t.Type = TokenBlock
	}
	// A fragment of a note that does not exist leads nowhere either; the
	// name says so already.
	t.Unresolved = r.Status == workspace.NoSuchHeading || r.Status == workspace.NoSuchBlock
	return append(out, t)
}

// sameLine is the length of s's first line.
func sameLine(s string) int {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return i
	}
	return len(s)
}

// sortTokens orders tokens by start, dropping any that overlaps the one
// before it (a tag the parser read inside a wikilink's name, say): an
// editor takes tokens as a sequence of disjoint spans.
func sortTokens(ts []SemanticToken) []SemanticToken {
	if len(ts) < 2 {
		return ts
	}
	slices.SortStableFunc(ts, func(a, b SemanticToken) int { return a.Span.Start - b.Span.Start })
	out := ts[:1]
	for _, t := range ts[1:] {
		if t.Span.Start < out[len(out)-1].Span.End {
			continue
		}
		out = append(out, t)
	}
	return out
}
