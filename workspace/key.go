package workspace

import (
	"path"
	"strings"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// fold is the case-insensitive, Unicode-normalised form names are compared
// in: NFC (macOS writes NFD file names) and lower case.
func fold(s string) string {
	if isASCII(s) {
		return asciiLower(s)
	}
	return strings.ToLower(norm.NFC.String(s))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// nameKey is the key of the index's name table: the folded last path segment,
// without a note extension, with whitespace (NBSP included) as '-' so that
// Quartz slugs ("a-b") and Obsidian names ("a b") meet in one bucket. Each
// profile then filters the bucket with its own, stricter equality.
func nameKey(p string) string {
	p = strings.TrimSuffix(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	p = trimNoteExt(p)
	if isASCII(p) {
		return asciiKey(p)
	}
	return strings.Map(dashSpace, fold(p))
}

// asciiKey is nameKey's fold and dashSpace for an ASCII name (nameKey has
// checked it is), with one copy at most: every link of a note is keyed as
// the note is parsed, and lowering then mapping made up to three copies.
// Checking first costs a scan; finding a non-ASCII byte halfway would waste
// the copy.
func asciiKey(p string) string {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c >= 'A' && c <= 'Z' || asciiSpace[c] {
			b := make([]byte, len(p))
			copy(b, p[:i])
			for j := i; j < len(p); j++ {
				c := p[j]
				switch {
				case c >= 'A' && c <= 'Z':
					c += 'a' - 'A'
				case asciiSpace[c]:
					c = '-'
				}
				b[j] = c
			}
			return unsafe.String(unsafe.SliceData(b), len(b))
		}
	}
	return p
}

// NameKey is the key the index finds a file or a link's target under: its
// last segment, folded, without a note's extension, whitespace as '-'. Two
// names with the same key name the same file.
func NameKey(p string) string { return nameKey(p) }

// dashSpace maps what JavaScript's \s matches (Quartz slugs with
// replace(/\s/g, "-")) to '-'.
func dashSpace(r rune) rune {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u1680', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff':
		return '-'
	}
	if r >= '\u2000' && r <= '\u200a' {
		return '-'
	}
	return r
}

// IsNotePath reports a markdown file name.
func IsNotePath(p string) bool {
	ext := path.Ext(p)
	return strings.EqualFold(ext, ".md") || strings.EqualFold(ext, ".markdown")
}

func trimNoteExt(p string) string {
	if IsNotePath(p) {
		return p[:len(p)-len(path.Ext(p))]
	}
	return p
}

// quartzSlug is Quartz's slugifyFilePath for one path: case kept, whitespace
// (JavaScript's \s, NBSP included) to '-', '&' to "-and-", '%' to "-percent",
// '?' and '#' dropped, note extension removed.
func quartzSlug(p string) string {
	p = trimNoteExt(norm.NFC.String(p))
	var b strings.Builder
	for _, r := range p {
		if dashSpace(r) == '-' && r != '-' {
			b.WriteByte('-')
			continue
		}
		switch r {
		case '&':
			b.WriteString("-and-")
		case '%':
			b.WriteString("-percent")
		case '?', '#':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func nfc(s string) string {
	if isASCII(s) {
		return s
	}
	return norm.NFC.String(s)
}
