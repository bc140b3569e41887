// Package vaultgen writes synthetic knowledge gardens for benchmarks and tests:
// the same Options always give a byte-identical vault shaped like a real Obsidian one.
package vaultgen

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// Options says how big a vault to write and which one.
type Options struct {
	Notes int   // number of markdown notes
	Seed  int64 // the same seed and Notes give the same vault, byte for byte
}

// Stats describes what Generate wrote. Broken counts are under the obsidian
// profile, which is the rule the generator writes links for.
type Stats struct {
	Notes    int
	Assets   int   // image files (tiny PNGs) that notes embed
	Folders  int   // folders holding at least one file, the root excluded
	Links    int   // internal links and embeds outside code and comments, frontmatter included
	Broken   int   // links among Links written to not resolve: missing note, heading or block, stale path
	External int   // https links, not counted in Links
	Bytes    int64 // total size of every file written
}

// Fixed stream ids: the plan and each note draw from their own PCG stream, so
// notes can be rendered in parallel and still come out identical.
const (
	planStream = 0x7268697a6f6d65 // "rhizome"
	noteStream = 1 << 40
)

// tinyPNG is a valid 1×1 transparent PNG.
const tinyPNG = "\x89PNG\r\n\x1a\n" +
	"\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\x0bIDAT\x78\xda\x63\x60\x00\x02\x00\x00\x05\x00\x01\xe9\xfa\xdc\xd8" +
	"\x00\x00\x00\x00IEND\xaeB`\x82"

// Generate writes a vault of opt.Notes notes into dir, creating it if needed.
// Existing files with the same names are overwritten; others are left alone.
func Generate(dir string, opt Options) (Stats, error) {
	st, _, err := generate(dir, opt, false)
	return st, err
}

// linkRecord is one link as the generator meant it, kept for tests.
type linkRecord struct {
	Source   string // vault path of the note holding the link
	Text     string // exactly as written
	Kind     string // wiki, embed, md, image, frontmatter
	Target   string // vault path it must resolve to; "" when broken
	Fragment string // heading text, slug or ^id it must find; "" for none
	Broken   bool
}

func generate(dir string, opt Options, keep bool) (Stats, [][]linkRecord, error) {
	if opt.Notes < 1 {
		return Stats{}, nil, errors.New("vaultgen: Notes must be at least 1")
	}
	p := newPlan(opt)
	var st Stats
	dirs := p.dirs()
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return st, nil, err
		}
	}
	st.Folders = len(dirs) - 1
	for _, a := range p.assets {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(a)), []byte(tinyPNG), 0o644); err != nil {
			return st, nil, err
		}
		st.Assets++
		st.Bytes += int64(len(tinyPNG))
	}

	n := len(p.notes)
	results := make([]noteResult, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				results[i] = p.render(dir, i, keep)
			}
		}()
	}
	wg.Wait()

	var recs [][]linkRecord
	if keep {
		recs = make([][]linkRecord, n)
	}
	for i, r := range results {
		if r.err != nil {
			return st, nil, r.err
		}
		st.Notes++
		st.Links += r.links
		st.Broken += r.broken
		st.External += r.external
		st.Bytes += r.bytes
		if keep {
			recs[i] = r.recs
		}
	}
	return st, recs, nil
}

// note is what every other note may need to know about one note: where it is
// and which headings and blocks it has, so links into it can be right (or
// deliberately wrong).
type note struct {
	dir, name, path string
	key             string // lowercased words of the name, unique except for duplicates
	title           string
	dup             bool // another note has the same basename (case-insensitively)
	brokenYAML      bool
	size            int // target body size in bytes
	h1              bool
	sections        []section
	headings        []string // every heading, H1 first, in order
	blocks          []string
}

type section struct {
	level   int // 0 for the text before the first heading
	heading string
	blocks  []string // one entry per paragraph, "" when it has no block id
	related bool     // a "Related" list of links instead of prose
}

type plan struct {
	seed    uint64
	lex     *lexicon
	notes   []*note
	assets  []string
	hubs    []int            // hubs[rank] is the note that rank-th most links point at
	byDir   map[string][]int // notes of each folder, for sibling links
	keys    map[string]bool  // every note name key, to invent names that do not exist
	folders []string         // every folder, parents before children
}

