// The pool view's plain logic without a server: numbers from SHOW rows, health against thresholds,
// rates, the tree's items, the status bar, the [databases] hover, action sentences, the settings
// (including untrusted workspaces) and the manifest entries that must agree with the code.
// Everything here is also exercised against a real PgBouncer in the other files of this folder.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { POOL_SETTING_DEFAULTS, CLIENT_SETTINGS_SPEC } from '../../server/src/client-settings';
import { AdminError, classifyError } from '../../client/src/pools/admin-client';
import type { AdminCommand } from '../../client/src/pools/admin-client';
import type { InstanceSettings } from '../../client/src/pools/instance';
import { ACTION_COMMANDS, POOL_COMMANDS, SHOW_COMMAND } from '../../client/src/pools/ids';
import { toSnapshot } from '../../client/src/pools/model/snapshot';
import type { RawShows, Snapshot } from '../../client/src/pools/model/snapshot';
import {
  DEFAULT_THRESHOLDS,
  limitContext,
  poolStatus,
  poolStatuses,
} from '../../client/src/pools/model/health';
import { statsRates } from '../../client/src/pools/model/rates';
import type { InstanceState } from '../../client/src/pools/model/instance-state';
import { MAX_LISTED_CONNECTIONS, instanceItem } from '../../client/src/pools/model/tree-items';
import type { ViewItem } from '../../client/src/pools/model/tree-items';
import { statusSummary } from '../../client/src/pools/model/status-summary';
import { databaseEntryAt, databaseHover } from '../../client/src/pools/model/hover';
import { actionSentence, actionsFor } from '../../client/src/pools/model/actions';
import { normalizeSettingValue, sameConfigValue } from '../../server/src/client-support/setting-values';
import { versionOf } from '../../server/src/client-support/reload-facts';
import {
  forgetPassword,
  instancesFromSettings,
  legacyPasswordKey,
  normalizeInstances,
  passwordKey,
  poolSettings,
  resolveCaPath,
  savePassword,
  storedPassword,
} from '../../client/src/pools/settings';
import type { SecretStore } from '../../client/src/pools/settings';

const ROOT = path.resolve(__dirname, '..', '..');
const INSTANCE: InstanceSettings = {
  name: 'primary',
  host: '10.0.0.5',
  port: 6432,
  user: 'pgb_admin',
  database: 'pgbouncer',
  sslmode: 'prefer',
};

function raw(overrides: Partial<RawShows> = {}): RawShows {
  return {
    version: [{ version: 'PgBouncer 1.18.0' }],
    config: [
      { key: 'admin_users', value: 'pgb_admin', default: '', changeable: 'yes' },
      { key: 'unix_socket_mode', value: '511', default: '0777', changeable: 'no' },
      { key: 'default_pool_size', value: '10', default: '20', changeable: 'yes' },
    ],
    databases: [
      { name: 'appdb', host: '10.0.0.9', port: 5432, database: 'appdb', force_user: null, pool_size: 10 },
      {
        name: 'pgbouncer',
        host: null,
        port: 6432,
        database: 'pgbouncer',
        force_user: 'pgbouncer',
        pool_size: 2,
      },
    ],
    pools: [
      pool('appdb', 'app', { cl_active: 12, cl_waiting: 0, sv_active: 5, sv_idle: 3 }),
      pool('pgbouncer', 'pgbouncer', { cl_active: 1 }),
    ],
    stats: [stats('appdb', 1000, 4000)],
    clients: [],
    servers: [],
    ...overrides,
  };
}

function pool(database: string, user: string, numbers: Record<string, number>): Record<string, unknown> {
  return {
    database,
    user,
    cl_active: 0,
    cl_waiting: 0,
    sv_active: 0,
    sv_idle: 0,
    sv_used: 0,
    sv_tested: 0,
    sv_login: 0,
    maxwait: 0,
    maxwait_us: 0,
    pool_mode: 'transaction',
    ...numbers,
  };
}

