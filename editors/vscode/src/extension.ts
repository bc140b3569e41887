// VS Code client for the rhizome language server (`rhizome serve`, LSP over stdio).
//
// What lives here and nowhere else: finding the executable, mapping the
// `rhizome.*` settings to the server's configuration keys, the status bar item,
// the commands (restart, output, unlinked mentions, linking them) and the one
// behind the code lenses. Everything a note needs (completion, hover,
// diagnostics…) comes from the server through vscode-languageclient.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  Location as LspLocation,
  Position as LspPosition,
  LanguageClientOptions,
  NotificationType,
  ServerOptions,
  State,
  WorkDoneProgress,
} from 'vscode-languageclient/node';

export const INSTALL_COMMAND = 'go install github.com/rhizome-lsp/rhizome/cmd/rhizome@latest';

/** The server's configuration keys (those of .rhizome.yaml), as `rhizome.<key>` settings. */
export const SERVER_SETTING_KEYS = ['profiles', 'quartzResolution', 'ignore', 'explicitPublish', 'diagnostics', 'diagnosticMode'] as const;

/** `rhizome.logLevel` becomes the server's `--log-level` flag. */
function serverArgs(): string[] {
  const level = vscode.workspace.getConfiguration('rhizome').get<string>('logLevel', 'info');
  return ['serve', '--log-level', level || 'info'];
}

/** Params of the server's `rhizome/status` notification. */
interface StatusParams {
  state: 'indexing' | 'ready';
  notes: number;
  message?: string;
}
const StatusNotification = new NotificationType<StatusParams>('rhizome/status');

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
/** Set once the server has said how many notes it indexed; progress then only adds detail. */
let lastStatus: StatusParams | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Rhizome');
  statusItem = vscode.window.createStatusBarItem('rhizome.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'Rhizome';
  statusItem.command = 'rhizome.showOutput';
  context.subscriptions.push(output, statusItem);

  context.subscriptions.push(
    vscode.commands.registerCommand('rhizome.restart', restart),
    vscode.commands.registerCommand('rhizome.showOutput', () => output.show(true)),
    vscode.commands.registerCommand(SHOW_REFERENCES_COMMAND, showReferences),
    vscode.commands.registerCommand('rhizome.showUnlinkedMentions', showUnlinkedMentions),
    vscode.commands.registerCommand('rhizome.linkAllUnlinkedMentions', linkAllUnlinkedMentions),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
  );

  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

// ---------------------------------------------------------------------------
// Code lenses

/**
 * The command of the server's code lenses ("12 backlinks" above a note, "3 links" above a
 * heading). The lens holds its count, not its links (a hub's would be thousands, sent again at
 * every pause in typing): on a click this asks the server for them (`rhizome.lensLinks`) and
 * shows them in the references peek.
 */
const SHOW_REFERENCES_COMMAND = 'rhizome.showReferences';

async function showReferences(uri: string, position: LspPosition, target: unknown): Promise<void> {
  if (!client) {
    return;
  }
  const locations = (await client.sendRequest(ExecuteCommandRequest.type, { command: 'rhizome.lensLinks', arguments: [uri, target] })) as LspLocation[] | null;
  const p2c = client.protocol2CodeConverter;
  await peek(p2c.asUri(uri), p2c.asPosition(position), locations ?? []);
}

/** Shows locations the server sent in the references peek, at position in uri. */
async function peek(uri: vscode.Uri, position: vscode.Position, locations: LspLocation[]): Promise<void> {
  const p2c = client!.protocol2CodeConverter;
  await vscode.commands.executeCommand('editor.action.showReferences', uri, position, locations.map((l) => p2c.asLocation(l)));
}

/**
 * Runs a server command whose one argument is the active note, and returns its answer with the
 * note's editor and name; undefined when no markdown note is active or no server runs.
 */
async function runOnActiveNote<T>(command: string): Promise<{ result: T | null; editor: vscode.TextEditor; name: string } | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor || editor.document.languageId !== 'markdown') {
    return undefined;
  }
  const uri = editor.document.uri;
  const result = (await client.sendRequest(ExecuteCommandRequest.type, {
    command,
    arguments: [client.code2ProtocolConverter.asUri(uri)],
  })) as T | null;
  return { result, editor, name: path.basename(uri.fsPath, path.extname(uri.fsPath)) };
}

/**
 * "Rhizome: Show unlinked mentions of this note": where other notes write the active note's
 * title, an alias or its file name without linking to it, in the references peek. The light
 * bulb on each one links it.
 */
async function showUnlinkedMentions(): Promise<void> {
  const run = await runOnActiveNote<LspLocation[]>('rhizome.unlinkedMentions');
  if (!run) {
    return;
  }
  if (!run.result || run.result.length === 0) {
    void vscode.window.showInformationMessage(`No unlinked mentions of ${run.name}.`);
    return;
  }
  await peek(run.editor.document.uri, run.editor.selection.active, run.result);
}

/**
 * "Rhizome: Link all unlinked mentions of this note": the server sends one edit
 * (workspace/applyEdit) that links them all, which Undo takes back file by file.
 */
