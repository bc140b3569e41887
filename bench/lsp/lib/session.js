'use strict';
// One benchmark session: spawn a language server as an editor does (a child
// process over stdio), drive it with vscode-jsonrpc, time what the issue asks
// for, read its peak RSS, shut it down. Every wait has a deadline and every
// loop a bound in count and time.

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { performance } = require('perf_hooks');
const rpc = require('vscode-jsonrpc/node');
const { URI } = require('vscode-uri');
const peerhost = require('./peerhost');

const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Thrown to end an opts.indexOnly session once the index is complete.
class IndexOnly extends Error {}

class TimeoutError extends Error {
	constructor(what, ms) {
		super(`${what}: timed out after ${(ms / 1000).toFixed(0)} s`);
		this.timeout = true;
		this.ms = ms;
	}
}

function withTimeout(promise, ms, what, onTimeout) {
	let timer;
	return Promise.race([
		promise,
		new Promise((_, reject) => {
			timer = setTimeout(() => {
				if (onTimeout) {
					onTimeout();
				}
				reject(new TimeoutError(what, ms));
			}, ms);
		}),
	]).finally(() => clearTimeout(timer));
}

// A log of what the server told us, with waiters checked on every event.
class Events {
	constructor() {
		this.waiters = [];
		this.closed = null;
	}
	emit() {
		for (const w of [...this.waiters]) {
			if (w.pred()) {
				this.waiters.splice(this.waiters.indexOf(w), 1);
				w.resolve();
			}
		}
	}
	close(err) {
		this.closed = err;
		for (const w of this.waiters.splice(0)) {
			w.reject(err);
		}
	}
	// Resolves when pred() holds, now or after a later event.
	until(pred, ms, what) {
		if (pred()) {
			return Promise.resolve();
		}
		if (this.closed) {
			return Promise.reject(this.closed);
		}
		let w;
		const p = new Promise((resolve, reject) => {
			w = { pred, resolve, reject };
			this.waiters.push(w);
		});
		return withTimeout(p, ms, what, () => {
			const i = this.waiters.indexOf(w);
			if (i >= 0) {
				this.waiters.splice(i, 1);
			}
		});
	}
}

function procStatus(pid) {
	try {
		const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (k) => {
			const m = new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s);
			return m ? Number(m[1]) : null;
		};
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
		return { hwmKB: kb('VmHWM'), rssKB: kb('VmRSS'), cpuS: ticks / 100, threads: Number(/^Threads:\s+(\d+)/m.exec(s)?.[1]) };
	} catch {
		return null;
	}
}

// Busy CPU time of the whole machine so far, in seconds (all cores).
function machineBusyS() {
	const l = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
	// user nice system idle iowait irq softirq steal
	return (l[0] + l[1] + l[2] + l[5] + l[6] + l[7]) / 100;
}

// Waits (at most maxMs) for a second in which other processes use less than
// `share` of one core; returns what they used in the last second looked at.
async function waitQuiet(maxMs, share) {
	const start = now();
	let used = null;
	while (true) {
		const b0 = machineBusyS();
		const c0 = process.cpuUsage();
		await sleep(1000);
		const c = process.cpuUsage(c0);
		used = machineBusyS() - b0 - (c.user + c.system) / 1e6;
		if (used < share || now() - start > maxMs) {
			return { otherCores: Math.max(0, used), waitedS: (now() - start) / 1000 };
		}
	}
}

