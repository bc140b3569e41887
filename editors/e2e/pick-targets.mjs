#!/usr/bin/env node
// Picks concrete test targets from a garden at run time, so that the editor E2E tests
// assert real behaviour without hard-coding the garden's content:
//
//   node pick-targets.mjs GARDEN_DIR  > targets.json
//
// Output (paths relative to GARDEN_DIR, lines and columns 0-based):
//   broken:     a note with a wikilink that no note can satisfy under any profile
//               { file, line, colUtf16, colByte, target, text }
//   link:       a wikilink without #heading/#^block that resolves to exactly one note
//               that has a plain frontmatter description; the position is inside the target
//               { file, line, colUtf16, colByte, target, text, targetFile, title, description }
//   completion: { title, file } a note title that link completion must offer
//   headingLink: a wikilink [[Note#Heading]] or [[Note#Heading|label]] outside code whose Note
//               resolves to exactly one other note having exactly one heading with that text
//               (case-insensitive); the position is inside the anchor (its second character).
//               heading is the heading's text as the note writes it, anchor as the link does,
//               headingLine its line in targetFile. links are all the links in the garden
//               (outside code) to that heading, this one included, which a rename of the
//               heading must rewrite: wikilinks (embeds and [[#Heading]] in targetFile too)
//               naming it by its text, style "wikilink"; markdown links [x](path.md#slug)
//               naming it by its slug, style "markdown" (text is the whole link); link
//               reference definitions [label]: path.md#Heading, style "definition".
//               { file, line, colUtf16, colByte, target, text, anchor, targetFile, heading,
//                 headingLine, links: [{ file, line, text, style }] }
//               null (with a note on stderr) when the garden has none: only the Emacs test
//               needs it, and fails then.
//   idLink:     a wikilink without label or anchor to exactly one other note whose title it
//               does not say (letters and digits compared, case aside): [[21-3d7]] to "The slip
//               box…", after which editors show the title as an inlay hint
//               { file, line, text, target, targetFile, title }, or null
//   unlinked:   the note that other notes name most often in prose without linking to it (by
//               title, alias or file name, not "index"; whole words, case aside, ' ', '-' and
//               '_' alike, but not '_' beside a space, an emphasis mark), and where:
//               { file, mentions: [{ file, line }] } in path and text order, or null. In a
//               garden of over 2,000 notes, the one named most often among the 50 whose names'
//               words the most notes hold.
//   tokens:     a note with a wikilink that resolves to exactly one note and a broken one
//               (link and broken when they are in one note, else two near each other and in
//               the first 95 columns of their lines, which VS Code does not wrap):
//               { file, resolved, broken }, each link as link's and broken's, or null
//   anyHeading: a plain heading that no other heading of the garden says (case and spaces
//               aside), in a note other than link's and its target: headingLink's when it is so
//               { targetFile, heading, headingLine }, or null
//   callout:    a callout ("> [!type] Title" after a blank line, outside code, its last "> " line
//               followed by a blank line or the end; in a garden without one, a quote so) in a
//               note other than link's, its target and
//               headingLink's target, that a link names by its file name alone; a block reference
//               names it whole: { targetFile, target (that name), title (its first line without
//               "> ", its first 60 characters at most, whole words), line, lastLine (of its first
//               and last lines) }, or null
//   notes:      how many notes the garden has
//
// Any of them can be forced with env vars: E2E_LINK_FILE + E2E_LINK_TARGET (the first
// wikilink to that target in that file), E2E_BROKEN_FILE, E2E_HEADING_LINK_FILE (the first
// suitable heading link in that file). The script exits non-zero with a message when the
// garden has no suitable broken link or link.
import fs from 'node:fs';
import path from 'node:path';

const garden = path.resolve(process.argv[2] ?? '');
if (!process.argv[2] || !fs.existsSync(garden)) {
  console.error(`pick-targets: no garden folder: ${process.argv[2] ?? '(none given)'}`);
  process.exit(2);
}

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && e.name.toLowerCase().endsWith('.md')) out.push(p);
  }
  return out;
}

