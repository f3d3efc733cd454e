// VS Code entry point: starts the bundled language server (dist/server.js) for pgbouncer.ini files,
// and the "PgBouncer: Audit Configuration" command (the server's pgbouncer/auditReport request).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionContext } from 'vscode';
import {
  LanguageClient,
  RequestType,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  AUDIT_REPORT_REQUEST,
  LANGUAGE_ID,
  SETTINGS_SECTION,
  USERLIST_LANGUAGE_ID,
} from '../../server/src/protocol';
import { registerLanguageTools } from './language';
import { registerPools } from './pools';
import type { AuditReportParams, AuditReportResult } from '../../server/src/protocol';

export const AUDIT_COMMAND = 'pgbouncer.auditConfiguration';

const auditReportRequest = new RequestType<AuditReportParams, AuditReportResult, void>(AUDIT_REPORT_REQUEST);

let client: LanguageClient | undefined;

/** Asks the server for the report of the active pgbouncer.ini and shows it beside it, with its preview. */
async function auditConfiguration(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE_ID) {
    void vscode.window.showErrorMessage(
      'PgBouncer: Audit Configuration works on a pgbouncer.ini: open one (language "PgBouncer config") and run it again.',
    );
    return;
  }
  const running = client;
  if (running?.state === State.Starting) {
    // Run right after the extension activated: wait for the server (start() returns the same promise).
    await running.start().catch(() => undefined);
  }
  if (!running || !running.isRunning()) {
    void vscode.window.showErrorMessage(
      'PgBouncer: the language server is not running, so there is no audit report. The output channel "PgBouncer Config" says why.',
    );
    return;
  }
  let markdown: string;
  try {
    const uri = running.code2ProtocolConverter.asUri(editor.document.uri);
    ({ markdown } = await running.sendRequest(auditReportRequest, { uri }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`PgBouncer: the audit report failed: ${reason}`);
    return;
  }
  const report = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(report, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  await vscode.commands.executeCommand('markdown.showPreviewToSide', report.uri);
}

export async function activate(context: ExtensionContext): Promise<void> {
  context.subscriptions.push(vscode.commands.registerCommand(AUDIT_COMMAND, auditConfiguration));
  registerLanguageTools(context);
  registerPools(context, () => client);
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
      { scheme: 'file', language: USERLIST_LANGUAGE_ID },
      { scheme: 'untitled', language: USERLIST_LANGUAGE_ID },
    ],
    synchronize: { configurationSection: SETTINGS_SECTION },
    outputChannelName: 'PgBouncer Config',
  };
  client = new LanguageClient('pgbouncer', 'PgBouncer Config', serverOptions, clientOptions);
  // Activation returns at once: VS Code waits for activate() before it runs anything of the
  // extension, and the server's start (a process and its handshake) need not hold that up.
  const starting = client;
  starting.start().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`PgBouncer Config: the language server did not start: ${reason}`);
  });
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  await running?.stop();
}
