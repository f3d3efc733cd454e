// A scrape target that serves what prometheus-community/pgbouncer_exporter (v0.12) would serve for a
// real PgBouncer: at each GET /metrics it opens a new admin-console connection (as the exporter does
// since v0.11), reads SHOW VERSION/LISTS/CONFIG/CLIENTS/DATABASES/STATS_TOTALS/POOLS and renders the
// exporter's metric families in the Prometheus text format. The names, types, labels, unit factors and
// the `pgbouncer_up` rules follow the exporter's collector.go; its Go runtime, process and build-info
// families are left out (no alert reads them).
//
//   const target = await startExporterScrape({ host, port, user, password });
//   target.url            // http://127.0.0.1:<random>/metrics
//   await target.stop();
//
// Down or silent PgBouncer: the scrape still answers, with `pgbouncer_up 0` only (the exporter's
// behaviour when it cannot connect); every connect and query is bounded by `timeoutMs`.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';

/** A row as the admin console returns it through pg (int4 as number, int8/numeric as string, NULL as null). */
export type AdminRow = Record<string, unknown>;

/** What one scrape read; a list is missing when its SHOW command failed (the exporter then says up 0). */
export interface AdminSnapshot {
  version?: string;
  lists?: AdminRow[];
  config?: AdminRow[];
  clients?: AdminRow[];
  databases?: AdminRow[];
  stats_totals?: AdminRow[];
  pools?: AdminRow[];
}

type MetricType = 'gauge' | 'counter';

interface ColumnMetric {
  type: MetricType;
  metric: string;
  factor: number;
  help: string;
}

// collector.go's metricMaps: per SHOW command, the columns that become labels and those that become metrics.
const NAMESPACES: Record<
  'databases' | 'stats_totals' | 'pools',
  { labels: string[]; columns: Record<string, ColumnMetric> }
