package vaultgen

import (
	"bytes"
	"image/png"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const testNotes = 300

// readVault returns every file of a vault by vault-relative path.
func readVault(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := make(map[string][]byte)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, g := range []struct {
		dir  string
		seed int64
	}{{a, 7}, {b, 7}, {c, 8}} {
		if _, err := Generate(g.dir, Options{Notes: testNotes, Seed: g.seed}); err != nil {
			t.Fatal(err)
		}
	}
	fa, fb, fc := readVault(t, a), readVault(t, b), readVault(t, c)
	if len(fa) != len(fb) {
		t.Fatalf("same seed: %d files vs %d", len(fa), len(fb))
	}
	for p, x := range fa {
		y, ok := fb[p]
		if !ok {
			t.Fatalf("same seed: %s missing from the second vault", p)
		}
		if !bytes.Equal(x, y) {
			t.Fatalf("same seed: %s differs", p)
		}
	}
	same := len(fa) == len(fc)
	for p, x := range fa {
		if y, ok := fc[p]; !ok || !bytes.Equal(x, y) {
			same = false
			break
		}
	}
	if same {
		t.Fatal("seeds 7 and 8 gave the same vault")
	}
}

func TestShape(t *testing.T) {
	dir := t.TempDir()
	st, recs, err := generate(dir, Options{Notes: testNotes, Seed: 1}, true)
	if err != nil {
		t.Fatal(err)
	}
	files := readVault(t, dir)
	var notes, assets, withFM, badYAML int
	var size int64
	names := make(map[string]int)
	for p, b := range files {
		size += int64(len(b))
		switch path.Ext(p) {
		case ".md":
			notes++
			names[strings.ToLower(path.Base(p))]++
			if bytes.HasPrefix(b, []byte("---\n")) {
				withFM++
			}
			if bytes.Contains(b, []byte("\ndescription: Note: ")) {
				badYAML++
			}
		case ".png":
			assets++
		default:
			t.Errorf("unexpected file %s", p)
		}
	}
	if notes != testNotes || st.Notes != testNotes {
		t.Errorf("notes: %d files, Stats %d, want %d", notes, st.Notes, testNotes)
	}
	if assets != st.Assets || assets == 0 {
		t.Errorf("assets: %d files, Stats %d", assets, st.Assets)
	}
	if size != st.Bytes {
		t.Errorf("bytes: %d on disk, Stats %d", size, st.Bytes)
	}
	if r := float64(withFM) / float64(notes); r < 0.85 || r > 0.95 {
		t.Errorf("frontmatter on %.0f%% of notes, want ~90%%", 100*r)
	}
	if badYAML < 1 {
		t.Error("no note with broken YAML")
	}
	if avg := st.Bytes / int64(notes); avg < 3500 || avg > 7000 {
		t.Errorf("average note %d bytes, want ~5 KB", avg)
	}
	dups := 0
	for _, c := range names {
		if c > 1 {
			dups += c
		}
	}
	if r := float64(dups) / float64(notes); r < 0.03 || r > 0.12 {
		t.Errorf("%.1f%% of notes share a basename, want ~5%%", 100*r)
	}
	for _, want := range []string{"Café culture.md", "知识花园.md", "🌱 Seedlings.md"} {
		found := false
		for p := range files {
			found = found || path.Base(p) == want
		}
		if !found {
			t.Errorf("no note named %q", want)
		}
	}

	var links, broken int
	for _, rs := range recs {
		for _, r := range rs {
			links++
			if r.Broken {
				broken++
			}
		}
	}
	if links != st.Links || broken != st.Broken {
		t.Errorf("records: %d links, %d broken; Stats %d, %d", links, broken, st.Links, st.Broken)
	}
	if per := links / notes; per < 20 || per > 40 {
		t.Errorf("%d links per note, want 20–40", per)
	}
	if r := float64(broken) / float64(links); r < 0.03 || r > 0.08 {
		t.Errorf("%.1f%% of links broken, want ~5%%", 100*r)
	}
}

var (
	fenceRe       = regexp.MustCompile("(?ms)^```.*?^```$")
	commentRe     = regexp.MustCompile(`(?s)%%.*?%%`)
	htmlCommentRe = regexp.MustCompile(`(?s)<!--.*?-->`)
	inlineCodeRe  = regexp.MustCompile("`[^`\n]*`")
	headingRe     = regexp.MustCompile(`(?m)^#{1,6} (.*)$`)
)

// visible drops what no link parser may read: fenced code, %% comments %%,
// HTML comments and inline code.
func visible(text string) string {
	for _, re := range []*regexp.Regexp{fenceRe, commentRe, htmlCommentRe, inlineCodeRe} {
		text = re.ReplaceAllString(text, "")
	}
	return text
}

// TestHiddenLinks checks that the fake links in code and comments are really
// written, and that they are the only links the records do not account for.
func TestHiddenLinks(t *testing.T) {
	dir := t.TempDir()
	_, recs, err := generate(dir, Options{Notes: testNotes, Seed: 3}, true)
	if err != nil {
		t.Fatal(err)
	}
	files := readVault(t, dir)
	inFence, inComment := false, false
	wikiWant := make(map[string]int)
	mdWant := make(map[string]int)
	for _, rs := range recs {
		for _, r := range rs {
			if r.Kind == "md" || r.Kind == "image" {
				mdWant[r.Source]++
			} else {
				wikiWant[r.Source]++
			}
		}
	}
	for p, b := range files {
		if path.Ext(p) != ".md" {
			if strings.Contains(strings.ToLower(p), "ghost") {
				t.Errorf("%s: a file name with ghost in it makes fake links resolve", p)
			}
			continue
		}
		text := string(b)
		for _, f := range fenceRe.FindAllString(text, -1) {
			inFence = inFence || strings.Contains(f, "[["+ghostInCode+"]]")
		}
		for _, c := range commentRe.FindAllString(text, -1) {
			inComment = inComment || strings.Contains(c, "[["+ghostInComment+"]]")
		}
		vis := visible(text)
		if strings.Contains(vis, "Ghost") {
			t.Errorf("%s: a ghost link outside code and comments", p)
		}
		if got := strings.Count(vis, "[["); got != wikiWant[p] {
			t.Errorf("%s: %d wikilinks visible, %d recorded", p, got, wikiWant[p])
		}
		if got := strings.Count(vis, "](") - strings.Count(vis, "](https://"); got != mdWant[p] {
			t.Errorf("%s: %d markdown links visible, %d recorded", p, got, mdWant[p])
		}
	}
	if !inFence {
		t.Error("no fenced code block holds a fake link")
	}
	if !inComment {
		t.Error("no %% comment %% holds a fake link")
	}
}

// TestLinksResolve resolves every recorded link with Obsidian's rules, written
// here independently of the generator: intact links must reach their target
// and its heading or block, broken ones must not.
func TestLinksResolve(t *testing.T) {
	dir := t.TempDir()
	_, recs, err := generate(dir, Options{Notes: testNotes, Seed: 5}, true)
	if err != nil {
		t.Fatal(err)
	}
	files := readVault(t, dir)
	byLower := make(map[string]string)
	var all []string
	for p := range files {
		byLower[strings.ToLower(p)] = p
		all = append(all, p)
	}
	slices.Sort(all)
	resolve := func(src, target string, relative bool) string {
		if path.Ext(target) == "" {
			target += ".md"
		}
		if relative {
			return byLower[strings.ToLower(path.Join(path.Dir(src), target))]
		}
		if p, ok := byLower[strings.ToLower(target)]; ok {
			return p
		}
		if p, ok := byLower[strings.ToLower(path.Join(path.Dir(src), target))]; ok {
			return p
		}
		var found []string
		low := strings.ToLower(target)
		for _, p := range all {
			lp := strings.ToLower(p)
			if lp == low || strings.HasSuffix(lp, "/"+low) {
				found = append(found, p)
			}
		}
		if len(found) == 1 {
			return found[0]
		}
		return ""
	}
	hasFragment := func(p, frag string) bool {
		text := string(files[p])
		if id, ok := strings.CutPrefix(frag, "^"); ok {
			return regexp.MustCompile(`(?m) \^` + regexp.QuoteMeta(id) + `$`).MatchString(text)
		}
		for _, m := range headingRe.FindAllStringSubmatch(visible(text), -1) {
			if strings.EqualFold(m[1], frag) || slug(m[1]) == frag {
				return true
			}
		}
		return false
	}

	wiki, checked := 0, 0
	for _, rs := range recs {
		for _, r := range rs {
			var target, frag string
			relative := false
			switch r.Kind {
			case "wiki", "embed", "frontmatter":
				inner := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(r.Text, "!"), "[["), "]]")
				inner, _, _ = strings.Cut(strings.ReplaceAll(inner, `\|`, "|"), "|")
				target, frag, _ = strings.Cut(inner, "#")
				wiki++
			default:
				dest := r.Text[strings.Index(r.Text, "](")+2 : len(r.Text)-1]
				dest, frag, _ = strings.Cut(dest, "#")
				target, err = url.PathUnescape(dest)
				if err != nil {
					t.Fatalf("%s: %s: %v", r.Source, r.Text, err)
				}
				relative = strings.HasPrefix(target, "./") || strings.HasPrefix(target, "../")
			}
			got := r.Source
			if target != "" {
				got = resolve(r.Source, target, relative)
			}
			ok := got != "" && (frag == "" || hasFragment(got, frag))
			if r.Broken {
				if ok {
					t.Errorf("%s: %s is meant to be broken but resolves to %s", r.Source, r.Text, got)
				}
				continue
			}
			checked++
			if got != r.Target {
				t.Errorf("%s: %s resolves to %q, want %q", r.Source, r.Text, got, r.Target)
			} else if !ok {
				t.Errorf("%s: %s: %s has no %q", r.Source, r.Text, got, frag)
			}
		}
	}
	if wiki == 0 || checked == 0 {
		t.Fatalf("checked %d links, %d of them wikilinks", checked, wiki)
	}
}

