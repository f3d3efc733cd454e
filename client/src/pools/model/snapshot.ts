// The admin console's SHOW rows of one refresh as typed rows: pg gives int8 and numeric as strings,
// NULL as null, and PgBouncer renames a column now and then (reserve_pool_size).

import type { Rights, Row } from '../admin-client';

export interface PoolRow {
  database: string;
  user: string;
  clActive: number;
  clWaiting: number;
  svActive: number;
  svIdle: number;
  svUsed: number;
  svTested: number;
  svLogin: number;
  /** Seconds the oldest waiting client has waited (maxwait + maxwait_us). */
  maxWait: number;
  poolMode: string;
}

export interface StatsRow {
  database: string;
  totalXactCount: number;
  totalQueryCount: number;
  totalReceived: number;
  totalSent: number;
  /** Microseconds, averages over the last stats_period. */
  avgXactTime: number;
  avgQueryTime: number;
  avgWaitTime: number;
}

export interface DatabaseRow {
  name: string;
  host: string | null;
  port: number;
  database: string;
  forceUser: string | null;
  poolSize: number;
  minPoolSize: number;
  reservePool: number;
  poolMode: string | null;
  maxConnections: number;
  currentConnections: number;
  paused: boolean;
  disabled: boolean;
}

export interface ConnectionRow {
  type: string;
  user: string;
  database: string;
  state: string;
  addr: string;
  port: number;
  connectTime: string;
  requestTime: string;
  /** Seconds waited (wait + wait_us). */
  wait: number;
  applicationName: string;
  tls: string;
  remotePid: number;
}

export interface ConfigRow {
  key: string;
  value: string;
  default: string;
  changeable: boolean;
}

/** What one refresh reads: the rows of each SHOW command. */
export interface RawShows {
  pools: Row[];
  stats: Row[];
  databases: Row[];
  clients: Row[];
  servers: Row[];
  config: Row[];
  version: Row[];
}

export interface Snapshot {
  /** ms since the epoch */
  takenAt: number;
  /** e.g. "PgBouncer 1.18.0" */
  version: string;
  rights: Rights;
  pools: PoolRow[];
  stats: StatsRow[];
  databases: DatabaseRow[];
  clients: ConnectionRow[];
  servers: ConnectionRow[];
  config: ConfigRow[];
}

/** The admin console's own pseudo-database. */
export const ADMIN_DATABASE = 'pgbouncer';

// pg returns int4 as numbers, int8 and numeric as strings, NULL as null.
function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

function str(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function strOrNull(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

export function toSnapshot(raw: RawShows, takenAt: number, rights: Rights): Snapshot {
  const connection = (row: Row): ConnectionRow => ({
    type: str(row.type),
    user: str(row.user),
    database: str(row.database),
    state: str(row.state),
    addr: str(row.addr),
    port: num(row.port),
    connectTime: str(row.connect_time),
    requestTime: str(row.request_time),
    wait: num(row.wait) + num(row.wait_us) / 1e6,
    applicationName: str(row.application_name),
    tls: str(row.tls),
    remotePid: num(row.remote_pid),
  });
  return {
    takenAt,
    version: str(raw.version[0]?.version),
    rights,
    pools: raw.pools.map((row) => ({
      database: str(row.database),
      user: str(row.user),
      clActive: num(row.cl_active),
      clWaiting: num(row.cl_waiting),
      svActive: num(row.sv_active),
      svIdle: num(row.sv_idle),
      svUsed: num(row.sv_used),
      svTested: num(row.sv_tested),
      svLogin: num(row.sv_login),
      maxWait: num(row.maxwait) + num(row.maxwait_us) / 1e6,
      poolMode: str(row.pool_mode),
    })),
    stats: raw.stats.map((row) => ({
      database: str(row.database),
      totalXactCount: num(row.total_xact_count),
      totalQueryCount: num(row.total_query_count),
      totalReceived: num(row.total_received),
      totalSent: num(row.total_sent),
      avgXactTime: num(row.avg_xact_time),
      avgQueryTime: num(row.avg_query_time),
      avgWaitTime: num(row.avg_wait_time),
    })),
    databases: raw.databases.map((row) => ({
      name: str(row.name),
      host: strOrNull(row.host),
      port: num(row.port),
      database: str(row.database),
      forceUser: strOrNull(row.force_user),
      poolSize: num(row.pool_size),
      minPoolSize: num(row.min_pool_size),
      reservePool: num(row.reserve_pool ?? row.reserve_pool_size),
      poolMode: strOrNull(row.pool_mode),
      maxConnections: num(row.max_connections),
      currentConnections: num(row.current_connections),
      paused: num(row.paused) !== 0,
      disabled: num(row.disabled) !== 0,
    })),
    clients: raw.clients.map(connection),
    servers: raw.servers.map(connection),
    config: raw.config.map((row) => ({
      key: str(row.key),
      value: str(row.value),
      default: str(row.default),
      changeable: str(row.changeable) === 'yes',
    })),
  };
}
