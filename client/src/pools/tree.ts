// The Pool Status tree: draws the ViewItems model/tree-items.ts builds. No logic of its own beyond the mapping.

import * as vscode from 'vscode';
import type { Health } from './model/health';
import { rootItems } from './model/tree-items';
import type { ViewItem } from './model/tree-items';
import type { PoolMonitor } from './monitor';
import type { PoolSettings } from './settings';
import { ENTER_PASSWORD_COMMAND, RETRY_COMMAND } from './ids';

const HEALTH_COLOURS: Record<Health, string> = {
  ok: 'testing.iconPassed',
  warning: 'list.warningForeground',
  critical: 'list.errorForeground',
};

export class PoolTreeProvider implements vscode.TreeDataProvider<ViewItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ViewItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly monitor: PoolMonitor,
    private readonly settings: () => PoolSettings,
    private readonly notes: () => string[],
  ) {
    this.unsubscribe = monitor.onDidChange(() => this.changed.fire(undefined));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(element?: ViewItem): ViewItem[] {
    if (element) return element.children ?? [];
    return rootItems(this.monitor.states(), this.settings().thresholds, Date.now(), this.notes());
  }

  getTreeItem(item: ViewItem): vscode.TreeItem {
    const state = item.children
      ? item.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const treeItem = new vscode.TreeItem(item.label, state);
    treeItem.id = item.id;
    treeItem.description = item.description;
    if (item.tooltip) treeItem.tooltip = new vscode.MarkdownString(item.tooltip);
    treeItem.iconPath = new vscode.ThemeIcon(
      item.icon,
      item.health ? new vscode.ThemeColor(HEALTH_COLOURS[item.health]) : undefined,
    );
    treeItem.contextValue = item.contextValue;
    if (item.click === 'enter-password') {
      treeItem.command = { command: ENTER_PASSWORD_COMMAND, title: 'Enter Password', arguments: [item] };
    } else if (item.click === 'retry') {
      treeItem.command = { command: RETRY_COMMAND, title: 'Retry', arguments: [item] };
    }
    return treeItem;
  }

  dispose(): void {
    this.unsubscribe();
    this.changed.dispose();
  }
}
