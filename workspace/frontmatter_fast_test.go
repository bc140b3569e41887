package workspace

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// claimsFast reports whether the hand-written reader answers for text.
func claimsFast(text string, start int) bool {
	h, ok := findHeader(text, start)
	if !ok || h.yamlStart != h.dataStart {
		return false
	}
	_, ok = readSimpleHeader(text, h.dataStart, h.dataEnd)
	return ok
}

// checkSameFrontmatter compares parseFrontmatter with the yaml.v3 path alone
// and reports whether the fast path answered.
func checkSameFrontmatter(t *testing.T, name, text string) bool {
	t.Helper()
	start := bomStart(text)
	got, gotBody := parseFrontmatter(text, start)
	want, wantBody := readFrontmatter(text, start, false)
	if gotBody != wantBody {
		t.Errorf("%s: body at %d, yaml.v3 only: %d", name, gotBody, wantBody)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: parseFrontmatter (fast path %v) differs from yaml.v3:\n got %s\nwant %s\ntext %q",
			name, claimsFast(text, start), dumpFrontmatter(got), dumpFrontmatter(want), header(text))
	}
	return claimsFast(text, start)
}

func dumpFrontmatter(fm Frontmatter) string {
	s := fmt.Sprintf("%+v", fm)
	if fm.Publish != nil {
		s += fmt.Sprintf(" publish=%v", *fm.Publish)
	}
	if fm.Err != nil {
		s += fmt.Sprintf(" err=%+v", *fm.Err)
	}
	return s
}

// header is the start of a note, for messages.
func header(text string) string {
	if len(text) > 400 {
		return text[:400] + "…"
	}
	return text
}

// TestFrontmatterFastMatchesYAML is the differential test: every note of
// every corpus at hand gets the same Frontmatter and body offset from
// parseFrontmatter as from yaml.v3 alone and from the reader before the fast
// path. It logs how many headers the fast path took.
func TestFrontmatterFastMatchesYAML(t *testing.T) {
	corpora := []struct {
		name  string
		texts func(t *testing.T) map[string]string
	}{
		{"shared/gardens", func(t *testing.T) map[string]string {
			dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "gardens"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(dir); err != nil {
				t.Skipf("SKIP: the real gardens are not at %s (they sit beside the repository in ../shared/gardens): %v", dir, err)
			}
			return markdownTexts(t, dir)
		}},
		{"examples/garden", func(t *testing.T) map[string]string {
			return markdownTexts(t, filepath.Join("..", "examples", "garden"))
		}},
		{"workspace/testdata", func(t *testing.T) map[string]string { return markdownTexts(t, "testdata") }},
		{"vaultgen 2000", func(t *testing.T) map[string]string { return generatedTexts(t, 2000) }},
	}
	for _, c := range corpora {
		t.Run(c.name, func(t *testing.T) {
			texts := c.texts(t)
			if len(texts) == 0 {
				t.Fatal("no notes")
			}
			var fast, fallback, errs, none int
			var fell []string
			for path, text := range texts {
				switch {
				case checkSameFrontmatter(t, path, text):
					fast++
				case !hasHeader(text):
					none++
				default:
					fallback++
					fell = append(fell, path)
					if fm, _ := parseFrontmatter(text, bomStart(text)); fm.Err != nil {
						errs++
					}
				}
			}
			slices.Sort(fell)
			t.Logf("%s: %d notes: %d headers on the fast path, %d fell back to yaml.v3 (%d of them YAML errors), %d without frontmatter; fell back: %s",
				c.name, len(texts), fast, fallback, errs, none, strings.Join(fell[:min(len(fell), 12)], ", "))
		})
	}
}

func hasHeader(text string) bool {
	_, ok := findHeader(text, bomStart(text))
	return ok
}

