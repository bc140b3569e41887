#!/usr/bin/env node
// Checks what test.el recorded: node check.mjs targets.json results.json
import fs from 'node:fs';
import path from 'node:path';

const [targetsFile, resultsFile] = process.argv.slice(2);
const t = JSON.parse(fs.readFileSync(targetsFile, 'utf8'));
let r;
try {
  r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
} catch (err) {
  console.error(`FAIL: no results from Emacs (${resultsFile}): ${err.message}`);
  process.exit(1);
}
const real = (p) => { try { return fs.realpathSync(p); } catch { return p; } };
const squash = (s) => String(s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
const garden = process.env.RHIZOME_E2E_GARDEN;
let passed = 0, failed = 0;
const check = (name, ok, detail) => {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name}\n     ${detail}`); }
};
console.log(`Emacs ${r.emacs}, eglot project root ${r.project_root}`);
for (const e of r.errors ?? []) console.log(`     error: ${e}`);
const diags = r.diagnostics ?? [];
check(`flymake has a diagnostic on line ${t.broken.line + 1} of ${t.broken.file} (${t.broken.text})`,
  diags.some((d) => d.line === t.broken.line), JSON.stringify(diags).slice(0, 600));
const hover = r.hover?.contents;
const hoverText = Array.isArray(hover) ? hover.map((h) => h.value ?? h).join('\n') : hover?.value ?? hover ?? '';
check(`hover shows the description of ${t.link.targetFile}`, squash(hoverText).includes(squash(t.link.description).slice(0, 60)),
  JSON.stringify(r.hover).slice(0, 600));
check(`definition is ${t.link.targetFile}`, r.definition_file && real(r.definition_file) === real(path.join(garden, t.link.targetFile)),
  `got ${r.definition_file}`);
check(`completion after [[${r.completion_typed ?? ''} offers "${t.completion.title}"`, (r.completion_labels ?? []).some((l) => squash(l) === squash(t.completion.title)),
  JSON.stringify((r.completion_labels ?? []).slice(0, 40)));

// 5. Rename on a link's target name: a note rename, which eglot 1.9 cannot make.
const nr = r.note_rename ?? {};
const cannot = 'this editor cannot rename files for a language server';
console.log(`     note rename on ${t.link.text}: Emacs shows: ${nr.error}`);
check(`M-x eglot-rename on the target name of ${t.link.text} fails with the server's "${cannot}"`,
  String(nr.error ?? '').includes(cannot) && String(nr.error_message ?? '').includes(cannot),
  `error: ${JSON.stringify(nr.error)}, message: ${JSON.stringify(nr.error_message)}, prompts: ${JSON.stringify(nr.prompts)}`);
check('the server answered that rename with error code -32803 (RequestFailed)', nr.error_code === -32803, `code ${JSON.stringify(nr.error_code)}`);
check(`no file moved: ${t.link.targetFile} is still there and the garden has the same ${nr.notes_before?.length} notes`,
  nr.target_exists === true && Array.isArray(nr.notes_before) && nr.notes_before.length > 0 &&
    JSON.stringify(nr.notes_before) === JSON.stringify(nr.notes_after),
  `target_exists ${nr.target_exists}; before ${JSON.stringify(nr.notes_before)}; after ${JSON.stringify(nr.notes_after)}`);
check(`and ${t.link.file} line ${t.link.line + 1} is unchanged`, nr.line_before && nr.line_before === nr.line_after,
  `before ${JSON.stringify(nr.line_before)}, after ${JSON.stringify(nr.line_after)}`);

// 6. Rename inside a link's #anchor: the heading, and every link to it.
const hl = t.headingLink;
const hr = r.heading_rename ?? {};
if (!hl) {
  check('the garden has a [[Note#Heading]] link to rename a heading from', false, 'pick-targets found none (headingLink is null)');
} else {
  const newName = hr.new_name;
  console.log(`     heading rename: ${hl.text} in ${hl.file}:${hl.line + 1} -> "${newName}"; prompts: ${JSON.stringify(hr.prompts)}`);
  check(`M-x eglot-rename "${newName}" inside #${hl.anchor} of ${hl.text} succeeds`, !hr.error && Array.isArray(hr.places),
    `error: ${JSON.stringify(hr.error)}`);
  const places = hr.places ?? [];
  // A wikilink names the heading by its text, a markdown link by its slug (as workspace.Slug).
  const slug = (text) => [...text.toLowerCase()].map((c) => (c === ' ' ? '-' : /[\p{L}\p{Nd}\p{Mn}\p{Mc}\p{Pc}-]/u.test(c) ? c : '')).join('');
  const anchorOf = (text) => /#([^|\])]*)/.exec(text)?.[1] ?? '';
  const expected = (p) => {
    if (p.role === 'heading') {
      const i = p.before.lastIndexOf(hl.heading);
      return i < 0 ? null : p.before.slice(0, i) + newName + p.before.slice(i + hl.heading.length);
    }
    if (p.style === 'definition') {
      // "[label#Old]: path.md#Old": the destination's fragment, by slug; the label is a label.
      const k = p.text.indexOf(']:');
      const dest = p.text.slice(k);
      return p.before.split(p.text).join(p.text.slice(0, k) + dest.replace(`#${anchorOf(dest)}`, `#${slug(newName)}`));
    }
    const renamed = p.text.replace(`#${anchorOf(p.text)}`, `#${p.style === 'markdown' ? slug(newName) : newName}`);
    return p.before.split(p.text).join(renamed);
  };
  const heading = places.find((p) => p.role === 'heading');
  check(`the buffer of ${hl.targetFile} has heading line ${hl.headingLine + 1} renamed: ${heading && JSON.stringify(expected(heading))}`,
    heading && heading.before.includes(hl.heading) && heading.buffer === expected(heading),
    JSON.stringify(heading));
  const links = places.filter((p) => p.role === 'link');
  const own = links.find((p) => p.file === hl.file && p.line === hl.line && p.text === hl.text);
  check(`the buffer of ${hl.file} shows the link as ${own && JSON.stringify(own.text.replace(`#${hl.anchor}`, `#${newName}`))}`,
    own && own.buffer === expected(own) && own.buffer.includes(`#${newName}`), JSON.stringify(own));
  for (const style of ['wikilink', 'markdown']) {
    const others = links.filter((p) => p !== own && p.style === style);
    if (!others.length) { console.log(`     (no other ${style} to that heading in the garden)`); continue; }
    const bad = others.filter((p) => !p.before.includes(p.text) || p.buffer !== expected(p));
    check(`the ${others.length} other ${style === 'markdown' ? 'markdown link' : style}(s) to that heading follow, ${style === 'markdown' ? `by slug (#${slug(newName)})` : 'by text'}: ` +
      others.map((p) => `${p.file}:${p.line + 1}`).join(', '), bad.length === 0, JSON.stringify(bad));
  }
  // What eglot does with the files: it edits their buffers (visiting those it must) and saves none.
  const unsaved = places.filter((p) => p.modified === true && p.disk === p.before);
  console.log(`     eglot saves nothing: ${unsaved.length} of the ${places.length} renamed lines were edited in modified buffers and still old on disk ` +
    `until saved; ${places.filter((p) => p.visited_before !== true).length} of them in files eglot visited to edit them`);
  check('after saving the edited buffers (C-x s), the files on disk have the renamed heading and links',
    places.length > 0 && places.every((p) => p.disk_saved === expected(p)),
    JSON.stringify(places.filter((p) => p.disk_saved !== expected(p))));
  check(`the server follows: its outline of ${hl.targetFile} has "${newName}" and not "${hl.heading}"`,
    (hr.outline ?? []).includes(newName) && !(hr.outline ?? []).includes(hl.heading), JSON.stringify(hr.outline));
  check(`and definition on the renamed anchor goes to line ${hl.headingLine + 1} of ${hl.targetFile}`,
    hr.definition_file && real(hr.definition_file) === real(path.join(garden, hl.targetFile)) && hr.definition_line === hl.headingLine,
    `got ${hr.definition_file}:${hr.definition_line}`);
}

// 7. M-x eglot-code-actions on the wikilink: a markdown link to the same note.
const cl = r.convert_link ?? {};
const mdLink = /^!?\[[^\]]*\]\(([^)\s]+)\)$/;
const converted = cl.line_before?.includes(t.link.text) &&
  cl.line_after?.startsWith(cl.line_before.slice(0, cl.line_before.indexOf(t.link.text)));
const newLink = converted ? cl.line_after.slice(cl.line_before.indexOf(t.link.text),
  cl.line_after.length - (cl.line_before.length - cl.line_before.indexOf(t.link.text) - t.link.text.length)) : '';
console.log(`     convert: ${t.link.text} -> ${newLink}; offered ${JSON.stringify(cl.offered)}`);
check(`M-x eglot-code-actions on ${t.link.text} makes it a markdown link: ${JSON.stringify(newLink)}`,
  !cl.error && converted && mdLink.test(newLink) && cl.line_after.endsWith(cl.line_before.slice(cl.line_before.indexOf(t.link.text) + t.link.text.length)),
  `error: ${JSON.stringify(cl.error)}, before ${JSON.stringify(cl.line_before)}, after ${JSON.stringify(cl.line_after)}`);
// The garden's own style: from the note's folder, or from the root as this garden writes them,
// and with ".md" or without it, as its links mostly are (a generated 50k vault's are without).
const dest = converted && mdLink.test(newLink) ? decodeURIComponent(mdLink.exec(newLink)[1]) : '';
const dests = path.extname(dest) ? [dest] : [dest, `${dest}.md`];
check(`its destination names ${t.link.targetFile}, from ${path.dirname(t.link.file)}/ or from the garden's root`,
  dest && dests.flatMap((d) => [path.join(garden, path.dirname(t.link.file), d), path.join(garden, d)])
    .some((p) => real(p) === real(path.join(garden, t.link.targetFile))),
  newLink);
check(`and the server follows it there (definition on the new link)`,
  cl.definition_file && real(cl.definition_file) === real(path.join(garden, t.link.targetFile)), `got ${cl.definition_file}`);

// 8. M-x eglot-code-actions on a note's title written in prose: a link to it.
const lm = r.link_mention ?? {};
const wiki = /\[\[([^\]|]+)(?:\|([^\]]+))?\]\]/.exec(lm.line_after ?? '');
console.log(`     mention: "${lm.written}" -> ${lm.line_after}; offered ${JSON.stringify(lm.offered)}`);
check(`M-x eglot-code-actions on "${lm.written}" in prose links it, the text as written`,
  !lm.error && wiki && (wiki[2] ?? wiki[1]) === lm.written && !String(lm.line_after).includes(` ${lm.written} `),
  `error: ${JSON.stringify(lm.error)}, line ${JSON.stringify(lm.line_after)}`);
