package workspace

// Span is a half-open byte range [Start, End) into a note's text. Every position
// below the server is a byte offset; encodings are converted only at the LSP edge.
type Span struct {
	Start, End int
}

// Contains reports whether off lies inside the span; the end is included so a
// cursor just after a link still counts as on it.
func (s Span) Contains(off int) bool { return off >= s.Start && off <= s.End }

// Len is the span's length in bytes.
func (s Span) Len() int { return s.End - s.Start }

// LinkKind says which syntax a link was written in.
type LinkKind uint8

const (
	LinkWiki        LinkKind = iota // [[target#frag|label]]
	LinkEmbed                       // ![[target]]
	LinkInline                      // [label](dest) and ![alt](dest)
	LinkReference                   // [label][ref], [label][], [label]
	LinkDefinition                  // [ref]: dest "title"
	LinkAutolink                    // <https://…> and bare URLs
	LinkFrontmatter                 // [[x]] or [x](y) inside a frontmatter value
)

var linkKindNames = [...]string{"wiki", "embed", "inline", "reference", "definition", "autolink", "frontmatter"}

func (k LinkKind) String() string {
	if int(k) < len(linkKindNames) {
		return linkKindNames[k]
	}
	return "unknown"
}

// Link is one link as written in a note. (A vault holds hundreds of
// thousands: the small fields come first, packed into one word.)
type Link struct {
	Kind LinkKind
	// Wiki is true for wikilink syntax (also for embeds and frontmatter [[x]]),
	// whose targets are note names rather than URLs.
	Wiki bool
	// Image is true for ![..](..) and ![[..]].
	Image bool
	// External marks URLs with a scheme (https:, mailto:, …): kept, never resolved.
	External bool
	// Def is the index in Note.Links() of the definition a reference use points to, or -1.
	Def int32
	// Span covers the whole link; TargetSpan the target as written (path and
	// fragment, without label or brackets). For a reference use it is the label
	// that names the definition.
	Span       Span
	TargetSpan Span
	// Target is the decoded path part ("" for a link to a fragment of the same
	// note); Fragment the decoded part after '#' (a heading, or "^id" for a block).
	Target   string
	Fragment string
	Label    string
	// Raw is the target as written: the text at TargetSpan, kept because the
	// note's text may not be (a fix or a rename rewrites it in its own style).
	Raw string

	key string // nameKey(Target), computed while parsing (in parallel) rather than per lookup
}

// lookupKey is the name-table key of the link's target.
func (l *Link) lookupKey() string {
	if l.key != "" {
		return l.key
	}
	return nameKey(l.Target)
}

// Heading is an ATX or setext heading.
type Heading struct {
	Level int
	Text  string // inline text as Obsidian links to it
	Slug  string // GitHub/Quartz slug, numbered "-1", "-2" for duplicates
	Span  Span   // the whole heading (both lines for setext)
	// TextSpan is the heading text without markers.
	TextSpan Span
}

// Block is a block id written as "^id" at the end of a paragraph or list
// item, or on a line of its own after a quote, a table or a list.
type Block struct {
	ID   string
	Span Span // the "^id" marker
	// Named is the block the id names, whole, as BlockSpans has it: where
	// a link to it leads (an editor opens at its first line). It is empty
	// for an id that names none (in a table's cell before the table's own).
	Named Span
}

// Tag is a #tag in the body or an entry of frontmatter tags.
type Tag struct {
	Name          string // without '#'
	Span          Span
	InFrontmatter bool
}

// FrontmatterError is a YAML error at a line of the file (1-based).
type FrontmatterError struct {
	Line    int
	Span    Span // the offending line
	Message string
}

func (e *FrontmatterError) Error() string { return e.Message }

// FieldProblem is a frontmatter value of the wrong type or shape.
type FieldProblem struct {
	Field   string
	Span    Span
	Message string
}

// Frontmatter is the YAML header of a note.
type Frontmatter struct {
	Present bool
	Span    Span // from the opening '---' to the end of the closing line
	Err     *FrontmatterError

	Title       string
	Description string
	Aliases     []string
	Tags        []Tag // InFrontmatter set; also listed in Note.Tags()
	Publish     *bool
	Problems    []FieldProblem

	// fields are the top-level keys and their short values (see Fields).
	fields string
}

