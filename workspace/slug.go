package workspace

import (
	"strconv"
	"strings"
	"unicode"
)

// Slug is the GitHub heading anchor of text (github-slugger, which Quartz also
// uses): lower-cased, punctuation dropped, spaces to '-'.
func Slug(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_':
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// numberSlugs gives headings their slugs, numbering duplicates "-1", "-2" the
// way GitHub does.
func numberSlugs(hs []Heading) {
	if len(hs) == 0 {
		return
	}
	seen := make(map[string]int, len(hs))
	for i := range hs {
		s := Slug(hs[i].Text)
		base := s
		for _, taken := seen[s]; taken; _, taken = seen[s] {
			seen[base]++
			s = base + "-" + strconv.Itoa(seen[base])
		}
		seen[s] = 0
		hs[i].Slug = s
	}
}

// SlugsAs are the slugs of hs once hs[i]'s text is text: renaming a heading
// can renumber the duplicates after it.
func SlugsAs(hs []Heading, i int, text string) []string {
	c := make([]Heading, len(hs))
	copy(c, hs)
	c[i].Text = text
	numberSlugs(c)
	out := make([]string, len(c))
	for j := range c {
		out[j] = c[j].Slug
	}
	return out
}