check(`the new link leads to ${t.completion.file}`,
  lm.definition_file && real(lm.definition_file) === real(path.join(garden, t.completion.file)), `got ${lm.definition_file}`);

// 9. A block reference completed by eglot (which does not run the item's command): the link names
// a new id; the broken-block quick fix adds it to the paragraph, in the other note.
const bf = r.block_fix ?? {};
const blockLink = /\[\[(.+)#\^([a-z0-9]{6})\]\]\s*$/.exec(bf.link_line ?? '');
console.log(`     block: ${bf.link_line}; offered ${JSON.stringify(bf.offered)}`);
check(`eglot's completion of [[${t.headingLink?.target}#^ writes a new block id; M-x eglot-code-actions "Add ^id ..." adds it to ${bf.file}:${(bf.line ?? -1) + 1}`,
  !bf.error && !!blockLink && blockLink[1] === t.headingLink?.target && bf.after === `${bf.before} ^${blockLink[2]}`,
  `error: ${JSON.stringify(bf.error)}, link line ${JSON.stringify(bf.link_line)}, paragraph after ${JSON.stringify(bf.after)}`);

// 9b. "[[^^" and the paragraph's first words: every note's blocks searched, the paragraph offered
// by its text and linked by the id step 9 gave it.
const ab = r.any_block ?? {};
// Without the note's name when the paragraph is in the note typed in.
const abOwn = bf.file === t.link.file;
check(`eglot's completion of ${ab.typed} (every note's blocks) offers that paragraph, and writes [[${abOwn ? '' : '…'}#^${ab.id}]]`,
  !ab.error && !!ab.id && new RegExp(`^\\[\\[${abOwn ? '' : '[^\\]#]+'}#\\^${ab.id}\\]\\]$`).test(ab.line ?? ''),
  `offered ${JSON.stringify(ab.offered)}, line ${JSON.stringify(ab.line)}, error ${JSON.stringify(ab.error)}`);

// 9c. A callout named by a block reference: offered whole, and the quick fix puts its id on a line
// of its own after it, a blank line between.
const cf = r.callout_fix ?? {};
const calloutLink = /\[\[(.+)#\^([a-z0-9]{6})\]\]\s*$/.exec(cf.link_line ?? '');
const cfAfter = cf.after ?? [];
check(`eglot's completion of [[${t.callout?.target}#^ offers the callout "${t.callout?.title}" whole; the quick fix puts its id on a line of its own after it`,
  !cf.error && !!calloutLink && calloutLink[1] === t.callout?.target && (cf.offered ?? []).some((o) => o.startsWith(`Add ^${calloutLink[2]} on a line after`)) &&
    cfAfter[0]?.startsWith('>') && cfAfter[1] === '' && cfAfter[2] === `^${calloutLink[2]}`,
  `error: ${JSON.stringify(cf.error)}, offered ${JSON.stringify(cf.offered)}, link line ${JSON.stringify(cf.link_line)}, lines from the callout's last: ${JSON.stringify(cfAfter)}`);
const cd = r.callout_definition ?? {};
check(`M-. on that link: the definition is the callout whole, lines ${(t.callout?.line ?? -1) + 1}-${(t.callout?.lastLine ?? -1) + 3}, and point lands on its first line`,
  cd.lines?.[0] === t.callout?.line && cd.lines?.[1] === t.callout?.lastLine + 2 &&
    cd.line === t.callout?.line && !!cd.file && real(cd.file) === real(path.join(garden, t.callout?.targetFile ?? '')),
  `definition lines ${JSON.stringify(cd.lines)}; after M-. ${JSON.stringify(cd.file)} line ${cd.line}`);

// Files changed on disk beside the editor, through the watchers eglot keeps for the server.
const fd = r.files_on_disk ?? {};
check(`a link to a note nowhere, added to ${t.link.file}, is broken`, fd.broken === true, `broken: ${fd.broken}`);
check('... resolves once the note is written on disk into a folder made a moment before', fd.written === true, `resolved: ${fd.written}`);
check('... is broken again once a .gitignore leaves that folder out', fd.ignored === true, `broken: ${fd.ignored}`);
check('... and resolves again once the .gitignore is put back', fd.restored === true, `resolved: ${fd.restored}`);
check('... is broken again once the ignore setting (eglot-workspace-configuration) leaves that folder out', fd.setting_ignored === true, `broken: ${fd.setting_ignored}`);
check('... and resolves again once the setting lets it back', fd.setting_restored === true, `resolved: ${fd.setting_restored}`);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
