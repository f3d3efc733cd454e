// The Deployment view (pgbouncer.deployment): the language server's summary of each workspace folder's
// deployment, drawn as tree-model.ts lays it out. Activation registers it; the language client is
// attached once it exists (extension.ts), and until then the view says that the server is starting.
// The summary is asked for when the view shows and again after each pgbouncer/deploymentChanged.
import * as vscode from 'vscode';
import type { ExtensionContext } from 'vscode';
import type { DeploymentSummary } from '../../../server/src/api';
import type { DeploymentSource } from './source';
import { deploymentItems } from './tree-model';
import type { DeploymentItem, DeploymentViewState } from './tree-model';

export const DEPLOYMENT_VIEW_ID = 'pgbouncer.deployment';
export const DEPLOYMENT_REFRESH_COMMAND = 'pgbouncer.deployment.refresh';

const TONE_COLOURS = { warning: 'list.warningForeground', error: 'list.errorForeground' } as const;

class DeploymentTree implements vscode.TreeDataProvider<DeploymentItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private source: DeploymentSource | undefined;
  private startFailure: string | undefined;
  private summaries: DeploymentSummary[] | undefined;
  private requestError: string | undefined;
  /** The summary may be out of date: ask again when the view next shows its rows. */
  private stale = true;
  /** Counts requests, so that an older answer arriving late is dropped. */
  private generation = 0;
  private inFlight = false;
  private readonly subscriptions: { dispose(): void }[] = [];

  attach(source: DeploymentSource): void {
    this.source = source;
    this.subscriptions.push(
      source.onDidChangeState(() => {
        // A restarted server has audited afresh.
        this.stale = true;
        this.changed.fire(undefined);
      }),
      source.onDidChangeDeployment(() => this.refresh()),
    );
    this.changed.fire(undefined);
  }

  /** The language client could not even be created. */
  failed(reason: string): void {
    this.startFailure = reason;
    this.changed.fire(undefined);
  }

  refresh(): void {
    this.stale = true;
    this.changed.fire(undefined);
  }

  private state(): DeploymentViewState {
    if (this.startFailure !== undefined) return { kind: 'stopped', reason: this.startFailure };
    const server = this.source?.state() ?? 'starting';
    if (server !== 'running') return { kind: server };
    if (this.stale && !this.inFlight) this.fetch();
    if (this.requestError !== undefined) return { kind: 'failed', message: this.requestError };
    return this.summaries ? { kind: 'ready', summaries: this.summaries } : { kind: 'loading' };
  }

  private fetch(): void {
    const source = this.source;
    if (!source) return;
    const generation = ++this.generation;
    this.stale = false;
    this.inFlight = true;
    source.summaries().then(
      (summaries) => {
        if (generation !== this.generation) return;
        this.inFlight = false;
        this.summaries = summaries;
        this.requestError = undefined;
        this.changed.fire(undefined);
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.inFlight = false;
        this.requestError = error instanceof Error ? error.message : String(error);
        this.changed.fire(undefined);
      },
    );
  }

  getChildren(element?: DeploymentItem): DeploymentItem[] {
    if (element) return element.children ?? [];
    return deploymentItems(this.state(), {
      folderCount: vscode.workspace.workspaceFolders?.length ?? 0,
      folderName: (folder) => vscode.workspace.getWorkspaceFolder(vscode.Uri.file(folder))?.name,
    });
  }

  getTreeItem(item: DeploymentItem): vscode.TreeItem {
    const treeItem = new vscode.TreeItem(
      item.label,
      item.children ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    treeItem.id = item.id;
    treeItem.description = item.description;
    treeItem.tooltip = item.tooltip;
    treeItem.iconPath = new vscode.ThemeIcon(
      item.icon,
      item.tone ? new vscode.ThemeColor(TONE_COLOURS[item.tone]) : undefined,
    );
    treeItem.contextValue = item.contextValue;
    if (item.location) {
      const { start, end } = item.location.range;
      const selection = new vscode.Range(start.line, start.character, end.line, end.character);
      treeItem.command = {
        command: 'vscode.open',
        title: 'Open',
        arguments: [vscode.Uri.parse(item.location.uri), { selection }],
      };
    }
    return treeItem;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}

export interface DeploymentView {
  attach(source: DeploymentSource): void;
  failed(reason: string): void;
}

/** Registers the view and its refresh command; the caller attaches the language client when it has one. */
export function registerDeployment(context: ExtensionContext): DeploymentView {
  const tree = new DeploymentTree();
  const view = vscode.window.createTreeView(DEPLOYMENT_VIEW_ID, {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  context.subscriptions.push(
    view,
    tree,
    // The rows are asked for again when the view shows; an answer that came while it was hidden is kept.
    vscode.workspace.onDidChangeWorkspaceFolders(() => tree.refresh()),
    vscode.commands.registerCommand(DEPLOYMENT_REFRESH_COMMAND, () => tree.refresh()),
  );
  return { attach: (source) => tree.attach(source), failed: (reason) => tree.failed(reason) };
}
