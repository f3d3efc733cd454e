// Per-second rates from the totals of two refreshes (SHOW STATS), and PgBouncer's own averages.

import type { Snapshot } from './snapshot';

export interface DatabaseRates {
  database: string;
  /** Per second since the previous refresh; null on the first refresh or when a counter went back. */
  xactPerSecond: number | null;
  queryPerSecond: number | null;
  /** Milliseconds, PgBouncer's averages over its stats_period. */
  avgQueryMs: number;
  avgWaitMs: number;
  avgXactMs: number;
}

export function statsRates(current: Snapshot, previous: Snapshot | undefined): DatabaseRates[] {
  const before = new Map((previous?.stats ?? []).map((row) => [row.database, row]));
  const seconds = previous ? (current.takenAt - previous.takenAt) / 1000 : 0;
  const rate = (now: number, then: number | undefined): number | null =>
    then === undefined || seconds <= 0 || now < then ? null : (now - then) / seconds;
  return current.stats.map((row) => {
    const old = before.get(row.database);
    return {
      database: row.database,
      xactPerSecond: rate(row.totalXactCount, old?.totalXactCount),
      queryPerSecond: rate(row.totalQueryCount, old?.totalQueryCount),
      avgQueryMs: row.avgQueryTime / 1000,
      avgWaitMs: row.avgWaitTime / 1000,
      avgXactMs: row.avgXactTime / 1000,
    };
  });
}
