// Timeouts, pooling mode and observability rules (the rules of this category in server/src/rules/index.ts): profiles, fixes and
// edge cases the fixtures in test/fixtures/rules do not show.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { applyEdits } from '../../server/src/findings/fix';
import { RULES } from '../../server/src/rules';

const SURPRISES = [
  'unix-socket-mode-decimal',
  'syslog-facility-unknown',
  'list-semicolon',
  'setting-name-as-entry',
  'pkt-buf-too-small',
];
const RULES_A = RULES.filter(
  (rule) =>
    ['Timeouts', 'Observability', 'Configuration quality'].includes(rule.category) &&
    rule.id !== 'client-idle-timeout-disabled' &&
    // The silent surprises (issue #13) have their own tests: test/unit/surprises.test.ts.
    !SURPRISES.includes(rule.id),
);
import type { Finding } from '../../server/src/findings/finding';
import { memoryFileSystem } from '../support/memory-fs';
import { one, only, virtualLint } from '../support/rule-lint';

const DIR = path.resolve('/virtual/rules-a');
const HEAD = '[pgbouncer]\nlisten_addr = 127.0.0.1\n';

const lint = virtualLint(DIR);

test('list-a rules are neither errors nor without a link to a setting of PgBouncer', () => {
  assert.equal(RULES_A.length, 12);
  for (const rule of RULES_A) {
    assert.ok(!Object.values(rule.severity).includes('error'), rule.id);
    assert.match(rule.docs.link, /^https:\/\/www\.pgbouncer\.org\/config\.html#[a-z_]+(-\d)?$/, rule.id);
  }
});

test('development profile: network-independent rules keep or lower their severity; syslog is off', () => {
  const text = `${HEAD}pool_mode = transaction\nquery_wait_timeout = 0\nserver_lifetime = 0\nlog_pooler_errors = 0\nstats_period = 5\n`;
  const production = lint(text, { profile: 'production' });
  const development = lint(text, { profile: 'development' });
  const severities = (findings: Finding[]) =>
    Object.fromEntries(
      RULES_A.map((rule) => [rule.id, only(findings, rule.id).map((f) => f.severity)[0] ?? 'none']),
    );
  assert.deepEqual(severities(production), {
    'query-wait-timeout-disabled': 'warning',
    'query-timeout': 'information',
    'server-lifetime-range': 'warning',
    'server-idle-timeout-range': 'none',
    'idle-transaction-timeout-missing': 'warning',
    'reset-query-ignored': 'none',
    'prepared-statements-disabled': 'none',
    'statement-pooling': 'none',
    'log-pooler-errors-off': 'information',
    'stats-period-range': 'information',
    'stats-users-missing': 'information',
    'syslog-disabled': 'information',
  });
  assert.deepEqual(severities(development), {
    'query-wait-timeout-disabled': 'information',
    'query-timeout': 'hint',
    'server-lifetime-range': 'information',
    'server-idle-timeout-range': 'none',
    'idle-transaction-timeout-missing': 'information',
    'reset-query-ignored': 'none',
    'prepared-statements-disabled': 'none',
    'statement-pooling': 'none',
    'log-pooler-errors-off': 'hint',
    'stats-period-range': 'hint',
    'stats-users-missing': 'hint',
    'syslog-disabled': 'none',
  });
});

test('development profile keeps warnings that break applications in any environment', () => {
  const text = `${HEAD}pool_mode = statement\n`;
  assert.equal(one(lint(text, { profile: 'development' }), 'statement-pooling').severity, 'warning');
  const prepared = lint(`${HEAD}pool_mode = transaction\n`, {
    profile: 'development',
    targetVersion: '1.21',
  });
  assert.equal(one(prepared, 'prepared-statements-disabled').severity, 'warning');
});

test('the audited configuration: what list-a reports on it for 1.21', () => {
  const text = [
    '[databases]',
    'sahool = host=postgres port=5432 dbname=sahool',
    '[pgbouncer]',
    'listen_addr = 0.0.0.0',
    'pool_mode = transaction',
    'server_idle_timeout = 600',
    'query_timeout = 120',
    'query_wait_timeout = 30',
    'server_lifetime = 3600',
    'log_pooler_errors = 1',
    'stats_period = 60',
    'admin_users = pgbouncer_admin',
    'stats_users = pgbouncer_stats',
    '',
  ].join('\n');
  const ids = new Set(RULES_A.map((rule) => rule.id));
  const codes = lint(text, { targetVersion: '1.21' })
    .filter((finding) => ids.has(finding.code))
    .map((finding) => finding.code)
    .sort();
  assert.deepEqual(codes, [
    'idle-transaction-timeout-missing',
    'prepared-statements-disabled',
    'syslog-disabled',
  ]);
});

test('reset-query-ignored: removing the line is safe; server_reset_query_always = 1 is only a suggestion', () => {
  const text = `${HEAD}pool_mode = transaction\nserver_reset_query = DISCARD ALL\n`;
  const finding = one(lint(text), 'reset-query-ignored');
  const [remove, always] = finding.fixes ?? [];
  assert.equal(remove.title, 'Remove server_reset_query (not used without session pooling)');
  assert.equal(remove.kind, 'safe');
  assert.equal(applyEdits(text, remove.edits), `${HEAD}pool_mode = transaction\n`);
  assert.equal(always.kind, 'suggestion');
  assert.equal(
    applyEdits(text, always.edits),
    `${HEAD}pool_mode = transaction\nserver_reset_query = DISCARD ALL\nserver_reset_query_always = 1\n`,
  );
});

test('reset-query-ignored: statement pooling does not run it either; a user in session pooling does', () => {
  const statement = `${HEAD}pool_mode = statement\nserver_reset_query = DISCARD ALL\n`;
  assert.match(one(lint(statement), 'reset-query-ignored').message, /pool_mode = statement/);
  const user = `[users]\nmigrator = pool_mode=session\n\n${statement}`;
  assert.equal(only(lint(user), 'reset-query-ignored').length, 0);
});

test('idle-transaction-timeout-missing points at every place that chooses transaction pooling', () => {
  const text = `[databases]\na = host=127.0.0.1 pool_mode=transaction\nb = host=127.0.0.1 pool_mode=TRANSACTION\n\n${HEAD}`;
  const finding = one(lint(text), 'idle-transaction-timeout-missing');
  assert.match(finding.message, /pool_mode=transaction on database "a" and 1 more/);
  assert.deepEqual(
    (finding.related ?? []).map((related) => text.slice(related.span.start, related.span.end)),
    ['transaction', 'TRANSACTION'],
  );
  assert.equal(applyEdits(text, finding.fixes?.[0].edits ?? []), `${text}idle_transaction_timeout = 60\n`);
});

test('idle-transaction-timeout-missing: [users] limits only count from the version that has them', () => {
  const text = `[users]\napp = pool_mode=transaction idle_transaction_timeout=30\n\n${HEAD}`;
  assert.equal(only(lint(text, { targetVersion: '1.24' }), 'idle-transaction-timeout-missing').length, 0);
  // 1.18 does not know the parameter (an error of its own); the user is not covered there.
  assert.equal(only(lint(text, { targetVersion: '1.18' }), 'idle-transaction-timeout-missing').length, 1);
  const transactionTimeout = `${HEAD}pool_mode = transaction\ntransaction_timeout = 300\n`;
  assert.equal(
    only(lint(transactionTimeout, { targetVersion: '1.25' }), 'idle-transaction-timeout-missing').length,
    0,
  );
});

test('prepared-statements-disabled follows the default of the target version', () => {
  const text = `${HEAD}pool_mode = transaction\n`;
  for (const [target, count] of [
    ['1.18', 0],
    ['1.21', 1],
    ['1.23', 1],
    ['1.24', 0],
    ['1.25', 0],
  ] as const) {
    assert.equal(
      only(lint(text, { targetVersion: target }), 'prepared-statements-disabled').length,
      count,
      target,
    );
  }
  // Negative values still enable tracking in PgBouncer (only 0 turns it off).
  const negative = `${HEAD}pool_mode = transaction\nmax_prepared_statements = -1\n`;
  assert.equal(only(lint(negative, { targetVersion: '1.24' }), 'prepared-statements-disabled').length, 0);
});

test('settings made in an included file get findings there but no fix that would edit that file', () => {
  const child = path.join(DIR, 'timeouts.ini');
  const fileSystem = memoryFileSystem({ [child]: 'query_wait_timeout = 0\nserver_lifetime = 0\n' }, [DIR]);
  const findings = lint(`${HEAD}%include timeouts.ini\n`, { fileSystem });
  for (const code of ['query-wait-timeout-disabled', 'server-lifetime-range']) {
    const finding = one(findings, code);
    assert.equal(finding.file, child, code);
    assert.equal(finding.fixes, undefined, code);
  }
});

test('server-lifetime-range: the fix value is the default, per database too', () => {
  const text = `[databases]\nchurn = host=127.0.0.1 server_lifetime=5\n\n${HEAD}server_lifetime = 10\n`;
  const findings = only(lint(text, { targetVersion: '1.23' }), 'server-lifetime-range');
  assert.equal(findings.length, 2);
  assert.equal(
    applyEdits(
      text,
      findings.flatMap((finding) => finding.fixes?.[0].edits ?? []),
    ),
    `[databases]\nchurn = host=127.0.0.1 server_lifetime=3600\n\n${HEAD}server_lifetime = 3600\n`,
  );
});

test('server-idle-timeout-range: 0 only matters when server_lifetime is longer than the default idle timeout', () => {
  assert.equal(only(lint(`${HEAD}server_idle_timeout = 0\n`), 'server-idle-timeout-range').length, 1);
  assert.equal(
    only(lint(`${HEAD}server_idle_timeout = 0\nserver_lifetime = 600\n`), 'server-idle-timeout-range').length,
    0,
  );
  // server_lifetime = 0 is server-lifetime-range's finding, not this rule's.
  assert.equal(
    only(lint(`${HEAD}server_idle_timeout = 0\nserver_lifetime = 0\n`), 'server-idle-timeout-range').length,
    0,
  );
});

test('query-timeout and stats-period-range read values as PgBouncer does', () => {
  // 1e4 seconds is a valid time for PgBouncer (strtod).
  assert.match(
    one(lint(`${HEAD}query_timeout = 1e4\n`), 'query-timeout').message,
    /10000 \(2 h 46 min 40 s\)/,
  );
  // 0x10 is 16 for strtol base 0: inside the range.
  assert.equal(only(lint(`${HEAD}stats_period = 0x10\n`), 'stats-period-range').length, 0);
  assert.equal(only(lint(`${HEAD}stats_period = 010\n`), 'stats-period-range').length, 1);
});

test('syslog-disabled stays quiet when a logfile is set, and its fix keeps PgBouncer logging to stderr too', () => {
  assert.equal(only(lint(`${HEAD}logfile = /var/log/pgbouncer.log\n`), 'syslog-disabled').length, 0);
  const text = `${HEAD}syslog = 0\n`;
  const finding = one(lint(text), 'syslog-disabled');
  assert.equal(applyEdits(text, finding.fixes?.[0].edits ?? []), `${HEAD}syslog = 1\n`);
});

test('stats-users-missing and statement-pooling offer no fix', () => {
  assert.equal(one(lint(HEAD), 'stats-users-missing').fixes, undefined);
  assert.equal(one(lint(`${HEAD}pool_mode = statement\n`), 'statement-pooling').fixes, undefined);
});
