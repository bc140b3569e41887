package workspace

import "fmt"

// Text returns the text of f's note: the one a note parsed from an editor's
// buffer keeps, or else the file's, read back from disk. The file must still
// hold what was indexed (same size and hash): a file changed since is an
// error until the index has its new version.
func (s *Snapshot) Text(f *File) (string, error) {
	text, _, err := s.TextInto(f, nil)
	return text, err
}

// TextInto is Text for a caller that reads many notes in turn and keeps
// nothing of their text (unlinked mentions read every note of the vault):
// a text read from disk is read into buf, grown when too small, and is
// buf's memory, to be dropped before buf is used again.
func (s *Snapshot) TextInto(f *File, buf []byte) (string, []byte, error) {
	if f.Note == nil {
		return "", buf, fmt.Errorf("%s is not a note", f.Path)
	}
	return s.NoteReader().TextInto(f.Note, buf)
}

// holds reports whether s is a slice of the note's memory: its text or the
// buffer of its kept strings.
func (n *Note) holds(s string) bool {
	if _, ok := sliceOf(n.Text, s); ok {
		return true
	}
	_, ok := sliceOf(n.kept, s)
	return ok
}

// BlockSpans returns f's text and its blocks (see Parser.BlockSpans),
// parsed again: the index keeps no paragraphs, and a block reference to one
// without an id asks for them.
func (s *Snapshot) BlockSpans(f *File) (string, []BlockSpan, error) {
	text, err := s.Text(f)
	if err != nil {
		return "", nil, err
	}
	return text, s.NoteReader().BlockSpans(text), nil
}
