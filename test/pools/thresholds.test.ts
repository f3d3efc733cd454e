// The health of a pool against a real PgBouncer and PostgreSQL: clients holding transactions fill
// pools whose databases have their own pool_size, reserve or max_db_connections, and the view judges
// each pool against its real limit (the same definition the generated alerts use), with the
// thresholds of the settings (pgbouncer.thresholds.*) as poolSettings reads them.
//
//   node --import tsx --test test/pools/thresholds.test.ts

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'pg';
import { DEFAULT_THRESHOLDS, poolStatuses } from '../../client/src/pools/model/health';
import type { PoolStatus, Thresholds } from '../../client/src/pools/model/health';
import { databaseHover } from '../../client/src/pools/model/hover';
import type { InstanceState } from '../../client/src/pools/model/instance-state';
import { statusSummary } from '../../client/src/pools/model/status-summary';
import { instanceItem } from '../../client/src/pools/model/tree-items';
import { PoolMonitor } from '../../client/src/pools/monitor';
import { poolSettings } from '../../client/src/pools/settings';
import { instanceFor, stackUnavailable, startStack, waitFor } from '../support/stack';
import type { PgBouncerProcess, Stack } from '../support/stack';

const skip = stackUnavailable();

/** The thresholds the view uses for these pgbouncer.thresholds.* settings. */
const fromSettings = (values: Record<string, number>): Thresholds =>
  poolSettings((key) => values[key]).thresholds;