function stats(database: string, xacts: number, queries: number): Record<string, unknown> {
  // int8 and numeric columns arrive as strings from pg
  return {
    database,
    total_xact_count: String(xacts),
    total_query_count: String(queries),
    avg_query_time: '1500',
    avg_wait_time: '250',
    avg_xact_time: '3000',
  };
}

function state(snapshot: Snapshot, extra: Partial<InstanceState> = {}): InstanceState {
  return { instance: INSTANCE, connection: { status: 'connected', failures: 0 }, snapshot, ...extra };
}

describe('snapshots and health', () => {
  test('SHOW rows become numbers: strings from int8/numeric, maxwait with its microseconds', () => {
    const snapshot = toSnapshot(
      raw({ pools: [pool('appdb', 'app', { maxwait: 2, maxwait_us: 500_000 })] }),
      1000,
      'admin',
    );
    assert.equal(snapshot.pools[0].maxWait, 2.5);
    assert.equal(snapshot.stats[0].totalXactCount, 1000);
    assert.equal(snapshot.databases[1].host, null);
    assert.equal(snapshot.databases[0].paused, false);
    assert.equal(snapshot.version, 'PgBouncer 1.18.0');
  });

  test('use of pool_size: warning from 80%, critical from 95%; waiting clients and maxwait raise it', () => {
    const db = toSnapshot(raw(), 0, 'admin').databases[0]; // pool_size 10
    const at = (numbers: Record<string, number>) =>
      poolStatus(
        toSnapshot(raw({ pools: [pool('appdb', 'app', numbers)] }), 0, 'admin').pools[0],
        db,
        DEFAULT_THRESHOLDS,
      );
    assert.equal(at({ sv_active: 7 }).health, 'ok');
    assert.equal(at({ sv_active: 7 }).usePercent, 70);
    assert.equal(at({ sv_active: 8 }).health, 'warning');
    assert.equal(at({ sv_active: 9 }).health, 'warning');
    assert.equal(at({ sv_active: 10 }).health, 'critical');
    assert.deepEqual(at({ sv_active: 1, cl_waiting: 2 }).reasons, [
      '2 clients waiting for a server connection',
    ]);
    assert.equal(at({ sv_active: 1, cl_waiting: 1 }).health, 'warning');
    assert.equal(at({ sv_active: 1, maxwait: 1 }).health, 'warning');
    assert.equal(at({ sv_active: 1, maxwait: 5 }).health, 'critical');
    assert.equal(at({ sv_active: 2, sv_idle: 3, sv_login: 1 }).serversOpen, 6);
    const custom = { ...DEFAULT_THRESHOLDS, useWarning: 50, useCritical: 70 };
    const sixty = toSnapshot(raw({ pools: [pool('appdb', 'app', { sv_active: 6 })] }), 0, 'admin').pools[0];
    assert.equal(poolStatus(sixty, db, custom).health, 'warning');
    assert.equal(poolStatus(sixty, { ...db, poolSize: 0 }, custom).usePercent, null);
    assert.equal(poolStatus(sixty, undefined, custom).poolSize, null);
  });

  test('the real limit: reserve once reserve_pool_timeout is above 0, the caps, pool_size 0 unlimited from 1.24', () => {
    const config = (rows: Record<string, string>) =>
      Object.entries(rows).map(([key, value]) => ({ key, value, default: '', changeable: 'yes' }));
    const use = (
      version: string,
      settings: Record<string, string>,
      db: Record<string, unknown>,
      active: number,
    ) => {
      const snapshot = toSnapshot(
        raw({
          version: [{ version }],
          config: config(settings),
          databases: [{ name: 'appdb', port: 5432, database: 'appdb', pool_size: 10, ...db }],
          pools: [pool('appdb', 'app', { sv_active: active })],
        }),
        0,
        'admin',
      );
      return poolStatuses(snapshot, DEFAULT_THRESHOLDS)[0];
    };
    const v118 = 'PgBouncer 1.18.0';
    // reserve_pool_timeout 5 s: pool_size 10 + reserve 5
    let status = use(v118, { reserve_pool_timeout: '5' }, { reserve_pool: 5 }, 12);
    assert.equal(status.limit.value, 15);
    assert.equal(status.limit.basis, 'pool_size 10 + reserve 5');
    assert.equal(status.usePercent, 80);
    assert.equal(status.health, 'warning');
    // reserve_pool_timeout 0 (or under a microsecond): the reserve is never taken
    for (const timeout of ['0', '0.0000001']) {
      status = use(v118, { reserve_pool_timeout: timeout }, { reserve_pool: 5 }, 12);
      assert.equal(status.limit.value, 10, timeout);
      assert.equal(status.health, 'critical', timeout);
    }
    // max_db_connections (SHOW DATABASES max_connections) and max_user_connections cap it
    status = use(v118, { reserve_pool_timeout: '5', max_user_connections: '0' }, { max_connections: 8 }, 4);
    assert.equal(status.limit.value, 8);
    assert.equal(status.usePercent, 50);
    status = use(v118, { max_user_connections: '4' }, {}, 4);
    assert.equal(status.limit.value, 4);
    assert.equal(status.limit.basis, 'pool_size 10, max_user_connections 4');
    assert.equal(status.health, 'critical');
    // pool_size 0: unlimited from 1.24 (no ratio, unless a cap bounds it); before, no server connection at all
    status = use('PgBouncer 1.24.1', {}, { pool_size: 0 }, 40);
    assert.equal(status.limit.value, Infinity);
    assert.equal(status.usePercent, null);
    assert.equal(status.health, 'ok');
    status = use('PgBouncer 1.24.1', {}, { pool_size: 0, max_connections: 50 }, 40);
    assert.equal(status.usePercent, 80);
    status = use(v118, {}, { pool_size: 0 }, 0);
    assert.equal(status.limit.value, 0);
    assert.equal(status.usePercent, null, 'never a ratio against 0');
    assert.deepEqual(limitContext([], 'PgBouncer 2.0.0'), {
      reserveEnabled: false,
      maxUserConnections: 0,
      zeroIsUnlimited: true,
    });
  });

  test('rates per second from the deltas; none on the first refresh or after a restart', () => {
    const first = toSnapshot(raw(), 10_000, 'admin');
    const second = toSnapshot(raw({ stats: [stats('appdb', 1100, 4600)] }), 12_000, 'admin');
    const [rates] = statsRates(second, first);
    assert.equal(rates.xactPerSecond, 50);
    assert.equal(rates.queryPerSecond, 300);
    assert.equal(rates.avgQueryMs, 1.5);
    assert.equal(rates.avgWaitMs, 0.25);
    assert.equal(statsRates(first, undefined)[0].xactPerSecond, null);
    const restarted = toSnapshot(raw({ stats: [stats('appdb', 3, 9)] }), 14_000, 'admin');
    assert.equal(statsRates(restarted, second)[0].xactPerSecond, null);
  });

  test('settings values compare as PgBouncer reads them', () => {
    assert.ok(sameConfigValue('unix_socket_mode', '511', '0777'));
    assert.ok(sameConfigValue('server_idle_timeout', '60', '0x3c'));
    assert.ok(sameConfigValue('server_lifetime', '3600', '3600.0'));
    assert.ok(sameConfigValue('pool_mode', 'session', 'SESSION'));
    assert.ok(sameConfigValue('verbose', '0', ''));
    assert.ok(!sameConfigValue('admin_users', 'a', 'A'));
    assert.equal(normalizeSettingValue('max_client_conn', '010'), '8');
    assert.equal(versionOf('PgBouncer 1.18.0'), '1.18.0');
    assert.equal(versionOf('PgBouncer 9.1.0'), undefined);
  });
});

