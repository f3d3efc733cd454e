// The Pool Status tree as plain items (tree.ts draws them): per instance its status, then Pools,
// Databases, Clients, Servers, Stats and Config, with ids stable across refreshes and the context
// values the menus of package.json match.

import { sameConfigValue } from '../../../../server/src/api';
import { advisoriesGroup } from './advisories';
import { formatMs, formatPercent, formatRate, formatSeconds, escapeMarkdown, plural } from './format';
import { poolNumbers, poolStatuses, worse } from './health';
import type { Health, PoolStatus, Thresholds } from './health';
import { isPasswordProblem } from '../errors';
import { errorTitle, transportText } from './instance-state';
import type { InstanceState } from './instance-state';
import { statsRates } from './rates';
import { ADMIN_DATABASE } from './snapshot';
import type { ConfigRow, ConnectionRow, Snapshot } from './snapshot';

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
  /** What clicking the item does: enter the instance's password, or reconnect now. */
  click?: 'enter-password' | 'retry';
  children?: ViewItem[];
  expanded?: boolean;
}

/** Connection lists longer than this are cut, with a note saying how many are left out. */
export const MAX_LISTED_CONNECTIONS = 200;

function context(kind: ItemKind, flags: Record<string, boolean>): string {
  return ['pgbouncer.' + kind, ...Object.keys(flags).filter((flag) => flags[flag])].join(' ');
}

/** The instance's subtree: its status, then Pools, Databases, Clients, Servers, Stats, Config. */
export function instanceItem(state: InstanceState, thresholds: Thresholds, now: number): ViewItem {
  const { instance } = state;
  const id = `instance:${instance.name}`;
  // In a multi-root workspace an instance from a folder's settings says which folder.
  const where = `${instance.folder ? `${instance.folder} · ` : ''}${instance.host}:${instance.port}`;
  if (state.error || !state.snapshot) {
    const error = state.error;
    const retryIn =
      state.connection.status === 'failed' && state.connection.retryAt !== undefined
        ? Math.max(0, Math.ceil((state.connection.retryAt - now) / 1000))
        : 0;
    const children: ViewItem[] = [];
    const password = isPasswordProblem(error);
    if (error && password) {
      // Retrying with the same password cannot help: the monitor waits for a new one (or a Retry).
      children.push({
        id: `${id}:error`,
        kind: 'error',
        instance: instance.name,
        label: errorTitle(error),
        description:
          error.kind === 'auth' ? 'wrong password · click to enter it' : 'none stored · click to enter it',
        tooltip: `${escapeMarkdown(error.message)}\n\nClick to enter the password. PgBouncer is not asked again until the password or the instance’s settings change, or you choose Retry.`,
        health: 'critical',
        icon: 'key',
        contextValue: context('error', { retry: true, password: true }),
        click: 'enter-password',
      });
    } else if (error) {
      children.push({
        id: `${id}:error`,
        kind: 'error',
        instance: instance.name,
        label: errorTitle(error),
        description: retryIn > 0 ? `retrying in ${retryIn} s` : 'retrying',
        tooltip: `${escapeMarkdown(error.message)}\n\nClick to retry now.`,
        health: 'critical',
        icon: 'error',
        contextValue: context('error', { retry: true }),
        click: 'retry',
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
      contextValue: context('instance', { retry: !!error, password }),
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
  const advisories = advisoriesGroup(id, instance.name, snapshot.version);
  if (advisories) groups.push(advisories);
  return {
    id,
    kind: 'instance',
    instance: instance.name,
    label: instance.name,
    description: [instance.folder, version, transport?.short, admin ? 'admin' : 'stats only', summary]
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

/** The limit with how it is made ("8 (pool_size 5 + reserve 3)"); no use is computed when unlimited. */
function limitText(status: PoolStatus): string {
  const { value, basis } = status.limit;
  if (value === null) return escapeMarkdown(basis);
  if (!Number.isFinite(value)) return `unlimited (${escapeMarkdown(basis)})`;
  return `${value} (${escapeMarkdown(basis)})`;
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
    `| limit | ${limitText(status)} |`,
    `| use (active / limit) | ${status.usePercent === null ? '–' : formatPercent(status.usePercent)} |`,
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