async function linkAllUnlinkedMentions(): Promise<void> {
  const run = await runOnActiveNote<{ linked: number; applied: boolean }>('rhizome.linkUnlinkedMentions');
  if (!run) {
    return;
  }
  const res = run.result;
  if (!res || res.linked === 0) {
    void vscode.window.showInformationMessage(`No unlinked mentions of ${run.name}.`);
  } else if (res.applied) {
    void vscode.window.showInformationMessage(`Linked ${res.linked} unlinked mention${res.linked === 1 ? '' : 's'} of ${run.name}.`);
  }
}

// ---------------------------------------------------------------------------
// Finding the executable

/** Returns the server executable, or undefined after telling the user why there is none. */
function findServer(): string | undefined {
  const configured = vscode.workspace.getConfiguration('rhizome').get<string>('path', '').trim();
  if (configured) {
    const resolved = resolveConfiguredPath(configured);
    if (isExecutableFile(resolved)) {
      return resolved;
    }
    // A bare command name ("rhizome-dev") is looked up on PATH like the default.
    if (!configured.includes('/') && !configured.includes('\\')) {
      const onPath = searchPath(configured);
      if (onPath) {
        return onPath;
      }
    }
    reportMissingServer(`rhizome.path is set to "${configured}", but ${resolved} is not an executable file.`);
    return undefined;
  }
  const onPath = searchPath('rhizome');
  if (onPath) {
    return onPath;
  }
  reportMissingServer('The rhizome language server was not found on PATH.');
  return undefined;
}

function resolveConfiguredPath(p: string): string {
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) {
    p = path.join(os.homedir(), p.slice(1));
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  p = p.replace(/\$\{workspaceFolder\}/g, folder?.uri.fsPath ?? '');
  if (!path.isAbsolute(p) && folder) {
    p = path.join(folder.uri.fsPath, p);
  }
  return p;
}

function searchPath(command: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  // `go install` puts binaries in $GOBIN or $GOPATH/bin (default ~/go/bin), often not on
  // the PATH that VS Code was started with: look there too.
  if (process.env.GOBIN) {
    dirs.push(process.env.GOBIN);
  }
  dirs.push(path.join(process.env.GOPATH || path.join(os.homedir(), 'go'), 'bin'));
  const names = process.platform === 'win32' ? [`${command}.exe`, command] : [command];
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

function isExecutableFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(p, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

function reportMissingServer(reason: string): void {
  const message = `${reason} Install it with \`${INSTALL_COMMAND}\` or set "rhizome.path".`;
  output.appendLine(`[error] ${message}`);
  setStatus('$(error) rhizome: not found', message, new vscode.ThemeColor('statusBarItem.errorBackground'));
  const copy = 'Copy install command';
  const settings = 'Open settings';
  void vscode.window.showErrorMessage(`rhizome: ${message}`, copy, settings).then(async (choice) => {
    if (choice === copy) {
      await vscode.env.clipboard.writeText(INSTALL_COMMAND);
    } else if (choice === settings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'rhizome.path');
    }
  });
}

// ---------------------------------------------------------------------------
// Settings

/**
 * The `rhizome.*` settings that the user has set, under the server's keys. Settings
 * left at their defaults are omitted so that the vault's own `.rhizome.yaml` and the
 * detection of `.obsidian/` / `quartz.config.ts` decide them.
 */
export function serverSettings(scope?: vscode.ConfigurationScope): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration('rhizome', scope);
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_SETTING_KEYS) {
    const inspected = config.inspect(key);
    const isSet =
      inspected !== undefined &&
      (inspected.globalValue !== undefined ||
        inspected.workspaceValue !== undefined ||
        inspected.workspaceFolderValue !== undefined ||
        inspected.globalLanguageValue !== undefined ||
        inspected.workspaceLanguageValue !== undefined ||
        inspected.workspaceFolderLanguageValue !== undefined);
    if (isSet) {
      settings[key] = config.get(key);
    }
  }
  return settings;
}

async function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
  if (!event.affectsConfiguration('rhizome')) {
    return;
  }
  if (event.affectsConfiguration('rhizome.path') || event.affectsConfiguration('rhizome.logLevel')) {
    output.appendLine('[info] rhizome.path or rhizome.logLevel changed: restarting the server');
    await restart();
    return;
  }
  if (client?.isRunning()) {
    // Push model for servers that do not pull; a server that pulls gets the same
    // object from workspace/configuration (see the middleware below).
    await client.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { rhizome: serverSettings() },
    });
  }
}

// ---------------------------------------------------------------------------
// The client