describe('tree items', () => {
  test('an instance: its numbers in descriptions, changed settings marked, the admin console left out', () => {
    const item = instanceItem(state(toSnapshot(raw(), Date.now(), 'admin')), DEFAULT_THRESHOLDS, Date.now());
    assert.equal(item.label, 'primary');
    assert.match(item.description!, /^1\.18\.0 · admin · 1 pool · worst appdb\/app 50%$/);
    const [pools, databases, clients, servers, statsGroup, config] = item.children!;
    assert.deepEqual(
      pools.children!.map((c) => c.label),
      ['appdb / app'],
    );
    assert.equal(
      pools.children![0].description,
      '12 active, 0 waiting · servers 5 active, 3 idle, 0 used · use 50%',
    );
    assert.equal(
      databases.children!.find((c) => c.label === 'pgbouncer')?.contextValue,
      'pgbouncer.database',
    );
    assert.equal(clients.label, 'Clients');
    assert.equal(servers.label, 'Servers');
    assert.equal(statsGroup.label, 'Stats');
    assert.equal(config.description, '3 settings · 2 changed');
    const socketMode = config.children!.find((c) => c.label === 'unix_socket_mode')!;
    assert.equal(socketMode.icon, 'circle-outline', '511 is 0777: not changed');
    assert.match(socketMode.tooltip!, /needs a restart/);
  });

  test('long client lists are cut, with a note', () => {
    const clients = Array.from({ length: MAX_LISTED_CONNECTIONS + 5 }, (_, i) => ({
      type: 'C',
      user: 'app',
      database: 'appdb',
      state: 'active',
      addr: '10.1.1.1',
      port: 40000 + i,
      wait: 0,
      wait_us: 0,
    }));
    const item = instanceItem(state(toSnapshot(raw({ clients }), 0, 'admin')), DEFAULT_THRESHOLDS, 0);
    const group = item.children!.find((c) => c.label === 'Clients')!;
    assert.equal(group.children!.length, MAX_LISTED_CONNECTIONS + 1);
    assert.equal(group.children!.at(-1)!.label, '… 5 more');
    assert.match(group.description!, /^205 · 205 active$/);
  });

  test('a failing instance: one error item with the reason, the retry time and the right actions', () => {
    const error = new AdminError('down', 'PgBouncer at primary (10.0.0.5:6432) is not reachable');
    const item = instanceItem(
      {
        instance: INSTANCE,
        connection: { status: 'failed', error, retryAt: 9_000, failures: 3 },
        error,
      },
      DEFAULT_THRESHOLDS,
      5_000,
    );
    assert.equal(item.health, 'critical');
    assert.equal(item.children!.length, 1);
    const [child] = item.children!;
    assert.equal(child.label, 'PgBouncer is not reachable');
    assert.equal(child.description, 'retrying in 4 s');
    assert.equal(child.contextValue, 'pgbouncer.error retry');
    assert.equal(child.click, 'retry');
    assert.match(child.tooltip!, /Click to retry now/);
  });

  test('a refused password: the item asks for it on click and promises no retry', () => {
    const error = new AdminError(
      'auth',
      'primary (10.0.0.5:6432) refused the login of pgb_admin: wrong password',
    );
    const item = instanceItem(
      {
        instance: INSTANCE,
        connection: { status: 'failed', error, failures: 1, waitsForPassword: true },
        error,
      },
      DEFAULT_THRESHOLDS,
      5_000,
    );
    const [child] = item.children!;
    assert.equal(child.label, 'Password needed');
    assert.equal(child.description, 'wrong password · click to enter it');
    assert.equal(child.contextValue, 'pgbouncer.error retry password');
    assert.equal(child.click, 'enter-password');
    assert.match(child.tooltip!, /refused the login of pgb\\_admin/);
    assert.doesNotMatch(child.tooltip!, /retry now/);
    assert.equal(item.contextValue, 'pgbouncer.instance retry password');
  });

  test('actions: only for admins, matching the paused and disabled state', () => {
    const item = (contextValue: string, kind: ViewItem['kind'] = 'database'): ViewItem => ({
      id: 'x',
      kind,
      instance: 'primary',
      label: 'x',
      icon: 'x',
      contextValue,
    });
    assert.deepEqual(actionsFor(item('pgbouncer.database')), []);
    assert.deepEqual(actionsFor(item('pgbouncer.database admin')), ['PAUSE', 'RECONNECT', 'KILL', 'DISABLE']);
    assert.deepEqual(actionsFor(item('pgbouncer.pool admin paused disabled', 'pool')), [
      'RESUME',
      'RECONNECT',
      'KILL',
      'ENABLE',
    ]);
    assert.deepEqual(actionsFor(item('pgbouncer.instance admin', 'instance')), [
      'PAUSE',
      'RESUME',
      'RECONNECT',
      'RELOAD',
    ]);
    assert.deepEqual(actionsFor(item('pgbouncer.config admin', 'config')), []);
  });

  test('every confirmation names the command, its target and its effect', () => {
    const effects: Record<AdminCommand, RegExp> = {
      PAUSE: /^PAUSE appdb on primary: .*new queries of its clients wait until RESUME/,
      RESUME: /^RESUME appdb on primary: .*run again/,
      RECONNECT: /^RECONNECT appdb on primary: .*closed as soon as it is released .*clients stay connected/,
      RELOAD: /^RELOAD on primary: PgBouncer reads its configuration file again .*applied only partly/,
      KILL: /^KILL appdb on primary: .*dropped at once .*stays paused until RESUME/,
      DISABLE: /^DISABLE appdb on primary: new client connections to appdb are refused/,
      ENABLE: /^ENABLE appdb on primary: new client connections to appdb are accepted again/,
    };
    for (const [command, effect] of Object.entries(effects) as [AdminCommand, RegExp][]) {
      assert.match(actionSentence(command, { instance: 'primary', database: 'appdb' }), effect);
    }
    assert.match(actionSentence('PAUSE', { instance: 'primary' }), /^PAUSE every database on primary/);
  });
});

