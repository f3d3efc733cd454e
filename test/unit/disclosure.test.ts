// What findings may show: nothing of a file the user did not open, no secret of any file. Random
// included files are filled with canaries (unique words in keys, values, section names, connection
// strings, comments); none may come back in any message, related message, fix title or report.

import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { lintText } from '../../server/src/analysis/engine';
import type { LintResult } from '../../server/src/analysis/engine';
import { jsonErrorPlace } from '../../server/src/analysis/lint-config';
import { MASK, Redactor } from '../../server/src/analysis/disclosure';
import { buildAuditReport } from '../../server/src/report/audit-report';
import { memoryFileSystem } from '../support/memory-fs';

const DIR = '/cfg';
const MAIN = `${DIR}/pgbouncer.ini`;

/** Everything a user could be shown of a lint. */
function shown(result: LintResult): string {
  const parts: string[] = [];
  for (const finding of result.findings) {
    parts.push(finding.message);
    for (const info of finding.related ?? []) parts.push(info.message);
    for (const fix of finding.fixes ?? []) parts.push(fix.title);
  }
  parts.push(buildAuditReport(result, { fileLabel: 'pgbouncer.ini', fileLink: () => '' }));
  return parts.join('\n');
}

const CANARY = fc.stringMatching(/^[a-z]{6}$/).map((word) => `zq${word}`);

/** A line of an included file that carries a canary somewhere. */
const CANARY_LINE = fc.tuple(fc.nat(9), CANARY).map(([kind, canary]) => {
  switch (kind) {
    case 0:
      return `${canary} = 1`;
    case 1:
      return `max_client_conn = ${canary}`;
    case 2:
      return `[${canary}]`;
    case 3:
      return `${canary} = host=db ${canary}x=1`;
    case 4:
      return `app = host=${canary} dbname=a pool_mode=${canary}`;
    case 5:
      return `pool_mode = ${canary}`;
    case 6:
      return `${canary}`;
    case 7:
      return `DATABASE_URL=postgres://app:${canary}@db:5432/app`;
    case 8:
      return `listen_addr = ${canary} # ${canary}`;
    default:
      return `app = host=db password=${canary} junk`;
  }
});

test('no text of an included file appears in any finding, fix title or the report', () => {
  fc.assert(
    fc.property(
      fc.array(CANARY_LINE, { minLength: 1, maxLength: 12 }),
      fc.constantFrom('[pgbouncer]', '[databases]', '[users]', ''),
      (lines, section) => {
        const included = `${section}\n${lines.join('\n')}\n`;
        const text = `[pgbouncer]\nlisten_port = 6432\n${section}\n%include inc.ini\n[databases]\nroot = host=db\n`;
        const result = lintText(text, {
          filePath: MAIN,
          fileSystem: memoryFileSystem({ [`${DIR}/inc.ini`]: included }),
          targetVersion: '1.21',
        });
        const out = shown(result);
        for (const canary of included.match(/zq[a-z]{6}/g) ?? []) {
          assert.ok(!out.includes(canary), `${canary} from the included file is shown:\n${out}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('a password in the open file is never shown, whatever finding is about its line', () => {
  fc.assert(
    fc.property(CANARY, fc.nat(5), (secret, kind) => {
      const entry = [
        `app = host=db password=${secret} pool_mode=sesion`,
        `app = host=db password='${secret}' nosuch=1`,
        `app = host=db password=${secret} password=${secret}2`,
        `app = host=db dbname=x password=${secret} pool_size=abc`,
        `app = host=db password=${secret} 'unterminated`,
        `app = host=db password="${secret}" port=99999`,
      ][kind];
      const text = `[databases]\n${entry}\n[pgbouncer]\nlisten_port = 6432\n`;
      const result = lintText(text, {
        filePath: MAIN,
        fileSystem: memoryFileSystem({}),
        targetVersion: '1.21',
      });
      assert.ok(!shown(result).includes(secret), shown(result));
    }),
    { numRuns: 200 },
  );
});

test('the redactor masks passwords, URL passwords, SCRAM and MD5 secrets and key material', () => {
  const redactor = new Redactor(['hunter22']);
  const cases: [string, string][] = [
    ["value 'host=db password=abc123 port=5'", `value 'host=db password=${MASK} port=5'`],
    ['postgres://app:pa55@db/app', `postgres://app:${MASK}@db/app`],
    ['"SCRAM-SHA-256$4096:c2FsdA==$abc:def"', `"SCRAM-SHA-256$${MASK}"`],
    ['md5d41d8cd98f00b204e9800998ecf8427e', `md5${MASK}`],
    ['the word hunter22 again', `the word ${MASK} again`],
    ['-----BEGIN PRIVATE KEY-----', '[key material]'],
    ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj', '[key material]'],
  ];
  for (const [input, expected] of cases) assert.equal(redactor.redact(input), expected);
  assert.equal(redactor.redact('max_client_conn = 100'), 'max_client_conn = 100', 'ordinary text is kept');
});

test('file paths are shown, however long; every base64 line of real keys and certificates is masked', () => {
  const redactor = new Redactor();
  // The places CI and developers keep checkouts: runs of 40 and more base64 characters.
  for (const shown of [
    'auth_file: /home/ciuser/repo/test/fixtures/files/missing-hba.conf does not exist',
    '/home/runner/work/project/project/test/fixtures/files/userlist.txt',
    '/Users/JaneDoe2/Projects/MyService/deploy/config/pgbouncer.ini',
    '/var/lib/buildkite/builds/agent1/org/pgbouncer/test/fixtures/x',
  ]) {
    assert.equal(redactor.redact(shown), shown);
  }
  // Ed25519 and EC keys are quick to make; their PEM lines are base64 like any other key's.
  for (let round = 0; round < 200; round++) {
    const { privateKey, publicKey } =
      round % 2 === 0
        ? crypto.generateKeyPairSync('ed25519')
        : crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = [
      privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ].join('');
    for (const line of pem.split('\n')) {
      if (line.length < 40) continue;
      assert.equal(redactor.redact(line), '[key material]', 'a base64 line of a key is masked');
    }
  }
});

test('a JSON parse error is placed without quoting the text', () => {
  assert.equal(jsonErrorPlace('root:$6$secret:19000'), 'line 1, column 1');
  assert.equal(jsonErrorPlace('{\n  "a": 1,\n  b: 2\n}'), 'line 3, column 3');
  assert.equal(jsonErrorPlace('{"a": '), 'it ends too early');
  assert.equal(jsonErrorPlace('{"a": 1} x'), 'line 1, column 10');
  assert.equal(jsonErrorPlace('[1, 2,]'), 'line 1, column 7');
  assert.equal(jsonErrorPlace('['.repeat(200_000)), 'nested too deeply');
  // Valid JSON that JSON.parse accepts is not reported at all (the caller only asks on an error).
  assert.doesNotThrow(() => jsonErrorPlace('{"a": [1, 2.5e3, true, null, "x\\u0041"]}'));
});
