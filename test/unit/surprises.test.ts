// The silent-surprise rules (issue #13): what they report and fix, and the HBA reading of
// rules/support/hba.ts line by line and per release (verdicts from PgBouncer's own log: "could not
// parse hba config line N" on 1.18, 1.24.1 and 1.25.2).

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { applyEdits } from '../../server/src/findings/fix';
import { RULES_BY_ID } from '../../server/src/rules';
import { memoryFileSystem } from '../support/memory-fs';
import { one, only, virtualLint } from '../support/rule-lint';
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

const DIR = path.resolve('/virtual/surprises');
const HEAD = '[pgbouncer]\nlisten_addr = 127.0.0.1\n';
const lint = virtualLint(DIR);
const fixed = (text: string, code: string, options = {}): string => {
  const finding = one(lint(text, options), code);
  assert.ok(finding.fixes && finding.fixes.length > 0, `${code} has a fix`);
  return applyEdits(text, finding.fixes[0].edits);
};

test('the surprise rules are warnings, never errors', () => {
  for (const id of [
    'unix-socket-mode-decimal',
    'syslog-facility-unknown',
    'list-semicolon',
    'setting-name-as-entry',
    'pkt-buf-too-small',
    'hba-line-dropped',
  ]) {
    const rule = RULES_BY_ID.get(id);
    assert.ok(rule, id);
    assert.deepEqual(rule.severity, { production: 'warning', development: 'warning' }, id);
  }
});

test('unix_socket_mode: decimal spellings of octal modes get the 0, others only a warning', () => {
  assert.equal(
    fixed(`${HEAD}unix_socket_mode = 777\n`, 'unix-socket-mode-decimal'),
    `${HEAD}unix_socket_mode = 0777\n`,
  );
  const noFix = one(lint(`${HEAD}unix_socket_mode = 888\n`), 'unix-socket-mode-decimal');
  assert.match(noFix.message, /mode 01570/);
  assert.deepEqual(noFix.fixes ?? [], []);
  for (const quiet of ['0777', '0x1ff', '511', '7', '0'])
    assert.deepEqual(
      only(lint(`${HEAD}unix_socket_mode = ${quiet}\n`), 'unix-socket-mode-decimal'),
      [],
      quiet,
    );
});

test('syslog_facility: lower-cased when known, listed when not, left alone with an inline comment', () => {
  assert.equal(
    fixed(`${HEAD}syslog = 1\nsyslog_facility = LOCAL0\n`, 'syslog-facility-unknown'),
    `${HEAD}syslog = 1\nsyslog_facility = local0\n`,
  );
  const unknown = one(lint(`${HEAD}syslog_facility = kern\n`), 'syslog-facility-unknown');
  assert.match(unknown.message, /matters once syslog = 1/);
  assert.deepEqual(unknown.fixes ?? [], []);
  assert.deepEqual(only(lint(`${HEAD}syslog_facility = local0 # ops\n`), 'syslog-facility-unknown'), []);
  assert.deepEqual(only(lint(HEAD), 'syslog-facility-unknown'), []);
});

test("list-semicolon: ';' becomes ',' ; lists the target lacks are not read", () => {
  assert.equal(
    fixed(`${HEAD}admin_users = alice;bob\n`, 'list-semicolon'),
    `${HEAD}admin_users = alice,bob\n`,
  );
  assert.deepEqual(only(lint(`${HEAD}admin_users = alice, bob\n`), 'list-semicolon'), []);
  // A blank before ';' starts what validation reports as an inline comment.
  assert.deepEqual(only(lint(`${HEAD}admin_users = alice ;bob\n`), 'list-semicolon'), []);
  const track = `${HEAD}track_extra_parameters = a;b\n`;
  assert.deepEqual(only(lint(track), 'list-semicolon'), []);
  one(lint(track, { targetVersion: '1.21' }), 'list-semicolon');
});

test('setting-name-as-entry: only where PgBouncer accepts the entry (no double report)', () => {
  const accepted = lint(`[databases]\nlogfile =\n\n[users]\nuser = pool_mode=session\n\n${HEAD}`);
  assert.equal(only(accepted, 'setting-name-as-entry').length, 2);
  const refused = lint(`[databases]\nlisten_backlog = 128\n\n${HEAD}`);
  one(refused, 'misplaced-setting');
  assert.deepEqual(only(refused, 'setting-name-as-entry'), []);
  assert.deepEqual(
    only(lint(`[databases]\napp = host=h\n* = host=h\n\n${HEAD}`), 'setting-name-as-entry'),
    [],
  );
});

test('pkt_buf: below 256 a warning whose detail follows the release; the default restores it', () => {
  assert.equal(fixed(`${HEAD}pkt_buf = 128\n`, 'pkt-buf-too-small'), `${HEAD}pkt_buf = 4096\n`);
  assert.match(one(lint(`${HEAD}pkt_buf = 128\n`), 'pkt-buf-too-small').message, /before 1\.23/);
  assert.doesNotMatch(
    one(lint(`${HEAD}pkt_buf = 128\n`, { targetVersion: '1.25' }), 'pkt-buf-too-small').message,
    /before 1\.23|stalls/,
  );
  assert.match(
    one(lint(`${HEAD}pkt_buf = 64\n`, { targetVersion: '1.25' }), 'pkt-buf-too-small').message,
    /stalls/,
  );
  assert.deepEqual(only(lint(`${HEAD}pkt_buf = 256\n`), 'pkt-buf-too-small'), []);
  assert.deepEqual(only(lint(HEAD), 'pkt-buf-too-small'), []);
});

test('hba-line-dropped reads the file where the configuration names it, only with auth_type = hba', () => {
  const fileSystem = memoryFileSystem({ [path.join(DIR, 'hba.conf')]: 'host all all db.example.com md5\n' }, [
    DIR,
  ]);
  const hba = `${HEAD}auth_type = hba\nauth_hba_file = hba.conf\n`;
  assert.match(one(lint(hba, { fileSystem }), 'hba-line-dropped').message, /skips line 1 of the HBA file/);
  const other = `${HEAD}auth_type = md5\nauth_hba_file = hba.conf\n`;
  assert.deepEqual(only(lint(other, { fileSystem }), 'hba-line-dropped'), []);
  // Not on this machine: nothing to say about its lines.
  assert.deepEqual(only(lint(hba), 'hba-line-dropped'), []);
});
