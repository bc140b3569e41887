package server

import (
	"math"

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
// shows as U+FFFD, one UTF-16 unit, and one byte of our text. It needs no text:
// workspace.Lines knows where the lines and the multibyte characters are.
type LineIndex struct {
	lines *workspace.Lines // shared with the note, or the check command's positions
}

// NewLineIndex indexes text.
func NewLineIndex(text string) *LineIndex {
	return &LineIndex{lines: workspace.NewLines(text)}
}

// LineIndexOf wraps the Lines a note already has, without indexing its text
// again (which a note read from disk no longer holds). A nil Lines, which no
// parsed note has, is taken as an empty text's rather than crashing the
// server.
func LineIndexOf(l *workspace.Lines) *LineIndex {
	if l == nil {
		l = workspace.NewLines("")
	}
	return &LineIndex{lines: l}
}

// LineCount is the number of lines; a text ending in a line break has an empty
// last line after it.
func (x *LineIndex) LineCount() int { return x.lines.Count() }

// Position converts a byte offset to a position in enc. An offset past the end
// clamps to the end, one inside a line terminator to the end of that line's
// content, and one inside a multibyte character to the character's start.
func (x *LineIndex) Position(enc Encoding, offset int) protocol.Position {
	line, col := x.lines.Position(offset, enc != UTF8)
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

// Offset converts a position in enc to a byte offset. A line past the end of the
// text gives the end of the text, a character past the end of its line gives the
// end of the line's content, and a character inside a multibyte character (or a
// surrogate pair) gives the character's start.
func (x *LineIndex) Offset(enc Encoding, p protocol.Position) int {
	return x.lines.Offset(toInt(p.Line), toInt(p.Character), enc != UTF8)
}

// toInt converts v without letting it wrap negative where int has 32 bits:
// a huge line or character must clamp to the end, not to the start.
func toInt(v uint32) int {
	if uint64(v) > math.MaxInt {
		return math.MaxInt
	}
	return int(v)
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
