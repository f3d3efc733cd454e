// The pool view's data, as plain functions (no vscode, no network): the admin console's SHOW rows
// become typed snapshots; snapshots become the tree's items with numbers, percentages and health
// levels; two snapshots give per-second rates; the status bar, the [databases] hover and the
// confirmation sentences of admin actions are built here too. Last, the reload-safety preview: what a
// RELOAD of a pgbouncer.ini would change on a running PgBouncer, from the project's own parser.

import { POOL_SETTING_DEFAULTS } from '../../../server/src/client-settings';
import { lintText } from '../../../server/src/analysis/engine';
import { effectiveConfig } from '../../../server/src/model/effective';
import type { EffectiveConfig } from '../../../server/src/model/effective';
import type { LoadedFile } from '../../../server/src/model/config';
import type { FileSystem } from '../../../server/src/files/file-system';
import { parse } from '../../../server/src/syntax/parser';
import { readAtoi, readCInt, readCTime } from '../../../server/src/catalog/values';
import { resolveTargetVersion, setting } from '../../../server/src/catalog/catalog';
import { CHECKS } from '../../../server/src/checks/check-list';
import type {
  AdminCommand,
  AdminError,
  ConnectionState,
  InstanceSettings,
  Rights,
  Row,
  Transport,
} from './admin-client';

// ---------------------------------------------------------------------------------------------
// Snapshots: typed rows of one refresh

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