// Note is one parsed markdown file. A Note is immutable once parsed: an edit
// produces a new Note, so readers may keep one without locks.
type Note struct {
	Path string // vault-relative, '/'-separated, as on disk
	// Text is the content of a note parsed from an editor's buffer. A note
	// read from disk (Parser.ParseFile, the note cache) does not keep it:
	// the disk has it, and the text of every note is most of a large vault's
	// memory. Its strings are then copied into one small buffer, and
	// Snapshot.Text reads the text back when a feature needs more.
	Text    string
	Version int32
	// Size is the text's length in bytes and Sum its CRC-32C (ParseFile
	// only), by which a re-read checks that the file is still what was parsed.
	Size int
	Sum  uint32
	// InvalidUTF8 is set when the text is not valid UTF-8 (it is parsed as is).
	InvalidUTF8 bool

	// kept holds the strings of a note without Text, end to end: those
	// sliced from its text (see dropText), and for a note from the note
	// cache every other one too.
	kept string

	Frontmatter Frontmatter
	Title       string
	Description string

	// noteDetails are what a feature reads of one note at a time: its
	// lines, headings, blocks, tags and lead, through the methods of those
	// names. A note from the note cache has them encoded until one is first
	// asked for (lazy): a restart builds the index from the cache's image,
	// which has every note's names, tags and links, and decoding the details
	// of 50,000 notes there was a tenth of its time, mostly in memory
	// touched for the first time.
	noteDetails
	lazy *lazyDetails

	// links are what Links returns. A note from the note cache has them
	// encoded until they are first asked for (encoded): at 50,000 notes a
	// restart would otherwise spend a third of its time building 1.5
	// million Links that the index, built from the cache's image, does not
	// read.
	links   []Link
	encoded *encodedLinks
}

// noteDetails are a Note's parts that a note from the cache decodes on
// first use (see Note).
type noteDetails struct {
	lines     *Lines
	longLines []Span
	lead      string
	leadSpan  Span
	headings  []Heading
	blocks    []Block
	tags      []Tag
}

// details are the note's noteDetails, decoded first when the note is from
// the note cache and no one asked before.
func (n *Note) details() *noteDetails {
	if l := n.lazy; l != nil {
		l.once.Do(func() {
			n.noteDetails = l.decode(n)
			l.b = nil // nothing reads the encoding again
		})
	}
	return &n.noteDetails
}

// Lines maps the text's byte offsets to lines and columns, text or not.
func (n *Note) Lines() *Lines { return n.details().lines }

// LongLines are the lines longer than MaxLineBytes that hold link syntax:
// their markdown was not read, so their links are not among Links.
func (n *Note) LongLines() []Span { return n.details().longLines }

// Lead is the text of the note's first paragraph, and LeadSpan where it is.
func (n *Note) Lead() string   { return n.details().lead }
func (n *Note) LeadSpan() Span { return n.details().leadSpan }

// Headings are the note's headings in order; the slice is the note's.
func (n *Note) Headings() []Heading { return n.details().headings }

// Blocks are the note's block ids in order; the slice is the note's.
func (n *Note) Blocks() []Block { return n.details().blocks }

// Tags are the note's tags, the frontmatter's among them, in order; the
// slice is the note's.
func (n *Note) Tags() []Tag { return n.details().tags }

// Links are the note's links in the order they appear. The slice is the
// note's: do not modify it.
func (n *Note) Links() []Link {
	if e := n.encoded; e != nil {
		e.once.Do(func() {
			n.links = e.decode(n, nil)
			// Nothing reads the encoding again: 45 MB at 50,000 notes.
			e.mu.Lock()
			e.b, e.keys = nil, nil
			e.mu.Unlock()
		})
	}
	return n.links
}

// LinksInto is Links for a pass over every note, which reads each note's
// links once: the links of a note from the note cache that no one has asked
// for yet are decoded into *buf (grown when short) and not kept, the first
// time. Kept, every note's, for the first diagnostics after a restart, they
// were 156 MB of a 50,000-note server's 531 MB heap, which its collector
// marked again at each of the six collections that followed (five without,
// the heap at 375 MB). The second ask keeps them, as Links does: a note
// diagnosed again is likely to be again (it links to a note being edited).
// The result is *buf's or the note's: do not modify it, nor use it after
// *buf's next use.
func (n *Note) LinksInto(buf *[]Link) []Link {
	if e := n.encoded; e == nil || e.asked.Swap(true) {
		return n.Links()
	}
	return n.linksUnkept(buf)
}

// linksUnkept is LinksInto without the ask counted: what writing the note
// cache reads, which says nothing of what the server will read again.
func (n *Note) linksUnkept(buf *[]Link) []Link {
	e := n.encoded
	if e == nil {
		return n.links
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.b == nil {
		// Links decoded them meanwhile (and set n.links before it took the
		// lock to drop the encoding).
		return n.links
	}
	if cap(*buf) < e.count {
		*buf = make([]Link, e.count)
	}
	return e.decode(n, (*buf)[:e.count])
}

// linkCount is len(n.Links()), without decoding them.
func (n *Note) linkCount() int {
	if e := n.encoded; e != nil {
		return e.count
	}
	return len(n.links)
}
