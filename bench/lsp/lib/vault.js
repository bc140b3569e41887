'use strict';
// Reads a generated vault and picks, deterministically, what the benchmark asks
// about: the hub note (most backlinks), a heading of it that other notes link to
// with a markdown link, one such dependent note, and real positions (after "[[",
// inside "](", on markdown links) in a spread of notes. Positions are UTF-16
// (JavaScript string indices), the encoding both servers use by default.

const fs = require('fs');
const path = require('path');

function walk(root) {
	const out = [];
	const stack = [''];
	while (stack.length) {
		const rel = stack.pop();
		const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
		for (const e of entries) {
			if (e.name.startsWith('.') || e.name === 'node_modules') {
				continue;
			}
			const r = rel ? rel + '/' + e.name : e.name;
			if (e.isDirectory()) {
				stack.push(r);
			} else if (e.isFile()) {
				out.push(r);
			}
		}
	}
	return out.sort(); // byte order: deterministic across machines
}

// Markdown outside frontmatter, fenced code and %% comments, line by line.
function proseLines(text) {
	const lines = text.split('\n');
	const out = [];
	let i = 0;
	if (lines[0] === '---') {
		for (i = 1; i < lines.length && lines[i] !== '---'; i++) { /* frontmatter */ }
		i++;
	}
	let fence = null;
	let comment = false;
	for (; i < lines.length; i++) {
		const l = lines[i];
		const f = /^\s*(```|~~~)/.exec(l);
		if (fence) {
			if (f && f[1] === fence) {
				fence = null;
			}
			continue;
		}
		if (f) {
			fence = f[1];
			continue;
		}
		if (l.trim() === '%%') {
			comment = !comment;
			continue;
		}
		if (comment) {
			continue;
		}
		out.push({ line: i, text: l });
	}
	return out;
}

// GitHub's heading slug, as both servers compute it for "#fragment" links.
function githubSlug(heading) {
	return heading.trim().toLowerCase()
		.replace(/[\]\[!"#$%&'()*+,./:;<=>?@\\^`{|}~]/g, '')
		.replace(/\s/g, '-');
}

function safeDecode(s) {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

function scanVault(root) {
	const files = walk(root);
	const fileSet = new Set(files);
	const notes = files.filter((f) => f.toLowerCase().endsWith('.md'));
	const byStem = new Map(); // lower-case stem -> paths
	const byLowerPath = new Map(); // lower-case path without .md -> path
	for (const f of files) {
		const noExt = f.toLowerCase().endsWith('.md') ? f.slice(0, -3) : f;
		byLowerPath.set(noExt.toLowerCase(), f);
		byLowerPath.set(f.toLowerCase(), f);
		const stem = path.posix.basename(noExt).toLowerCase();
		if (!byStem.has(stem)) {
			byStem.set(stem, []);
		}
		byStem.get(stem).push(f);
	}
	for (const list of byStem.values()) {
		list.sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
	}
	// Obsidian-like resolution, good enough to count backlinks.
	const resolveObsidian = (from, target) => {
		if (!target) {
			return null;
		}
		const t = target.replace(/^\/+/, '');
		const hit = byLowerPath.get(t.toLowerCase());
		if (hit) {
			return hit;
		}
		const rel = path.posix.normalize(path.posix.join(path.posix.dirname(from), t));
		const hit2 = byLowerPath.get(rel.toLowerCase());
		if (hit2) {
			return hit2;
		}
		const stem = path.posix.basename(t.replace(/\.md$/i, '')).toLowerCase();
		const cands = byStem.get(stem);
		if (cands && !t.includes('/')) {
			return cands[0];
		}
		return null;
	};
	// Relative to the note's folder, exact case, ".md" optional: the rule the
	// peer (VS Code) applies to markdown links.
	const resolveRelative = (from, target) => {
		if (!target || target.startsWith('/')) {
			return null;
		}
		const rel = path.posix.normalize(path.posix.join(path.posix.dirname(from), target));
		if (fileSet.has(rel)) {
			return rel;
		}
		if (fileSet.has(rel + '.md')) {
			return rel + '.md';
		}
		return null;
	};

	const info = new Map();
	const inbound = new Map();
	const texts = new Map();
	for (const rel of notes) {
		const text = fs.readFileSync(path.join(root, rel), 'utf8');
		texts.set(rel, text);
		const wiki = [];
		const md = [];
		const headings = [];
		for (const { line, text: l } of proseLines(text)) {
			const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(l);
			if (h) {
				headings.push({ line, level: h[1].length, text: h[2], start: l.indexOf(h[2]), slug: githubSlug(h[2]) });
			}
			for (const m of l.matchAll(/(!?)\[\[([^\]\n]+?)\]\]/g)) {
				const inner = m[2];
				const target = inner.split('|')[0].split('#')[0].trim();
				wiki.push({ line, open: m.index + m[1].length, inner, target, col: m.index + m[1].length + 2 });
			}
			for (const m of l.matchAll(/(!?)\[([^\]\n]*)\]\(([^()\s]+)\)/g)) {
				const dest = m[3];
				if (/^[a-z]+:/i.test(dest) || dest.startsWith('#')) {
					continue;
				}
				const destCol = m.index + m[0].length - dest.length - 1;
				const [p, frag] = dest.split('#');
				md.push({ line, destCol, dest, path: safeDecode(p), frag: frag || '', image: m[1] === '!' });
			}
		}
		for (const w of wiki) {
			const to = resolveObsidian(rel, w.target);
			if (to && to !== rel) {
				inbound.set(to, (inbound.get(to) || 0) + 1);
			}
		}
		for (const m of md) {
			// Resolves the same way under both rules: the peer can follow it too.
			const rr = resolveRelative(rel, m.path);
			m.both = rr !== null && rr.endsWith('.md') && resolveObsidian(rel, m.path) === rr;
			const to = resolveObsidian(rel, m.path);
			if (to && to !== rel) {
				inbound.set(to, (inbound.get(to) || 0) + 1);
			}
		}
		info.set(rel, { wiki, md, headings });
	}

	// Hub: the note with the most backlinks that has a heading some other note
	// links to with a markdown link both servers resolve the same way.
	const ranked = [...inbound.entries()].filter(([p]) => p.endsWith('.md'))
		.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
	let plan = null;
	for (const [hub, count] of ranked.slice(0, 50)) {
		const hubInfo = info.get(hub);
		const slugs = new Map(hubInfo.headings.map((h) => [h.slug, h]));
		const deps = new Map(); // slug -> [{note, link}]
		for (const [rel, inf] of info) {
			if (rel === hub) {
				continue;
			}
			for (const m of inf.md) {
				if (!m.frag || !slugs.has(m.frag)) {
					continue;
				}
				const rr = resolveRelative(rel, m.path);
				const ro = resolveObsidian(rel, m.path);
				if (rr === hub && ro === hub) {
					if (!deps.has(m.frag)) {
						deps.set(m.frag, []);
					}
					deps.get(m.frag).push({ note: rel, link: m });
				}
			}
		}
		if (deps.size === 0) {
			continue;
		}
		const [slug, list] = [...deps.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))[0];
		const heading = slugs.get(slug);
		// A heading whose slug is unique in the hub, so renaming it breaks the link.
		plan = { hub, backlinks: count, heading, dependents: list.map((d) => d.note), dependent: list[0].note, depLink: list[0].link };
		break;
	}
	return { root, files, notes, info, texts, inbound, hubPlan: plan };
}