function initializeParams(root, pull, peer) {
	const uri = URI.file(root).toString();
	const textDocument = {
		synchronization: { dynamicRegistration: true, willSave: true, willSaveWaitUntil: true, didSave: true },
		completion: {
			dynamicRegistration: true,
			contextSupport: true,
			completionItem: { snippetSupport: true, insertReplaceSupport: true, labelDetailsSupport: true, documentationFormat: ['markdown', 'plaintext'] },
			// What vscode-languageclient 9 offers: a list may give a range once for all its items.
			completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] },
		},
		hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
		definition: { dynamicRegistration: true, linkSupport: true },
		references: { dynamicRegistration: true },
		documentSymbol: { dynamicRegistration: true, hierarchicalDocumentSymbolSupport: true },
		documentLink: { dynamicRegistration: true, tooltipSupport: true },
		// As vscode-languageclient 9 asks: whole lines, at most 5,000 ranges.
		foldingRange: { dynamicRegistration: true, rangeLimit: 5000, lineFoldingOnly: true, foldingRangeKind: { valueSet: ['comment', 'imports', 'region'] }, foldingRange: { collapsedText: false } },
		publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] } },
	};
	if (pull) {
		textDocument.diagnostic = { dynamicRegistration: true, relatedDocumentSupport: false };
	}
	return {
		processId: process.pid,
		clientInfo: { name: 'rhizome-bench', version: '1' },
		locale: 'en',
		rootPath: root,
		rootUri: uri,
		workspaceFolders: [{ uri, name: path.basename(root) }],
		capabilities: {
			general: { positionEncodings: ['utf-16'] },
			window: { workDoneProgress: true, showMessage: {}, showDocument: { support: true } },
			workspace: {
				applyEdit: true,
				workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
				didChangeConfiguration: { dynamicRegistration: true },
				didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
				symbol: { dynamicRegistration: true },
				workspaceFolders: true,
				configuration: true,
				diagnostics: { refreshSupport: true },
			},
			textDocument,
		},
		initializationOptions: peer ? { markdownFileExtensions: ['md'] } : undefined,
		trace: 'off',
	};
}

// Size of a result, for the report: items, locations, symbols; 1 for a hover.
function resultSize(r) {
	if (r === null || r === undefined) {
		return 0;
	}
	if (Array.isArray(r)) {
		return r.length;
	}
	if (Array.isArray(r.items)) {
		return r.items.length;
	}
	return 1;
}