/** Minimal frontmatter reader: top-level `key: scalar` and folded/literal blocks. */
function frontmatter(text) {
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(\r?\n|$)/.exec(text);
  if (!m) return { fields: {}, bodyStart: 0 };
  const fields = {};
  const lines = m[1].split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const kv = /^([A-Za-z_][\w-]*):[ \t]*(.*)$/.exec(lines[i]);
    if (!kv) continue;
    let value = kv[2].trim();
    if (/^[>|][+-]?$/.test(value)) {
      const parts = [];
      while (i + 1 < lines.length && (/^\s+\S/.test(lines[i + 1]) || lines[i + 1].trim() === '')) {
        parts.push(lines[++i].trim());
      }
      value = parts.join(' ').trim();
    } else if (/^".*"$/.test(value) || /^'.*'$/.test(value)) {
      value = value.slice(1, -1);
    }
    fields[kv[1]] = value;
  }
  return { fields, bodyStart: m[0].length };
}

/**
 * Blanks fenced code, indented in lists too: a fence closes at a line of at least as many of its
 * character and nothing else, so that ```` holds ``` (a fence shown inside another); one left
 * open runs to the end.
 */
function blankFences(body) {
  const lines = body.split('\n');
  let open = null; // the opening run, while in a fence
  for (let i = 0; i < lines.length; i++) {
    const run = /^[ \t]*(`{3,}|~{3,})/.exec(lines[i])?.[1];
    if (open === null) {
      if (run && !(run[0] === '`' && lines[i].slice(lines[i].indexOf(run) + run.length).includes('`'))) {
        open = run;
        lines[i] = lines[i].replace(/[^\n]/g, ' ');
      }
      continue;
    }
    if (run && run[0] === open[0] && run.length >= open.length && /^[ \t]*[`~]+[ \t]*\r?$/.test(lines[i])) open = null;
    lines[i] = lines[i].replace(/[^\n]/g, ' ');
  }
  return lines.join('\n');
}

