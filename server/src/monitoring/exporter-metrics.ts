// The metrics of prometheus-community/pgbouncer_exporter (v0.11 and later), as its collector.go
// names them, and the text its /metrics page shows for given admin console rows.
//
// How the exporter builds them (collector.go, 0.12.1):
// - SHOW POOLS, SHOW DATABASES and SHOW STATS_TOTALS ("namespaces" pools, databases, stats_totals):
//   each mapped column of a row becomes pgbouncer_<namespace>_<metric>, labelled with every LABEL
//   column of the namespace (an absent or NULL column gives the label value ""). Columns a release
//   lacks are not exported at all.
// - SHOW CONFIG: only max_client_conn and max_user_connections, without labels.
// - SHOW LISTS: one unlabelled gauge per list; SHOW CLIENTS (0.12+): client counts by database,
//   user, application_name and state.
// - pgbouncer_up is 1 when every query worked; 0 (and nothing else) when PgBouncer cannot be reached.
//
// Renames to know when reading older rules: before 0.11 the statistics came from SHOW STATS as
// pgbouncer_stats_* (pgbouncer_stats_queries_pooled_total, ...); from 0.11 they come from SHOW
// STATS_TOTALS as pgbouncer_stats_totals_*. Before 0.4 the duration counters had no _total suffix.

/** A row as the admin console returns it (pg's client gives numbers or strings; NULL is null). */
export type AdminRow = Readonly<Record<string, string | number | bigint | boolean | null | undefined>>;

export type MetricType = 'gauge' | 'counter';

export interface ExporterMetric {
  name: string;
  type: MetricType;
  help: string;
  labels: readonly string[];
}

const POOL_LABELS = ['database', 'user'] as const;
/** SHOW DATABASES: `name` is PgBouncer's database name, `database` the server-side dbname. */
const DATABASE_LABELS = ['database', 'force_user', 'host', 'name', 'pool_mode', 'port'] as const;
const STATS_LABELS = ['database'] as const;

function metric(
  name: string,
  type: MetricType,
  help: string,
  labels: readonly string[] = [],
): ExporterMetric {
  return { name, type, help, labels };
}

export const PGBOUNCER_UP = metric('pgbouncer_up', 'gauge', 'The pgbouncer scrape succeeded');
export const VERSION_INFO = metric('pgbouncer_version_info', 'gauge', 'The pgbouncer version info', [
  'version',
]);
/** Prometheus's own metric of a scrape target: 0 when the exporter could not be scraped. */
export const TARGET_UP = 'up';

// SHOW POOLS, by (database, user); `database` is PgBouncer's database name.
export const POOLS_CLIENT_ACTIVE = poolGauge(
  'client_active_connections',
  'Client connections linked to server connection and able to process queries, shown as connection',
);
export const POOLS_CLIENT_ACTIVE_CANCEL = poolGauge(
  'client_active_cancel_connections',
  'Client connections that have forwarded query cancellations to the server and are waiting for the server response',
);
export const POOLS_CLIENT_WAITING = poolGauge(
  'client_waiting_connections',
  'Client connections waiting on a server connection, shown as connection',
);
export const POOLS_CLIENT_WAITING_CANCEL = poolGauge(
  'client_waiting_cancel_connections',
  'Client connections that have not forwarded query cancellations to the server yet',
);
export const POOLS_SERVER_ACTIVE = poolGauge(
  'server_active_connections',
  'Server connections linked to a client connection, shown as connection',
);
export const POOLS_SERVER_ACTIVE_CANCEL = poolGauge(
  'server_active_cancel_connections',
  'Server connections that are currently forwarding a cancel request.',
);
export const POOLS_SERVER_BEING_CANCELED = poolGauge(
  'server_being_canceled_connections',
  'Servers that normally could become idle but are waiting to do so until all in-flight cancel requests have completed that were sent to cancel a query on this server.',
);
export const POOLS_SERVER_IDLE = poolGauge(
  'server_idle_connections',
  'Server connections idle and ready for a client query, shown as connection',
);
export const POOLS_SERVER_USED = poolGauge(
  'server_used_connections',
  'Server connections idle more than server_check_delay, needing server_check_query, shown as connection',
);
export const POOLS_SERVER_TESTING = poolGauge(
  'server_testing_connections',
  'Server connections currently running either server_reset_query or server_check_query, shown as connection',
);
export const POOLS_SERVER_LOGIN = poolGauge(
  'server_login_connections',
  'Server connections currently in the process of logging in, shown as connection',
);
/** Whole seconds (SHOW POOLS maxwait; the exporter leaves maxwait_us out). */
export const POOLS_CLIENT_MAXWAIT = poolGauge(
  'client_maxwait_seconds',
  'Age of oldest unserved client connection, shown as second',
);

