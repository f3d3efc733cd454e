// A Grafana dashboard (JSON model) for prometheus-community/pgbouncer_exporter's metrics, derived from the
// effective configuration: thresholds come from the same settings as the generated alerts, and every
// database the file defines gets a row of its own with its real pool limit.
//
// Rows per database of the file, not one row repeated by a Grafana variable: a repeated row can only
// show what the metrics say, while the limit of a pool (pool_size or default_pool_size, the reserve once
// reserve_pool_timeout passed, max_db_connections, max_user_connections) is partly known only to the
// configuration. Databases PgBouncer makes from the '*' fallback are in the "All databases" panels.

import { createHash } from 'node:crypto';
import type { LintResult } from '../analysis/engine';
import { availableIn } from '../catalog/catalog';
import {
  buildPoolModel,
  describe,
  FALLBACK_DATABASE,
  poolConfigOf,
  poolLimit,
  usableReserve,
} from '../model/pools';
import type { Pool, PoolModel } from '../model/pools';
import {
  CONFIG_MAX_CLIENT_CONNECTIONS,
  DATABASES_POOL_SIZE,
  POOLS_CLIENT_MAXWAIT,
  POOLS_CLIENT_WAITING,
  POOLS_SERVER_ACTIVE,
  POOLS_SERVER_IDLE,
  POOLS_SERVER_LOGIN,
  POOLS_SERVER_TESTING,
  POOLS_SERVER_USED,
  STATS_TOTALS_CLIENT_WAIT,
  STATS_TOTALS_QUERIES_DURATION,
  STATS_TOTALS_QUERIES_POOLED,
  STATS_TOTALS_SERVER_ASSIGNMENTS,
  STATS_TOTALS_TRANSACTIONS_POOLED,
  USED_CLIENTS,
} from './exporter-metrics';

/** pgbouncer_exporter's metric names, from the one table of them (exporter-metrics.ts). */
const METRIC = {
  usedClients: USED_CLIENTS.name, // SHOW LISTS used_clients
  maxClientConnections: CONFIG_MAX_CLIENT_CONNECTIONS.name, // SHOW CONFIG max_client_conn
  databasePoolSize: DATABASES_POOL_SIZE.name, // SHOW DATABASES pool_size; label name = the database
  clientWaiting: POOLS_CLIENT_WAITING.name, // SHOW POOLS cl_waiting
  clientMaxwait: POOLS_CLIENT_MAXWAIT.name, // SHOW POOLS maxwait
  serverActive: POOLS_SERVER_ACTIVE.name,
  serverIdle: POOLS_SERVER_IDLE.name,
  serverUsed: POOLS_SERVER_USED.name,
  serverTesting: POOLS_SERVER_TESTING.name,
  serverLogin: POOLS_SERVER_LOGIN.name,
  // SHOW STATS_TOTALS; before exporter v0.11 these were pgbouncer_stats_* from SHOW STATS.
  transactions: STATS_TOTALS_TRANSACTIONS_POOLED.name,
  queries: STATS_TOTALS_QUERIES_POOLED.name,
  queryDuration: STATS_TOTALS_QUERIES_DURATION.name,
  clientWait: STATS_TOTALS_CLIENT_WAIT.name,
  serverAssignments: STATS_TOTALS_SERVER_ASSIGNMENTS.name, // PgBouncer 1.23+
} as const;

/** Server connection states SHOW POOLS counts against a pool's size. */
const SERVER_STATES = [
  METRIC.serverActive,
  METRIC.serverIdle,
  METRIC.serverUsed,
  METRIC.serverTesting,
  METRIC.serverLogin,
] as const;

/** PgBouncer 1.23 added server_assignment_count; its avg_wait_time is wait time per assignment since. */
const ASSIGNMENTS_SINCE = '1.23.0';

/** The pool view's defaults (client-settings.ts, a layer above): pgbouncer.thresholds.*. */
const DEFAULT_WARNING_PERCENT = 80;
const DEFAULT_CRITICAL_PERCENT = 95;
const MAXWAIT_WARNING_SECONDS = 1;
const MAXWAIT_CRITICAL_SECONDS = 5;

export const DEFAULT_SELECTOR = 'job="pgbouncer"';
/** A current Grafana's dashboard schema (Grafana 10.4 / 11 write 39). */
export const SCHEMA_VERSION = 39;
export const DATASOURCE_VARIABLE = 'datasource';

export interface DashboardOptions {
  /** PromQL label matchers of the exporter's series; default 'job="pgbouncer"'. */
  selector?: string;
  warningPercent?: number;
  criticalPercent?: number;
  title?: string;
}

