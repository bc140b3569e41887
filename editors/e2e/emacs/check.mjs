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
check(`completion after [[ offers "${t.completion.title}"`, (r.completion_labels ?? []).some((l) => squash(l) === squash(t.completion.title)),
  JSON.stringify((r.completion_labels ?? []).slice(0, 40)));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
