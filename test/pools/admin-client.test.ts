// The admin-console client against a real PgBouncer 1.18 (no PostgreSQL needed: the console is
// PgBouncer's own): one reused connection, and every failure state as a readable AdminError, quickly,
// with no hang, no unhandled rejection and no password in any message.
//
//   node --import tsx --test test/pools/admin-client.test.ts

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AdminClient, AdminError, commandText, quoteIdentifier } from '../../client/src/pools/admin-client';
import type { AdminClientOptions } from '../../client/src/pools/admin-client';
import type { InstanceSettings } from '../../client/src/pools/instance';
import { ADMIN_LIMITS } from '../../client/src/pools/wire';
import { startHostileServer } from '../support/hostile-pgbouncer';
import type { HostileOptions, HostileServer } from '../support/hostile-pgbouncer';
import { freePort, instanceFor, stackUnavailable, startStack, waitFor } from '../support/stack';
import type { PgBouncerProcess, Stack } from '../support/stack';
import { makeTestCa } from '../support/tls';
import type { TestCa } from '../support/tls';

const skip = stackUnavailable({ postgres: false });
const FAST: AdminClientOptions = { timeoutMs: 1500, initialBackoffMs: 50, maxBackoffMs: 200 };

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

describe('admin console client', { skip }, () => {
  let stack: Stack;
  let tlsBouncer: PgBouncerProcess;
  /** Client TLS with a certificate for 127.0.0.1 and localhost from a private CA; listens on 127.0.0.2 too. */
  let caBouncer: PgBouncerProcess;
  let ca: TestCa;
  const clients: AdminClient[] = [];
  const servers: HostileServer[] = [];
  const messages: string[] = [];

  const open = (instance: InstanceSettings, password: string | undefined, options = FAST): AdminClient => {
    const client = new AdminClient(instance, () => password, options);
    clients.push(client);
    return client;
  };

  /** The AdminError a call ends with (fails the test if it resolves or throws anything else). */
  const failure = async (work: Promise<unknown>): Promise<AdminError> => {
    try {
      await work;
    } catch (error) {
      assert.ok(error instanceof AdminError, `expected an AdminError, got ${String(error)}`);
      messages.push(error.message);
      return error;
    }
    assert.fail('expected the call to fail');
  };

  const fakeServer = async (options: HostileOptions): Promise<HostileServer> => {
    const server = await startHostileServer(options);
    servers.push(server);
    return server;
  };

  before(async () => {
    stack = await startStack({ postgres: false });
    ca = makeTestCa(path.join(stack.dir, 'test-ca'));
    [tlsBouncer, caBouncer] = await Promise.all([
      stack.startPgBouncer({ requireTls: true }),
      stack.startPgBouncer({
        clientTls: { keyFile: ca.serverKey, certFile: ca.serverCert },
        settings: { listen_addr: '127.0.0.1,127.0.0.2' },
      }),
    ]);
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(servers.map((server) => server.close()));
    await stack?.stop();
  });

  test('keeps one connection open and reuses it for every query (simple query protocol)', async () => {
    const client = open(instanceFor(stack.pgbouncer, stack.users.admin), stack.users.admin.password);
    for (let i = 0; i < 5; i++) {
      const pools = await client.show('POOLS');
      assert.ok(Array.isArray(pools));
    }
    const version = await client.show('VERSION');
    assert.match(String(version[0].version), /^PgBouncer 1\.\d+/);
    const mine = (await client.show('CLIENTS')).filter((row) => row.application_name === 'vscode-pgbouncer');
    assert.equal(mine.length, 1, 'one admin-console connection, reused');
    assert.equal(client.state.status, 'connected');
  });

  test('a command PgBouncer refuses keeps the connection usable', async () => {
    const client = open(instanceFor(stack.pgbouncer, stack.users.admin), stack.users.admin.password);
    await client.show('VERSION');
    const error = await failure(client.query('SHOW NOSUCHTHING'));
    assert.equal(error.kind, 'refused');
    assert.match(error.serverMessage ?? '', /invalid command/);
    assert.equal(client.state.status, 'connected');
    assert.ok((await client.show('VERSION')).length === 1);
  });

  test('database names are passed quoted, so any name is one argument', () => {
    assert.equal(quoteIdentifier('app db'), '"app db"');
    assert.equal(quoteIdentifier('we"ird'), '"we""ird"');
    assert.equal(commandText('PAUSE'), 'PAUSE');
    assert.equal(commandText('KILL', 'appdb'), 'KILL "appdb"');
    assert.equal(commandText('RELOAD', 'ignored'), 'RELOAD');
    assert.throws(() => commandText('DISABLE'), /needs a database/);
  });

  test('PgBouncer down: "down" at once, with the address, and later calls wait for the backoff', async () => {
    const port = await freePort(); // nothing listens there
    const client = open(
      instanceFor(stack.pgbouncer, stack.users.admin, { port, name: 'gone' }),
      stack.users.admin.password,
      { timeoutMs: 1500, initialBackoffMs: 60_000, maxBackoffMs: 60_000 },
    );
    const started = Date.now();
    const error = await failure(client.show('POOLS'));
    assert.equal(error.kind, 'down');
    assert.match(error.message, new RegExp(`gone \\(127\\.0\\.0\\.1:${port}\\) is not reachable`));
    assert.equal(client.state.status, 'failed');
    assert.ok(client.state.retryAt! > Date.now() + 50_000, 'next connect only after the backoff');
    // inside the backoff the same error comes back without a new connect
    const again = await failure(client.show('POOLS'));
    assert.equal(again, error);
    assert.ok(Date.now() - started < 1000, 'no waiting for a refused connection');
  });

  test('wrong password: "auth" with PgBouncer\'s words', async () => {
    const client = open(instanceFor(stack.pgbouncer, stack.users.admin), 'not-the-password');
    const error = await failure(client.show('POOLS'));
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /refused the login of pgb_admin: wrong password/);
    assert.match(error.message, /SASL authentication failed/);
  });

  test('no password stored: "password-needed", asked only when PgBouncer wants one', async () => {
    let asked = 0;
    const client = new AdminClient(
      instanceFor(stack.pgbouncer, stack.users.admin),
      () => {
        asked++;
        return undefined;
      },
      FAST,
    );
    clients.push(client);
    const error = await failure(client.show('POOLS'));
    assert.equal(error.kind, 'password-needed');
    assert.match(error.message, /asks user pgb_admin for a password, and none is stored/);
    assert.equal(asked, 1);
  });

  test('a user in neither admin_users nor stats_users: "not-allowed"', async () => {
    const client = open(instanceFor(stack.pgbouncer, stack.users.outsider), stack.users.outsider.password);
    const error = await failure(client.show('POOLS'));
    assert.equal(error.kind, 'not-allowed');
    assert.equal(error.serverMessage, 'not allowed');
    assert.match(error.message, /neither in admin_users nor in stats_users/);
  });

  test('PgBouncer requires TLS, the instance says sslmode disable: "tls" naming the fix', async () => {
    const plain = open(
      instanceFor(tlsBouncer, stack.users.admin, { sslmode: 'disable' }),
      stack.users.admin.password,
    );
    const error = await failure(plain.show('POOLS'));
    assert.equal(error.kind, 'tls');
    assert.equal(error.serverMessage, 'SSL required');
    assert.match(error.message, /requires TLS .*sslmode is disable/);

    for (const sslmode of ['require', 'prefer'] as const) {
      const client = open(
        instanceFor(tlsBouncer, stack.users.admin, { sslmode }),
        stack.users.admin.password,
      );
      const tls = (await client.show('CLIENTS')).find((row) => row.application_name === 'vscode-pgbouncer');
      assert.match(String(tls?.tls), /TLS/, `sslmode ${sslmode} connects with TLS`);
    }
    const verify = open(
      instanceFor(tlsBouncer, stack.users.admin, { sslmode: 'verify-full' }),
      stack.users.admin.password,
    );
    const untrusted = await failure(verify.show('POOLS'));
    assert.equal(untrusted.kind, 'tls');
    assert.match(untrusted.message, /certificate .* was not accepted/);
  });

  test('verify-full with sslrootcert: the private CA is trusted and the host checked (IP address and name)', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const client = open(
        instanceFor(caBouncer, stack.users.admin, { host, sslmode: 'verify-full', sslrootcert: ca.caCert }),
        stack.users.admin.password,
      );
      const mine = (await client.show('CLIENTS')).find((row) => row.application_name === 'vscode-pgbouncer');
      assert.match(String(mine?.tls), /TLS/, `${host}: PgBouncer sees a TLS client`);
      assert.deepEqual(
        { ...client.state.transport, protocol: undefined, cipher: undefined },
        { tls: true, protocol: undefined, cipher: undefined, verified: 'chain-and-host' },
      );
    }
  });

  test('verify-full without sslrootcert, or with another CA: "tls", naming the CA it needs', async () => {
    const withoutCa = open(
      instanceFor(caBouncer, stack.users.admin, { sslmode: 'verify-full' }),
      stack.users.admin.password,
    );
    const untrusted = await failure(withoutCa.show('VERSION'));
    assert.equal(untrusted.kind, 'tls');
    assert.match(
      untrusted.message,
      /^The TLS certificate of primary \(127\.0\.0\.1:\d+\) was not accepted \(unable to verify the first certificate\)\. With sslmode verify-full it must be valid for the host 127\.0\.0\.1 and signed by an authority Node\.js trusts \(for a private CA, set sslrootcert to its certificate file\)\.$/,
    );
    const otherCa = open(
      instanceFor(caBouncer, stack.users.admin, { sslmode: 'verify-full', sslrootcert: ca.otherCaCert }),
      stack.users.admin.password,
    );
    const wrong = await failure(otherCa.show('VERSION'));
    assert.equal(wrong.kind, 'tls');
    assert.ok(wrong.message.includes(`signed by a CA in ${ca.otherCaCert} (sslrootcert)`), wrong.message);
  });

  test('an address the certificate does not name: verify-full refuses it, verify-ca connects', async () => {
    const full = open(
      instanceFor(caBouncer, stack.users.admin, {
        host: '127.0.0.2',
        sslmode: 'verify-full',
        sslrootcert: ca.caCert,
      }),
      stack.users.admin.password,
    );
    const error = await failure(full.show('VERSION'));
    assert.equal(error.kind, 'tls');
    assert.match(error.message, /IP: 127\.0\.0\.2 is not in the cert's list: 127\.0\.0\.1/);
    assert.match(error.message, /it must be valid for the host 127\.0\.0\.2 and signed by a CA in /);
    const chainOnly = open(
      instanceFor(caBouncer, stack.users.admin, {
        host: '127.0.0.2',
        sslmode: 'verify-ca',
        sslrootcert: ca.caCert,
      }),
      stack.users.admin.password,
    );
    assert.equal((await chainOnly.show('VERSION')).length, 1);
    assert.equal(chainOnly.state.transport?.tls && chainOnly.state.transport.verified, 'chain');
  });

  test('require with sslrootcert checks the chain, as libpq does with a root certificate', async () => {
    const plainRequire = open(
      instanceFor(caBouncer, stack.users.admin, { sslmode: 'require' }),
      stack.users.admin.password,
    );
    assert.equal((await plainRequire.show('VERSION')).length, 1);
    assert.equal(plainRequire.state.transport?.tls && plainRequire.state.transport.verified, 'none');
    const checked = open(
      instanceFor(caBouncer, stack.users.admin, { sslmode: 'require', sslrootcert: ca.otherCaCert }),
      stack.users.admin.password,
    );
    const error = await failure(checked.show('VERSION'));
    assert.equal(error.kind, 'tls');
    assert.match(error.message, /With sslmode require it must be signed by a CA in /);
  });

  test('an sslrootcert that is missing, a directory, a FIFO or no PEM: "tls" before connecting', async () => {
    const server = await fakeServer({ behaviour: 'good' });
    const notPem = path.join(stack.dir, 'not-a-ca.txt');
    fs.writeFileSync(notPem, 'just text\n');
    const garbled = path.join(stack.dir, 'garbled-ca.pem');
    fs.writeFileSync(
      garbled,
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
    );
    const fifo = path.join(stack.dir, 'ca.fifo');
    spawnSync('mkfifo', [fifo]);
    const cases: [string, RegExp][] = [
      [path.join(stack.dir, 'no-such-ca.pem'), /there is no such file/],
      [stack.dir, /it is not a regular file/],
      [notPem, /it holds no PEM certificate/],
      [garbled, /its certificate number 1 is not a valid X\.509 certificate/],
    ];
    if (fs.existsSync(fifo)) cases.push([fifo, /it is not a regular file/]);
    for (const [file, why] of cases) {
      const client = open(
        instanceFor(stack.pgbouncer, stack.users.admin, {
          port: server.port,
          sslmode: 'verify-full',
          sslrootcert: file,
        }),
        stack.users.admin.password,
      );
      const started = Date.now();
      const error = await failure(client.show('VERSION'));
      assert.equal(error.kind, 'tls');
      assert.ok(
        error.message.startsWith(`The CA file ${file} (sslrootcert of primary) cannot be used: `),
        error.message,
      );
      assert.match(error.message, why);
      assert.ok(Date.now() - started < 1000, 'no waiting on a FIFO or a device');
    }
    assert.equal(server.connections(), 0, 'nothing was sent anywhere');
  });

  test('prefer: TLS when PgBouncer offers it, plain text when it does not, and the state says which', async () => {
    const plain = open(
      instanceFor(stack.pgbouncer, stack.users.admin, { sslmode: 'prefer' }),
      stack.users.admin.password,
    );
    await plain.show('VERSION');
    assert.deepEqual(plain.state.transport, { tls: false, reason: 'not-offered' });
    const offered = open(
      instanceFor(caBouncer, stack.users.admin, { sslmode: 'prefer' }),
      stack.users.admin.password,
    );
    await offered.show('VERSION');
    assert.equal(offered.state.transport?.tls, true);
    assert.match(offered.state.transport?.tls ? offered.state.transport.protocol : '', /^TLSv1\.[23]$/);
    const disabled = open(
      instanceFor(caBouncer, stack.users.admin, { sslmode: 'disable' }),
      stack.users.admin.password,
    );
    await disabled.show('VERSION').catch(() => undefined); // caBouncer requires TLS
    const off = open(instanceFor(stack.pgbouncer, stack.users.admin), stack.users.admin.password);
    await off.show('VERSION');
    assert.deepEqual(off.state.transport, { tls: false, reason: 'disabled' });
  });

  test('a Unix socket works, whatever the sslmode (libpq ignores it there too)', async () => {
    const client = open(
      instanceFor(stack.pgbouncer, stack.users.admin, {
        host: stack.pgbouncer.socketDir,
        sslmode: 'verify-full',
        sslrootcert: path.join(stack.dir, 'not-even-read.pem'),
      }),
      stack.users.admin.password,
    );
    assert.equal((await client.show('VERSION')).length, 1);
    assert.deepEqual(client.state.transport, { tls: false, reason: 'unix-socket' });
  });

  test('10,000 databases and 10,000 pools: every row comes back', async () => {
    const big = await stack.startPgBouncer({ generatedDatabases: 10_000 });
    const client = open(instanceFor(big, stack.users.admin), stack.users.admin.password, {
      ...FAST,
      timeoutMs: 20_000,
    });
    const databases = await client.show('DATABASES');
    assert.equal(databases.filter((row) => /^db\d+$/.test(String(row.name))).length, 10_000);
    // PgBouncer lists a pool only after a client used it, so 10,000 pools are its SHOW POOLS row,
    // 10,000 times over (with database names of the longest length PgBouncer allows), from a fake console
    const real = (await client.show('POOLS'))[0];
    const columns = Object.keys(real);
    const fake = await fakeServer({
      behaviour: 'many-rows',
      rows: 10_000,
      columns,
      row: (index) =>
        columns.map((column) =>
          column === 'database'
            ? `db_${String(index).padStart(5, '0')}_${'x'.repeat(53)}`
            : String(real[column] ?? ''),
        ),
    });
    const pools = open(instanceFor(stack.pgbouncer, stack.users.admin, { port: fake.port }), 'unused', {
      ...FAST,
      timeoutMs: 20_000,
    });
    const rows = await pools.show('POOLS');
    assert.equal(rows.length, 10_000);
    assert.equal(new Set(rows.map((row) => row.database)).size, 10_000);
    assert.ok(ADMIN_LIMITS.maxAnswerRows >= 10 * rows.length, 'ten times the room');
    await big.stop();
  });

  test('the row limit is exact: as many rows as allowed pass, one more is a "protocol" error', async () => {
    const limit = ADMIN_LIMITS.maxAnswerRows;
    const patient = { ...FAST, timeoutMs: 20_000 }; // 100,000 rows take pg about a second
    const exact = await fakeServer({ behaviour: 'many-rows', rows: limit });
    const atLimit = open(
      instanceFor(stack.pgbouncer, stack.users.admin, { port: exact.port }),
      'unused',
      patient,
    );
    assert.equal((await atLimit.show('POOLS')).length, limit);
    const over = await fakeServer({ behaviour: 'many-rows', rows: limit + 1 });
    const overLimit = open(
      instanceFor(stack.pgbouncer, stack.users.admin, { port: over.port }),
      'unused',
      patient,
    );
    const error = await failure(overLimit.show('POOLS'));
    assert.equal(error.kind, 'protocol');
    assert.match(error.message, /sent more than 100,000 rows in answer to one command/);
  });

  test('sslmode require against a PgBouncer without TLS: "tls"', async () => {
    const client = open(
      instanceFor(stack.pgbouncer, stack.users.admin, { sslmode: 'require' }),
      stack.users.admin.password,
    );
    const error = await failure(client.show('POOLS'));
    assert.equal(error.kind, 'tls');
    assert.match(error.message, /does not offer TLS/);
  });

  test('a PgBouncer that does not answer: "timeout" for the login and for a query, then recovery', async () => {
    const bouncer = await stack.startPgBouncer();
    const options = { timeoutMs: 400, initialBackoffMs: 10, maxBackoffMs: 10 };
    const connected = open(instanceFor(bouncer, stack.users.admin), stack.users.admin.password, options);
    await connected.show('VERSION');
    const fresh = open(instanceFor(bouncer, stack.users.admin), stack.users.admin.password, options);
    bouncer.freeze(); // SIGSTOP: the kernel still accepts connections, PgBouncer answers nothing
    try {
      const started = Date.now();
      const [queryError, loginError] = await Promise.all([
        failure(connected.show('POOLS')),
        failure(fresh.show('POOLS')),
      ]);
      const elapsed = Date.now() - started;
      assert.equal(queryError.kind, 'timeout');
      assert.match(queryError.message, /did not answer "SHOW POOLS" within 0\.4 s/);
      assert.equal(loginError.kind, 'timeout');
      assert.match(loginError.message, /accepted no login within 0\.4 s/);
      assert.ok(elapsed < 2000, `both gave up after the timeout (${elapsed} ms)`);
      assert.equal(connected.state.status, 'failed', 'the stuck connection is dropped');
    } finally {
      bouncer.thaw();
    }
    await waitFor('the client to reconnect after the freeze', async () => {
      try {
        return (await connected.show('VERSION')).length === 1;
      } catch {
        return false;
      }
    });
    assert.equal(connected.state.status, 'connected');
    await bouncer.stop();
  });

  test('a PgBouncer restart: "down" while it is gone, then the same client reconnects by itself', async () => {
    const bouncer = await stack.startPgBouncer();
    const client = open(instanceFor(bouncer, stack.users.admin), stack.users.admin.password, FAST);
    const states: string[] = [];
    client.onStateChange((state) => states.push(state.status));
    await client.show('VERSION');
    await bouncer.stop();
    const down = await waitFor('the down state', async () => {
      try {
        await client.show('VERSION');
        return null;
      } catch (error) {
        messages.push((error as Error).message);
        return (error as AdminError).kind === 'down' ? (error as AdminError) : null;
      }
    });
    assert.match(down.message, /not reachable|closed the connection|broke/);
    await bouncer.start();
    await waitFor('the client to come back', async () => {
      try {
        return (await client.show('VERSION')).length === 1;
      } catch {
        return false;
      }
    });
    assert.deepEqual(states.slice(0, 2), ['connecting', 'connected']);
    assert.equal(states.at(-1), 'connected');
    assert.ok(states.includes('failed'));
    await bouncer.stop();
  });

  test('stats user and admin user: rights detected from the console itself', async () => {
    const admin = open(instanceFor(stack.pgbouncer, stack.users.admin), stack.users.admin.password);
    const stats = open(instanceFor(stack.pgbouncer, stack.users.stats), stack.users.stats.password);
    assert.equal(await admin.rights(), 'admin');
    assert.equal(await stats.rights(), 'stats');
    const refused = await failure(stats.command('RELOAD'));
    assert.equal(refused.kind, 'refused');
    assert.equal(refused.serverMessage, 'admin access needed');
    assert.equal(stats.state.status, 'connected', 'a refused command does not end the connection');
  });

  test('no message carries a password, and nothing was left unhandled', () => {
    assert.ok(messages.length >= 10, `collected ${messages.length} messages`);
    const passwords = Object.values(stack.users).map((user) => user.password);
    for (const message of messages) {
      for (const password of passwords) assert.ok(!message.includes(password), `password in: ${message}`);
    }
    assert.deepEqual(unhandled, []);
  });
});