// frontmatterCases are headers around the edges of the fast path. fast says
// whether it must answer (false: yaml.v3 must).
var frontmatterCases = []struct {
	name string
	text string
	fast bool
	want func(fm Frontmatter) string // "" when fm is as expected
}{
	{"plain", "---\ntitle: Hello World\ndescription: A note.\n---\nbody", true, title("Hello World")},
	{"double quoted", "---\ntitle: \"Hello: World\"\n---\n", true, title("Hello: World")},
	{"single quoted", "---\ntitle: 'it''s'\ntags: ['a''b', c]\n---\n", true, title("it's")},
	{"escapes", "---\ntitle: \"a \\\"b\\\" \\\\ c\\t\\_d\"\n---\n", true, title("a \"b\" \\ c\t\u00a0d")},
	{"escape \\u", "---\ntitle: \"caf\\u00e9\"\n---\n", false, title("café")},
	{"escape \\/ is a YAML error", "---\ntitle: \"a\\/b\"\n---\n", false, hasErr},
	{"spaces inside quotes", "---\ntitle: \"  a  \"\ntags: [' b ']\n---\n", true, title("  a  ")},
	{"comment after value", "---\ntitle: Hello  # a comment\n---\n", true, title("Hello")},
	{"hash inside quotes", "---\ntitle: \"a # b\"\ntags: ['#x # y']\n---\n", true, title("a # b")},
	{"hash without space", "---\ntitle: C#\ntags: a#b\n---\n", true, title("C#")},
	{"comment right after quote", "---\ntitle: \"a\"#c\ntags: [a]#c\n---\n", true, title("a")},
	{"hash in flow plain", "---\ntags: [c#]\n---\n", false, nil},
	{"unquoted [#tag] is a YAML error", "---\naliases: [#autonomy]\n---\n", false, hasErr},
	{"key:value is one scalar", "---\ntitle:Hello\n---\n", false, problems(1)},
	{"key:value among keys", "---\ntitle:Hello\ntags: a\n---\n", false, hasErr},
	{"colon in value", "---\ntitle: a: b\n---\n", false, hasErr},
	{"colon at end of value", "---\ntitle: a:\n---\n", false, hasErr},
	{"colon without space in value", "---\nsource: https://example.org/a?b=c:d\n---\n", true, nil},
	{"null after a value", "---\ndescription: a\ndescription:\ntitle: t\n---\n", true, func(fm Frontmatter) string {
		if fm.Description != "" {
			return "description " + fm.Description
		}
		return ""
	}},
	{"empty values", "---\ntitle:\ndescription: \ntags:\naliases:   # none\npublish:\n---\n", true, nil},
	{"null spellings", "---\ntitle: ~\ndescription: null\ntags: NULL\naliases: [Null, ~, a]\n---\n", true, title("")},
	{"quoted null is a string", "---\ntitle: \"null\"\npublish: ''\n---\n", true, title("null")},
	{"publish true", "---\npublish: true\n---\n", true, publish(true, 0)},
	{"publish TRUE and False", "---\npublish: TRUE\nPublish: False\n---\n", true, publish(false, 0)},
	{"publish \"true\" is a string", "---\npublish: \"true\"\n---\n", true, publish(true, 1)},
	{"publish 'no' is a string", "---\npublish: 'no'\n---\n", true, publish(false, 1)},
	{"publish yes is a string in YAML 1.2", "---\npublish: yes\n---\n", true, publish(true, 1)},
	{"publish 1", "---\npublish: 1\n---\n", true, publish(false, 1)},
	{"publish null keeps the earlier value", "---\npublish: true\npublish:\npublish: ~\n---\n", true, publish(true, 0)},
	{"publish flow list", "---\npublish: [true]  \n---\n", true, problems(1)},
	{"publish block list", "---\npublish:\n  - true\n  - x\n---\n", true, problems(1)},
	{"tags: a, b", "---\ntags: a, b ,,c\n---\n", true, tags("a", "b", "c")},
	{"tags: a b is one tag", "---\ntags: a b\n---\n", true, tags("a b")},
	{"tags flow", "---\ntags: [a, \"b c\", '#d', \"#\", ~]\n---\n", true, tags("a", "b c", "d")},
	{"tags flow spaces", "---\ntags: [ a ,b  ]   # c\n---\n", true, tags("a", "b")},
	{"tags empty flow", "---\ntags: []\ntag: [ ]\n---\n", true, tags()},
	{"tags trailing comma", "---\ntags: [a,]\n---\n", false, tags("a")},
	{"tags flow over two lines", "---\ntags: [a,\n  b]\n---\n", false, tags("a", "b")},
	{"tags block", "---\ntags:\n  # first\n  - a\n\n  - \"#b\"   # c\n# between\n  -\n  - ~\n  - #c\n  -   d  \ntitle: T\n---\n", true, tags("a", "b", "d")},
	{"tags indentless", "---\ntags:\n- a\n- b\ntitle: T\n---\n", true, tags("a", "b")},
	{"tags mixed indentation", "---\ntags:\n  - a\n    - b\n---\n", false, nil},
	{"tags back to column 0", "---\ntags:\n  - a\n- b\n---\n", false, hasErr},
	{"tags item continues", "---\ntags:\n  - a\n    b\n---\n", false, tags("a b")},
	{"tags nested list", "---\ntags:\n  - - a\n---\n", false, tags()},
	{"tags item mapping", "---\ntags:\n  - a: b\n---\n", false, tags()},
	{"tags item flow list", "---\ntags:\n  - [a]\n---\n", false, tags()},
	{"tag scalar", "---\ntag: '#one'\n---\n", true, tags("one")},
	{"tags bool and number", "---\ntags: [true, 1, 2.5, 2024-01-02]\n---\n", true, tags("true", "1", "2.5", "2024-01-02")},
	{"CRLF", "---\r\ntitle: \"T\"\r\ntags:\r\n  - a\r\n  - 'b'\r\naliases: [x, \"#y\"]\r\npublish: \"true\"\r\nlist: []\r\n---\r\nbody\r\n", true, tags("a", "b")},
	{"lone CR", "---\ntitle: a\rtags: b\n---\n", false, nil},
	{"BOM", "\uFEFF---\ntitle: T\ntags: [a]\n---\n", true, title("T")},
	{"BOM inside", "---\ntitle: \uFEFFT\n---\n", false, nil},
	{"trailing spaces", "---\ntitle: Hello   \ntags:   \n  - a   \n  - \"b\"   \n---  \n", true, title("Hello")},
	{"first line CR space", "---\r \ntitle: a\n---\n", false, nil},
	{"unicode", "---\ntitle: Café ☕ 日本 🌱\ntags: [café, 日本, 🌱x]\naliases:\n  - \"Ünïcode 🌱\"\n  - 'ß'\npublish: \"Ja 🌱\"\n---\n", true, tags("café", "日本", "🌱x")},
	{"no-break space", "---\ntitle: a\u00a0\ntags: [b\u00a0]\n---\n", true, title("a\u00a0")},
	{"NEL", "---\ntitle: a\u0085b\n---\n", false, nil},
	{"line separator", "---\ntitle: a\u2028b\n---\n", false, nil},
	{"C1 control", "---\ntitle: a\u0090b\n---\n", false, hasErr},
	{"control character", "---\ntitle: a\x01b\n---\n", false, hasErr},
	{"DEL", "---\ntitle: a\x7fb\n---\n", false, hasErr},
	{"invalid UTF-8", "---\ntitle: a\xffb\n---\n", false, hasErr},
	{"aliases leading #", "---\naliases: [\"#autonomy\", b]\nalias:\n  - '#x'\n---\n", true, problems(2)},
	{"aliases scalar", "---\naliases: \"#a, b\"\n---\n", true, problems(1)},
	{"keys in any case", "---\nTitle: X\nTAGS: [a]\nPublish: TRUE\nAliases: y\nDESCRIPTION: d\n---\n", true, title("X")},
	{"key with spaces", "---\ndate created: 2024-01-01\nmy-key.x/y: 1\n---\n", true, nil},
	{"key before spaces", "---\ntitle : x\n---\n", false, title("x")},
	{"quoted key", "---\n\"title\": x\n---\n", false, title("x")},
	{"non-ASCII key", "---\ntítulo: x\n---\n", false, nil},
	{"long key", "---\n" + strings.Repeat("k", 300) + ": x\n---\n", false, nil},
	{"duplicate keys", "---\ntitle: a\ntitle: b\ntags: x\ntags: [y]\naliases: p\naliases: q\n---\n", true, tags("x", "y")},
	{"unclosed double quote", "---\ntitle: \"abc\ntags: x\n---\n", false, hasErr},
	{"unclosed single quote", "---\ntitle: 'abc''\n---\n", false, hasErr},
	{"unclosed flow list", "---\ntags: [a, b\n---\n", false, hasErr},
	{"text after quote", "---\ntitle: 'a' b\n---\n", false, hasErr},
	{"text after flow list", "---\ntags: [a] b\n---\n", false, hasErr},
	{"anchor and alias", "---\na: &x 1\ntitle: *x\n---\n", false, nil},
	{"tag", "---\npublish: !!bool true\n---\n", false, publish(true, 0)},
	{"literal block", "---\ndescription: |\n  text\n---\n", false, nil},
	{"folded block", "---\ndescription: >\n  text\n---\n", false, nil},
	{"multi-line plain", "---\ndescription: a\n  b\n---\n", false, nil},
	{"multi-line plain after blank", "---\ndescription: a\n\n  b\n---\n", false, nil},
	{"multi-line quoted", "---\ntitle: \"a\n  b\"\n---\n", false, title("a b")},
	{"indented comment after value", "---\ntitle: a\n  # c\ntags: b\n---\n", true, title("a")},
	{"nested mapping", "---\ncover:\n  image: x\ntitle: T\n---\n", false, title("T")},
	{"flow mapping", "---\na: {b: c}\n---\n", false, nil},
	{"tab indentation", "---\ntags:\n\t- a\n---\n", false, hasErr},
	{"tab in value", "---\ntitle: a\tb\n---\n", false, title("a\tb")},
	{"tab after colon", "---\ntitle:\tb\n---\n", false, nil},
	{"question mark key", "---\n? title\n: x\n---\n", false, nil},
	{"document end", "---\ntitle: a\n...\n---\n", false, nil},
	{"directive", "---\n%YAML 1.2\ntitle: a\n---\n", false, nil},
	{"indented first key", "---\n  title: a\n  tags: b\n---\n", false, nil},
	{"not a mapping", "---\njust text\n---\n", false, problems(1)},
	{"top-level list", "---\n- a\n---\n", false, problems(1)},
	{"empty header", "---\n---\nbody", true, nil},
	{"comments only", "---\n# a\n\n   # b\n---\n", true, nil},
	{"closing line trimmed by adrg", "---\ntitle: a\n --- \ntitle: b\n---\n", true, title("a")},
	{"no closing line", "---\ntitle: a\n", false, nil},
	{"value -", "---\ntitle: -\n---\n", false, hasErr},
	{"value - a", "---\ntitle: - a\n---\n", false, hasErr},
	{"value -a", "---\ntitle: -a\n---\n", true, title("-a")},
	{"value ---", "---\ntitle: ---\n---\n", true, title("---")},
	{"value indicators", "---\na: '&'\nb: x&*!|>%@`y\n---\n", true, nil},
	{"value starts with indicator", "---\ntitle: @x\n---\n", false, hasErr},
	{"date-like", "---\ndate: 2023-13-06\ncreated: 2024-03-18\n---\n", true, nil},
	{"wikilink in quotes", "---\nrelated: \"[[Governance Patterns]]\"\nup: '[[a|b]]'\n---\n", true, nil},
	{"merge key value", "---\npublish: <<\n---\n", true, publish(false, 1)},
}

