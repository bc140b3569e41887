package analysis

import (
	"os"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// withCursor loads features.txtar plus one extra note holding the cursor.
func withCursor(t *testing.T, note string) (*testVault, *workspace.File, int) {
	t.Helper()
	base, err := os.ReadFile("testdata/features.txtar")
	if err != nil {
		t.Fatal(err)
	}
	v := buildVault(t, string(base)+"-- here.md --\n"+note, workspace.Config{})
	f, off := v.at(t)
	return v, f, off
}

// atText puts the cursor of an existing note's text right after the first match of marker.
func cursorAfter(t *testing.T, v *testVault, p, marker string) (*workspace.File, int) {
	t.Helper()
	f := v.file(t, p)
	i := strings.Index(f.Note.Text, marker)
	if i < 0 {
		t.Fatalf("%q not in %s", marker, p)
	}
	return f, i + len(marker)
}

func TestDefinition(t *testing.T) {
	v := loadVault(t, "features.txtar", workspace.Config{})
	for _, tc := range []struct {
		marker   string // cursor after this text in index.md
		wantPath string
		wantLine string // the text at the target span's start line; "" for top of file
	}{
		{"See [[Feed", "concepts/Feedback Loop.md", ""},
		{"and [[Feedback Loop#Bal", "concepts/Feedback Loop.md", "## Balancing loops"},
		{"[[Feedback Loop#^d", "concepts/Feedback Loop.md", "A loop feeds its output back. ^def"},
		{"[stock](concepts/st", "concepts/stock.md", ""},
		{"[loop](concepts/Feedback%20Loop.md#rein", "concepts/Feedback Loop.md", "## Reinforcing loops"},
	} {
		f, off := cursorAfter(t, v, "index.md", tc.marker)
		locs := Definition(v.snap, f, off)
		if len(locs) != 1 {
			t.Errorf("%s: %d locations, want 1", tc.marker, len(locs))
			continue
		}
		if locs[0].File.Path != tc.wantPath {
			t.Errorf("%s: path %s, want %s", tc.marker, locs[0].File.Path, tc.wantPath)
		}
		text := locs[0].File.Note.Text
		lines := workspace.NewLines(text)
		ln := lines.Line(locs[0].Span.Start)
		got := text[lines.Start(ln):lines.End(ln)]
		if tc.wantLine == "" && locs[0].Span.Start != 0 {
			t.Errorf("%s: lands on %q, want top of file", tc.marker, got)
		} else if tc.wantLine != "" && got != tc.wantLine {
			t.Errorf("%s: lands on %q, want %q", tc.marker, got, tc.wantLine)
		}
	}
	f, off := cursorAfter(t, v, "index.md", "Broken: [[No")
	if locs := Definition(v.snap, f, off); len(locs) != 0 {
		t.Errorf("broken link: %d locations, want none", len(locs))
	}
	f, off = cursorAfter(t, v, "index.md", "# Ho")
	if locs := Definition(v.snap, f, off); len(locs) != 0 {
		t.Errorf("plain text: %d locations, want none", len(locs))
	}
}

func TestHover(t *testing.T) {
	v := loadVault(t, "features.txtar", workspace.Config{})
	sev := defaultSeverities(t)
	for _, tc := range []struct {
		marker string
		want   []string
	}{
		{"See [[Feed", []string{"### Feedback Loop", "A loop that feeds its output back as input.", "`concepts/Feedback Loop.md` · 5 backlinks"}},
		{"and [[Feedback Loop#Bal", []string{"They seek a goal. Thermostats."}},
		{"[[Feedback Loop#^d", []string{"A loop feeds its output back."}},
		{"Broken: [[No", []string{"broken-link", `no note or file "Nope"`}},
		{"Tag: #sys", []string{"#systems/thinking", "used in 1 note"}},
		{"and #syst", []string{"#systems", "used in 2 notes"}},
	} {
		f, off := cursorAfter(t, v, "index.md", tc.marker)
		h := Hover(v.snap, f, off, sev)
		if h == nil {
			t.Errorf("%s: no hover", tc.marker)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(h.Markdown, w) {
				t.Errorf("%s: hover lacks %q:\n%s", tc.marker, w, h.Markdown)
			}
		}
		if strings.Contains(tc.marker, "#Bal") && strings.Contains(h.Markdown, "They grow") {
			t.Errorf("section hover runs into the next section:\n%s", h.Markdown)
		}
	}
}

func TestReferences(t *testing.T) {
	v := loadVault(t, "features.txtar", workspace.Config{})
	render := func(locs []Location) string {
		var out []string
		for _, l := range locs {
			out = append(out, l.File.Path+" "+l.File.Note.Text[l.Span.Start:l.Span.End])
		}
		return strings.Join(out, "\n")
	}
	// On a link: every link to the same note.
	f, off := cursorAfter(t, v, "index.md", "See [[Feed")
	want := "concepts/stock.md [[Feedback Loop]]\nindex.md [[Feedback Loop]]\nindex.md [[Feedback Loop#Balancing loops|balance]]\n" +
		"index.md [[Feedback Loop#^def]]\nindex.md [loop](concepts/Feedback%20Loop.md#reinforcing-loops)"
	if got := render(References(v.snap, f, off, false)); got != want {
		t.Errorf("link references:\n%s\nwant:\n%s", got, want)
	}
	// On a heading: the links to that heading only.
	f, off = cursorAfter(t, v, "concepts/Feedback Loop.md", "## Bal")
	if got := render(References(v.snap, f, off, false)); got != "index.md [[Feedback Loop#Balancing loops|balance]]" {
		t.Errorf("heading references: %q", got)
	}
	// On a tag: every use, body and frontmatter.
	f, off = cursorAfter(t, v, "index.md", "and #sys")
	want = "concepts/Feedback Loop.md systems\nconcepts/Feedback Loop.md #systems\nindex.md #systems"
	if got := render(References(v.snap, f, off, false)); got != want {
		t.Errorf("tag references:\n%s\nwant:\n%s", got, want)
	}
}

func completionLabels(l CompletionList) []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it.Label+" => "+it.NewText)
	}
	return out
}

