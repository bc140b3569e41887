package workspace

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// fieldList prints a frontmatter's fields as key=value.
func fieldList(fm *Frontmatter) []string {
	var out []string
	for k, v := range fm.Fields() {
		out = append(out, k+"="+v)
	}
	return out
}

// TestFrontmatterFields reads each header with both readers (the fast one
// answers for some, yaml.v3 for the rest) and wants the same keys, with
// the values that qualify.
func TestFrontmatterFields(t *testing.T) {
	long := strings.Repeat("k", maxFieldKey+1)
	var many strings.Builder
	var manyWant []string
	for i := range maxFields + 1 {
		fmt.Fprintf(&many, "k%d: v\n", i)
		if i < maxFields {
			manyWant = append(manyWant, fmt.Sprintf("k%d=v", i))
		}
	}
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"typical", "---\ntitle: A Note\ndescription: What it says.\ntags: [a, b]\naliases:\n  - Other\npublish: true\nstatus: seedling # a comment\ndate: 2024-03-18\nrating: 5\n---\nbody\n",
			[]string{"title=", "description=", "tags=", "aliases=", "publish=true", "status=seedling", "date=", "rating=5"}},
		{"quoted values", "---\ntype: \"book\"\nquote: 'it''s'\nescaped: \"a\\tb\"\n---\n", []string{"type=book", "quote=it's", "escaped="}},
		{"null and lists", "---\nstatus:\nnone: ~\ncssclasses: [wide]\nitems:\n  - one\n---\n", []string{"status=", "none=", "cssclasses=", "items="}},
		{"long value", "---\nsource: https://example.org/a/path/that/is/longer/than/forty/bytes\nshort: " + strings.Repeat("x", maxFieldValue) + "\n---\n",
			[]string{"source=", "short=" + strings.Repeat("x", maxFieldValue)}},
		{"long key", "---\n" + long + ": x\nok: y\n---\n", []string{"ok=y"}},
		{"many keys", "---\n" + many.String() + "---\n", manyWant},
		{"duplicate key", "---\nstatus: a\nstatus: b\n---\n", []string{"status=a"}},
		{"case kept", "---\nStatus: Draft\n---\n", []string{"Status=Draft"}},
		{"non-ASCII key (yaml.v3)", "---\nétat: brouillon\nstatus: 🌱 seedling\n---\n", []string{"état=brouillon", "status=🌱 seedling"}},
		{"nested mapping (yaml.v3)", "---\nauthor:\n  name: Ann\nkind: book\n---\n", []string{"author=", "kind=book"}},
		{"CRLF", "---\r\ntitle: T\r\nstatus: budding\r\n---\r\nbody\r\n", []string{"title=", "status=budding"}},
		{"BOM", "\ufeff---\nstatus: evergreen\n---\n", []string{"status=evergreen"}},
		{"broken YAML", "---\ntitle: A\ndescription: Note: broken\nstatus: seedling\n---\n", nil},
		{"not a mapping", "---\n- a\n- b\n---\n", nil},
		{"empty", "---\n---\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := bomStart(tc.text)
			for _, fast := range []bool{true, false} {
				fm, _ := readFrontmatter(tc.text, start, fast)
				if got := fieldList(&fm); !slices.Equal(got, tc.want) {
					t.Errorf("fast path allowed %v: fields %q, want %q", fast, got, tc.want)
				}
			}
			// A note read from disk keeps them in its kept buffer.
			n := NewParser().ParseFile("n.md", tc.text)
			if got := fieldList(&n.Frontmatter); !slices.Equal(got, tc.want) {
				t.Errorf("ParseFile: fields %q, want %q", got, tc.want)
			}
			if f := n.Frontmatter.fields; f != "" {
				if _, ok := sliceOf(n.kept, f); !ok {
					t.Errorf("ParseFile: fields %q are not in the kept buffer", f)
				}
			}
		})
	}
}