> = {
  databases: {
    labels: ['name', 'host', 'port', 'database', 'force_user', 'pool_mode'],
    columns: {
      pool_size: gauge('pool_size', 'Maximum number of server connections'),
      // reserve_pool before PgBouncer 1.24, reserve_pool_size after: the same metric
      reserve_pool: gauge('reserve_pool', 'Maximum number of additional connections for this database'),
      reserve_pool_size: gauge('reserve_pool', 'Maximum number of additional connections for this database'),
      max_connections: gauge('max_connections', 'Maximum number of allowed connections for this database'),
      current_connections: gauge('current_connections', 'Current number of connections for this database'),
      paused: gauge('paused', '1 if this database is currently paused, else 0'),
      disabled: gauge('disabled', '1 if this database is currently disabled, else 0'),
    },
  },
  stats_totals: {
    labels: ['database'],
    columns: {
      query_count: counter('queries_pooled_total', 1, 'Total number of SQL queries pooled'),
      query_time: counter(
        'queries_duration_seconds_total',
        1e-6,
        'Total number of seconds spent by pgbouncer when actively connected to PostgreSQL, executing queries',
      ),
      bytes_received: counter(
        'received_bytes_total',
        1,
        'Total volume in bytes of network traffic received by pgbouncer, shown as bytes',
      ),
      requests: counter(
        'queries_total',
        1,
        'Total number of SQL requests pooled by pgbouncer, shown as requests',
      ),
      bytes_sent: counter(
        'sent_bytes_total',
        1,
        'Total volume in bytes of network traffic sent by pgbouncer, shown as bytes',
      ),
      wait_time: counter(
        'client_wait_seconds_total',
        1e-6,
        'Time spent by clients waiting for a server in seconds',
      ),
      xact_count: counter('sql_transactions_pooled_total', 1, 'Total number of SQL transactions pooled'),
      xact_time: counter(
        'server_in_transaction_seconds_total',
        1e-6,
        'Total number of seconds spent by pgbouncer when connected to PostgreSQL in a transaction, either idle in transaction or executing queries',
      ),
      client_parse_count: counter(
        'client_parses_total',
        1,
        'Total number of prepared statement Parse messages received from clients',
      ),
      server_parse_count: counter(
        'server_parses_total',
        1,
        'Total number of prepared statement Parse messages sent by pgbouncer to PostgreSQL',
      ),
      bind_count: counter(
        'binds_total',
        1,
        'Total number of prepared statements readied for execution with a Bind message',
      ),
      server_assignment_count: counter(
        'server_assignments_total',
        1,
        'Total number of client connections which have been served since process start',
      ),
    },
  },
  pools: {
    labels: ['database', 'user'],
    columns: {
      cl_active: gauge(
        'client_active_connections',
        'Client connections linked to server connection and able to process queries, shown as connection',
      ),
      cl_active_cancel_req: gauge(
        'client_active_cancel_connections',
        'Client connections that have forwarded query cancellations to the server and are waiting for the server response',
      ),
      cl_waiting: gauge(
        'client_waiting_connections',
        'Client connections waiting on a server connection, shown as connection',
      ),
      cl_waiting_cancel_req: gauge(
        'client_waiting_cancel_connections',
        'Client connections that have not forwarded query cancellations to the server yet',
      ),
      sv_active: gauge(
        'server_active_connections',
        'Server connections linked to a client connection, shown as connection',
      ),
      sv_active_cancel: gauge(
        'server_active_cancel_connections',
        'Server connections that are currently forwarding a cancel request.',
      ),
      sv_being_canceled: gauge(
        'server_being_canceled_connections',
        'Servers that normally could become idle but are waiting to do so until all in-flight cancel requests have completed that were sent to cancel a query on this server.',
      ),
      sv_idle: gauge(
        'server_idle_connections',
        'Server connections idle and ready for a client query, shown as connection',
      ),
      sv_used: gauge(
        'server_used_connections',
        'Server connections idle more than server_check_delay, needing server_check_query, shown as connection',
      ),
      sv_tested: gauge(
        'server_testing_connections',
        'Server connections currently running either server_reset_query or server_check_query, shown as connection',
      ),
      sv_login: gauge(
        'server_login_connections',
        'Server connections currently in the process of logging in, shown as connection',
      ),
      // whole seconds (the exporter ignores maxwait_us)
      maxwait: gauge('client_maxwait_seconds', 'Age of oldest unserved client connection, shown as second'),
    },
  },
};

// collector.go's listsMap: SHOW LISTS rows (list, items) -> unlabelled gauges.
const LISTS: Record<string, { metric: string; help: string }> = {
  databases: { metric: 'pgbouncer_databases', help: 'Count of databases' },
  users: { metric: 'pgbouncer_users', help: 'Count of users' },
  pools: { metric: 'pgbouncer_pools', help: 'Count of pools' },
  free_clients: { metric: 'pgbouncer_free_clients', help: 'Count of free clients' },
  used_clients: { metric: 'pgbouncer_used_clients', help: 'Count of used clients' },
  login_clients: { metric: 'pgbouncer_login_clients', help: 'Count of clients in login state' },
  free_servers: { metric: 'pgbouncer_free_servers', help: 'Count of free servers' },
  used_servers: { metric: 'pgbouncer_used_servers', help: 'Count of used servers' },
  dns_names: { metric: 'pgbouncer_cached_dns_names', help: 'Count of DNS names in the cache' },
  dns_zones: { metric: 'pgbouncer_cached_dns_zones', help: 'Count of DNS zones in the cache' },
  dns_queries: { metric: 'pgbouncer_in_flight_dns_queries', help: 'Count of in-flight DNS queries' },
};

// collector.go's configMap: the SHOW CONFIG keys it exports.
const CONFIG: Record<string, { metric: string; help: string }> = {
  max_client_conn: {
    metric: 'pgbouncer_config_max_client_connections',
    help: 'Config maximum number of client connections',
  },
  max_user_connections: {
    metric: 'pgbouncer_config_max_user_connections',
    help: 'Config maximum number of server connections per user',
  },
};

function gauge(metric: string, help: string): ColumnMetric {
  return { type: 'gauge', metric, factor: 1, help };
}