func TestComplete(t *testing.T) {
	for _, tc := range []struct {
		name, note string
		want       []string // items that must be present, "label => newText"
		absent     []string
		span       string // the text the edit replaces
	}{
		{"wikilink by title", "Try [[feed‸", []string{"Feedback Loop => Feedback Loop]]"}, nil, "feed"},
		{"wikilink by alias", "Try [[cyc‸", []string{"cycle => Feedback Loop|cycle]]"}, nil, "cyc"},
		{"wikilink closed", "Try [[sto‸]] now", []string{"Stock => stock"}, nil, "sto"},
		{"wikilink half closed by the editor", "Try [[sto‸] now", []string{"Stock => stock]"}, nil, "sto"},
		{"wikilink with a label", "Try [[sto‸|the stock]] now", []string{"Stock => stock"}, nil, "sto"},
		{"wikilink inside a target", "Try [[Fe‸edback]] now", []string{"Feedback Loop => Feedback Loop"}, nil, "Feedback"},
		{"missing note", "Try [[no‸", []string{"Nope => Nope]]"}, nil, "no"},
		{"image file", "Try ![[diag‸", []string{"img/diagram.png => diagram.png]]"}, nil, "diag"},
		{"headings", "Try [[Feedback Loop#‸", []string{"Balancing loops => Balancing loops]]", "Reinforcing loops => Reinforcing loops]]"}, nil, ""},
		{"headings filtered", "Try [[Feedback Loop#rein‸", []string{"Reinforcing loops => Reinforcing loops]]"}, []string{"Balancing loops => Balancing loops]]"}, "rein"},
		{"own headings", "# Mine\n\n## Second\n\nTry [[#‸", []string{"Second => Second]]"}, nil, ""},
		{"blocks", "Try [[Feedback Loop#^‸", []string{"^def => ^def]]"}, nil, "^"},
		{"headings of every note", "# Mine\n\n## Balance sheet\n\nTry [[##bal‸", []string{"Balancing loops => Feedback Loop#Balancing loops]]", "Balance sheet => #Balance sheet]]"}, []string{"Reinforcing loops => Feedback Loop#Reinforcing loops]]"}, "##bal"},
		{"headings of every note, closed", "Try [[## rein‸]]", []string{"Reinforcing loops => Feedback Loop#Reinforcing loops"}, nil, "## rein"},
		{"headings of every note, none typed", "Try [[##‸", []string{"Balancing loops => Feedback Loop#Balancing loops]]", "Reinforcing loops => Feedback Loop#Reinforcing loops]]"}, nil, "##"},
		{"markdown path", "Try [x](conc‸", []string{"concepts/stock.md => concepts/stock.md", "concepts/Feedback Loop.md => concepts/Feedback%20Loop.md"}, nil, "conc"},
		{"markdown block", "Try [x](concepts/Feedback%20Loop.md#^‸)", []string{"^def => ^def"}, nil, "^"},
		{"markdown heading slug", "Try [x](concepts/Feedback%20Loop.md#bal‸)", []string{"Balancing loops => balancing-loops"}, nil, "bal"},
		{"tags", "Text #sys‸", []string{"systems => systems", "systems/thinking => systems/thinking"}, nil, "sys"},
		{"frontmatter tags", "---\ntags: [sys‸\n---\n", []string{"systems => systems"}, nil, "sys"},
		{"frontmatter aliases from link texts", "---\naliases: [‸]\n---\n# Here\n", []string{"home page => home page"}, []string{"Here => Here"}, ""},
		{"heading marker is no tag", "#‸", nil, []string{"systems => systems"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, f, off := withCursor(t, tc.note)
			list := Complete(t.Context(), v.snap, f, off)
			got := completionLabels(list)
			for _, w := range tc.want {
				if !contains(got, w) {
					t.Errorf("missing %q in %q", w, got)
				}
			}
			for _, a := range tc.absent {
				if contains(got, a) {
					t.Errorf("unexpected %q in %q", a, got)
				}
			}
			for _, it := range list.Items {
				if s := f.Note.Text[it.Span.Start:it.Span.End]; s != tc.span {
					t.Errorf("%s replaces %q, want %q", it.Label, s, tc.span)
					break
				}
			}
		})
	}
}

