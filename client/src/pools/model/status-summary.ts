// The status bar item's text: the worst pool across instances, or the first instance that fails.

import { formatPercent } from './format';
import { compareStatus, poolNumbers, poolStatuses } from './health';
import type { Health, PoolStatus, Thresholds } from './health';
import { errorTitle, transportText } from './instance-state';
import type { InstanceState } from './instance-state';

export interface StatusSummary {
  text: string;
  tooltip: string;
  health: Health;
}

/** The worst pool across instances (an instance that fails is worse than any pool). */
export function statusSummary(states: InstanceState[], thresholds: Thresholds): StatusSummary | null {
  if (states.length === 0) return null;
  const lines: string[] = [];
  const failing: InstanceState[] = [];
  let worst: { status: PoolStatus; instance: string } | undefined;
  for (const state of states) {
    const name = state.instance.name;
    if (state.error) {
      failing.push(state);
      lines.push(`${name}: ${errorTitle(state.error).toLowerCase()}`);
      continue;
    }
    if (!state.snapshot) {
      lines.push(`${name}: connecting`);
      continue;
    }
    const status = poolStatuses(state.snapshot, thresholds)[0];
    const plain = transportText(state.instance, state.connection.transport)?.short
      ? ' (connected without TLS)'
      : '';
    if (!status) {
      lines.push(`${name}${plain}: no pools in use`);
      continue;
    }
    lines.push(
      `${name}${plain}: worst pool ${status.pool.database}/${status.pool.user} (${status.health}) ${poolNumbers(status)}`,
    );
    if (!worst || compareStatus(status, worst.status) < 0) worst = { status, instance: name };
  }
  const tooltip = lines.join('\n');
  const first = failing[0];
  if (first?.error) {
    const more = failing.length > 1 ? ` (+${failing.length - 1})` : '';
    return {
      text: `$(error) PgBouncer: ${first.instance.name} ${errorTitle(first.error).toLowerCase()}${more}`,
      tooltip,
      health: 'critical',
    };
  }
  if (!worst) {
    const connecting = states.some((state) => !state.snapshot);
    return { text: connecting ? '$(sync~spin) PgBouncer' : '$(pass) PgBouncer', tooltip, health: 'ok' };
  }
  const { status } = worst;
  const icon =
    status.health === 'critical' ? '$(error)' : status.health === 'warning' ? '$(warning)' : '$(pass)';
  const use = status.usePercent === null ? '' : ` ${formatPercent(status.usePercent)}`;
  const waiting = status.pool.clWaiting ? ` · ${status.pool.clWaiting} waiting` : '';
  const prefix = states.length > 1 ? `${worst.instance} ` : '';
  return {
    text: `${icon} PgBouncer: ${prefix}${status.pool.database}${use}${waiting}`,
    tooltip,
    health: status.health,
  };
}
