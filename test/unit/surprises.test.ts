// The HBA reading of rules/support/hba.ts, line by line and per release (verdicts from PgBouncer's
// own log: "could not parse hba config line N" on 1.18, 1.24.1 and 1.25.2).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveTargetVersion } from '../../server/src/catalog/catalog';
import type { Version } from '../../server/src/catalog/catalog';
import { hbaProblems, identMapNames } from '../../server/src/rules/support/hba';

const version = (text: string): Version => {
  const parsed = resolveTargetVersion(text);
  assert.ok(parsed);
  return parsed;
};

const dropped = (text: string, target = '1.18', maps: ReadonlySet<string> | null = null): number[] =>
  hbaProblems(text, version(target), maps)
    .filter((p) => p.dropped)
    .map((p) => p.line);

test('lines PgBouncer reads are not reported', () => {
  const text = [
    '# comment',
    '',
    '   ',
    'local all all peer',
    'host "my db","x""y" app,@users.txt 10.0.0.0/8 scram-sha-256 # trailing comment',
    'hostssl all all ::1/128 cert',
    'hostnossl sameuser all 10.0.0.0 255.0.0.0 reject',
    'host all all 0.0.0.0/ md5',
  ].join('\n');
  assert.deepEqual(hbaProblems(text, version('1.18'), null), []);
});

test('lines dropped by every release', () => {
  assert.deepEqual(dropped('host all all db.example.com md5'), [1]);
  assert.deepEqual(dropped('host all all 10.0.0.0/33 md5'), [1]);
  assert.deepEqual(dropped('host all all 10.0.0.0 md5'), [1]);
  assert.deepEqual(dropped('host samerole all 10.0.0.0/8 md5'), [1]);
  assert.deepEqual(dropped('host all "unterminated 10.0.0.0/8 md5'), [1]);
  assert.deepEqual(dropped('host all all 10.0.0.0/8 gss', '1.25'), [1]);
  assert.deepEqual(dropped('host all all 10.0.0.0/8 md5 extra', '1.25'), [1]);
});

test('what 1.23 and 1.25 added', () => {
  const text =
    'host replication all 10.0.0.0/8 md5\nhost all all all md5\nlocal all all peer map=ops\nhost all all 10.0.0.0/8 ldap ldapserver=x\n';
  assert.deepEqual(dropped(text, '1.18'), [1, 2, 3, 4]);
  assert.deepEqual(dropped(text, '1.24', new Set(['ops'])), [4]);
  assert.deepEqual(dropped(text, '1.25', new Set(['ops'])), []);
  assert.deepEqual(dropped(text, '1.25', new Set()), [3]);
  assert.deepEqual(dropped(text, '1.25', null), []);
});

test('an address with bits outside its mask is kept but never matches', () => {
  const problems = hbaProblems(
    'host all all 192.168.1.5/24 md5\nhost all all 10.1.0.0 255.0.0.0 md5\n',
    version('1.18'),
    null,
  );
  assert.deepEqual(
    problems.map((p) => [p.line, p.dropped]),
    [
      [1, false],
      [2, false],
    ],
  );
});

test('ident map names', () => {
  assert.deepEqual([...identMapNames('# maps\nops root postgres\nops admin all\nbad line\n')], ['ops']);
});