async function runSession(cfg) {
	const { server, root, plan, opts, logFile } = cfg;
	const res = { server: server.name, notesInVault: plan.noteCount, phases: {}, latency: {}, edit: null, errors: [] };
	const uriOf = (rel) => URI.file(path.join(root, rel)).toString();
	const ev = new Events();
	const st = {
		progressTokens: new Set(), progressBegin: null, progressEnd: null, status: [],
		publishes: 0, publishedUris: new Set(), lastPublish: null, pubs: [], refreshes: [], counters: {}, lastDiag: new Map(), unchanged: 0,
	};
	const open = new Map(); // uri -> {text, version}

	res.loadavg = require('os').loadavg();
	res.quiet = await waitQuiet(opts.quietWaitMs, 0.2);
	const busy0 = machineBusyS();
	const self0 = process.cpuUsage();
	const t0 = now();
	const proc = spawn(server.command, server.args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: server.cwd || process.cwd(), env: { ...process.env, ...server.env } });
	const log = fs.createWriteStream(logFile);
	proc.stderr.pipe(log);
	let exited = null;
	proc.on('exit', (code, signal) => {
		exited = { code, signal, atMs: now() - t0 };
		ev.close(new Error(`server exited (code ${code}, signal ${signal})`));
	});
	proc.on('error', (e) => ev.close(e));
	const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
	conn.onError(() => { /* reported through exit */ });

	conn.onRequest('window/workDoneProgress/create', (p) => {
		st.progressTokens.add(p.token);
		return null;
	});
	conn.onNotification('$/progress', (p) => {
		if (!st.progressTokens.has(p.token) || !p.value) {
			return;
		}
		if (p.value.kind === 'begin' && st.progressBegin === null) {
			st.progressBegin = now();
		}
		if (p.value.kind === 'end' && st.progressEnd === null) {
			st.progressEnd = now();
			st.progressEndMessage = p.value.message;
		}
		ev.emit();
	});
	conn.onNotification('rhizome/status', (p) => {
		st.status.push({ ...p, atMs: now() - t0 });
		ev.emit();
	});
	conn.onNotification('textDocument/publishDiagnostics', (p) => {
		const t = now();
		st.publishes++;
		st.publishedUris.add(p.uri);
		const key = JSON.stringify(p.diagnostics);
		if (st.lastDiag.get(p.uri) === key) {
			st.unchanged++;
		}
		st.lastDiag.set(p.uri, key);
		st.lastPublish = t;
		if (open.has(p.uri)) {
			st.pubs.push({ uri: p.uri, version: p.version, diags: p.diagnostics, t });
		}
		ev.emit();
	});
	conn.onRequest('workspace/diagnostic/refresh', () => {
		st.refreshes.push(now());
		ev.emit();
		return null;
	});
	conn.onRequest('workspace/configuration', (p) => (p.items || []).map(() => null));
	conn.onRequest('client/registerCapability', () => null);
	conn.onRequest('client/unregisterCapability', () => null);
	conn.onNotification('window/logMessage', () => {});
	conn.onNotification('window/showMessage', (p) => res.errors.push(`showMessage: ${p.message}`));
	conn.onNotification('$/logTrace', () => {});
	if (server.peer) {
		peerhost.install(conn, { root, openText: (u) => open.get(u)?.text, counters: st.counters });
	}
	conn.onRequest((method) => {
		st.counters[`unhandled ${method}`] = (st.counters[`unhandled ${method}`] || 0) + 1;
		return null;
	});
	conn.onClose(() => ev.close(new Error('connection closed')));
	conn.listen();

	const request = (method, params, ms) => {
		const cts = new rpc.CancellationTokenSource();
		return withTimeout(conn.sendRequest(method, params, cts.token), ms, method, () => cts.cancel())
			.finally(() => cts.dispose());
	};
	const phase = opts.phaseTimeoutMs;
	let alive = true;

	try {
		// 1. spawn -> initialize reply
		await request('initialize', initializeParams(root, server.pull, server.peer), phase);
		res.phases.initializeMs = now() - t0;
		conn.sendNotification('initialized', {});
		if (server.peer) {
			// VS Code sends the markdown.* section on start (synchronize.configurationSection).
			conn.sendNotification('workspace/didChangeConfiguration', { settings: peerhost.peerSettings });
		}

		// 2. spawn -> index complete
		if (server.indexSignal === 'progress') {
			try {
				await ev.until(() => st.progressEnd !== null, phase, 'index ($/progress end)');
				res.phases.indexMs = st.progressEnd - t0;
				res.phases.indexSignal = `$/progress end ("${st.progressEndMessage}")`;
				res.phases.progressBeginMs = st.progressBegin === null ? null : st.progressBegin - t0;
			} catch (e) {
				if (!e.timeout) {
					throw e;
				}
				res.phases.indexTimedOutS = phase / 1000;
				throw e;
			}
			const ready = st.status.find((s) => s.state === 'ready');
			if (ready) {
				res.phases.statusReadyMs = ready.atMs;
				res.phases.statusNotes = ready.notes;
			}
			// Then every note's diagnostics are pushed: time until the last one of
			// that burst (no publish for 500 ms after it).
			const start = now();
			while (now() - start < phase) {
				await sleep(50);
				if (st.lastPublish !== null && now() - st.lastPublish >= 500) {
					break;
				}
				if (st.lastPublish === null && now() - start > 5000) {
					break;
				}
			}
			res.phases.initialDiagnosticsMs = st.lastPublish === null ? null : st.lastPublish - t0;
			res.phases.initialDiagnosticsUris = st.publishedUris.size;
			const sym = await request('workspace/symbol', { query: '' }, phase);
			res.phases.indexSymbols = resultSize(sym);
		} else {
			// The peer has no index signal: it reads and parses the workspace
			// lazily, on the first request that needs every file. workspace/symbol
			// with an empty query is such a request (all headings of all files).
			try {
				const sym = await request('workspace/symbol', { query: '' }, phase);
				res.phases.indexMs = now() - t0;
				res.phases.indexSignal = 'first workspace/symbol "" answered (all headings of all files)';
				res.phases.indexSymbols = resultSize(sym);
			} catch (e) {
				if (e.timeout) {
					res.phases.indexTimedOutS = phase / 1000;
				}
				throw e;
			}
		}
		res.phases.indexCounters = { ...st.counters };
		if (opts.indexOnly) {
			// A restart: only how soon the index is back (and at what memory).
			throw new IndexOnly();
		}

		// 3. open the notes the requests are made in, the hub and a dependent.
		const toOpen = [...new Set([...plan.notes, ...(plan.linkNotes || []), plan.hub.hub, plan.hub.dependent])];
		for (const rel of toOpen) {
			const text = fs.readFileSync(path.join(root, rel), 'utf8');
			const uri = uriOf(rel);
			open.set(uri, { text, version: 1 });
			conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
		}
		const hubUri = uriOf(plan.hub.hub);
		const depUri = uriOf(plan.hub.dependent);
		if (server.pull) {
			// An editor pulls on open; do it for the two notes the edit test watches.
			await request('textDocument/diagnostic', { textDocument: { uri: hubUri } }, phase);
			await request('textDocument/diagnostic', { textDocument: { uri: depUri } }, phase);
		}
		// Both kinds of server start the requests after the same quiet.
		await settle(st, 300, 20000);

		// 4. request latencies, sequential, like one user.
		const loops = [
			['completion [[', plan.wikiOpen, (p) => ({ textDocument: { uri: uriOf(p.note) }, position: p, context: server.triggers.includes('[') ? { triggerKind: 2, triggerCharacter: '[' } : { triggerKind: 1 } }), 'textDocument/completion'],
			// The same links with three characters of the target typed.
			['completion [[abc', plan.wikiOpen.filter((p) => p.text.length >= 7).map((p) => ({ ...p, character: p.character + 3 })), (p) => ({ textDocument: { uri: uriOf(p.note) }, position: p, context: { triggerKind: 3 } }), 'textDocument/completion'],
			['completion ](', plan.mdOpen, (p) => ({ textDocument: { uri: uriOf(p.note) }, position: p, context: server.triggers.includes('(') ? { triggerKind: 2, triggerCharacter: '(' } : { triggerKind: 1 } }), 'textDocument/completion'],
			['definition', plan.mdLink, (p) => ({ textDocument: { uri: uriOf(p.note) }, position: p }), 'textDocument/definition'],
			['hover', plan.mdLink, (p) => ({ textDocument: { uri: uriOf(p.note) }, position: p }), 'textDocument/hover'],
			['references', plan.mdLink, (p) => ({ textDocument: { uri: uriOf(p.note) }, position: p, context: { includeDeclaration: true } }), 'textDocument/references'],
			['workspace symbols', plan.symbolQueries, (q) => ({ query: q }), 'workspace/symbol'],
			// Every link of a note, as an editor asks when it shows one (both servers give them).
			['document links', plan.linkNotes, (rel) => ({ textDocument: { uri: uriOf(rel) } }), 'textDocument/documentLink'],
			// The folds of the same notes, which an editor asks again after each change (both give them).
			['folding ranges', plan.linkNotes, (rel) => ({ textDocument: { uri: uriOf(rel) } }), 'textDocument/foldingRange'],
		];
		for (const [name, items, mk, method] of loops) {
			const out = { samples: [], sizes: [], nonEmpty: 0, timeouts: 0, errors: 0, requested: 0 };
			res.latency[name] = out;
			const started = now();
			const n = Math.max(opts.requests, 0);
			for (let i = 0; i < n && items.length; i++) {
				if (now() - started > opts.loopBudgetMs) {
					out.truncated = `stopped after ${i} requests: loop budget ${(opts.loopBudgetMs / 1000).toFixed(0)} s spent`;
					break;
				}
				const it = items[i % items.length];
				const params = mk(typeof it === 'string' ? it : { line: it.line, character: it.character, note: it.note });
				if (params.position) {
					params.position = { line: params.position.line, character: params.position.character };
				}
				const t = now();
				out.requested = i + 1;
				try {
					const r = await request(method, params, opts.requestTimeoutMs);
					out.samples.push(now() - t);
					const size = resultSize(r);
					out.sizes.push(size);
					if (size > 0) {
						out.nonEmpty++;
					}
				} catch (e) {
					if (e.timeout) {
						out.timeouts++;
						if (out.timeouts >= 2) {
							out.truncated = `stopped after 2 requests timed out (${opts.requestTimeoutMs / 1000} s each)`;
							break;
						}
					} else {
						out.errors++;
						out.lastError = String(e.message || e).slice(0, 200);
						if (ev.closed) {
							throw e;
						}
					}
				}
			}
		}

		// 5. edit -> diagnostics: rename a heading of the hub back and forth.
		res.edit = await editLoop({ conn, ev, st, server, plan, hubUri, depUri, open, request, opts });
	} catch (e) {
		if (!(e instanceof IndexOnly)) {
			res.errors.push(String(e.message || e));
		}
		if (ev.closed) {
			alive = false;
		}
	}

	// 6. peak RSS, read before shutdown.
	const ps = procStatus(proc.pid);
	if (ps) {
		res.rss = { peakMB: ps.hwmKB / 1024, nowMB: ps.rssKB / 1024, cpuS: ps.cpuS, threads: ps.threads };
	}
	res.counters = st.counters;
	res.publishes = st.publishes;
	res.wallS = (now() - t0) / 1000;
	// What other processes (other people's builds) took of the 2 cores meanwhile.
	const self = process.cpuUsage(self0);
	const others = machineBusyS() - busy0 - (self.user + self.system) / 1e6 - (ps ? ps.cpuS : 0);
	res.interference = { otherCpuS: Math.max(0, others), otherCores: Math.max(0, others) / res.wallS, clientCpuS: (self.user + self.system) / 1e6 };

	// 7. shutdown, exit; kill our child by its pid if it lingers. shutdown comes
	// after the same quiet for every server (an editor is closed after a pause),
	// not right after a pull server's last reply and 100 ms after a push
	// server's last diagnostics, which timed one warm and the other cold.
	let exitSent = null;
	if (alive && !exited) {
		try {
			await settle(st, 100, 2000);
			const ts = now();
			await request('shutdown', null, 5000);
			res.shutdownMs = now() - ts;
			exitSent = now();
			conn.sendNotification('exit');
		} catch { /* killed below */ }
	}
	const deadline = now() + 5000;
	while (!exited && now() < deadline) {
		await sleep(20);
	}
	if (!exited) {
		try {
			process.kill(proc.pid, 'SIGKILL');
		} catch { /* gone */ }
		res.killed = true;
		while (!exited && now() < deadline + 2000) {
			await sleep(20);
		}
	}
	res.exit = exited;
	if (exited && exitSent !== null) {
		res.exitMs = exited.atMs - (exitSent - t0); // exit notification -> process gone
	}
	conn.dispose();
	log.end();
	return res;
}

