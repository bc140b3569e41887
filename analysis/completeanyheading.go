package analysis

import (
	"slices"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// headingHit is a heading of the vault that a "[[##" query finds.
type headingHit struct {
	score  int
	folded string // the heading's folded text, where the index holds it
	at     int    // where the query is in folded
	file   *workspace.File
	h      *workspace.Heading
}

// compareHeadingHits orders hits best first: by score, then heading text,
// then path.
func compareHeadingHits(a, b *headingHit) int {
	if a.score != b.score {
		return b.score - a.score
	}
	if c := strings.Compare(a.folded, b.folded); c != 0 {
		return c
	}
	if c := strings.Compare(a.h.Text, b.h.Text); c != 0 {
		return c
	}
	return strings.Compare(a.file.Path, b.file.Path)
}

// completeAnyHeading answers "[[##query": Obsidian's search of the headings
// of every note, whose pick becomes "[[Note#Heading]]". span covers what
// follows "[[" (both '#' included), which the link replaces. Without a query
// it offers the first headings by note title, so that the editor has a list
// to filter as the user goes on typing (markdown asks again only on trigger
// characters).
func completeAnyHeading(snap *workspace.Snapshot, f *workspace.File, span workspace.Span, typed, suffix string) CompletionList {
	query := workspace.Fold(strings.TrimSpace(typed[2:]))
	var hits []headingHit
	dropped := false
	if query == "" {
	files:
		for _, g := range snap.FilesByTitle() {
			if !g.IsNote() {
				continue
			}
			for i := range g.Note.Headings() {
				if len(hits) == MaxCompletions {
					dropped = true
					break files
				}
				hits = append(hits, headingHit{file: g, h: &g.Note.Headings()[i]})
			}
		}
	} else {
		// The best hundred, kept by cutting the list back whenever it holds
		// four times as many: a short query finds thousands of headings.
		// Once cut, a hit that does not beat the last one kept is only counted.
		var last *headingHit
		snap.FindHeadingsAt(query, func(g *workspace.File, h *workspace.Heading, folded string, at int) bool {
			hit := headingHit{score: scoreAt(folded, at), folded: folded, at: at, file: g, h: h}
			if last != nil && compareHeadingHits(&hit, last) >= 0 {
				dropped = true
				return true
			}
			hits = append(hits, hit)
			if len(hits) == 4*MaxCompletions {
				sortHeadingHits(hits)
				hits, dropped = hits[:MaxCompletions], true
				worst := hits[len(hits)-1] // a copy: appends overwrite the cut
				last = &worst
			}
			return true
		})
		sortHeadingHits(hits)
		if len(hits) > MaxCompletions {
			hits, dropped = hits[:MaxCompletions], true
		}
	}
	list := CompletionList{Incomplete: dropped, Items: make([]CompletionItem, len(hits))}
	for i, hit := range hits {
		name := ""
		if hit.file != f {
			name = WikiName(snap, f, hit.file)
		}
		var filter string
		if query != "" {
			filter = typedThen(typed, hit.h.Text, hit.folded, hit.at, len(query))
		} else {
			filter = typedFilterPair(typed, hit.h.Text, hit.file.Note.Title)
		}
		list.Items[i] = CompletionItem{
			Label:      hit.h.Text,
			Where:      hit.file.Note.Title,
			Detail:     strings.Repeat("#", hit.h.Level) + " in " + hit.file.Path,
			Path:       hit.file.Path,
			Kind:       CompleteHeading,
			Span:       span,
			NewText:    name + "#" + hit.h.Text + suffix,
			FilterText: filter,
			SortText:   sortKey(i),
		}
	}
	return list
}

func sortHeadingHits(hits []headingHit) {
	slices.SortFunc(hits, func(a, b headingHit) int { return compareHeadingHits(&a, &b) })
}
