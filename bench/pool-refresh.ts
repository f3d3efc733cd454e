// Benchmark: one refresh of the Pool Status view with 1,000 pools.
//
//   npx tsx bench/pool-refresh.ts            prints the numbers; exit status 1 when over budget
//
// Starts a real PostgreSQL and a real PgBouncer (test/support/stack.ts) whose [databases] has 1,000
// generated entries, connects once to each (PgBouncer lists a pool in SHOW POOLS only after a client
// used it), then times refreshes the way the view does them: every SHOW over the one reused admin
// connection (readSnapshot), then the tree's items (instanceItem) and the status bar (statusSummary).
// Budget: one refresh under 100 ms (the median of the timed runs, and every run is printed).
//
// `runPoolRefreshBench()` returns the numbers (for npm run bench).

import { Client } from 'pg';
import { AdminClient } from '../client/src/pools/admin-client';
import { DEFAULT_THRESHOLDS } from '../client/src/pools/model/health';
import type { InstanceState } from '../client/src/pools/model/instance-state';
import { instanceItem } from '../client/src/pools/model/tree-items';
import { statusSummary } from '../client/src/pools/model/status-summary';
import { readSnapshot } from '../client/src/pools/monitor';
import { instanceFor, startStack } from '../test/support/stack';
import type { Stack } from '../test/support/stack';

export interface PoolRefreshResult {
  name: 'pool-refresh';
  pools: number;
  databases: number;
  runs: number;
  /** Milliseconds per refresh: reading every SHOW, building the tree, and both together. */
  readMs: Stats;
  buildMs: Stats;
  totalMs: Stats;
  budgetMs: number;
  withinBudget: boolean;
  /** Time to set the scene (stack start and 1,000 first connections), not part of the budget. */
  setupMs: number;
}

export interface Stats {
  min: number;
  median: number;
  p95: number;
  max: number;
}

export interface PoolRefreshOptions {
  databases?: number;
  runs?: number;
  budgetMs?: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (n: number): number => Math.round(n * 100) / 100;
  return { min: round(sorted[0]), median: round(at(0.5)), p95: round(at(0.95)), max: round(sorted.at(-1)!) };
}

/** One client login per generated database, a few at a time. */
async function touchEveryDatabase(stack: Stack, count: number, parallel = 16): Promise<void> {
  let next = 1;
  const worker = async (): Promise<void> => {
    while (next <= count) {
      const name = `db${String(next++).padStart(4, '0')}`;
      const client = new Client({
        host: stack.pgbouncer.host,
        port: stack.pgbouncer.port,
        database: name,
        user: stack.users.app.user,
        password: stack.users.app.password,
        ssl: false,
      });
      client.on('error', () => undefined);
      await client.connect();
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

export async function runPoolRefreshBench(options: PoolRefreshOptions = {}): Promise<PoolRefreshResult> {
  const databases = options.databases ?? 1000;
  const runs = options.runs ?? 30;
  const budgetMs = options.budgetMs ?? 100;
  const setupStart = performance.now();
  const stack = await startStack({
    generatedDatabases: databases,
    maxConnections: 60,
    settings: {
      max_client_conn: 500,
      // every login needs a server connection for its pool's first client: at most 20 at a time,
      // PgBouncer closes an idle one of another pool to open the next
      max_user_connections: 20,
      server_idle_timeout: 1,
    },
  });
  const admin = new AdminClient(
    instanceFor(stack.pgbouncer, stack.users.admin),
    () => stack.users.admin.password,
    {
      timeoutMs: 10_000,
    },
  );
  try {
    await touchEveryDatabase(stack, databases);
    const setupMs = Math.round(performance.now() - setupStart);
    const read: number[] = [];
    const build: number[] = [];
    const total: number[] = [];
    let pools = 0;
    let previous: InstanceState['snapshot'];
    for (let i = 0; i < runs + 3; i++) {
      const t0 = performance.now();
      const snapshot = await readSnapshot(admin, Date.now);
      const t1 = performance.now();
      const state: InstanceState = {
        instance: admin.instance,
        connection: admin.state,
        snapshot,
        previous,
      };
      const tree = instanceItem(state, DEFAULT_THRESHOLDS, Date.now());
      statusSummary([state], DEFAULT_THRESHOLDS);
      const t2 = performance.now();
      previous = snapshot;
      pools = tree.children?.[0].children?.length ?? 0;
      if (i < 3) continue; // warm-up: JIT, first connection
      read.push(t1 - t0);
      build.push(t2 - t1);
      total.push(t2 - t0);
    }
    const totalMs = stats(total);
    return {
      name: 'pool-refresh',
      pools,
      databases,
      runs,
      readMs: stats(read),
      buildMs: stats(build),
      totalMs,
      budgetMs,
      withinBudget: totalMs.median < budgetMs && pools >= databases,
      setupMs,
    };
  } finally {
    await admin.close();
    await stack.stop();
  }
}

function print(result: PoolRefreshResult): void {
  const line = (label: string, s: Stats): string =>
    `${label.padEnd(22)} min ${s.min} ms · median ${s.median} ms · p95 ${s.p95} ms · max ${s.max} ms`;
  console.log(
    `pool-refresh: ${result.pools} pools listed (${result.databases} databases), ${result.runs} refreshes`,
  );
  console.log(line('read (7 SHOW commands)', result.readMs));
  console.log(line('build (tree + status)', result.buildMs));
  console.log(line('one refresh', result.totalMs));
  console.log(
    `budget: median < ${result.budgetMs} ms -> ${result.withinBudget ? 'OK' : 'OVER BUDGET'} (setup ${result.setupMs} ms, not timed)`,
  );
}

if (require.main === module) {
  runPoolRefreshBench().then(
    (result) => {
      print(result);
      if (!result.withinBudget) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