// fieldState prints what a snapshot says of the fields: each key with its
// notes, and its values (or "free").
func fieldState(ix *Index) string {
	s := ix.Snapshot()
	defer s.Release()
	var b strings.Builder
	for _, fc := range s.Fields() {
		values, ok := s.FieldValues(fc.Key)
		fmt.Fprintf(&b, "%s %d:", fc.Key, fc.Notes)
		if !ok {
			b.WriteString(" free")
		}
		for _, v := range values {
			fmt.Fprintf(&b, " %s×%d", v.Value, v.Notes)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestFieldCountsFollowEdits: the counts follow an edit of a note's header,
// a header broken and mended, a removal, a rename.
func TestFieldCountsFollowEdits(t *testing.T) {
	p := NewParser()
	ix := NewIndex(Config{Profiles: []Profile{ProfileObsidian}})
	ix.Bulk([]*Note{
		p.Parse("a.md", "---\nstatus: seedling\ntype: book\n---\n", 1),
		p.Parse("b.md", "---\nstatus: seedling\n---\n", 1),
		p.Parse("c.md", "---\nstatus: budding\npublish: false\n---\n", 1),
		p.Parse("d.md", "no header\n", 1),
	}, nil)
	steps := []struct {
		what string
		do   func()
		want string
	}{
		{"built", func() {}, "status 3: seedling×2 budding×1\npublish 1: false×1\ntype 1: book×1\n"},
		{"b edited", func() { ix.SetNote(p.Parse("b.md", "---\nstatus: evergreen\npublish: true\n---\n", 2)) },
			"status 3: budding×1 evergreen×1 seedling×1\npublish 2: false×1 true×1\ntype 1: book×1\n"},
		{"a broken", func() { ix.SetNote(p.Parse("a.md", "---\nstatus: seedling\nstat\n---\n", 2)) },
			"publish 2: false×1 true×1\nstatus 2: budding×1 evergreen×1\n"},
		{"a mended", func() { ix.SetNote(p.Parse("a.md", "---\nstatus: budding\n---\n", 3)) },
			"status 3: budding×2 evergreen×1\npublish 2: false×1 true×1\n"},
		{"c removed", func() { ix.Remove("c.md") }, "status 2: budding×1 evergreen×1\npublish 1: true×1\n"},
		{"b renamed", func() { ix.Rename("b.md", p.Parse("e.md", "---\nstatus: evergreen\npublish: true\n---\n", 1), "e.md") },
			"status 2: budding×1 evergreen×1\npublish 1: true×1\n"},
		{"d given a header", func() { ix.SetNote(p.Parse("d.md", "---\ntype: article\n---\n", 2)) },
			"status 2: budding×1 evergreen×1\npublish 1: true×1\ntype 1: article×1\n"},
		{"all removed", func() { ix.Remove("a.md"); ix.Remove("e.md"); ix.Remove("d.md") }, ""},
	}
	for _, st := range steps {
		st.do()
		if got := fieldState(ix); got != st.want {
			t.Errorf("%s:\n got %q\nwant %q", st.what, got, st.want)
		}
	}
}

// TestFieldFreeText: a key with more distinct values than maxFieldValues
// is free text, its values no longer counted, until no note has it.
func TestFieldFreeText(t *testing.T) {
	p := NewParser()
	ix := NewIndex(Config{Profiles: []Profile{ProfileObsidian}})
	var notes []*Note
	for i := range maxFieldValues {
		notes = append(notes, p.Parse(fmt.Sprintf("n%03d.md", i), fmt.Sprintf("---\nid: v%d\n---\n", i), 1))
	}
	ix.Bulk(notes, nil)
	if got, want := fieldState(ix), fmt.Sprintf("id %d:", maxFieldValues); !strings.HasPrefix(got, want) || strings.Contains(got, "free") {
		t.Fatalf("at %d values: %q", maxFieldValues, got)
	}
	ix.SetNote(p.Parse("extra.md", "---\nid: one more\n---\n", 1))
	if got, want := fieldState(ix), fmt.Sprintf("id %d: free\n", maxFieldValues+1); got != want {
		t.Fatalf("one value more: %q, want %q", got, want)
	}
	ix.Remove("extra.md")
	if got, want := fieldState(ix), fmt.Sprintf("id %d: free\n", maxFieldValues); got != want {
		t.Errorf("back to %d values: %q, want %q (free text until rebuilt)", maxFieldValues, got, want)
	}
	for _, n := range notes {
		ix.Remove(n.Path)
	}
	ix.SetNote(p.Parse("again.md", "---\nid: v1\n---\n", 1))
	if got, want := fieldState(ix), "id 1: v1×1\n"; got != want {
		t.Errorf("after every note with the key went: %q, want %q", got, want)
	}
}

// TestFieldTableImageRoundTrip: what the index image holds of the fields
// reads back as written; damage is an error, never a panic.
func TestFieldTableImageRoundTrip(t *testing.T) {
	p := NewParser()
	var notes []*Note
	for i := range maxFieldValues + 3 {
		notes = append(notes, p.Parse(fmt.Sprintf("n%d.md", i),
			fmt.Sprintf("---\nid: v%d\nstatus: %s\npublish: %v\n---\n", i, []string{"seedling", "budding"}[i%2], i%3 == 0), 1))
	}
	want := fieldTableOf(notes)
	b := appendFieldTable(nil, want)
	got, err := readFieldTable(b, len(notes))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(appendFieldTable(nil, got)) != fmt.Sprint(b) || !got["id"].free || got["status"].values["budding"] != (maxFieldValues+3)/2 {
		t.Errorf("read back differs: %v", got)
	}
	if _, err := readFieldTable(b, 2); err == nil {
		t.Error("counts above the notes' number were accepted")
	}
	for i := range b {
		readFieldTable(b[:i], len(notes))
		c := slices.Clone(b)
		c[i] ^= 0x55
		readFieldTable(c, len(notes))
	}
}