describe('status bar and hover', () => {
  test('the status bar shows the worst pool across instances; a failing instance comes first', () => {
    assert.equal(statusSummary([], DEFAULT_THRESHOLDS), null);
    const calm = state(toSnapshot(raw(), 0, 'admin'));
    const busy: InstanceState = {
      ...state(
        toSnapshot(raw({ pools: [pool('appdb', 'app', { sv_active: 10, cl_waiting: 4 })] }), 0, 'admin'),
      ),
      instance: { ...INSTANCE, name: 'standby' },
    };
    const summary = statusSummary([calm, busy], DEFAULT_THRESHOLDS)!;
    assert.equal(summary.health, 'critical');
    assert.equal(summary.text, '$(error) PgBouncer: standby appdb 100% · 4 waiting');
    assert.match(summary.tooltip, /primary: worst pool appdb\/app \(ok\)/);
    assert.equal(statusSummary([calm], DEFAULT_THRESHOLDS)!.text, '$(pass) PgBouncer: appdb 50%');
    const down: InstanceState = {
      ...calm,
      instance: { ...INSTANCE, name: 'gone' },
      error: new AdminError('down', 'not reachable'),
    };
    assert.equal(
      statusSummary([calm, busy, down], DEFAULT_THRESHOLDS)!.text,
      '$(error) PgBouncer: gone pgbouncer is not reachable',
    );
  });

  test('the hover finds the [databases] entry under the cursor, and only there', () => {
    const text = '[databases]\nappdb = host=db1 pool_size=10\n\n[pgbouncer]\nappdb_setting = 1\n';
    assert.deepEqual(databaseEntryAt(text, text.indexOf('host=db1')), { name: 'appdb', start: 12, end: 17 });
    assert.equal(databaseEntryAt(text, text.indexOf('appdb_setting')), null);
    assert.equal(databaseEntryAt(text, 0), null);
    const now = 60_000;
    const hover = databaseHover(
      'appdb',
      [state(toSnapshot(raw(), now - 3000, 'admin'))],
      DEFAULT_THRESHOLDS,
      now,
    )!;
    assert.match(hover, /pool_size 10/);
    assert.match(hover, /🟢 `app`: 12 active, 0 waiting · servers 5 active, 3 idle, 0 used · use 50%/);
    assert.match(hover, /_\(3 s ago\)_/);
    assert.match(
      databaseHover('newdb', [state(toSnapshot(raw(), now, 'admin'))], DEFAULT_THRESHOLDS, now)!,
      /a RELOAD adds it/,
    );
    assert.equal(databaseHover('appdb', [], DEFAULT_THRESHOLDS), null);
  });
});