type Json = Record<string, unknown>;

interface Step {
  color: string;
  value: number | null;
}

interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  targets: { expr: string; legendFormat: string }[];
  steps?: Step[];
  width: number;
  min?: number;
}

interface Settings {
  selector: string;
  warning: number;
  critical: number;
  /** query_wait_timeout in seconds; 0 = clients wait forever. */
  queryWaitTimeout: number;
  perAssignment: boolean;
}

const DATASOURCE = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };
const PANEL_HEIGHT = 8;

export function dashboardModel(result: LintResult, options: DashboardOptions = {}): Json {
  const settings = settingsOf(result, options);
  const file = result.model.root.path;
  const model = buildPoolModel(poolConfigOf(result.effective));
  const layout = new Layout();

  layout.row('All databases');
  for (const panel of overviewPanels(settings, result)) layout.panel(panel);
  for (const entry of result.effective.databaseList) {
    if (entry.name === FALLBACK_DATABASE) continue;
    const pools = model?.pools.filter((pool) => pool.database.name === entry.name) ?? [];
    layout.row(`Database ${entry.name}`);
    for (const panel of databasePanels(entry.name, pools, model, settings)) layout.panel(panel);
  }

  return {
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    description:
      `Generated by pgbouncer-lint --dashboard from ${file} (PgBouncer ${result.target.label}). ` +
      `Pool and client thresholds at ${settings.warning} % and ${settings.critical} %; regenerate it when the configuration changes.`,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [],
    panels: layout.panels,
    refresh: '30s',
    schemaVersion: SCHEMA_VERSION,
    tags: ['pgbouncer', 'pgbouncer-lint'],
    templating: { list: variables(settings.selector) },
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title: options.title ?? `PgBouncer: ${file}`,
    // From the file, not the title: a regenerated dashboard replaces the one imported before.
    uid: `pgbouncer-${createHash('sha256').update(file).digest('hex').slice(0, 16)}`,
    version: 1,
  };
}

/** The dashboard as stable, pretty JSON (keys in a fixed order, two-space indent, final newline). */
export function dashboardJson(result: LintResult, options: DashboardOptions = {}): string {
  return JSON.stringify(dashboardModel(result, options), null, 2) + '\n';
}

function settingsOf(result: LintResult, options: DashboardOptions): Settings {
  const warning = options.warningPercent ?? DEFAULT_WARNING_PERCENT;
  const critical = options.criticalPercent ?? DEFAULT_CRITICAL_PERCENT;
  if (!(warning > 0 && warning < critical))
    throw new RangeError(
      `the warning percentage (${warning}) must be above 0 and below the critical one (${critical})`,
    );
  return {
    selector: (options.selector ?? DEFAULT_SELECTOR).trim(),
    warning,
    critical,
    queryWaitTimeout: poolConfigOf(result.effective).seconds('query_wait_timeout') ?? 0,
    perAssignment: availableIn(ASSIGNMENTS_SINCE, result.target),
  };
}

// ---------------------------------------------------------------------------------------------
// PromQL

/** A series of the exporter on the chosen instances, optionally narrowed by more matchers. */
function series(settings: Settings, metric: string, extra?: string): string {
  const matchers = [settings.selector, 'instance=~"$instance"', extra].filter(
    (m) => m !== undefined && m !== '',
  );
  return `${metric}{${matchers.join(', ')}}`;
}