// Positions for the request loops: notes spread evenly over the sorted list
// among those with both kinds of link, then one position of each kind per note,
// round-robin until `want` are found.
function pickPositions(scan, nNotes, want) {
	const eligible = scan.notes.filter((n) => {
		const i = scan.info.get(n);
		return i.wiki.length > 0 && i.md.some((m) => !m.image);
	});
	const chosen = [];
	const k = Math.min(nNotes, eligible.length);
	for (let i = 0; i < k; i++) {
		chosen.push(eligible[Math.floor(i * eligible.length / k)]);
	}
	const pos = { wikiOpen: [], mdOpen: [], mdLink: [], symbolQueries: [] };
	for (let round = 0; round < 20; round++) {
		for (const note of chosen) {
			const inf = scan.info.get(note);
			const w = inf.wiki[round];
			const m = inf.md.filter((x) => !x.image)[round];
			if (w && pos.wikiOpen.length < want) {
				pos.wikiOpen.push({ note, line: w.line, character: w.col, text: `[[${w.inner}]]` });
			}
			if (m && pos.mdOpen.length < want) {
				pos.mdOpen.push({ note, line: m.line, character: m.destCol, text: `](${m.dest})` });
			}
		}
	}
	// Definition, hover, references: on markdown links to a heading of another
	// note ("path.md#slug") that both servers resolve to the same file, so both
	// do their whole work (the peer answers definition only for links with a
	// fragment). Notes are taken evenly spread over all eligible ones, one link
	// each, until enough are found.
	const used = new Set();
	const tiers = [(m) => m.frag && m.both, (m) => m.both, () => true];
	for (const ok of tiers) {
		const notes = scan.notes.filter((n) => scan.info.get(n).md.some((m) => !m.image && ok(m)));
		for (let round = 0; round < 40 && pos.mdLink.length < want; round++) {
			const step = Math.max(1, Math.floor(notes.length / want));
			for (let i = round % step; i < notes.length && pos.mdLink.length < want; i += step) {
				const note = notes[i];
				const m = scan.info.get(note).md.find((x) => !x.image && ok(x) && !used.has(`${note}:${x.line}:${x.destCol}`));
				if (!m) {
					continue;
				}
				used.add(`${note}:${m.line}:${m.destCol}`);
				pos.mdLink.push({ note, line: m.line, character: m.destCol + Math.min(2, m.dest.length - 1), text: m.dest });
			}
		}
	}
	pos.linkNotes = [...new Set(pos.mdLink.map((p) => p.note))];
	// Workspace symbol queries: the first word (3+ letters) of each chosen
	// note's title, then its file stem.
	for (const note of chosen) {
		const stem = path.posix.basename(note, '.md');
		const word = (stem.match(/[A-Za-z]{3,}/g) || [stem])[0].toLowerCase();
		pos.symbolQueries.push(word.slice(0, 6));
	}
	let r = 0;
	while (pos.symbolQueries.length < want && chosen.length) {
		const stem = path.posix.basename(chosen[r % chosen.length], '.md');
		const words = stem.match(/[A-Za-z]{3,}/g) || [stem];
		pos.symbolQueries.push(words[words.length - 1].toLowerCase().slice(0, 4));
		r++;
	}
	return { notes: chosen, ...pos };
}

module.exports = { scanVault, pickPositions, walk, githubSlug };