async function startClient(): Promise<void> {
  const command = findServer();
  if (!command) {
    return;
  }
  const args = serverArgs();
  output.appendLine(`[info] starting ${command} ${args.join(' ')}`);
  setStatus('$(sync~spin) rhizome: starting…', `${command} ${args.join(' ')}`);

  // No TransportKind: stdio is the server's only transport, and languageclient would add --stdio.
  const serverOptions: ServerOptions = {
    run: { command, args },
    debug: { command, args },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'markdown' }],
    initializationOptions: serverSettings(),
    outputChannel: output,
    traceOutputChannel: output,
    synchronize: {
      // Tell the server when notes or its config change on disk, also outside the editor.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/*.md'),
        vscode.workspace.createFileSystemWatcher('**/.rhizome.yaml'),
        vscode.workspace.createFileSystemWatcher('**/.obsidian/app.json'),
        vscode.workspace.createFileSystemWatcher('**/quartz.config.ts'),
      ],
    },
    middleware: {
      workspace: {
        // Answer workspace/configuration for the section "rhizome" (or "rhizome.<key>")
        // with the server's keys; anything else goes to the default handler.
        configuration: async (params, token, next) => {
          const defaults = await next(params, token);
          if (!Array.isArray(defaults)) {
            return defaults;
          }
          return params.items.map((item, i) => {
            const section = item.section ?? '';
            if (section !== 'rhizome' && !section.startsWith('rhizome.')) {
              return defaults[i];
            }
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            const settings = serverSettings(scope);
            return section === 'rhizome' ? settings : settings[section.slice('rhizome.'.length)] ?? null;
          });
        },
      },
    },
  };

  const lc = new LanguageClient('rhizome', 'Rhizome', serverOptions, clientOptions);
  watchWorkDoneProgress(lc);
  lc.onDidChangeState((e) => {
    if (e.newState === State.Stopped) {
      setStatus('$(circle-slash) rhizome: stopped', 'The server stopped. Run "Rhizome: Restart server".');
    } else if (e.newState === State.Running && !lastStatus) {
      setStatus('$(check) rhizome', 'rhizome is running');
    }
  });
  lc.onNotification(StatusNotification, onServerStatus);
  client = lc;
  lastStatus = undefined;
  try {
    await lc.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    output.appendLine(`[error] the server failed to start: ${message}`);
    setStatus('$(error) rhizome: failed', message, new vscode.ThemeColor('statusBarItem.errorBackground'));
    void vscode.window.showErrorMessage(`rhizome: the server failed to start: ${message}`, 'Show output').then((c) => {
      if (c) {
        output.show(true);
      }
    });
    return;
  }
}

async function stopClient(): Promise<void> {
  const lc = client;
  client = undefined;
  if (lc && lc.state !== State.Stopped) {
    try {
      await lc.stop(5000);
    } catch (err) {
      output.appendLine(`[warn] stopping the server: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  await lc?.dispose().catch(() => undefined);
}

async function restart(): Promise<void> {
  output.appendLine('[info] restarting the server');
  await stopClient();
  await startClient();
}

// ---------------------------------------------------------------------------
// Status bar

function setStatus(text: string, tooltip?: string, background?: vscode.ThemeColor): void {
  statusItem.text = text;
  statusItem.tooltip = tooltip;
  statusItem.backgroundColor = background;
  statusItem.show();
}

function onServerStatus(params: StatusParams): void {
  lastStatus = params;
  if (params.state === 'indexing') {
    const count = params.notes > 0 ? ` (${params.notes} notes)` : '';
    setStatus(`$(sync~spin) rhizome: indexing…${count}`, params.message ?? 'Indexing the notes of the workspace');
  } else {
    const noun = params.notes === 1 ? 'note' : 'notes';
    setStatus(`$(check) rhizome: ${params.notes} ${noun}`, params.message ?? `${params.notes} ${noun} indexed`);
  }
}

/**
 * vscode-languageclient already shows the server's work-done progress (`$/progress`
 * after `window/workDoneProgress/create`) as a notification. Mirror it in the status
 * bar as well, by seeing each value on its way to the client's own progress handler.
 */
function watchWorkDoneProgress(lc: LanguageClient): void {
  const original = lc.onProgress.bind(lc);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (lc as any).onProgress = (type: any, token: string | number, handler: (value: any) => void) => {
    if (type !== WorkDoneProgress.type) {
      return original(type, token, handler);
    }
    return original(type, token, (value: WorkDoneValue) => {
      try {
        onWorkDoneProgress(value);
      } catch (err) {
        output.appendLine(`[warn] status bar: ${err instanceof Error ? err.message : String(err)}`);
      }
      handler(value);
    });
  };
}

interface WorkDoneValue {
  kind?: string;
  title?: string;
  message?: string;
  percentage?: number;
}

let progressTitle = '';
function onWorkDoneProgress(value: WorkDoneValue): void {
  if (value.kind === 'begin') {
    progressTitle = value.title ?? '';
  }
  if (value.kind === 'end') {
    progressTitle = '';
    if (lastStatus?.state === 'ready') {
      onServerStatus(lastStatus);
    } else if (!lastStatus) {
      setStatus('$(check) rhizome', value.message ?? 'rhizome is ready');
    }
    return;
  }
  if (lastStatus?.state === 'ready') {
    return; // the server already reported the finished index; a later progress is not indexing
  }
  const pct = typeof value.percentage === 'number' ? ` ${Math.round(value.percentage)}%` : '';
  const detail = [progressTitle, value.message].filter(Boolean).join(': ');
  setStatus(`$(sync~spin) rhizome: indexing…${pct}`, detail || 'Indexing the notes of the workspace');
}
