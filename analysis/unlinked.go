package analysis

import (
	"cmp"
	"context"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// maxUnlinked caps the unlinked mentions listed: a note named by a common
// word ("Index", "Go") is mentioned everywhere, and a list of thousands
// helps no one.
const maxUnlinked = 1000

// UnlinkedMentions lists where other notes name f, by its title, an alias
// or its file name, in prose and without linking to it: Obsidian's
// "unlinked mentions", each one a place for the "link an unlinked
// mention" code action. Names match as that action matches them, whole
// words with case aside and '-', '_' and spaces alike. Notes are read from
// disk, so this is for a command, not for every keystroke: it reads the
// vault's text once, on all cores, without the index's lock (an edit
// meanwhile goes ahead), then parses, under the lock again, only the notes
// that hold a name, read once more. Sorted by path and position, the first
// maxUnlinked (every note is searched, so that they are the same ones each
// time). It stops early, with ctx's error, when ctx ends.
func UnlinkedMentions(ctx context.Context, snap *workspace.Snapshot, p *workspace.Parser, f *workspace.File) ([]Location, error) {
	return unlinkedMentions(ctx, snap, p, f, nil)
}

// unlinkedMentions is UnlinkedMentions, which calls during (when not nil)
// while it reads without the lock: a test's edit.
func unlinkedMentions(ctx context.Context, snap *workspace.Snapshot, p *workspace.Parser, f *workspace.File, during func()) ([]Location, error) {
	names := mentionNames(f)
	if len(names) == 0 {
		return nil, nil
	}
	files := snap.Notes()
	notes := make([]*workspace.Note, len(files))
	for i, g := range files {
		notes[i] = g.Note
	}
	var naming []int // places in files of the notes that write a name
	reader := snap.NoteReader()
	snap.Unlocked(func() {
		if during != nil {
			during()
		}
		var mu sync.Mutex
		eachOnAllCores(ctx, len(files), func(i int, buf *[]byte) {
			if files[i] == f {
				return
			}
			text, data, err := reader.TextInto(notes[i], *buf)
			*buf = data
			if err == nil && len(nameSpans(text, names)) > 0 {
				mu.Lock()
				naming = append(naming, i)
				mu.Unlock()
			}
		})
	})
	var (
		mu  sync.Mutex
		out []Location
	)
	eachOnAllCores(ctx, len(naming), func(k int, buf *[]byte) {
		// A note changed meanwhile is searched as it is now (one that came
		// to name f meanwhile is missed, as if its edit came after); one
		// deleted, not at all.
		g := files[naming[k]]
		if snap.File(g.Path) != g {
			return
		}
		if found := mentionsIn(snap, p, f, g, names, buf); len(found) > 0 {
			mu.Lock()
			out = append(out, found...)
			mu.Unlock()
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Location) int {
		return cmp.Or(strings.Compare(a.File.Path, b.File.Path), a.Span.Start-b.Span.Start)
	})
	return out[:min(len(out), maxUnlinked)], nil
}

// eachOnAllCores calls fn for 0 to n-1 on all cores, each core with a
// buffer of its own for the notes it reads in turn (at 50,000 notes,
// 250 MB read), until ctx ends.
func eachOnAllCores(ctx context.Context, n int, fn func(i int, buf *[]byte)) {
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n || ctx.Err() != nil {
					return
				}
				fn(i, &buf)
			}
		}()
	}
	wg.Wait()
}

// mentionNames are the names of f that prose may write, each as its words
// folded: its title, its aliases and its file name (but "index"), once
// each.
func mentionNames(f *workspace.File) [][]string {
	var out [][]string
	add := func(name string) {
		var words []string
		for _, w := range wordsOf(name, 0, len(name)) {
			words = append(words, workspace.Fold(name[w.Start:w.End]))
		}
		if len(words) > 0 && !slices.ContainsFunc(out, func(o []string) bool { return slices.Equal(o, words) }) {
			out = append(out, words)
		}
	}
	add(f.Note.Title)
	for _, a := range f.Note.Frontmatter.Aliases {
		add(a)
	}
	// A folder's index note is not called "index" in prose ("index cards").
	if stem := f.Stem(); !strings.EqualFold(path.Base(stem), "index") {
		add(path.Base(stem))
	}
	// The longest first: where "Niklas Luhmann" is written, that is the
	// mention, not "Luhmann".
	slices.SortStableFunc(out, func(a, b []string) int { return len(b) - len(a) })
	return out
}

// mentionsIn finds where g writes one of f's names, as the "link an
// unlinked mention" code action would link it to f: the longest phrase
// there that names a note is that name, and f is among the notes it names.
// (Where "Sync settings" names a note of its own, "settings" in it is not
// a mention of the note "Settings".) g's text is read into *buf, which
// nothing returned holds.
func mentionsIn(snap *workspace.Snapshot, p *workspace.Parser, f, g *workspace.File, names [][]string, buf *[]byte) []Location {
	text, data, err := snap.TextInto(g, *buf)
	*buf = data
	if err != nil {
		return nil
	}
	var out []Location
	var runs []workspace.Span // g's prose, parsed once a phrase names a note
	for _, span := range nameSpans(text, names) {
		namingPhrases(snap, p, g, text, &runs, span.Start, span.Start, func(at workspace.Span, targets []*workspace.File) bool {
			if at == span && slices.Contains(targets, f) {
				out = append(out, Location{File: g, Span: span})
			}
			return false // only the longest, which the code action offers
		})
	}
	return out
}

