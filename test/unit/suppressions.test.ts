import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';

const RULES = {
  '*': 'off',
  'client-idle-timeout-disabled': 'warning',
  'syslog-disabled': 'information',
} as const;

function codes(text: string): [string, number][] {
  const result = lintText(text, {
    filePath: '/tmp/suppress/pgbouncer.ini',
    rules: { ...RULES },
    targetVersion: '1.18',
  });
  return result.findings.map((f) => [
    f.code,
    result.model.root.parsed.lineIndex.positionAt(f.span.start).line + 1,
  ]);
}

const BASE = '[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 0\n';

test('without comments both rules fire', () => {
  assert.deepEqual(codes(BASE), [
    ['client-idle-timeout-disabled', 3],
    ['syslog-disabled', 1],
  ]);
});

test('disable-next-line hides the named rule on the next line only', () => {
  const text =
    '[pgbouncer]\nlisten_addr = 127.0.0.1\n; pgbouncer-lint: disable-next-line client-idle-timeout-disabled\nclient_idle_timeout = 0\n';
  assert.deepEqual(codes(text), [['syslog-disabled', 1]]);
});

test('disable without ids hides every rule until enable', () => {
  const text =
    '; pgbouncer-lint: disable\n[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 0\n; pgbouncer-lint: enable\n';
  assert.deepEqual(codes(text), []);
});

test('enable with an id ends the suppression of that rule only', () => {
  const text =
    '; pgbouncer-lint: disable client-idle-timeout-disabled, syslog-disabled\n; pgbouncer-lint: enable syslog-disabled\n' +
    BASE;
  assert.deepEqual(codes(text), [['syslog-disabled', 3]]);
});

test('a reason after -- is allowed', () => {
  const text =
    '[pgbouncer]\nlisten_addr = 127.0.0.1\n; pgbouncer-lint: disable-next-line client-idle-timeout-disabled -- clients are short-lived\nclient_idle_timeout = 0\n';
  assert.deepEqual(codes(text), [['syslog-disabled', 1]]);
});

test('an unknown id is reported, and a suppression that hides nothing is information', () => {
  const text =
    '; pgbouncer-lint: disable-next-line no-such-rule\n' +
    BASE +
    '; pgbouncer-lint: disable-next-line syslog-disabled\nmax_client_conn = 10\n';
  const result = lintText(text, {
    filePath: '/tmp/suppress/pgbouncer.ini',
    rules: { ...RULES },
    targetVersion: '1.18',
  });
  const found = result.findings.map((f) => [f.code, f.severity]);
  assert.deepEqual(
    found.filter(([code]) => code === 'unknown-rule'),
    [['unknown-rule', 'warning']],
  );
  assert.deepEqual(
    found.filter(([code]) => code === 'unused-suppression'),
    [['unused-suppression', 'information']],
  );
  const unused = result.findings.find((f) => f.code === 'unused-suppression');
  assert.equal(unused?.fixes?.[0].title, 'Remove the unused pgbouncer-lint comment');
});

test('errors cannot be suppressed: PgBouncer would still refuse to start', () => {
  const text = '[pgbouncer]\n; pgbouncer-lint: disable-next-line unknown-setting\nbogus = 1\n';
  const found = codes(text).map(([code]) => code);
  assert.ok(found.includes('unknown-setting'));
  assert.ok(found.includes('unused-suppression'));
});