/** A PromQL string literal. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function serverConnections(settings: Settings, extra?: string): string {
  return SERVER_STATES.map((metric) => series(settings, metric, extra)).join(' + ');
}

function rate(settings: Settings, metric: string, by: string, extra?: string): string {
  return `sum by (${by}) (rate(${series(settings, metric, extra)}[$__rate_interval]))`;
}

function waitCount(settings: Settings): string {
  return settings.perAssignment ? METRIC.serverAssignments : METRIC.transactions;
}

// ---------------------------------------------------------------------------------------------
// Thresholds

function percentSteps(settings: Settings): Step[] {
  return [
    { color: 'green', value: null },
    { color: 'orange', value: settings.warning },
    { color: 'red', value: settings.critical },
  ];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function maxwaitSteps(settings: Settings): Step[] {
  const steps: Step[] = [
    { color: 'orange', value: MAXWAIT_WARNING_SECONDS },
    { color: 'red', value: MAXWAIT_CRITICAL_SECONDS },
  ];
  if (settings.queryWaitTimeout > 0) {
    const at = steps.findIndex((step) => step.value === settings.queryWaitTimeout);
    if (at >= 0) steps.splice(at, 1);
    steps.push({ color: 'dark-red', value: settings.queryWaitTimeout });
  }
  steps.sort((a, b) => (a.value ?? 0) - (b.value ?? 0));
  return [{ color: 'green', value: null }, ...steps];
}

function maxwaitDescription(settings: Settings): string {
  const timeout =
    settings.queryWaitTimeout > 0
      ? ` The dark red line is query_wait_timeout (${settings.queryWaitTimeout} s, a constant from the configuration): a client that waits that long is disconnected with "query_wait_timeout".`
      : ' query_wait_timeout is 0, so PgBouncer never disconnects a waiting client.';
  return (
    `How long the oldest client still waiting for a server connection has waited (maxwait of SHOW POOLS). ` +
    `Lines at ${MAXWAIT_WARNING_SECONDS} s and ${MAXWAIT_CRITICAL_SECONDS} s, the pool view's maxWaitWarning and maxWaitCritical.` +
    timeout
  );
}

// ---------------------------------------------------------------------------------------------
// Panels

function overviewPanels(settings: Settings, result: LintResult): PanelSpec[] {
  const poolSize = `max by (instance, database) (label_replace(${series(settings, METRIC.databasePoolSize)} > 0, "database", "$1", "name", "(.*)"))`;
  const perAssignment = settings.perAssignment
    ? 'per server assignment (as PgBouncer computes avg_wait_time since 1.23)'
    : 'per transaction (this release has no server assignment count)';
  return [
    {
      title: 'Pool use: server connections / pool size',
      description:
        `Server connections of each pool (active, idle, used, tested and logging in) as a percentage of its pool size as ` +
        `PgBouncer reports it (the exporter's ${METRIC.databasePoolSize}: the database's pool_size, else default_pool_size). ` +
        `Above 100 % the pool is using reserve connections (reserve_pool_size, once a client has waited reserve_pool_timeout). ` +
        `Lines at ${settings.warning} % and ${settings.critical} %. A pool size of 0 is left out: unlimited from PgBouncer 1.24.`,
      unit: 'percent',
      min: 0,
      targets: [
        {
          expr: `100 * sum by (instance, database, user) (${serverConnections(settings)}) / on (instance, database) group_left () ${poolSize}`,
          legendFormat: '{{database}}/{{user}} {{instance}}',
        },
      ],
      steps: percentSteps(settings),
      width: 12,
    },
    {
      title: 'Clients / max_client_conn',
      description:
        `Client connections PgBouncer holds (used_clients of SHOW LISTS) as a percentage of max_client_conn ` +
        `(the exporter's ${METRIC.maxClientConnections}, ${result.effective.value('max_client_conn')} in this configuration). ` +
        `At 100 % new clients are refused with "no more connections allowed (max_client_conn)". ` +
        `Lines at ${settings.warning} % and ${settings.critical} %.`,
      unit: 'percent',
      min: 0,
      targets: [
        {
          expr: `100 * ${series(settings, METRIC.usedClients)} / ${series(settings, METRIC.maxClientConnections)}`,
          legendFormat: '{{instance}}',
        },
      ],
      steps: percentSteps(settings),
      width: 12,
    },
    {
      title: 'Waiting clients',
      description:
        'Clients that sent a query and wait for a server connection (cl_waiting of SHOW POOLS), per database. ' +
        'Waiting for long means the pool is too small for the load (pool_size, default_pool_size) or the servers are slow.',
      unit: 'short',
      min: 0,
      targets: [
        {
          expr: `sum by (instance, database) (${series(settings, METRIC.clientWaiting)})`,
          legendFormat: '{{database}} {{instance}}',
        },
      ],
      width: 12,
    },
    {
      title: 'Longest wait (maxwait)',
      description: maxwaitDescription(settings),
      unit: 's',
      min: 0,
      targets: [
        {
          expr: `max by (instance, database) (${series(settings, METRIC.clientMaxwait)})`,
          legendFormat: '{{database}} {{instance}}',
        },
      ],
      steps: maxwaitSteps(settings),
      width: 12,
    },
    {
      title: 'Transactions per second',
      description:
        'Transactions PgBouncer passed to the servers per second (xact_count of SHOW STATS_TOTALS), per database.',
      unit: 'ops',
      min: 0,
      targets: [
        {
          expr: rate(settings, METRIC.transactions, 'instance, database'),
          legendFormat: '{{database}} {{instance}}',
        },
      ],
      width: 6,
    },
    {
      title: 'Queries per second',
      description:
        'Queries PgBouncer passed to the servers per second (query_count of SHOW STATS_TOTALS), per database.',
      unit: 'ops',
      min: 0,
      targets: [
        {
          expr: rate(settings, METRIC.queries, 'instance, database'),
          legendFormat: '{{database}} {{instance}}',
        },
      ],
      width: 6,
    },
    {
      title: 'Average query time',
      description:
        'Time the servers spent executing a query, on average over the rate window (query_time / query_count of SHOW STATS_TOTALS).',
      unit: 's',
      min: 0,
      targets: [
        {
          expr: `${rate(settings, METRIC.queryDuration, 'instance, database')} / ${rate(settings, METRIC.queries, 'instance, database')}`,
          legendFormat: '{{database}} {{instance}}',
        },
      ],
      width: 6,
    },
    {
      title: 'Average wait time',
      description: `Time clients waited for a server connection, on average ${perAssignment}: wait_time of SHOW STATS_TOTALS over the rate window.`,
      unit: 's',
      min: 0,
      targets: [
        {
          expr: `${rate(settings, METRIC.clientWait, 'instance, database')} / ${rate(settings, waitCount(settings), 'instance, database')}`,
          legendFormat: '{{database}} {{instance}}',
        },
      ],
      width: 6,
    },
  ];
}

/** In words: where the real limit of a pool comes from. */
function limitWords(model: PoolModel, pool: Pool): string {
  const parts = [describe(pool.size)];
  if (usableReserve(model, pool) > 0)
    parts.push(
      `plus ${describe(pool.reserve)} once a client has waited reserve_pool_timeout (${model.reserveTimeout.value} s)`,
    );
  if (pool.dbCap) parts.push(`at most ${describe(pool.dbCap)} over all its users`);
  if (pool.userCap) parts.push(`at most ${describe(pool.userCap)} over all its databases`);
  return parts.join(', ');
}