// ---------------------------------------------------------------------------------------------
// Health

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
function compareStatus(a: PoolStatus, b: PoolStatus): number {
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

// ---------------------------------------------------------------------------------------------
// Rates between two refreshes

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

// ---------------------------------------------------------------------------------------------
// Formatting

export function formatPercent(value: number): string {
  return `${Math.round(value)}%`;
}

export function formatSeconds(seconds: number): string {
  if (seconds === 0) return '0 s';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  return `${Math.round(seconds)} s`;
}

function formatRate(value: number | null): string {
  if (value === null) return '–';
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

function formatMs(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Escapes the characters Markdown would read as formatting anywhere in a line. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------
// Instance state and the tree's items

/** What the view knows of one instance: its connection, the last good snapshot, the last error. */
export interface InstanceState {
  instance: InstanceSettings;
  connection: ConnectionState;
  /** The newest successful refresh. */
  snapshot?: Snapshot;
  /** The successful refresh before it (for rates). */
  previous?: Snapshot;
  /** Set when the newest refresh failed. */
  error?: AdminError;
  /** ms since the epoch of the newest refresh attempt. */
  refreshedAt?: number;
}

export type ItemKind =
  'instance' | 'group' | 'pool' | 'database' | 'client' | 'server' | 'stats' | 'config' | 'error' | 'note';

export interface ViewItem {
  /** Stable across refreshes (keeps the tree's expansion state). */
  id: string;
  kind: ItemKind;
  instance: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  health?: Health;
  /** A codicon name. */
  icon: string;
  /**
   * For menus: "pgbouncer.<kind>" followed by flags: " admin" (admin actions allowed),
   * " paused", " disabled", " retry", " password".
   */
  contextValue: string;
  /** The database an action on this item applies to. */
  database?: string;
  children?: ViewItem[];
  expanded?: boolean;
}

/** Connection lists longer than this are cut, with a note saying how many are left out. */
export const MAX_LISTED_CONNECTIONS = 200;

const ERROR_TITLES: Record<AdminError['kind'], string> = {
  down: 'PgBouncer is not reachable',
  auth: 'Wrong password',
  'password-needed': 'Password needed',
  'not-allowed': 'User is neither admin nor stats user',
  tls: 'TLS problem',
  protocol: 'Unexpected answer',
  timeout: 'No answer (timeout)',
  refused: 'PgBouncer refused',
  failed: 'Failed',
};

export function errorTitle(error: AdminError): string {
  return ERROR_TITLES[error.kind];
}

/**
 * How a connected instance is reached, in words: `short` for the item's description when the
 * connection is plain text over the network (sslmode prefer fell back silently, as libpq does, or
 * sslmode disable), `long` for the tooltips.
 */
export function transportText(
  instance: InstanceSettings,
  transport: Transport | undefined,
): { short?: string; long: string } | null {
  if (!transport) return null;
  if (transport.tls) {
    const checked =
      transport.verified === 'chain-and-host'
        ? `certificate signed by a trusted CA and issued for ${instance.host}`
        : transport.verified === 'chain'
          ? 'certificate signed by a trusted CA (host name not checked)'
          : `certificate not checked (sslmode ${instance.sslmode})`;
    return { long: `TLS (${[transport.protocol, transport.cipher].filter(Boolean).join(', ')}), ${checked}` };
  }
  switch (transport.reason) {
    case 'unix-socket':
      return { long: 'Over a Unix socket (sslmode does not apply)' };
    case 'disabled':
      return { short: 'without TLS', long: 'Connected without TLS (sslmode disable)' };
    case 'not-offered':
      return {
        short: 'without TLS',
        long: 'Connected without TLS: sslmode is prefer and PgBouncer offered no TLS, so the password and everything shown here crossed the network in plain text. Enable client TLS in PgBouncer, or set sslmode to require or verify-full to refuse plain text',
      };
  }
}

function context(kind: ItemKind, flags: Record<string, boolean>): string {
  return ['pgbouncer.' + kind, ...Object.keys(flags).filter((flag) => flags[flag])].join(' ');
}

/** The instance's subtree: its status, then Pools, Databases, Clients, Servers, Stats, Config. */
export function instanceItem(state: InstanceState, thresholds: Thresholds, now: number): ViewItem {
  const { instance } = state;
  const id = `instance:${instance.name}`;
  const where = `${instance.host}:${instance.port}`;
  if (state.error || !state.snapshot) {
    const error = state.error;
    const retryIn =
      state.connection.status === 'failed' && state.connection.retryAt !== undefined
        ? Math.max(0, Math.ceil((state.connection.retryAt - now) / 1000))
        : 0;
    const children: ViewItem[] = [];
    if (error) {
      children.push({
        id: `${id}:error`,
        kind: 'error',
        instance: instance.name,
        label: errorTitle(error),
        description: retryIn > 0 ? `retrying in ${retryIn} s` : 'retrying',
        tooltip: `${escapeMarkdown(error.message)}\n\nClick to retry now.`,
        health: 'critical',
        icon: 'error',
        contextValue: context('error', {
          retry: true,
          password: error.kind === 'password-needed' || error.kind === 'auth',
        }),
      });
    } else {
      children.push({
        id: `${id}:connecting`,
        kind: 'note',
        instance: instance.name,
        label: 'Connecting…',
        icon: 'loading~spin',
        contextValue: context('note', {}),
      });
    }
    return {
      id,
      kind: 'instance',
      instance: instance.name,
      label: instance.name,
      description: error ? `${where} · ${errorTitle(error).toLowerCase()}` : `${where} · connecting`,
      tooltip: error
        ? `**${escapeMarkdown(instance.name)}** (${where})\n\n${escapeMarkdown(error.message)}`
        : undefined,
      health: error ? 'critical' : undefined,
      icon: error ? 'debug-disconnect' : 'server-environment',
      contextValue: context('instance', {
        retry: !!error,
        password: error?.kind === 'password-needed' || error?.kind === 'auth',
      }),
      children,
      expanded: true,
    };
  }

  const snapshot = state.snapshot;
  const admin = snapshot.rights === 'admin';
  const statuses = poolStatuses(snapshot, thresholds);
  const worst = statuses[0];
  const health = statuses.reduce<Health>((acc, status) => worse(acc, status.health), 'ok');
  const version = snapshot.version.replace(/^PgBouncer\s+/i, '');
  const transport = transportText(instance, state.connection.transport);
  const summary = worst
    ? `${plural(statuses.length, 'pool')} · worst ${worst.pool.database}/${worst.pool.user} ${
        worst.usePercent === null ? '' : formatPercent(worst.usePercent)
      }${worst.pool.clWaiting ? ` · ${worst.pool.clWaiting} waiting` : ''}`
    : 'no pools in use yet';
  const groups: ViewItem[] = [
    poolsGroup(id, instance.name, statuses, admin),
    databasesGroup(id, instance.name, snapshot, admin),
    connectionsGroup(id, instance.name, 'client', snapshot.clients),
    connectionsGroup(id, instance.name, 'server', snapshot.servers),
    statsGroup(id, instance.name, snapshot, state.previous),
    configGroup(id, instance.name, snapshot.config),
  ];
  return {
    id,
    kind: 'instance',
    instance: instance.name,
    label: instance.name,
    description: [version, transport?.short, admin ? 'admin' : 'stats only', summary]
      .filter(Boolean)
      .join(' · '),
    tooltip: [
      `**${escapeMarkdown(instance.name)}** (${where}, user ${escapeMarkdown(instance.user)})`,
      `${escapeMarkdown(snapshot.version)}, ${admin ? 'admin user: admin actions available' : 'stats user: read only'}`,
      ...(transport ? [`${escapeMarkdown(transport.long)}.`] : []),
      `Refreshed ${new Date(snapshot.takenAt).toLocaleTimeString()}`,
    ].join('\n\n'),
    health,
    icon: 'server-environment',
    contextValue: context('instance', { admin }),
    children: groups,
    expanded: true,
  };
}

function group(
  parentId: string,
  instance: string,
  name: string,
  description: string,
  icon: string,
  children: ViewItem[],
  health?: Health,
): ViewItem {
  return {
    id: `${parentId}:${name}`,
    kind: 'group',
    instance,
    label: name,
    description,
    icon,
    health,
    contextValue: context('group', {}),
    children,
  };
}

/** The line of numbers a pool shows (description), also used by the hover and the status bar. */
export function poolNumbers(status: PoolStatus): string {
  const { pool } = status;
  const use = status.usePercent === null ? '' : ` · use ${formatPercent(status.usePercent)}`;
  const wait = pool.maxWait > 0 ? ` · maxwait ${formatSeconds(pool.maxWait)}` : '';
  return `${pool.clActive} active, ${pool.clWaiting} waiting · servers ${pool.svActive} active, ${pool.svIdle} idle, ${pool.svUsed} used${use}${wait}`;
}

function poolTooltip(status: PoolStatus): string {
  const { pool } = status;
  const lines = [
    `**${escapeMarkdown(pool.database)} / ${escapeMarkdown(pool.user)}** (pool_mode ${pool.poolMode || 'default'})`,
    '',
    '| | |',
    '|---|---|',
    `| clients active (cl_active) | ${pool.clActive} |`,
    `| clients waiting (cl_waiting) | ${pool.clWaiting} |`,
    `| servers active (sv_active) | ${pool.svActive} |`,
    `| servers idle (sv_idle) | ${pool.svIdle} |`,
    `| servers used (sv_used) | ${pool.svUsed} |`,
    `| servers tested / logging in | ${pool.svTested} / ${pool.svLogin} |`,
    `| maxwait | ${formatSeconds(pool.maxWait)} |`,
    `| pool_size | ${status.poolSize ?? 'unknown'} |`,
    `| use (active / pool_size) | ${status.usePercent === null ? '–' : formatPercent(status.usePercent)} |`,
  ];
  if (status.paused) lines.push('', 'The database is **paused**.');
  if (status.disabled) lines.push('', 'The database is **disabled**: new clients are refused.');
  if (status.reasons.length) lines.push('', `**${status.health}**: ${status.reasons.join('; ')}`);
  return lines.join('\n');
}

function poolsGroup(parentId: string, instance: string, statuses: PoolStatus[], admin: boolean): ViewItem {
  const health = statuses.reduce<Health>((acc, status) => worse(acc, status.health), 'ok');
  const children = statuses.map<ViewItem>((status) => ({
    id: `${parentId}:pool:${status.pool.database}/${status.pool.user}`,
    kind: 'pool',
    instance,
    label: `${status.pool.database} / ${status.pool.user}`,
    description: poolNumbers(status),
    tooltip: poolTooltip(status),
    health: status.health,
    icon: status.paused ? 'debug-pause' : 'layers',
    contextValue: context('pool', { admin, paused: status.paused, disabled: status.disabled }),
    database: status.pool.database,
  }));
  const waiting = statuses.reduce((sum, status) => sum + status.pool.clWaiting, 0);
  const poolsItem = group(
    parentId,
    instance,
    'Pools',
    `${statuses.length}${waiting ? ` · ${waiting} waiting` : ''}`,
    'layers',
    children,
    health,
  );
  return { ...poolsItem, expanded: true }; // the numbers people come for: open from the start
}

function databasesGroup(parentId: string, instance: string, snapshot: Snapshot, admin: boolean): ViewItem {
  const children = snapshot.databases.map<ViewItem>((db) => {
    const flags = [db.paused ? 'paused' : '', db.disabled ? 'disabled' : ''].filter(Boolean);
    const limit = db.maxConnections > 0 ? `/${db.maxConnections}` : '';
    const isAdmin = db.name === ADMIN_DATABASE;
    return {
      id: `${parentId}:database:${db.name}`,
      kind: 'database',
      instance,
      label: db.name,
      description: [
        ...flags,
        `pool_size ${db.poolSize}`,
        `reserve ${db.reservePool}`,
        `connections ${db.currentConnections}${limit}`,
      ].join(' · '),
      tooltip: [
        `**${escapeMarkdown(db.name)}**${isAdmin ? ' (the admin console)' : ''} → ${escapeMarkdown(
          `${db.host ?? '(Unix socket)'}:${db.port}/${db.database}`,
        )}${db.forceUser ? ` as ${escapeMarkdown(db.forceUser)}` : ''}`,
        '',
        '| | |',
        '|---|---|',
        `| pool_size | ${db.poolSize} |`,
        `| min_pool_size | ${db.minPoolSize} |`,
        `| reserve_pool | ${db.reservePool} |`,
        `| pool_mode | ${db.poolMode ?? 'default'} |`,
        `| max_connections | ${db.maxConnections || 'unlimited'} |`,
        `| current_connections | ${db.currentConnections} |`,
        `| paused | ${db.paused ? 'yes' : 'no'} |`,
        `| disabled | ${db.disabled ? 'yes' : 'no'} |`,
      ].join('\n'),
      health: db.paused || db.disabled ? 'warning' : undefined,
      icon: db.paused ? 'debug-pause' : db.disabled ? 'circle-slash' : 'database',
      contextValue: context('database', {
        admin: admin && !isAdmin,
        paused: db.paused,
        disabled: db.disabled,
      }),
      database: db.name,
    };
  });
  const paused = snapshot.databases.filter((db) => db.paused).length;
  const disabled = snapshot.databases.filter((db) => db.disabled).length;
  const notes = [paused ? `${paused} paused` : '', disabled ? `${disabled} disabled` : ''].filter(Boolean);
  return group(
    parentId,
    instance,
    'Databases',
    [String(children.length), ...notes].join(' · '),
    'database',
    children,
  );
}

function connectionsGroup(
  parentId: string,
  instance: string,
  kind: 'client' | 'server',
  rows: ConnectionRow[],
): ViewItem {
  const children = rows.slice(0, MAX_LISTED_CONNECTIONS).map<ViewItem>((row, index) => ({
    id: `${parentId}:${kind}:${index}:${row.addr}:${row.port}:${row.connectTime}`,
    kind,
    instance,
    label: `${row.user}@${row.database}`,
    description: [
      row.state,
      `${row.addr}:${row.port}`,
      row.applicationName,
      row.wait > 0 ? `waiting ${formatSeconds(row.wait)}` : '',
      row.tls ? 'TLS' : '',
    ]
      .filter(Boolean)
      .join(' · '),
    tooltip: [
      `**${escapeMarkdown(row.user)}@${escapeMarkdown(row.database)}** (${kind})`,
      '',
      '| | |',
      '|---|---|',
      `| state | ${row.state} |`,
      `| address | ${escapeMarkdown(`${row.addr}:${row.port}`)} |`,
      `| connected since | ${escapeMarkdown(row.connectTime)} |`,
      `| last request | ${escapeMarkdown(row.requestTime)} |`,
      `| wait | ${formatSeconds(row.wait)} |`,
      `| application_name | ${escapeMarkdown(row.applicationName) || '–'} |`,
      `| TLS | ${escapeMarkdown(row.tls) || 'no'} |`,
      ...(kind === 'server' ? [`| backend pid | ${row.remotePid} |`] : []),
    ].join('\n'),
    icon: kind === 'client' ? 'person' : 'server',
    health: row.wait > 0 ? 'warning' : undefined,
    contextValue: context(kind, {}),
    database: row.database,
  }));
  if (rows.length > MAX_LISTED_CONNECTIONS) {
    children.push({
      id: `${parentId}:${kind}:more`,
      kind: 'note',
      instance,
      label: `… ${rows.length - MAX_LISTED_CONNECTIONS} more`,
      description: `the first ${MAX_LISTED_CONNECTIONS} of ${rows.length} are listed`,
      icon: 'ellipsis',
      contextValue: context('note', {}),
    });
  }
  const states = new Map<string, number>();
  for (const row of rows) states.set(row.state, (states.get(row.state) ?? 0) + 1);
  const byState = [...states].map(([state, count]) => `${count} ${state}`).join(', ');
  return group(
    parentId,
    instance,
    kind === 'client' ? 'Clients' : 'Servers',
    `${rows.length}${byState ? ` · ${byState}` : ''}`,
    kind === 'client' ? 'person' : 'server',
    children,
  );
}

function statsGroup(parentId: string, instance: string, snapshot: Snapshot, previous?: Snapshot): ViewItem {
  const children = statsRates(snapshot, previous).map<ViewItem>((rates) => ({
    id: `${parentId}:stats:${rates.database}`,
    kind: 'stats',
    instance,
    label: rates.database,
    description: `${formatRate(rates.xactPerSecond)} xact/s · ${formatRate(rates.queryPerSecond)} queries/s · query ${formatMs(
      rates.avgQueryMs,
    )} · wait ${formatMs(rates.avgWaitMs)}`,
    tooltip: [
      `**${escapeMarkdown(rates.database)}**`,
      '',
      '| | |',
      '|---|---|',
      `| transactions per second | ${formatRate(rates.xactPerSecond)} |`,
      `| queries per second | ${formatRate(rates.queryPerSecond)} |`,
      `| average query time | ${formatMs(rates.avgQueryMs)} |`,
      `| average transaction time | ${formatMs(rates.avgXactMs)} |`,
      `| average wait time | ${formatMs(rates.avgWaitMs)} |`,
      '',
      rates.xactPerSecond === null
        ? 'Rates appear from the next refresh on (they are differences between two refreshes).'
        : 'Rates: difference of the totals between the last two refreshes. Averages: PgBouncer’s, over its stats_period.',
    ].join('\n'),
    icon: 'graph',
    contextValue: context('stats', {}),
    database: rates.database,
  }));
  return group(parentId, instance, 'Stats', `${children.length} databases`, 'graph', children);
}

function configGroup(parentId: string, instance: string, config: ConfigRow[]): ViewItem {
  const changed = config.filter((row) => !sameConfigValue(row.key, row.value, row.default));
  const children = [...config]
    .sort((a, b) => Number(changedFirst(b)) - Number(changedFirst(a)) || a.key.localeCompare(b.key))
    .map<ViewItem>((row) => {
      const isChanged = changedFirst(row);
      return {
        id: `${parentId}:config:${row.key}`,
        kind: 'config',
        instance,
        label: row.key,
        description: `${row.value === '' ? '(empty)' : row.value}${isChanged ? ` · default ${row.default === '' ? '(empty)' : row.default}` : ''}`,
        tooltip: [
          `**${escapeMarkdown(row.key)}** = \`${row.value}\``,
          '',
          isChanged ? `Changed from the default \`${row.default}\`.` : 'The default.',
          row.changeable ? 'A RELOAD applies a change.' : 'Changing it needs a restart (changeable = no).',
        ].join('\n\n'),
        icon: isChanged ? 'circle-filled' : 'circle-outline',
        contextValue: context('config', { changed: isChanged }),
      };
    });
  return group(
    parentId,
    instance,
    'Config',
    `${config.length} settings · ${changed.length} changed`,
    'settings-gear',
    children,
  );

  function changedFirst(row: ConfigRow): boolean {
    return !sameConfigValue(row.key, row.value, row.default);
  }
}

/** The root items: one per instance, plus notes (e.g. instances ignored in an untrusted workspace). */
export function rootItems(
  states: InstanceState[],
  thresholds: Thresholds,
  now: number,
  notes: string[] = [],
): ViewItem[] {
  return [
    ...notes.map<ViewItem>((note, index) => ({
      id: `note:${index}`,
      kind: 'note',
      instance: '',
      label: note,
      tooltip: escapeMarkdown(note),
      icon: 'shield',
      contextValue: context('note', {}),
    })),
    ...states.map((state) => instanceItem(state, thresholds, now)),
  ];
}

// ---------------------------------------------------------------------------------------------
// Status bar

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

// ---------------------------------------------------------------------------------------------
// Live numbers in the editor: hovering a [databases] entry

/** The [databases] entry whose line holds `offset`, by its name (null elsewhere). */
export function databaseEntryAt(
  text: string,
  offset: number,
): { name: string; start: number; end: number } | null {
  const parsed = parse(text);
  let section: string | null = null;
  for (const item of parsed.items) {
    if (item.span.start > offset) break;
    if (item.kind === 'section') section = item.name;
    else if (item.kind === 'entry' && section === 'databases' && offset <= item.span.end) {
      return { name: item.key.text, start: item.key.span.start, end: item.key.span.end };
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

// ---------------------------------------------------------------------------------------------
// Admin actions

export interface ActionTarget {
  instance: string;
  /** Absent: the whole PgBouncer. */
  database?: string;
}

/** Which admin actions an item offers (none for stats-only users). */
export function actionsFor(item: ViewItem): AdminCommand[] {
  const flags = new Set(item.contextValue.split(' ').slice(1));
  if (!flags.has('admin')) return [];
  if (item.kind === 'instance') return ['PAUSE', 'RESUME', 'RECONNECT', 'RELOAD'];
  if (item.kind !== 'pool' && item.kind !== 'database') return [];
  const actions: AdminCommand[] = [];
  actions.push(flags.has('paused') ? 'RESUME' : 'PAUSE');
  actions.push('RECONNECT', 'KILL');
  actions.push(flags.has('disabled') ? 'ENABLE' : 'DISABLE');
  return actions;
}

/** The confirmation sentence naming the command's effect. */
export function actionSentence(command: AdminCommand, target: ActionTarget): string {
  const on = `on ${target.instance}`;
  const db = target.database;
  switch (command) {
    case 'PAUSE':
      return db
        ? `PAUSE ${db} ${on}: PgBouncer waits until every transaction of ${db} has finished, then closes its server connections; new queries of its clients wait until RESUME.`
        : `PAUSE every database ${on}: PgBouncer waits until every transaction has finished, then closes all server connections; new queries wait until RESUME.`;
    case 'RESUME':
      return db
        ? `RESUME ${db} ${on}: its clients' waiting queries run again.`
        : `RESUME ${on}: every paused or suspended database takes queries again.`;
    case 'RECONNECT':
      return db
        ? `RECONNECT ${db} ${on}: each server connection of ${db} is closed as soon as it is released and replaced by a new one; clients stay connected.`
        : `RECONNECT ${on}: every server connection is closed as soon as it is released and replaced by a new one; clients stay connected.`;
    case 'RELOAD':
      return `RELOAD ${on}: PgBouncer reads its configuration file again and applies every changed setting that can change without a restart. A file with an error is applied only partly.`;
    case 'KILL':
      return `KILL ${db} ${on}: all client and server connections of ${db} are dropped at once (running queries fail), and ${db} stays paused until RESUME.`;
    case 'DISABLE':
      return `DISABLE ${db} ${on}: new client connections to ${db} are refused; connected clients keep working.`;
    case 'ENABLE':
      return `ENABLE ${db} ${on}: new client connections to ${db} are accepted again.`;
  }
}

// ---------------------------------------------------------------------------------------------
// Setting values compared the way PgBouncer reads them

/** A value in a comparable form: numbers as PgBouncer stores them, enums in lower case. */
export function normalizeSettingValue(key: string, value: string): string {
  const type = setting('pgbouncer', key)?.type;
  const text = value.trim();
  switch (type) {
    case 'int':
    case 'uint':
    case 'bool': {
      if (text === '') return '0';
      const reading = readCInt(text);
      return reading.ok ? String(reading.stored) : text;
    }
    case 'time': {
      if (text === '') return '0';
      const reading = readCTime(text);
      return reading.ok ? String(reading.seconds) : text;
    }
    case 'enum':
      return text.toLowerCase();
    default:
      return value;
  }
}

export function sameConfigValue(key: string, a: string, b: string): boolean {
  return a === b || normalizeSettingValue(key, a) === normalizeSettingValue(key, b);
}

// ---------------------------------------------------------------------------------------------
// Reload-safety preview

export interface SettingChange {
  key: string;
  running: string;
  /** The value after RELOAD: the file's, or the default when the file does not set it. */
  file: string;
  /** Not set in the file: a RELOAD resets it to its default. */
  fromDefault: boolean;
  /** 1-based line in the file, when set there. */
  line?: number;
  /** The file the line is in (the main file or an included one). */
  path?: string;
}

export interface DatabaseChange {
  name: string;
  change: 'added' | 'removed' | 'changed';
  details: string[];
  line?: number;
}

export interface FileError {
  message: string;
  line: number;
  path: string;
}

export interface ReloadPreview {
  instance: string;
  version: string;
  /** The file PgBouncer reads on RELOAD (SHOW CONFIG conffile). */
  conffile: string;
  /** The file compared. */
  filePath: string;
  /** Changed settings a RELOAD applies. */
  changes: SettingChange[];
  /** Changed settings a RELOAD does not apply (changeable = no): they need a restart. */
  needRestart: SettingChange[];
  /** Settings of the file the running PgBouncer does not know: a RELOAD fails there. */
  unknown: { key: string; line: number; path: string }[];
  databases: DatabaseChange[];
  /** PgBouncer errors in the file. */
  errors: FileError[];
  /**
   * With errors: the settings whose value after the RELOAD would differ from the file's, because
   * PgBouncer stops reading at the first error and leaves every later setting at its default.
   */
  partial: { stopsAt: FileError; settings: SettingChange[] } | null;
  /** Sentences for the reader, most important first. */
  warnings: string[];
  /** A RELOAD from the editor is offered only when the file has no error. */
  reloadAllowed: boolean;
}

export interface ReloadPreviewInput {
  instance: string;
  text: string;
  filePath: string;
  /** SHOW CONFIG and SHOW DATABASES of the running PgBouncer, SHOW VERSION's text. */
  config: ConfigRow[];
  databases: DatabaseRow[];
  version: string;
  /** Directory PgBouncer runs in (relative paths, %include); default the file's folder. */
  runDirectory?: string;
  /** Where included files are read from; default the machine's (read synchronously). */
  fileSystem?: FileSystem;
}

/** Keys SHOW CONFIG lists that the file does not control (set by PgBouncer or its command line). */
const NOT_FROM_FILE = new Set(['conffile', 'user', 'service_name']);

/** The release of "PgBouncer 1.18.0", as a target version label the catalog knows. */
export function versionOf(text: string): string | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  const full = match[0];
  const minor = `${match[1]}.${match[2]}`;
  if (resolveTargetVersion(full)) return full;
  if (resolveTargetVersion(minor)) return minor;
  return undefined;
}

function lineOf(file: LoadedFile, offset: number): number {
  return file.parsed.lineIndex.positionAt(offset).line + 1;
}

export function reloadPreview(input: ReloadPreviewInput): ReloadPreview {
  const target = versionOf(input.version);
  const lint = lintText(input.text, {
    filePath: input.filePath,
    targetVersion: target,
    runDirectory: input.runDirectory,
    useProjectFile: false,
    fileSystem: input.fileSystem,
  });
  const { model, effective } = lint;
  const files = new Map(model.files.map((file) => [file.path, file]));
  const errors: FileError[] = lint.findings
    .filter((finding) => finding.severity === 'error' && CHECKS.has(finding.code))
    .map((finding) => {
      const file = files.get(finding.file) ?? model.root;
      return { message: finding.message, line: lineOf(file, finding.span.start), path: file.path };
    });

  const running = new Map(input.config.map((row) => [row.key, row]));
  const defaults = new Map(input.config.map((row) => [row.key, row.default]));
  const changes: SettingChange[] = [];
  const needRestart: SettingChange[] = [];
  for (const row of input.config) {
    if (NOT_FROM_FILE.has(row.key) && !effective.main.has(row.key)) continue;
    const change = settingAfterReload(row, effective);
    if (!change) continue;
    (row.changeable ? changes : needRestart).push(change);
  }
  const unknown = [...effective.main.entries()]
    .filter(([key]) => !running.has(key))
    .map(([key, at]) => ({ key, line: lineOf(at.file, at.entry.key.span.start), path: at.file.path }));

  // The [pgbouncer] values the file would give, for the databases' defaults (pool_size, ...).
  const fileValue = (key: string): string => {
    const at = effective.main.get(key);
    return at ? at.entry.value.text : (defaults.get(key) ?? '');
  };
  const databases = databaseChanges(effective, input.databases, fileValue);

  let partial: ReloadPreview['partial'] = null;
  const stop = firstErrorEvent(
    lint.model,
    lint.findings.filter((f) => f.severity === 'error' && CHECKS.has(f.code)),
  );
  if (stop) {
    const truncated = effectiveConfig({ ...model, events: model.events.slice(0, stop.index) }, lint.target);
    const settings: SettingChange[] = [];
    for (const row of input.config) {
      const intended = effective.main.get(row.key);
      if (!row.changeable || !intended) continue;
      const applied = truncated.main.get(row.key);
      const after = applied ? applied.entry.value.text : row.default;
      if (!sameConfigValue(row.key, after, intended.entry.value.text)) {
        settings.push({
          key: row.key,
          running: row.value,
          file: after,
          fromDefault: !applied,
          line: lineOf(intended.file, intended.entry.key.span.start),
          path: intended.file.path,
        });
      }
    }
    partial = {
      stopsAt: { message: stop.message, line: lineOf(stop.file, stop.offset), path: stop.file.path },
      settings,
    };
  }

  const conffile = running.get('conffile')?.value ?? '';
  const warnings: string[] = [];
  if (errors.length > 0) {
    warnings.push(
      `The file has ${plural(errors.length, 'error')}. A RELOAD of a file with an error is applied only partly: PgBouncer applies the lines before the bad one and resets every later setting to its default, yet answers RELOAD as if all went well. Fix the errors first; RELOAD from the editor is not offered.`,
    );
  }
  if (unknown.length > 0) {
    warnings.push(
      `${input.version || 'The running PgBouncer'} does not know ${unknown.map((u) => u.key).join(', ')}: a RELOAD stops there.`,
    );
  }
  if (needRestart.length > 0) {
    warnings.push(
      `${plural(needRestart.length, 'changed setting')} (${needRestart.map((c) => c.key).join(', ')}) ${
        needRestart.length === 1 ? 'needs' : 'need'
      } a restart: a RELOAD leaves ${needRestart.length === 1 ? 'it' : 'them'} as they are.`,
    );
  }
  if (conffile && normalizePath(conffile) !== normalizePath(input.filePath)) {
    warnings.push(
      `PgBouncer reads ${conffile}, not ${input.filePath}: a RELOAD applies ${conffile}. This preview assumes the open file is what will be there.`,
    );
  }
  return {
    instance: input.instance,
    version: input.version,
    conffile,
    filePath: input.filePath,
    changes,
    needRestart,
    unknown,
    databases,
    errors,
    partial,
    warnings,
    reloadAllowed: errors.length === 0 && unknown.length === 0,
  };
}

function normalizePath(file: string): string {
  return file.replace(/\\/g, '/').replace(/\/+$/, '');
}

function settingAfterReload(row: ConfigRow, effective: EffectiveConfig): SettingChange | null {
  const at = effective.main.get(row.key);
  const file = at ? at.entry.value.text : row.default;
  if (sameConfigValue(row.key, row.value, file)) return null;
  return {
    key: row.key,
    running: row.value,
    file,
    fromDefault: !at,
    line: at ? lineOf(at.file, at.entry.key.span.start) : undefined,
    path: at?.file.path,
  };
}

/** Where PgBouncer stops reading: the load event holding the first error (in load order). */
function firstErrorEvent(
  model: ReturnType<typeof lintText>['model'],
  errors: ReturnType<typeof lintText>['findings'],
): { index: number; file: LoadedFile; offset: number; message: string } | null {
  let best: { index: number; file: LoadedFile; offset: number; message: string } | null = null;
  for (const finding of errors) {
    const index = model.events.findIndex((event) => {
      if (event.file.path !== finding.file) return false;
      const span =
        event.kind === 'entry'
          ? event.entry.span
          : event.kind === 'error'
            ? event.error.lineSpan
            : event.kind === 'section'
              ? event.header.span
              : event.include.span;
      return finding.span.start >= span.start && finding.span.start <= Math.max(span.end, span.start);
    });
    if (index >= 0 && (!best || index < best.index)) {
      best = { index, file: model.events[index].file, offset: finding.span.start, message: finding.message };
    }
  }
  return best;
}

function databaseChanges(
  effective: EffectiveConfig,
  running: DatabaseRow[],
  fileValue: (key: string) => string,
): DatabaseChange[] {
  const out: DatabaseChange[] = [];
  const runningByName = new Map(running.map((row) => [row.name, row]));
  const int = (text: string): number => {
    const reading = readCInt(text.trim());
    return reading.ok ? reading.stored : 0;
  };
  for (const [name, entry] of effective.databases) {
    if (name === '*') continue;
    const line = lineOf(entry.at.file, entry.at.entry.key.span.start);
    const row = runningByName.get(name);
    if (!row) {
      out.push({ name, change: 'added', details: ['new: a RELOAD adds it'], line });
      continue;
    }
    const param = (key: string): string | undefined => entry.params.get(key)?.value;
    // a number parameter of the entry (atoi, as PgBouncer), else the [pgbouncer] setting it defaults to
    const number = (keys: string[], fallback: number): number => {
      const text = keys.map(param).find((value) => value !== undefined);
      return text === undefined ? fallback : readAtoi(text).value;
    };
    const expected: [string, string | number | null, string | number | null][] = [
      ['host', param('host') ?? null, row.host],
      ['port', number(['port'], 5432), row.port],
      ['dbname', param('dbname') ?? name, row.database],
      ['user', param('user') ?? null, row.forceUser],
      ['pool_size', number(['pool_size'], int(fileValue('default_pool_size'))), row.poolSize],
      ['min_pool_size', number(['min_pool_size'], int(fileValue('min_pool_size'))), row.minPoolSize],
      [
        'reserve_pool',
        number(['reserve_pool_size', 'reserve_pool'], int(fileValue('reserve_pool_size'))),
        row.reservePool,
      ],
      ['pool_mode', param('pool_mode')?.toLowerCase() ?? null, row.poolMode],
      [
        'max_db_connections',
        number(['max_db_connections'], int(fileValue('max_db_connections'))),
        row.maxConnections,
      ],
    ];
    const details = expected
      .filter(([, want, have]) => String(want ?? '') !== String(have ?? ''))
      .map(([key, want, have]) => `${key}: ${have ?? '(none)'} → ${want ?? '(none)'}`);
    if (details.length) out.push({ name, change: 'changed', details, line });
  }
  const hasWildcard = effective.databases.has('*');
  for (const row of running) {
    if (row.name === ADMIN_DATABASE || effective.databases.has(row.name)) continue;
    out.push({
      name: row.name,
      change: 'removed',
      details: [
        hasWildcard
          ? 'not in the file (perhaps created by the * fallback entry): a RELOAD may drop it'
          : 'not in the file: a RELOAD drops it and disconnects its clients',
      ],
    });
  }
  return out;
}

/** The preview as a Markdown document. */
export function reloadPreviewMarkdown(preview: ReloadPreview): string {
  const out: string[] = [];
  const where = (line?: number, file?: string): string =>
    line ? ` (line ${line}${file && file !== preview.filePath ? ` of ${file}` : ''})` : '';
  const value = (text: string): string => (text === '' ? '(empty)' : `\`${text}\``);
  out.push(`# RELOAD preview: ${preview.instance}`, '');
  out.push(
    `Compares \`${preview.filePath}\` with the running ${preview.version || 'PgBouncer'} (SHOW CONFIG, SHOW DATABASES).`,
    '',
  );
  if (preview.warnings.length) {
    out.push('## Warnings', '');
    for (const warning of preview.warnings) out.push(`- ⚠️ ${warning}`);
    out.push('');
  }
  if (preview.errors.length) {
    out.push('## Errors in the file', '');
    for (const error of preview.errors)
      out.push(`- line ${error.line}${where(undefined, error.path)}: ${error.message}`);
    out.push('');
  }
  if (preview.partial) {
    const { stopsAt, settings } = preview.partial;
    out.push(
      '## If you RELOAD anyway',
      '',
      `PgBouncer stops reading at line ${stopsAt.line}${stopsAt.path !== preview.filePath ? ` of ${stopsAt.path}` : ''} (${stopsAt.message}).`,
    );
    if (settings.length) {
      out.push('', 'These settings would not get the file’s value:', '');
      for (const change of settings) {
        out.push(
          `- \`${change.key}\`${where(change.line, change.path)}: ${value(change.file)} instead of the file’s value`,
        );
      }
    }
    out.push('');
  }
  out.push('## What a RELOAD changes', '');
  if (preview.changes.length === 0) out.push('No setting changes.');
  for (const change of preview.changes) {
    out.push(
      `- \`${change.key}\`${where(change.line, change.path)}: ${value(change.running)} → ${value(change.file)}${
        change.fromDefault ? ' (not in the file: back to the default)' : ''
      }`,
    );
  }
  out.push('');
  if (preview.needRestart.length) {
    out.push('## Changed, but only a restart applies them (changeable = no)', '');
    for (const change of preview.needRestart) {
      out.push(
        `- \`${change.key}\`${where(change.line, change.path)}: ${value(change.running)} → ${value(change.file)}`,
      );
    }
    out.push('');
  }
  if (preview.unknown.length) {
    out.push('## Unknown to the running PgBouncer', '');
    for (const u of preview.unknown) out.push(`- \`${u.key}\`${where(u.line, u.path)}`);
    out.push('');
  }
  out.push('## Databases', '');
  if (preview.databases.length === 0) out.push('No database changes.');
  for (const db of preview.databases) {
    out.push(`- \`${db.name}\` ${db.change}${where(db.line)}: ${db.details.join('; ')}`);
  }
  out.push('');
  out.push(
    preview.reloadAllowed
      ? 'RELOAD is safe to run: the file has no errors.'
      : 'RELOAD from the editor is not offered until the file has no errors.',
  );
  return out.join('\n') + '\n';
}