/**
 * The server connections PgBouncer counts against a pool's size (pool_server_count: connected,
 * logging in), in every release the exporter supports; sv_active_cancel (1.21+) is left out so that
 * the sum exists on older releases too.
 */
export const POOL_SERVER_CONNECTIONS: readonly ExporterMetric[] = [
  POOLS_SERVER_ACTIVE,
  POOLS_SERVER_IDLE,
  POOLS_SERVER_USED,
  POOLS_SERVER_TESTING,
  POOLS_SERVER_LOGIN,
];

// SHOW DATABASES, one series per [databases] entry (and the admin console's "pgbouncer").
/** The pool size in force: the entry's pool_size, else default_pool_size (admin.c). */
export const DATABASES_POOL_SIZE = databaseGauge('pool_size', 'Maximum number of server connections');
/** reserve_pool (before 1.24) and reserve_pool_size (1.24+) columns both end up here. */
export const DATABASES_RESERVE_POOL = databaseGauge(
  'reserve_pool',
  'Maximum number of additional connections for this database',
);
export const DATABASES_MAX_CONNECTIONS = databaseGauge(
  'max_connections',
  'Maximum number of allowed connections for this database',
);
export const DATABASES_CURRENT_CONNECTIONS = databaseGauge(
  'current_connections',
  'Current number of connections for this database',
);
export const DATABASES_PAUSED = databaseGauge('paused', '1 if this database is currently paused, else 0');
export const DATABASES_DISABLED = databaseGauge(
  'disabled',
  '1 if this database is currently disabled, else 0',
);

// SHOW CONFIG.
export const CONFIG_MAX_CLIENT_CONNECTIONS = metric(
  'pgbouncer_config_max_client_connections',
  'gauge',
  'Config maximum number of client connections',
);
export const CONFIG_MAX_USER_CONNECTIONS = metric(
  'pgbouncer_config_max_user_connections',
  'gauge',
  'Config maximum number of server connections per user',
);

// SHOW LISTS.
/** Every client connection PgBouncer holds, the count max_client_conn is checked against. */
export const USED_CLIENTS = metric('pgbouncer_used_clients', 'gauge', 'Count of used clients');

// SHOW CLIENTS (exporter 0.12+).
export const CLIENT_CONNECTIONS = metric(
  'pgbouncer_client_connections',
  'gauge',
  'Number of client connections grouped by database, user, application name, and state',
  ['application_name', 'database', 'state', 'user'],
);

function poolGauge(suffix: string, help: string): ExporterMetric {
  return metric(`pgbouncer_pools_${suffix}`, 'gauge', help, POOL_LABELS);
}

function databaseGauge(suffix: string, help: string): ExporterMetric {
  return metric(`pgbouncer_databases_${suffix}`, 'gauge', help, DATABASE_LABELS);
}

function statsCounter(suffix: string, help: string): ExporterMetric {
  return metric(`pgbouncer_stats_totals_${suffix}`, 'counter', help, STATS_LABELS);
}

interface Column {
  metric: ExporterMetric;
  /** Microsecond columns are exported in seconds. */
  factor: number;
}