describe('pool health against the real limit', { skip }, () => {
  let stack: Stack;
  /** The main PgBouncer holds big and half; this one reserved and capped. */
  let other: PgBouncerProcess;
  let monitor: PoolMonitor;
  const apps: Client[] = [];

  /** `count` clients of `database`, each inside a transaction: each holds one server connection. */
  const hold = async (database: string, count: number, bouncer?: PgBouncerProcess): Promise<void> => {
    const clients = await Promise.all(
      Array.from({ length: count }, () => stack.connectApp(database, bouncer)),
    );
    apps.push(...clients);
    await Promise.all(clients.map((client) => client.query('BEGIN; SELECT 1')));
  };
  const state = (name = 'primary'): InstanceState => monitor.state(name)!;
  const pool = (database: string, thresholds: Thresholds = DEFAULT_THRESHOLDS): PoolStatus => {
    const instance = database === 'reserved' || database === 'capped' ? 'other' : 'primary';
    const found = poolStatuses(state(instance).snapshot!, thresholds).find(
      (s) => s.pool.database === database,
    );
    assert.ok(found, `no pool of ${database}`);
    return found;
  };

  before(async () => {
    stack = await startStack({
      settings: { default_pool_size: 2 },
      databases: {
        big: '{pg} dbname=appdb pool_size=25', // its own pool_size, not default_pool_size 2
        half: '{pg} dbname=appdb pool_size=4',
      },
      maxConnections: 60,
    });
    other = await stack.startPgBouncer({
      settings: { default_pool_size: 2, reserve_pool_timeout: 5 },
      databases: {
        reserved: '{pg} dbname=appdb pool_size=2 reserve_pool=2',
        capped: '{pg} dbname=appdb pool_size=10 max_db_connections=2',
      },
    });
    monitor = new PoolMonitor({
      password: () => () => stack.users.admin.password,
      intervalMs: 60_000, // refreshed by hand
      client: { timeoutMs: 3000, initialBackoffMs: 50, maxBackoffMs: 200 },
    });
    monitor.setInstances([
      instanceFor(stack.pgbouncer, stack.users.admin),
      instanceFor(other, stack.users.admin, { name: 'other' }),
    ]);
    await Promise.all([
      hold('big', 24),
      hold('half', 2),
      hold('reserved', 2, other),
      hold('capped', 2, other),
    ]);
    await waitFor('every holder in SHOW POOLS', async () => {
      await monitor.refresh();
      const active = (name: string, instance = 'primary') =>
        state(instance).snapshot?.pools.find((row) => row.database === name)?.svActive;
      return (
        active('big') === 24 &&
        active('half') === 2 &&
        active('reserved', 'other') === 2 &&
        active('capped', 'other') === 2
      );
    });
  });

  after(async () => {
    await Promise.all(apps.map((client) => client.end().catch(() => undefined)));
    await monitor?.dispose();
    await stack?.stop();
  });

  test('96 % of its own pool_size is critical, 50 % is ok (default thresholds 80/95)', () => {
    const big = pool('big');
    assert.equal(big.poolSize, 25);
    assert.equal(big.limit.value, 25);
    assert.equal(big.usePercent, 96);
    assert.equal(big.health, 'critical');
    assert.deepEqual(big.reasons, ['use 96% ≥ 95% (critical)']);
    const half = pool('half');
    assert.equal(half.usePercent, 50);
    assert.equal(half.health, 'ok');

    // What the user sees: the item's colour, the instance, the status bar, the hover.
    const tree = instanceItem(state(), DEFAULT_THRESHOLDS, Date.now());
    const items = tree.children!.find((item) => item.label === 'Pools')!.children!;
    const item = (database: string) => items.find((i) => i.database === database)!;
    assert.equal(item('big').health, 'critical');
    assert.match(item('big').description!, /use 96%/);
    assert.match(item('big').tooltip!, /\| limit \| 25 \(pool\\_size 25\) \|/);
    assert.equal(item('half').health, 'ok');
    assert.equal(tree.health, 'critical');
    const summary = statusSummary([state()], DEFAULT_THRESHOLDS)!;
    assert.equal(summary.health, 'critical');
    assert.match(summary.text, /^\$\(error\) PgBouncer: big 96%$/);
    assert.match(databaseHover('half', monitor.states(), DEFAULT_THRESHOLDS)!, /🟢 `app`: .* use 50%/);
  });

  test('custom thresholds from the settings change the verdict', () => {
    const strict = fromSettings({ 'thresholds.useWarning': 40, 'thresholds.useCritical': 50 });
    assert.equal(pool('half', strict).health, 'critical');
    assert.deepEqual(pool('half', strict).reasons, ['use 50% ≥ 50% (critical)']);
    const lenient = fromSettings({ 'thresholds.useWarning': 90, 'thresholds.useCritical': 97 });
    assert.equal(pool('big', lenient).health, 'warning');
    assert.equal(pool('half', lenient).health, 'ok');
    const relaxed = fromSettings({ 'thresholds.useWarning': 99, 'thresholds.useCritical': 100 });
    assert.equal(pool('big', relaxed).health, 'ok');
    assert.equal(statusSummary([state()], relaxed)!.health, 'ok');
    assert.equal(statusSummary([state()], lenient)!.health, 'warning');
    assert.equal(instanceItem(state(), strict, Date.now()).health, 'critical');
    // Junk in the settings gives the defaults, 80/95, the alerts' own.
    assert.deepEqual(fromSettings({ 'thresholds.useWarning': -3 }), DEFAULT_THRESHOLDS);
  });

  test('the reserve counts once reserve_pool_timeout is set; max_db_connections caps the limit', async () => {
    const reserved = pool('reserved');
    assert.equal(reserved.limit.value, 4, reserved.limit.basis);
    assert.equal(reserved.usePercent, 50);
    assert.equal(reserved.health, 'ok');
    const capped = pool('capped');
    assert.equal(capped.limit.value, 2, capped.limit.basis);
    assert.match(capped.limit.basis, /max_db_connections 2/);
    assert.equal(capped.usePercent, 100);
    assert.equal(capped.health, 'critical');

    // reserve_pool_timeout = 0 turns the reserve off: the same two connections fill the pool.
    assert.ok(other.baseConfig.includes('reserve_pool_timeout = 5'));
    other.writeConfig(other.baseConfig.replace('reserve_pool_timeout = 5', 'reserve_pool_timeout = 0'));
    await monitor.run('other', 'RELOAD');
    await waitFor('reserve_pool_timeout 0 in SHOW CONFIG', async () => {
      await monitor.refresh();
      const row = state('other').snapshot!.config.find((r) => r.key === 'reserve_pool_timeout');
      return row && Number(row.value) === 0;
    });
    assert.equal(pool('reserved').limit.value, 2);
    assert.equal(pool('reserved').usePercent, 100);
    assert.equal(pool('reserved').health, 'critical');
  });
});
