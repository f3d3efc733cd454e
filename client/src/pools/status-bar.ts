// The pool view's status bar item: the worst pool across instances (model/status-summary.ts),
// coloured by its health, hidden while no instance is configured; a click shows the view.

import * as vscode from 'vscode';
import { SHOW_COMMAND } from './ids';
import type { Thresholds } from './model/health';
import { statusSummary } from './model/status-summary';
import type { PoolMonitor } from './monitor';

export class PoolStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly monitor: PoolMonitor,
    private readonly thresholds: () => Thresholds,
  ) {
    this.item = vscode.window.createStatusBarItem(
      'pgbouncer.pools.status',
      vscode.StatusBarAlignment.Left,
      50,
    );
    this.item.name = 'PgBouncer Pool Status';
    this.item.command = SHOW_COMMAND;
    this.unsubscribe = monitor.onDidChange(() => this.update());
  }

  update(): void {
    const summary = statusSummary(this.monitor.states(), this.thresholds());
    if (!summary) {
      this.item.hide();
      return;
    }
    this.item.text = summary.text;
    this.item.tooltip = `${summary.tooltip}\n\nClick to show the Pool Status view.`;
    this.item.backgroundColor =
      summary.health === 'critical'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : summary.health === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
    this.unsubscribe();
  }
}