// Waits until no diagnostics were published for quietMs (or maxMs passed).
async function settle(st, quietMs, maxMs) {
	const start = now();
	while (now() - start < maxMs) {
		await sleep(Math.min(50, quietMs));
		const last = st.lastPublish ?? start;
		if (now() - Math.max(last, start) >= quietMs) {
			return;
		}
	}
}

async function editLoop({ conn, ev, st, server, plan, hubUri, depUri, open, request, opts }) {
	const h = plan.hub.heading;
	const link = plan.hub.depLink;
	const out = {
		hub: plan.hub.hub, hubBacklinks: plan.hub.backlinks, heading: h.text, dependent: plan.hub.dependent,
		link: link.dest, iterations: 0, selfMs: [], depMs: [], selfMissing: 0, depMissing: 0, depCorrect: 0, depWrong: 0, publishesPerEdit: [], unchangedPerEdit: [],
	};
	const doc = open.get(hubUri);
	let current = h.text;
	const waitMs = opts.editTimeoutMs;
	// The dependent's diagnostic for the link, found by its line.
	const flagged = (diags) => (diags || []).some((d) => d.range.start.line === link.line && d.range.start.character <= link.destCol + link.dest.length && d.range.end.character >= link.destCol);
	const depBefore = open.get(depUri);
	void depBefore;
	const started = now();
	for (let i = 0; i < opts.edits; i++) {
		if (now() - started > opts.loopBudgetMs) {
			out.truncated = `stopped after ${i} edits: loop budget spent`;
			break;
		}
		const renamed = i % 2 === 0;
		const next = renamed ? `${h.text} Renamed` : h.text;
		const range = { start: { line: h.line, character: h.start }, end: { line: h.line, character: h.start + current.length } };
		doc.version++;
		const lines = doc.text.split('\n');
		lines[h.line] = lines[h.line].slice(0, h.start) + next + lines[h.line].slice(h.start + current.length);
		doc.text = lines.join('\n');
		current = next;
		const version = doc.version;
		const pubsBefore = st.pubs.length;
		const publishesBefore = st.publishes;
		const unchangedBefore = st.unchanged;
		const t = now();
		conn.sendNotification('textDocument/didChange', { textDocument: { uri: hubUri, version }, contentChanges: [{ range, text: next }] });
		out.iterations++;
		if (server.pull) {
			// What a pull client does: pull the edited note, then the open
			// dependent (VS Code schedules that second pull on a 500 ms timer;
			// here it is sent at once, so this is the server's own time).
			try {
				await request('textDocument/diagnostic', { textDocument: { uri: hubUri } }, waitMs);
				out.selfMs.push(now() - t);
			} catch (e) {
				if (!e.timeout) {
					throw e;
				}
				out.selfMissing++;
			}
			try {
				const r = await request('textDocument/diagnostic', { textDocument: { uri: depUri } }, waitMs);
				out.depMs.push(now() - t);
				if (flagged(r && r.items) === renamed) {
					out.depCorrect++;
				} else {
					out.depWrong++;
				}
			} catch (e) {
				if (!e.timeout) {
					throw e;
				}
				out.depMissing++;
			}
		} else {
			const since = (uri, pred) => () => st.pubs.slice(pubsBefore).some((p) => p.uri === uri && pred(p));
			const selfP = ev.until(since(hubUri, (p) => p.version === version || p.version === undefined || p.version === null), waitMs, 'hub diagnostics')
				.then(() => { out.selfMs.push(st.pubs.slice(pubsBefore).find((p) => p.uri === hubUri).t - t); })
				.catch((e) => { if (!e.timeout) { throw e; } out.selfMissing++; });
			const depP = ev.until(since(depUri, () => true), waitMs, 'dependent diagnostics')
				.then(() => {
					const p = st.pubs.slice(pubsBefore).find((q) => q.uri === depUri);
					out.depMs.push(p.t - t);
					if (flagged(p.diags) === renamed) {
						out.depCorrect++;
					} else {
						out.depWrong++;
					}
				})
				.catch((e) => { if (!e.timeout) { throw e; } out.depMissing++; });
			await Promise.all([selfP, depP]);
		}
		// The next edit comes after a pause, as a user's does, for both kinds of
		// server: a message after a pause finds the caches cold (an idle process
		// answers slower than a busy one), so a pull server sent its next edit
		// at once would be timed warm against a push server timed cold.
		await settle(st, 100, 2000);
		if (!server.pull) {
			out.publishesPerEdit.push(st.publishes - publishesBefore);
			out.unchangedPerEdit.push(st.unchanged - unchangedBefore);
		}
	}
	return out;
}

module.exports = { runSession, TimeoutError };
