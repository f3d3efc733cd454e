// The refresh loop behind the view, against real PgBouncers (an HA pair): every instance refreshed
// over its own connection, never two refreshes at once, none while the view is hidden, each failure
// state drawn as a readable item with a retry action (a refused password: with its entry instead,
// test/pools/password.test.ts), and recovery by itself after a restart.
//
//   node --import tsx --test test/pools/monitor.test.ts

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AdminClient } from '../../client/src/pools/admin-client';
import type { InstanceSettings } from '../../client/src/pools/instance';
import { DEFAULT_THRESHOLDS } from '../../client/src/pools/model/health';
import { instanceItem, rootItems } from '../../client/src/pools/model/tree-items';
import type { ViewItem } from '../../client/src/pools/model/tree-items';
import { statusSummary } from '../../client/src/pools/model/status-summary';
import { PoolMonitor } from '../../client/src/pools/monitor';
import { savePassword, storedPassword } from '../../client/src/pools/settings';
import type { SecretStore } from '../../client/src/pools/settings';
import { startHostileServer } from '../support/hostile-pgbouncer';
import { instanceFor, stackUnavailable, startStack, waitFor } from '../support/stack';
import type { Credentials, PgBouncerProcess, Stack } from '../support/stack';

const skip = stackUnavailable({ postgres: false });

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

/** Counts the statements a client runs, and how many run at the same time at most. */
function countQueries(client: AdminClient): { total: () => number; maxParallel: () => number } {
  let total = 0;
  let running = 0;
  let maxParallel = 0;
  const original = client.query.bind(client);
  client.query = async (sql: string) => {
    total++;
    running++;
    maxParallel = Math.max(maxParallel, running);
    try {
      return await original(sql);
    } finally {
      running--;
    }
  };
  return { total: () => total, maxParallel: () => maxParallel };
}

