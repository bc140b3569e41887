package workspace

import (
	"net/url"
	"strings"
)

// scanWikilink reads [[target#fragment|label]] at src[i:] (i at the first '[').
// embed says a '!' precedes it. It returns the link (offsets into src, strings
// sliced from src), the number of bytes consumed from i counting the '!', and
// whether it is a wikilink at all.
// A wikilink stays on one line and has no '[' or ']' inside; inside a GFM table
// the pipe is written `\|`, which also separates the label.
func scanWikilink(src string, i int, embed bool) (Link, int, bool) {
	start := i + 2
	end := -1
	for j := start; j < len(src)-1; j++ {
		c := src[j]
		if c == '\n' || c == '\r' || c == '[' {
			return Link{}, 0, false
		}
		if c == ']' {
			if src[j+1] != ']' {
				return Link{}, 0, false
			}
			end = j
			break
		}
	}
	if end < 0 || end == start {
		return Link{}, 0, false
	}
	inner := src[start:end]
	targetEnd := end
	label := ""
	if p := strings.IndexByte(inner, '|'); p >= 0 {
		targetEnd = start + p
		if p > 0 && inner[p-1] == '\\' {
			targetEnd--
		}
		label = strings.TrimSpace(inner[p+1:])
	}
	l := Link{Kind: LinkWiki, Wiki: true, Label: label, Def: -1}
	if embed {
		l.Kind = LinkEmbed
		l.Image = true
		i--
	}
	// The target span excludes surrounding spaces so completion and rename replace
	// exactly the name.
	ts, te := start, targetEnd
	for ts < te && src[ts] == ' ' {
		ts++
	}
	for te > ts && src[te-1] == ' ' {
		te--
	}
	l.Span = Span{i, end + 2}
	l.TargetSpan = Span{ts, te}
	raw := src[ts:te]
	if h := strings.IndexByte(raw, '#'); h >= 0 {
		l.Target, l.Fragment = strings.TrimSpace(raw[:h]), strings.TrimSpace(raw[h+1:])
	} else {
		l.Target = raw
	}
	l.External = hasScheme(l.Target)
	return l, end + 2 - i, true
}

// setURLTarget fills Target/Fragment/External from a markdown link destination
// as written: angle brackets removed, the fragment split off, %-escapes and
// backslash escapes decoded. A destination that does not decode is kept as is.
func setURLTarget(l *Link, dest string) {
	dest = strings.TrimSpace(dest)
	if strings.HasPrefix(dest, "<") && strings.HasSuffix(dest, ">") {
		dest = dest[1 : len(dest)-1]
	}
	if hasScheme(dest) || strings.HasPrefix(dest, "//") {
		l.External = true
		l.Target = dest
		return
	}
	path, frag := dest, ""
	if h := strings.IndexByte(dest, '#'); h >= 0 {
		path, frag = dest[:h], dest[h+1:]
	}
	if q := strings.IndexByte(path, '?'); q >= 0 {
		path = path[:q]
	}
	l.Target = decodeURLPart(path)
	l.Fragment = decodeURLPart(frag)
}

func decodeURLPart(s string) string {
	if strings.IndexByte(s, '\\') >= 0 {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]) {
				i++
			}
			b.WriteByte(s[i])
		}
		s = b.String()
	}
	if strings.IndexByte(s, '%') >= 0 {
		if d, err := url.PathUnescape(s); err == nil {
			return d
		}
	}
	return s
}

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// hasScheme reports a URL scheme ("https:", "mailto:", "obsidian:"). A single
// letter before ':' is a Windows drive, not a scheme.
func hasScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':':
			return i > 1
		default:
			return false
		}
	}
	return false
}