/** Column -> metric of the three namespaces, as metricMaps in collector.go. */
const POOL_COLUMNS: Record<string, Column> = {
  cl_active: { metric: POOLS_CLIENT_ACTIVE, factor: 1 },
  cl_active_cancel_req: { metric: POOLS_CLIENT_ACTIVE_CANCEL, factor: 1 },
  cl_waiting: { metric: POOLS_CLIENT_WAITING, factor: 1 },
  cl_waiting_cancel_req: { metric: POOLS_CLIENT_WAITING_CANCEL, factor: 1 },
  sv_active: { metric: POOLS_SERVER_ACTIVE, factor: 1 },
  sv_active_cancel: { metric: POOLS_SERVER_ACTIVE_CANCEL, factor: 1 },
  sv_being_canceled: { metric: POOLS_SERVER_BEING_CANCELED, factor: 1 },
  sv_idle: { metric: POOLS_SERVER_IDLE, factor: 1 },
  sv_used: { metric: POOLS_SERVER_USED, factor: 1 },
  sv_tested: { metric: POOLS_SERVER_TESTING, factor: 1 },
  sv_login: { metric: POOLS_SERVER_LOGIN, factor: 1 },
  maxwait: { metric: POOLS_CLIENT_MAXWAIT, factor: 1 },
};

const DATABASE_COLUMNS: Record<string, Column> = {
  pool_size: { metric: DATABASES_POOL_SIZE, factor: 1 },
  reserve_pool: { metric: DATABASES_RESERVE_POOL, factor: 1 },
  reserve_pool_size: { metric: DATABASES_RESERVE_POOL, factor: 1 },
  max_connections: { metric: DATABASES_MAX_CONNECTIONS, factor: 1 },
  current_connections: { metric: DATABASES_CURRENT_CONNECTIONS, factor: 1 },
  paused: { metric: DATABASES_PAUSED, factor: 1 },
  disabled: { metric: DATABASES_DISABLED, factor: 1 },
};

export const STATS_TOTALS_QUERIES_POOLED = statsCounter(
  'queries_pooled_total',
  'Total number of SQL queries pooled',
);
export const STATS_TOTALS_QUERIES_DURATION = statsCounter(
  'queries_duration_seconds_total',
  'Total number of seconds spent by pgbouncer when actively connected to PostgreSQL, executing queries',
);
export const STATS_TOTALS_RECEIVED_BYTES = statsCounter(
  'received_bytes_total',
  'Total volume in bytes of network traffic received by pgbouncer, shown as bytes',
);
export const STATS_TOTALS_QUERIES = statsCounter(
  'queries_total',
  'Total number of SQL requests pooled by pgbouncer, shown as requests',
);
export const STATS_TOTALS_SENT_BYTES = statsCounter(
  'sent_bytes_total',
  'Total volume in bytes of network traffic sent by pgbouncer, shown as bytes',
);
export const STATS_TOTALS_CLIENT_WAIT = statsCounter(
  'client_wait_seconds_total',
  'Time spent by clients waiting for a server in seconds',
);
export const STATS_TOTALS_TRANSACTIONS_POOLED = statsCounter(
  'sql_transactions_pooled_total',
  'Total number of SQL transactions pooled',
);
export const STATS_TOTALS_SERVER_IN_TRANSACTION = statsCounter(
  'server_in_transaction_seconds_total',
  'Total number of seconds spent by pgbouncer when connected to PostgreSQL in a transaction, either idle in transaction or executing queries',
);
export const STATS_TOTALS_CLIENT_PARSES = statsCounter(
  'client_parses_total',
  'Total number of prepared statement Parse messages received from clients',
);
export const STATS_TOTALS_SERVER_PARSES = statsCounter(
  'server_parses_total',
  'Total number of prepared statement Parse messages sent by pgbouncer to PostgreSQL',
);
export const STATS_TOTALS_BINDS = statsCounter(
  'binds_total',
  'Total number of prepared statements readied for execution with a Bind message',
);
export const STATS_TOTALS_SERVER_ASSIGNMENTS = statsCounter(
  'server_assignments_total',
  'Total number of client connections which have been served since process start',
);

