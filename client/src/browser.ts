// Entry point of the web extension (package.json "browser", dist/browser/extension.js), for
// vscode.dev, github.dev and the web worker extension host of other browser workbenches. It starts
// the web-worker language server (dist/browser/server.js) and answers its pgbouncer/readFile requests
// with vscode.workspace.fs, so %include, auth_file and .pgbouncerlintrc.json are read from whatever
// file system the workspace is on. What needs Node (the Pool Status view's TCP connections, the
// deployment audit's folder walk) is desktop only; package.json shows a welcome text for it on the web.
import * as vscode from 'vscode';
import type { ExtensionContext } from 'vscode';
import { LanguageClient, RequestType, State } from 'vscode-languageclient/browser';
import type { LanguageClientOptions } from 'vscode-languageclient/browser';
import {
  AUDIT_REPORT_REQUEST,
  LANGUAGE_ID,
  READ_FILE_REQUEST,
  SETTINGS_SECTION,
  USERLIST_LANGUAGE_ID,
} from '../../server/src/api';
import { withFixAllApplied } from './fix-all-applied';
import { registerWalkthrough } from './walkthrough';
import type {
  AuditReportParams,
  AuditReportResult,
  ReadFileParams,
  ReadFileResult,
} from '../../server/src/api';

const AUDIT_COMMAND = 'pgbouncer.auditConfiguration';
const auditReportRequest = new RequestType<AuditReportParams, AuditReportResult, void>(AUDIT_REPORT_REQUEST);
const readFileRequest = new RequestType<ReadFileParams, ReadFileResult, void>(READ_FILE_REQUEST);

let client: LanguageClient | undefined;

// The worker global of the web extension host; tsconfig has no DOM lib (the rest of the client runs on Node).
type ServerWorker = ConstructorParameters<typeof LanguageClient>[2];
declare const Worker: new (url: string) => ServerWorker;

/**
 * The server's worker. A worker from the extension's own URL is refused where the extension is
 * not served from the page's origin (code-server: "Creating workers from remote extensions is
 * currently not supported"); a worker from a blob of the same script is not.
 */
async function serverWorker(context: ExtensionContext): Promise<ServerWorker> {
  const serverUri = vscode.Uri.joinPath(context.extensionUri, 'dist', 'browser', 'server.js');
  try {
    return new Worker(serverUri.toString(true));
  } catch {
    const bytes = await vscode.workspace.fs.readFile(serverUri);
    return new Worker(URL.createObjectURL(new Blob([bytes], { type: 'application/javascript' })));
  }
}

/** The error code of a vscode.FileSystemError ('FileNotFound', 'NoPermissions', 'Unavailable' ...). */
function errorCode(error: unknown): string {
  return error instanceof vscode.FileSystemError
    ? error.code
    : error instanceof Error
      ? error.message
      : String(error);
}

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Answers the server's look at, or read of, a file of the workspace's file system. */
async function readFile(params: ReadFileParams): Promise<ReadFileResult> {
  const uri = vscode.Uri.parse(params.uri);
  let stat: vscode.FileStat;
  try {
    stat = await vscode.workspace.fs.stat(uri);
  } catch (error) {
    const code = errorCode(error);
    return code === 'FileNotFound' || code === 'EntryNotFound'
      ? { kind: 'missing' }
      : { kind: 'error', code };
  }
  const kind =
    (stat.type & vscode.FileType.File) !== 0
      ? 'file'
      : (stat.type & vscode.FileType.Directory) !== 0
        ? 'directory'
        : 'other';
  const found = { kind, size: stat.size, mtime: stat.mtime, ctime: stat.ctime } as const;
  if (kind !== 'file' || params.maxBytes <= 0 || stat.size > params.maxBytes) return found;
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    return bytes.length > params.maxBytes ? found : { ...found, base64: base64Of(bytes) };
  } catch (error) {
    return { kind: 'error', code: errorCode(error) };
  }
}

async function startClient(context: ExtensionContext): Promise<LanguageClient> {
  const clientOptions: LanguageClientOptions = {
    // Every scheme: vscode-vfs (github.dev), vscode-remote, file, untitled ...
    documentSelector: [{ language: LANGUAGE_ID }, { language: USERLIST_LANGUAGE_ID }],
    synchronize: { configurationSection: SETTINGS_SECTION },
    middleware: {
      // the walkthrough's Fix All step completes however Fix All is applied (fix-all-applied.ts)
      provideCodeActions: async (document, range, context, token, next) =>
        withFixAllApplied(await next(document, range, context, token)),
    },
    outputChannelName: 'PgBouncer Config',
  };
  const started = new LanguageClient(
    'pgbouncer',
    'PgBouncer Config',
    await serverWorker(context),
    clientOptions,
  );
  started.onRequest(readFileRequest, readFile);
  await started.start();
  return started;
}

/** Asks the server for the report of the active pgbouncer.ini and shows it beside it, with its preview. */
async function auditConfiguration(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE_ID) {
    void vscode.window.showErrorMessage(
      'PgBouncer: Audit Configuration works on a pgbouncer.ini: open one (language "PgBouncer config") and run it again.',
    );
    return;
  }
  if (!client || client.state !== State.Running) {
    void vscode.window.showErrorMessage(
      'PgBouncer: the language server is not running, so there is no audit report. The output channel "PgBouncer Config" says why.',
    );
    return;
  }
  try {
    const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
    const { markdown } = await client.sendRequest(auditReportRequest, { uri });
    const report = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(report, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    await showPreview(report.uri);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`PgBouncer: the audit report failed: ${reason}`);
  }
}

/**
 * The report's Markdown preview beside it, as on the desktop. The built-in Markdown extension runs on
 * the web too, but a workbench may leave it out or disable it: then the Markdown document stays alone.
 */
async function showPreview(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch {
    // no preview command here: the document, already shown, is the report
  }
}

export async function activate(context: ExtensionContext): Promise<void> {
  context.subscriptions.push(vscode.commands.registerCommand(AUDIT_COMMAND, auditConfiguration));
  // The walkthrough's steps that need Node (an instance, alert rules written to disk) are hidden on
  // the web by their `when`; the others work here as on the desktop.
  registerWalkthrough(context, { audit: AUDIT_COMMAND, generateAlertRules: 'pgbouncer.generateAlertRules' });
  try {
    client = await startClient(context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`PgBouncer Config: the language server did not start: ${reason}`);
  }
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  await running?.stop();
}
