// A refused password against a real PgBouncer: the item says "Password needed" and clicking it asks
// for the password; PgBouncer is not asked again while the stored password stays the same (counted
// in PgBouncer's own log), while a PgBouncer that is down is retried with the backoff; a new password
// in the secret store, the user's Retry, or an edited instance make it try again.
//
//   node --import tsx --test test/pools/password.test.ts

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InstanceSettings } from '../../client/src/pools/instance';
import { DEFAULT_THRESHOLDS } from '../../client/src/pools/model/health';
import type { InstanceState } from '../../client/src/pools/model/instance-state';
import { statusSummary } from '../../client/src/pools/model/status-summary';
import { instanceItem } from '../../client/src/pools/model/tree-items';
import type { ViewItem } from '../../client/src/pools/model/tree-items';
import { PoolMonitor } from '../../client/src/pools/monitor';
import { savePassword, storedPassword } from '../../client/src/pools/settings';
import type { SecretStore } from '../../client/src/pools/settings';
import { freePort, instanceFor, stackUnavailable, startStack, waitFor } from '../support/stack';
import type { PgBouncerProcess, Stack } from '../support/stack';

const skip = stackUnavailable({ postgres: false });

const INTERVAL_MS = 40;

/** An in-memory secret store with VS Code's SecretStorage methods (the parts the view uses). */
function memoryStore(): SecretStore {
  const secrets = new Map<string, string>();
  return {
    get: async (key) => secrets.get(key),
    store: async (key, value) => void secrets.set(key, value),
    delete: async (key) => void secrets.delete(key),
  };
}

