#!/usr/bin/env node
// Checks what test.lua recorded: node check.mjs targets.json results.json [nvim-output]
import fs from 'node:fs';
import path from 'node:path';

const [targetsFile, resultsFile, outputFile] = process.argv.slice(2);
const t = JSON.parse(fs.readFileSync(targetsFile, 'utf8'));
let r;
try {
  r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
} catch (err) {
  console.error(`FAIL: no results from Neovim (${resultsFile}): ${err.message}`);
  process.exit(1);
}

const garden = r.garden;
const real = (p) => {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
};
const uriToPath = (u) => real(decodeURIComponent(new URL(u).pathname));
const squash = (s) => String(s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();

function hoverText(h) {
  if (!h) return '';
  const c = h.contents;
  const one = (x) => (typeof x === 'string' ? x : x?.value ?? '');
  return Array.isArray(c) ? c.map(one).join('\n') : one(c);
}

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}\n     ${detail}`);
  }
}

const branch = r.has_vim_lsp_start ? 'vim.lsp.start' : r.polyfilled_start ? 'vim.lsp.start (polyfilled like 0.8)' : 'start_client + buf_attach_client (0.7)';
console.log(`Neovim ${r.nvim}, plugin path: ${branch}; garden ${garden}`);
for (const s of r.steps ?? []) console.log(`     step ${s.name}: ${s.ok ? 'ok' : 'error'} (${s.ms} ms)`);
for (const e of r.errors ?? []) console.log(`     error: ${e}`);

check('plugin started a client', !!r.client, 'no rhizome client attached');
const ids = Object.keys(r.client_ids ?? {});
check('one client serves every note of the vault (reused)', ids.length === 1, `client ids seen: ${JSON.stringify(ids)}`);
check(
  'client root is the vault root (found from the root markers)',
  r.client && real(r.client.root_dir) === real(garden),
  `root_dir ${r.client?.root_dir}, expected ${garden}`,
);

// Diagnostics: ours (source "rhizome") on the broken link's line.
const brokenPath = real(path.join(garden, t.broken.file));
const forBroken = (r.diagnostics ?? []).filter((d) => uriToPath(d.uri) === brokenPath);
const ours = forBroken.flatMap((d) => d.diagnostics ?? []).filter((d) => d.source === 'rhizome');
check(
  `publishDiagnostics for ${t.broken.file} has a diagnostic with source "rhizome"`,
  ours.length > 0,
  `received for that file: ${JSON.stringify(forBroken).slice(0, 800)}`,
);
check(
  `a rhizome diagnostic on line ${t.broken.line + 1} (the broken link ${t.broken.text})`,
  ours.some((d) => d.range.start.line <= t.broken.line && d.range.end.line >= t.broken.line),
  `rhizome diagnostics: ${JSON.stringify(ours).slice(0, 800)}`,
);
check(
  'Neovim stored the diagnostics for the buffer (vim.diagnostic.get)',
  Array.isArray(r.buffer_diagnostics) && r.buffer_diagnostics.length > 0,
  `vim.diagnostic.get returned ${JSON.stringify(r.buffer_diagnostics)}`,
);

// Hover: the target note's description.
const want = squash(t.link.description).slice(0, 60);
const got = squash(hoverText(r.hover));
check(
  `hover on ${t.link.text} in ${t.link.file} shows ${t.link.targetFile}'s description`,
  got.includes(want),
  `wanted "${want}" in hover: ${JSON.stringify(r.hover)?.slice(0, 800)}`,
);

// Definition: the target note.
const targetPath = real(path.join(garden, t.link.targetFile));
check(
  `definition of ${t.link.text} is ${t.link.targetFile}`,
  r.definition_file && real(r.definition_file) === targetPath,
  `definition result: ${JSON.stringify(r.definition)?.slice(0, 500)}`,
);
check(
  'jumping to the definition opens that file',
  r.after_jump_buffer && real(r.after_jump_buffer) === targetPath,
  `current buffer after jump: ${r.after_jump_buffer}`,
);

