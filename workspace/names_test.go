package workspace

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// CharMask rules out only what cannot match: whenever t is a substring or a
// subsequence of s, t's mask is within s's.
func TestCharMaskRulesOutOnlyNonMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "z", "0", "9", "-", " ", "é", "ß", "\x00", "\xff", "本"}
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
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