function counter(metric: string, factor: number, help: string): ColumnMetric {
  return { type: 'counter', metric, factor, help };
}

// ---------------------------------------------------------------------------------------------
// Rendering

interface Family {
  help: string;
  type: MetricType;
  samples: { labels: Record<string, string>; value: number }[];
}

class Families {
  private readonly byName = new Map<string, Family>();

  add(name: string, help: string, type: MetricType, labels: Record<string, string>, value: number): void {
    let family = this.byName.get(name);
    if (!family) {
      family = { help, type, samples: [] };
      this.byName.set(name, family);
    }
    family.samples.push({ labels, value });
  }

  /** client_golang's order: families by name, series by their label values (label names sorted). */
  text(): string {
    const out: string[] = [];
    for (const name of [...this.byName.keys()].sort(compare)) {
      const family = this.byName.get(name)!;
      out.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} ${family.type}`);
      const rows = family.samples.map((sample) => {
        const names = Object.keys(sample.labels).sort(compare);
        return { names, values: names.map((label) => sample.labels[label]), value: sample.value };
      });
      rows.sort((a, b) => {
        for (let i = 0; i < Math.min(a.values.length, b.values.length); i++) {
          const order = compare(a.values[i], b.values[i]);
          if (order !== 0) return order;
        }
        return a.values.length - b.values.length;
      });
      for (const row of rows) {
        const labels = row.names.map((label, i) => `${label}="${escapeLabel(row.values[i])}"`).join(',');
        out.push(`${name}${labels ? `{${labels}}` : ''} ${goFloat(row.value)}`);
      }
    }
    return out.join('\n') + '\n';
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabel(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64), which client_golang writes sample values with. */
export function goFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  // shortest 'g': exponent form below 1e-4 and from 1e6 (Go takes 6 as the precision for this choice)
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

/** A label value as the exporter writes it: NULL is empty, integers in decimal. */
function labelValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(6);
  return String(value);
}

/** A metric value as dbToFloat64 reads it: NULL is NaN, text is parsed; undefined when unreadable. */
function metricValue(value: unknown, factor: number): number | undefined {
  if (value === null || value === undefined) return NaN;
  if (typeof value === 'number') return value * factor;
  if (typeof value === 'bigint') return Number(value) * factor;
  if (typeof value === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) {
    return Number(value) * factor;
  }
  return undefined;
}

/**
 * The exporter's /metrics text for one scrape: `null` (no connection) gives `pgbouncer_up 0` alone;
 * a snapshot with a list missing (its SHOW failed) gives what was read and `pgbouncer_up 0`.
 */
export function exporterText(snapshot: AdminSnapshot | null): string {
  const families = new Families();
  let up = snapshot ? 1 : 0;
  if (snapshot) {
    if (snapshot.version === undefined) up = 0;
    else
      families.add(
        'pgbouncer_version_info',
        'The pgbouncer version info',
        'gauge',
        { version: snapshot.version },
        1,
      );

    if (!snapshot.lists) up = 0;
    for (const row of snapshot.lists ?? []) {
      const list = LISTS[String(row.list)];
      const value = metricValue(row.items, 1);
      if (value === undefined || Number.isNaN(value)) {
        up = 0; // the exporter stops reading SHOW LISTS at a value it cannot parse
        break;
      }
      if (list) families.add(list.metric, list.help, 'gauge', {}, value);
    }

    if (!snapshot.config) up = 0;
    for (const row of snapshot.config ?? []) {
      const config = CONFIG[String(row.key)];
      if (!config) continue;
      const value = metricValue(row.value, 1);
      if (value === undefined || Number.isNaN(value)) {
        up = 0;
        break;
      }
      families.add(config.metric, config.help, 'gauge', {}, value);
    }

    if (!snapshot.clients) up = 0;
    const clientCounts = new Map<string, { labels: Record<string, string>; count: number }>();
    for (const row of snapshot.clients ?? []) {
      const labels = {
        database: labelValue(row.database),
        user: labelValue(row.user),
        application_name: labelValue(row.application_name),
        state: labelValue(row.state),
      };
      const key = JSON.stringify(labels);
      const entry = clientCounts.get(key) ?? { labels, count: 0 };
      entry.count++;
      clientCounts.set(key, entry);
    }
    for (const { labels, count } of clientCounts.values()) {
      families.add(
        'pgbouncer_client_connections',
        'Number of client connections grouped by database, user, application name, and state',
        'gauge',
        labels,
        count,
      );
    }

    let failedNamespaces = 0;
    for (const [namespace, mapping] of Object.entries(NAMESPACES)) {
      const rows = snapshot[namespace as keyof typeof NAMESPACES];
      if (!rows) {
        failedNamespaces++;
        up = 0;
        continue;
      }
      for (const row of rows) {
        const labels: Record<string, string> = {};
        // a label whose column this PgBouncer lacks is still there, empty (client_golang's const metrics)
        for (const label of mapping.labels) labels[label] = labelValue(row[label]);
        for (const [column, raw] of Object.entries(row)) {
          const column_ = mapping.columns[column];
          if (!column_) continue;
          const value = metricValue(raw, column_.factor);
          if (value === undefined) continue; // a non-fatal error in the exporter: the series is left out
          families.add(`pgbouncer_${namespace}_${column_.metric}`, column_.help, column_.type, labels, value);
        }
      }
    }
    if (failedNamespaces === Object.keys(NAMESPACES).length) up = 0;
  }
  families.add('pgbouncer_up', 'The pgbouncer scrape succeeded', 'gauge', {}, up);
  return families.text();
}

// ---------------------------------------------------------------------------------------------
// Reading the admin console

export interface AdminTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Bound on the connect and on each SHOW (default 800 ms: below a 1 s scrape timeout). */
  timeoutMs?: number;
}

/** One scrape's reading of the admin console, or null when PgBouncer cannot be reached. */
export async function readAdminSnapshot(target: AdminTarget): Promise<AdminSnapshot | null> {
  const timeoutMs = target.timeoutMs ?? 800;
  const client = new Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: 'pgbouncer',
    ssl: false,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => undefined); // a PgBouncer stopped mid-scrape: the failed query says so
  try {
    await client.connect();
    await client.query('SHOW STATS'); // the exporter's ping before it counts the scrape as connected
  } catch {
    void client.end().catch(() => undefined);
    return null;
  }
  const show = async (command: string): Promise<AdminRow[] | undefined> => {
    try {
      return (await client.query<AdminRow>(`SHOW ${command};`)).rows;
    } catch {
      return undefined;
    }
  };
  try {
    const version = await show('VERSION');
    return {
      version: version?.[0] ? String(version[0].version) : undefined,
      lists: await show('LISTS'),
      config: await show('CONFIG'),
      clients: await show('CLIENTS'),
      databases: await show('DATABASES'),
      stats_totals: await show('STATS_TOTALS'),
      pools: await show('POOLS'),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface ExporterScrape {
  /** http://127.0.0.1:PORT/metrics */
  readonly url: string;
  /** host:port, as a Prometheus static target. */
  readonly address: string;
  /** How many scrapes were answered. */
  scrapes(): number;
  /** The text of the last scrape. */
  lastText(): string;
  stop(): Promise<void>;
}

/**
 * Serves the exporter's text for `target` on 127.0.0.1 (random port). `render` turns each reading into
 * the exposition text (default exporterText).
 */
export async function startExporterScrape(
  target: AdminTarget,
  render: (snapshot: AdminSnapshot | null) => string = exporterText,
): Promise<ExporterScrape> {
  let count = 0;
  let last = '';
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404).end('not found\n');
      return;
    }
    void readAdminSnapshot(target)
      .then(render)
      .then(
        (text) => {
          count++;
          last = text;
          response.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
        },
        (error: unknown) => response.writeHead(500).end(`scrape failed: ${String(error)}\n`),
      );
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    address: `127.0.0.1:${port}`,
    scrapes: () => count,
    lastText: () => last,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
