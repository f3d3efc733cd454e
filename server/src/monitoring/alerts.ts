// Prometheus alerting rules for pgbouncer_exporter's metrics, derived from the configuration PgBouncer
// runs with, and the check that a rule file kept in git still matches it.
//
// A threshold comes from an exporter gauge wherever the exporter exports the limit (pool_size and
// the reserve per database, max_client_conn, the global max_user_connections): those rules stay
// right when a database is added or a limit changes. The rest are constants from the file
// (query_wait_timeout, max_db_connections, per-user limits, whether reserve_pool_timeout lets the
// reserve in); each rule says which, and lists the values it was generated for in its
// `pgbouncer_settings` annotation, which the drift check compares.

import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { LintResult } from '../analysis/engine';
import { buildPoolModel, FALLBACK_DATABASE, poolConfigOf, sizeLimit, usableReserve } from '../model/pools';
import type { Pool, PoolModel } from '../model/pools';
import {
  CONFIG_MAX_CLIENT_CONNECTIONS,
  CONFIG_MAX_USER_CONNECTIONS,
  DATABASES_POOL_SIZE,
  DATABASES_RESERVE_POOL,
  PGBOUNCER_UP,
  POOL_SERVER_CONNECTIONS,
  POOLS_CLIENT_MAXWAIT,
  POOLS_CLIENT_WAITING,
  TARGET_UP,
  USED_CLIENTS,
} from './exporter-metrics';

export interface AlertOptions {
  /** PromQL label matchers, e.g. 'job="pgbouncer"'; default 'job="pgbouncer"'; '' for none. */
  selector?: string;
  /** Default 80. */
  warningPercent?: number;
  /** Default 95. */
  criticalPercent?: number;
  format?: 'rules' | 'prometheus-rule';
  /** PrometheusRule metadata.name; default from the file name. */
  name?: string;
  namespace?: string;
  /** Where docs/alerts.md is published; runbook_url is this plus '#' and the alert's anchor. */
  docsBaseUrl?: string;
}

export interface GeneratedAlert {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
  /** the settings it rests on, e.g. ['pool_size of app', 'query_wait_timeout'] */
  settings: string[];
  /** constants taken from the config, by setting name */
  constants: Record<string, number>;
}

export const DEFAULT_SELECTOR = 'job="pgbouncer"';
export const DEFAULT_WARNING_PERCENT = 80;
export const DEFAULT_CRITICAL_PERCENT = 95;
export const DEFAULT_DOCS_URL =
  'https://github.com/pgbouncer-config/pgbouncer-config/blob/main/docs/alerts.md';
/** The annotation that holds the constants a rule was generated for ("name=value; ..."). */
export const SETTINGS_ANNOTATION = 'pgbouncer_settings';

/** Every alert this module can generate, in output order (docs/alerts.md has a section for each). */
export const ALERT_NAMES = [
  'PgBouncerExporterDown',
  'PgBouncerUnreachable',
  'PgBouncerClientsWaiting',
  'PgBouncerMaxWaitNearQueryWaitTimeout',
  'PgBouncerClientsNearMaxClientConn',
  'PgBouncerPoolNearLimit',
  'PgBouncerReservePoolInUse',
  'PgBouncerDatabaseNearMaxDbConnections',
  'PgBouncerUserNearMaxUserConnections',
] as const;

/** Matchers PromQL accepts: name, operator, double-quoted value, comma separated. */
const MATCHER = String.raw`[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"`;
const SELECTOR_SYNTAX = new RegExp(String.raw`^\s*(?:${MATCHER}(?:\s*,\s*${MATCHER})*\s*,?)?\s*$`);

/** Why a selector cannot be used, or null. */
export function selectorProblem(selector: string): string | null {
  return SELECTOR_SYNTAX.test(selector)
    ? null
    : `write PromQL label matchers such as job="pgbouncer" or job="pgbouncer",namespace=~"prod-.*"`;
}

/** Why the percentages cannot be used, or null. */
export function percentProblem(warning: number, critical: number): string | null {
  for (const [name, value] of [
    ['warning', warning],
    ['critical', critical],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0 || value > 100)
      return `the ${name} percentage must be above 0 and at most 100 (got ${value})`;
  }
  return warning < critical
    ? null
    : `the warning percentage (${warning}) must be below the critical one (${critical})`;
}

