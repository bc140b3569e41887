#!/usr/bin/env node
'use strict';
// Whole-server benchmark: rhizome (and, with --peer, VS Code's markdown language
// server) started as editors start them, over stdio, on generated vaults.
// Usually run through run.sh, which installs, builds and passes the paths.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { performance } = require('perf_hooks');
const { scanVault, pickPositions } = require('./lib/vault');
const { runSession } = require('./lib/session');
const { summary } = require('./lib/stats');

const PLAN_VERSION = 4;

const USAGE = `usage: run.sh [flags]   (or node bench.js --rhizome BIN --vaultgen BIN [flags])
  --sizes 1000,10000,50000  vault sizes (notes), generated with seed --seed (1) and cached
  --peer                    also run vscode-markdown-languageserver on the same vaults
  --servers rhizome,peer    run only these
  --runs 2                  runs per size and server; figures are the better run
  --budget 600              seconds; runs after the first are skipped if they would pass it
  --phase-timeout 300       seconds allowed for initialize and for indexing
  --requests 40             requests per latency loop (at least 30)
  --loop-budget 90          seconds one latency loop may take
  --request-timeout 120     seconds one request may take
  --edits 20                edits of the hub heading (even: renamed, then restored)
  --quiet-wait 30           seconds to wait for other processes to go quiet before a session
  --out FILE                JSON results (default BENCH_DIR/results.json)
  --markdown FILE           also write the table as markdown
  --from FILE               print the table of an earlier run's JSON (with --markdown: write it), run nothing
`;

function parseArgs(argv) {
	const a = {
		sizes: [1000, 10000, 50000], peer: false, runs: 2, seed: 1, phaseTimeoutS: 300, requests: 40, edits: 20,
		notes: 30, loopBudgetS: 90, quietWaitS: 30, servers: null, budgetS: 600, label: null, requestTimeoutS: 120, editTimeoutS: 5, checkRuns: 3,
		benchDir: path.join(os.tmpdir(), 'rhizome-bench'), rhizome: null, vaultgen: null, out: null, md: null,
	};
	for (let i = 0; i < argv.length; i++) {
		const k = argv[i];
		const v = () => {
			if (i + 1 >= argv.length) {
				throw new Error(`${k} needs a value`);
			}
			return argv[++i];
		};
		switch (k) {
			case '--sizes': a.sizes = v().split(',').map((s) => Number(s.trim())).filter((n) => n > 0); break;
			case '--peer': a.peer = true; break;
			case '--runs': a.runs = Math.max(1, Number(v())); break;
			case '--seed': a.seed = Number(v()); break;
			case '--phase-timeout': a.phaseTimeoutS = Number(v()); break;
			case '--requests': a.requests = Math.max(30, Number(v())); break;
			case '--edits': a.edits = Math.max(2, Number(v()) & ~1); break;
			case '--bench-dir': a.benchDir = v(); break;
			case '--rhizome': a.rhizome = v(); break;
			case '--vaultgen': a.vaultgen = v(); break;
			case '--out': a.out = v(); break;
			case '--markdown': a.md = v(); break;
			case '--quiet-wait': a.quietWaitS = Number(v()); break;
			case '--budget': a.budgetS = Number(v()); break;
			case '--label': a.label = v(); break;
			case '--servers': a.servers = v().split(','); break;
			case '--loop-budget': a.loopBudgetS = Number(v()); break;
			case '--request-timeout': a.requestTimeoutS = Number(v()); break;
			case '--from': a.from = v(); break;
			case '-h': case '--help': process.stdout.write(USAGE); process.exit(0); break;
			default: throw new Error(`unknown argument ${k}`);
		}
	}
	if (a.servers && a.servers.includes('peer')) {
		a.peer = true;
	}
	if (!a.from && (!a.rhizome || !a.vaultgen)) {
		throw new Error('--rhizome BIN and --vaultgen BIN are required (run.sh passes them)');
	}
	return a;
}

