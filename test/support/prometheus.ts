// The real Prometheus server (Debian's `prometheus` package, /usr/bin/prometheus) for the monitoring
// end-to-end test: on 127.0.0.1 with a free port, a fresh TSDB in a temporary directory, scraping and
// evaluating every second, always torn down (by stop(), or by the exit hook if the test process dies).
//
//   const prometheus = await startPrometheus({ targets: ['127.0.0.1:PORT'], rules: yamlText });
//   await prometheus.alerts();        // GET /api/v1/alerts
//   await prometheus.stop();
//
// Missing binary: `prometheusUnavailable()` says why (the caller skips), except with CI=true, where it
// throws: in CI the test must fail, never skip.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, installExitHook, liveChildren, liveDirs } from './processes';

const BINARY = process.env.PROMETHEUS_BIN || '/usr/bin/prometheus';
const INSTALL_HINT =
  'apt-get install -y --no-install-recommends prometheus  (as root; or: bash scripts/ensure-system-deps.sh)';

/** Why Prometheus cannot run here (a reason to skip), or undefined; with CI=true it throws instead. */
export function prometheusUnavailable(): string | undefined {
  try {
    fs.accessSync(BINARY, fs.constants.X_OK);
    return undefined;
  } catch {
    const reason = `${BINARY} not installed; install with: ${INSTALL_HINT}`;
    if (process.env.CI === 'true' || process.env.CI === '1') {
      throw new Error(`CI is set, so the Prometheus test must run, not skip: ${reason}`);
    }
    return reason;
  }
}

export interface PrometheusOptions {
  /** Static scrape targets (host:port) of job "pgbouncer", scraped at /metrics. */
  targets: string[];
  /** The rule file's YAML (`groups:`). */
  rules: string;
  /** Scrape and evaluation interval (default "1s"). */
  interval?: string;
}

export interface ActiveAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}

export interface RuleState {
  name: string;
  type: 'alerting' | 'recording';
  state?: 'inactive' | 'pending' | 'firing';
  health: string;
  lastError?: string;
  alerts?: ActiveAlert[];
}

export interface ScrapeTarget {
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface PrometheusServer {
  readonly url: string;
  /** Everything Prometheus logged. */
  log(): string;
  /** The alerts now pending or firing (GET /api/v1/alerts). */
  alerts(): Promise<ActiveAlert[]>;
  /** Every alerting and recording rule with its state (GET /api/v1/rules). */
  rules(): Promise<RuleState[]>;
  /** The scrape targets and their health (GET /api/v1/targets). */
  targets(): Promise<ScrapeTarget[]>;
  /** An instant query's vector result (GET /api/v1/query). */
  query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** Kills it, waits for the exit and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 5_000;
const READY_TIMEOUT_MS = 30_000;

function configYaml(options: PrometheusOptions, rulesFile: string): string {
  const interval = options.interval ?? '1s';
  // JSON is YAML: no quoting rules to get wrong for paths and targets
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
    `rule_files: [${JSON.stringify(rulesFile)}]`,
    'scrape_configs:',
    '  - job_name: pgbouncer',
    '    metrics_path: /metrics',
    `    static_configs: [{ targets: ${JSON.stringify(options.targets)} }]`,
    '',
  ].join('\n');
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const reason = prometheusUnavailable();
  if (reason) throw new Error(reason);
  installExitHook();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-prometheus-'));
  liveDirs.add(dir);
  const rulesFile = path.join(dir, 'rules.yml');
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(rulesFile, options.rules);
  fs.writeFileSync(configFile, configYaml(options, rulesFile));

  let child: ChildProcess | null = null;
  let output = '';
  let exited: Promise<void> = Promise.resolve();
  let port = 0;

  const kill = async (): Promise<void> => {
    const current = child;
    child = null;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    current.kill('SIGKILL'); // its TSDB is thrown away: nothing to shut down cleanly
    await exited;
  };

  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const spawned = spawn(
      BINARY,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1h',
        '--log.level=info',
      ],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } },
    );
    child = spawned;
    liveChildren.add(spawned);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > 1_000_000) output = output.slice(-500_000);
    };
    spawned.stdout.on('data', onData);
    spawned.stderr.on('data', onData);
    exited = new Promise<void>((resolve) => {
      spawned.on('error', (error) => {
        output += `\nspawn failed: ${error.message}`;
        resolve();
      });
      spawned.on('close', () => {
        liveChildren.delete(spawned);
        resolve();
      });
    });
    try {
      await waitReady(`http://127.0.0.1:${port}`, spawned, () => output);
      break;
    } catch (error) {
      await kill();
      if (attempt < 4 && /address already in use/i.test(output)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
      throw error;
    }
  }

  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(pathAndQuery: string): Promise<T> => {
    const response = await fetch(url + pathAndQuery, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success')
      throw new Error(`Prometheus ${pathAndQuery}: ${body.error ?? response.status}`);
    return body.data;
  };

  let stopped = false;
  return {
    url,
    log: () => output,
    alerts: async () => (await api<{ alerts: ActiveAlert[] }>('/api/v1/alerts')).alerts,
    rules: async () =>
      (await api<{ groups: { rules: RuleState[] }[] }>('/api/v1/rules')).groups.flatMap(
        (group) => group.rules,
      ),
    targets: async () => (await api<{ activeTargets: ScrapeTarget[] }>('/api/v1/targets')).activeTargets,
    query: async (promql) =>
      (
        await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `/api/v1/query?query=${encodeURIComponent(promql)}`,
        )
      ).result,
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
}

/** Polls /-/ready until it answers 200; fails when the process exits or the time is up. */
async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`,
      );
    }
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > READY_TIMEOUT_MS) {
      throw new Error(`prometheus was not ready within ${READY_TIMEOUT_MS} ms:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
