// The pool view's data against a real PostgreSQL behind a real PgBouncer: clients holding transactions
// make cl_waiting and use rise in what the tree, the status bar and the hover show; rates come from
// the deltas between refreshes; admin actions take effect; a stats user is read only.
//
//   node --import tsx --test test/pools/live.test.ts

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'pg';
import { AdminClient, AdminError } from '../../client/src/pools/admin-client';
import { DEFAULT_THRESHOLDS, poolStatuses } from '../../client/src/pools/model/health';
import { statsRates } from '../../client/src/pools/model/rates';
import type { InstanceState } from '../../client/src/pools/model/instance-state';
import { instanceItem } from '../../client/src/pools/model/tree-items';
import type { ViewItem } from '../../client/src/pools/model/tree-items';
import { statusSummary } from '../../client/src/pools/model/status-summary';
import { databaseHover } from '../../client/src/pools/model/hover';
import { actionsFor } from '../../client/src/pools/model/actions';
import { PoolMonitor, readSnapshot } from '../../client/src/pools/monitor';
import { instanceFor, stackUnavailable, startStack, waitFor } from '../support/stack';
import type { Stack } from '../support/stack';

const skip = stackUnavailable();

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

function child(item: ViewItem, label: string): ViewItem {
  const found = item.children?.find((c) => c.label === label);
  assert.ok(found, `no item ${label} under ${item.label}: ${item.children?.map((c) => c.label).join(', ')}`);
  return found;
}

