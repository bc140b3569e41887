package workspace

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var maskAlphabet = []string{"a", "b", "z", "0", "9", "-", " ", "é", "ß", "\x00", "\xff", "本"}

// randomWord strings n letters of maskAlphabet.
func randomWord(r *rand.Rand, n int) string { return randomWordOf(r, maskAlphabet, n) }

// randomWordOf strings n letters drawn from letters.
func randomWordOf(r *rand.Rand, letters []string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(letters[r.IntN(len(letters))])
	}
	return b.String()
}

// CharMask rules out only what cannot match: whenever t is a substring or a
// subsequence of s, t's mask is within s's.
func TestCharMaskRulesOutOnlyNonMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string { return randomWord(r, n) }
	isSubsequence := func(t, s string) bool {
		for i := 0; i < len(t); i++ {
			k := strings.IndexByte(s, t[i])
			if k < 0 {
				return false
			}
			s = s[k+1:]
		}
		return true
	}
	ruledOut := 0
	for range 20000 {
		s, q := word(r.IntN(12)), word(1+r.IntN(3))
		within := CharMask(q)&^CharMask(s) == 0
		if (strings.Contains(s, q) || isSubsequence(q, s)) && !within {
			t.Fatalf("%q matches %q, but its mask %x is not within %x", q, s, CharMask(q), CharMask(s))
		}
		if !within {
			ruledOut++
		}
	}
	if ruledOut == 0 {
		t.Fatal("the mask never ruled anything out")
	}
}

// PairMask rules out only what does not hold the query: whenever t is a
// substring of s, t's mask is within s's; and it rules out most that do not.
func TestPairMaskRulesOutOnlyNonSubstrings(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ruledOut, others := 0, 0
	for range 20000 {
		s, q := randomWord(r, r.IntN(16)), randomWord(r, 1+r.IntN(4))
		within := PairMask(q)&^PairMask(s) == 0
		if strings.Contains(s, q) && !within {
			t.Fatalf("%q holds %q, but its mask %x is not within %x", s, q, PairMask(q), PairMask(s))
		}
		if !strings.Contains(s, q) && len(q) > 1 {
			others++
			if !within {
				ruledOut++
			}
		}
	}
	if ruledOut < others/2 {
		t.Fatalf("the mask ruled out %d of %d names not holding the query", ruledOut, others)
	}
}

// FilesByTitle puts notes first, by title (titles that share their first
// eight bytes and titles that are equal included, the latter by path), then
// the other files by path.
func TestFilesByTitleOrder(t *testing.T) {
	ix := testIndex(t, Config{}, map[string]string{
		"z.md":            "# Systems thinking, part two\n",
		"a.md":            "# Systems thinking, part one\n",
		"b/dup.md":        "# Same\n",
		"a/dup.md":        "# Same\n",
		"short.md":        "# Sys\n",
		"accent.md":       "# Système\n",
		"lower.md":        "# systems\n",
		"image.png":       "",
		"assets/logo.png": "",
	})
	s := ix.Snapshot()
	defer s.Release()
	var got []string
	for _, f := range s.FilesByTitle() {
		got = append(got, f.Path)
	}
	want := []string{"a/dup.md", "b/dup.md", "short.md", "a.md", "z.md", "accent.md", "lower.md", "assets/logo.png", "image.png"}
	if !slices.Equal(got, want) {
		t.Errorf("%q, want %q", got, want)
	}
}
