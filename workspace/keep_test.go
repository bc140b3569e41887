package workspace

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestDropTextKeepsNoText parses the parser's test inputs both ways: a note
// that drops its text must hold no string of it (a field missing from
// eachString would keep the whole text alive), equal strings otherwise, and
// no more bytes of its own than its strings need.
func TestDropTextKeepsNoText(t *testing.T) {
	texts := append(slices.Clone(parseSeeds),
		"---\ntitle: Über\ndescription: d\naliases: [x, \"#y\"]\ntags: [a, b]\nup: \"[[Up]]\"\n---\n# H1 [[x]]\n\n"+
			"[x](a%20b.md#Sec%20One) [[Ab C#Part|l]] ![[i.png|100]] #tag/sub ^blk\n\n[ref]: <d e.md> \"t\"\n[x][ref] <https://e.org>\n",
		"bad \xff utf8 [[\xfe]]\r\n## Ü\r\n")
	p := NewParser()
	for _, text := range texts {
		kept := p.Parse("dir/Some Note.md", text, 0)
		// A copy of its own, so nothing of kept's text can be mistaken for it.
		own := strings.Clone(text)
		dropped := p.ParseFile("dir/Some Note.md", own)
		if dropped.Text != "" || dropped.Size != len(text) || dropped.Sum != contentHash([]byte(text)) {
			t.Fatalf("%q: Text %q, Size %d, Sum %x after ParseFile", text, dropped.Text, dropped.Size, dropped.Sum)
		}
		var walk func(path string, a, b reflect.Value)
		walk = func(path string, a, b reflect.Value) {
			switch a.Kind() {
			case reflect.String:
				if _, ok := sliceOf(own, b.String()); ok {
					t.Errorf("%q: %s still points into the dropped text", text, path)
				}
				if a.String() != b.String() {
					t.Errorf("%q: %s is %q, want %q", text, path, b.String(), a.String())
				}
			case reflect.Struct:
				for i := range a.NumField() {
					name := a.Type().Field(i).Name
					if a.Type() == reflect.TypeFor[Note]() && (name == "Text" || name == "kept" || name == "Sum") {
						continue
					}
					walk(path+"."+name, a.Field(i), b.Field(i))
				}
			case reflect.Slice:
				if a.Len() != b.Len() {
					t.Errorf("%q: %s has %d elements, want %d", text, path, b.Len(), a.Len())
					return
				}
				for i := range a.Len() {
					walk(path+"[]", a.Index(i), b.Index(i))
				}
			case reflect.Pointer:
				if a.IsNil() != b.IsNil() {
					t.Errorf("%q: %s nil %v, want %v", text, path, b.IsNil(), a.IsNil())
				} else if !a.IsNil() {
					walk(path, a.Elem(), b.Elem())
				}
			}
		}
		walk("Note", reflect.ValueOf(kept).Elem(), reflect.ValueOf(dropped).Elem())
		// The kept bytes are at most the text's, and no more than the
		// distinct bytes the strings cover.
		if len(dropped.kept) > len(text) {
			t.Errorf("%q: %d bytes kept of a %d-byte text", text, len(dropped.kept), len(text))
		}
	}
}

// TestMarks checks the bitmap's runs and ranks against a plain byte map.
func TestMarks(t *testing.T) {
	var m marks
	for _, size := range []int{0, 1, 63, 64, 65, 128, 200} {
		for seed := range 50 {
			m.reset(size)
			want := make([]bool, size)
			x := uint32(seed*7919 + size)
			for range 6 {
				x = x*1664525 + 1013904223
				if size == 0 {
					break
				}
				s := int(x>>8) % size
				e := s + int(x>>20)%(size-s+1)
				m.mark(s, e)
				for i := s; i < e; i++ {
					want[i] = true
				}
			}
			total := m.count()
			var runs [][2]int
			m.each(func(s, e int) { runs = append(runs, [2]int{s, e}) })
			var wantRuns [][2]int
			n := 0
			for i := 0; i < size; i++ {
				if want[i] && (i == 0 || !want[i-1]) {
					wantRuns = append(wantRuns, [2]int{i, i})
				}
				if want[i] {
					wantRuns[len(wantRuns)-1][1] = i + 1
					if m.rank(i) != n {
						t.Fatalf("size %d seed %d: rank(%d) = %d, want %d", size, seed, i, m.rank(i), n)
					}
					n++
				}
			}
			if total != n || !slices.Equal(runs, wantRuns) {
				t.Fatalf("size %d seed %d: %d marked in %v, want %d in %v", size, seed, total, runs, n, wantRuns)
			}
		}
	}
}

// TestLoadOwnsNoBuffer loads vaults, whose notes are read into a buffer per
// worker and parsed over a source copy per collector, both reused note after
// note, and compares every note with one parsed alone from a text of its
// own: a string left pointing into a reused buffer would read another
// note's bytes by then.
func TestLoadOwnsNoBuffer(t *testing.T) {
	vaults := []string{filepath.Join("..", "examples", "garden"), filepath.Join("testdata", "scan", "vault")}
	vaults = append(vaults, cacheGardens(t)...)
	for _, root := range vaults {
		t.Run(filepath.Base(root), func(t *testing.T) {
			ix, _, err := Load(context.Background(), root, cacheTestConfig, NewParser())
			if err != nil {
				t.Fatal(err)
			}
			for path, n := range indexNotes(ix) {
				data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
				if err != nil {
					t.Fatal(err)
				}
				if alone := NewParser().ParseFile(path, string(data)); !reflect.DeepEqual(n, alone) {
					t.Fatalf("%s loaded differs from its parse alone:\n got %+v\nwant %+v", path, n, alone)
				}
			}
		})
	}
}