describe('live pool data', { skip }, () => {
  let stack: Stack;
  let monitor: PoolMonitor;
  const apps: Client[] = [];

  const connectApp = async (database = 'appdb'): Promise<Client> => {
    const client = await stack.connectApp(database);
    apps.push(client);
    return client;
  };
  const state = (): InstanceState => monitor.states()[0];
  const refreshed = async (): Promise<InstanceState> => {
    await monitor.refresh();
    const current = state();
    assert.equal(current.error, undefined, current.error?.message);
    return current;
  };
  const dbRow = async (name: string) =>
    (await refreshed()).snapshot!.databases.find((row) => row.name === name)!;

  before(async () => {
    stack = await startStack({ settings: { default_pool_size: 2, query_wait_timeout: 30 } });
    monitor = new PoolMonitor({
      password: () => () => stack.users.admin.password,
      intervalMs: 60_000, // the tests refresh by hand
      client: { timeoutMs: 3000, initialBackoffMs: 50, maxBackoffMs: 200 },
    });
    monitor.setInstances([instanceFor(stack.pgbouncer, stack.users.admin)]);
  });

  after(async () => {
    await Promise.all(apps.map((client) => client.end().catch(() => undefined)));
    await monitor?.dispose();
    await stack?.stop();
  });

  test('clients holding transactions make cl_waiting and use rise in the tree, status bar and hover', async () => {
    const idle = await connectApp();
    await idle.query('SELECT 1'); // the pool exists from now on (SHOW POOLS lists used pools only)
    let pool = poolStatuses((await refreshed()).snapshot!, DEFAULT_THRESHOLDS).find(
      (status) => status.pool.database === 'appdb',
    );
    assert.ok(pool);
    assert.equal(pool.pool.clWaiting, 0);
    assert.equal(pool.usePercent, 0);
    assert.equal(pool.health, 'ok');

    // pool_size 2: two clients in a transaction take both server connections, a third one waits
    const holders = [await connectApp(), await connectApp()];
    for (const holder of holders) await holder.query('BEGIN; SELECT 1');
    const waiter = await connectApp();
    const waiting = waiter.query('SELECT 1');
    try {
      await waitFor('a waiting client in SHOW POOLS', async () => {
        const current = await refreshed();
        return current.snapshot!.pools.some((row) => row.database === 'appdb' && row.clWaiting > 0);
      });

      const current = state();
      pool = poolStatuses(current.snapshot!, DEFAULT_THRESHOLDS).find(
        (status) => status.pool.database === 'appdb',
      );
      assert.ok(pool);
      assert.equal(pool.pool.svActive, 2);
      assert.equal(pool.pool.clWaiting, 1);
      assert.equal(pool.poolSize, 2);
      assert.equal(pool.usePercent, 100);
      assert.equal(pool.health, 'critical');
      assert.ok(pool.reasons.some((reason) => /use 100% ≥ 95%/.test(reason)));
      assert.ok(pool.reasons.some((reason) => /1 client waiting/.test(reason)));

      const tree = instanceItem(current, DEFAULT_THRESHOLDS, Date.now());
      assert.equal(tree.health, 'critical');
      assert.match(tree.description!, /worst appdb\/app 100% · 1 waiting/);
      const pools = child(tree, 'Pools');
      assert.match(pools.description!, /1 waiting/);
      const item = child(pools, 'appdb / app');
      // cl_active counts every logged-in client not waiting: the idle one and the two holders
      assert.match(item.description!, /^3 active, 1 waiting · servers 2 active, 0 idle, 0 used · use 100%/);
      assert.equal(item.health, 'critical');
      assert.match(item.tooltip!, /\| clients waiting \(cl_waiting\) \| 1 \|/);
      assert.match(child(tree, 'Clients').description!, /1 waiting/);
      assert.match(child(tree, 'Servers').description!, /2 active/);

      const summary = statusSummary(monitor.states(), DEFAULT_THRESHOLDS);
      assert.equal(summary?.health, 'critical');
      assert.match(summary!.text, /^\$\(error\) PgBouncer: appdb 100% · 1 waiting$/);
      const hover = databaseHover('appdb', monitor.states(), DEFAULT_THRESHOLDS);
      assert.match(hover!, /pool_size 2/);
      assert.match(hover!, /`app`: 3 active, 1 waiting .* use 100%/);

      // With higher thresholds only the waiting client is left: a warning, not critical.
      const relaxed = { ...DEFAULT_THRESHOLDS, useWarning: 101, useCritical: 101 };
      assert.equal(
        poolStatuses(current.snapshot!, relaxed).find((s) => s.pool.database === 'appdb')?.health,
        'warning',
      );
    } finally {
      for (const holder of holders) await holder.query('COMMIT');
      await waiting;
    }
    await waitFor('the pool to drain', async () => {
      const after = poolStatuses((await refreshed()).snapshot!, DEFAULT_THRESHOLDS).find(
        (status) => status.pool.database === 'appdb',
      );
      return after && after.pool.clWaiting === 0 && after.usePercent === 0 && after.health === 'ok';
    });
    assert.equal(statusSummary(monitor.states(), DEFAULT_THRESHOLDS)?.health, 'ok');
  });

  test('stats: transactions and queries per second from the deltas between two refreshes', async () => {
    const app = await connectApp();
    const first = (await refreshed()).snapshot!;
    for (let i = 0; i < 40; i++) await app.query('SELECT 1');
    for (const sql of ['BEGIN', 'SELECT 1', 'SELECT 2', 'COMMIT']) await app.query(sql); // 1 transaction, 4 queries
    const second = (await refreshed()).snapshot!;
    const seconds = (second.takenAt - first.takenAt) / 1000;
    const rates = statsRates(second, first).find((row) => row.database === 'appdb');
    assert.ok(rates && rates.xactPerSecond !== null && rates.queryPerSecond !== null);
    const xacts = Math.round(rates.xactPerSecond * seconds);
    const queries = Math.round(rates.queryPerSecond * seconds);
    assert.equal(xacts, 41);
    assert.equal(queries, 44);
    assert.ok(rates.avgQueryMs >= 0);
    // The view reads the rates from the state's two snapshots.
    const stats = child(instanceItem(state(), DEFAULT_THRESHOLDS, Date.now()), 'Stats');
    assert.match(child(stats, 'appdb').description!, /xact\/s · .* queries\/s · query .* ms · wait .* ms/);
    // The first refresh has no rates yet.
    assert.equal(statsRates(first, undefined).find((row) => row.database === 'appdb')?.xactPerSecond, null);
  });

  test('admin actions take effect: PAUSE, RESUME, DISABLE, ENABLE, RECONNECT, KILL, RELOAD', async () => {
    const admin = instanceItem(await refreshed(), DEFAULT_THRESHOLDS, Date.now());
    const appdb = child(child(admin, 'Databases'), 'appdb');
    assert.deepEqual(actionsFor(appdb), ['PAUSE', 'RECONNECT', 'KILL', 'DISABLE']);
    assert.deepEqual(actionsFor(admin), ['PAUSE', 'RESUME', 'RECONNECT', 'RELOAD']);

    await monitor.run('primary', 'PAUSE', 'appdb');
    assert.equal((await dbRow('appdb')).paused, true);
    const paused = child(child(instanceItem(state(), DEFAULT_THRESHOLDS, Date.now()), 'Databases'), 'appdb');
    assert.match(paused.description!, /^paused · /);
    assert.deepEqual(actionsFor(paused), ['RESUME', 'RECONNECT', 'KILL', 'DISABLE']);
    await monitor.run('primary', 'RESUME', 'appdb');
    assert.equal((await dbRow('appdb')).paused, false);

    await monitor.run('primary', 'DISABLE', 'appdb');
    assert.equal((await dbRow('appdb')).disabled, true);
    await assert.rejects(connectApp(), /does not allow connections|disabled/);
    await monitor.run('primary', 'ENABLE', 'appdb');
    assert.equal((await dbRow('appdb')).disabled, false);

    const app = await connectApp();
    await app.query('SELECT 1');
    const serverPid = async () =>
      (await refreshed()).snapshot!.servers.find((row) => row.database === 'appdb')?.remotePid;
    const before = await serverPid();
    assert.ok(before);
    await monitor.run('primary', 'RECONNECT', 'appdb');
    await app.query('SELECT 1');
    await waitFor('a new server connection after RECONNECT', async () => {
      await app.query('SELECT 1');
      const now = await serverPid();
      return now !== undefined && now !== before;
    });

    const ended = new Promise<void>((resolve) => app.once('end', () => resolve()));
    await monitor.run('primary', 'KILL', 'appdb');
    await ended; // KILL drops the client connections
    const killed = await dbRow('appdb');
    assert.equal(killed.paused, true, 'KILL leaves the database paused');
    await monitor.run('primary', 'RESUME', 'appdb');
    assert.equal((await dbRow('appdb')).paused, false);

    // RELOAD reads the file again: a changed default_pool_size shows in SHOW DATABASES.
    stack.pgbouncer.writeConfig(
      stack.pgbouncer.baseConfig.replace('default_pool_size = 2', 'default_pool_size = 3'),
    );
    await monitor.run('primary', 'RELOAD');
    assert.equal((await dbRow('appdb')).poolSize, 3);
    stack.pgbouncer.writeConfig(stack.pgbouncer.baseConfig);
    await monitor.run('primary', 'RELOAD');
    assert.equal((await dbRow('appdb')).poolSize, 2);
  });

  test('PAUSE while a transaction is open: a readable timeout, the database stays paused until RESUME', async () => {
    const holder = await connectApp();
    await holder.query('BEGIN; SELECT 1');
    const client = new AdminClient(
      instanceFor(stack.pgbouncer, stack.users.admin),
      () => stack.users.admin.password,
      {
        timeoutMs: 500,
      },
    );
    try {
      const error = await client.command('PAUSE', 'appdb').then(
        () => assert.fail('PAUSE should wait for the open transaction'),
        (e: unknown) => e as AdminError,
      );
      assert.ok(error instanceof AdminError);
      assert.equal(error.kind, 'timeout');
      assert.match(
        error.message,
        /PAUSE did not finish within 0\.5 s: .*transaction is still open.*stays paused until RESUME/,
      );
      assert.equal((await dbRow('appdb')).paused, true);
      await holder.query('COMMIT');
      await monitor.run('primary', 'RESUME', 'appdb');
      assert.equal((await dbRow('appdb')).paused, false);
    } finally {
      await client.close();
    }
  });

  test('a stats user: detected as read only before any action is offered; PgBouncer refuses with its own words', async () => {
    const stats = new PoolMonitor({
      password: () => () => stack.users.stats.password,
      intervalMs: 60_000,
    });
    try {
      stats.setInstances([instanceFor(stack.pgbouncer, stack.users.stats, { name: 'readonly' })]);
      // before the first refresh nothing is known: no actions
      const unknown = instanceItem(stats.states()[0], DEFAULT_THRESHOLDS, Date.now());
      assert.deepEqual(actionsFor(unknown), []);
      await stats.refresh();
      const current = stats.states()[0];
      assert.equal(current.snapshot?.rights, 'stats');
      const tree = instanceItem(current, DEFAULT_THRESHOLDS, Date.now());
      assert.match(tree.description!, /stats only/);
      const offered = [
        tree,
        ...child(tree, 'Databases').children!,
        ...child(tree, 'Pools').children!,
      ].flatMap(actionsFor);
      assert.deepEqual(offered, []);
      assert.ok(!tree.contextValue.includes('admin'));
      // the console itself refuses: the text shown to the user is PgBouncer's
      await assert.rejects(stats.run('readonly', 'PAUSE', 'appdb'), (error: unknown) => {
        assert.ok(error instanceof AdminError);
        assert.equal(error.kind, 'refused');
        assert.equal(error.serverMessage, 'admin access needed');
        return true;
      });
      assert.equal((await dbRow('appdb')).paused, false);
    } finally {
      await stats.dispose();
    }
  });

  test('one refresh reads every SHOW over the one connection', async () => {
    const client = new AdminClient(
      instanceFor(stack.pgbouncer, stack.users.admin),
      () => stack.users.admin.password,
    );
    try {
      const snapshot = await readSnapshot(client, Date.now);
      assert.equal(snapshot.rights, 'admin');
      assert.ok(snapshot.config.length > 50);
      assert.ok(snapshot.databases.some((row) => row.name === 'appdb'));
      assert.ok(typeof snapshot.stats[0].totalXactCount === 'number');
      const mine = snapshot.clients.filter((row) => row.applicationName === 'vscode-pgbouncer');
      assert.ok(mine.length >= 1);
    } finally {
      await client.close();
    }
    assert.deepEqual(unhandled, []);
  });
});
