package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// TestMentions links the text at a cursor (or a selection) to the note it
// names, under each profile, and compares the links offered with a golden
// file; each is applied, the vault indexed again, and the new link must
// lead to the note offered, and the text read as before.
func TestMentions(t *testing.T) {
	cases := []struct {
		marker string // the cursor is after it, in notes/prose.md
		sel    string // when set, the selection is this text after marker instead
	}{
		{marker: "A feedb"},                                    // a title, written in lower case
		{marker: "a system dyn"},                               // a file name, by its title's words
		{marker: "from Don"},                                   // a file name as written
		{marker: "see stocks and fl"},                          // a title that is not the file's name
		{marker: "balancing a"},                                // an alias
		{marker: "Every balancing act is a Feedback Lo"},       // the name as written
		{marker: "the donella mea"},                            // in a table
		{marker: "and an ind"},                                 // a name two notes have
		{marker: "# Prose about feedback lo"},                  // a heading's text
		{marker: "", sel: "Donella Meadows"},                   // a selection
		{marker: "", sel: "from Donella"},                      // a selection that names nothing
		{marker: "", sel: "Meadows"},                           // a word selected: the phrase around it
		{marker: "A feedback loop is a system dynamics idea "}, // between words
		{marker: "`feedback lo"},                               // code
		{marker: "nor $feedback lo"},                           // math
		{marker: "```\nfeedback lo"},                           // fenced code
		{marker: "related: feedback lo"},                       // frontmatter
		{marker: "[a feedback lo"},                             // a link's label
		{marker: "#feedb"},                                     // a tag
		{marker: "%% a feedback lo"},                           // a comment
		{marker: "\n#"},                                        // a heading's marker
		{marker: "In emphasis, _system dyn"},                   // within emphasis
		{marker: "one, system _dyn"},                           // across an emphasis mark
		{marker: "nor system_ dyn"},                            // an underscore beside a space
		{marker: "; system_dyn"},                               // an underscore as a file name joins words
	}
	for _, pc := range profileConfigs {
		t.Run(pc.name, func(t *testing.T) {
			v := loadVault(t, "mention.txtar", pc.cfg)
			f := v.file(t, "notes/prose.md")
			text := f.Note.Text
			p := workspace.NewParser()
			var b strings.Builder
			for _, tc := range cases {
				start := strings.Index(text, tc.marker) + len(tc.marker)
				if start < len(tc.marker) {
					t.Fatalf("%q not in the note", tc.marker)
				}
				end := start
				if tc.sel != "" {
					start = strings.Index(text, tc.sel)
					end = start + len(tc.sel)
				}
				ms := Mentions(v.snap, p, f, start, end)
				fmt.Fprintf(&b, "%q %q:", tc.marker, tc.sel)
				if len(ms) == 0 {
					b.WriteString(" -")
				}
				for _, m := range ms {
					fmt.Fprintf(&b, " %q => %s (%s)", text[m.Span.Start:m.Span.End], m.NewText, m.Target.Path)
					checkMention(t, v, f, m, pc.cfg)
				}
				b.WriteString("\n")
			}
			golden(t, "mention/"+pc.name+".golden", b.String())
		})
	}
}

// checkMention applies m and checks the vault it leaves: one more link, at
// the mention, leading to its target.
func checkMention(t *testing.T, v *testVault, f *workspace.File, m Mention, cfg workspace.Config) {
	t.Helper()
	after := reindex(t, v, RenameResult{Edits: []FileEdits{{File: f, Edits: []Edit{{Span: m.Span, NewText: m.NewText}}}}}, cfg)
	g := after.file(t, f.Path)
	i := LinkAt(g.Note, m.Span.Start+1)
	if i < 0 || len(g.Note.Links()) != len(f.Note.Links())+1 {
		t.Errorf("%s: no new link at the mention", m.NewText)
		return
	}
	if r := after.snap.Resolve(g, i); r.Status != workspace.Resolved || r.Target == nil || r.Target.Path != m.Target.Path {
		t.Errorf("%s leads to %v (%s), not %s", m.NewText, r.Target, r.Status, m.Target.Path)
	}
}

// The note a mention would link is never the note itself.
func TestMentionsNotOfItself(t *testing.T) {
	v := loadVault(t, "mention.txtar", workspace.Config{})
	f, off := cursorAfter(t, v, "concepts/Feedback Loop.md", "the feedback lo")
	if ms := Mentions(v.snap, workspace.NewParser(), f, off, off); ms != nil {
		t.Errorf("a note links itself: %+v", ms)
	}
}
