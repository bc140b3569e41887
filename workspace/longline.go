package workspace

import "bytes"

// MaxLineBytes bounds the lines rhizome reads as markdown. On some lines
// goldmark takes time quadratic in the line's length: 128 KB of "- " or
// "[a](" took 16 and 6 s to parse, so a note of such lines (a data dump, a
// generated file) could hold up the index for hours. A prose line is far
// shorter than 8 KB; a longer one stays in the note's text, but its markdown
// is not read: its links and tags are not indexed, and Note.LongLines() tells.
const MaxLineBytes = 8 << 10

// blankLongLines blanks, in src, each line from offset from on that is longer
// than MaxLineBytes, so that goldmark reads nothing in it. Its leading blanks
// stay and its first other byte becomes a NUL, which plain text drops: the
// line stays a line of the block it was in (a blank line would end a
// paragraph, more indentation could open a code block). It returns the spans
// of the lines that held link syntax, which a diagnostic reports: a long line
// of code or data loses nothing rhizome reads.
func blankLongLines(src []byte, from int) []Span {
	var spans []Span
	for start := from; start < len(src); {
		end := len(src)
		if nl := bytes.IndexByte(src[start:], '\n'); nl >= 0 {
			end = start + nl
		}
		if end-start > MaxLineBytes {
			line := src[start:end]
			if bytes.Contains(line, []byte("[[")) || bytes.Contains(line, []byte("](")) {
				spans = append(spans, Span{start, end})
			}
			i := 0
			for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
				i++
			}
			if i < len(line) {
				line[i] = 0
				i++
			}
			for ; i < len(line); i++ {
				if line[i] != '\r' {
					line[i] = ' '
				}
			}
		}
		start = end + 1
	}
	return spans
}