describe('errors', () => {
  test('pg errors become readable kinds; an unknown failure keeps its text', () => {
    const serverError = (message: string, severity = 'FATAL') =>
      Object.assign(new Error(message), { severity, code: '08P01' });
    assert.equal(classifyError(serverError('not allowed'), INSTANCE).kind, 'not-allowed');
    assert.equal(classifyError(serverError('SSL required'), INSTANCE).kind, 'tls');
    assert.equal(classifyError(serverError('password authentication failed'), INSTANCE).kind, 'auth');
    assert.equal(
      classifyError(serverError('no more connections allowed (max_client_conn)'), INSTANCE).kind,
      'refused',
    );
    assert.equal(classifyError(serverError('admin access needed', 'ERROR'), INSTANCE).kind, 'refused');
    assert.equal(
      classifyError(
        Object.assign(new Error('getaddrinfo ENOTFOUND db.example'), { code: 'ENOTFOUND' }),
        INSTANCE,
      ).message,
      'PgBouncer at primary (10.0.0.5:6432) is not reachable: the host name 10.0.0.5 does not resolve (ENOTFOUND).',
    );
    assert.equal(classifyError(new Error('Connection terminated unexpectedly'), INSTANCE).kind, 'down');
    assert.equal(
      classifyError(new Error('something odd'), INSTANCE).message,
      'primary (10.0.0.5:6432): something odd',
    );
  });
});

