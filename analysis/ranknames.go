package analysis

import (
	"strings"

	"github.com/rhizome-lsp/rhizome/workspace"
)

// rankNames ranks every file's names (stem, title, aliases) and every missing
// note against query, on all cores, in two passes. The first takes what holds
// the query (workspace.FindNames looks only at the entries holding its rarest
// pair of bytes); a subsequence scores below all of it, so when the first
// pass fills the list the second is not made. The second takes the
// subsequences ("fdbk" in "feedback"), visiting every name. parts is how many
// parts to rank in (see inParts), 0 for as many as inParallel takes.
func rankNames(snap *workspace.Snapshot, f *workspace.File, query string, parts int) *topK {
	names := snap.Names()
	missing := snap.MissingCount()
	n := len(names) + missing
	if parts == 0 {
		parts = partsFor(n)
	}
	// Each part takes its share of the names and its share of the missing
	// notes: a name costs several times what a missing note does, and one
	// part of names alone kept the other core idle.
	nameShare := func(from, to int) (int, int) { return share(from, n, len(names)), share(to, n, len(names)) }
	missingShare := func(from, to int) (int, int) { return share(from, n, missing), share(to, n, missing) }

	top := inParts(n, parts, func(top *topK, from, to int) {
		lo, hi := nameShare(from, to)
		rankContaining(top, snap, names, f, query, lo, hi)
		lo, hi = missingShare(from, to)
		rankMissingContaining(top, snap, query, lo, hi)
	})
	if len(top.heap) == top.k && top.heap[0].score > maxSubsequence {
		// Whether any name is only a subsequence was not looked into.
		top.unsure = true
		return top
	}
	qmask := workspace.CharMask(query)
	second := func(top *topK, from, to int) {
		lo, hi := nameShare(from, to)
		for i := lo; i < hi; i++ {
			rankSubsequence(top, &names[i], f, query, qmask)
		}
		lo, hi = missingShare(from, to)
		rankMissingSubsequences(top, snap, query, qmask, lo, hi)
	}
	if parts == 1 {
		// In the first pass's list, which prunes from the start; parts
		// need lists of their own.
		second(top, 0, n)
		return top
	}
	top.merge(inParts(n, parts, second))
	return top
}

// maxMissing is the best score a missing note gets: its name starting with
// the query (scoreAt).
const maxMissing = 4

// maxSubsequence is the best score a candidate found only as a subsequence
// of a name gets: a note's (see rankSubsequence).
const maxSubsequence = 1*2 + 1

// rankContaining ranks the names of names[from:to] that hold query: a file
// by the better of its stem and title, each alias on its own.
func rankContaining(top *topK, snap *workspace.Snapshot, names []workspace.NameEntry, f *workspace.File, query string, from, to int) {
	cur, best := -1, 0 // the entry whose stem and title are being scored
	flush := func() {
		if best == 0 {
			return
		}
		e := &names[cur]
		if score := best*2 + boolInt(e.IsNote); top.admitsLabeled(score, e.Label, e.LabelKey) {
			top.add(candidate{score: score, label: e.Label, key: e.LabelKey, file: e.File})
		}
	}
	snap.FindNames(query, from, to, func(i, field, at int) {
		e := &names[i]
		if e.File == f {
			return
		}
		if i != cur {
			flush()
			cur, best = i, 0
		}
		switch field {
		case workspace.FieldStem:
			best = max(best, scoreAt(e.Stem, at))
		case workspace.FieldTitle:
			best = max(best, scoreAt(e.Title, at))
		default:
			j := field - workspace.FieldAlias
			if s := scoreAt(nthAlias(e.Aliases, j), at); top.admits(s * 2) {
				alias := linkableAlias(e.File.Note, j)
				top.add(candidate{score: s * 2, label: alias, file: e.File, alias: alias})
			}
		}
	})
	flush()
}

// rankSubsequence ranks what of e only holds query as a subsequence. A stem
// or title that holds query itself was ranked by rankContaining; it is
// looked for only in the few names that hold the subsequence, where a list
// of what the first pass found cost an allocation the size of the table.
func rankSubsequence(top *topK, e *workspace.NameEntry, f *workspace.File, query string, qmask uint64) {
	if e.File == f || e.File == nil {
		return
	}
	score := 1*2 + boolInt(e.IsNote)
	if e.Mask&qmask == qmask && !top.excludes(score, e.Label, e.LabelKey) &&
		(isSubsequence(e.Stem, query) || isSubsequence(e.Title, query)) &&
		!strings.Contains(e.Stem, query) && !strings.Contains(e.Title, query) {
		if top.admitsLabeled(score, e.Label, e.LabelKey) {
			top.add(candidate{score: score, label: e.Label, key: e.LabelKey, file: e.File})
		}
	}
	if e.Aliases == "" || e.AliasMask&qmask != qmask || top.excludes(1*2, "", 0) {
		return
	}
	for j, rest := 0, e.Aliases; rest != ""; j++ {
		a, after, _ := strings.Cut(rest, "\x00")
		rest = after
		if isSubsequence(a, query) && !strings.Contains(a, query) && top.admits(1*2) {
			alias := linkableAlias(e.File.Note, j)
			top.add(candidate{score: 1 * 2, label: alias, file: e.File, alias: alias})
		}
	}
}

// rankMissingContaining ranks the missing notes from to before to whose
// name holds query. A missing note scores its match alone, at most
// maxMissing: once the names that hold the query fill the list above that,
// as a name's start typed does on a large vault, none is looked at.
func rankMissingContaining(top *topK, snap *workspace.Snapshot, query string, from, to int) {
	if from >= to || top.excludes(maxMissing, "", 0) {
		return
	}
	snap.RangeMissing(workspace.CharMask(query), workspace.PairMask(query), from, to, func(folded string, at int) {
		if top.excludes(maxMissing, "", 0) {
			return
		}
		if i := strings.Index(folded, query); i >= 0 {
			if s := scoreAt(folded, i); top.admits(s) {
				m := snap.MissingAt(at)
				top.add(candidate{score: s, label: m.Name, name: m.Name, count: m.Count})
			}
		}
	})
}

// rankMissingSubsequences ranks the missing notes from to before to whose
// name holds query only as a subsequence.
func rankMissingSubsequences(top *topK, snap *workspace.Snapshot, query string, qmask uint64, from, to int) {
	snap.RangeMissing(qmask, 0, from, to, func(folded string, at int) {
		if !top.excludes(1, "", 0) && isSubsequence(folded, query) && !strings.Contains(folded, query) && top.admits(1) {
			m := snap.MissingAt(at)
			top.add(candidate{score: 1, label: m.Name, name: m.Name, count: m.Count})
		}
	})
}

// nthAlias is the j-th of NUL-terminated aliases.
func nthAlias(aliases string, j int) string {
	for ; j > 0; j-- {
		aliases = aliases[strings.IndexByte(aliases, 0)+1:]
	}
	return aliases[:strings.IndexByte(aliases, 0)]
}
