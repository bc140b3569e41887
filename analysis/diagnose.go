package analysis

import (
	"fmt"
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// Diagnostic is one finding in a note.
type Diagnostic struct {
	Code     string
	Severity Severity
	Span     workspace.Span
	Message  string
	Fixes    []Fix
}

// Fix is an edit that resolves a diagnostic: replace Span with NewText.
type Fix struct {
	Title   string
	Span    workspace.Span
	NewText string
}

// Diagnose checks one note: its links under every configured profile, its
// frontmatter and lines too long to read. sev gives each code's severity (see
// Severities); codes at SeverityOff are not reported.
func Diagnose(snap *workspace.Snapshot, f *workspace.File, sev map[string]Severity) []Diagnostic {
	return diagnose(snap, f, sev, f.Note.Links())
}

// diagnose is Diagnose with the note's links as the caller holds them.
func diagnose(snap *workspace.Snapshot, f *workspace.File, sev map[string]Severity, links []workspace.Link) []Diagnostic {
	d := diagnoser{snap: snap, f: f, sev: sev, links: links}
	d.frontmatter()
	d.duplicateBlocks()
	for _, sp := range f.Note.LongLines() {
		d.add("long-line", sp, fmt.Sprintf("this line is %d bytes long, over %d: it is not read as markdown, so its links and tags are not indexed (break it into lines)",
			sp.End-sp.Start, workspace.MaxLineBytes))
	}
	for i := range links {
		d.link(i)
	}
	return d.out
}

type diagnoser struct {
	snap  *workspace.Snapshot
	f     *workspace.File
	sev   map[string]Severity
	links []workspace.Link // the note's
	out   []Diagnostic
}

func (d *diagnoser) add(code string, span workspace.Span, msg string, fixes ...Fix) {
	s, ok := d.sev[code]
	if !ok {
		c, _ := codeByName(code)
		s = c.Severity
	}
	if s == SeverityOff {
		return
	}
	d.out = append(d.out, Diagnostic{Code: code, Severity: s, Span: span, Message: msg, Fixes: fixes})
}

// duplicateBlocks flags each block id the note gave an earlier block too
// (case aside, as links name them): links reach the first.
func (d *diagnoser) duplicateBlocks() {
	bs := d.f.Note.Blocks()
	if len(bs) < 2 {
		return
	}
	first := make(map[string]int, len(bs))
	for i, b := range bs {
		k := strings.ToLower(b.ID)
		j, seen := first[k]
		if !seen {
			first[k] = i
			continue
		}
		d.add("duplicate-block-id", b.Span, fmt.Sprintf("^%s is the id of the block on line %d too: links to it reach that one",
			bs[j].ID, d.f.Note.Lines().Line(bs[j].Span.Start)+1))
	}
}

func (d *diagnoser) frontmatter() {
	fm := &d.f.Note.Frontmatter
	if fm.Err != nil {
		d.add("frontmatter-syntax", fm.Err.Span, "frontmatter YAML does not parse: "+fm.Err.Message+
			"; its title, tags, aliases and publish are ignored (quote values that hold \": \")")
	}
	for _, p := range fm.Problems {
		d.add("frontmatter-type", p.Span, p.Message)
	}
}

func (d *diagnoser) link(i int) {
	l := &d.links[i]
	// A reference use is checked at its definition, where the path is written.
	if l.External || l.Kind == workspace.LinkReference {
		return
	}
	r := d.snap.ResolveAt(d.f, i, l)
	switch r.Status {
	case workspace.NoSuchNote, workspace.OutsideVault:
		d.brokenLink(l, r, i)
		return
	case workspace.NoSuchHeading:
		d.brokenAnchor(l, r)
		return
	case workspace.NoSuchBlock:
		d.brokenBlock(l, r)
		return
	case workspace.Ambiguous:
		d.ambiguous(l, r)
	}
	if r.OK() {
		// An ambiguous link is already reported; the other profile's view of
		// the same ambiguity adds nothing.
		cfg := d.snap.Config()
		for _, p := range cfg.Profiles[min(1, len(cfg.Profiles)):] {
			if r.Status == workspace.Ambiguous {
				break
			}
			if o := d.snap.ResolveAsAt(p, d.f, i, l); !o.OK() {
				d.add("profile-mismatch", l.Span, fmt.Sprintf("%s resolves this link to %s, but %s does not: %s",
					r.Profile, targetName(r), o.Profile, reason(l, o)))
			}
		}
		d.unpublished(l, r)
	}
}

func (d *diagnoser) brokenLink(l *workspace.Link, r workspace.Resolution, i int) {
	target := l.Target
	var b strings.Builder
	if r.Status == workspace.OutsideVault {
		fmt.Fprintf(&b, "%q points outside the vault (%s)", target, r.Wanted)
	} else {
		fmt.Fprintf(&b, "no note or file %q", target)
	}
	var fixes []Fix
	// A file of the same name elsewhere: the most common cause is a moved folder.
	sameName := d.sameName(target)
	if len(sameName) == 0 {
		sameName = d.snap.Similar(target, 3)
	}
	if len(sameName) > 0 {
		names := make([]string, len(sameName))
		for j, f := range sameName {
			names[j] = f.Path
			newText := TargetText(d.snap, d.f, l, f) + fragmentText(l)
			fixes = append(fixes, Fix{Title: "Link to " + f.Path, Span: l.TargetSpan, NewText: newText})
		}
		fmt.Fprintf(&b, "; did you mean %s?", strings.Join(quoteAll(names), " or "))
	} else if r.Status == workspace.NoSuchNote {
		if workspace.IsNotePath(target) || !strings.Contains(lastSeg(target), ".") {
			b.WriteString("; create the note or fix the name")
		} else {
			b.WriteString("; add the file to the vault or fix the name")
		}
	}
	for _, p := range r.ResolvesUnder {
		fmt.Fprintf(&b, " (%s resolves it to %s)", p, targetName(d.snap.ResolveAsAt(p, d.f, i, l)))
	}
	d.add("broken-link", l.Span, b.String(), fixes...)
}

// sameName lists files named like target's last segment anywhere in the
// vault: after a folder move, the file is still there under its name.
func (d *diagnoser) sameName(target string) []*workspace.File {
	base := lastSeg(strings.TrimSuffix(target, "/"))
	var out []*workspace.File
	for _, f := range d.snap.ByName(base) {
		// ByName also answers by alias and by an index note's folder.
		if strings.EqualFold(lastSeg(f.Stem()), trimExt(base)) || strings.EqualFold(lastSeg(f.Path), base) {
			out = append(out, f)
		}
		if len(out) == 3 {
			break
		}
	}
	return out
}

func (d *diagnoser) brokenAnchor(l *workspace.Link, r workspace.Resolution) {
	n := r.Target.Note
	texts := make([]string, len(n.Headings()))
	for j, h := range n.Headings() {
		texts[j] = h.Text
	}
	frag := l.Fragment
	if k := strings.LastIndexByte(frag, '#'); k >= 0 {
		frag = frag[k+1:]
	}
	close := workspace.Closest(frag, texts, 3)
	msg := fmt.Sprintf("no heading %q in %s", frag, r.Target.Path)
	var fixes []Fix
	if len(close) > 0 {
		msg += "; close: " + strings.Join(quoteAll(close), ", ")
		for _, h := range n.Headings() {
			if h.Text == close[0] {
				fixes = append(fixes, d.fragmentFix(l, h))
				break
			}
		}
	} else if len(texts) == 0 {
		msg += ", which has no headings"
	} else {
		msg += "; its headings: " + strings.Join(quoteAll(texts[:min(len(texts), 5)]), ", ")
	}
	d.add("broken-anchor", l.Span, msg, fixes...)
}

// fragmentFix rewrites l's fragment to name h: the heading text in a
// wikilink, its slug in a markdown link.
func (d *diagnoser) fragmentFix(l *workspace.Link, h workspace.Heading) Fix {
	raw := l.Raw
	hash := strings.IndexByte(raw, '#')
	frag := h.Slug
	if l.Wiki {
		frag = h.Text
	}
	return Fix{Title: "Link heading " + h.Text,
		Span: workspace.Span{Start: l.TargetSpan.Start + hash + 1, End: l.TargetSpan.End}, NewText: frag}
}

func (d *diagnoser) brokenBlock(l *workspace.Link, r workspace.Resolution) {
	n := r.Target.Note
	msg := fmt.Sprintf("no block %q in %s", l.Fragment, r.Target.Path)
	if len(n.Blocks()) > 0 {
		ids := make([]string, 0, 5)
		for _, b := range n.Blocks() {
			if len(ids) == 5 {
				break
			}
			ids = append(ids, "^"+b.ID)
		}
		msg += "; it has " + strings.Join(ids, ", ")
	} else {
		msg += ", which has no block ids: add one after the paragraph"
	}
	d.add("broken-block", l.Span, msg)
}

func (d *diagnoser) ambiguous(l *workspace.Link, r workspace.Resolution) {
	names := make([]string, len(r.Candidates))
	var fixes []Fix
	for j, c := range r.Candidates {
		names[j] = c.Path
		fixes = append(fixes, Fix{Title: "Link to " + c.Path, Span: l.TargetSpan,
			NewText: TargetText(d.snap, d.f, l, c) + fragmentText(l)})
	}
	msg := fmt.Sprintf("%q matches %d files: %s", l.Target, len(names), strings.Join(names, ", "))
	if r.Target != nil {
		msg += fmt.Sprintf("; %s picks %s", r.Profile, r.Target.Path)
	} else {
		msg += fmt.Sprintf("; %s takes it as a path from the root, where there is none", r.Profile)
	}
	d.add("ambiguous-link", l.Span, msg+": write more of the path", fixes...)
}

func (d *diagnoser) unpublished(l *workspace.Link, r workspace.Resolution) {
	cfg := d.snap.Config()
	if !cfg.ExplicitPublish || r.Target == nil || r.Target.Note == nil || r.Target == d.f {
		return
	}
	if p := d.f.Note.Frontmatter.Publish; p == nil || !*p {
		return
	}
	tp := r.Target.Note.Frontmatter.Publish
	if tp != nil && *tp {
		return
	}
	why := "has no publish field"
	if tp != nil {
		why = "has publish: false"
	}
	d.add("unpublished-target", l.Span, fmt.Sprintf("this published note links to %s, which %s and will not be published: the link will be dead on the site",
		r.Target.Path, why))
}

func targetName(r workspace.Resolution) string {
	switch {
	case r.Target != nil:
		return r.Target.Path
	case r.Page != "":
		return "the " + r.Page + " page " + r.Wanted
	}
	return r.Wanted
}

// reason says why a link fails under a profile, in a few words.
func reason(l *workspace.Link, r workspace.Resolution) string {
	switch r.Status {
	case workspace.NoSuchNote:
		if r.Profile == workspace.ProfileObsidian {
			return fmt.Sprintf("no file %q", r.Wanted)
		}
		return fmt.Sprintf("no file %q (names are case-sensitive there, and the path is read from %s)", r.Wanted, readFrom(r.Profile))
	case workspace.OutsideVault:
		return "the path leaves the vault"
	case workspace.NoSuchHeading:
		return fmt.Sprintf("no heading %q", l.Fragment)
	case workspace.NoSuchBlock:
		return fmt.Sprintf("no block %q", l.Fragment)
	case workspace.Ambiguous:
		names := make([]string, len(r.Candidates))
		for i, c := range r.Candidates {
			names[i] = c.Path
		}
		return "several files match: " + strings.Join(names, ", ")
	}
	return r.Status.String()
}

func readFrom(p workspace.Profile) string {
	if p == workspace.ProfileCommonMark {
		return "the note's folder"
	}
	return "the vault root"
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

func lastSeg(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

func trimExt(p string) string {
	if workspace.IsNotePath(p) {
		return p[:strings.LastIndexByte(p, '.')]
	}
	return p
}