func TestCompleteCapsLargeLists(t *testing.T) {
	var b strings.Builder
	for i := 0; i < MaxCompletions+50; i++ {
		b.WriteString("-- n" + strings.Repeat("x", i%7) + "/note" + itoa3(i) + ".md --\ntext\n")
	}
	b.WriteString("-- here.md --\n[[note‸\n")
	completeFull(t, b.String())
}

// A list full of better matches is still incomplete when a name that would
// match only loosely (a subsequence) was passed over unread: typing on must
// ask again rather than filter these hundred.
func TestCompleteIncompleteWhenLooseMatchesSkipped(t *testing.T) {
	var b strings.Builder
	for i := 0; i < MaxCompletions; i++ {
		b.WriteString("-- note" + itoa3(i) + ".md --\ntext\n")
	}
	b.WriteString("-- here.md --\n[[n-o-t-e]] [[note‸\n")
	completeFull(t, b.String())
}

// TestCompleteEmptyTakesFirstByTitle: after "[[" alone, the answer is the
// first hundred notes by title (then other files by path), the note being
// edited left out, and it says there are more.
func TestCompleteEmptyTakesFirstByTitle(t *testing.T) {
	var b strings.Builder
	for i := MaxCompletions + 20; i > 0; i-- { // written in reverse order
		b.WriteString("-- dir" + itoa3(i%3) + "/file" + itoa3(i) + ".md --\n# Note " + itoa3(i) + "\n")
	}
	b.WriteString("-- asset.png --\n")
	b.WriteString("-- Aardvark.md --\n[[‸\n")
	list := completeFull(t, b.String())
	for i, it := range list.Items {
		if want := "Note " + itoa3(i+1); it.Label != want {
			t.Fatalf("item %d is %q, want %q (the editing note and the image come after)", i, it.Label, want)
		}
	}
}

