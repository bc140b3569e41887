package workspace

import (
	"fmt"
	"path/filepath"
	"unsafe"
)

// NoteReader reads notes' text back and parses their blocks without the
// index's lock: a search of every note takes the notes from a snapshot,
// then reads them while edits to the index go ahead (Snapshot.Unlocked).
type NoteReader struct {
	root   string
	parser *Parser
}

// NoteReader returns the reader of the snapshot's vault.
func (s *Snapshot) NoteReader() NoteReader {
	return NoteReader{root: s.ix.root, parser: s.ix.parser}
}

// TextInto is Snapshot.TextInto for note n, which may no longer be its
// file's: the text read must still be n's (same size and hash).
func (r NoteReader) TextInto(n *Note, buf []byte) (string, []byte, error) {
	switch {
	case n.Text != "" || n.Size == 0:
		return n.Text, buf, nil
	case r.root == "":
		return "", buf, fmt.Errorf("%s: the note's text is not kept and its vault has no folder", n.Path)
	}
	data, err := readNote(FileInfo{Abs: filepath.Join(r.root, filepath.FromSlash(n.Path)), Size: int64(n.Size)}, buf)
	if err != nil {
		return "", data, fmt.Errorf("read %s: %w", n.Path, err)
	}
	if len(data) != n.Size || contentHash(data) != n.Sum {
		return "", data, fmt.Errorf("%s has changed on disk since it was indexed", n.Path)
	}
	return unsafe.String(unsafe.SliceData(data), len(data)), data, nil
}

// BlockSpans is Parser.BlockSpans, with the index's parser.
func (r NoteReader) BlockSpans(text string) []BlockSpan {
	p := r.parser
	if p == nil {
		p = NewParser()
	}
	return p.BlockSpans(text)
}