func newPlan(opt Options) *plan {
	p := &plan{
		seed:  uint64(opt.Seed),
		lex:   newLexicon(),
		keys:  make(map[string]bool),
		byDir: make(map[string][]int),
	}
	r := rand.New(rand.NewPCG(p.seed, planStream))
	n := opt.Notes
	p.planFolders(r, n)
	p.planNames(r, n)
	p.planAssets(r, n)
	for _, nt := range p.notes {
		p.planBody(r, nt)
	}
	p.hubs = r.Perm(n)
	for i, nt := range p.notes {
		p.byDir[nt.dir] = append(p.byDir[nt.dir], i)
	}
	for k := 0; k < max(1, n/100); k++ {
		p.notes[r.IntN(n)].brokenYAML = true
	}
	return p
}

// planFolders makes about sqrt(n) folders up to four levels deep: a handful
// at the root, as in real gardens, the rest nested under earlier ones.
func (p *plan) planFolders(r *rand.Rand, n int) {
	want := int(math.Sqrt(float64(n)))
	taken := make(map[string]bool) // parent + "\x00" + lowercased name
	depth := map[string]int{"": 0}
	p.folders = []string{""}
	top := min(max(2, want/4), 16)
	for tries := 0; len(p.folders)-1 < want && tries < want*20; tries++ {
		parent := ""
		if len(p.folders)-1 >= top {
			parent = p.folders[1+r.IntN(len(p.folders)-1)]
			if depth[parent] >= 4 {
				continue
			}
		}
		var name string
		if r.IntN(10) == 0 {
			name = pick(r, p.lex.spaced)
		} else {
			name = pick(r, p.lex.folders)
		}
		k := parent + "\x00" + strings.ToLower(name)
		if taken[k] {
			continue
		}
		taken[k] = true
		path := join(parent, name)
		depth[path] = depth[parent] + 1
		p.folders = append(p.folders, path)
	}
}

// planNames gives every note a folder and a unique name, then renames about 5%
// to names that exist in other folders too (index, readme, copied notes).
func (p *plan) planNames(r *rand.Rand, n int) {
	lex := p.lex
	special := []string{"Café culture", "知识花园", "🌱 Seedlings"}
	for _, d := range lex.dups {
		p.keys[strings.ToLower(d)] = true
	}
	used := make(map[string]bool) // lowercased vault path
	for i := range n {
		nt := &note{}
		// Folder choice is skewed towards earlier (shallower) folders, and a few
		// notes live at the root.
		if r.IntN(50) == 0 || len(p.folders) == 1 {
			nt.dir = ""
		} else {
			f := min(r.IntN(len(p.folders)-1), r.IntN(len(p.folders)-1))
			nt.dir = p.folders[1+f]
		}
		if i < len(special) && n >= 20 {
			nt.name = special[i]
			nt.key = strings.ToLower(nt.name)
			nt.title = nt.name
		} else {
			words := p.inventKey(r, 2)
			nt.key = strings.Join(words, " ")
			nt.name = styleName(r, words)
			nt.title = titleCase(words)
		}
		p.keys[nt.key] = true
		nt.path = join(nt.dir, nt.name+".md")
		used[strings.ToLower(nt.path)] = true
		p.notes = append(p.notes, nt)
	}

	for k := 0; k < n*5/100; k++ {
		i := r.IntN(n)
		if i < len(special) {
			continue // keep the non-ASCII names
		}
		nt := p.notes[i]
		var name string
		if r.IntN(2) == 0 {
			name = pick(r, lex.dups)
		} else {
			name = p.notes[r.IntN(n)].name
		}
		path := join(nt.dir, name+".md")
		if used[strings.ToLower(path)] {
			continue
		}
		delete(used, strings.ToLower(nt.path))
		used[strings.ToLower(path)] = true
		nt.name, nt.path = name, path
		nt.key = strings.ToLower(strings.NewReplacer("-", " ", "_", " ").Replace(name))
		nt.title = titleCase(strings.Fields(nt.key))
		if nt.dir != "" {
			nt.title = titleCase(strings.Fields(strings.ToLower(lastSegment(nt.dir)))) + " " + nt.title
		}
	}

	count := make(map[string]int)
	for _, nt := range p.notes {
		count[strings.ToLower(nt.name)]++
	}
	for _, nt := range p.notes {
		nt.dup = count[strings.ToLower(nt.name)] > 1
	}
}

// inventKey returns lowercase words that no note name uses yet.
func (p *plan) inventKey(r *rand.Rand, words int) []string {
	lex := p.lex
	for tries := 0; ; tries++ {
		w := words + tries/4
		out := make([]string, 0, w)
		if r.IntN(3) > 0 {
			out = append(out, pick(r, lex.adjs))
		}
		for len(out) < w {
			out = append(out, pick(r, lex.nouns))
		}
		if tries > 40 {
			out = append(out, fmt.Sprint(r.IntN(1000000)))
		}
		if !p.keys[strings.Join(out, " ")] {
			return out
		}
	}
}