describe('a refused password', { skip }, () => {
  let stack: Stack;
  let bouncer: PgBouncerProcess;
  const monitors: PoolMonitor[] = [];

  /** Logins of `user` PgBouncer has seen ("login attempt" lines of its log). */
  const loginAttempts = (user: string): number =>
    bouncer
      .log()
      .split('\n')
      .filter((line) => line.includes('login attempt:') && line.includes(` user=${user} `)).length;

  const watch = (store: SecretStore, instances: InstanceSettings[]): PoolMonitor => {
    const monitor = new PoolMonitor({
      password: (instance) => storedPassword(store, instance),
      intervalMs: INTERVAL_MS,
      client: { timeoutMs: 1500, initialBackoffMs: 20, maxBackoffMs: 40 },
    });
    monitors.push(monitor);
    monitor.setInstances(instances);
    monitor.setActive(true);
    return monitor;
  };

  const item = (state: InstanceState): { instance: ViewItem; error: ViewItem } => {
    const instance = instanceItem(state, DEFAULT_THRESHOLDS, Date.now());
    return { instance, error: instance.children![0] };
  };

  /** Waits until the monitor has refreshed `name` `count` more times. */
  const refreshes = async (monitor: PoolMonitor, name: string, count: number): Promise<void> => {
    let seen = 0;
    let last = monitor.state(name)?.refreshedAt;
    const stop = monitor.onDidChange(() => {
      const at = monitor.state(name)?.refreshedAt;
      if (at !== last) {
        last = at;
        seen++;
      }
    });
    try {
      await waitFor(`${count} refreshes of ${name}`, () => seen >= count);
    } finally {
      stop();
    }
  };

  before(async () => {
    stack = await startStack({ postgres: false });
    bouncer = await stack.startPgBouncer(); // its own log: only this file's logins are in it
  });

  after(async () => {
    await Promise.all(monitors.map((monitor) => monitor.dispose()));
    await stack?.stop();
  });

  test('a wrong password: "Password needed", asked for on click, never retried until it changes', async () => {
    const store = memoryStore();
    const admin = instanceFor(bouncer, stack.users.admin, { name: 'wrong' });
    // another user's password: PgBouncer refuses it
    await savePassword(store, admin, stack.users.stats.password);
    const down = instanceFor(bouncer, stack.users.admin, { name: 'down', port: await freePort() });
    const monitor = watch(store, [admin, down]);
    const refused = await waitFor('the refused login', () => {
      const state = monitor.state('wrong')!;
      return state.error?.kind === 'auth' ? state : null;
    });
    assert.equal(loginAttempts(stack.users.admin.user), 1);
    assert.equal(refused.connection.waitsForPassword, true);

    const { instance, error } = item(refused);
    assert.equal(error.label, 'Password needed');
    assert.equal(error.click, 'enter-password', 'a click asks for the password');
    assert.match(error.description!, /^wrong password · click to enter it$/);
    assert.doesNotMatch(`${error.description} ${error.tooltip}`, /retrying/);
    assert.match(error.tooltip!, /Click to enter the password/);
    assert.deepEqual(error.contextValue.split(' ').sort(), ['password', 'pgbouncer.error', 'retry']);
    assert.equal(instance.health, 'critical');
    assert.match(instance.description!, / · password needed$/);
    assert.match(
      statusSummary(monitor.states(), DEFAULT_THRESHOLDS)!.text,
      /^\$\(error\) PgBouncer: wrong password needed \(\+1\)$/,
    );

    // Refreshes go on; PgBouncer is not asked again. The PgBouncer that is down is retried meanwhile.
    const downFailures = monitor.state('down')!.connection.failures;
    await refreshes(monitor, 'wrong', 10);
    assert.equal(loginAttempts(stack.users.admin.user), 1, 'no second login with the same password');
    assert.equal(monitor.state('wrong')!.connection.failures, 1);
    assert.equal(monitor.state('wrong')!.error?.kind, 'auth');
    assert.ok(
      monitor.state('down')!.connection.failures > downFailures,
      'a PgBouncer that is down is still retried',
    );
    const downItem = item(monitor.state('down')!).error;
    assert.equal(downItem.label, 'PgBouncer is not reachable');
    assert.equal(downItem.click, 'retry');
    assert.match(downItem.description!, /^retrying/);

    // The user's Retry: one more login, refused again, and no more after it.
    await monitor.retry('wrong');
    assert.equal(loginAttempts(stack.users.admin.user), 2);
    await refreshes(monitor, 'wrong', 5);
    assert.equal(loginAttempts(stack.users.admin.user), 2);

    // The right password in the store (as enter-password or another window keeps it): the next
    // refresh logs in, without a Retry.
    await savePassword(store, admin, stack.users.admin.password);
    const connected = await waitFor('the login with the new password', () => {
      const state = monitor.state('wrong')!;
      return state.snapshot && !state.error ? state : null;
    });
    assert.equal(connected.snapshot!.rights, 'admin');
    assert.equal(connected.connection.status, 'connected');
    assert.equal(loginAttempts(stack.users.admin.user), 3);
    assert.equal(item(connected).instance.health, 'ok');
    await monitor.dispose();
  });

  test('no password stored: the same; an edited instance tries again', async () => {
    const store = memoryStore();
    const admin = instanceFor(bouncer, stack.users.admin, { name: 'none' });
    const monitor = watch(store, [admin]);
    const needed = await waitFor('the password request', () => {
      const state = monitor.state('none')!;
      return state.error?.kind === 'password-needed' ? state : null;
    });
    const { error } = item(needed);
    assert.equal(error.label, 'Password needed');
    assert.equal(error.click, 'enter-password');
    assert.match(error.description!, /^none stored · click to enter it$/);
    await refreshes(monitor, 'none', 10);
    assert.equal(monitor.state('none')!.connection.failures, 1, 'not retried without a password');

    // The instance edited (here: another user, whose password is stored): it connects at once.
    const stats = instanceFor(bouncer, stack.users.stats, { name: 'none' });
    await savePassword(store, stats, stack.users.stats.password);
    monitor.setInstances([stats]);
    const connected = await waitFor('the edited instance to connect', () => {
      const state = monitor.state('none')!;
      return state.snapshot && !state.error ? state : null;
    });
    assert.equal(connected.snapshot!.rights, 'stats');
    await monitor.dispose();
  });
});
