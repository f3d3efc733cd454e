// The Pool Status view as activation registers it: the view and every command of it, with nothing
// behind them yet. The logic (controller.ts: the admin console client, the monitor, the model and
// the engine it lints with) is dist/pools.js, loaded after activation (see lazy.ts) or when the view
// or a command needs it first, whichever comes first.
import * as vscode from 'vscode';
import type { ExtensionContext } from 'vscode';
import { lazyBundle } from '../lazy';
import type * as PoolsBundle from './controller';
import { POOL_COMMANDS, SHOW_COMMAND, VIEW_ID } from './ids';
import type { ViewItem } from './model/tree-items';

const poolsBundle = lazyBundle<typeof PoolsBundle>('pools.js');

/** A tree that asks the real one (created on the first call) and passes its change events on. */
class DeferredTree<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private target: vscode.TreeDataProvider<T> | undefined;
  private forwarding: vscode.Disposable | undefined;

  constructor(private readonly create: () => vscode.TreeDataProvider<T>) {}

  private resolve(): vscode.TreeDataProvider<T> {
    if (!this.target) {
      this.target = this.create();
      this.forwarding = this.target.onDidChangeTreeData?.((event) => this.changed.fire(event ?? undefined));
    }
    return this.target;
  }

  getChildren(element?: T): vscode.ProviderResult<T[]> {
    return this.resolve().getChildren(element);
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.resolve().getTreeItem(element);
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.changed.dispose();
  }
}

/**
 * Registers the view and its commands; the pool view's logic starts when the returned function is
 * called (activation calls it just after returning), or earlier when the view or a command needs it.
 */
export function registerPools(context: ExtensionContext): () => void {
  let pools: PoolsBundle.Pools | undefined;
  let disposed = false;
  const tree = new DeferredTree<ViewItem>(() => start().tree);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const start = (): PoolsBundle.Pools => {
    pools ??= poolsBundle().startPools(context, view);
    return pools;
  };
  context.subscriptions.push(
    view,
    tree,
    { dispose: () => (disposed = true) },
    vscode.commands.registerCommand(SHOW_COMMAND, async () => {
      await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    }),
    ...POOL_COMMANDS.map((id) =>
      vscode.commands.registerCommand(id, (item?: ViewItem) => start().commands[id](item)),
    ),
  );
  return () => {
    if (disposed || pools) return;
    try {
      start();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(`PgBouncer Config: the Pool Status view did not load: ${reason}`);
    }
  };
}