func title(want string) func(Frontmatter) string {
	return func(fm Frontmatter) string {
		if fm.Title != want {
			return fmt.Sprintf("title %q, want %q", fm.Title, want)
		}
		return ""
	}
}

func tags(want ...string) func(Frontmatter) string {
	return func(fm Frontmatter) string {
		var got []string
		for _, t := range fm.Tags {
			got = append(got, t.Name)
		}
		if !slices.Equal(got, want) {
			return fmt.Sprintf("tags %q, want %q", got, want)
		}
		return ""
	}
}

func publish(want bool, nProblems int) func(Frontmatter) string {
	return func(fm Frontmatter) string {
		if fm.Publish == nil || *fm.Publish != want {
			return fmt.Sprintf("publish %v, want %v", fm.Publish, want)
		}
		return problems(nProblems)(fm)
	}
}

func problems(n int) func(Frontmatter) string {
	return func(fm Frontmatter) string {
		if len(fm.Problems) != n {
			return fmt.Sprintf("%d problems, want %d: %+v", len(fm.Problems), n, fm.Problems)
		}
		return ""
	}
}

func hasErr(fm Frontmatter) string {
	if fm.Err == nil {
		return "no error"
	}
	return ""
}

func TestFrontmatterFastCases(t *testing.T) {
	for _, c := range frontmatterCases {
		t.Run(c.name, func(t *testing.T) {
			fast := checkSameFrontmatter(t, c.name, c.text)
			if fast != c.fast {
				t.Errorf("fast path answered: %v, want %v", fast, c.fast)
			}
			fm, _ := parseFrontmatter(c.text, bomStart(c.text))
			if c.want != nil {
				if msg := c.want(fm); msg != "" {
					t.Errorf("%s\n%s", msg, dumpFrontmatter(fm))
				}
			}
		})
	}
}

