package vaultgen

import "strings"

// The vocabulary is kept in constant strings and split per run, so the package
// holds no mutable globals. Some words are deliberately absent from every list:
// "ghost" (fake links in code and comments), "unwritten" (invented headings) and
// any folder ending in "-old" (stale paths), so those can never resolve.
const (
	nounWords = `garden seed loop stock flow system network node edge graph pattern habit
	practice memory archive index map territory boundary signal feedback delay buffer
	model theory concept idea note thread trail path river forest soil root branch leaf
	compost harvest season cycle rhythm ritual tool workshop library catalogue ledger
	protocol commons market council cell swarm colony hive ecosystem niche species
	mutation variation selection fitness landscape terrain horizon frontier bridge gate
	lens frame window mirror echo resonance tension balance equilibrium threshold limit
	capacity constraint leverage incentive reward attention focus craft skill apprentice
	mentor guild circle assembly forum dialogue conversation question answer insight
	hypothesis experiment prototype sketch draft outline essay journal diary log record
	source citation reference quote fragment excerpt summary digest abstract chapter
	paragraph sentence vocabulary language grammar metaphor analogy story narrative myth
	archetype role identity trust reputation governance autonomy consensus coordination
	cooperation competition conflict negotiation agreement contract promise commitment
	value principle norm rule policy strategy tactic plan goal outcome metric measure
	indicator sensor feedforward oscillation growth decay entropy order emergence
	complexity simplicity redundancy resilience robustness fragility adaptation evolution
	learning unlearning reflection review retrospective backlog queue pipeline workflow
	inbox outbox zettel card slip box drawer shelf room house street city region`
	adjWords = `open closed slow fast deep shallow living dormant evergreen seasonal wild
	tended quiet loud hidden visible emergent stable fragile resilient adaptive linear
	circular nested recursive parallel distributed local global shared private public
	tacit explicit formal informal early late minimal dense sparse layered modular
	collective personal digital analog durable ephemeral small large daily weekly
	annual broken whole careful playful lateral vertical horizontal inner outer
	reinforcing balancing delayed lagging leading weak strong soft hard raw refined
	first second final partial common rare curious patient generous humble bold`
	verbWords = `grows links connects shapes holds returns feeds limits drives
	absorbs releases reflects amplifies dampens reveals hides sustains changes
	tends gathers weaves follows precedes resists enables constrains invites
	compounds decays emerges settles drifts loops branches merges splits`
	glueWords = `the the the of of of and and and a a to to in in is is that for it
	as with on by this are be can from or an at which not more when each how`
	folderWords = `concepts practices people projects research reading notes journal
	meetings areas resources topics patterns tools essays drafts seeds evergreen
	literature sources references guides howto docs wiki library courses books
	papers talks podcasts clients teams design engineering ops writing ideas
	questions experiments prototypes outlines templates assets snippets meta`
	// Folder names written with spaces, as Obsidian users often do.
	spacedFolders = `Daily Notes|Reading List|Project Ideas|Field Notes|Meeting Notes|Open Questions|Book Notes|Systems Thinking`
	headingPool   = `Overview|Background|Key ideas|How it works|Examples|Open questions|Summary|
	Notes|History|Criticism|Related ideas|In practice|Definitions|Context|Why it matters|
	Sources|Further reading|Details|Caveats|Implementation|Examples in the wild|
	Takeaways|Questions|Observations|Next steps|What's next?|Pros & cons|Q&A`
	tagWords = `systems garden seedling evergreen budding concept practice tool person
	project question idea reading writing thinking learning governance design
	research method pattern habit review meta todo inbox`
	// Duplicated file names: the names every big vault has several of.
	dupWords  = `index|readme|README|overview|notes|changelog|CONTRIBUTING|todo|spec-v1|spec-v2|roadmap-v2`
	langWords = `go python js yaml bash dataview mermaid json`
)

// lexicon holds the split word lists for one run.
type lexicon struct {
	nouns, adjs, verbs, glue  []string
	folders, spaced, headings []string
	tags, dups, langs         []string
}

func newLexicon() *lexicon {
	return &lexicon{
		nouns:    strings.Fields(nounWords),
		adjs:     strings.Fields(adjWords),
		verbs:    strings.Fields(verbWords),
		glue:     strings.Fields(glueWords),
		folders:  strings.Fields(folderWords),
		spaced:   splitBar(spacedFolders),
		headings: splitBar(headingPool),
		tags:     strings.Fields(tagWords),
		dups:     splitBar(dupWords),
		langs:    strings.Fields(langWords),
	}
}

func splitBar(s string) []string {
	parts := strings.Split(s, "|")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
