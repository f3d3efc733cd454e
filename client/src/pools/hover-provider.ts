// The [databases] hover in a pgbouncer.ini: the live numbers of the entry's pools (model/hover.ts).

import * as vscode from 'vscode';
import type { PoolsContext } from './context';
import { databaseEntryAt, databaseHover } from './model/hover';

/** How long a hover waits for a refresh of stale numbers before it shows what it has. */
const HOVER_REFRESH_WAIT_MS = 1500;

export function databaseHoverProvider(ctx: PoolsContext): vscode.HoverProvider {
  const { monitor } = ctx;
  return {
    async provideHover(document, position) {
      if (monitor.states().length === 0) return undefined;
      const entry = databaseEntryAt(document.getText(), document.offsetAt(position));
      if (!entry) return undefined;
      const stale = monitor
        .states()
        .some(
          (state) =>
            !state.refreshedAt || Date.now() - state.refreshedAt > 2 * ctx.settings.refreshIntervalMs,
        );
      if (stale) {
        // The view may be hidden (no refreshing): fetch once, but do not hold the hover up for long.
        await Promise.race([
          monitor.refresh(),
          new Promise((resolve) => setTimeout(resolve, HOVER_REFRESH_WAIT_MS)),
        ]);
      }
      const markdown = databaseHover(entry.name, monitor.states(), ctx.settings.thresholds);
      if (!markdown) return undefined;
      return new vscode.Hover(
        new vscode.MarkdownString(markdown),
        new vscode.Range(document.positionAt(entry.start), document.positionAt(entry.end)),
      );
    },
  };
}
