package analysis

import (
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// benchCompleteHeader times completion at the cursor of header, the
// frontmatter of a new note of ix, and wants an item labelled want.
func benchCompleteHeader(b *testing.B, ix *workspace.Index, header, want string) {
	off := strings.Index(header, cursor)
	snap, f := withNote(b, ix, "bench/header.md", strings.Replace(header, cursor, "", 1)+"# Typing\n")
	if !contains(labelsOf(Complete(b.Context(), snap, f, off)), want) {
		b.Fatalf("no %q in %q", want, labelsOf(Complete(b.Context(), snap, f, off)))
	}
	b.ReportAllocs()
	for b.Loop() {
		Complete(b.Context(), snap, f, off)
	}
}

func labelsOf(l CompletionList) []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it.Label)
	}
	return out
}

// The generated vaults' headers have title, description, tags, aliases,
// publish, date, and one of status, type, rating, source, cssclasses.
const (
	benchKeysHeader   = "---\ntitle: Typing\ntags: [x]\n‸\n---\n"
	benchValuesHeader = "---\ntitle: Typing\nstatus: ‸\n---\n"
)

func BenchmarkCompleteKeys10k(b *testing.B) {
	benchCompleteHeader(b, bigVault(b), benchKeysHeader, "status")
}

func BenchmarkCompleteValues10k(b *testing.B) {
	benchCompleteHeader(b, bigVault(b), benchValuesHeader, "seedling")
}

// The 50k variants: generating the vault takes a while, run them on their own.
func BenchmarkCompleteKeys50k(b *testing.B) {
	benchCompleteHeader(b, vault50k.get(b, 50000), benchKeysHeader, "status")
}

func BenchmarkCompleteValues50k(b *testing.B) {
	benchCompleteHeader(b, vault50k.get(b, 50000), benchValuesHeader, "seedling")
}