// styleName spells the words as file names are spelled in real vaults: mostly
// kebab-case (Quartz, websites), some Title Case with spaces (Obsidian), a few
// CamelCase (wikis) and snake_case.
func styleName(r *rand.Rand, words []string) string {
	switch x := r.IntN(100); {
	case x < 65:
		return strings.Join(words, "-")
	case x < 80:
		return titleCase(words)
	case x < 88:
		return upperFirst(strings.Join(words, " "))
	case x < 93:
		return strings.Join(words, "_")
	case x < 95:
		return strings.Join(words, " ")
	default:
		return strings.ReplaceAll(titleCase(words), " ", "")
	}
}

func (p *plan) planAssets(r *rand.Rand, n int) {
	count := max(3, n/50)
	for i := range count {
		var name string
		switch r.IntN(4) {
		case 0:
			name = fmt.Sprintf("Screenshot 2023-%02d-%02d %d.png", 1+r.IntN(12), 1+r.IntN(28), i)
		case 1:
			name = fmt.Sprintf("photo-%d.png", i)
		default:
			name = fmt.Sprintf("diagram-%03d.png", i)
		}
		dir := "attachments"
		if r.IntN(5) == 0 && len(p.folders) > 1 {
			dir = p.folders[1+r.IntN(len(p.folders)-1)]
		}
		p.assets = append(p.assets, join(dir, name))
	}
}

// planBody fixes a note's size, headings and block ids: links from other notes
// are written against this skeleton before the note itself is rendered.
func (p *plan) planBody(r *rand.Rand, nt *note) {
	// Log-normal sizes around 5 KB, clamped to 0.5–15 KB.
	size := math.Exp(8.3 + 0.65*r.NormFloat64())
	nt.size = int(min(15000, max(500, size)))
	paras := max(1, nt.size/560)
	nt.h1 = r.IntN(2) == 0
	if nt.h1 {
		nt.headings = append(nt.headings, nt.title)
	}
	intro := min(paras, 1+r.IntN(2))
	nt.sections = append(nt.sections, section{blocks: p.planBlocks(r, nt, intro)})
	paras -= intro
	for paras > 0 {
		k := min(paras, 1+r.IntN(4))
		paras -= k
		lvl := 2
		if len(nt.sections) > 1 && r.IntN(3) == 0 {
			lvl = 3
		}
		h := pick(r, p.lex.headings)
		if r.IntN(4) == 0 {
			h = upperFirst(pick(r, p.lex.adjs) + " " + pick(r, p.lex.nouns))
		}
		nt.headings = append(nt.headings, h)
		nt.sections = append(nt.sections, section{level: lvl, heading: h, blocks: p.planBlocks(r, nt, k)})
	}
	if r.IntN(5) < 3 {
		nt.headings = append(nt.headings, "Related")
		nt.sections = append(nt.sections, section{level: 2, heading: "Related", related: true})
	}
}

func (p *plan) planBlocks(r *rand.Rand, nt *note, paras int) []string {
	out := make([]string, paras)
	for i := range out {
		if r.IntN(8) != 0 {
			continue
		}
		id := blockID(r)
		for contains(nt.blocks, id) {
			id = blockID(r)
		}
		out[i] = id
		nt.blocks = append(nt.blocks, id)
	}
	return out
}

// dirs lists the folders that hold files, parents first, root included.
func (p *plan) dirs() []string {
	seen := map[string]bool{"": true}
	out := []string{""}
	var add func(d string)
	add = func(d string) {
		if seen[d] {
			return
		}
		if i := strings.LastIndexByte(d, '/'); i >= 0 {
			add(d[:i])
		}
		seen[d] = true
		out = append(out, d)
	}
	for _, nt := range p.notes {
		add(nt.dir)
	}
	for _, a := range p.assets {
		add(dirOf(a))
	}
	return out
}

func blockID(r *rand.Rand) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [6]byte
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b[:])
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[:i]
	}
	return ""
}

func lastSegment(path string) string { return path[strings.LastIndexByte(path, '/')+1:] }

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func titleCase(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = upperFirst(w)
	}
	return strings.Join(out, " ")
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// slug is GitHub's heading anchor (github-slugger, which Quartz uses too):
// lowercase, punctuation dropped, each space a hyphen.
func slug(heading string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(heading) {
		switch {
		case c == ' ':
			b.WriteByte('-')
		case c == '-' || c == '_' || unicode.IsLetter(c) || unicode.IsDigit(c):
			b.WriteRune(c)
		}
	}
	return b.String()
}
