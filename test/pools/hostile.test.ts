// The admin client against servers that are not what they claim (test/support/hostile-pgbouncer.ts,
// a real TCP server on 127.0.0.1): a header claiming 2 GB, an endless stream of rows, one huge row, the
// widest rows the limits let through. The client runs in a child process, where a V8 abort or a
// runaway allocation shows as a crash: it must end with a readable AdminError, in bounded time and
// memory, and connect again after the usual backoff.
//
//   node --import tsx --test test/pools/hostile.test.ts

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { AdminClient, AdminError } from '../../client/src/pools/admin-client';
import { ADMIN_LIMITS } from '../../client/src/pools/wire';
import type { ChildReport } from '../support/admin-client-child';
import { startHostileServer } from '../support/hostile-pgbouncer';
import type { HostileBehaviour, HostileServer } from '../support/hostile-pgbouncer';
import { waitFor } from '../support/stack';

const ROOT = path.resolve(__dirname, '..', '..');
const CHILD = path.join(ROOT, 'test', 'support', 'admin-client-child.ts');

const servers: HostileServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function hostile(behaviour: HostileBehaviour): Promise<HostileServer> {
  const server = await startHostileServer({ behaviour, hostileConnections: 1 });
  servers.push(server);
  return server;
}

/** Runs the client in a child process against `port`; a crash or a hang beyond `deadlineMs` fails. */
function runChild(port: number, deadlineMs = 30_000): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, JSON.stringify({ port, recover: true })],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 || signal) {
        reject(
          new Error(`the client's process died (exit ${code}, signal ${signal}):\n${stderr.slice(-2000)}`),
        );
        return;
      }
      resolve(JSON.parse(stdout) as ChildReport);
    });
  });
}

describe('a hostile server cannot crash or exhaust the extension host', () => {
  const cases: { behaviour: HostileBehaviour; message: RegExp; maxMs: number; maxRssMb: number }[] = [
    {
      behaviour: 'huge-row-description',
      message: /sent a message \(type 'T'\) of 2,147,483,633 bytes, more than the 1 MiB allowed/,
      maxMs: 2000,
      maxRssMb: 250,
    },
    {
      behaviour: 'huge-row',
      message: /sent a message \(type 'D'\) of 2,147,483,633 bytes, more than the 1 MiB allowed/,
      maxMs: 2000,
      maxRssMb: 250,
    },
    {
      behaviour: 'endless-rows',
      message: /sent more than 100,000 rows in answer to one command/,
      maxMs: 4000,
      maxRssMb: 250,
    },
    {
      // the most memory the limits let a server make pg spend: about 200 MB above the baseline
      behaviour: 'wide-rows',
      message: /sent more than (100,000 rows|32 MiB) in answer to one command/,
      maxMs: 10_000,
      maxRssMb: 400,
    },
  ];
  for (const { behaviour, message, maxMs, maxRssMb } of cases) {
    test(`${behaviour}: a readable "protocol" error, bounded time and memory, then a new connection after the backoff`, async () => {
      const server = await hostile(behaviour);
      const report = await runChild(server.port);
      assert.ok(report.error, `the SHOW failed (it returned ${report.rows} rows)`);
      assert.equal(report.error.isAdminError, true);
      assert.equal(report.error.kind, 'protocol', report.error.message);
      assert.match(report.error.message, /^hostile \(127\.0\.0\.1:\d+\) sent /);
      assert.match(report.error.message, message);
      assert.match(report.error.message, /The connection was closed/);
      assert.ok(!report.error.message.includes('child-password'), 'no password in the message');
      assert.ok(report.elapsedMs < maxMs, `gave up after ${report.elapsedMs} ms (at most ${maxMs})`);
      assert.ok(report.maxRssMb < maxRssMb, `peak RSS ${report.maxRssMb} MB (at most ${maxRssMb})`);
      assert.deepEqual(report.states.slice(0, 3), ['connecting', 'connected', 'failed:protocol']);
      // the normal backoff (200 ms in the child), then a good login: the client recovered by itself
      assert.ok(report.recovered, 'the client connected again');
      assert.equal(report.recovered.rows, 1);
      assert.ok(report.recovered.waitedMs >= 150, `reconnected after ${report.recovered.waitedMs} ms`);
      assert.equal(server.logins(), 2);
    });
  }

  test('the limits leave room for what PgBouncer sends', () => {
    // the real-PgBouncer side of this is in admin-client.test.ts (10,000 databases and pools)
    assert.equal(ADMIN_LIMITS.maxMessageBytes, 1024 * 1024);
    assert.ok(ADMIN_LIMITS.maxAnswerRows >= 100_000);
    assert.ok(ADMIN_LIMITS.maxColumns >= 64, 'PgBouncer 1.25 sends at most 23 columns');
  });
});

describe('protocol the admin console never speaks', () => {
  const clients: AdminClient[] = [];
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
  });
  const clientFor = (server: HostileServer): AdminClient => {
    const client = new AdminClient(
      {
        name: 'hostile',
        host: '127.0.0.1',
        port: server.port,
        user: 'pgb_admin',
        database: 'pgbouncer',
        sslmode: 'prefer',
      },
      () => 'in-process-password',
      { timeoutMs: 2000, initialBackoffMs: 50, maxBackoffMs: 100 },
    );
    clients.push(client);
    return client;
  };

  test('plain bytes sent along with the answer to the TLS request: refused before any login', async () => {
    const server = await hostile('stuffed-ssl-answer');
    const client = clientFor(server);
    const error = await client.show('VERSION').then(
      () => assert.fail('the stuffed answer was accepted'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof AdminError);
    assert.equal(error.kind, 'protocol');
    assert.match(error.message, /sent 15 bytes along with its one-byte answer to the TLS request/);
    assert.equal(server.logins(), 0, 'no startup packet was sent');
  });

  test('ReadyForQuery nobody asked for: the connection is dropped as a protocol error', async () => {
    const server = await hostile('unsolicited-ready');
    const client = clientFor(server);
    await client.show('VERSION').catch(() => undefined); // the first one may answer the query
    const state = await waitFor('the protocol failure', () =>
      client.state.status === 'failed' ? client.state : null,
    );
    assert.equal(state.error?.kind, 'protocol');
    assert.match(state.error?.message ?? '', /sent a ReadyForQuery that no command was waiting for/);
  });
});