/** Blanks what is not prose (code, comments, math) keeping offsets, so links there are skipped. */
function proseOnly(body) {
  const blank = (s) => s.replace(/[^\n]/g, ' ');
  // Code spans before math: "`$$`" in prose is code, not the start of a block of math.
  return blankFences(body)
    .replace(/`[^`\n]*`/g, blank)
    .replace(/%%[\s\S]*?%%/g, blank)
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/\$\$[\s\S]*?\$\$/g, blank);
}

/**
 * A note's first paragraph, its lines joined, when it is the body's first block after any
 * headings and plain where a check reads it (its first 60 characters without markup); '' when
 * the body starts otherwise (a list, a quote, a table, HTML), which the server reads its own way.
 */
function leadOf(body) {
  const lines = body.split(/\r?\n/);
  let i = 0;
  while (i < lines.length && (lines[i].trim() === '' || /^ {0,3}#{1,6}(\s|$)/.test(lines[i]))) i++;
  if (i >= lines.length || !/^\p{L}/u.test(lines[i]) || /^ {0,3}(=+|-+)\s*$/.test(lines[i + 1] ?? '')) return '';
  const para = [];
  for (; i < lines.length && lines[i].trim() !== ''; i++) para.push(lines[i].trim());
  const lead = para.join(' ');
  return /^[\p{L}\p{N}\s,.;:'"()?!\-–—/]+$/u.test(lead.slice(0, 60)) ? lead : '';
}

const norm = (s) => s.normalize('NFC').toLowerCase();
const noExt = (p) => p.replace(/\.md$/i, '');

const notes = walk(garden)
  .sort()
  .map((abs) => {
    const text = fs.readFileSync(abs, 'utf8');
    const rel = path.relative(garden, abs).split(path.sep).join('/');
    const fm = frontmatter(text);
    // The first H1 outside code: a "# comment" in a fenced YAML example is not a heading.
    const h1 = /^#[ \t]+(.+)$/m.exec(proseOnly(text.slice(fm.bodyStart)));
    return {
      abs,
      rel,
      text,
      bodyStart: fm.bodyStart,
      title: fm.fields.title || (h1 ? h1[1].trim() : path.basename(rel, '.md')),
      // Without a description the server describes a note by its lead, its first paragraph.
      description: fm.fields.description || leadOf(proseOnly(text.slice(fm.bodyStart))),
      aliases: fm.fields.aliases || '',
    };
  });

// Each note under every suffix of its path at a '/' ("a/b/c", "b/c", "c"), without ".md", folded:
// a look-up instead of a scan of every note for each link (a generated vault has 300,000 links).
const bySuffix = new Map();
for (const n of notes) {
  const p = norm(noExt(n.rel));
  for (let i = 0; i >= 0; i = p.indexOf('/', i) + 1 || -1) {
    const k = p.slice(i);
    if (!bySuffix.has(k)) bySuffix.set(k, []);
    bySuffix.get(k).push(n);
  }
}
const titles = new Set(notes.map((n) => norm(n.title)));
const aliased = notes.filter((n) => n.aliases).map((n) => norm(n.aliases));

/** Notes a wikilink target could mean under any profile (path, path suffix, basename). */
function candidates(target) {
  return bySuffix.get(norm(noExt(target.replace(/^\.?\//, '')))) ?? [];
}

/** Could the target mean anything at all (a title, an alias, a non-markdown file)? */
function mightResolve(target) {
  const t = norm(target.trim());
  if (!t) return true;
  if (candidates(target).length > 0) return true;
  if (titles.has(t) || aliased.some((a) => a.includes(t))) return true;
  if (/\.[a-z0-9]{1,5}$/i.test(target) && !/\.md$/i.test(target)) return true; // attachment
  return bySuffix.has(norm(path.basename(noExt(target))));
}

const utf16Len = (s) => s.length;
const byteLen = (s) => Buffer.byteLength(s, 'utf8');

function* wikilinks(note) {
  const body = proseOnly(note.text.slice(note.bodyStart));
  const re = /(!?)\[\[([^\]\n]+?)\]\]/g;
  let m;
  while ((m = re.exec(body))) {
    if (m[1] === '!') continue; // embeds
    const inner = m[2];
    if (inner.includes('\\')) continue; // `\|` in tables: leave to the server's own tests
    const target = inner.split('|')[0].split('#')[0].trim();
    if (!target) continue; // [[#Heading]]
    const offset = note.bodyStart + m.index;
    const before = note.text.slice(0, offset);
    const line = before.split('\n').length - 1;
    const lineStart = before.lastIndexOf('\n') + 1;
    // Cursor: on the second character of the target text.
    const targetStart = offset + 2 + inner.indexOf(target);
    const cursor = targetStart + Math.min(1, target.length - 1);
    const prefix = note.text.slice(lineStart, cursor);
    yield {
      file: note.rel,
      line,
      colUtf16: utf16Len(prefix),
      colByte: byteLen(prefix),
      target,
      text: m[0],
      // For headingLink only: stripped from broken and link below.
      inner,
      innerStart: offset + 2,
      lineStart,
    };
  }
}

/** The ATX and setext headings of a note outside code: { line, text } with text as written. */
function headings(note) {
  const body = proseOnly(note.text.slice(note.bodyStart));
  const first = note.text.slice(0, note.bodyStart).split('\n').length - 1;
  const lines = body.split('\n');
  const src = note.text.slice(note.bodyStart).split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    const atx = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(l);
    if (atx && atx[1].trim()) {
      out.push({ line: first + i, text: src[i].replace(/\r$/, '').replace(/^ {0,3}#{1,6}[ \t]+/, '').replace(/(?:[ \t]+#+)?[ \t]*$/, '') });
    } else if (i + 1 < lines.length && l.trim() && !/^ {0,3}([-*_])/.test(l) && /^ {0,3}(=+|-+)[ \t]*\r?$/.test(lines[i + 1]) &&
      (i === 0 || !lines[i - 1].trim())) {
      out.push({ line: first + i, text: src[i].replace(/\r$/, '').trim() });
    }
  }
  return out;
}

/** Folds a heading's text or an anchor the way Obsidian compares them: case and runs of spaces. */
const foldHeading = (s) => norm(s.trim().split(/\s+/).join(' '));

/** Text a wikilink anchor and a heading can both say without markup or escaping in the way. */
const plainHeading = (s) => /^[\p{L}\p{N}][\p{L}\p{N} ,.'?!()\-]*$/u.test(s) && s.length <= 80;

/** A wikilink with one #anchor naming a heading, or null. */
function headingAnchor(l) {
  const dest = l.inner.split('|')[0];
  const parts = dest.split('#');
  if (parts.length !== 2) return null; // no anchor, or [[A#B#C]]
  const anchor = parts[1].trim();
  if (!anchor || anchor.startsWith('^') || !plainHeading(anchor)) return null;
  return { anchor, anchorStart: l.innerStart + parts[0].length + 1 + (parts[1].length - parts[1].trimStart().length) };
}

/** A heading's GitHub slug, as the server makes it (workspace.Slug). */
const slug = (text) => [...text.toLowerCase()].map((c) => (c === ' ' ? '-' : /[\p{L}\p{Nd}\p{Mn}\p{Mc}\p{Pc}-]/u.test(c) ? c : '')).join('');

/** The links of note to heading (its text as written) of the note at targetRel: { file, line, text, style }. */
function linksToHeading(note, targetRel, heading) {
  const body = proseOnly(note.text.slice(note.bodyStart));
  const out = [];
  const at = (index, text, style) => {
    const line = note.text.slice(0, note.bodyStart + index).split('\n').length - 1;
    out.push({ file: note.rel, line, text, style });
  };
  let m;
  const wiki = /!?\[\[([^\]\n]+?)\]\]/g;
  while ((m = wiki.exec(body))) {
    if (m[1].includes('\\')) continue;
    const parts = m[1].split('|')[0].split('#');
    if (parts.length !== 2 || foldHeading(parts[1]) !== foldHeading(heading)) continue;
    const target = parts[0].trim();
    const c = target ? candidates(target) : [note];
    if (c.length === 1 && c[0].rel === targetRel) at(m.index, m[0], 'wikilink');
  }
  // Markdown links by the heading's slug; and link reference definitions, which Foam writes for
  // its wikilinks ("[templates#Metadata]: templates.md#Metadata"), by its slug or its text.
  const md = /(!?)\[[^\]\n]*\]\(([^()\s<>]+)\)|^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s<>]+)>?/gm;
  while ((m = md.exec(body))) {
    const def = m[3] !== undefined;
    const dest = def ? m[3] : m[2];
    if (m[1] === '!' || /^[a-z][a-z0-9+.-]*:/i.test(dest)) continue; // images, web links
    const parts = dest.split('#');
    if (parts.length !== 2 || !(parts[1] === slug(heading) || (def && foldHeading(parts[1]) === foldHeading(heading)))) continue;
    let p;
    try { p = decodeURIComponent(parts[0]); } catch { continue; }
    const dir = path.posix.dirname(note.rel);
    const ways = p ? [path.posix.normalize(path.posix.join(dir, p)), path.posix.normalize(p.replace(/^\//, ''))] : [note.rel];
    if (ways.some((w) => w === targetRel || w + '.md' === targetRel)) at(m.index, m[0], def ? 'definition' : 'markdown');
  }
  return out.sort((a, b) => a.line - b.line);
}

const plainDescription = (d) => d.length >= 12 && /^[\p{L}\p{N}\s,.;:'"()?!\-–—/]+$/u.test(d) && !/^["']|\s{2}/.test(d);

let broken;
let link;
let headingLink;
let idLink;
/** A name's letters and digits, folded: what an inlay hint's title must differ from. */
const letters = (s) => norm(s).replace(/[^\p{L}\p{N}]/gu, '');
const forcedLinkFile = process.env.E2E_LINK_FILE;
const forcedLinkTarget = process.env.E2E_LINK_TARGET;
const forcedBroken = process.env.E2E_BROKEN_FILE;
const forcedHeadingFile = process.env.E2E_HEADING_LINK_FILE;
const strip = ({ inner, innerStart, lineStart, ...l }) => l;

for (const note of notes) {
  for (const full of wikilinks(note)) {
    const l = strip(full);
    if (!headingLink && (!forcedHeadingFile || forcedHeadingFile === note.rel)) {
      const a = headingAnchor(full);
      const c = a ? candidates(l.target) : [];
      const hs = c.length === 1 && c[0].rel !== note.rel
        ? headings(c[0]).filter((h) => foldHeading(h.text) === foldHeading(a.anchor)) : [];
      if (hs.length === 1 && plainHeading(hs[0].text) &&
        headings(c[0]).filter((h) => slug(h.text) === slug(hs[0].text)).length === 1) {
        const cursor = a.anchorStart + Math.min(1, a.anchor.length - 1);
        const prefix = note.text.slice(full.lineStart, cursor);
        headingLink = {
          ...l,
          colUtf16: utf16Len(prefix),
          colByte: byteLen(prefix),
          anchor: a.anchor,
          targetFile: c[0].rel,
          heading: hs[0].text,
          headingLine: hs[0].line,
        };
      }
    }
    if (!idLink && !full.inner.includes('|') && !full.inner.includes('#')) {
      const c = candidates(l.target);
      const base = path.posix.basename(l.target);
      if (c.length === 1 && c[0].rel !== note.rel && letters(c[0].title) !== letters(l.target) && letters(c[0].title) !== letters(base)) {
        idLink = { file: l.file, line: l.line, text: l.text, target: l.target, targetFile: c[0].rel, title: c[0].title };
      }
    }
    if (!broken && (!forcedBroken || forcedBroken === note.rel) && !mightResolve(l.target)) {
      broken = l;
    }
    // A link with a #heading or #^block hovers that section, not the note's description.
    if (!link && !l.text.includes('#')) {
      if (forcedLinkFile && (forcedLinkFile !== note.rel || (forcedLinkTarget && forcedLinkTarget !== l.target))) continue;
      const c = candidates(l.target);
      if (c.length !== 1 || c[0].rel === note.rel) continue;
      if (!forcedLinkFile && !plainDescription(c[0].description)) continue;
      // The title must not be ambiguous either, for the completion check.
      if (notes.filter((n) => norm(n.title) === norm(c[0].title)).length !== 1) continue;
      link = { ...l, targetFile: c[0].rel, title: c[0].title, description: c[0].description };
    }
  }
}

/** A note's aliases from its frontmatter, written as a flow list, a block list or one scalar. */
function aliasesOf(note) {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(note.text);
  if (!m) return [];
  const lines = m[1].split(/\r?\n/);
  const at = lines.findIndex((l) => /^aliases:/.test(l));
  if (at < 0) return [];
  const value = lines[at].replace(/^aliases:\s*/, '').trim();
  const unquote = (v) => v.trim().replace(/^["']|["']$/g, '');
  if (value.startsWith('[')) return value.slice(1, -1).split(',').map(unquote).filter(Boolean);
  if (value) return [unquote(value)];
  const out = [];
  for (let i = at + 1; i < lines.length && /^\s*-\s/.test(lines[i]); i++) out.push(unquote(lines[i].replace(/^\s*-\s/, '')));
  return out;
}

const wordsOf = (s) => s.split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean);

// Each note's prose without links and tags, where mentions are looked for, and the notes by the
// words their prose holds: a name is looked for only in the notes that hold its first word.
// What is taken out is blanked with a character that neither a word nor the space between a
// name's words is, as are emphasis marks: a name written across a link, an embed, a tag or an
// emphasis mark ("layered ![[x.png]] constraint", "_abstract_ abstract") is not a mention, since
// the server takes only a phrase within one run of prose. '_' inside a word is not a mark.
const breakAll = (s) => s.replace(/[^\n]/g, '\x01');
const mentionProse = new Map();
const byWord = new Map();
for (const note of notes) {
  const body = proseOnly(note.text.slice(note.bodyStart))
    .replace(/^ {0,3}\[[^\]\n]+\]:[^\n]*$/gm, breakAll) // link reference definitions
    .replace(/!?\[\[[^\]\n]*\]\]/g, breakAll)
    .replace(/!?\[[^\]\n]*\]\([^)\n]*\)/g, breakAll)
    .replace(/(^|\s)#[\p{L}\p{N}_/-]+/gu, breakAll)
    .replace(/\*+|(?<![\p{L}\p{N}\p{M}])_+|_+(?![\p{L}\p{N}\p{M}])/gu, breakAll);
  mentionProse.set(note, body);
  for (const w of new Set(wordsOf(body.toLowerCase()))) {
    if (!byWord.has(w)) byWord.set(w, new Set());
    byWord.get(w).add(note);
  }
}

/** The 0-based line of offset in note's text (its line starts found once). */
function lineAt(note, offset) {
  if (!note.lineStarts) {
    note.lineStarts = [0];
    for (let i = note.text.indexOf('\n'); i >= 0; i = note.text.indexOf('\n', i + 1)) note.lineStarts.push(i + 1);
  }
  let lo = 0;
  let hi = note.lineStarts.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (note.lineStarts[mid] <= offset) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A note's names as words, the longest first: its title, aliases and file name (not "index"). */
function namesOf(target) {
  const stem = path.posix.basename(noExt(target.rel));
  // An alias that starts with '#' names a heading in a link, never a note: not a name.
  const aliases = aliasesOf(target).filter((a) => !a.startsWith('#'));
  return [target.title, ...aliases, ...(stem.toLowerCase() === 'index' ? [] : [stem])]
    .map(wordsOf)
    .filter((w) => w.length)
    .sort((a, b) => b.length - a.length);
}

/** The notes whose prose holds every word of one of names: the only ones that can mention it. */
function holdersOf(names) {
  const holders = new Set();
  for (const words of names) {
    const sets = words.map((w) => byWord.get(w.toLowerCase()) ?? new Set());
    const rarest = sets.reduce((a, b) => (b.size < a.size ? b : a));
    for (const n of rarest) if (sets.every((s) => s.has(n))) holders.add(n);
  }
  return holders;
}

/** Where other notes write note's names in prose, outside links and tags: [{ file, line }]. */
function unlinkedMentionsOf(target) {
  const names = namesOf(target);
  const esc = (w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const res = names.map((words) => new RegExp(`(?<![\\p{L}\\p{N}\\p{M}])${words.map(esc).join('(?:[ -]+|[_-]+)')}(?![\\p{L}\\p{N}\\p{M}])`, 'giu'));
  const holders = holdersOf(names);
  const out = [];
  for (const note of notes) {
    if (note === target || !holders.has(note)) continue;
    const body = mentionProse.get(note);
    const taken = [];
    for (const re of res) {
      for (const m of body.matchAll(re)) {
        const [a, b] = [m.index, m.index + m[0].length];
        if (taken.some(([x, y]) => a < y && b > x)) continue;
        taken.push([a, b]);
      }
    }
    for (const [a] of taken.sort((x, y) => x[0] - y[0])) {
      out.push({ file: note.rel, line: lineAt(note, note.bodyStart + a) });
    }
  }
  return out;
}

// In a large garden (a generated one), only the notes whose names the most notes' words hold are
// counted exactly: counting every note's mentions in every other note is quadratic. Which notes
// those are is found in two steps: the 200 likeliest by how many notes hold each name's rarest
// word (a bound, found at once), then the 50 of them that most notes hold every word of a name of
// (intersecting the words' notes for all 50,000 notes of a vault took six minutes).
const mostHeld = (pool, k, count) => pool.map((n) => [n, count(namesOf(n))]).sort((a, b) => b[1] - a[1]).slice(0, k).map(([n]) => n);
const rarestHeld = (names) => names.reduce((sum, words) => sum + Math.min(...words.map((w) => byWord.get(w.toLowerCase())?.size ?? 0)), 0);
const unlinkedPool = notes.length <= 2000 ? notes
  : mostHeld(mostHeld(notes, 200, rarestHeld), 50, (names) => holdersOf(names).size);
// A name inside another note's longer name ("note" in "Note Embeds") is left out: where the
// longer one is written, the server takes the longest phrase that names a note, which this
// count does not follow.
const allNames = notes.map((n) => [n, namesOf(n).map((w) => ` ${w.join(' ').toLowerCase()} `)]);
const inLongerName = (note) => namesOf(note).some((w) => {
  const name = ` ${w.join(' ').toLowerCase()} `;
  return allNames.some(([other, names]) => other !== note && names.some((o) => o.length > name.length && o.includes(name)));
});
let unlinked = null;
for (const note of unlinkedPool) {
  if (inLongerName(note)) continue;
  const mentions = unlinkedMentionsOf(note);
  if (mentions.length > (unlinked?.mentions.length ?? 0)) unlinked = { file: note.rel, mentions };
}

if (headingLink) {
  headingLink.links = [];
  for (const note of notes) headingLink.links.push(...linksToHeading(note, headingLink.targetFile, headingLink.heading));
} else {
  console.error(`pick-targets: ${garden}: note: no wikilink [[Note#Heading]] to a heading of exactly one other note (headingLink is null)`);
}

// A resolved and a broken wikilink in one note, for the semantic tokens' colours: link and
// broken when they share their note, else the first note that holds two in the first 95
// columns of their lines.
let tokens = null;
if (link && broken && link.file === broken.file) {
  tokens = { file: link.file, resolved: link, broken };
} else {
  for (const note of link ? [notes.find((n) => n.rel === link.file), ...notes] : notes) {
    // The nearest two, both in sight in the editor.
    const resolved = [];
    const bad = [];
    for (const full of wikilinks(note)) {
      const l = strip(full);
      // Near the start of its line: VS Code wraps long lines, and a link cut by the wrap
      // is two spans.
      if (l.text.startsWith('!') || l.colUtf16 + utf16Len(l.text) > 95) continue;
      if (!l.text.includes('#') && candidates(l.target).length === 1) resolved.push(l);
      else if (!mightResolve(l.target)) bad.push(l);
    }
    let best = null;
    for (const r of resolved) {
      for (const b of bad) {
        if (r.target !== b.target && (!best || Math.abs(r.line - b.line) < Math.abs(best.resolved.line - best.broken.line))) best = { resolved: r, broken: b };
      }
    }
    if (best && Math.abs(best.resolved.line - best.broken.line) <= 15) {
      tokens = { file: note.rel, ...best };
      break;
    }
  }
}

// A heading no other heading of the vault says (case and spaces aside), for "[[##" (a search
// of every note's headings): headingLink's when it is, else the first plain one in a note
// other than link's target.
let anyHeading = null;
{
  const seen = new Map();
  const all = [];
  for (const note of notes) {
    for (const h of headings(note)) {
      const k = foldHeading(h.text);
      seen.set(k, (seen.get(k) ?? 0) + 1);
      all.push({ targetFile: note.rel, heading: h.text, headingLine: h.line });
    }
  }
  // Not in link's note either, where 4b2 types: there the server writes [[#Heading]].
  const unique = (h) => plainHeading(h.heading) && seen.get(foldHeading(h.heading)) === 1 &&
    h.targetFile !== link?.targetFile && h.targetFile !== link?.file;
  if (headingLink && unique(headingLink)) {
    anyHeading = { targetFile: headingLink.targetFile, heading: headingLink.heading, headingLine: headingLink.headingLine };
  } else {
    anyHeading = all.find(unique) ?? null;
  }
}

// A callout a block reference names whole, in a note no other step edits; in a garden without
// one (Foam's), a plain quote, which is one block the same way.
let callout = null;
for (const quote of [/^> (\[![\w-]+\][+-]?[ \t]+\S.*)$/, /^> (\S.*)$/]) {
  for (const note of notes) {
    if (callout) break;
    if ([link?.file, link?.targetFile, headingLink?.targetFile].includes(note.rel)) continue;
    const target = path.basename(note.rel, '.md');
    if (candidates(target).length !== 1) continue;
    const first = note.text.slice(0, note.bodyStart).split('\n').length - 1;
    const lines = proseOnly(note.text.slice(note.bodyStart)).split('\n').map((l) => l.replace(/\r$/, ''));
    for (let i = 0; i < lines.length && !callout; i++) {
      const m = quote.exec(lines[i]);
      if (!m || (i > 0 && lines[i - 1].trim() !== '')) continue;
      let last = i;
      while (last + 1 < lines.length && lines[last + 1].startsWith('>')) last++;
      if (last + 1 < lines.length && lines[last + 1].trim() !== '') continue; // a lazy line, or a block right after
      // Items are labelled by a block's first line, cut short past 80 characters: the title is its
      // start, whole words, up to 60.
      const title = m[1].trim().replace(/\s+/g, ' ');
      const short = title.length <= 60 ? title : title.slice(0, 61).replace(/\s+\S*$/, '');
      callout = { targetFile: note.rel, target, title: short, line: first + i, lastLine: first + last };
    }
  }
}

const problems = [];
if (!broken) problems.push('no broken wikilink found (a [[target]] that matches no note path, name, title or alias)');
if (!link) problems.push('no wikilink found that resolves to exactly one other note with a plain frontmatter description');
if (problems.length) {
  console.error(`pick-targets: ${garden}: ${problems.join('; ')}`);
  process.exit(1);
}

process.stdout.write(
  JSON.stringify(
    {
      garden,
      notes: notes.length,
      broken,
      link,
      completion: { title: link.title, file: link.targetFile },
      headingLink: headingLink ?? null,
      idLink: idLink ?? null,
      tokens,
      anyHeading,
      unlinked,
      callout,
    },
    null,
    2,
  ) + '\n',
);