describe('settings', () => {
  test('instances get their defaults; broken entries are skipped with a reason; names stay unique', () => {
    const { instances, problems } = normalizeInstances([
      { name: 'primary', host: 'db1', user: 'pgb_admin' },
      {
        name: 'primary',
        host: 'db2',
        port: 7432,
        user: 'pgb_stats',
        sslmode: 'verify-full',
        database: 'console',
      },
      { host: 'db3' },
      { host: 'db4', user: 'u', port: 'x' },
      { host: 'db5', user: 'u', sslmode: 'allow' },
      'junk',
    ]);
    assert.deepEqual(instances, [
      {
        name: 'primary',
        host: 'db1',
        port: 6432,
        user: 'pgb_admin',
        database: 'pgbouncer',
        sslmode: 'prefer',
      },
      {
        name: 'primary (2)',
        host: 'db2',
        port: 7432,
        user: 'pgb_stats',
        database: 'console',
        sslmode: 'verify-full',
      },
    ]);
    assert.equal(problems.length, 5);
    assert.match(problems.join('\n'), /instances\[2\] has no user/);
    assert.match(
      problems.join('\n'),
      /sslmode "allow" is not one of disable, prefer, require, verify-ca, verify-full/,
    );
  });

  test('untrusted workspace: only the user settings count, workspace instances are ignored and counted', () => {
    const inspected = {
      globalValue: [{ name: 'mine', host: 'db1', user: 'u' }],
      workspaceValue: [{ name: 'theirs', host: 'evil.example', user: 'u' }],
    };
    const untrusted = instancesFromSettings(inspected, false);
    assert.deepEqual(
      untrusted.instances.map((i) => i.name),
      ['mine'],
    );
    assert.equal(untrusted.ignoredUntrusted, 1);
    const trusted = instancesFromSettings(inspected, true);
    assert.deepEqual(
      trusted.instances.map((i) => i.name),
      ['theirs'],
    );
    assert.equal(trusted.ignoredUntrusted, 0);
    assert.deepEqual(
      instancesFromSettings({ workspaceValue: inspected.workspaceValue }, false).instances,
      [],
    );
  });

  test('interval, timeout and thresholds: defaults, junk ignored, thresholds in order', () => {
    const defaults = poolSettings(() => undefined);
    assert.deepEqual(defaults, {
      refreshIntervalMs: 5000,
      timeoutMs: 5000,
      thresholds: DEFAULT_THRESHOLDS,
    });
    const values: Record<string, unknown> = {
      refreshInterval: 0,
      queryTimeout: 2.5,
      'thresholds.useWarning': 90,
      'thresholds.useCritical': 70,
    };
    const custom = poolSettings((key) => values[key]);
    assert.equal(custom.refreshIntervalMs, 5000);
    assert.equal(custom.timeoutMs, 2500);
    assert.equal(custom.thresholds.useWarning, 70);
    assert.equal(custom.thresholds.useCritical, 90);
  });

  test('a stored password is bound to user, host, port, sslmode and CA file; never in settings', () => {
    const key = passwordKey(INSTANCE);
    assert.match(key, /^pgbouncer\.password\.v2:[0-9a-f]{64}$/);
    assert.notEqual(key, legacyPasswordKey(INSTANCE), 'an old-style key is never read');
    assert.equal(legacyPasswordKey(INSTANCE), 'pgbouncer.password:pgb_admin@10.0.0.5:6432');
    const variants: Partial<InstanceSettings>[] = [
      { sslmode: 'disable' },
      { sslmode: 'verify-full' },
      { sslrootcert: '/etc/ssl/private-ca.pem' },
      { sslrootcert: '/etc/ssl/other-ca.pem' },
      { user: 'pgb_stats' },
      { host: '10.0.0.6' },
      { port: 6433 },
    ];
    const keys = new Set([key, ...variants.map((variant) => passwordKey({ ...INSTANCE, ...variant }))]);
    assert.equal(keys.size, variants.length + 1, 'every difference gets its own key');
    // the display name and the console's database name do not decide where a password goes
    const renamed: InstanceSettings = { ...INSTANCE, name: 'renamed', database: 'console' };
    assert.equal(passwordKey(renamed), key);
    const item = CLIENT_SETTINGS_SPEC['pgbouncer.instances'].items as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(item.properties), [
      'name',
      'host',
      'port',
      'user',
      'database',
      'sslmode',
      'sslrootcert',
    ]);
    assert.equal(
      CLIENT_SETTINGS_SPEC['pgbouncer.refreshInterval'].default,
      POOL_SETTING_DEFAULTS.refreshInterval,
    );
    assert.equal(CLIENT_SETTINGS_SPEC['pgbouncer.thresholds.useWarning'].default, 80);
    assert.equal(CLIENT_SETTINGS_SPEC['pgbouncer.thresholds.useCritical'].default, 95);
  });

  test('the password of one TLS mode or CA is never handed to another; forget removes the old key too', async () => {
    const secrets = new Map<string, string>();
    const store: SecretStore = {
      get: async (key) => secrets.get(key),
      store: async (key, value) => void secrets.set(key, value),
      delete: async (key) => void secrets.delete(key),
    };
    const verified: InstanceSettings = {
      ...INSTANCE,
      sslmode: 'verify-full',
      sslrootcert: '/etc/ssl/ca.pem',
    };
    secrets.set(legacyPasswordKey(verified), 'kept-by-an-earlier-build');
    await savePassword(store, verified, 'for-verify-full');
    assert.equal(await storedPassword(store, verified)(), 'for-verify-full');
    assert.equal(
      secrets.has(legacyPasswordKey(verified)),
      false,
      'entering a password drops the old-style entry',
    );
    for (const other of [
      { ...verified, sslmode: 'disable' as const },
      { ...verified, sslmode: 'prefer' as const },
      { ...verified, sslrootcert: '/tmp/attacker-ca.pem' },
      { ...verified, sslrootcert: undefined },
    ]) {
      assert.equal(await storedPassword(store, other)(), undefined, JSON.stringify(other));
    }
    secrets.set(legacyPasswordKey(verified), 'kept-by-an-earlier-build');
    await forgetPassword(store, verified);
    assert.deepEqual([...secrets.keys()], []);
    await savePassword(store, verified, 'again');
    await savePassword(store, verified, ''); // an empty password is none
    assert.deepEqual([...secrets.keys()], []);
  });

  test('sslrootcert: absolute as given, ~ and relative paths from the home directory', () => {
    const home = os.homedir();
    const { instances } = normalizeInstances([
      { name: 'a', host: 'db', user: 'u', sslmode: 'verify-full', sslrootcert: '/etc/ssl/ca.pem' },
      { name: 'b', host: 'db', user: 'u', sslmode: 'verify-full', sslrootcert: '~/.postgresql/root.crt' },
      { name: 'c', host: 'db', user: 'u', sslmode: 'verify-ca', sslrootcert: 'certs/ca.pem' },
      { name: 'd', host: 'db', user: 'u', sslrootcert: '  ' },
    ]);
    assert.deepEqual(
      instances.map((instance) => instance.sslrootcert),
      [
        '/etc/ssl/ca.pem',
        path.join(home, '.postgresql', 'root.crt'),
        path.join(home, 'certs', 'ca.pem'),
        undefined,
      ],
    );
    assert.equal('sslrootcert' in instances[3], false);
    assert.equal(resolveCaPath('~', '/home/me'), '/home/me');
    assert.equal(resolveCaPath('../shared/ca.pem', '/home/me'), '/home/shared/ca.pem');
  });
});

