package workspace_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// gardensDir is ../shared/gardens beside the repository: three public
// knowledge bases copied for measurement (see its README). A fresh clone has
// none, and the test says so.
func gardensDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "gardens"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("SKIP: the real gardens are not at %s (they sit beside the repository in ../shared/gardens): %v", dir, err)
	}
	return dir
}

// TestRealGardens loads each real garden under its own tool's rule and
// asserts the exact set of links that lead nowhere: the broken ones known
// from gardens/README.md, plus those a human check found (anchors, case).
func TestRealGardens(t *testing.T) {
	root := gardensDir(t)
	for _, g := range []struct {
		name string
		cfg  workspace.Config
		want []string // path:line as-written
	}{{
		name: "obsidian-help-en",
		cfg:  workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}},
		want: []string{
			"Extending Obsidian/Obsidian CLI.md:9 ![[obsidian-cli.mp4#interface]]",
			"Linking notes and files/Internal links.md:154 [[Example]]",
			"Linking notes and files/Internal links.md:155 [[Example#Details]]",
			"Linking notes and files/Internal links.md:162 [[Example|Custom name]]",
			"Linking notes and files/Internal links.md:163 [[Example#Details|Section name]]",
			"Linking notes and files/Internal links.md:168 [Custom name](Example.md)",
			"Linking notes and files/Internal links.md:169 [Section name](Example.md#Details)",
		},
	}, {
		name: "foam-docs",
		cfg:  workspace.Config{Profiles: []workspace.Profile{workspace.ProfileObsidian}},
		want: []string{
			"dev/contribution-guide.md:3 [CONTRIBUTING.md](../../CONTRIBUTING.md)",
			"dev/design/static-site-publishing-research.md:11 [Publishing pages](../../user/publishing/publishing.md)",
			"user/features/graph-view.md:172 ![Graph style demo](../../assets/images/graph-style.gif)",
			"user/index.md:69 [[publishing]]",
			// The heading is "Further customise your site"; no "Publish your site" either.
			"user/recipes/generate-material-for-mkdocs-site.md:35 [Further customise Material for MkDocs](#further-customise-material-for-mkdocs)",
			"user/recipes/generate-material-for-mkdocs-site.md:39 [Publish your site](#publish-your-site)",
			"user/tools/cli/search.md:11 [[cli-grep|foam grep]]",
		},
	}, {
		name: "quartz-docs",
		cfg:  workspace.Config{Profiles: []workspace.Profile{workspace.ProfileQuartz}, QuartzResolution: workspace.QuartzShortest},
		want: []string{
			// No heading "Layout" in configuration.md.
			"advanced/creating components.md:212 [[configuration#Layout|layout]]",
			"features/explorer.md:11 [[authoring content | Authoring Content]]",
			"features/explorer.md:46 [[table of contents | Table of Contents]]",
			"features/folder and tag listings.md:17 [[authoring content#Syntax|frontmatter]]",
			"features/popover previews.md:11 [[quartz layout.png|images referenced using wikilinks]]",
			"index.md:22 [[authoring content|Writing content]]",
			"plugins/CreatedModifiedDate.md:7 [[authoring content#Syntax]]",
			"plugins/Description.md:9 [[authoring content#Syntax]]",
			"plugins/Frontmatter.md:7 [[authoring content#Syntax]]",
			// Not in this copy of the docs.
			"plugins/RoamFlavoredMarkdown.md:7 [[Roam Research Compatibility]]",
			// Quartz is case-sensitive: the file is configuration.md.
			"plugins/RoamFlavoredMarkdown.md:10 [[Configuration#Plugins|Configuration]]",
			"plugins/TableOfContents.md:7 [[table of contents]]",
		},
	}} {
		t.Run(g.name, func(t *testing.T) {
			ix, rep, err := workspace.Load(context.Background(), filepath.Join(root, g.name), g.cfg, workspace.NewParser())
			if err != nil {
				t.Fatal(err)
			}
			if rep.Notes == 0 {
				t.Fatal("no notes loaded")
			}
			var got []string
			details := map[string]string{}
			s := ix.Snapshot()
			for _, f := range s.Notes() {
				text, err := s.Text(f)
				if err != nil {
					t.Fatal(err)
				}
				for i, l := range f.Note.Links() {
					r := s.Resolve(f, i)
					if r.OK() {
						continue
					}
					line, _ := f.Note.Lines().LineCol(l.Span.Start)
					key := fmt.Sprintf("%s:%d %s", f.Path, line, text[l.Span.Start:l.Span.End])
					got = append(got, key)
					details[key] = fmt.Sprintf("%s (%s, wanted %q)", l.Kind, r.Status, r.Wanted)
				}
			}
			s.Release()
			slices.Sort(got)
			want := slices.Sorted(slices.Values(g.want))
			if !slices.Equal(got, want) {
				var b strings.Builder
				for _, k := range got {
					if !slices.Contains(want, k) {
						fmt.Fprintf(&b, "  unexpected: %s — %s\n", k, details[k])
					}
				}
				for _, k := range want {
					if !slices.Contains(got, k) {
						fmt.Fprintf(&b, "  missing:    %s\n", k)
					}
				}
				t.Errorf("%s: %d links lead nowhere, want %d:\n%s", g.name, len(got), len(want), b.String())
			}
		})
	}
}
