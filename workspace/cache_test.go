package workspace

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rhizome-lsp/rhizome/bench/vaultgen"
)

var cacheTestConfig = Config{Profiles: []Profile{ProfileObsidian}}

// loadCached loads root through the cache in dir, as the server does.
func loadCached(t testing.TB, root, dir string) (*NoteCache, map[string]*Note, LoadReport) {
	t.Helper()
	c, err := OpenNoteCache(dir)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	ix, rep, err := LoadWithOptions(context.Background(), root, cacheTestConfig, NewParser(), LoadOptions{Cache: c})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return c, indexNotes(ix), rep
}

func indexNotes(ix *Index) map[string]*Note {
	s := ix.Snapshot()
	defer s.Release()
	out := map[string]*Note{}
	for _, f := range s.Notes() {
		out[f.Path] = f.Note
	}
	return out
}

func save(t testing.TB, c *NoteCache) bool {
	t.Helper()
	wrote, err := c.Save(context.Background())
	if err != nil {
		t.Fatalf("save: %v", err)
	}
	return wrote
}

// withLinks is a copy of n whose links and details are decoded
// (Note.Links, Note.details) and not also kept encoded, to compare with a
// parsed Note.
func withLinks(n *Note) *Note {
	if n == nil {
		return nil
	}
	c := Note{Path: n.Path, Text: n.Text, Version: n.Version, Size: n.Size, Sum: n.Sum,
		InvalidUTF8: n.InvalidUTF8, kept: n.kept, Frontmatter: n.Frontmatter, Title: n.Title,
		Description: n.Description, noteDetails: *n.details(), links: n.Links()}
	return &c
}

// sameNotes asserts that every note of got is decoded from want's parse
// (see decodedFrom).
func sameNotes(t *testing.T, got, want map[string]*Note) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d notes, want %d", len(got), len(want))
	}
	bad := 0
	for p, w := range want {
		if diff := decodedFrom(got[p], w); diff != "" {
			t.Errorf("%s: %s", p, diff)
			bad++
		}
		if bad > 5 {
			t.Fatal("too many differences")
		}
	}
}

// decodedFrom says how a decoded note differs from the parsed note it was
// encoded from ("" when it does not): every field must be deeply equal,
// unexported ones included, but for the kept strings, which must start with
// the parse's and then hold its other strings. A string sliced from the kept
// strings or Path in one must be the same slice in the other, and one the
// parse allocated on its own a slice of the kept strings after the parse's,
// so that a decoded note takes no more memory than a parsed one.
func decodedFrom(got, want *Note) string {
	g := withLinks(got)
	if g == nil {
		return "no note decoded"
	}
	if !strings.HasPrefix(g.kept, want.kept) {
		return fmt.Sprintf("kept strings %q do not start with the parse's %q", g.kept, want.kept)
	}
	shapes, wantShapes := stringShape(g), stringShape(want)
	if len(shapes) == len(wantShapes) {
		for i, w := range wantShapes {
			var from, to int
			if _, err := fmt.Sscanf(shapes[i], "kept[%d:%d]", &from, &to); w == "own" && err == nil && from >= len(want.kept) {
				shapes[i] = "own"
			}
		}
	}
	g.kept = want.kept
	if !reflect.DeepEqual(g, want) {
		return fmt.Sprintf("decoded note differs from the parse:\n got %+v\nwant %+v", g, want)
	}
	if !slices.Equal(shapes, wantShapes) {
		return fmt.Sprintf("strings held differently:\n got %v\nwant %v", shapes, wantShapes)
	}
	return ""
}

// stringShape says, for every string of a note in field order, whether it is
// a slice of the note's kept strings (or Text) or Path and where. A link's
// key is left out: a decoded one is the cache file's, shared by every note.
func stringShape(n *Note) []string {
	var out []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			s := v.String()
			if off, ok := sliceOf(n.kept, s); ok {
				out = append(out, fmt.Sprintf("kept[%d:%d]", off, off+len(s)))
			} else if off, ok := sliceOf(n.Text, s); ok {
				out = append(out, fmt.Sprintf("text[%d:%d]", off, off+len(s)))
			} else if off, ok := sliceOf(n.Path, s); ok {
				out = append(out, fmt.Sprintf("path[%d:%d]", off, off+len(s)))
			} else {
				out = append(out, "own")
			}
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if v.Type() == reflect.TypeFor[Link]() && f.Name == "key" {
					continue
				}
				if v.Type() != reflect.TypeFor[Note]() || f.Name != "Text" && f.Name != "Path" && f.Name != "kept" && f.Name != "Lines" {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem())
			}
		}
	}
	walk(reflect.ValueOf(n).Elem())
	return out
}