// completeFull completes at the cursor of the vault and wants the list
// capped: MaxCompletions items, marked incomplete.
func completeFull(t *testing.T, vault string) CompletionList {
	t.Helper()
	v := buildVault(t, vault, workspace.Config{})
	f, off := v.at(t)
	list := Complete(t.Context(), v.snap, f, off)
	if len(list.Items) != MaxCompletions || !list.Incomplete {
		t.Fatalf("%d items, incomplete=%v; want %d, true", len(list.Items), list.Incomplete, MaxCompletions)
	}
	return list
}

func itoa3(i int) string {
	return string(rune('a'+i/100%26)) + string(rune('a'+i/10%10)) + string(rune('a'+i%10))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestNewNote(t *testing.T) {
	v, f, _ := withCursor(t, "‸[[Nope]] [x](sub/new%20idea.md) [y](../up.md) ![[gone.png]] [[folder/Deep Note]]")
	got := map[string]string{}
	for i, l := range f.Note.Links() {
		if p, title, ok := NewNote(v.snap, f, i); ok {
			got[l.Target] = p + " | " + title
		}
	}
	want := map[string]string{"Nope": "Nope.md | Nope", "sub/new idea.md": "sub/new idea.md | new idea", "folder/Deep Note": "folder/Deep Note.md | Deep Note"}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %q, want %q", k, got[k], w)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		cand, query string
		floor, want int
	}{
		{"feedback", "", 0, 1},
		{"feedback", "feed", 0, 4},
		{"feedback loop", "loop", 0, 3},
		{"feedback", "back", 0, 2},
		{"feedback", "fdbk", 0, 1},
		{"feedback", "fdbk", 1, 0}, // a subsequence is not looked for above floor 0
		{"feedback", "kbdf", 0, 0},
		{"feedback", "fee", 1, 4},
		{"aab", "ab", 0, 2},
		{"axbxc", "abc", 0, 1},
		{"ab", "abc", 0, 0},
	} {
		if got := matchAbove(tc.cand, tc.query, tc.floor); got != tc.want {
			t.Errorf("matchAbove(%q, %q, %d) = %d, want %d", tc.cand, tc.query, tc.floor, got, tc.want)
		}
	}
}

// A block id alone on its line names the quote or table above it, which
// Obsidian has a blank line between: hover shows that block whole, not the
// blank line, as it shows a paragraph over several lines whole.
func TestHoverBlockWhole(t *testing.T) {
	v := buildVault(t, "-- t.md --\n# T\n\n> The quote\n> ends here.\n\n^q1\n\n| a | b |\n|---|---|\n| 1 | 2 |\n^t1\n\nA paragraph\nover lines ^p1\n\n- one\n- two\n\n^l1\n-- here.md --\n[[t#^q‸1]] and [[t#^t1]] and [[t#^p1]] and [[t#^l1]]\n", workspace.Config{})
	f, off := v.at(t)
	for _, tc := range []struct {
		off  int
		want string
	}{{off, "\n\nThe quote\n> ends here.\n\n"}, {strings.Index(f.Note.Text, "t1"), "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"}, {strings.Index(f.Note.Text, "p1"), "\n\nA paragraph\nover lines\n\n"}, {strings.Index(f.Note.Text, "l1"), "\n\n- one\n- two\n\n"}} {
		h := Hover(v.snap, f, tc.off, nil)
		if h == nil || !strings.Contains(h.Markdown, tc.want) {
			t.Errorf("hover at %d: %+v, want %q in it", tc.off, h, tc.want)
		}
	}
}