func TestHubs(t *testing.T) {
	_, recs, err := generate(t.TempDir(), Options{Notes: testNotes, Seed: 1}, true)
	if err != nil {
		t.Fatal(err)
	}
	back := make(map[string]int)
	top := 0
	for _, rs := range recs {
		for _, r := range rs {
			if r.Target != "" && r.Target != r.Source {
				back[r.Target]++
				top = max(top, back[r.Target])
			}
		}
	}
	// Uniform targets would give each note ~30 backlinks; hubs get several times that.
	if top < 80 {
		t.Errorf("the most linked note has %d backlinks, want a hub with ≥80", top)
	}
}

func TestPNG(t *testing.T) {
	img, err := png.Decode(strings.NewReader(tinyPNG))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1 || b.Dy() != 1 {
		t.Errorf("image is %v, want 1×1", b)
	}
	garden, err := os.ReadFile("../../examples/garden/attachments/diagram.png")
	if err == nil && string(garden) != tinyPNG {
		t.Error("examples/garden/attachments/diagram.png differs from tinyPNG")
	}
}

func TestTinyVaults(t *testing.T) {
	for _, n := range []int{1, 2, 5} {
		st, err := Generate(t.TempDir(), Options{Notes: n, Seed: 1})
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if st.Notes != n {
			t.Errorf("n=%d: wrote %d notes", n, st.Notes)
		}
	}
	if _, err := Generate(t.TempDir(), Options{}); err == nil {
		t.Error("Notes: 0 accepted")
	}
}