const STATS_COLUMNS: Record<string, Column> = {
  query_count: { metric: STATS_TOTALS_QUERIES_POOLED, factor: 1 },
  query_time: { metric: STATS_TOTALS_QUERIES_DURATION, factor: 1e-6 },
  bytes_received: { metric: STATS_TOTALS_RECEIVED_BYTES, factor: 1 },
  requests: { metric: STATS_TOTALS_QUERIES, factor: 1 },
  bytes_sent: { metric: STATS_TOTALS_SENT_BYTES, factor: 1 },
  wait_time: { metric: STATS_TOTALS_CLIENT_WAIT, factor: 1e-6 },
  xact_count: { metric: STATS_TOTALS_TRANSACTIONS_POOLED, factor: 1 },
  xact_time: { metric: STATS_TOTALS_SERVER_IN_TRANSACTION, factor: 1e-6 },
  client_parse_count: { metric: STATS_TOTALS_CLIENT_PARSES, factor: 1 },
  server_parse_count: { metric: STATS_TOTALS_SERVER_PARSES, factor: 1 },
  bind_count: { metric: STATS_TOTALS_BINDS, factor: 1 },
  server_assignment_count: { metric: STATS_TOTALS_SERVER_ASSIGNMENTS, factor: 1 },
};

/** SHOW LISTS list name -> metric (listsMap). */
const LIST_METRICS: Record<string, ExporterMetric> = {
  databases: metric('pgbouncer_databases', 'gauge', 'Count of databases'),
  users: metric('pgbouncer_users', 'gauge', 'Count of users'),
  pools: metric('pgbouncer_pools', 'gauge', 'Count of pools'),
  free_clients: metric('pgbouncer_free_clients', 'gauge', 'Count of free clients'),
  used_clients: USED_CLIENTS,
  login_clients: metric('pgbouncer_login_clients', 'gauge', 'Count of clients in login state'),
  free_servers: metric('pgbouncer_free_servers', 'gauge', 'Count of free servers'),
  used_servers: metric('pgbouncer_used_servers', 'gauge', 'Count of used servers'),
  dns_names: metric('pgbouncer_cached_dns_names', 'gauge', 'Count of DNS names in the cache'),
  dns_zones: metric('pgbouncer_cached_dns_zones', 'gauge', 'Count of DNS zones in the cache'),
  dns_queries: metric('pgbouncer_in_flight_dns_queries', 'gauge', 'Count of in-flight DNS queries'),
};

const CONFIG_METRICS: Record<string, ExporterMetric> = {
  max_client_conn: CONFIG_MAX_CLIENT_CONNECTIONS,
  max_user_connections: CONFIG_MAX_USER_CONNECTIONS,
};

/** What one scrape of the exporter read from PgBouncer's admin console. */
export interface ExporterSnapshot {
  /** false: PgBouncer could not be reached, and the page has pgbouncer_up 0 alone. Default true. */
  up?: boolean;
  /** SHOW VERSION's text, e.g. "PgBouncer 1.18.0". */
  version?: string;
  pools?: readonly AdminRow[];
  databases?: readonly AdminRow[];
  /** SHOW CONFIG rows (key, value, ...). */
  config?: readonly AdminRow[];
  /** SHOW STATS_TOTALS rows; SHOW STATS rows are taken too (their total_ prefix is dropped). */
  stats?: readonly AdminRow[];
  /** SHOW LISTS rows (list, items). */
  lists?: readonly AdminRow[];
  /** SHOW CLIENTS rows (database, user, application_name, state, ...). */
  clients?: readonly AdminRow[];
}

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** A label as the exporter writes it: NULL or absent is "", numbers in Go's %d. */
function labelText(value: AdminRow[string]): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/** dbToFloat64: NULL is NaN; text that is no number drops the sample (the exporter logs it). */
function numberOf(value: AdminRow[string]): number | null {
  if (value === null || value === undefined) return NaN;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return null;
  const text = value.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(text)) return null;
  const lower = text.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return Number(text);
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), as expfmt writes sample values. */
export function goFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  // Shortest 'g' switches to the exponent form from 1e+06 up (Go decides with precision 6).
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  // %f with the shortest digits: JavaScript's own form, positional in this range.
  return String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

