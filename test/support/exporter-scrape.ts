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
import { exporterMetricsText } from '../../server/src/monitoring/exporter-metrics';

/** A row as the admin console returns it through pg (int4 as number, int8/numeric as string, NULL as null). */
export type AdminRow = Record<string, string | number | bigint | boolean | null | undefined>;

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

/**
 * The exporter's page for a reading, by the engine's renderer (server/src/monitoring/exporter-metrics.ts,
 * one source of truth with the generated rules). A SHOW that failed makes the exporter say up 0.
 */
export function exporterText(snapshot: AdminSnapshot | null): string {
  if (snapshot === null) return exporterMetricsText({ up: false });
  const complete = ['lists', 'config', 'databases', 'stats_totals', 'pools'].every(
    (key) => snapshot[key as keyof AdminSnapshot] !== undefined,
  );
  return exporterMetricsText({ ...snapshot, stats: snapshot.stats_totals, up: complete });
}

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
