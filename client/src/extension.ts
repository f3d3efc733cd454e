// VS Code entry point (dist/extension.js). Activation registers what VS Code may call at once (the
// commands, the Pool Status and Deployment views, the language tools) and returns; the heavy parts are bundles of
// their own (see lazy.ts) loaded just after it: the language client, which starts the bundled
// language server (dist/server.js), and the pool view's logic.
import * as vscode from 'vscode';
import type { ExtensionContext } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type * as LanguageClientBundle from './language-client';
import { registerDeployment } from './deployment/view';
import type { DeploymentView } from './deployment/view';
import { registerLanguageTools } from './language';
import { lazyBundle } from './lazy';
import { registerPools } from './pools';
import { registerWalkthrough } from './walkthrough';

export const AUDIT_COMMAND = 'pgbouncer.auditConfiguration';
export const GENERATE_ALERTS_COMMAND = 'pgbouncer.generateAlertRules';
export const GENERATE_DASHBOARD_COMMAND = 'pgbouncer.generateDashboard';

const languageClientBundle = lazyBundle<typeof LanguageClientBundle>('language-client.js');

/** The extension's context while it is active: no server is started once it has been deactivated. */
let active: ExtensionContext | undefined;
let client: LanguageClient | undefined;
let deploymentView: DeploymentView | undefined;

/** The language client, created and started on the first call of an activation. */
function languageClient(): LanguageClient | undefined {
  if (client || !active) return client;
  try {
    client = languageClientBundle().startLanguageClient(active);
    deploymentView?.attach(languageClientBundle().deploymentSource(client));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    deploymentView?.failed(reason);
    void vscode.window.showErrorMessage(`PgBouncer Config: the language server did not start: ${reason}`);
  }
  return client;
}

async function generateMonitoring(kind: 'alerts' | 'dashboard'): Promise<void> {
  const running = languageClient();
  await languageClientBundle().generateMonitoring(running, kind);
}

async function auditConfiguration(): Promise<void> {
  const running = languageClient();
  await languageClientBundle().auditConfiguration(running);
}

export async function activate(context: ExtensionContext): Promise<void> {
  active = context;
  // This is the Node extension host (desktop, or a remote such as code-server's, where the workbench
  // itself runs in a browser and isWeb is true): the Node-only views and commands are available.
  void vscode.commands.executeCommand('setContext', 'pgbouncer.nodeHost', true);
  context.subscriptions.push(
    vscode.commands.registerCommand(AUDIT_COMMAND, auditConfiguration),
    vscode.commands.registerCommand(GENERATE_ALERTS_COMMAND, () => generateMonitoring('alerts')),
    vscode.commands.registerCommand(GENERATE_DASHBOARD_COMMAND, () => generateMonitoring('dashboard')),
  );
  registerLanguageTools(context);
  registerWalkthrough(context, { audit: AUDIT_COMMAND, generateAlertRules: GENERATE_ALERTS_COMMAND });
  const loadPools = registerPools(context);
  deploymentView = registerDeployment(context);
  // Activation returns at once: VS Code counts loading this bundle and running activate() as the
  // activation time, and waits for activate() before it runs anything of the extension. The language
  // client (its module and the server's start) and then the pool view's logic come right after.
  setImmediate(() => {
    languageClient();
    setImmediate(loadPools);
  });
}

export async function deactivate(): Promise<void> {
  active = undefined;
  deploymentView = undefined;
  const running = client;
  client = undefined;
  await running?.stop();
}