class Families {
  private readonly byName = new Map<string, { metric: ExporterMetric; samples: Sample[] }>();

  add(metric: ExporterMetric, labels: Record<string, string>, value: number): void {
    let family = this.byName.get(metric.name);
    if (!family) this.byName.set(metric.name, (family = { metric, samples: [] }));
    family.samples.push({ labels, value });
  }

  /** Families by name, samples by their label values (label names sorted), as client_golang gathers them. */
  text(): string {
    const lines: string[] = [];
    for (const name of [...this.byName.keys()].sort()) {
      const { metric, samples } = this.byName.get(name) as { metric: ExporterMetric; samples: Sample[] };
      lines.push(`# HELP ${name} ${escapeHelp(metric.help)}`, `# TYPE ${name} ${metric.type}`);
      const rendered = samples.map((sample) => {
        const names = Object.keys(sample.labels).sort();
        return { key: names.map((label) => sample.labels[label]), names, sample };
      });
      rendered.sort((a, b) => compareKeys(a.key, b.key));
      for (const { names, sample } of rendered) {
        const labels = names.map((label) => `${label}="${escapeLabel(sample.labels[label])}"`).join(',');
        lines.push(`${name}${labels === '' ? '' : `{${labels}}`} ${goFloat(sample.value)}`);
      }
    }
    return lines.map((line) => `${line}\n`).join('');
  }
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

function addNamespace(
  families: Families,
  rows: readonly AdminRow[],
  columns: Record<string, Column>,
  labelNames: readonly string[],
  rename: (column: string) => string = (column) => column,
): void {
  for (const row of rows) {
    const labels: Record<string, string> = {};
    for (const label of labelNames) labels[label] = labelText(row[label]);
    for (const [written, value] of Object.entries(row)) {
      const column = columns[rename(written)];
      if (!column) continue;
      const number = numberOf(value);
      if (number === null) continue;
      families.add(column.metric, labels, number * column.factor);
    }
  }
}

/**
 * The exporter's /metrics text for what one scrape read (the pgbouncer_* families; the exporter's
 * own go_*, process_* and pgbouncer_exporter_build_info are left out).
 */
export function exporterMetricsText(snapshot: ExporterSnapshot): string {
  const families = new Families();
  if (snapshot.up === false) {
    families.add(PGBOUNCER_UP, {}, 0);
    return families.text();
  }
  if (snapshot.version !== undefined) families.add(VERSION_INFO, { version: snapshot.version }, 1);
  for (const row of snapshot.lists ?? []) {
    const list = LIST_METRICS[labelText(row.list)];
    const items = numberOf(row.items);
    if (list && items !== null) families.add(list, {}, items);
  }
  for (const row of snapshot.config ?? []) {
    const config = CONFIG_METRICS[labelText(row.key)];
    const value = numberOf(row.value);
    if (config && value !== null) families.add(config, {}, value);
  }
  const clients = new Map<string, { labels: Record<string, string>; count: number }>();
  for (const row of snapshot.clients ?? []) {
    const labels = {
      application_name: labelText(row.application_name),
      database: labelText(row.database),
      state: labelText(row.state),
      user: labelText(row.user),
    };
    const key = JSON.stringify(labels);
    const group = clients.get(key) ?? { labels, count: 0 };
    group.count++;
    clients.set(key, group);
  }
  for (const { labels, count } of clients.values()) families.add(CLIENT_CONNECTIONS, labels, count);
  addNamespace(families, snapshot.pools ?? [], POOL_COLUMNS, POOL_LABELS);
  addNamespace(families, snapshot.databases ?? [], DATABASE_COLUMNS, DATABASE_LABELS);
  addNamespace(families, snapshot.stats ?? [], STATS_COLUMNS, STATS_LABELS, (column) =>
    column.startsWith('total_') ? column.slice('total_'.length) : column,
  );
  families.add(PGBOUNCER_UP, {}, 1);
  return families.text();
}
