// The runtime claims of the deployment rules, proven on a real PostgreSQL behind a real PgBouncer
// (test/support/stack.ts): each case of stack-proof-cases.ts starts a PgBouncer with its pgbouncer.ini,
// connects with its URL as the application would (test/support/connect-proof.ts) and checks the
// outcome and the very message the application would log. Then our engine is asked the same question
// the way a repository asks it (test/support/proof-repository.ts: the same pgbouncer.ini and auth_file,
// the URL in a .env or Spring's properties, auditFolder): it must report the case's rule on the URL's
// line for a refusal, and none of the URL rules for a connection. Missing binaries skip the suite here
// and fail it in CI (stackUnavailable).
//
//   node --import tsx --test test/deployment/stack-proofs.test.ts

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { tryConnect } from '../support/connect-proof';
import { clientFormsOf, engineVerdict } from '../support/proof-repository';
import { findPgBouncer } from '../support/pgbouncer-oracle';
import { freePort, stackUnavailable, startStack } from '../support/stack';
import type { PgBouncerProcess, Stack } from '../support/stack';
import { fillProofTemplate, STACK_PROOF_CASES, STACK_RELEASE } from './stack-proof-cases';
import type { ProofValues } from './stack-proof-cases';

const skip = stackUnavailable();

/** The value of a setting in a configuration text the stack wrote. */
function settingOf(config: string, name: string): string {
  const match = new RegExp(`^${name} = (.*)$`, 'm').exec(config);
  assert.ok(match, `the stack's configuration has no ${name}:\n${config}`);
  return match[1];
}

describe('what the deployment rules claim, on a real PgBouncer', { skip }, () => {
  let stack: Stack;
  let tls: { key: string; cert: string };

  before(async () => {
    // requireTls makes the stack write a key and certificate PgBouncer (dropping root) can read.
    stack = await startStack({ requireTls: true });
    tls = {
      key: settingOf(stack.pgbouncer.baseConfig, 'client_tls_key_file'),
      cert: settingOf(stack.pgbouncer.baseConfig, 'client_tls_cert_file'),
    };
  });

  after(async () => {
    await stack?.stop();
  });

  test(`the PgBouncer is ${STACK_RELEASE}, whose messages the cases hold`, () => {
    const version = spawnSync(findPgBouncer(), ['--version'], { encoding: 'utf8' });
    assert.match(version.stdout, new RegExp(`^PgBouncer ${STACK_RELEASE.replace('.', '\\.')}\\.`));
  });

  test('a PgBouncer that accepts the connection and answers nothing: tryConnect gives up in time', async () => {
    const bouncer = await stack.startPgBouncer();
    bouncer.freeze();
    try {
      const started = Date.now();
      const result = await tryConnect(
        `postgresql://app:${stack.users.app.password}@127.0.0.1:${bouncer.port}/appdb?sslmode=disable`,
        { timeoutMs: 500 },
      );
      assert.deepEqual(result, {
        ok: false,
        message: `no answer within the time allowed (127.0.0.1:${bouncer.port})`,
      });
      assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    } finally {
      bouncer.thaw();
      await bouncer.stop();
    }
  });

  for (const proof of STACK_PROOF_CASES) {
    test(proof.name, async (t) => {
      let bouncer: PgBouncerProcess | undefined;
      try {
        bouncer = await stack.startPgBouncer();
        const values: ProofValues = {
          port: String(bouncer.port),
          pg_port: String(stack.postgres!.port),
          dir: stack.dir,
          socket_dir: bouncer.socketDir,
          closed_port: String(await freePort()),
          tls_key_file: tls.key,
          tls_cert_file: tls.cert,
          app_password: stack.users.app.password,
        };
        const config = fillProofTemplate(proof.pgbouncerIni, values);
        assert.doesNotMatch(config, /\{\{\w+\}\}/, 'a placeholder was left unfilled');
        assert.equal(settingOf(config, 'auth_file'), path.join(stack.dir, 'userlist.txt'));
        // The same PgBouncer, restarted with the case's own configuration on its port.
        bouncer.writeConfig(config);
        await bouncer.stop();
        await bouncer.start();

        const result = await tryConnect(fillProofTemplate(proof.url, values), {
          timeoutMs: 5000,
          ...(proof.query ? { query: proof.query } : {}),
        });
        const seen = JSON.stringify(result);
        if (proof.expect.ok) {
          assert.equal(
            result.ok,
            true,
            `expected a connection, got ${seen}\nPgBouncer's log:\n${bouncer.log()}`,
          );
          if (proof.expect.value !== undefined) assert.equal(result.ok && result.value, proof.expect.value);
        } else {
          assert.equal(result.ok, false, `expected a refusal, got ${seen}`);
          assert.ok(
            !result.ok && result.message.includes(proof.expect.messageIncludes),
            `expected a message with "${proof.expect.messageIncludes}", got ${seen}`,
          );
          assert.ok(!seen.includes(stack.users.app.password), 'the message shows the password');
        }

        // The same question to our engine, with the same configuration and the stack's own auth_file.
        const userlist = fs.readFileSync(path.join(stack.dir, 'userlist.txt'), 'utf8');
        for (const form of clientFormsOf(proof)) {
          await t.test(`our engine agrees (URL in ${form})`, { todo: proof.engineTodo ?? false }, () => {
            const verdict = engineVerdict(proof, values, userlist, form);
            const expected = proof.rule === null ? [] : [proof.rule];
            assert.deepEqual(
              verdict.rules,
              expected,
              `PgBouncer ${proof.expect.ok ? 'connected' : `refused (${seen})`}; our engine reported ` +
                `${JSON.stringify(verdict.findings, null, 1)}\nroutes: ${verdict.routes.join('; ')}`,
            );
            for (const finding of verdict.findings)
              assert.ok(!finding.message.includes(stack.users.app.password), 'a message shows the password');
          });
        }
      } finally {
        await bouncer?.stop();
      }
    });
  }
});
