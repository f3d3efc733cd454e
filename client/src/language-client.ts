// The language client, a bundle of its own (dist/language-client.js, see lazy.ts): it starts the
// bundled language server (dist/server.js) for pgbouncer.ini and userlist files and for the files of a
// deployment (compose, Kubernetes, .env, application configs), runs the "PgBouncer: Audit
// Configuration" command (the server's pgbouncer/auditReport request) and feeds the Deployment view.
// extension.ts requires it right after activation, or earlier when the audit command needs it.
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
  GENERATE_MONITORING_REQUEST,
  DEPLOYMENT_CHANGED_NOTIFICATION,
  DEPLOYMENT_REQUEST,
  LANGUAGE_ID,
  SETTINGS_SECTION,
  USERLIST_LANGUAGE_ID,
} from '../../server/src/api';
import type {
  GenerateMonitoringParams,
  GenerateMonitoringResult,
  AuditReportParams,
  AuditReportResult,
  DeploymentParams,
  DeploymentSummary,
} from '../../server/src/api';
import type { DeploymentSource } from './deployment/source';
import { withFixAllApplied } from './fix-all-applied';
import { poolSettings } from './pools/settings';

const auditReportRequest = new RequestType<AuditReportParams, AuditReportResult, void>(AUDIT_REPORT_REQUEST);
const deploymentRequest = new RequestType<DeploymentParams, DeploymentSummary[], void>(DEPLOYMENT_REQUEST);

/**
 * The files of a deployment the server publishes diagnostics for, by name and never by language: we
 * add diagnostics to files whose language other extensions (YAML, dotenv, Prisma, Spring) own. Each
 * pattern names only files that deploymentKindOfPath (server/src/deployment/read/discover.ts) takes
 * as a deployment file: the server reads any other document it is sent as a pgbouncer.ini.
 */
const DEPLOYMENT_DOCUMENTS = [
  // compose files, Kubernetes manifests, Spring's application*.yml, Rails' config/database.yml
  '**/*.{yml,yaml}',
  '**/.env',
  '**/.env.*',
  '**/*.env',
  '**/*.prisma',
  '**/application.properties',
  '**/application{.,-,_}*.properties',
];

/**
 * Files whose change on disk changes the deployment: the documents above, and what they are read
 * with: any .ini (an .ini is a PgBouncer configuration by its sections), userlist.txt, and .gitignore
 * (the workspace scan skips what it ignores).
 */
const DEPLOYMENT_WATCHED = [...DEPLOYMENT_DOCUMENTS, '**/*.ini', '**/userlist.txt', '**/.gitignore'];

/** Creates the client of the bundled language server and starts it; a failed start is shown, not thrown. */
export function startLanguageClient(context: ExtensionContext): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const watchers = DEPLOYMENT_WATCHED.map((pattern) => vscode.workspace.createFileSystemWatcher(pattern));
  context.subscriptions.push(...watchers);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
      { scheme: 'file', language: USERLIST_LANGUAGE_ID },
      { scheme: 'untitled', language: USERLIST_LANGUAGE_ID },
      ...DEPLOYMENT_DOCUMENTS.map((pattern) => ({ scheme: 'file', pattern })),
    ],
    synchronize: { configurationSection: SETTINGS_SECTION, fileEvents: watchers },
    middleware: {
      // The server answers a deployment file's folding request with no ranges, and any list of ranges
      // replaces VS Code's folding by indentation: no answer at all keeps it.
      provideFoldingRanges: (document, context, token, next) =>
        isPgBouncerLanguage(document.languageId) ? next(document, context, token) : undefined,
      // the walkthrough's Fix All step completes however Fix All is applied (fix-all-applied.ts)
      provideCodeActions: async (document, range, context, token, next) =>
        withFixAllApplied(await next(document, range, context, token)),
    },
    outputChannelName: 'PgBouncer Config',
  };
  const client = new LanguageClient('pgbouncer', 'PgBouncer Config', serverOptions, clientOptions);
  client.start().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`PgBouncer Config: the language server did not start: ${reason}`);
  });
  return client;
}