describe('manifest', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

  test('every pool command registered in the code is contributed, and every contributed one registered', () => {
    // client/src/pools/index.ts registers SHOW_COMMAND and every id of POOL_COMMANDS
    const registered = new Set<string>([SHOW_COMMAND, ...POOL_COMMANDS]);
    const contributed = new Set(
      (manifest.contributes.commands as { command: string }[])
        .map((c) => c.command)
        .filter((c) => c.startsWith('pgbouncer.pools.')),
    );
    for (const id of contributed) assert.ok(registered.has(id), `${id} is contributed but not registered`);
    for (const id of registered) assert.ok(contributed.has(id), `${id} is registered but not contributed`);
    assert.equal(registered.size, POOL_COMMANDS.length + 1, 'no command id is listed twice');
  });

  test('the item menus offer exactly the actions actionsFor allows', () => {
    const menu = manifest.contributes.menus['view/item/context'] as { command: string; when: string }[];
    const offered = (contextValue: string): string[] =>
      menu
        .filter((entry) => entry.command in ACTION_COMMANDS)
        .filter((entry) => {
          const pattern = /viewItem =~ \/(.*)\/$/.exec(entry.when)![1];
          return new RegExp(pattern).test(contextValue);
        })
        .map((entry) => ACTION_COMMANDS[entry.command as keyof typeof ACTION_COMMANDS])
        .sort();
    const kinds: [ViewItem['kind'], string][] = [
      ['instance', 'pgbouncer.instance admin'],
      ['instance', 'pgbouncer.instance'],
      ['database', 'pgbouncer.database admin'],
      ['database', 'pgbouncer.database admin paused'],
      ['database', 'pgbouncer.database admin disabled'],
      ['pool', 'pgbouncer.pool admin paused disabled'],
      ['pool', 'pgbouncer.pool'],
      ['config', 'pgbouncer.config changed'],
      ['error', 'pgbouncer.error retry password'],
    ];
    for (const [kind, contextValue] of kinds) {
      const item: ViewItem = { id: 'x', kind, instance: 'i', label: 'x', icon: 'x', contextValue };
      assert.deepEqual(offered(contextValue), [...actionsFor(item)].sort(), contextValue);
    }
  });

  test('view container with its icon, welcome view, restricted instance settings', () => {
    const container = manifest.contributes.viewsContainers.activitybar.find(
      (c: { id: string }) => c.id === 'pgbouncer',
    );
    assert.ok(fs.existsSync(path.join(ROOT, container.icon)), container.icon);
    assert.equal(manifest.contributes.views.pgbouncer[0].id, 'pgbouncer.pools');
    const welcomes = manifest.contributes.viewsWelcome.filter(
      (w: { view: string }) => w.view === 'pgbouncer.pools',
    ) as { contents: string; when?: string }[];
    // On the desktop: how to add an instance; in the browser: that the view needs desktop VS Code.
    const desktop = welcomes.find((w) => w.when?.includes('!isWeb'));
    const web = welcomes.find((w) => w.when !== undefined && /(^|[^!])isWeb/.test(w.when));
    assert.match(desktop?.contents ?? '', /\[Add Instance\]\(command:pgbouncer\.pools\.addInstance\)/);
    assert.match(web?.contents ?? '', /desktop VS Code/);
    assert.ok(
      manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('pgbouncer.instances'),
    );
  });
});
