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
//   notes:      how many notes the garden has
//
// Any of them can be forced with env vars: E2E_LINK_FILE + E2E_LINK_TARGET (the first
// wikilink to that target in that file), E2E_BROKEN_FILE. The script exits non-zero
// with a message when the garden has no suitable link.
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

/** Blanks what is not prose (code, comments, math) keeping offsets, so links there are skipped. */
function proseOnly(body) {
  const blank = (s) => s.replace(/[^\n]/g, ' ');
  return body
    .replace(/^(```|~~~)[\s\S]*?^\1[^\n]*$/gm, blank)
    .replace(/%%[\s\S]*?%%/g, blank)
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/\$\$[\s\S]*?\$\$/g, blank)
    .replace(/`[^`\n]*`/g, blank);
}

const norm = (s) => s.normalize('NFC').toLowerCase();
const noExt = (p) => p.replace(/\.md$/i, '');

const notes = walk(garden)
  .sort()
  .map((abs) => {
    const text = fs.readFileSync(abs, 'utf8');
    const rel = path.relative(garden, abs).split(path.sep).join('/');
    const fm = frontmatter(text);
    const h1 = /^#[ \t]+(.+)$/m.exec(text.slice(fm.bodyStart));
    return {
      abs,
      rel,
      text,
      bodyStart: fm.bodyStart,
      title: fm.fields.title || (h1 ? h1[1].trim() : path.basename(rel, '.md')),
      description: fm.fields.description || '',
      aliases: fm.fields.aliases || '',
    };
  });

/** Notes a wikilink target could mean under any profile (path, path suffix, basename). */
function candidates(target) {
  const t = norm(noExt(target.replace(/^\.?\//, '')));
  return notes.filter((n) => {
    const p = norm(noExt(n.rel));
    return p === t || p.endsWith('/' + t);
  });
}

/** Could the target mean anything at all (a title, an alias, a non-markdown file)? */
function mightResolve(target) {
  const t = norm(target.trim());
  if (!t) return true;
  if (candidates(target).length > 0) return true;
  if (notes.some((n) => norm(n.title) === t || norm(n.aliases).includes(t))) return true;
  if (/\.[a-z0-9]{1,5}$/i.test(target) && !/\.md$/i.test(target)) return true; // attachment
  const base = norm(path.basename(noExt(target)));
  return notes.some((n) => norm(path.basename(noExt(n.rel))) === base);
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
    };
  }
}

const plainDescription = (d) => d.length >= 12 && /^[\p{L}\p{N}\s,.;:'"()?!\-–—/]+$/u.test(d) && !/^["']|\s{2}/.test(d);

let broken;
let link;
const forcedLinkFile = process.env.E2E_LINK_FILE;
const forcedLinkTarget = process.env.E2E_LINK_TARGET;
const forcedBroken = process.env.E2E_BROKEN_FILE;

for (const note of notes) {
  for (const l of wikilinks(note)) {
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
    },
    null,
    2,
  ) + '\n',
);