// Completion after `[[`: the known note title; or, when the list is cut short (a vault larger
// than the list), after its first letters, as many as the list needs, as the editor asks again.
const items = r.completion?.items ?? [];
const title = squash(t.completion.title);
const hit = items.find((i) => squash(i.label) === title) ?? items.find((i) => squash(i.label).includes(title));
const typedHit = r.completion?.is_incomplete && (r.completion?.typed_labels ?? []).some((l) => squash(l) === title);
check(
  `completion after [[ offers the note title "${t.completion.title}"${hit ? '' : `, after "${r.completion?.typed ?? ''}" (the list after [[ is cut short)`}`,
  !!hit || !!typedHit,
  `${items.length} items${r.completion?.is_incomplete ? ' (incomplete)' : ''}, labels: ${JSON.stringify(items.slice(0, 40).map((i) => i.label))}; after ${JSON.stringify(r.completion?.typed)}: ${JSON.stringify((r.completion?.typed_labels ?? []).slice(0, 40))}`,
);

// The block reference: the item for the paragraph, accepted with <C-y>, wrote [[Note#^id]]; the
// plugin ran its command on CompleteDone, and the server had Neovim add " ^id" to the paragraph.
{
  const b = r.block_ref ?? {};
  const h = t.headingLink ?? {};
  const m = /^\[\[(.+)#\^([a-z0-9]{6})\]\]$/.exec(b.link_line ?? '');
  check(
    `"${b.typed}" offers the paragraph of ${b.file}:${(b.line ?? -1) + 1}; accepted in insert mode, it writes [[${h.target}#^id]] and the paragraph gets " ^id" (the item's command, run on CompleteDone)`,
    !!m && m[1] === h.target && b.after === `${b.before} ^${m[2]}`,
    `item ${JSON.stringify(b.item?.label)} with command ${JSON.stringify(b.item?.command?.command)}; link line ${JSON.stringify(b.link_line)}; paragraph after ${JSON.stringify(b.after)}`,
  );
}

// The block id renamed from the link's anchor: the link and the paragraph follow.
{
  const b = r.block_ref ?? {};
  const id = /#\^([a-z0-9]{6})\]\]$/.exec(b.link_line ?? '')?.[1];
  check(
    `renaming the new id from the link (vim.lsp.buf.rename) rewrites the link and the paragraph's ^id`,
    !!id && b.renamed_link === b.link_line.replace(`#^${id}]]`, '#^renamed-block]]') && b.renamed_paragraph === `${b.after.slice(0, -id.length - 1)}^renamed-block`,
    `definition went to line ${b.definition_line} (want ${b.line}); link ${JSON.stringify(b.renamed_link)}; paragraph ${JSON.stringify(b.renamed_paragraph)}`,
  );
}

// "[[^^" and the paragraph's first words: every note's blocks searched, the paragraph offered by its
// text and linked by its id (without the note's name when it is the note typed in).
{
  const a = r.block_ref?.any ?? {};
  const own = r.block_ref?.file === t.link.file;
  check(
    `"${a.typed}" (every note's blocks) offers the renamed paragraph, linked as [[${own ? '' : '…'}#^renamed-block]]`,
    (own ? /^#\^renamed-block\]\]$/ : /^[^#]+#\^renamed-block\]\]$/).test(a.new_text ?? ''),
    `after ${a.asks} asks (last list ${a.incomplete ? 'incomplete' : 'complete'}): item ${JSON.stringify(a.label)} writes ${JSON.stringify(a.new_text)}; labels ${JSON.stringify((a.labels ?? []).slice(0, 20))}`,
  );
}

// A callout named by a block reference: offered whole by its first line, and its id written on a
// line of its own after it, a blank line between (the line after that blank or the end).
{
  const c = r.callout ?? {};
  const k = t.callout ?? {};
  const m = /^\[\[(.+)#\^([a-z0-9]{6})\]\]$/.exec(c.link_line ?? '');
  const after = c.after ?? [];
  check(
    `"${c.typed}" offers the callout of ${k.targetFile}:${(k.line ?? -1) + 1} whole ("${k.title}"); accepted, it writes [[${k.target}#^id]] and the id goes on a line of its own after the callout`,
    !!m && m[1] === k.target && after[0]?.startsWith('>') && after[1] === '' && after[2] === `^${m[2]}` && (after[3] ?? '') === '',
    `labels ${JSON.stringify((c.labels ?? []).slice(0, 20))}; link line ${JSON.stringify(c.link_line)}; lines from the callout's last: ${JSON.stringify(after)}`,
  );
  check(
    `definition on that link is the callout whole, lines ${(k.line ?? -1) + 1}-${(k.lastLine ?? -1) + 3} of ${k.targetFile}, and jumps to its first line`,
    c.definition?.[0] === k.line && c.definition?.[1] === k.lastLine + 2 &&
      c.jumped?.line === k.line && real(c.jumped?.file ?? '') === real(path.join(garden, k.targetFile)),
    `definition lines ${JSON.stringify(c.definition)}; after the jump ${JSON.stringify(c.jumped)}`,
  );
}

// Frontmatter completion: the garden's keys and publish's values, counted here from its files. A
// header whose top-level value holds an unquoted ": " is broken YAML (the commonest real mistake,
// planted in the garden): its note counts nothing, as the server reports it.
const fm = r.frontmatter ?? {};
const keyNotes = new Map();
const publishNotes = new Map();
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.md')) {
      const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(\r?\n|$)/.exec(fs.readFileSync(p, 'utf8'));
      if (!m) continue;
      const fields = new Map();
      let broken = false;
      for (const line of m[1].split(/\r?\n/)) {
        const kv = /^([A-Za-z_][\w-]*):(?:[ \t]+(.*))?$/.exec(line);
        if (!kv) continue;
        const value = (kv[2] ?? '').replace(/\s+#.*$/, '').trim();
        if (!/^["'[{|>]/.test(value) && /: |:$/.test(value)) broken = true;
        if (!fields.has(kv[1])) fields.set(kv[1], value.replace(/^"(.*)"$|^'(.*)'$/, '$1$2'));
      }
      if (broken) continue;
      for (const [k, v] of fields) {
        keyNotes.set(k, (keyNotes.get(k) ?? 0) + 1);
        // The edited note's publish line is emptied in its buffer: it gives no value then.
        if (k === 'publish' && real(p) !== real(path.join(garden, fm.file ?? ''))) publishNotes.set(v, (publishNotes.get(v) ?? 0) + 1);
      }
    }
  }
})(garden);
const inNotes = (n) => `in ${n.toLocaleString('en-US')} ${n === 1 ? 'note' : 'notes'}`;
const keyItems = fm.key_items ?? [];
const lacking = [...keyNotes.keys()].filter((k) => !(fm.keys ?? []).includes(k));
const wrongKeys = lacking.filter((k) => !keyItems.some((i) => i.label === k && (i.detail ?? '').startsWith(inNotes(keyNotes.get(k))) && i.kind === 10));
check(
  `completion at the start of a new line in ${fm.file}'s header offers the garden's keys it lacks (${lacking.map((k) => `${k}: ${inNotes(keyNotes.get(k))}`).join(', ')}), as properties, "key: " inserted`,
  lacking.length > 0 && wrongKeys.length === 0 && keyItems.every((i) => i.textEdit?.newText === `${i.label}: ` && i.textEdit?.range?.start?.line === fm.keys_line),
  `missing or miscounted: ${JSON.stringify(wrongKeys)}; items: ${JSON.stringify(keyItems.map((i) => [i.label, i.detail, i.kind, i.textEdit?.newText]))}`,
);
check(
  `... and none of the keys the note has (${(fm.keys ?? []).join(', ')})`,
  keyItems.length > 0 && !keyItems.some((i) => (fm.keys ?? []).includes(i.label)),
  `items: ${JSON.stringify(keyItems.map((i) => i.label))}`,
);
const valueItems = fm.value_items ?? [];
const wantValues = ['true', 'false'].map((v) => [v, publishNotes.get(v) ? inNotes(publishNotes.get(v)) : 'a boolean']);
check(
  `completion after "publish: " in ${fm.file} offers ${wantValues.map(([v, d]) => `${v} (${d})`).join(' and ')}, as values`,
  wantValues.every(([v, d]) => valueItems.some((i) => i.label === v && i.detail === d && i.kind === 12 && i.textEdit?.newText === v)),
  `items: ${JSON.stringify(valueItems.map((i) => [i.label, i.detail, i.kind, i.textEdit?.newText]))}`,
);

// The target note retitled in its buffer: offered under the new title, once, not the old one.
const rt = r.retitle ?? { labels: [] };
const newCount = rt.labels.filter((l) => l === rt.new_title).length;
check(
  `after its title is edited to "${rt.new_title}", ${t.link.targetFile} is offered under it once (typed ${JSON.stringify(rt.typed)})`,
  newCount === 1,
  `${newCount} items with that label; labels: ${JSON.stringify(rt.labels.slice(0, 40))}`,
);
check(
  `... and no longer under its old title "${t.link.title}"`,
  rt.labels.length > 0 && !rt.labels.includes(t.link.title),
  `labels: ${JSON.stringify(rt.labels.slice(0, 40))}`,
);

// Code lenses on the heading link's target note: the note's backlinks on line 1, the links to
// the heading (from other notes: a note's links to itself are not backlinks) on its line, and
// running that lens lists exactly those links.
const h = t.headingLink;
const cl = r.codelens ?? {};
const lensAt = (line) => (cl.lenses ?? []).find((l) => l.line === line);
const toHeading = (h?.links ?? []).filter((l) => l.file !== h.targetFile);
const headingTitle = `${toHeading.length} ${toHeading.length === 1 ? 'link' : 'links'}`;
check(
  'the plugin shows the code lenses by itself (refreshed on attach and BufEnter)',
  cl.plugin_refreshed === true,
  `lenses after waiting: ${JSON.stringify(cl.lenses)}`,
);
const noteLens = lensAt(0);
const backlinks = Number(/^(\d+) backlinks?$/.exec(noteLens?.title ?? '')?.[1]);
check(
  `a lens on line 1 of ${h?.targetFile} counts its backlinks (at least the ${toHeading.length} to the heading)`,
  backlinks >= toHeading.length && backlinks > 0 && noteLens.command === 'rhizome.showReferences',
  `lens: ${JSON.stringify(noteLens)}`,
);
check(
  `a lens on the heading "${h?.heading}" (line ${h?.headingLine + 1}) reads "${headingTitle}"`,
  lensAt(h?.headingLine)?.title === headingTitle,
  `lens: ${JSON.stringify(lensAt(h?.headingLine))}; links to the heading: ${JSON.stringify(toHeading)}`,
);
const wantQf = toHeading.map((l) => `${real(path.join(garden, l.file))}:${l.line}`).sort();
const gotQf = (cl.quickfix?.items ?? []).map((i) => `${real(i.file)}:${i.line}`).sort();
check(
  'vim.lsp.codelens.run on the heading lists its links in the quickfix list',
  JSON.stringify(gotQf) === JSON.stringify(wantQf) && /rhizome/.test(cl.quickfix?.title ?? ''),
  `quickfix ${JSON.stringify(cl.quickfix)}, want ${JSON.stringify(wantQf)}`,
);

// :RhizomeUnlinkedMentions: where other notes name the note without linking to it, as found in
// the garden's files by pick-targets.
const un = t.unlinked;
const wantUn = (un?.mentions ?? []).map((m) => `${real(path.join(garden, m.file))}:${m.line}`).sort();
const gotUn = (r.unlinked?.items ?? []).map((i) => `${real(i.file)}:${i.line}`).sort();
check(
  `:RhizomeUnlinkedMentions on ${un?.file} lists the ${wantUn.length} places other notes name it without a link`,
  wantUn.length > 0 && JSON.stringify(gotUn) === JSON.stringify(wantUn) && /unlinked mentions/.test(r.unlinked?.title ?? ''),
  `quickfix ${JSON.stringify(r.unlinked)}, want ${JSON.stringify(wantUn)}`,
);

// :RhizomeLinkUnlinkedMentions: each of those lines now holds a link naming the note, in its
// buffer, and the server then lists no unlinked mention.
const lu = r.link_unlinked ?? {};
const unStem = path.basename(un?.file ?? '', '.md').toLowerCase();
const notLinked = (lu.lines ?? []).filter((l) => !(typeof l.text === 'string' && l.text.toLowerCase().includes(unStem) && /\[\[|\]\(/.test(l.text)));
check(
  `:RhizomeLinkUnlinkedMentions links the ${wantUn.length} mentions of ${un?.file} in their buffers`,
  (lu.lines ?? []).length === wantUn.length && wantUn.length > 0 && notLinked.length === 0,
  `lines not linked: ${JSON.stringify(notLinked)}`,
);
check('... after which the server lists no unlinked mention of it', lu.left === 0, `unlinked mentions left: ${lu.left}`);

// Rename from the link: the file moves, the wikilinks to it in every note follow, and definition
// then lands in the moved file.
const rn = r.rename ?? {};
const stem = path.basename(t.link.targetFile, path.extname(t.link.targetFile));
check(
  `prepareRename on ${t.link.text} proposes the note's file name "${stem}"`,
  rn.prepare?.placeholder === stem && rn.prepare?.range?.start?.line === t.link.line,
  `prepareRename result: ${JSON.stringify(rn.prepare)}`,
);
check(
  `vim.lsp.buf.rename moved ${t.link.targetFile} to "${rn.new_name}.md" on disk`,
  rn.old_exists === false && rn.new_exists === true,
  `old file exists: ${rn.old_exists}, new file ${rn.new_file} exists: ${rn.new_exists}`,
);
check(
  `the link in ${t.link.file} now reads [[${rn.new_name}`,
  typeof rn.link_line === 'string' && rn.link_line.includes(`[[${rn.new_name}`),
  `line ${t.link.line + 1}: ${JSON.stringify(rn.link_line)}`,
);
// The notes that link to the note by its file name, from the garden's files (the edits are in
// buffers, unsaved, so the files on disk still hold the old links).
const esc = stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const linkRe = new RegExp(`\\[\\[(?:[^\\]|#\n]*/)?${esc}(?:#|\\||\\]\\])`, 'i');
const linking = [];
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.md') && linkRe.test(fs.readFileSync(p, 'utf8'))) linking.push(real(p));
  }
})(garden);
const edited = new Set((rn.edited ?? []).map(real));
const missed = linking.filter((p) => !edited.has(p));
check(
  `every note linking to [[${stem}]] (${linking.length}) now links to [[${rn.new_name}]]`,
  linking.length > 0 && missed.length === 0,
  `not edited: ${JSON.stringify(missed.map((p) => path.relative(garden, p)))}; edited: ${JSON.stringify([...edited].map((p) => path.relative(garden, p)))}`,
);
check(
  'definition on the renamed link lands in the moved file',
  rn.definition_landed === true,
  `last definition: ${rn.definition}, want ${rn.new_file}`,
);

// diagnosticMode changed at run time: a closed note's diagnostics go and come back.
const dm = r.diagnostic_mode ?? {};
const dmNote = dm.closed_uri ? path.relative(garden, uriToPath(dm.closed_uri)) : '(none)';
check(`diagnosticMode openFilesOnly, set at run time, takes back the diagnostics of ${dmNote}, which no buffer shows`,
  dm.before > 0 && dm.cleared === true, `before: ${dm.before}, cleared: ${dm.cleared}`);
check(`... and leaves those of the open ${t.broken.file}`, dm.open_kept > 0, `open note's diagnostics: ${dm.open_kept}`);
check('... and diagnosticMode workspace sends them again', dm.back === true, `back: ${dm.back}`);

// Files changed on disk beside the editor, seen by the server's own watcher.
const fd = r.files_on_disk ?? {};
check(`a link to a note nowhere, added to ${t.broken.file}, is broken`, fd.broken === true, `broken: ${fd.broken}`);
check('... resolves once the note is written on disk into a new folder', fd.written === true, `resolved: ${fd.written}`);
check('... is broken again once a .gitignore leaves that folder out', fd.ignored === true, `broken: ${fd.ignored}`);
check('... and resolves again once the .gitignore is put back', fd.restored === true, `resolved: ${fd.restored}`);
check('... is broken again once the ignore setting, changed twice in a row, leaves that folder out', fd.setting_ignored === true, `broken: ${fd.setting_ignored}`);
check('... and resolves again once the setting lets it back', fd.setting_restored === true, `resolved: ${fd.setting_restored}`);
check('... is broken again once the folder is deleted on disk', fd.deleted === true, `broken: ${fd.deleted}`);
if (fd.config_skipped) {
  console.log('skip .rhizome.yaml reload: the garden\'s .rhizome.yaml has a diagnostics section already');
} else {
  check('... is not flagged once .rhizome.yaml turns broken-link off on disk', fd.config_off === true, `not flagged: ${fd.config_off}`);
  check('... and is flagged again once .rhizome.yaml is put back', fd.config_back === true, `flagged: ${fd.config_back}`);
}

// A Lua error in a callback (a handler, an autocommand) does not stop the script, but the user
// sees it: none may appear.
if (outputFile) {
  const output = fs.existsSync(outputFile) ? fs.readFileSync(outputFile, 'utf8') : '';
  const errors = output.split('\n').filter((l) => /^E\d+:|Error (executing|detected)/.test(l));
  check('Neovim showed no error', errors.length === 0, errors.join('\n     '));
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
