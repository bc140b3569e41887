package analysis

import (
	"fmt"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// HoverResult is markdown to show over Span.
type HoverResult struct {
	Markdown string
	Span     workspace.Span
}

// maxSection bounds the text of a linked section shown in a hover.
const maxSection = 600

// Hover describes what is under off: a link's target (title, description,
// the linked section, path and backlink count), why a broken link fails and
// its fix, how many notes use a tag, or how many links name a block.
func Hover(snap *workspace.Snapshot, f *workspace.File, off int, sev map[string]Severity) *HoverResult {
	n := f.Note
	if i := LinkAt(n, off); i >= 0 {
		return hoverLink(snap, f, i, sev)
	}
	if t := TagAt(n, off); t != nil {
		count := len(snap.TagNotes(t.Name))
		return &HoverResult{Span: t.Span, Markdown: fmt.Sprintf("**#%s** — used in %d %s", t.Name, count, plural(count, "note", "notes"))}
	}
	if b := BlockAt(n, off); b != nil {
		count := len(blockRefs(snap, f, b))
		return &HoverResult{Span: b.Span, Markdown: fmt.Sprintf("**^%s** — linked from %d %s", b.ID, count, plural(count, "place", "places"))}
	}
	return nil
}

func hoverLink(snap *workspace.Snapshot, f *workspace.File, i int, sev map[string]Severity) *HoverResult {
	l := &f.Note.Links()[i]
	if l.External {
		return &HoverResult{Span: l.Span, Markdown: "External link: " + l.Target}
	}
	r := snap.Resolve(f, i)
	var b strings.Builder
	if !r.OK() || r.Status == workspace.Ambiguous {
		for _, d := range Diagnose(snap, f, sev) {
			if d.Span == l.Span && (d.Code == "broken-link" || d.Code == "broken-anchor" || d.Code == "broken-block" || d.Code == "ambiguous-link") {
				fmt.Fprintf(&b, "**%s** — %s\n\n", d.Code, d.Message)
			}
		}
	}
	if r.Target == nil {
		if r.Page != "" {
			fmt.Fprintf(&b, "Generated %s page `%s`", r.Page, r.Wanted)
		}
		if b.Len() == 0 {
			return nil
		}
		return &HoverResult{Span: l.Span, Markdown: strings.TrimSpace(b.String())}
	}
	t := r.Target
	if t.Note == nil {
		fmt.Fprintf(&b, "`%s`", t.Path)
		return &HoverResult{Span: l.Span, Markdown: b.String()}
	}
	tn := t.Note
	fmt.Fprintf(&b, "### %s\n\n", tn.Title)
	switch {
	case r.Heading != nil:
		// The target's text is read back when it is not kept; without it
		// (changed on disk, unreadable) the hover still names the note.
		if text, err := snap.Text(t); err == nil {
			if s := section(text, tn, r.Heading); s != "" {
				fmt.Fprintf(&b, "%s\n\n", s)
			}
		}
	case r.Block != nil:
		if text, err := snap.Text(t); err == nil {
			if s := namedBlockText(text, r.Block); s != "" {
				fmt.Fprintf(&b, "%s\n\n", s)
			}
		}
	default:
		if tn.Description != "" {
			fmt.Fprintf(&b, "%s\n\n", tn.Description)
		}
		if tn.Lead() != "" && tn.Lead() != tn.Description {
			fmt.Fprintf(&b, "_%s_\n\n", truncate(tn.Lead(), 300))
		}
	}
	count := snap.BacklinkCount(t)
	fmt.Fprintf(&b, "`%s` · %d %s", t.Path, count, plural(count, "backlink", "backlinks"))
	return &HoverResult{Span: l.Span, Markdown: b.String()}
}

// section is the text under heading h up to the next heading of its level or
// higher, cut at maxSection bytes.
func section(text string, n *workspace.Note, h *workspace.Heading) string {
	start := h.Span.End
	end := len(text)
	found := false
	for i := range n.Headings() {
		o := &n.Headings()[i]
		if o == h {
			found = true
			continue
		}
		if found && o.Level <= h.Level {
			end = o.Span.Start
			break
		}
	}
	return truncate(strings.TrimSpace(text[start:end]), maxSection)
}

// namedBlockText is the text of the block that the id b names, without the
// id: the whole paragraph, list item, quote or table, cut at maxSection.
func namedBlockText(text string, b *workspace.Block) string {
	body := ""
	if b.Named.End > b.Named.Start {
		body = blockBody(text, workspace.BlockSpan{Span: b.Named}, b)
	}
	if body == "" {
		body = blockText(text, b)
	}
	return truncate(body, maxSection)
}

// blockText is the line a ^block id ends.
func blockText(text string, b *workspace.Block) string {
	start := strings.LastIndexByte(text[:b.Span.Start], '\n') + 1
	line := strings.TrimSpace(text[start:b.Span.Start])
	for end := start - 1; line == "" && end > 0; {
		// An id on its own line names the block above it, which Obsidian
		// has a blank line between (after a quote or a table).
		prevStart := strings.LastIndexByte(text[:end], '\n') + 1
		line = strings.TrimSpace(text[prevStart:end])
		end = prevStart - 1
	}
	return truncate(line, maxSection)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
