// A pool's health against the thresholds of the settings: use of pool_size, waiting clients, maxwait.
// Pools are ordered worst first wherever they are listed (the tree, the status bar, the hover).

import { POOL_SETTING_DEFAULTS } from '../../../../server/src/api';
import { formatPercent, formatSeconds, plural } from './format';
import { ADMIN_DATABASE } from './snapshot';
import type { DatabaseRow, PoolRow, Snapshot } from './snapshot';

export type Health = 'ok' | 'warning' | 'critical';

export interface Thresholds {
  /** Use of pool_size (percent) from which a pool is a warning / critical. */
  useWarning: number;
  useCritical: number;
  /** maxwait (seconds) from which a pool is a warning / critical. */
  maxWaitWarning: number;
  maxWaitCritical: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  useWarning: POOL_SETTING_DEFAULTS.useWarning,
  useCritical: POOL_SETTING_DEFAULTS.useCritical,
  maxWaitWarning: POOL_SETTING_DEFAULTS.maxWaitWarning,
  maxWaitCritical: POOL_SETTING_DEFAULTS.maxWaitCritical,
};

const HEALTH_RANK: Record<Health, number> = { ok: 0, warning: 1, critical: 2 };

export function worse(a: Health, b: Health): Health {
  return HEALTH_RANK[a] >= HEALTH_RANK[b] ? a : b;
}

export interface PoolStatus {
  pool: PoolRow;
  /** The database's pool_size (SHOW DATABASES), null when unknown. */
  poolSize: number | null;
  /** Server connections open in the pool, in any state. */
  serversOpen: number;
  /** Active server connections as a percentage of pool_size; null when pool_size is 0 or unknown. */
  usePercent: number | null;
  health: Health;
  /** Why the health is not ok, in words. */
  reasons: string[];
  paused: boolean;
  disabled: boolean;
}

export function poolStatus(
  pool: PoolRow,
  database: DatabaseRow | undefined,
  thresholds: Thresholds,
): PoolStatus {
  const poolSize = database ? database.poolSize : null;
  const usePercent = poolSize && poolSize > 0 ? (pool.svActive / poolSize) * 100 : null;
  const reasons: string[] = [];
  let health: Health = 'ok';
  const raise = (level: Health, reason: string): void => {
    health = worse(health, level);
    reasons.push(reason);
  };
  if (usePercent !== null && usePercent >= thresholds.useCritical) {
    raise('critical', `use ${formatPercent(usePercent)} ≥ ${thresholds.useCritical}% (critical)`);
  } else if (usePercent !== null && usePercent >= thresholds.useWarning) {
    raise('warning', `use ${formatPercent(usePercent)} ≥ ${thresholds.useWarning}% (warning)`);
  }
  if (pool.clWaiting > 0) {
    raise('warning', `${plural(pool.clWaiting, 'client')} waiting for a server connection`);
  }
  if (pool.maxWait >= thresholds.maxWaitCritical) {
    raise('critical', `maxwait ${formatSeconds(pool.maxWait)} ≥ ${thresholds.maxWaitCritical} s (critical)`);
  } else if (pool.maxWait >= thresholds.maxWaitWarning) {
    raise('warning', `maxwait ${formatSeconds(pool.maxWait)} ≥ ${thresholds.maxWaitWarning} s (warning)`);
  }
  return {
    pool,
    poolSize,
    serversOpen: pool.svActive + pool.svIdle + pool.svUsed + pool.svTested + pool.svLogin,
    usePercent,
    health,
    reasons,
    paused: database?.paused ?? false,
    disabled: database?.disabled ?? false,
  };
}

/** Orders pools worst first: health, then use, then waiting clients, then by name. */
export function compareStatus(a: PoolStatus, b: PoolStatus): number {
  return (
    HEALTH_RANK[b.health] - HEALTH_RANK[a.health] ||
    (b.usePercent ?? -1) - (a.usePercent ?? -1) ||
    b.pool.clWaiting - a.pool.clWaiting ||
    a.pool.database.localeCompare(b.pool.database) ||
    a.pool.user.localeCompare(b.pool.user)
  );
}

/** Every pool of the snapshot (the admin console's own pool left out), worst first. */
export function poolStatuses(snapshot: Snapshot, thresholds: Thresholds): PoolStatus[] {
  const databases = new Map(snapshot.databases.map((row) => [row.name, row]));
  return snapshot.pools
    .filter((pool) => pool.database !== ADMIN_DATABASE)
    .map((pool) => poolStatus(pool, databases.get(pool.database), thresholds))
    .sort(compareStatus);
}

/** The line of numbers a pool shows (description), also used by the hover and the status bar. */
export function poolNumbers(status: PoolStatus): string {
  const { pool } = status;
  const use = status.usePercent === null ? '' : ` · use ${formatPercent(status.usePercent)}`;
  const wait = pool.maxWait > 0 ? ` · maxwait ${formatSeconds(pool.maxWait)}` : '';
  return `${pool.clActive} active, ${pool.clWaiting} waiting · servers ${pool.svActive} active, ${pool.svIdle} idle, ${pool.svUsed} used${use}${wait}`;
}