function databasePanels(
  name: string,
  pools: readonly Pool[],
  model: PoolModel | null,
  settings: Settings,
): PanelSpec[] {
  const matcher = `database=${quoted(name)}`;
  const main = pools.find((pool) => pool.counted) ?? pools[0];
  const limit = model && main ? poolLimit(model, main) : NaN;
  let limitText: string;
  let steps: Step[] | undefined;
  if (!model || !main) {
    limitText = 'The configuration does not say its pool limit (a value PgBouncer cannot read).';
  } else if (!Number.isFinite(limit)) {
    limitText = `Its pool has no limit (${describe(main.size)}: unlimited from PgBouncer 1.24), so no line is drawn.`;
  } else if (limit <= 0) {
    limitText = `Its pool can open no server connection (${describe(main.size)}).`;
  } else {
    limitText =
      `Real limit of its pool in this configuration: ${limit} server connections (${limitWords(model, main)}); ` +
      `lines at ${settings.warning} % (${round((limit * settings.warning) / 100)}) and ${settings.critical} % (${round((limit * settings.critical) / 100)}) of it, constants from the configuration.`;
    steps = [
      { color: 'green', value: null },
      { color: 'orange', value: round((limit * settings.warning) / 100) },
      { color: 'red', value: round((limit * settings.critical) / 100) },
    ];
  }
  const others = model ? pools.filter((pool) => pool !== main && poolLimit(model, pool) !== limit) : [];
  const otherText = others
    .map(
      (pool) =>
        ` The pool of user '${pool.user ?? ''}' has its own limit, ${poolLimit(model as PoolModel, pool)} (${limitWords(model as PoolModel, pool)}).`,
    )
    .join('');
  return [
    {
      title: `${name}: server connections`,
      description:
        `Server connections of database '${name}' per user (active, idle, used, tested and logging in), and the pool size the exporter reports (${METRIC.databasePoolSize}). ` +
        limitText +
        otherText,
      unit: 'short',
      min: 0,
      targets: [
        {
          expr: `sum by (instance, user) (${serverConnections(settings, matcher)})`,
          legendFormat: '{{user}} {{instance}}',
        },
        {
          expr: `max by (instance) (${series(settings, METRIC.databasePoolSize, `name=${quoted(name)}`)})`,
          legendFormat: 'pool size {{instance}}',
        },
      ],
      steps,
      width: 6,
    },
    {
      title: `${name}: waiting clients`,
      description: `Clients of database '${name}' waiting for a server connection (cl_waiting of SHOW POOLS), per user.`,
      unit: 'short',
      min: 0,
      targets: [
        {
          expr: `sum by (instance, user) (${series(settings, METRIC.clientWaiting, matcher)})`,
          legendFormat: '{{user}} {{instance}}',
        },
      ],
      width: 4,
    },
    {
      title: `${name}: maxwait`,
      description: maxwaitDescription(settings),
      unit: 's',
      min: 0,
      targets: [
        {
          expr: `max by (instance, user) (${series(settings, METRIC.clientMaxwait, matcher)})`,
          legendFormat: '{{user}} {{instance}}',
        },
      ],
      steps: maxwaitSteps(settings),
      width: 5,
    },
    {
      title: `${name}: transactions and queries per second`,
      description: `Transactions and queries of database '${name}' PgBouncer passed to the servers per second (SHOW STATS_TOTALS).`,
      unit: 'ops',
      min: 0,
      targets: [
        {
          expr: rate(settings, METRIC.transactions, 'instance', matcher),
          legendFormat: 'transactions {{instance}}',
        },
        { expr: rate(settings, METRIC.queries, 'instance', matcher), legendFormat: 'queries {{instance}}' },
      ],
      width: 5,
    },
    {
      title: `${name}: average query and wait time`,
      description: `Average time a query of database '${name}' ran on the server, and average time its clients waited for a server connection (SHOW STATS_TOTALS, over the rate window).`,
      unit: 's',
      min: 0,
      targets: [
        {
          expr: `${rate(settings, METRIC.queryDuration, 'instance', matcher)} / ${rate(settings, METRIC.queries, 'instance', matcher)}`,
          legendFormat: 'query {{instance}}',
        },
        {
          expr: `${rate(settings, METRIC.clientWait, 'instance', matcher)} / ${rate(settings, waitCount(settings), 'instance', matcher)}`,
          legendFormat: 'wait {{instance}}',
        },
      ],
      width: 4,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// The JSON model

function variables(selector: string): Json[] {
  const query = `label_values(${selector === '' ? 'pgbouncer_up' : `pgbouncer_up{${selector}}`}, instance)`;
  return [
    {
      current: {},
      hide: 0,
      includeAll: false,
      label: 'Data source',
      multi: false,
      name: DATASOURCE_VARIABLE,
      options: [],
      query: 'prometheus',
      refresh: 1,
      regex: '',
      type: 'datasource',
    },
    {
      allValue: '.*',
      current: {},
      datasource: DATASOURCE,
      definition: query,
      hide: 0,
      includeAll: true,
      label: 'Instance',
      multi: true,
      name: 'instance',
      options: [],
      query: { query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
      refresh: 2,
      regex: '',
      sort: 1,
      type: 'query',
    },
  ];
}

/** Places rows and panels top to bottom, panels left to right in lines of 24 columns. */
class Layout {
  readonly panels: Json[] = [];
  private nextId = 1;
  private x = 0;
  private y = 0;
  /** Height of the line of panels being filled (0: none yet). */
  private lineHeight = 0;

  row(title: string): void {
    this.newLine();
    this.panels.push({
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y: this.y },
      id: this.nextId++,
      panels: [],
      title,
      type: 'row',
    });
    this.y += 1;
  }

  panel(spec: PanelSpec): void {
    if (this.x + spec.width > 24) this.newLine();
    const steps = spec.steps ?? [{ color: 'green', value: null }];
    this.panels.push({
      datasource: DATASOURCE,
      description: spec.description,
      fieldConfig: {
        defaults: {
          color: { mode: 'palette-classic' },
          custom: {
            drawStyle: 'line',
            fillOpacity: 10,
            lineWidth: 1,
            showPoints: 'never',
            spanNulls: false,
            thresholdsStyle: { mode: spec.steps ? 'line' : 'off' },
          },
          ...(spec.min === undefined ? {} : { min: spec.min }),
          thresholds: { mode: 'absolute', steps },
          unit: spec.unit,
        },
        overrides: [],
      },
      gridPos: { h: PANEL_HEIGHT, w: spec.width, x: this.x, y: this.y },
      id: this.nextId++,
      options: {
        legend: { calcs: [], displayMode: 'list', placement: 'bottom', showLegend: true },
        tooltip: { mode: 'multi', sort: 'desc' },
      },
      targets: spec.targets.map((target, index) => ({
        datasource: DATASOURCE,
        editorMode: 'code',
        expr: target.expr,
        legendFormat: target.legendFormat,
        range: true,
        refId: String.fromCharCode(65 + index),
      })),
      title: spec.title,
      type: 'timeseries',
    });
    this.x += spec.width;
    this.lineHeight = PANEL_HEIGHT;
  }

  private newLine(): void {
    this.y += this.lineHeight;
    this.x = 0;
    this.lineHeight = 0;
  }
}