// TestFrontmatterFastSpans pins spans and messages the differential tests
// only compare: a tag from a list, a comma-separated scalar, a quoted alias
// (quotes included), a publish string and a publish list.
func TestFrontmatterFastSpans(t *testing.T) {
	text := "---\r\ntags: [a, \"b c\"]\r\ntag: x, y\r\naliases:\r\n  - \"#h\"\r\npublish: 'on'\r\n---\r\n"
	fm, _ := parseFrontmatter(text, 0)
	at := func(s string) Span {
		i := strings.Index(text, s)
		return Span{i, i + len(s)}
	}
	wantTags := []Tag{{"a", at("a,"), true}, {"b c", at(`"b c"`), true}, {"x", at("x, y"), true}, {"y", at("x, y"), true}}
	wantTags[0].Span.End--
	if !reflect.DeepEqual(fm.Tags, wantTags) {
		t.Errorf("tags %+v, want %+v", fm.Tags, wantTags)
	}
	wantProblems := []FieldProblem{
		{"aliases", at(`"#h"`), `alias "#h" starts with '#': [[#h]] names a heading of the linking note, so this alias can never link here`},
		{"publish", at("'on'"), `publish is the string "on", not a boolean: write publish: true without quotes`},
	}
	if !reflect.DeepEqual(fm.Problems, wantProblems) {
		t.Errorf("problems %+v, want %+v", fm.Problems, wantProblems)
	}
	if !claimsFast(text, 0) {
		t.Error("the fast path did not answer")
	}
	list := "---\npublish:\n  - a   \n---\n"
	fm, _ = parseFrontmatter(list, 0)
	if want := (Span{strings.Index(list, "- a"), strings.Index(list, "a   ") + 4}); len(fm.Problems) != 1 || fm.Problems[0].Span != want {
		t.Errorf("publish list: %+v, want span %v", fm.Problems, want)
	}
}

