'use strict';
// The client half of VS Code's markdown language server: the custom requests it
// sends to the editor, answered the way VS Code's markdown-language-features
// extension answers them (src/client/client.ts there): real files from disk, a
// real markdown-it token list for markdown/parse.

const fs = require('fs');
const { URI } = require('vscode-uri');
const MarkdownIt = require('markdown-it');
const frontMatter = require('markdown-it-front-matter');
const { walk } = require('./vault');

// VS Code's engine: markdown-it with html and linkify (fuzzy links off) and the
// front-matter plugin, so a YAML block is one front_matter token.
function makeParser() {
	const md = MarkdownIt({ html: true, linkify: true, breaks: false });
	md.linkify.set({ fuzzyLink: false });
	md.use(frontMatter, () => { /* VS Code keeps it as a token */ });
	return md;
}

// VS Code's defaults for the markdown.* settings the server reads, with
// validation turned on (its default is off) so the peer computes diagnostics.
const peerSettings = {
	markdown: {
		server: { log: 'off' },
		preferredMdPathExtensionStyle: 'auto',
		suggest: { paths: { enabled: true, includeWorkspaceHeaderCompletions: 'onDoubleHash' } },
		occurrencesHighlight: { enabled: false },
		validate: {
			enabled: true,
			referenceLinks: { enabled: 'warning' },
			fragmentLinks: { enabled: 'warning' },
			fileLinks: { enabled: 'warning', markdownFragmentLinks: 'inherit' },
			ignoredLinks: [],
			unusedLinkDefinitions: { enabled: 'hint' },
			duplicateLinkDefinitions: { enabled: 'warning' },
		},
	},
};

function install(conn, { root, openText, counters }) {
	const md = makeParser();
	const fsPath = (uri) => URI.parse(uri).fsPath;
	const count = (k) => { counters[k] = (counters[k] || 0) + 1; };

	conn.onRequest('markdown/parse', (p) => {
		count('markdown/parse');
		let text = p.text;
		if (text === undefined || text === null) {
			text = openText(p.uri);
		}
		if (text === undefined) {
			try {
				text = fs.readFileSync(fsPath(p.uri), 'utf8');
			} catch {
				return [];
			}
		}
		return md.parse(text, {});
	});
	conn.onRequest('markdown/fs/readFile', (p) => {
		count('markdown/fs/readFile');
		// VS Code answers with Array.from(bytes): a JSON array of numbers.
		return Array.from(fs.readFileSync(fsPath(p.uri)));
	});
	conn.onRequest('markdown/fs/stat', (p) => {
		count('markdown/fs/stat');
		try {
			return { isDirectory: fs.statSync(fsPath(p.uri)).isDirectory() };
		} catch {
			return undefined;
		}
	});
	conn.onRequest('markdown/fs/readDirectory', (p) => {
		count('markdown/fs/readDirectory');
		return fs.readdirSync(fsPath(p.uri), { withFileTypes: true })
			.map((e) => [e.name, { isDirectory: e.isDirectory() }]);
	});
	conn.onRequest('markdown/findMarkdownFilesInWorkspace', () => {
		count('markdown/findMarkdownFilesInWorkspace');
		// VS Code: workspace.findFiles('**/*.{md,...}', '**/node_modules/**').
		return walk(root).filter((f) => f.toLowerCase().endsWith('.md'))
			.map((f) => URI.file(root + '/' + f).toString());
	});
	// Watchers: accepted and kept. The benchmark changes no file on disk, so no
	// watcher ever has an event to report.
	const watchers = new Map();
	conn.onRequest('markdown/fs/watcher/create', (p) => {
		count('markdown/fs/watcher/create');
		watchers.set(p.id, p.uri);
		return null;
	});
	conn.onRequest('markdown/fs/watcher/delete', (p) => {
		count('markdown/fs/watcher/delete');
		watchers.delete(p.id);
		return null;
	});
	return { watchers };
}

module.exports = { install, peerSettings, makeParser };