// nameSpans lists where text writes one of names, in order and apart, the
// longest name first where several start at one word. The words are
// split only around the places that hold a name's first word (most notes
// hold none), unless case folding moves bytes (non-ASCII names, or text
// whose lower case is not as long).
func nameSpans(text string, names [][]string) []workspace.Span {
	ascii := true
	for _, name := range names {
		ascii = ascii && isASCII(name[0])
	}
	var out []workspace.Span
	if !ascii {
		words := wordsOf(text, 0, len(text))
		folded := make([]string, len(words))
		for i := 0; i < len(words); i++ {
			for _, name := range names {
				if span, ok := phraseAt(text, words, folded, i, name); ok {
					out = append(out, span)
					i += len(name) - 1 // "Niklas Luhmann" once, not "Luhmann" again
					break
				}
			}
		}
		return out
	}
	// Each place that holds some name's first word, then the words of its
	// line from there.
	var starts []int
	for _, name := range names {
		starts = indexesFold(text, name[0], starts)
	}
	slices.Sort(starts)
	end := 0 // the end of the last span found
	for _, at := range slices.Compact(starts) {
		if at < end || at > 0 && isWordByte(text, at-1) {
			continue
		}
		le := strings.IndexByte(text[at:], '\n')
		if le < 0 {
			le = len(text)
		} else {
			le += at
		}
		words := wordsOf(text, at, le)
		folded := make([]string, len(words))
		for _, name := range names {
			if span, ok := phraseAt(text, words, folded, 0, name); ok {
				out = append(out, span)
				end = span.End
				break
			}
		}
	}
	return out
}

// indexesFold appends to out the offsets where s holds word, an ASCII
// word in lower case, in any case: without a lower-case copy of s, which
// for every note of a vault is as much garbage as its text.
func indexesFold(s, word string, out []int) []int {
	lo, up := word[0], word[0]
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	nextLo, nextUp := -1, -1 // the next offset of each case of the first byte, from i
	for i := 0; i+len(word) <= len(s); {
		if nextLo < i {
			nextLo = indexByteFrom(s, lo, i)
		}
		if nextUp < i {
			nextUp = indexByteFrom(s, up, i)
		}
		k := nextLo
		if k < 0 || nextUp >= 0 && nextUp < k {
			k = nextUp
		}
		if k < 0 || k+len(word) > len(s) {
			break
		}
		if strings.EqualFold(s[k:k+len(word)], word) {
			out = append(out, k)
		}
		i = k + 1
	}
	return out
}

// indexByteFrom is the offset of the first c in s from i on, or len(s)+1
// when there is none (so that it is never searched for again).
func indexByteFrom(s string, c byte, i int) int {
	if k := strings.IndexByte(s[i:], c); k >= 0 {
		return i + k
	}
	return len(s) + 1
}

// isWordByte says whether the character ending at text[i] is part of a
// word, as wordsOf reads words.
func isWordByte(text string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:i+1])
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// phraseAt says whether name's words are text's from the i-th on, apart
// only by spaces, '-' or '_' (as prose writes a file name; see
// emphasisGap), and where.
// folded caches the folded words.
func phraseAt(text string, words []workspace.Span, folded []string, i int, name []string) (workspace.Span, bool) {
	if i+len(name) > len(words) {
		return workspace.Span{}, false
	}
	for k, w := range name {
		at := words[i+k]
		if folded[i+k] == "" {
			folded[i+k] = workspace.Fold(text[at.Start:at.End])
		}
		if folded[i+k] != w {
			return workspace.Span{}, false
		}
		if k == 0 {
			continue
		}
		if gap := text[words[i+k-1].End:at.Start]; strings.Trim(gap, " -_") != "" || emphasisGap(gap) {
			return workspace.Span{}, false
		}
	}
	return workspace.Span{Start: words[i].Start, End: words[i+len(name)-1].End}, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// LinkUnlinkedMentions is the edits that link every unlinked mention of f
// (UnlinkedMentions, so at most maxUnlinked), each as the code action
// links it: a wikilink by the shortest name, the text as written kept as
// its label, or a markdown link under commonmark. By note, in path order.
func LinkUnlinkedMentions(ctx context.Context, snap *workspace.Snapshot, p *workspace.Parser, f *workspace.File) ([]FileEdits, error) {
	locs, err := UnlinkedMentions(ctx, snap, p, f)
	if err != nil {
		return nil, err
	}
	var out []FileEdits
	var text string
	for _, l := range locs {
		if len(out) == 0 || out[len(out)-1].File != l.File {
			if text, err = snap.Text(l.File); err != nil {
				return nil, err
			}
			out = append(out, FileEdits{File: l.File})
		}
		if link, _, ok := mentionLink(snap, l.File, text, l.Span, f); ok {
			fe := &out[len(out)-1]
			fe.Edits = append(fe.Edits, Edit{Span: l.Span, NewText: link})
		}
	}
	return slices.DeleteFunc(out, func(fe FileEdits) bool { return len(fe.Edits) == 0 }), nil
}