interface Resolved {
  selector: string;
  warning: number;
  critical: number;
  docs: string;
}

function resolve(options: AlertOptions = {}): Resolved {
  const selector = (options.selector ?? DEFAULT_SELECTOR).trim().replace(/,$/, '');
  return {
    selector,
    warning: options.warningPercent ?? DEFAULT_WARNING_PERCENT,
    critical: options.criticalPercent ?? DEFAULT_CRITICAL_PERCENT,
    docs: options.docsBaseUrl ?? DEFAULT_DOCS_URL,
  };
}

/** A number as PromQL and the messages write it (no 0.30000000000000004). */
function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** A PromQL string literal. */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** A regex matching exactly these names (RE2, anchored by PromQL). */
function alternatives(names: readonly string[]): string {
  return names.map((name) => name.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')).join('|');
}

class Builder {
  readonly alerts: (GeneratedAlert & { note: string })[] = [];

  constructor(
    readonly options: Resolved,
    readonly fileName: string,
  ) {}

  /** A metric with the selector and extra matchers. */
  m(metric: string, ...extra: string[]): string {
    const matchers = [this.options.selector, ...extra].filter((part) => part !== '');
    return matchers.length === 0 ? metric : `${metric}{${matchers.join(', ')}}`;
  }

  /** The server connections PgBouncer counts against a pool's size, per (database, user). */
  servers(...extra: string[]): string {
    return `(${POOL_SERVER_CONNECTIONS.map((metric) => this.m(metric.name, ...extra)).join(' + ')})`;
  }

  /** A database gauge with PgBouncer's database name as `database`, to match the pools' label. */
  byDatabaseName(expr: string): string {
    return `label_replace(${expr}, "database", "$1", "name", "(.*)")`;
  }

  add(
    alert: string,
    severity: 'warning' | 'critical',
    made: {
      expr: string;
      for: string;
      summary: string;
      description: string;
      settings: string[];
      constants: Record<string, number>;
      note: string;
    },
  ): void {
    this.alerts.push({
      alert,
      expr: made.expr,
      for: made.for,
      labels: { severity },
      annotations: {
        summary: made.summary,
        description: made.description,
        runbook_url: `${this.options.docs}#${alert.toLowerCase()}`,
      },
      settings: made.settings,
      constants: made.constants,
      note: made.note,
    });
  }
}

/** Pools grouped by a key, with the databases each group holds. */
function groupPools(pools: readonly Pool[], key: (pool: Pool) => string | null): Map<string, Pool[]> {
  const groups = new Map<string, Pool[]>();
  for (const pool of pools) {
    const k = key(pool);
    if (k === null) continue;
    const list = groups.get(k) ?? [];
    list.push(pool);
    groups.set(k, list);
  }
  return groups;
}

function userPoolTerms(
  b: Builder,
  model: PoolModel,
  withReserve: boolean,
): { terms: string[]; users: string[]; constants: Record<string, number> } {
  // [users] pool_size (1.23+): the user's pools in every database have that size; SHOW DATABASES
  // does not show it, so these are constants.
  const own = model.pools.filter((pool) => pool.user !== null && pool.size.source.level === 'user');
  const users = [...new Set(own.map((pool) => pool.user as string))];
  const terms: string[] = [];
  const constants: Record<string, number> = {};
  for (const user of users) {
    const pools = own.filter((pool) => pool.user === user);
    constants[`pool_size of user ${user}`] = pools[0].size.value;
    const limitOf = (pool: Pool) => sizeLimit(model, pool) + (withReserve ? usableReserve(model, pool) : 0);
    const byLimit = groupPools(pools, (pool) => {
      const limit = limitOf(pool);
      return Number.isFinite(limit) && limit > 0 ? String(limit) : null; // unlimited or 0: no ratio
    });
    for (const [limit, group] of byLimit) {
      const databases = [...new Set(group.map((pool) => pool.database.name))];
      const matchers = [`user=${quote(user)}`];
      if (byLimit.size > 1) matchers.push(`database=~${quote(alternatives(databases))}`);
      terms.push(`${b.servers(...matchers)} / ${limit}`);
    }
  }
  return { terms, users, constants };
}

/** servers / (pool_size [+ reserve]) per pool, from the gauges, and constants for [users] sizes. */
function poolRatio(b: Builder, model: PoolModel, withReserve: boolean) {
  const byUser = userPoolTerms(b, model, withReserve);
  const exclude = byUser.users.length > 0 ? [`user!~${quote(alternatives(byUser.users))}`] : [];
  const size = `${b.m(DATABASES_POOL_SIZE.name)} > 0`;
  const limit = withReserve ? `(${size}) + ${b.m(DATABASES_RESERVE_POOL.name)}` : size;
  const gauge = `${b.servers(...exclude)}\n  / on(job, instance, database) group_left()\n  ${b.byDatabaseName(limit)}`;
  const terms = [gauge, ...byUser.terms];
  return { expr: terms.length === 1 ? terms[0] : terms.map((t) => `(${t})`).join('\nor\n'), ...byUser };
}

function capTerms(
  b: Builder,
  pools: readonly Pool[],
  level: 'database' | 'user',
  globalCap: number | null,
): { terms: { expr: string }[]; constants: Record<string, number> } {
  const name = level === 'database' ? 'max_db_connections' : 'max_user_connections';
  const label = level;
  const other = level === 'database' ? 'user' : 'database';
  const capOf = (pool: Pool) => (level === 'database' ? pool.dbCap : pool.userCap);
  const ownerOf = (pool: Pool) => (level === 'database' ? pool.database.name : pool.user);
  const constants: Record<string, number> = {};
  const own = groupPools(pools, (pool) => {
    const cap = capOf(pool);
    const owner = ownerOf(pool);
    // Databases made from the "*" entry have names of their own: the fallback gets no term.
    if (owner === null || (level === 'database' && owner === FALLBACK_DATABASE)) return null;
    return cap && cap.source.level !== 'global' ? String(cap.value) : null;
  });
  const owners = new Set<string>();
  const terms: { expr: string }[] = [];
  for (const [cap, group] of own) {
    const names = [...new Set(group.map((pool) => ownerOf(pool) as string))];
    for (const owner of names) {
      owners.add(owner);
      constants[`${name} of ${level} ${owner}`] = Number(cap);
    }
    const matcher =
      names.length === 1 ? `${label}=${quote(names[0])}` : `${label}=~${quote(alternatives(names))}`;
    terms.push({ expr: `sum without (${other}) ${b.servers(matcher)} / ${cap}` });
  }
  const exclude = owners.size > 0 ? [`${label}!~${quote(alternatives([...owners]))}`] : [];
  if (globalCap !== null && globalCap > 0 && level === 'database') {
    constants[name] = globalCap;
    terms.unshift({ expr: `sum without (${other}) ${b.servers(...exclude)} / ${num(globalCap)}` });
  } else if (globalCap !== null && globalCap > 0) {
    constants[name] = globalCap;
    // The global max_user_connections is exported: the gauge, so that the rule follows a change.
    terms.unshift({
      expr: `sum without (${other}) ${b.servers(...exclude)}\n  / on(job, instance) group_left()\n  (${b.m(CONFIG_MAX_USER_CONNECTIONS.name)} > 0)`,
    });
  }
  return { terms, constants };
}

function joinTerms(terms: readonly { expr: string }[]): string {
  return terms.length === 1 ? terms[0].expr : terms.map((term) => `(${term.expr})`).join('\nor\n');
}

function sentenceList(words: readonly string[]): string {
  return words.length <= 1
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The rule groups for a configuration: availability, clients, pools. */
export function alertGroups(
  result: LintResult,
  options?: AlertOptions,
): { name: string; rules: GeneratedAlert[] }[] {
  return buildGroups(result, options).groups;
}

function buildGroups(result: LintResult, options?: AlertOptions) {
  const resolved = resolve(options);
  const fileName = path.basename(result.model.root.path || 'pgbouncer.ini');
  const config = poolConfigOf(result.effective);
  const model = buildPoolModel(config);
  const levels = [
    ['warning', resolved.warning],
    ['critical', resolved.critical],
  ] as const;
  const percentText = `${resolved.warning} % (warning) and ${resolved.critical} % (critical)`;
  const omitted: string[] = [];

  const availability = new Builder(resolved, fileName);
  availability.add('PgBouncerExporterDown', 'critical', {
    expr: `${availability.m(TARGET_UP)} == 0`,
    for: '2m',
    summary: 'pgbouncer_exporter cannot be scraped on {{ $labels.instance }}',
    description:
      'Prometheus has not been able to scrape the exporter for 2 minutes, so none of the other PgBouncer alerts can fire. Check that pgbouncer_exporter is running and reachable.',
    settings: [],
    constants: {},
    note: 'no threshold',
  });
  availability.add('PgBouncerUnreachable', 'critical', {
    expr: `${availability.m(PGBOUNCER_UP.name)} == 0`,
    for: '2m',
    summary: 'PgBouncer behind {{ $labels.instance }} does not answer the exporter',
    description:
      "The exporter runs but has failed for 2 minutes to query PgBouncer's admin console (SHOW commands as a user in stats_users or admin_users). PgBouncer may be down, refusing the exporter's login, or out of client slots.",
    settings: ['stats_users', 'admin_users'],
    constants: {},
    note: 'no threshold',
  });

  const clients = new Builder(resolved, fileName);
  clients.add('PgBouncerClientsWaiting', 'warning', {
    expr: `${clients.m(POOLS_CLIENT_WAITING.name)} > 0`,
    for: '5m',
    summary: 'Clients of {{ $labels.database }}/{{ $labels.user }} have been waiting for a server connection',
    description:
      'For 5 minutes, {{ $value }} client(s) of database {{ $labels.database }}, user {{ $labels.user }} have been queued because every server connection the pool may open is busy. The pool is too small for its load (pool_size, or default_pool_size), or queries hold their connections too long.',
    settings: ['pool_size', 'default_pool_size'],
    constants: {},
    note: 'no threshold: any waiting client counts',
  });
  const queryWait = config.seconds('query_wait_timeout');
  if (queryWait !== null && queryWait > 0) {
    for (const [severity, percent] of levels) {
      const threshold = num((queryWait * percent) / 100);
      clients.add('PgBouncerMaxWaitNearQueryWaitTimeout', severity, {
        expr: `${clients.m(POOLS_CLIENT_MAXWAIT.name)} >= ${threshold}`,
        for: severity === 'warning' ? '1m' : '30s',
        summary: `Clients of {{ $labels.database }}/{{ $labels.user }} have waited {{ $value }} s, ${percent} % of query_wait_timeout`,
        description: `The oldest waiting client of database {{ $labels.database }}, user {{ $labels.user }} has waited {{ $value }} s for a server connection. At query_wait_timeout (${num(queryWait)} s in ${fileName}) PgBouncer disconnects it with "query_wait_timeout".`,
        settings: ['query_wait_timeout'],
        constants: { query_wait_timeout: queryWait },
        note: `constant from the config: ${percent} % of query_wait_timeout = ${num(queryWait)} s (the exporter does not export it)`,
      });
    }
  } else {
    omitted.push(
      'PgBouncerMaxWaitNearQueryWaitTimeout: query_wait_timeout is 0 (clients may wait forever; PgBouncerClientsWaiting still watches them)',
    );
  }
  const maxClientConn = config.int('max_client_conn');
  for (const [severity, percent] of levels) {
    clients.add('PgBouncerClientsNearMaxClientConn', severity, {
      expr: `${clients.m(USED_CLIENTS.name)}\n  / (${clients.m(CONFIG_MAX_CLIENT_CONNECTIONS.name)} > 0)\n  >= ${num(percent / 100)}`,
      for: severity === 'warning' ? '5m' : '2m',
      summary: `PgBouncer {{ $labels.instance }} holds {{ $value | humanizePercentage }} of max_client_conn`,
      description: `Client connections (SHOW LISTS used_clients) have reached {{ $value | humanizePercentage }} of max_client_conn (${maxClientConn ?? 'unreadable'} in ${fileName} when this was generated). Past it PgBouncer refuses new clients with "no more connections allowed (max_client_conn)".`,
      settings: ['max_client_conn'],
      constants: maxClientConn === null ? {} : { max_client_conn: maxClientConn },
      note: `exporter gauge ${CONFIG_MAX_CLIENT_CONNECTIONS.name} (max_client_conn = ${maxClientConn ?? '?'} when generated)`,
    });
  }

  const pools = new Builder(resolved, fileName);
  if (model === null) {
    omitted.push('the pool rules: a pool setting of the file cannot be read (see its findings)');
  } else {
    const reserveTimeout = model.reserveTimeout.value;
    const reserveOn = model.reserveEnabled;
    const ratio = poolRatio(pools, model, reserveOn);
    const poolConstants: Record<string, number> = {
      default_pool_size: model.defaultPoolSize.value,
      reserve_pool_timeout: reserveTimeout,
      ...ratio.constants,
    };
    const limitWords = reserveOn
      ? `its pool_size (default_pool_size = ${model.defaultPoolSize.value} where the database sets none) plus its reserve_pool_size, which PgBouncer adds once a client has waited reserve_pool_timeout (${num(reserveTimeout)} s)`
      : `its pool_size (default_pool_size = ${model.defaultPoolSize.value} where the database sets none); reserve_pool_timeout is 0, so no reserve is ever added`;
    const unlimited = model.zeroIsUnlimited ? ' A pool_size of 0 means no limit here and is left out.' : '';
    for (const [severity, percent] of levels) {
      pools.add('PgBouncerPoolNearLimit', severity, {
        expr: `(\n  ${ratio.expr.replace(/\n/g, '\n  ')}\n) >= ${num(percent / 100)}`,
        for: severity === 'warning' ? '5m' : '2m',
        summary: `Pool {{ $labels.database }}/{{ $labels.user }} uses {{ $value | humanizePercentage }} of its server connections`,
        description: `The pool of database {{ $labels.database }}, user {{ $labels.user }} holds {{ $value | humanizePercentage }} of the server connections it may open: ${limitWords}.${unlimited} When it is full, clients wait.`,
        settings: ['pool_size', 'default_pool_size', 'reserve_pool_size', 'reserve_pool_timeout'],
        constants: poolConstants,
        note:
          `exporter gauges ${DATABASES_POOL_SIZE.name}${reserveOn ? ` + ${DATABASES_RESERVE_POOL.name}` : ''}` +
          ` per database; constant from the config: reserve_pool_timeout = ${num(reserveTimeout)} s` +
          (ratio.users.length > 0
            ? `, [users] pool_size of ${sentenceList(ratio.users)} (SHOW DATABASES does not show it)`
            : ''),
      });
    }
    const reserveSet = model.globalReserve.value > 0 || model.pools.some((pool) => pool.reserve.value > 0);
    if (reserveOn && reserveSet) {
      const sizeOnly = poolRatio(pools, model, false);
      pools.add('PgBouncerReservePoolInUse', 'warning', {
        expr: `(\n  ${sizeOnly.expr.replace(/\n/g, '\n  ')}\n) > 1`,
        for: '5m',
        summary: 'Pool {{ $labels.database }}/{{ $labels.user }} is using its reserve connections',
        description: `The pool of database {{ $labels.database }}, user {{ $labels.user }} has more server connections than its pool_size: clients waited longer than reserve_pool_timeout (${num(reserveTimeout)} s in ${fileName}) and PgBouncer opened reserve connections (reserve_pool_size). The pool is too small for its load.`,
        settings: ['reserve_pool_size', 'reserve_pool_timeout', 'pool_size'],
        constants: {
          reserve_pool_timeout: reserveTimeout,
          reserve_pool_size: model.globalReserve.value,
          ...sizeOnly.constants,
        },
        note: `exporter gauge ${DATABASES_POOL_SIZE.name}; constant from the config: reserve_pool_timeout = ${num(reserveTimeout)} s (above 0: the reserve is used)`,
      });
    } else if (!reserveOn) {
      omitted.push('PgBouncerReservePoolInUse: reserve_pool_timeout is 0, so no reserve is ever used');
    } else {
      omitted.push('PgBouncerReservePoolInUse: no database has a reserve_pool_size above 0');
    }
    const counted = model.pools;
    const dbCaps = capTerms(pools, counted, 'database', config.int('max_db_connections'));
    if (dbCaps.terms.length > 0) {
      for (const [severity, percent] of levels) {
        pools.add('PgBouncerDatabaseNearMaxDbConnections', severity, {
          expr: `(\n  ${joinTerms(dbCaps.terms).replace(/\n/g, '\n  ')}\n) >= ${num(percent / 100)}`,
          for: severity === 'warning' ? '5m' : '2m',
          summary: `Database {{ $labels.database }} uses {{ $value | humanizePercentage }} of max_db_connections`,
          description: `The pools of database {{ $labels.database }} hold {{ $value | humanizePercentage }} of the server connections max_db_connections allows them together (${describeConstants(dbCaps.constants)} in ${fileName}). When it is reached, clients wait even where their pool has room.`,
          settings: ['max_db_connections'],
          constants: dbCaps.constants,
          note: `constants from the config: ${describeConstants(dbCaps.constants)} (the exporter exports no global max_db_connections)`,
        });
      }
    } else {
      omitted.push('PgBouncerDatabaseNearMaxDbConnections: max_db_connections is 0 (no cap) everywhere');
    }
    const userCaps = capTerms(pools, counted, 'user', config.int('max_user_connections'));
    if (userCaps.terms.length > 0) {
      for (const [severity, percent] of levels) {
        pools.add('PgBouncerUserNearMaxUserConnections', severity, {
          expr: `(\n  ${joinTerms(userCaps.terms).replace(/\n/g, '\n  ')}\n) >= ${num(percent / 100)}`,
          for: severity === 'warning' ? '5m' : '2m',
          summary: `User {{ $labels.user }} uses {{ $value | humanizePercentage }} of max_user_connections`,
          description: `The pools of user {{ $labels.user }} hold {{ $value | humanizePercentage }} of the server connections max_user_connections allows them over all databases (${describeConstants(userCaps.constants)} in ${fileName}). When it is reached, the user's clients wait.`,
          settings: ['max_user_connections'],
          constants: userCaps.constants,
          note:
            'max_user_connections' in userCaps.constants
              ? `exporter gauge ${CONFIG_MAX_USER_CONNECTIONS.name} for the global value (max_user_connections = ${userCaps.constants.max_user_connections} when generated)` +
                (Object.keys(userCaps.constants).length > 1
                  ? '; constants from the config for [users] entries'
                  : '')
              : `constants from the config: ${describeConstants(userCaps.constants)}`,
        });
      }
    } else {
      omitted.push('PgBouncerUserNearMaxUserConnections: max_user_connections is 0 (no cap) everywhere');
    }
  }

  const groups = [
    { name: 'pgbouncer-availability', rules: availability.alerts },
    { name: 'pgbouncer-clients', rules: clients.alerts },
    { name: 'pgbouncer-pools', rules: pools.alerts },
  ].filter((group) => group.rules.length > 0);
  return { groups, resolved, fileName, omitted, percentText };
}

function describeConstants(constants: Record<string, number>): string {
  return Object.entries(constants)
    .map(([name, value]) => `${name} = ${num(value)}`)
    .join(', ');
}

function settingsAnnotation(constants: Record<string, number>): string {
  return Object.entries(constants)
    .map(([name, value]) => `${name}=${num(value)}`)
    .join('; ');
}

function parseSettingsAnnotation(text: unknown): Record<string, number> {
  const constants: Record<string, number> = {};
  if (typeof text !== 'string') return constants;
  for (const part of text.split('; ')) {
    const at = part.lastIndexOf('=');
    if (at <= 0) continue;
    const value = Number(part.slice(at + 1));
    if (Number.isFinite(value)) constants[part.slice(0, at)] = value;
  }
  return constants;
}

// ---------------------------------------------------------------------------------------------
// YAML output (written by hand: comments where a reader needs them, every string double-quoted).

function yamlString(value: string): string {
  return JSON.stringify(value);
}

function block(text: string, indent: string): string {
  return `|-\n${text
    .split('\n')
    .map((line) => `${indent}${line}`)
    .join('\n')}`;
}

function rulesYaml(groups: ReturnType<typeof buildGroups>['groups'], indent: string): string[] {
  const lines: string[] = [`${indent}groups:`];
  for (const group of groups) {
    lines.push(`${indent}  - name: ${yamlString(group.name)}`, `${indent}    rules:`);
    for (const rule of group.rules) {
      const i = `${indent}        `;
      lines.push(`${indent}      # ${rule.alert} (${rule.labels.severity}): ${rule.note}`);
      lines.push(`${indent}      - alert: ${rule.alert}`);
      lines.push(
        `${i}expr: ${rule.expr.includes('\n') ? block(rule.expr, `${i}  `) : yamlString(rule.expr)}`,
      );
      lines.push(`${i}for: ${rule.for}`);
      lines.push(`${i}labels:`);
      for (const [key, value] of Object.entries(rule.labels))
        lines.push(`${i}  ${key}: ${yamlString(value)}`);
      lines.push(`${i}annotations:`);
      for (const [key, value] of Object.entries(rule.annotations))
        lines.push(`${i}  ${key}: ${yamlString(value)}`);
      if (Object.keys(rule.constants).length > 0)
        lines.push(`${i}  ${SETTINGS_ANNOTATION}: ${yamlString(settingsAnnotation(rule.constants))}`);
    }
  }
  return lines;
}

/** A Kubernetes object name (RFC 1123 subdomain) from a file name: pgbouncer.ini -> pgbouncer-alerts. */
export function resourceName(fileName: string): string {
  const stem = path.basename(fileName).replace(/\.[^.]*$/, '');
  const cleaned = stem
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 240);
  return `${cleaned === '' ? 'pgbouncer' : cleaned}-alerts`;
}

/** The rule file (or PrometheusRule) for a configuration, with comments saying where each threshold comes from. */
export function alertRulesYaml(result: LintResult, options?: AlertOptions): string {
  const { groups, resolved, fileName, omitted, percentText } = buildGroups(result, options);
  const all = groups.flatMap((group) => group.rules);
  const constants = new Map<string, number>();
  for (const rule of all)
    for (const [name, value] of Object.entries(rule.constants)) constants.set(name, value);
  const lines = [
    `# Generated by pgbouncer-lint --alerts from ${fileName} (PgBouncer ${result.target.label}), for the metrics`,
    '# of prometheus-community/pgbouncer_exporter 0.11 or later. Do not edit: generate it again when the',
    `# configuration changes; 'pgbouncer-lint --alerts ${fileName} --check THIS_FILE' says when it has drifted.`,
    `# Selector: ${resolved.selector === '' ? '(none)' : resolved.selector}; thresholds at ${percentText}.`,
    '#',
    '# Thresholds from exporter gauges (they follow the running PgBouncer, databases added later included):',
    `#   ${DATABASES_POOL_SIZE.name} and ${DATABASES_RESERVE_POOL.name} (pool_size and the reserve per database),`,
    `#   ${CONFIG_MAX_CLIENT_CONNECTIONS.name} (max_client_conn), ${CONFIG_MAX_USER_CONNECTIONS.name} (max_user_connections).`,
    '# Constants from the configuration (the exporter does not export them; regenerate when they change):',
    constants.size === 0
      ? '#   none'
      : `#   ${[...constants].map(([name, value]) => `${name} = ${num(value)}`).join(', ')}.`,
  ];
  if (omitted.length > 0) {
    lines.push('# Not generated:');
    for (const reason of omitted) lines.push(`#   ${reason}`);
  }
  if (options?.format === 'prometheus-rule') {
    lines.push(
      'apiVersion: monitoring.coreos.com/v1',
      'kind: PrometheusRule',
      'metadata:',
      `  name: ${yamlString(options.name ?? resourceName(fileName))}`,
    );
    if (options.namespace) lines.push(`  namespace: ${yamlString(options.namespace)}`);
    lines.push('  labels:', '    prometheus: "k8s"', '    role: "alert-rules"', 'spec:');
    lines.push(...rulesYaml(groups, '  '));
  } else {
    lines.push(...rulesYaml(groups, ''));
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Drift.

interface ExistingRule {
  alert: string;
  severity: string;
  expr: string;
  for: string;
  constants: Record<string, number>;
}

/** Thrown by alertDrift when the file is no rule file. */
export class RulesFileError extends Error {}

function existingRules(text: string): ExistingRule[] {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new RulesFileError(`it is not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const root = parsed as { kind?: unknown; spec?: { groups?: unknown }; groups?: unknown } | null;
  const groups = root?.kind === 'PrometheusRule' ? root.spec?.groups : root?.groups;
  if (!Array.isArray(groups))
    throw new RulesFileError('it has no rule groups (groups:, or spec.groups: of a PrometheusRule)');
  const rules: ExistingRule[] = [];
  for (const group of groups as { rules?: unknown }[]) {
    if (!Array.isArray(group?.rules)) continue;
    for (const rule of group.rules as Record<string, unknown>[]) {
      if (typeof rule?.alert !== 'string') continue;
      const labels = (rule.labels ?? {}) as Record<string, unknown>;
      const annotations = (rule.annotations ?? {}) as Record<string, unknown>;
      rules.push({
        alert: rule.alert,
        severity: typeof labels.severity === 'string' ? labels.severity : '',
        expr: typeof rule.expr === 'string' ? rule.expr : String(rule.expr ?? ''),
        for: typeof rule.for === 'string' ? rule.for : '0s',
        constants: parseSettingsAnnotation(annotations[SETTINGS_ANNOTATION]),
      });
    }
  }
  return rules;
}

/** An expression with its spacing made uniform, for comparing. */
function normalizeExpr(expr: string): string {
  return expr
    .replace(/\s+/g, ' ')
    .replace(/\s*([(){},/+*<>=!~-]+)\s*/g, '$1')
    .trim();
}

/**
 * What no longer matches between a rule file and the rules the configuration gives now: one entry
 * per alert added, removed or changed; `message` says what (without the alert's name). Throws
 * RulesFileError when the text is no rule file.
 */
export function alertDrift(
  result: LintResult,
  options: AlertOptions,
  existingYaml: string,
): { alert: string; message: string }[] {
  const { groups, fileName } = buildGroups(result, options);
  const wanted = groups.flatMap((group) => group.rules);
  const existing = existingRules(existingYaml);
  const key = (alert: string, severity: string) => `${alert}\u0000${severity}`;
  const have = new Map(existing.map((rule) => [key(rule.alert, rule.severity), rule]));
  const want = new Map(wanted.map((rule) => [key(rule.alert, rule.labels.severity), rule]));
  const found: { alert: string; message: string }[] = [];
  const say = (alert: string, message: string) => {
    if (!found.some((entry) => entry.alert === alert && entry.message === message))
      found.push({ alert, message });
  };
  for (const rule of wanted) {
    const old = have.get(key(rule.alert, rule.labels.severity));
    if (!old) {
      say(
        rule.alert,
        `${fileName} now gives a ${rule.labels.severity} rule the file lacks${rule.settings.length > 0 ? ` (it watches ${sentenceList(rule.settings)})` : ''}`,
      );
      continue;
    }
    const changed: string[] = [];
    const names = new Set([...Object.keys(old.constants), ...Object.keys(rule.constants)]);
    for (const name of names) {
      const before = old.constants[name];
      const now = rule.constants[name];
      if (before === now) continue;
      if (before === undefined) changed.push(`${name} is now ${num(now)} (not in the file's rule)`);
      else if (now === undefined)
        changed.push(`generated for ${name} = ${num(before)}, which no longer applies`);
      else changed.push(`generated for ${name} = ${num(before)}, the configuration now says ${num(now)}`);
    }
    for (const message of changed) say(rule.alert, message);
    if (changed.length === 0 && normalizeExpr(old.expr) !== normalizeExpr(rule.expr))
      say(rule.alert, `its expression differs from the one generated now (other selector or percentages?)`);
    if (old.for !== rule.for)
      say(rule.alert, `it waits ${old.for} where the generated rule waits ${rule.for}`);
  }
  for (const rule of existing) {
    if (want.has(key(rule.alert, rule.severity))) continue;
    if (!(ALERT_NAMES as readonly string[]).includes(rule.alert)) continue; // someone's own rule
    const reasons = Object.entries(rule.constants).map(([name, value]) => `${name} = ${num(value)}`);
    say(
      rule.alert,
      `the file has a ${rule.severity} rule ${fileName} no longer gives${reasons.length > 0 ? ` (generated for ${reasons.join(', ')})` : ''}`,
    );
  }
  return found;
}