describe('pool monitor', { skip }, () => {
  let stack: Stack;
  let standby: PgBouncerProcess;
  const monitors: PoolMonitor[] = [];

  const monitorFor = (
    password: (instance: InstanceSettings) => string | undefined,
    intervalMs = 60_000,
  ): PoolMonitor => {
    const monitor = new PoolMonitor({
      password: (instance) => () => password(instance),
      intervalMs,
      client: { timeoutMs: 1500, initialBackoffMs: 50, maxBackoffMs: 200 },
    });
    monitors.push(monitor);
    return monitor;
  };
  /** The right password of the instance's user. */
  const passwords = (instance: InstanceSettings): string | undefined =>
    Object.values(stack.users).find((credentials: Credentials) => credentials.user === instance.user)
      ?.password;

  before(async () => {
    stack = await startStack({ postgres: false });
    standby = await stack.startPgBouncer();
  });

  after(async () => {
    await Promise.all(monitors.map((monitor) => monitor.dispose()));
    await stack?.stop();
  });

  test('an HA pair: both instances refreshed, one connection each, in the order of the settings', async () => {
    const monitor = monitorFor(passwords);
    monitor.setInstances([
      instanceFor(stack.pgbouncer, stack.users.admin, { name: 'primary' }),
      instanceFor(standby, stack.users.stats, { name: 'standby' }),
    ]);
    await monitor.refresh();
    const [primary, second] = monitor.states();
    assert.equal(primary.instance.name, 'primary');
    assert.equal(second.instance.name, 'standby');
    assert.equal(primary.snapshot?.rights, 'admin');
    assert.equal(second.snapshot?.rights, 'stats');
    for (const state of monitor.states()) {
      const mine = state.snapshot!.clients.filter((row) => row.applicationName === 'vscode-pgbouncer');
      assert.equal(mine.length, 1, `${state.instance.name}: one connection`);
    }
    const roots = rootItems(monitor.states(), DEFAULT_THRESHOLDS, Date.now());
    assert.deepEqual(
      roots.map((item) => [item.label, item.contextValue]),
      [
        ['primary', 'pgbouncer.instance admin'],
        ['standby', 'pgbouncer.instance'],
      ],
    );
    assert.deepEqual(
      roots[0].children!.map((item) => item.label),
      // Advisories: the release (Debian's 1.18) has known vulnerabilities (test/pools/advisories.test.ts).
      ['Pools', 'Databases', 'Clients', 'Servers', 'Stats', 'Config', 'Advisories'],
    );
    // A settings change that keeps an instance keeps its connection; a changed one gets a new client.
    const kept = monitor.client('primary');
    monitor.setInstances([
      instanceFor(stack.pgbouncer, stack.users.admin, { name: 'primary' }),
      instanceFor(standby, stack.users.admin, { name: 'standby' }),
    ]);
    assert.equal(monitor.client('primary'), kept);
    await monitor.refresh();
    assert.equal(monitor.state('standby')?.snapshot?.rights, 'admin');
  });

  test('refreshes never overlap: calls during a refresh share one follow-up refresh', async () => {
    const monitor = monitorFor(passwords);
    monitor.setInstances([instanceFor(stack.pgbouncer, stack.users.admin)]);
    await monitor.refresh();
    const counter = countQueries(monitor.client('primary')!);
    await Promise.all([monitor.refresh(), monitor.refresh(), monitor.refresh(), monitor.refresh()]);
    const perRefresh = 7; // SHOW VERSION, CONFIG, DATABASES, POOLS, STATS, CLIENTS, SERVERS
    assert.equal(counter.maxParallel(), 1);
    assert.equal(counter.total(), 2 * perRefresh, 'the running refresh, then one more');
  });

  test('automatic refresh while visible, none while hidden', async () => {
    const monitor = monitorFor(passwords, 40);
    monitor.setInstances([instanceFor(stack.pgbouncer, stack.users.admin)]);
    const times = new Set<number>();
    monitor.onDidChange(() => {
      const at = monitor.state('primary')?.refreshedAt;
      if (at) times.add(at);
    });
    monitor.setActive(true);
    await waitFor('three automatic refreshes', () => times.size >= 3);
    monitor.setActive(false);
    await monitor.refresh(); // waits for a running refresh; a manual refresh works while hidden
    const count = times.size;
    await new Promise((resolve) => setTimeout(resolve, 300)); // more than 7 intervals
    assert.equal(times.size, count, 'no refresh while hidden');
  });

  test('each failure state is a readable item: a retry action, or the password entry when it was refused', async () => {
    const tlsBouncer = await stack.startPgBouncer({ requireTls: true });
    const monitor = monitorFor((instance) =>
      instance.name === 'wrong-password'
        ? stack.users.stats.password
        : instance.name === 'no-password'
          ? undefined
          : passwords(instance),
    );
    monitor.setInstances([
      instanceFor(stack.pgbouncer, stack.users.admin, { name: 'wrong-password' }),
      instanceFor(stack.pgbouncer, stack.users.outsider, { name: 'outsider' }),
      instanceFor(tlsBouncer, stack.users.admin, { name: 'tls', sslmode: 'disable' }),
      instanceFor(stack.pgbouncer, stack.users.admin, { name: 'no-password' }),
    ]);
    await monitor.refresh();
    const items = new Map<string, ViewItem>();
    for (const state of monitor.states()) {
      items.set(state.instance.name, instanceItem(state, DEFAULT_THRESHOLDS, Date.now()));
    }
    const expectations: Record<string, [RegExp, RegExp, boolean]> = {
      'wrong-password': [/^Password needed$/, /refused the login of pgb_admin/, true],
      outsider: [
        /^User is neither admin nor stats user$/,
        /neither in admin_users nor in stats_users/,
        false,
      ],
      tls: [/^TLS problem$/, /requires TLS .*sslmode is disable/, false],
      'no-password': [/^Password needed$/, /none is stored/, true],
    };
    for (const [name, [title, reason, askPassword]] of Object.entries(expectations)) {
      const item = items.get(name)!;
      assert.equal(item.health, 'critical', name);
      const error = item.children![0];
      assert.equal(error.kind, 'error', name);
      assert.match(error.label, title, name);
      assert.match(error.tooltip!.replace(/\\(.)/g, '$1'), reason, name);
      assert.match(error.tooltip!, askPassword ? /Click to enter the password/ : /Click to retry now/);
      assert.equal(error.click, askPassword ? 'enter-password' : 'retry', name);
      assert.equal(/retrying/.test(error.description!), !askPassword, `${name}: ${error.description}`);
      const flags = error.contextValue.split(' ');
      assert.ok(flags.includes('retry'), `${name} offers retry`);
      assert.equal(flags.includes('password'), askPassword, `${name} offers to enter a password`);
    }
    const summary = statusSummary(monitor.states(), DEFAULT_THRESHOLDS);
    assert.equal(summary?.health, 'critical');
    assert.match(summary!.text, /^\$\(error\) PgBouncer: wrong-password password needed \(\+3\)$/);
    await tlsBouncer.stop();
  });

  test('sslmode prefer without TLS on offer: the item and the status-bar tooltip say so; with TLS they do not', async () => {
    const tlsBouncer = await stack.startPgBouncer({ requireTls: true });
    const monitor = monitorFor(passwords);
    monitor.setInstances([
      instanceFor(stack.pgbouncer, stack.users.admin, { name: 'plain', sslmode: 'prefer' }),
      instanceFor(tlsBouncer, stack.users.admin, { name: 'secured', sslmode: 'prefer' }),
    ]);
    await monitor.refresh();
    const [plain, secured] = monitor
      .states()
      .map((state) => instanceItem(state, DEFAULT_THRESHOLDS, Date.now()));
    assert.match(plain.description!, /^1\.\d+\.\d+ · without TLS · admin · /);
    assert.match(plain.tooltip!, /Connected without TLS: sslmode is prefer and PgBouncer offered no TLS/);
    assert.doesNotMatch(secured.description!, /without TLS/);
    assert.match(
      secured.tooltip!.replace(/\\(.)/g, '$1'),
      /TLS \(TLSv1\.[23], [A-Z0-9_-]+\), certificate not checked \(sslmode prefer\)/,
    );
    const tooltip = statusSummary(monitor.states(), DEFAULT_THRESHOLDS)!.tooltip.split('\n');
    assert.match(
      tooltip.find((line) => line.startsWith('plain'))!,
      /^plain \(connected without TLS\): /,
    );
    assert.doesNotMatch(
      tooltip.find((line) => line.startsWith('secured'))!,
      /without TLS/,
    );
    await tlsBouncer.stop();
  });

  test('a password stored for verify-full is not handed to the same instance redefined with sslmode disable', async () => {
    const secrets = new Map<string, string>();
    const store: SecretStore = {
      get: async (key) => secrets.get(key),
      store: async (key, value) => void secrets.set(key, value),
      delete: async (key) => void secrets.delete(key),
    };
    // a console that asks for a cleartext password and keeps what it gets, as an eavesdropper would
    const listener = await startHostileServer({ behaviour: 'good', askPassword: true });
    const monitor = new PoolMonitor({
      password: (instance) => storedPassword(store, instance),
      intervalMs: 60_000,
      client: { timeoutMs: 1500, initialBackoffMs: 50, maxBackoffMs: 200 },
    });
    monitors.push(monitor);
    try {
      const user = instanceFor(stack.pgbouncer, stack.users.admin, {
        port: listener.port,
        sslmode: 'verify-full',
        sslrootcert: '/etc/ssl/private-ca.pem',
      });
      await savePassword(store, user, stack.users.admin.password);
      for (const workspace of [
        { ...user, sslmode: 'disable' as const },
        { ...user, sslmode: 'disable' as const, sslrootcert: undefined },
        { ...user, sslmode: 'prefer' as const, sslrootcert: undefined },
      ]) {
        monitor.setInstances([workspace]);
        await monitor.refresh();
        const item = instanceItem(monitor.states()[0], DEFAULT_THRESHOLDS, Date.now());
        assert.equal(item.children![0].label, 'Password needed', JSON.stringify(workspace));
        assert.match(item.children![0].contextValue, / password\b/, 'the view offers to enter one');
      }
      assert.ok(listener.logins() >= 3, 'each redefinition logged in as far as the password');
      assert.deepEqual(listener.passwords(), [], 'no password reached the server');
      // the same binding as the stored one (here without TLS, against a real PgBouncer): it is used
      const plain = instanceFor(stack.pgbouncer, stack.users.admin, { sslmode: 'disable' });
      await savePassword(store, plain, stack.users.admin.password);
      monitor.setInstances([plain, { ...plain, name: 'prefer', sslmode: 'prefer' }]);
      await monitor.refresh();
      const [kept, other] = monitor.states();
      assert.equal(kept.error, undefined, kept.error?.message);
      assert.equal(kept.snapshot?.rights, 'admin');
      assert.equal(other.error?.kind, 'password-needed', 'real PgBouncer: no password for sslmode prefer');
    } finally {
      await listener.close();
    }
  });

  test('a PgBouncer restart: the view shows it down, then recovers by itself', async () => {
    const bouncer = await stack.startPgBouncer();
    const monitor = monitorFor(passwords, 50);
    monitor.setInstances([instanceFor(bouncer, stack.users.admin)]);
    monitor.setActive(true);
    await waitFor('the first snapshot', () => monitor.state('primary')?.snapshot);
    await bouncer.stop();
    const down = await waitFor('the down state', () => {
      const state = monitor.state('primary')!;
      return state.error?.kind === 'down' ? state : null;
    });
    const item = instanceItem(down, DEFAULT_THRESHOLDS, Date.now());
    assert.equal(item.children![0].label, 'PgBouncer is not reachable');
    assert.match(item.description!, /not reachable/);
    await bouncer.start();
    const back = await waitFor('recovery without any retry', () => {
      const state = monitor.state('primary')!;
      return !state.error && state.snapshot && state.snapshot.takenAt > (down.refreshedAt ?? 0)
        ? state
        : null;
    });
    assert.deepEqual(
      instanceItem(back, DEFAULT_THRESHOLDS, Date.now()).children!.map((c) => c.label),
      // Advisories: the release (Debian's 1.18) has known vulnerabilities (test/pools/advisories.test.ts).
      ['Pools', 'Databases', 'Clients', 'Servers', 'Stats', 'Config', 'Advisories'],
    );
    monitor.setActive(false);
    await bouncer.stop();
  });

  test('dispose closes every connection; nothing was left unhandled', async () => {
    const monitor = monitorFor(passwords);
    monitor.setInstances([instanceFor(stack.pgbouncer, stack.users.admin, { name: 'closing' })]);
    await monitor.refresh();
    const watcher = monitorFor(passwords);
    watcher.setInstances([instanceFor(stack.pgbouncer, stack.users.stats, { name: 'watcher' })]);
    const admins = async (): Promise<number> => {
      await watcher.refresh();
      return watcher.state('watcher')!.snapshot!.clients.filter((row) => row.user === stack.users.admin.user)
        .length;
    };
    const before = await admins();
    await monitor.dispose();
    await waitFor('the admin connection to go', async () => (await admins()) === before - 1);
    assert.deepEqual(unhandled, []);
  });
});
