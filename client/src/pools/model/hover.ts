// Live numbers in the editor: hovering a [databases] entry of a pgbouncer.ini shows its pools on
// every instance.

import { configOutline } from '../../../../server/src/api';
import { escapeMarkdown } from './format';
import { poolNumbers, poolStatuses } from './health';
import type { Thresholds } from './health';
import { errorTitle } from './instance-state';
import type { InstanceState } from './instance-state';

/** The [databases] entry whose line holds `offset`, by its name (null elsewhere). */
export function databaseEntryAt(
  text: string,
  offset: number,
): { name: string; start: number; end: number } | null {
  let section: string | null = null;
  for (const item of configOutline(text)) {
    if (item.span.start > offset) break;
    if (item.kind === 'section') section = item.name;
    else if (section === 'databases' && offset <= item.span.end) {
      return { name: item.key, start: item.keySpan.start, end: item.keySpan.end };
    }
  }
  return null;
}

/** Markdown with the live numbers of `database` on every instance that has data, or null. */
export function databaseHover(
  database: string,
  states: InstanceState[],
  thresholds: Thresholds,
  now: number = Date.now(),
): string | null {
  const parts: string[] = [];
  for (const state of states) {
    const snapshot = state.snapshot;
    const title = `**${escapeMarkdown(state.instance.name)}**`;
    if (state.error) {
      parts.push(`${title}: ${escapeMarkdown(errorTitle(state.error).toLowerCase())}`);
      continue;
    }
    if (!snapshot) continue;
    const db = snapshot.databases.find((row) => row.name === database);
    const pools = poolStatuses(snapshot, thresholds).filter((status) => status.pool.database === database);
    const age = Math.round((now - snapshot.takenAt) / 1000);
    if (!db) {
      parts.push(`${title}: no database \`${database}\` (not in its configuration yet: a RELOAD adds it)`);
      continue;
    }
    const flags = [db.paused ? '**paused**' : '', db.disabled ? '**disabled**' : '']
      .filter(Boolean)
      .join(', ');
    const lines = [
      `${title}: pool_size ${db.poolSize}, reserve ${db.reservePool}, ${db.currentConnections} server connections${
        flags ? `, ${flags}` : ''
      } _(${age} s ago)_`,
    ];
    if (pools.length === 0) lines.push('', 'No pool yet: no client has connected to it.');
    for (const status of pools) {
      const mark = status.health === 'critical' ? '🔴' : status.health === 'warning' ? '🟡' : '🟢';
      lines.push('', `${mark} \`${status.pool.user}\`: ${poolNumbers(status)}`);
    }
    parts.push(lines.join('\n'));
  }
  if (parts.length === 0) return null;
  return [`Live pool status of \`${database}\``, ...parts].join('\n\n');
}