function isPgBouncerLanguage(languageId: string): boolean {
  return languageId === LANGUAGE_ID || languageId === USERLIST_LANGUAGE_ID;
}

/** The Deployment view's side of the client: its state, the pgbouncer/deployment request and notification. */
export function deploymentSource(client: LanguageClient): DeploymentSource {
  return {
    state: () =>
      client.state === State.Running ? 'running' : client.state === State.Starting ? 'starting' : 'stopped',
    onDidChangeState: (listener) => client.onDidChangeState(() => listener()),
    summaries: () => client.sendRequest(deploymentRequest, {}),
    onDidChangeDeployment: (listener) =>
      client.onNotification(DEPLOYMENT_CHANGED_NOTIFICATION, () => listener()),
  };
}

/** Asks the server for the report of the active pgbouncer.ini and shows it beside it, with its preview. */
export async function auditConfiguration(client: LanguageClient | undefined): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE_ID) {
    void vscode.window.showErrorMessage(
      'PgBouncer: Audit Configuration works on a pgbouncer.ini: open one (language "PgBouncer config") and run it again.',
    );
    return;
  }
  if (client?.state === State.Starting) {
    // Run right after the extension activated: wait for the server (start() returns the same promise).
    await client.start().catch(() => undefined);
  }
  if (!client || !client.isRunning()) {
    void vscode.window.showErrorMessage(
      'PgBouncer: the language server is not running, so there is no audit report. The output channel "PgBouncer Config" says why.',
    );
    return;
  }
  let markdown: string;
  try {
    const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
    ({ markdown } = await client.sendRequest(auditReportRequest, { uri }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`PgBouncer: the audit report failed: ${reason}`);
    return;
  }
  const report = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(report, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  await vscode.commands.executeCommand('markdown.showPreviewToSide', report.uri);
}

const generateMonitoringRequest = new RequestType<GenerateMonitoringParams, GenerateMonitoringResult, void>(
  GENERATE_MONITORING_REQUEST,
);

/**
 * "PgBouncer: Generate Alert Rules" / "Generate Dashboard": asks the server for them, with the pool
 * view's thresholds, writes them beside the active pgbouncer.ini (asking before replacing a file)
 * and opens the file.
 */
export async function generateMonitoring(
  client: LanguageClient | undefined,
  kind: 'alerts' | 'dashboard',
): Promise<void> {
  // The pool view's thresholds: the sidebar and the pager agree.
  const { useWarning, useCritical } = poolSettings((key) =>
    vscode.workspace.getConfiguration('pgbouncer').get(key),
  ).thresholds;
  const thresholds = { warningPercent: useWarning, criticalPercent: useCritical };
  const what = kind === 'alerts' ? 'alert rules' : 'a dashboard';
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== LANGUAGE_ID) {
    void vscode.window.showErrorMessage(`PgBouncer: open a pgbouncer.ini to generate ${what} for it.`);
    return;
  }
  if (client?.state === State.Starting) await client.start().catch(() => undefined);
  if (!client || !client.isRunning()) {
    void vscode.window.showErrorMessage(
      'PgBouncer: the language server is not running. The output channel "PgBouncer Config" says why.',
    );
    return;
  }
  let generated: GenerateMonitoringResult;
  try {
    const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
    generated = await client.sendRequest(generateMonitoringRequest, { uri, kind, ...thresholds });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`PgBouncer: could not generate ${what}: ${reason}`);
    return;
  }
  const target = vscode.Uri.joinPath(editor.document.uri, '..', generated.fileName);
  const exists = await vscode.workspace.fs.stat(target).then(
    () => true,
    () => false,
  );
  if (exists) {
    const replace = await vscode.window.showWarningMessage(
      `${generated.fileName} exists beside the configuration. Replace it with what the configuration says now?`,
      { modal: true },
      'Replace',
    );
    if (replace !== 'Replace') return;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(generated.text));
  await vscode.window.showTextDocument(target, { viewColumn: vscode.ViewColumn.Beside, preview: false });
}