// TestFrontmatterFastAllocs keeps the fast path cheap: a typical header
// costs an allocation per list it fills, and one for its keys (Fields), not
// yaml.v3's hundreds.
func TestFrontmatterFastAllocs(t *testing.T) {
	text := "---\ntitle: Collective Decision Making\ndescription: How groups decide.\ntags:\n  - governance\n  - \"#coordination\"\naliases: [Group decisions]\npublish: true\ncreated: 2024-03-18\n---\n"
	if !claimsFast(text, 0) {
		t.Fatal("the fast path did not answer")
	}
	allocs := testing.AllocsPerRun(100, func() { parseFrontmatter(text, 0) })
	if allocs > 7 {
		t.Errorf("%v allocations per header, want at most 7", allocs)
	}
}

// FuzzFrontmatterFast checks that the fast path, whenever it answers, gives
// what yaml.v3 gives; and that parseFrontmatter as a whole (its own header
// split included) gives what the reader before it gave. The input is used
// as a whole note and as the YAML between two delimiters.
func FuzzFrontmatterFast(f *testing.F) {
	for _, c := range frontmatterCases {
		f.Add(c.text)
		if h, ok := findHeader(c.text, bomStart(c.text)); ok {
			f.Add(c.text[h.dataStart:h.dataEnd])
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, text := range []string{s, "---\n" + s + "\n---\nbody"} {
			checkSameFrontmatter(t, "fuzz", text)
		}
	})
}

// TestFrontmatterFastRandom compares the two paths on headers assembled at
// random from the shapes the fast path reads and the bytes that change what
// yaml.v3 reads: a fuzzer finds these combinations slowly. A third of the
// headers use only well-formed pieces, so the fast path is exercised too.
func TestFrontmatterFastRandom(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	r := rand.New(rand.NewPCG(1, 2))
	fast := 0
	for i := range n {
		text := randomHeader(r, i%3 == 0)
		if checkSameFrontmatter(t, "random", text) {
			fast++
		}
		if t.Failed() {
			return
		}
	}
	t.Logf("%d random headers, %d on the fast path", n, fast)
	if fast < n/5 {
		t.Errorf("only %d of %d random headers took the fast path: the generator misses the common shapes", fast, n)
	}
}