// cacheGardens is ../shared/gardens beside the repository, as in gardens_test.go.
func cacheGardens(t *testing.T) []string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "gardens"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Logf("SKIP the real gardens: not at %s: %v", dir, err)
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// TestNoteCacheRoundTrip builds the cache of real, test and generated vaults,
// loads them again through it and compares every note to the first load's
// parse. (The comparison is with that parse, not another: whether an empty
// slice is nil depends on the parser's pooled buffers, and the cache keeps
// whichever the parse produced.)
func TestNoteCacheRoundTrip(t *testing.T) {
	vaults := []string{filepath.Join("..", "examples", "garden"), filepath.Join("testdata", "scan", "vault")}
	resolve, _ := filepath.Glob(filepath.Join("testdata", "resolve", "*"))
	vaults = append(vaults, resolve...)
	vaults = append(vaults, cacheGardens(t)...)
	gen := t.TempDir()
	if _, err := vaultgen.Generate(gen, vaultgen.Options{Notes: 2000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	// Settled, as a real vault's files are: a file written within the last
	// seconds is read and hashed on every load until its mtime has settled,
	// and its entry is rewritten once then.
	settle(t, gen)
	vaults = append(vaults, gen)
	for _, root := range vaults {
		name := filepath.Base(root)
		if root == gen {
			name = "generated-2000"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			c, parsed, rep := loadCached(t, root, dir)
			if rep.Notes == 0 || rep.Cached != 0 || c.Len() != 0 {
				t.Fatalf("first load: %d notes, %d cached, %d entries; want notes, nothing cached", rep.Notes, rep.Cached, c.Len())
			}
			if !save(t, c) {
				t.Fatal("a missing cache was not written")
			}
			c, decoded, rep := loadCached(t, root, dir)
			if c.Len() != len(parsed) || rep.Cached != rep.Notes || rep.Notes != len(parsed) {
				t.Fatalf("second load: %d entries, %d of %d notes cached; want all %d", c.Len(), rep.Cached, rep.Notes, len(parsed))
			}
			sameNotes(t, decoded, parsed)
			if save(t, c) {
				t.Error("an unchanged vault rewrote its cache")
			}
		})
	}
}

// TestNoteCacheEncodeParsed round-trips the parser's own test inputs and
// fuzz corpus, where the odd cases live (escaped targets, broken YAML, CRLF,
// invalid UTF-8).
func TestNoteCacheEncodeParsed(t *testing.T) {
	texts := slices.Clone(parseSeeds)
	texts = append(texts,
		"---\ntitle: Über\ndescription: d\naliases: [x, \"#y\"]\npublish: false\ntags: [a, b]\n---\n# H1\n\n[x](a%20b.md#Sec%20One) [y](caf%C3%A9.md) [[Ab C|l]]\n",
		"---\ntitle: [unclosed\n---\nbody [[x]]\n", "# Same\n\n## Same\n\ntext\n", "[a]: <b c.md> \"t\"\n[x][a] [a][]\r\n",
		"\uFEFF---\npublish: yes\n---\n![[i.png|100]] #tag/sub ^blk\n", "bad \xff utf8 [[\xfe]]\n",
		"a [[b]]\n"+strings.Repeat("[[long]] ", MaxLineBytes/9+1)+"\n\xff"+strings.Repeat("x", MaxLineBytes)+"\n")
	corpus, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParse", "*"))
	for _, f := range corpus {
		if s, ok := readFuzzString(t, f); ok {
			texts = append(texts, s)
		}
	}
	p := NewParser()
	var e encoder
	for _, text := range texts {
		for _, path := range []string{"dir/Some Note.md", "a.md"} {
			n := p.ParseFile(path, text)
			b := e.appendNote(nil, n)
			d, err := decodeNote(b, path, len(text), e.keys)
			if err != nil {
				t.Fatalf("%q: %v", text, err)
			}
			d.Sum = n.Sum // the entry's, beside the encoded note
			if diff := decodedFrom(d, n); diff != "" {
				t.Fatalf("%q: %s", text, diff)
			}
		}
	}
}

// settle dates every file under root an hour back.
func settle(t *testing.T, root string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			err = os.Chtimes(p, old, old)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readFuzzString reads a "go test fuzz v1" file holding one string.
func readFuzzString(t *testing.T, file string) (string, bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	_, lit, ok := strings.Cut(strings.TrimSpace(string(data)), "\nstring(")
	if !ok {
		return "", false
	}
	var s string
	if _, err := fmt.Sscanf(strings.TrimSuffix(lit, ")"), "%q", &s); err != nil {
		return "", false
	}
	return s, true
}

// TestNoteCacheCoversNote lists every field a Note holds. A field added to
// Note or to a type inside it fails this test until the encoder (cache.go)
// writes it and parserVersion is bumped.
func TestNoteCacheCoversNote(t *testing.T) {
	var got []string
	seen := map[reflect.Type]bool{}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		// encodedLinks and lazyDetails are the cache's own encoding of
		// Note.links and Note.noteDetails.
		if typ.Kind() != reflect.Struct || seen[typ] || typ == reflect.TypeFor[encodedLinks]() || typ == reflect.TypeFor[lazyDetails]() {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			got = append(got, fmt.Sprintf("%s.%s %s", typ.Name(), f.Name, f.Type))
			walk(prefix, f.Type)
		}
	}
	walk("", reflect.TypeFor[Note]())
	want := []string{
		"Note.Path string", "Note.Text string", "Note.Version int32", "Note.Size int", "Note.Sum uint32",
		"Note.InvalidUTF8 bool", "Note.kept string", "Note.Frontmatter workspace.Frontmatter",
		"Frontmatter.Present bool", "Frontmatter.Span workspace.Span", "Span.Start int", "Span.End int",
		"Frontmatter.Err *workspace.FrontmatterError",
		"FrontmatterError.Line int", "FrontmatterError.Span workspace.Span", "FrontmatterError.Message string",
		"Frontmatter.Title string", "Frontmatter.Description string", "Frontmatter.Aliases []string",
		"Frontmatter.Tags []workspace.Tag", "Tag.Name string", "Tag.Span workspace.Span", "Tag.InFrontmatter bool",
		"Frontmatter.Publish *bool", "Frontmatter.Problems []workspace.FieldProblem",
		"FieldProblem.Field string", "FieldProblem.Span workspace.Span", "FieldProblem.Message string",
		"Frontmatter.fields string",
		"Note.Title string", "Note.Description string", "Note.noteDetails workspace.noteDetails",
		"noteDetails.lines *workspace.Lines", "Lines.starts []int32", "Lines.wide []uint32", "Lines.more *workspace.linesMore",
		"linesMore.crlf []uint64", "linesMore.text string", "Lines.size int",
		"noteDetails.longLines []workspace.Span", "noteDetails.lead string", "noteDetails.leadSpan workspace.Span",
		"noteDetails.headings []workspace.Heading", "Heading.Level int", "Heading.Text string", "Heading.Slug string",
		"Heading.Span workspace.Span", "Heading.TextSpan workspace.Span",
		"noteDetails.blocks []workspace.Block", "Block.ID string", "Block.Span workspace.Span", "Block.Named workspace.Span",
		"noteDetails.tags []workspace.Tag", "Note.lazy *workspace.lazyDetails", "Note.links []workspace.Link",
		"Link.Kind workspace.LinkKind", "Link.Wiki bool", "Link.Image bool", "Link.External bool", "Link.Def int32",
		"Link.Span workspace.Span", "Link.TargetSpan workspace.Span",
		"Link.Target string", "Link.Fragment string", "Link.Label string", "Link.Raw string", "Link.key string",
		"Note.encoded *workspace.encodedLinks",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Note's fields changed: update appendNote and decodeNote in cache.go, bump parserVersion, then this list.\n got %q\nwant %q", got, want)
	}
}

// writeNotes writes files under a new vault folder.
func writeNotes(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, text := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

var smallVault = map[string]string{
	"a.md":       "# A\n\nSee [[b]] and [[c]].\n",
	"b.md":       "---\ntitle: Bee\naliases: [bb]\n---\nBack to [A](a.md#a).\n",
	"c.md":       "# C\n\n#tag ^id\n",
	"sub/d.md":   "[x](../a%20b.md) [[a|label]]\n",
	"image.png":  "png",
	"sub/e.md":   "plain\n",
	"f.markdown": "[[e]]\n",
}

// freshParses parses every note of root with a parser of its own.
func freshParses(t *testing.T, root string) map[string]*Note {
	t.Helper()
	ix, _, err := Load(context.Background(), root, cacheTestConfig, NewParser())
	if err != nil {
		t.Fatal(err)
	}
	return indexNotes(ix)
}

// A file changed in place, same size and same mtime, is parsed again: the
// cache goes by content, not by the file's times. A file only touched is not.
func TestNoteCacheChangedFile(t *testing.T) {
	root := writeNotes(t, smallVault)
	dir := t.TempDir()
	c, _, _ := loadCached(t, root, dir)
	save(t, c)

	a := filepath.Join(root, "a.md")
	fi, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Replace(smallVault["a.md"], "[[c]]", "[[e]]", 1)
	if len(changed) != len(smallVault["a.md"]) {
		t.Fatal("the edit must keep the size")
	}
	if err := os.WriteFile(a, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(a, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	touched := filepath.Join(root, "c.md")
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(touched, later, later); err != nil {
		t.Fatal(err)
	}

	c, notes, rep := loadCached(t, root, dir)
	if rep.Cached != rep.Notes-1 {
		t.Errorf("%d of %d notes cached, want all but a.md", rep.Cached, rep.Notes)
	}
	if got := notes["a.md"].Links()[1].Target; got != "e" {
		t.Errorf("a.md's second link is to %q, want the edited e", got)
	}
	for p, n := range freshParses(t, root) {
		// Against an independent parse; nil and empty slices may differ there.
		if n.Size != notes[p].Size || n.Sum != notes[p].Sum || len(n.Links()) != len(notes[p].Links()) || !reflect.DeepEqual(n.Frontmatter, notes[p].Frontmatter) ||
			(len(n.Links()) > 0 && !reflect.DeepEqual(n.Links(), notes[p].Links())) {
			t.Errorf("%s differs from a fresh parse", p)
		}
	}
	if !save(t, c) {
		t.Fatal("a changed note did not rewrite the cache")
	}
	// The touched file's new mtime is stored, so the next start finds nothing to write.
	c, _, rep = loadCached(t, root, dir)
	if rep.Cached != rep.Notes {
		t.Errorf("after the rewrite %d of %d notes cached", rep.Cached, rep.Notes)
	}
	if save(t, c) {
		t.Error("nothing changed, yet the cache was rewritten")
	}
}

// A note whose file has the size and the settled mtime of its entry comes
// from the cache without the file being read: an edit that keeps both (which
// no editor does to a file hours old) goes unseen, which shows nothing was
// read. Another size, or another mtime, is read and checked.
func TestNoteCacheTrustsSettledMtime(t *testing.T) {
	root := writeNotes(t, smallVault)
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	for p := range smallVault {
		if err := os.Chtimes(filepath.Join(root, filepath.FromSlash(p)), old, old); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	c, _, _ := loadCached(t, root, dir)
	save(t, c)
	rewrite := func(p, text string, mtime time.Time) {
		t.Helper()
		file := filepath.Join(root, p)
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(file, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	same := strings.Replace(smallVault["a.md"], "[[c]]", "[[e]]", 1)
	rewrite("a.md", same, old)
	rewrite("c.md", smallVault["c.md"]+"more [[a]]\n", old)
	rewrite("sub/e.md", "PLAIN\n", old.Add(time.Minute))
	_, notes, rep := loadCached(t, root, dir)
	if got := notes["a.md"].Links()[1].Target; got != "c" {
		t.Errorf("a.md (same size, same settled mtime): second link to %q, want the cached c", got)
	}
	if len(notes["c.md"].Links()) != 1 {
		t.Errorf("c.md (new size): %d links, want the new one", len(notes["c.md"].Links()))
	}
	if notes["sub/e.md"].Lead() != "PLAIN" {
		t.Errorf("sub/e.md (new mtime): lead %q, want the new text", notes["sub/e.md"].Lead())
	}
	if rep.Cached != rep.Notes-2 {
		t.Errorf("%d of %d notes cached, want all but c.md and sub/e.md", rep.Cached, rep.Notes)
	}
}

// A removed note's entry is dropped on save; a new note is added.
func TestNoteCacheRemovedFile(t *testing.T) {
	root := writeNotes(t, smallVault)
	dir := t.TempDir()
	c, _, _ := loadCached(t, root, dir)
	save(t, c)
	if err := os.Remove(filepath.Join(root, "c.md")); err != nil {
		t.Fatal(err)
	}
	c, _, rep := loadCached(t, root, dir)
	if rep.Cached != rep.Notes {
		t.Errorf("%d of %d notes cached", rep.Cached, rep.Notes)
	}
	if !save(t, c) {
		t.Fatal("a removed note did not rewrite the cache")
	}
	c, err := OpenNoteCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.entries["c.md"]; ok || c.Len() != rep.Notes {
		t.Errorf("after saving: %d entries (c.md there: %v), want %d", c.Len(), ok, rep.Notes)
	}
	if err := os.WriteFile(filepath.Join(root, "new.md"), []byte("[[a]]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, _, rep = loadCached(t, root, dir)
	if rep.Cached != rep.Notes-1 || !save(t, c) {
		t.Errorf("with a new note: %d of %d cached, want all but one, and a rewrite", rep.Cached, rep.Notes)
	}
}

// A header from another parser, format or build drops the whole cache.
func TestNoteCacheVersionMismatch(t *testing.T) {
	root := writeNotes(t, smallVault)
	dir := t.TempDir()
	c, _, _ := loadCached(t, root, dir)
	save(t, c)
	file := filepath.Join(dir, cacheFileName)
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	header := func(format, parser uint64, build string) []byte {
		b := []byte(cacheMagic)
		b = binary.AppendUvarint(b, format)
		b = binary.AppendUvarint(b, parser)
		return appendBytes(b, build)
	}
	rest, ok := readCacheHeader(good)
	if !ok || !bytes.HasPrefix(good, header(cacheFormat, parserVersion, buildID())) {
		t.Fatal("the written header does not read back")
	}
	for name, h := range map[string][]byte{
		"parser version": header(cacheFormat, parserVersion+1, buildID()),
		"format":         header(cacheFormat+1, parserVersion, buildID()),
		"build":          header(cacheFormat, parserVersion, buildID()+" other@v1"),
		"magic":          append([]byte("RHIZOME"), header(cacheFormat, parserVersion, buildID())[7:]...),
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(file, append(h, rest...), 0o600); err != nil {
				t.Fatal(err)
			}
			c, _, rep := loadCached(t, root, dir)
			if c.Len() != 0 || rep.Cached != 0 {
				t.Errorf("%d entries, %d notes cached from a mismatched cache", c.Len(), rep.Cached)
			}
			if !save(t, c) {
				t.Error("a mismatched cache was not replaced")
			}
		})
	}
}

// A cache cut short or with a flipped bit anywhere loads what is intact
// (damaged entries are skipped, never trusted), the vault loads whole and
// right, and the next save repairs the file.
func TestNoteCacheDamaged(t *testing.T) {
	root := writeNotes(t, smallVault)
	want := freshParses(t, root)
	dir := t.TempDir()
	c, _, _ := loadCached(t, root, dir)
	save(t, c)
	file := filepath.Join(dir, cacheFileName)
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p := NewParser()
	check := func(t *testing.T, damaged []byte) {
		if err := os.WriteFile(file, damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		c, _ := OpenNoteCache(dir) // the error only reports the damage
		ix, rep, err := LoadWithOptions(context.Background(), root, cacheTestConfig, p, LoadOptions{Cache: c})
		if err != nil {
			t.Fatal(err)
		}
		got := indexNotes(ix)
		if len(got) != len(want) || rep.Cached > c.Len() {
			t.Fatalf("%d notes (%d cached, %d entries), want %d", len(got), rep.Cached, c.Len(), len(want))
		}
		for p, n := range want {
			if g := got[p]; g.Size != n.Size || g.Sum != n.Sum || !reflect.DeepEqual(g.Frontmatter, n.Frontmatter) || len(g.Links()) != len(n.Links()) ||
				(len(n.Links()) > 0 && !reflect.DeepEqual(g.Links(), n.Links())) || g.Title != n.Title {
				t.Fatalf("%s loaded wrong from a damaged cache", p)
			}
		}
		if !save(t, c) {
			t.Fatal("a damaged cache was not rewritten")
		}
		if c, err := OpenNoteCache(dir); err != nil || c.Len() != len(want) {
			t.Fatalf("after the rewrite: %d entries, %v", c.Len(), err)
		}
	}
	t.Run("truncated", func(t *testing.T) {
		for n := 0; n < len(good); n += max(1, len(good)/97) {
			check(t, good[:n])
		}
	})
	t.Run("bit flipped", func(t *testing.T) {
		for i := 0; i < len(good); i += max(1, len(good)/149) {
			b := slices.Clone(good)
			b[i] ^= 1 << (i % 8)
			check(t, b)
		}
	})
	t.Run("one damaged entry", func(t *testing.T) {
		b := slices.Clone(good)
		b[len(b)-10] ^= 0x40 // inside the last entry
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := OpenNoteCache(dir)
		if err == nil || c.Len() != len(want)-1 {
			t.Errorf("%d entries, error %v; want all but one, and the damage reported", c.Len(), err)
		}
		check(t, b)
	})
}

// A cache folder that cannot be made or written only loses the cache.
func TestNoteCacheUnwritable(t *testing.T) {
	root := writeNotes(t, smallVault)
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A folder below a regular file: unwritable even for root. Opening it
	// reports the error; the load goes on without a cache.
	c, err := OpenNoteCache(filepath.Join(blocker, "cache"))
	if err == nil || c == nil {
		t.Fatalf("open: %v, %v", c, err)
	}
	_, rep, err := LoadWithOptions(context.Background(), root, cacheTestConfig, NewParser(), LoadOptions{Cache: c})
	if err != nil || rep.Notes == 0 || rep.Cached != 0 {
		t.Fatalf("load: %d notes, %d cached, %v", rep.Notes, rep.Cached, err)
	}
	if wrote, err := c.Save(context.Background()); wrote || err == nil {
		t.Errorf("save into an impossible folder: wrote %v, error %v", wrote, err)
	}
}

func TestNoteCacheDir(t *testing.T) {
	base := t.TempDir()
	t.Setenv("RHIZOME_CACHE_DIR", base)
	a, err := NoteCacheDir("testdata/scan/vault")
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs("testdata/scan/vault")
	a2, _ := NoteCacheDir(abs)
	b, _ := NoteCacheDir("testdata/scan")
	if filepath.Dir(a) != base || a != a2 || a == b {
		t.Errorf("cache folders %s, %s, %s under %s: want one per vault, the same for both spellings", a, a2, b, base)
	}
	t.Setenv("RHIZOME_CACHE_DIR", "")
	user, err := os.UserCacheDir()
	if err != nil {
		t.Skip(err)
	}
	if d, _ := NoteCacheDir(abs); filepath.Dir(d) != filepath.Join(user, "rhizome") {
		t.Errorf("default cache folder %s, want one under %s", d, filepath.Join(user, "rhizome"))
	}
}

// Save after a cancelled load writes nothing; Save with a cancelled context
// leaves the old file.
func TestNoteCacheCancelled(t *testing.T) {
	root := writeNotes(t, smallVault)
	dir := t.TempDir()
	c, _ := OpenNoteCache(dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := LoadWithOptions(ctx, root, cacheTestConfig, NewParser(), LoadOptions{Cache: c}); err == nil {
		t.Fatal("a cancelled load succeeded")
	}
	if wrote, err := c.Save(context.Background()); wrote || err != nil {
		t.Errorf("after a cancelled load: wrote %v, %v", wrote, err)
	}
	c, _, _ = loadCached(t, root, dir)
	if wrote, err := c.Save(ctx); wrote || err == nil {
		t.Errorf("cancelled save: wrote %v, %v", wrote, err)
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, "*")); len(tmps) != 0 {
		t.Errorf("a cancelled save left %v", tmps)
	}
}

// FuzzDecodeCache feeds damaged cache files and note encodings to the
// decoder: it must never panic, and whatever it accepts must be a note
// whose spans lie in its text and which encodes back to itself. It also
// round-trips the parse of the fuzzed text.
func FuzzDecodeCache(f *testing.F) {
	p := NewParser()
	root := filepath.Join("..", "examples", "garden")
	dir := f.TempDir()
	c, err := OpenNoteCache(dir)
	if err != nil {
		f.Fatal(err)
	}
	ix, _, err := LoadWithOptions(context.Background(), root, cacheTestConfig, p, LoadOptions{Cache: c})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := c.Save(context.Background()); err != nil {
		f.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join(dir, cacheFileName))
	if err != nil {
		f.Fatal(err)
	}
	var e encoder
	for path, n := range indexNotes(ix) {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(e.appendNote(nil, n), string(data))
	}
	f.Add(file, "")
	f.Add(file[:len(file)/2], "")
	for _, s := range parseSeeds {
		f.Add(e.appendNote(nil, p.ParseFile("dir/note.md", s)), s)
	}
	f.Fuzz(func(t *testing.T, data []byte, text string) {
		var e encoder
		entries, ordered, image, _, _ := readCacheFile(data, nil, nil)
		// Whatever the image holds, building from it fails or succeeds; it
		// never panics.
		if img, err := decodeImage(image); err == nil {
			buildFromImage(cacheTestConfig, img, ordered)
		}
		if img, err := decodeImage(data); err == nil {
			buildFromImage(cacheTestConfig, img, ordered)
		}
		for _, en := range entries {
			if en.note.Size != int(en.size) {
				t.Fatalf("an entry of %d bytes decoded to a note of %d", en.size, en.note.Size)
			}
			en.note.Sum = 0 // the entry's, not the encoding's
			checkDecoded(t, &e, en.note)
		}
		if n, err := decodeNote(data, "dir/note.md", len(text), []string{"a", "b-c"}); err == nil {
			checkDecoded(t, &e, n)
		}
		if len(text) < 4096 {
			n := p.ParseFile("dir/note.md", text)
			d, err := decodeNote(e.appendNote(nil, n), n.Path, n.Size, e.keys)
			if d != nil {
				d.Sum = n.Sum
			}
			if err != nil {
				t.Fatalf("parse of %q does not decode: %v", text, err)
			}
			if diff := decodedFrom(d, n); diff != "" {
				t.Fatalf("parse of %q does not round-trip: %s", text, diff)
			}
		}
	})
}

func checkDecoded(t *testing.T, e *encoder, n *Note) {
	t.Helper()
	ok := func(s Span) {
		if s.Start < 0 || s.Start > s.End || s.End > n.Size {
			t.Fatalf("span %v out of a text of %d bytes", s, n.Size)
		}
	}
	if n.Text != "" || n.Lines() == nil || n.Lines().Len() != n.Size {
		t.Fatalf("a decoded note of %d bytes holds text %q and lines %v", n.Size, n.Text, n.Lines())
	}
	ok(n.Frontmatter.Span)
	ok(n.LeadSpan())
	// The links a pass decodes without keeping them are the ones kept.
	var buf []Link
	unkept := slices.Clone(n.LinksInto(&buf))
	if !reflect.DeepEqual(unkept, n.Links()) && (len(unkept) > 0 || len(n.Links()) > 0) {
		t.Fatalf("LinksInto decoded %+v, Links %+v", unkept, n.Links())
	}
	for _, l := range n.Links() {
		ok(l.Span)
		ok(l.TargetSpan)
		if l.Def < -1 || int(l.Def) >= len(n.Links()) {
			t.Fatalf("Def %d of %d links", l.Def, len(n.Links()))
		}
	}
	for _, h := range n.Headings() {
		ok(h.Span)
		ok(h.TextSpan)
	}
	again, err := decodeNote(e.appendNote(nil, n), n.Path, n.Size, e.keys)
	if err != nil || !reflect.DeepEqual(withLinks(again), withLinks(n)) {
		t.Fatalf("a decoded note does not encode back to itself: %v\n got %+v\nwant %+v", err, again, n)
	}
}

// A note read with the size the scan saw is still read whole when it has
// grown or shrunk since, into the buffer given when it is big enough.
func TestReadNoteSizeChanged(t *testing.T) {
	file := filepath.Join(t.TempDir(), "n.md")
	for _, tc := range []struct {
		scanned int64
		text    string
	}{{5, "hello"}, {3, "hello"}, {0, "hello"}, {9, "hello"}, {5, ""}, {0, ""}} {
		if err := os.WriteFile(file, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := readNote(FileInfo{Abs: file, Size: tc.scanned}, nil)
		if err != nil || string(got) != tc.text {
			t.Errorf("scanned %d bytes of %q: read %q, %v", tc.scanned, tc.text, got, err)
		}
		buf := make([]byte, 16)
		got, err = readNote(FileInfo{Abs: file, Size: tc.scanned}, buf)
		if err != nil || string(got) != tc.text || tc.scanned <= 16 && len(got) > 0 && &got[0] != &buf[0] {
			t.Errorf("scanned %d bytes of %q into a buffer: read %q, %v", tc.scanned, tc.text, got, err)
		}
	}
}

// A note that cannot be read is an error that names it, and the buffer
// given comes back for the next note.
func TestReadNoteError(t *testing.T) {
	dir := t.TempDir()
	buf := make([]byte, 8)
	for _, fi := range []FileInfo{{Abs: filepath.Join(dir, "gone.md"), Size: 3}, {Abs: dir, Size: 3}} {
		got, err := readNote(fi, buf)
		if err == nil || !strings.Contains(err.Error(), fi.Abs) || cap(got) != cap(buf) {
			t.Errorf("reading %s: %v, a buffer of %d bytes back", fi.Abs, err, cap(got))
		}
	}
}

// A restart leaves the cached notes' links encoded: the load does not
// decode them. Asked for, from any number of goroutines, they are the
// parse's, decoded once; a Save writes them back as they were.
// restartCached writes files as a vault, loads it with a note cache in a
// folder of its own, saves the cache and loads again: it returns the vault,
// the cache's folder, the notes of that restart, which must all come from
// the cache's image, and the notes parsed afresh.
func restartCached(t *testing.T, files map[string]string) (root, dir string, notes, want map[string]*Note) {
	t.Helper()
	root, dir = writeNotes(t, files), t.TempDir()
	c, _, _ := loadCached(t, root, dir)
	save(t, c)
	want = freshParses(t, root)
	_, notes, rep := loadCached(t, root, dir)
	if !rep.FromImage || rep.Cached != rep.Notes {
		t.Fatalf("restart: from image %v, %d of %d notes cached", rep.FromImage, rep.Cached, rep.Notes)
	}
	return root, dir, notes, want
}

// resaveTouched touches the file at rel, loads the vault at root with its
// cache in dir and saves the cache, which must be written again; it returns
// the notes of that load.
func resaveTouched(t *testing.T, root, dir, rel string) map[string]*Note {
	t.Helper()
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(root, rel), later, later); err != nil {
		t.Fatal(err)
	}
	c, notes, _ := loadCached(t, root, dir)
	if !save(t, c) {
		t.Fatal("a touched note did not rewrite the cache")
	}
	return notes
}

// A restart leaves every note's details (lines, headings, blocks, tags,
// lead) encoded until one is asked for; then they decode once, whichever
// goroutines ask, into what the parse had, and the encoding is let go.
func TestCachedDetailsDecodeOnUse(t *testing.T) {
	files := maps.Clone(smallVault)
	files["h.md"] = "---\ntags: [fm]\n---\n# One\n\nLead *text* [[a]] #body\r\n\n## Twö ^blk\n" + strings.Repeat("x", MaxLineBytes+1) + " [[b]]\n"
	_, _, notes, want := restartCached(t, files)
	for p, n := range notes {
		if n.lazy == nil || n.lazy.b == nil || n.noteDetails.lines != nil {
			t.Errorf("the load decoded the details of %s", p)
		}
	}

	h := notes["h.md"]
	got := make([]noteDetails, 8)
	var wg sync.WaitGroup
	for i := range got {
		// Each goroutine asks for a different detail first.
		wg.Go(func() {
			switch i % 4 {
			case 0:
				h.Headings()
			case 1:
				h.Lines()
			case 2:
				h.Tags()
			case 3:
				h.Lead()
			}
			got[i] = noteDetails{h.Lines(), h.LongLines(), h.Lead(), h.LeadSpan(), h.Headings(), h.Blocks(), h.Tags()}
		})
	}
	wg.Wait()
	w := want["h.md"]
	wantDetails := noteDetails{w.Lines(), w.LongLines(), w.Lead(), w.LeadSpan(), w.Headings(), w.Blocks(), w.Tags()}
	if len(wantDetails.headings) != 2 || len(wantDetails.blocks) != 1 || len(wantDetails.tags) != 2 || len(wantDetails.longLines) != 1 || wantDetails.lead == "" {
		t.Fatalf("the parse of h.md is not what this test is about: %+v", wantDetails)
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], wantDetails) || got[i].lines != got[0].lines || &got[i].headings[0] != &got[0].headings[0] {
			t.Fatalf("details from goroutine %d: %+v, want the one decoded copy of %+v", i, got[i], wantDetails)
		}
	}
	if h.lazy.b != nil {
		t.Error("a note whose details are decoded still holds their encoding")
	}
	if other := notes["a.md"]; other.lazy.b == nil {
		t.Error("asking one note for its details decoded another's")
	}

	// Details that do not decode (the entry's checksum stands before them,
	// so this is not expected) leave a note with none, and lines that
	// every position maps within.
	c2 := notes["c.md"]
	c2.lazy.b = []byte{0xff}
	if l := c2.Lines(); l == nil || l.Len() != c2.Size || c2.Headings() != nil || c2.Tags() != nil || c2.Blocks() != nil {
		t.Errorf("damaged details: lines %v, headings %v, tags %v, blocks %v", l, c2.Headings(), c2.Tags(), c2.Blocks())
	}
}

// LinksInto, for a pass over every note, decodes a cached note's links into
// the caller's buffer the first time and keeps nothing; the second time it
// keeps them, as Links does. Whichever comes first, asked from many
// goroutines at once, every one gets the parse's links.
func TestCachedLinksInto(t *testing.T) {
	files := maps.Clone(smallVault)
	files["g.md"] = "[**bold** label](a%20b.md#Intro) [[sub/d|`code`]] [r][] ![i](image.png)\n\n[r]: c.md\n"
	files["h.md"] = "[[a]] [[b#X]] [[sub/d]]\n"
	_, _, notes, want := restartCached(t, files)
	g, h := notes["g.md"], notes["h.md"]

	var buf []Link
	first := g.LinksInto(&buf)
	if !reflect.DeepEqual(first, want["g.md"].Links()) || len(buf) < len(first) || &first[0] != &buf[0] {
		t.Fatalf("first LinksInto: %+v in the buffer %v, want %+v decoded into it", first, len(buf) >= len(first) && &first[0] == &buf[0], want["g.md"].Links())
	}
	if g.links != nil || g.encoded.b == nil {
		t.Fatal("the first LinksInto kept the links or dropped their encoding")
	}
	// A buffer long enough is reused, not grown.
	before := &buf[0]
	if got := h.LinksInto(&buf); !reflect.DeepEqual(got, want["h.md"].Links()) || &got[0] != before {
		t.Errorf("LinksInto of h.md: %+v (in the same buffer: %v), want %+v", got, &got[0] == before, want["h.md"].Links())
	}
	second := g.LinksInto(&buf)
	if !reflect.DeepEqual(second, want["g.md"].Links()) || &second[0] == &buf[0] || &second[0] != &g.Links()[0] || g.encoded.b != nil {
		t.Errorf("second LinksInto: %+v, want the note's own kept links %+v, the encoding dropped", second, want["g.md"].Links())
	}

	// Asked at once from many goroutines, half of them through Links.
	_, _, notes, _ = restartCached(t, files)
	g = notes["g.md"]
	got := make([][]Link, 16)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			if i%2 == 0 {
				got[i] = g.Links()
				return
			}
			var buf []Link
			got[i] = slices.Clone(g.LinksInto(&buf))
		})
	}
	wg.Wait()
	for i := range got {
		if !reflect.DeepEqual(got[i], want["g.md"].Links()) {
			t.Fatalf("goroutine %d: %+v, want %+v", i, got[i], want["g.md"].Links())
		}
	}
	if g.encoded.b != nil || &g.Links()[0] != &got[0][0] {
		t.Error("after Links, the encoding is still held or Links decoded twice")
	}

	// Writing the cache again (a file changed) reads every note's links and
	// keeps none, nor counts as the first ask.
	root, dir, _, _ := restartCached(t, files)
	g = resaveTouched(t, root, dir, "c.md")["g.md"]
	if g.encoded == nil || g.links != nil || g.encoded.b == nil || g.encoded.asked.Load() {
		t.Error("writing the cache kept the links of a note from it, or counted as an ask")
	}
	_, again, _ := loadCached(t, root, dir)
	if got := again["g.md"].Links(); !reflect.DeepEqual(got, want["g.md"].Links()) {
		t.Errorf("links written from their encoding read back as %+v, want %+v", got, want["g.md"].Links())
	}
}

func TestCachedLinksDecodeOnUse(t *testing.T) {
	files := maps.Clone(smallVault)
	files["g.md"] = "[**bold** label](a%20b.md#Intro) [[sub/d|`code`]] [r][] ![i](image.png)\n\n[r]: c.md\n"
	root, dir, notes, want := restartCached(t, files)
	for p, n := range notes {
		if w := want[p].Links(); len(w) > 0 && (n.encoded == nil || n.links != nil) {
			t.Errorf("the load decoded the links of %s", p)
		}
		if n.linkCount() != len(want[p].Links()) {
			t.Errorf("%s: linkCount %d, want %d", p, n.linkCount(), len(want[p].Links()))
		}
	}

	g := notes["g.md"]
	got := make([][]Link, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() { got[i] = g.Links() })
	}
	wg.Wait()
	for i := range got {
		if !reflect.DeepEqual(got[i], want["g.md"].Links()) || &got[i][0] != &got[0][0] {
			t.Fatalf("Links from goroutine %d: %+v, want the one decoded slice %+v", i, got[i], want["g.md"].Links())
		}
	}
	if e := g.encoded; e.b != nil || e.keys != nil {
		t.Error("a note whose links are decoded still holds their encoding")
	}

	// A touched file makes Save write every note again, the ones whose
	// links are still encoded too.
	resaveTouched(t, root, dir, "c.md")
	// What that Save wrote reads back as the parse. (By value: which
	// strings share memory may differ after a second round, since Go makes
	// every one-byte string from bytes the same static one.)
	_, notes, rep := loadCached(t, root, dir)
	if rep.Cached != rep.Notes || len(notes) != len(want) {
		t.Fatalf("%d of %d notes cached, %d notes, want %d", rep.Cached, rep.Notes, len(notes), len(want))
	}
	for p, w := range want {
		g := withLinks(notes[p])
		if !strings.HasPrefix(g.kept, w.kept) {
			t.Errorf("%s after a Save of encoded links: kept strings %q, not the parse's %q then others", p, g.kept, w.kept)
		}
		g.kept = w.kept
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s after a Save of encoded links:\n got %+v\nwant %+v", p, g, w)
		}
	}
}

// stringsSize is room enough for appendStrings, for no strings, empty ones
// and long ones, so that the save's buffers are allocated once.
func TestStringsSizeHoldsAppendStrings(t *testing.T) {
	for _, list := range [][]string{nil, {""}, {"a", "", "bc"}, {strings.Repeat("x", 1<<20), "y"},
		strings.Split(strings.Repeat("note/", 5000), "/")} {
		if got, room := len(appendStrings(nil, list)), stringsSize(list); got > room {
			t.Errorf("%d strings: appendStrings made %d bytes, stringsSize said %d", len(list), got, room)
		}
	}
}

// TestNoteCacheFieldCounts: a restart takes the vault's frontmatter keys
// and values from the index image, as a fresh load counts them (LF, CRLF
// and BOM headers; a broken one counts nothing), and a note changed since
// the image was written is counted anew.
func TestNoteCacheFieldCounts(t *testing.T) {
	root := writeNotes(t, map[string]string{
		"a.md": "---\nstatus: seedling\ntype: book\npublish: true\n---\n# A\n",
		"b.md": "---\r\nstatus: seedling\r\npublish: false\r\n---\r\n# B\r\n",
		"c.md": "\ufeff---\nstatus: budding\nétat: brouillon\n---\n",
		"d.md": "---\nstatus: evergreen\ndescription: Note: broken\n---\n",
		"e.md": "no header\n",
	})
	settle(t, root)
	want := "status 3: seedling×2 budding×1\npublish 2: false×1 true×1\ntype 1: book×1\nétat 1: brouillon×1\n"
	dir := t.TempDir()
	cold, rep := loadThrough(t, root, dir, cacheTestConfig)
	if got := fieldState(cold); rep.FromImage || got != want {
		t.Fatalf("cold load (from image %v):\n got %q\nwant %q", rep.FromImage, got, want)
	}
	warm, rep := loadThrough(t, root, dir, cacheTestConfig)
	if got := fieldState(warm); !rep.FromImage || got != want {
		t.Fatalf("restart (from image %v):\n got %q\nwant %q", rep.FromImage, got, want)
	}
	if err := os.WriteFile(filepath.Join(root, "a.md"), []byte("---\nstatus: evergreen\n---\n# A\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	edited, rep := loadThrough(t, root, dir, cacheTestConfig)
	want = "status 3: budding×1 evergreen×1 seedling×1\npublish 1: false×1\nétat 1: brouillon×1\n"
	if got := fieldState(edited); !rep.FromImage || rep.ImageEdits != 1 || got != want {
		t.Fatalf("restart after an edit (from image %v, %d edits):\n got %q\nwant %q", rep.FromImage, rep.ImageEdits, got, want)
	}
	if got := fieldState(freshLoad(t, root, cacheTestConfig)); got != want {
		t.Errorf("a fresh load counts otherwise:\n got %q\nwant %q", got, want)
	}
}
