package server

import (
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// Encoding is the unit in which protocol.Position.Character counts, as negotiated
// in initialize (LSP 3.17 PositionEncodingKind).
type Encoding string

// The encodings rhizome negotiates. UTF-16 is the protocol default and always
// allowed; UTF-8 is chosen when the client offers it because it matches our byte
// offsets and needs no counting.
const (
	UTF8  Encoding = "utf-8"
	UTF16 Encoding = "utf-16"
)

// LineIndex converts between byte offsets into a UTF-8 text and LSP positions.
// It is immutable, so a Document can share it with concurrent readers.
//
// Lines end at "\n", "\r\n" or a lone "\r", as the LSP specification says. An
// invalid UTF-8 byte counts as one unit in both encodings: it is what a client
// shows as U+FFFD, one UTF-16 unit, and one byte of our text.
type LineIndex struct {
	lines *workspace.Lines // line starts, shared with the check command's positions
}

// NewLineIndex indexes the line starts of text.
func NewLineIndex(text string) *LineIndex {
	return &LineIndex{lines: workspace.NewLines(text)}
}

// Text returns the indexed text.
func (x *LineIndex) Text() string { return x.lines.Text() }

// LineCount is the number of lines; a text ending in a line break has an empty
// last line after it.
func (x *LineIndex) LineCount() int { return x.lines.Count() }

// lineBounds returns the byte range of line's content, without its terminator.
func (x *LineIndex) lineBounds(line int) (start, end int) {
	return x.lines.Start(line), x.lines.End(line)
}

// units is how many code units of enc one decoded character takes.
func units(enc Encoding, r rune, size int) int {
	if enc == UTF8 {
		return size
	}
	if r >= 0x10000 {
		return 2 // a surrogate pair
	}
	return 1
}

// Position converts a byte offset to a position in enc. An offset past the end
// clamps to the end, one inside a line terminator to the end of that line's
// content, and one inside a multibyte character to the character's start.
func (x *LineIndex) Position(enc Encoding, offset int) protocol.Position {
	text := x.lines.Text()
	offset = max(0, min(offset, len(text)))
	line := x.lines.Line(offset)
	start, end := x.lineBounds(line)
	offset = min(offset, end)
	col := 0
	for off := start; off < offset; {
		r, size := utf8.DecodeRuneInString(text[off:end])
		if off+size > offset {
			break
		}
		col += units(enc, r, size)
		off += size
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

// Offset converts a position in enc to a byte offset. A line past the end of the
// text gives the end of the text, a character past the end of its line gives the
// end of the line's content, and a character inside a multibyte character (or a
// surrogate pair) gives the character's start.
func (x *LineIndex) Offset(enc Encoding, p protocol.Position) int {
	text := x.lines.Text()
	if int64(p.Line) >= int64(x.lines.Count()) {
		return len(text)
	}
	start, end := x.lineBounds(int(p.Line))
	want := int64(p.Character)
	off, col := start, int64(0)
	for off < end {
		r, size := utf8.DecodeRuneInString(text[off:end])
		u := int64(units(enc, r, size))
		if col+u > want {
			break
		}
		col += u
		off += size
	}
	return off
}

// Range converts the byte range [start, end) to a protocol range in enc.
func (x *LineIndex) Range(enc Encoding, start, end int) protocol.Range {
	return protocol.Range{Start: x.Position(enc, start), End: x.Position(enc, end)}
}

// OffsetRange converts a protocol range in enc to byte offsets. A range whose end
// comes before its start is treated as empty at its start, so an edit built from
// it can never cut the text backwards.
func (x *LineIndex) OffsetRange(enc Encoding, r protocol.Range) (start, end int) {
	start = x.Offset(enc, r.Start)
	end = max(start, x.Offset(enc, r.End))
	return start, end
}