// randomPieces are keys and value tokens; the first clean ones of each are
// well-formed anywhere a scalar goes.
type randomPieces struct {
	keys, tokens []string
	clean        int // how many of each list are clean
}

var pieces = randomPieces{
	keys: []string{"title", "Title", "tags", "TAG", "aliases", "alias", "publish", "Publish",
		"description", "other", "date created", "k-1",
		"x.y", "title ", "\"tags\"", "-", "? a", "a#b"},
	tokens: []string{"a", "b c", "Word", "#x", "C#", "~", "null", "true", "FALSE", "yes", "1", "é",
		"🌱", "\u00a0", "http://x", "2024-01-02", "[[Note]]", "x-y", "x.y",
		"#", " #", "'", "\"", ":", ": ", "[", "]", ", ", ",", "-", "- ", "NULL", "True", "on",
		"\\", "\\\"", "\\n", "\\x41", "\\u00e9", "\\/", "\\_", "{", "}", "&a", "*a", "!", "!!str", "|", ">",
		"%", "@", "`", "\u2028", "\u0085", "\ufeff", "\t", " ", "  ", "''", "<<", ".", "...", "---", "?",
		"\x01", "\r"},
	clean: 12,
}

func (p randomPieces) pick(r *rand.Rand, list []string, clean bool) string {
	if clean {
		return list[r.IntN(min(p.clean, len(list)))]
	}
	return list[r.IntN(len(list))]
}

func randomScalar(r *rand.Rand, clean bool) string {
	open, close := []string{`"`, "'", "[", "", "", ""}[r.IntN(6)], ""
	switch open {
	case `"`, "'":
		close = open
	case "[":
		close = "]"
	}
	var b strings.Builder
	b.WriteString(open)
	for i := range r.IntN(5) {
		if clean && open == "[" && i > 0 {
			b.WriteString(", ")
		}
		if clean && open == "" && i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(pieces.pick(r, pieces.tokens, clean))
	}
	b.WriteString(close)
	return b.String()
}

func randomHeader(r *rand.Rand, clean bool) string {
	nl := "\n"
	if r.IntN(8) == 0 {
		nl = "\r\n"
	}
	var b strings.Builder
	b.WriteString("---" + nl)
	for range 1 + r.IntN(6) {
		switch x := r.IntN(20); {
		case x < 10:
			sep := ": "
			if !clean {
				sep = []string{":", ": ", ":  ", ":\t", ":x", " :"}[r.IntN(6)]
			}
			b.WriteString(pieces.pick(r, pieces.keys, clean) + sep + randomValue(r, clean))
		case x < 15:
			b.WriteString(pieces.pick(r, pieces.keys, clean) + ":")
			indent := []string{"", "  ", "    ", " "}[r.IntN(4)]
			for range r.IntN(4) {
				dash := "- "
				if !clean {
					dash = []string{"- ", "-", "-  "}[r.IntN(3)]
				}
				b.WriteString(nl + indent + dash + randomValue(r, clean))
				if r.IntN(5) == 0 {
					b.WriteString(nl + []string{"# c", indent + "# c", " # c", "", indent}[r.IntN(5)])
				}
			}
		case x < 17:
			b.WriteString([]string{"# comment", "  # indented", "", "   "}[r.IntN(4)])
		case clean:
			b.WriteString("# comment")
		case x < 19:
			b.WriteString("  " + randomValue(r, clean))
		default:
			b.WriteString(pieces.pick(r, pieces.tokens, clean) + randomValue(r, clean))
		}
		b.WriteString(nl)
	}
	b.WriteString("---" + nl + "body")
	return b.String()
}

func randomValue(r *rand.Rand, clean bool) string {
	s := randomScalar(r, clean)
	if r.IntN(4) == 0 {
		s += []string{" # c", "  ", "#c", " x"}[r.IntN(map[bool]int{true: 2, false: 4}[clean])]
	}
	return s
}