function ensureVault(a, n) {
	const dir = path.join(a.benchDir, `vault-${n}-seed${a.seed}`);
	const ok = dir + '.ok';
	if (fs.existsSync(ok) && fs.existsSync(dir)) {
		return dir;
	}
	fs.rmSync(dir, { recursive: true, force: true });
	process.stderr.write(`generating ${dir} ...\n`);
	const r = spawnSync(a.vaultgen, ['-n', String(n), '-seed', String(a.seed), '-o', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
	if (r.status !== 0) {
		throw new Error(`vaultgen failed for ${n} notes`);
	}
	fs.writeFileSync(ok, r.stdout);
	return dir;
}

function ensurePlan(a, n, dir) {
	const file = path.join(a.benchDir, `plan-${n}-seed${a.seed}.json`);
	try {
		const p = JSON.parse(fs.readFileSync(file, 'utf8'));
		if (p.version === PLAN_VERSION && p.requests === a.requests && p.nNotes === a.notes) {
			return p;
		}
	} catch { /* make it */ }
	const t = performance.now();
	const scan = scanVault(dir);
	if (!scan.hubPlan) {
		throw new Error(`no hub with a markdown-linked heading found in ${dir}`);
	}
	const pos = pickPositions(scan, a.notes, a.requests);
	const plan = { version: PLAN_VERSION, requests: a.requests, nNotes: a.notes, noteCount: scan.notes.length, fileCount: scan.files.length, hub: scan.hubPlan, ...pos };
	fs.writeFileSync(file, JSON.stringify(plan));
	process.stderr.write(`planned ${dir} in ${((performance.now() - t) / 1000).toFixed(1)} s: hub ${plan.hub.hub} (${plan.hub.backlinks} backlinks)\n`);
	return plan;
}

function timeCheck(a, dir) {
	const times = [];
	let last = null;
	for (let i = 0; i < a.checkRuns; i++) {
		const t = performance.now();
		const r = spawnSync(a.rhizome, ['check', dir], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26, timeout: a.phaseTimeoutS * 1000 });
		const wall = (performance.now() - t) / 1000;
		times.push(wall);
		last = { status: r.status, signal: r.signal, summary: String(r.stderr || '').trim().split('\n').pop() };
	}
	return { bestS: Math.min(...times), allS: times, ...last };
}

// rhizome keeps its note cache here rather than in the user's cache folder,
// so that a session starts cold when the benchmark says so.
const cacheDir = (a) => path.join(a.benchDir, 'cache');

function servers(a) {
	const list = [{
		name: 'rhizome', command: a.rhizome, args: ['serve'], pull: false, peer: false,
		indexSignal: 'progress', triggers: ['[', '(', '#', '^', '/'],
		env: { RHIZOME_CACHE_DIR: cacheDir(a) }, restart: true,
	}];
	if (a.peer || (a.servers && a.servers.includes('peer'))) {
		list.push({
			name: 'peer', command: process.execPath,
			args: [require.resolve('vscode-markdown-languageserver'), '--stdio'],
			pull: true, peer: true, indexSignal: 'workspace/symbol', triggers: ['.', '/', '#'],
		});
	}
	return a.servers ? list.filter((s) => a.servers.includes(s.name)) : list;
}

// Reduce a session to the figures of the table.
// How many notes a rhizome session took from its note cache, of how many,
// from its log line "note cache" {…, "cached": N, "notes": M}.
function cachedNotes(logFile) {
	try {
		const m = /\tnote cache\t.*"cached": (\d+), "notes": (\d+)/.exec(fs.readFileSync(logFile, 'utf8'));
		return m ? { cached: Number(m[1]), notes: Number(m[2]) } : { cached: null, notes: null };
	} catch {
		return { cached: null, notes: null };
	}
}

function figures(s) {
	const f = { errors: s.errors, exit: s.exit };
	f.initializeMs = s.phases.initializeMs ?? null;
	f.indexS = s.phases.indexMs != null ? s.phases.indexMs / 1000 : null;
	f.indexTimedOutS = s.phases.indexTimedOutS ?? null;
	f.indexSignal = s.phases.indexSignal;
	f.indexSymbols = s.phases.indexSymbols ?? null;
	f.initialDiagnosticsS = s.phases.initialDiagnosticsMs != null ? s.phases.initialDiagnosticsMs / 1000 : null;
	f.initialDiagnosticsUris = s.phases.initialDiagnosticsUris ?? null;
	if (s.restart) {
		const r = s.restart;
		f.restart = {
			indexS: r.phases.indexMs != null ? r.phases.indexMs / 1000 : null, indexTimedOutS: r.phases.indexTimedOutS ?? null,
			peakMB: r.rss?.peakMB ?? null, cpuS: r.rss?.cpuS ?? null, cached: r.cached, notes: r.notes,
			errors: r.errors, interference: r.interference, quiet: r.quiet,
		};
	}
	f.latency = {};
	for (const [k, v] of Object.entries(s.latency)) {
		const sm = summary(v.samples);
		const sizes = [...v.sizes].sort((x, y) => x - y);
		f.latency[k] = sm && { ...sm, requested: v.requested, medianResults: sizes[Math.floor(sizes.length / 2)], nonEmpty: v.nonEmpty, timeouts: v.timeouts, errors: v.errors, truncated: v.truncated, lastError: v.lastError };
		if (!sm) {
			f.latency[k] = { n: 0, requested: v.requested, timeouts: v.timeouts, errors: v.errors, truncated: v.truncated, lastError: v.lastError };
		}
	}
	if (s.edit) {
		f.edit = {
			hub: s.edit.hub, hubBacklinks: s.edit.hubBacklinks, heading: s.edit.heading, dependent: s.edit.dependent, link: s.edit.link,
			iterations: s.edit.iterations, self: summary(s.edit.selfMs), dep: summary(s.edit.depMs),
			selfMissing: s.edit.selfMissing, depMissing: s.edit.depMissing, depCorrect: s.edit.depCorrect, depWrong: s.edit.depWrong,
			publishesPerEdit: summary(s.edit.publishesPerEdit || []), unchangedPerEdit: summary(s.edit.unchangedPerEdit || []),
		};
	}
	f.rss = s.rss || null;
	f.shutdownMs = s.shutdownMs ?? null;
	f.exitMs = s.exitMs ?? null;
	f.wallS = s.wallS;
	f.loadavg = s.loadavg;
	f.quiet = s.quiet;
	f.interference = s.interference;
	f.counters = s.counters;
	return f;
}

// The better of several runs, figure by figure (lower is better): phases and
// RSS take the minimum; a latency row or the edit figures come whole from the
// run with the lower p95 / median, so p50, p95 and max stay one run's.
function best(runs) {
	const ok = runs.filter(Boolean);
	const minOf = (get) => {
		const xs = ok.map(get).filter((x) => x !== null && x !== undefined);
		return xs.length ? Math.min(...xs) : null;
	};
	const b = {
		initializeMs: minOf((r) => r.initializeMs), indexS: minOf((r) => r.indexS),
		indexTimedOutS: ok.every((r) => r.indexS === null) ? minOf((r) => r.indexTimedOutS) : null,
		indexSignal: ok[0]?.indexSignal, indexSymbols: ok.find((r) => r.indexSymbols !== null)?.indexSymbols ?? null,
		initialDiagnosticsS: minOf((r) => r.initialDiagnosticsS), initialDiagnosticsUris: ok.find((r) => r.initialDiagnosticsUris)?.initialDiagnosticsUris ?? null,
		peakMB: minOf((r) => r.rss?.peakMB), endMB: minOf((r) => r.rss?.nowMB), cpuS: minOf((r) => r.rss?.cpuS),
		restartIndexS: minOf((r) => r.restart?.indexS), restartPeakMB: minOf((r) => r.restart?.peakMB),
		restartCached: ok.find((r) => r.restart)?.restart ?? null, shutdownMs: minOf((r) => r.shutdownMs), exitMs: minOf((r) => r.exitMs), latency: {}, edit: null,
		errors: [...new Set(ok.flatMap((r) => [...r.errors, ...(r.restart?.errors || []).map((e) => `restart: ${e}`)]))],
	};
	const names = [...new Set(ok.flatMap((r) => Object.keys(r.latency)))];
	for (const k of names) {
		const cands = ok.map((r) => r.latency[k]).filter((l) => l && l.n > 0).sort((x, y) => x.p95 - y.p95);
		b.latency[k] = cands[0] || ok.map((r) => r.latency[k]).find(Boolean) || null;
	}
	const edits = ok.map((r) => r.edit).filter((e) => e && e.self);
	edits.sort((x, y) => x.self.p50 - y.self.p50);
	b.edit = edits[0] || ok.map((r) => r.edit).find(Boolean) || null;
	if (b.edit && b.edit.dep === null) {
		const withDep = ok.map((r) => r.edit).filter((e) => e && e.dep).sort((x, y) => x.dep.p50 - y.dep.p50);
		if (withDep.length) {
			b.edit = { ...b.edit, dep: withDep[0].dep };
		}
	}
	return b;
}

const REQS = ['completion [[', 'completion [[abc', 'completion ](', 'definition', 'hover', 'references', 'workspace symbols', 'document links', 'folding ranges'];

// "38/40 · 100 (2 timed out)": requests answered of those sent, the median
// number of items/locations/symbols per answer, and what went wrong.
function answered(l) {
	if (!l) {
		return null;
	}
	let c = `${l.n}/${l.requested ?? l.n} · ${l.medianResults ?? '–'}`;
	const bad = [];
	if (l.timeouts) {
		bad.push(`${l.timeouts} timed out`);
	}
	if (l.errors) {
		bad.push(`${l.errors} errors`);
	}
	if (l.truncated && l.truncated.includes('budget')) {
		bad.push('loop budget hit');
	}
	return bad.length ? `${c} (${bad.join(', ')})` : c;
}

function rows() {
	const r = [];
	const add = (label, get, unit, target) => r.push({ label, get, unit, target });
	add('runs made (figures: best of them)', (x, name, res) => res.runsMade?.[name] ?? null, '');
	add('spawn → initialize reply', (x) => x.initializeMs, 'ms');
	add('spawn → index complete', (x) => x.indexS ?? (x.indexTimedOutS ? `timed out after ${x.indexTimedOutS} s` : null), 's', { 10000: 1.0, 50000: 5.0 });
	// The same vault again, unchanged, with rhizome's note cache from the first
	// session; the peer has no cache: its figure is its cold index time.
	add('restart → index complete (peer: cold, no cache)', (x, name) => (name === 'peer' ? x.indexS : x.restartIndexS), 's', { 50000: 0.5 });
	add('restart: notes from the cache', (x, name) => (name === 'peer' || !x.restartCached ? null : `${x.restartCached.cached ?? '?'}/${x.restartCached.notes ?? '?'}`), '');
	add('spawn → all notes\' diagnostics pushed', (x) => x.initialDiagnosticsS, 's');
	for (const k of REQS) {
		const t = k.startsWith('completion') ? 5 : (k === 'definition' || k === 'hover') ? 2 : null;
		add(`${k} p50`, (x) => x.latency[k]?.p50, 'ms');
		add(`${k} p95`, (x) => x.latency[k]?.p95, 'ms', t ? { 10000: t } : null);
		add(`${k} max`, (x) => x.latency[k]?.max, 'ms');
		add(`${k} answered · median results`, (x) => answered(x.latency[k]), '');
	}
	add('edit → diagnostics, edited note p50', (x) => x.edit?.self?.p50, 'ms', { 10000: 20 });
	add('edit → diagnostics, edited note max', (x) => x.edit?.self?.max, 'ms');
	add('edit → diagnostics, dependent p50', (x) => x.edit?.dep?.p50, 'ms', { 10000: 20 });
	add('edit → diagnostics, dependent max', (x) => x.edit?.dep?.max, 'ms');
	add('publishDiagnostics per edit (median)', (x) => x.edit?.publishesPerEdit?.p50, '');
	add('… of which unchanged (median)', (x) => x.edit?.unchangedPerEdit?.p50, '');
	add('dependent flagged right', (x) => x.edit ? `${x.edit.depCorrect}/${x.edit.iterations}` : null, '');
	add('peak RSS (VmHWM)', (x) => x.peakMB, 'MB', { 10000: 250, 50000: 1024 });
	add('RSS at the end, after the edits (VmRSS)', (x) => x.endMB, 'MB');
	add('restart: peak RSS (VmHWM)', (x, name) => (name === 'peer' ? null : x.restartPeakMB), 'MB');
	add('server CPU time', (x) => x.cpuS, 's');
	add('shutdown reply, exit → process gone', (x) => (x.shutdownMs == null ? null : `${fmt(x.shutdownMs, 'ms')}, ${fmt(x.exitMs, 'ms')}`), '');
	add('rhizome check (best of 3 per run)', (x, name, res) => (name === 'rhizome' ? res.check?.bestS : null), 's');
	return r;
}

function fmt(v, unit) {
	if (v === null || v === undefined) {
		return '–';
	}
	if (typeof v === 'string') {
		return v;
	}
	if (unit === 's') {
		return v >= 100 ? `${v.toFixed(0)} s` : v >= 10 ? `${v.toFixed(1)} s` : `${v.toFixed(2)} s`;
	}
	if (unit === 'ms') {
		return v >= 100 ? `${v.toFixed(0)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`;
	}
	if (unit === 'MB') {
		return `${v.toFixed(0)} MB`;
	}
	return String(v);
}

function ratio(a, b) {
	if (typeof a !== 'number' || typeof b !== 'number' || b === 0) {
		return '–';
	}
	const q = a / b;
	return q >= 10 ? q.toFixed(0) : q >= 1 ? q.toFixed(1) : q >= 0.01 ? q.toFixed(2) : q.toExponential(0);
}

// medianOf is a row's figure for server name in each run of res, the
// median of them: the targets are for medians, the cells are the best run's.
function medianOf(row, res, name) {
	const xs = (res.runs?.[name] || []).filter(Boolean).map((r) => row.get(best([r]), name, res))
		.filter((v) => typeof v === 'number').sort((x, y) => x - y);
	if (!xs.length) {
		return null;
	}
	const m = xs.length >> 1;
	return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

function table(results, peer) {
	const sizes = Object.keys(results).map(Number).sort((x, y) => x - y);
	const head = ['figure'];
	for (const n of sizes) {
		head.push(`${n / 1000}k rhizome`);
		if (peer) {
			head.push(`${n / 1000}k peer`, `${n / 1000}k ratio`);
		}
	}
	head.push('target (rhizome): median of the runs');
	const lines = [head];
	for (const row of rows()) {
		const line = [row.label];
		const tg = [];
		for (const n of sizes) {
			const res = results[n];
			const rv = res.best.rhizome ? row.get(res.best.rhizome, 'rhizome', res) : null;
			line.push(fmt(rv, row.unit));
			if (peer) {
				const pv = res.best.peer ? row.get(res.best.peer, 'peer', res) : null;
				line.push(fmt(pv, row.unit));
				line.push(row.unit ? ratio(rv, pv) : '–');
			}
		}
		if (row.target) {
			for (const [n, v] of Object.entries(row.target)) {
				const med = results[n] ? medianOf(row, results[n], 'rhizome') : null;
				tg.push(`${Number(n) / 1000}k ≤ ${fmt(v, row.unit)}` + (med === null ? '' : `: median ${fmt(med, row.unit)} ${med <= v ? '✓' : '✗'}`));
			}
		}
		line.push(tg.join(', '));
		lines.push(line);
	}
	return lines;
}

function printTable(lines) {
	const w = lines[0].map((_, i) => Math.max(...lines.map((l) => [...String(l[i])].length)));
	return lines.map((l) => l.map((c, i) => String(c).padEnd(w[i])).join('  ')).join('\n');
}

function markdownTable(lines) {
	const out = [`| ${lines[0].join(' | ')} |`, `|${lines[0].map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
	for (const l of lines.slice(1)) {
		const label = l[0].replace(/(\[\[abc|\[\[|\]\()/, '`$1`');
		out.push(`| ${[label, ...l.slice(1)].join(' | ')} |`);
	}
	return out.join('\n');
}

function machine() {
	const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m) || [])[1] || os.cpus()[0]?.model;
	const mem = (fs.readFileSync('/proc/meminfo', 'utf8').match(/^MemTotal:\s+(\d+) kB/m) || [])[1];
	return { nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length, cpu, memGiB: mem ? Number(mem) / 1048576 : null, node: process.version, os: `${os.type()} ${os.release()}` };
}

async function main() {
	const a = parseArgs(process.argv.slice(2));
	if (a.from) {
		// An earlier run's table again, with what this version of the table
		// shows (the runs are all in its JSON).
		const earlier = JSON.parse(fs.readFileSync(a.from, 'utf8'));
		const lines = table(earlier.results, Boolean(earlier.peerVersion));
		if (a.md) {
			fs.writeFileSync(a.md, markdownTable(lines) + '\n');
		}
		console.log(printTable(lines));
		return;
	}
	fs.mkdirSync(path.join(a.benchDir, 'logs'), { recursive: true });
	const started = performance.now();
	const out = { date: new Date().toISOString(), machine: machine(), options: { ...a }, results: {} };
	const peerPkg = a.peer ? require('vscode-markdown-languageserver/package.json') : null;
	out.peerVersion = peerPkg ? `vscode-markdown-languageserver@${peerPkg.version}` : null;
	// Pass 1 measures every size and server once; later passes repeat them
	// while the time budget allows (a session is skipped when its first run's
	// duration would overrun it), so figures are the better of the runs made.
	const sizes = {};
	const hasRhizome = servers(a).some((x) => x.name === 'rhizome');
	for (const n of a.sizes) {
		const dir = ensureVault(a, n);
		const plan = ensurePlan(a, n, dir);
		sizes[n] = { dir, plan, checks: [], runs: {}, took: {} };
	}
	const skipped = [];
	for (let r = 1; r <= a.runs; r++) {
		for (const n of a.sizes) {
			const { dir, plan, runs, took, checks } = sizes[n];
			if (hasRhizome && (r === 1 || (performance.now() - started) / 1000 + (took.check || 0) <= a.budgetS)) {
				process.stderr.write(`${n} notes: rhizome check ×${a.checkRuns} ...`);
				const t = performance.now();
				checks.push(timeCheck(a, dir));
				took.check = (performance.now() - t) / 1000;
				process.stderr.write(` best ${checks[checks.length - 1].bestS.toFixed(2)} s\n`);
			}
			for (const srv of servers(a)) {
				const elapsed = (performance.now() - started) / 1000;
				if (r > 1 && elapsed + (took[srv.name] || 0) > a.budgetS) {
					skipped.push(`${srv.name} ${n} run ${r}`);
					process.stderr.write(`${n} notes: ${srv.name} run ${r}/${a.runs} skipped: it would pass the ${a.budgetS} s budget\n`);
					continue;
				}
				process.stderr.write(`${n} notes: ${srv.name} run ${r}/${a.runs} ...`);
				if (srv.restart) {
					// Every first session starts cold, whatever ran before it.
					fs.rmSync(cacheDir(a), { recursive: true, force: true });
				}
				const t = performance.now();
				const s = await runSession({
					server: srv, root: dir, plan,
					logFile: path.join(a.benchDir, 'logs', `${srv.name}-${n}-run${r}.log`),
					opts: {
						phaseTimeoutMs: a.phaseTimeoutS * 1000, requests: a.requests, edits: a.edits,
						loopBudgetMs: a.loopBudgetS * 1000, requestTimeoutMs: a.requestTimeoutS * 1000, editTimeoutMs: a.editTimeoutS * 1000, quietWaitMs: a.quietWaitS * 1000,
					},
				});
				if (srv.restart && !s.errors.length) {
					// Start it again on the unchanged vault: its note cache, written in
					// the background after the first session's index, is warm now.
					const logFile = path.join(a.benchDir, 'logs', `${srv.name}-${n}-run${r}-restart.log`);
					s.restart = await runSession({
						server: srv, root: dir, plan, logFile,
						opts: { phaseTimeoutMs: a.phaseTimeoutS * 1000, quietWaitMs: a.quietWaitS * 1000, indexOnly: true },
					});
					Object.assign(s.restart, cachedNotes(logFile));
				}
				const f = figures(s);
				took[srv.name] = Math.max(took[srv.name] || 0, (performance.now() - t) / 1000);
				(runs[srv.name] ||= []).push(f);
				process.stderr.write(` ${((performance.now() - t) / 1000).toFixed(1)} s` +
					` (index ${f.indexS != null ? f.indexS.toFixed(2) + ' s' : 'n/a'}` +
					(f.restart ? `, restart ${f.restart.indexS != null ? f.restart.indexS.toFixed(2) + ' s' : 'n/a'} with ${f.restart.cached ?? '?'} notes cached, peak ${f.restart.peakMB?.toFixed(0) ?? '?'} MB` : '') +
					`, peak ${f.rss ? f.rss.peakMB.toFixed(0) : '?'} MB, others used ${f.interference ? f.interference.otherCores.toFixed(2) : '?'} cores${f.errors.length ? ', errors: ' + f.errors.join('; ') : ''})\n`);
			}
		}
	}
	for (const n of a.sizes) {
		const { dir, plan, checks, runs } = sizes[n];
		const check = checks.length ? { ...checks.reduce((x, y) => (y.bestS < x.bestS ? y : x)), runs: checks } : null;
		out.results[n] = {
			vault: dir, plan: { hub: plan.hub, notes: plan.notes.length, noteCount: plan.noteCount, fileCount: plan.fileCount }, check, runs,
			runsMade: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v.length])),
			best: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, best(v)])),
		};
	}
	out.skipped = skipped;
	out.totalS = (performance.now() - started) / 1000;
	const lines = table(out.results, a.peer);
	out.table = lines;
	const outFile = a.out || path.join(a.benchDir, 'results.json');
	fs.writeFileSync(outFile, JSON.stringify(out, null, 1));
	if (a.md) {
		fs.writeFileSync(a.md, markdownTable(lines) + '\n');
	}
	const m = out.machine;
	console.log(`\n${a.label || 'rhizome'} — LSP benchmark — ${m.nproc} cores, ${m.cpu}, ${m.memGiB?.toFixed(0)} GiB, node ${m.node}` +
		(a.peer ? `; peer ${out.peerVersion}` : '') + `; best of the runs made per figure (up to ${a.runs}${skipped.length ? '; skipped for the time budget: ' + skipped.join(', ') : ''})\n`);
	console.log(printTable(lines));
	if (a.peer) {
		console.log('\npeer: "index complete" is its first answer to workspace/symbol "" (it has no index signal and reads the' +
			'\nworkspace lazily); it does not know [[wikilinks]] (0 results) and answers definition only for #fragment links;' +
			'\nits diagnostics are pulled (textDocument/diagnostic for the edited note, then the dependent, sent at once).' +
			'\nBoth servers get the same pauses: 300 ms before the requests, 100 ms after each edit and before shutdown.');
	}
	for (const n of Object.keys(out.results)) {
		for (const [name, b] of Object.entries(out.results[n].best)) {
			for (const e of b.errors) {
				console.log(`${n} ${name}: ${e}`);
			}
		}
	}
	console.log(`\nJSON: ${outFile}  (all runs, per-request result counts, logs in ${path.join(a.benchDir, 'logs')})  total ${out.totalS.toFixed(0)} s`);
}

main().catch((e) => {
	console.error(e.stack || String(e));
	process.exit(1);
});
