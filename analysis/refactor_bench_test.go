package analysis

import (
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// BenchmarkMentionHub50k times what linking a mention asks on every cursor
// move in prose (editors request code actions as the cursor moves): the
// cursor is in the title of the 50k vault's most linked note, written in
// lower case in a sentence of a note being edited; the answer is a link to
// it. The first request also sorts the vault's names by hash, once.
func BenchmarkMentionHub50k(b *testing.B) { benchMention(b, vault50k.get(b, 50000), true) }

// BenchmarkMentionHub10k is BenchmarkMentionHub50k in the 10k vault.
func BenchmarkMentionHub10k(b *testing.B) { benchMention(b, bigVault(b), true) }

// BenchmarkMentionNone50k is a cursor in words that name no note: the
// common case.
func BenchmarkMentionNone50k(b *testing.B) { benchMention(b, vault50k.get(b, 50000), false) }

func benchMention(b *testing.B, ix *workspace.Index, hubTitle bool) {
	snap := ix.Snapshot()
	h := hub(snap)
	title := h.Note.Title
	snap.Release()
	words := "zqx wvut plonk"
	if hubTitle {
		words = strings.ToLower(title)
	}
	text := "# Mentions\n\nWhat we read about " + words + " in the garden, and what it says of the rest of it.\n"
	snap, f := withNote(b, ix, "bench/mentions.md", text)
	off := strings.Index(text, words) + len(words)/2
	p := workspace.NewParser()
	b.ReportAllocs()
	for b.Loop() {
		ms := Mentions(snap, p, f, off, off)
		if hubTitle && (len(ms) == 0 || ms[0].Target != h && !strings.EqualFold(ms[0].Target.Note.Title, title)) {
			b.Fatalf("no link to %q: %+v", title, ms)
		}
		if !hubTitle && ms != nil {
			b.Fatalf("a link where no note is named: %+v", ms)
		}
	}
}

// BenchmarkConvertLinkHub50k converts a wikilink to the 50k vault's most
// linked note into a markdown link (the vault's style is voted over a
// sample of notes) and back.
func BenchmarkConvertLinkHub50k(b *testing.B) {
	ix := vault50k.get(b, 50000)
	snap := ix.Snapshot()
	target := hub(snap)
	name := WikiName(snap, target, target)
	snap.Release()
	text := "# Links\n\nSee [[" + name + "]] and [x](/" + encodeDest(target.Path, "") + ").\n"
	snap, f := withNote(b, ix, "bench/links.md", text)
	b.ReportAllocs()
	for b.Loop() {
		if cs := ConvertLinks(snap, f, 0, len(text)); len(cs) != 2 {
			b.Fatalf("%d conversions, want 2: %+v", len(cs), cs)
		}
	}
}
