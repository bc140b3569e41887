package workspace

import "strings"

// Bare URLs (GFM's "extended autolinks": http://, https://, ftp://, www.)
// are found in the note's plain text runs after parsing, rather than by
// goldmark's linkify parser, which runs at every space of every note and cost
// an eighth of all parsing. Runs are the text goldmark left as text: code,
// HTML, math, links and wikilinks are not in them.

// textRun records a text segment, joining it to the previous run when they touch.
func (c *collector) textRun(start, end int) {
	if n := len(c.runs); n > 0 && c.runs[n-1].End == start {
		c.runs[n-1].End = end
		return
	}
	c.runs = append(c.runs, Span{start, end})
}

// bareURLs adds an autolink for every bare URL in the text runs.
func (c *collector) bareURLs() {
	for _, r := range c.runs {
		s := c.text[r.Start:r.End]
		if !strings.Contains(s, "://") && !strings.Contains(s, "www.") {
			continue
		}
		for i := 0; i < len(s); {
			start, end := nextBareURL(s, i)
			if start < 0 {
				break
			}
			target := s[start:end]
			if strings.HasPrefix(target, "www.") {
				target = "http://" + target
			}
			span := Span{r.Start + start, r.Start + end}
			c.links = append(c.links, Link{Kind: LinkAutolink, Span: span, TargetSpan: span,
				Target: target, External: true, Def: -1})
			i = end
		}
	}
}

// nextBareURL finds the next URL in s at or after from: [start, end), or -1.
func nextBareURL(s string, from int) (int, int) {
	for i := from; i < len(s); i++ {
		var n int
		switch {
		case hasPrefixFold(s[i:], "https://"):
			n = len("https://")
		case hasPrefixFold(s[i:], "http://"):
			n = len("http://")
		case hasPrefixFold(s[i:], "ftp://"):
			n = len("ftp://")
		case hasPrefixFold(s[i:], "www."):
			n = len("www.")
		default:
			continue
		}
		// GFM: only at the start of a line, after whitespace or after * _ ~ (.
		if i > 0 && !strings.ContainsRune(" \t*_~(", rune(s[i-1])) {
			i += n - 1
			continue
		}
		end := i + n
		for end < len(s) && s[end] != ' ' && s[end] != '\t' && s[end] != '<' && s[end] != '\n' && s[end] != '\r' {
			end++
		}
		end = trimURLEnd(s, i+n, end)
		if end <= i+n {
			i = end
			continue
		}
		return i, end
	}
	return -1, -1
}

// trimURLEnd drops trailing punctuation that GFM leaves out of a URL, and a
// closing ')' that has no opening one in the URL.
func trimURLEnd(s string, from, end int) int {
	for end > from {
		c := s[end-1]
		switch {
		case strings.IndexByte("?!.,:*_~'\"", c) >= 0:
			end--
		case c == ')' && strings.Count(s[from:end], "(") < strings.Count(s[from:end], ")"):
			end--
		default:
			return end
		}
	}
	return end
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
