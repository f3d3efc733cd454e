// A pool's health against the thresholds of the settings: use of the pool's real limit, waiting
// clients, maxwait. The limit is the one the generated alerts use (#15): the database's pool_size as
// SHOW DATABASES reports it (its own, else default_pool_size), plus its reserve when
// reserve_pool_timeout is above 0, capped by max_db_connections and max_user_connections where
// they are above 0; a pool_size of 0 is unlimited from 1.24 on, and no ratio is taken against a limit
// that is 0 or unlimited. Pools are ordered worst first wherever they are listed (the tree, the
// status bar, the hover).

import { POOL_SETTING_DEFAULTS } from '../../../../server/src/api';
import { formatPercent, formatSeconds, plural } from './format';
import { ADMIN_DATABASE } from './snapshot';
import type { ConfigRow, DatabaseRow, PoolRow, Snapshot } from './snapshot';

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

/** What the limit of every pool depends on besides its database row (SHOW CONFIG, SHOW VERSION). */
export interface LimitContext {
  /** reserve_pool_timeout is above 0: a pool takes its reserve once a client has waited that long. */
  reserveEnabled: boolean;
  /** max_user_connections of [pgbouncer] (0: none). */
  maxUserConnections: number;
  /** pool_size 0 means no limit (PgBouncer 1.24 and later); before, it means no server connection. */
  zeroIsUnlimited: boolean;
}

/** PgBouncer reads pool_size 0 as "no limit" from this release on (the engine's UNLIMITED_POOL_SINCE). */
const UNLIMITED_POOL_SINCE = [1, 24] as const;

/** What SHOW CONFIG and SHOW VERSION of one instance say about its pools' limits. */
export function limitContext(config: readonly ConfigRow[], version: string): LimitContext {
  const value = (key: string): number => {
    const n = Number.parseFloat(config.find((row) => row.key === key)?.value ?? '');
    return Number.isFinite(n) ? n : 0;
  };
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  const [sinceMajor, sinceMinor] = UNLIMITED_POOL_SINCE;
  return {
    // PgBouncer keeps the timeout in whole microseconds: less than one is 0, which turns the reserve off
    reserveEnabled: Math.round(value('reserve_pool_timeout') * 1e6) > 0,
    maxUserConnections: Math.max(0, Math.trunc(value('max_user_connections'))),
    zeroIsUnlimited: major > sinceMajor || (major === sinceMajor && minor >= sinceMinor),
  };
}

/** A context that adds nothing to SHOW DATABASES: no reserve, no user cap, before 1.24. */
export const PLAIN_LIMITS: LimitContext = {
  reserveEnabled: false,
  maxUserConnections: 0,
  zeroIsUnlimited: false,
};

export interface PoolLimit {
  /** Most server connections the pool can hold; null when unknown, Infinity when unlimited. */
  value: number | null;
  /** How it is made, in words, e.g. "pool_size 20 + reserve 5, max_db_connections 15". */
  basis: string;
}

/** The real limit of a pool of `database` (see the top of this file). */
export function poolLimit(database: DatabaseRow | undefined, limits: LimitContext): PoolLimit {
  if (!database) return { value: null, basis: 'unknown (the database is not in SHOW DATABASES)' };
  const size = database.poolSize > 0 ? database.poolSize : limits.zeroIsUnlimited ? Infinity : 0;
  const reserve = limits.reserveEnabled && database.reservePool > 0 ? database.reservePool : 0;
  const parts = [
    database.poolSize === 0 && limits.zeroIsUnlimited
      ? 'pool_size 0 (unlimited)'
      : `pool_size ${database.poolSize}`,
  ];
  if (reserve > 0) parts[0] += ` + reserve ${reserve}`;
  let value = size + reserve;
  if (database.maxConnections > 0) {
    parts.push(`max_db_connections ${database.maxConnections}`);
    value = Math.min(value, database.maxConnections);
  }
  if (limits.maxUserConnections > 0) {
    parts.push(`max_user_connections ${limits.maxUserConnections}`);
    value = Math.min(value, limits.maxUserConnections);
  }
  return { value, basis: parts.join(', ') };
}

export interface PoolStatus {
  pool: PoolRow;
  /** The database's pool_size (SHOW DATABASES), null when unknown. */
  poolSize: number | null;
  /** The pool's real limit (poolLimit). */
  limit: PoolLimit;
  /** Server connections open in the pool, in any state. */
  serversOpen: number;
  /** Active server connections as a percentage of the limit; null when it is 0, unlimited or unknown. */
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
  limits: LimitContext = PLAIN_LIMITS,
): PoolStatus {
  const poolSize = database ? database.poolSize : null;
  const limit = poolLimit(database, limits);
  const usePercent =
    limit.value !== null && limit.value > 0 && Number.isFinite(limit.value)
      ? (pool.svActive / limit.value) * 100
      : null;
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
    limit,
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
  const limits = limitContext(snapshot.config, snapshot.version);
  return snapshot.pools
    .filter((pool) => pool.database !== ADMIN_DATABASE)
    .map((pool) => poolStatus(pool, databases.get(pool.database), thresholds, limits))
    .sort(compareStatus);
}

/** The line of numbers a pool shows (description), also used by the hover and the status bar. */
export function poolNumbers(status: PoolStatus): string {
  const { pool } = status;
  const use = status.usePercent === null ? '' : ` · use ${formatPercent(status.usePercent)}`;
  const wait = pool.maxWait > 0 ? ` · maxwait ${formatSeconds(pool.maxWait)}` : '';
  return `${pool.clActive} active, ${pool.clWaiting} waiting · servers ${pool.svActive} active, ${pool.svIdle} idle, ${pool.svUsed} used${use}${wait}`;
}
