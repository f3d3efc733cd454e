// Pool sizing rules (the rules of this category in server/src/rules/index.ts) and their arithmetic (server/src/model/pools.ts):
// PgBouncer's pool model by version, profiles, lint options, fixes and the audited examples.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import type { LintOptions } from '../../server/src/analysis/engine';
import { applyEdits } from '../../server/src/findings/fix';
import { loadConfig } from '../../server/src/model/config';
import { effectiveConfig } from '../../server/src/model/effective';
import { RULES } from '../../server/src/rules';

const RULES_C = RULES.filter((rule) => rule.category === 'Pool sizing');
import {
  buildPoolModel,
  effectiveMin,
  fileEstimate,
  poolLimit,
  serverGroups,
  sizeLimit,
  usableReserve,
} from '../../server/src/model/pools';
import type { PoolModel } from '../../server/src/model/pools';
import { DEFAULT_RULE_OPTIONS, RuleContext } from '../../server/src/rules/rule';
import type { RuleOptions } from '../../server/src/rules/rule';
import { resolveTargetVersion } from '../../server/src/catalog/catalog';
import type { Finding } from '../../server/src/findings/finding';
import { memoryFileSystem } from '../support/memory-fs';
import { only, virtualLint } from '../support/rule-lint';

const DIR = path.resolve('/virtual/rules-c');
const FILE = path.join(DIR, 'pgbouncer.ini');
const HEAD = '[pgbouncer]\nlisten_addr = 127.0.0.1\n';
const OURS = new Set(RULES_C.map((rule) => rule.id));
const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

const lint = virtualLint(DIR);

function ours(findings: Finding[]): Finding[] {
  return findings.filter((finding) => OURS.has(finding.code));
}

function model(text: string, target = '1.18', options: Partial<RuleOptions> = {}): PoolModel {
  const version = resolveTargetVersion(target);
  assert.ok(version);
  const fileSystem = memoryFileSystem({}, [DIR]);
  const loaded = loadConfig(text, { filePath: FILE, runDirectory: DIR, fileSystem });
  const context = new RuleContext(
    loaded,
    effectiveConfig(loaded, version),
    version,
    'production',
    { ...DEFAULT_RULE_OPTIONS, ...options },
    fileSystem,
  );
  const built = buildPoolModel(context);
  assert.ok(built, 'the pool model could not be built');
  return built;
}

/** The pool of database `db` and user `user` (null: any client user). */
function pool(built: PoolModel, db: string, user: string | null = null) {
  const found = built.pools.find((p) => p.database.name === db && p.user === user);
  assert.ok(found, `no pool ${db}/${user}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// The pool model

test('pool size: [users] pool_size (1.23+) wins over the database, which wins over default_pool_size', () => {
  const text = `[databases]\napp = host=h pool_size=10\nother = host=h\n\n[users]\netl = pool_size=3\n\n${HEAD}default_pool_size = 20\n`;
  const newer = model(text, '1.23');
  assert.equal(pool(newer, 'app').size.value, 10);
  assert.equal(pool(newer, 'app').size.source.level, 'database');
  assert.equal(pool(newer, 'app', 'etl').size.value, 3);
  assert.equal(pool(newer, 'app', 'etl').size.source.level, 'user');
  assert.equal(pool(newer, 'other').size.value, 20);
  assert.equal(pool(newer, 'other').size.source.level, 'global');
  // 1.18 has no pool_size in [users]: no separate pool for etl.
  const older = model(text, '1.18');
  assert.equal(
    older.pools.some((p) => p.user === 'etl'),
    false,
  );
});

test('a forced user has one pool, sized by its [users] entry; forced users are not client logins elsewhere', () => {
  const text = `[databases]\nreports = host=h user=reporter\napp = host=h\n\n[users]\nreporter = pool_size=4 max_user_connections=6\n\n${HEAD}`;
  const built = model(text, '1.23');
  const reports = built.pools.filter((p) => p.database.name === 'reports');
  assert.equal(reports.length, 1);
  assert.equal(reports[0].forced, true);
  assert.equal(reports[0].size.value, 4);
  assert.equal(reports[0].userCap?.value, 6);
  assert.deepEqual(
    built.pools.filter((p) => p.database.name === 'app').map((p) => p.user),
    [null],
  );
});

test('reserve: reserve_pool and reserve_pool_size are one parameter, the last written wins; 1.18 knows only reserve_pool', () => {
  const late = `[databases]\napp = host=h reserve_pool=2 reserve_pool_size=4\n\n${HEAD}`;
  const early = `[databases]\napp = host=h reserve_pool_size=4 reserve_pool=2\n\n${HEAD}`;
  assert.equal(pool(model(late, '1.24'), 'app').reserve.value, 4);
  assert.equal(pool(model(early, '1.24'), 'app').reserve.value, 2);
  assert.equal(pool(model(late, '1.18'), 'app').reserve.value, 2);
});

test('pool size 0: no limit from 1.24, before that no room beyond the reserve; min_pool_size is never applied', () => {
  const text = `[databases]\napp = host=h\n\n${HEAD}default_pool_size = 0\nmin_pool_size = 5\nreserve_pool_size = 2\n`;
  const newer = model(text, '1.24');
  assert.equal(sizeLimit(newer, pool(newer, 'app')), Infinity);
  assert.equal(poolLimit(newer, pool(newer, 'app')), Infinity);
  assert.equal(effectiveMin(newer, pool(newer, 'app')), 0);
  const older = model(text, '1.23');
  assert.equal(sizeLimit(older, pool(older, 'app')), 0);
  assert.equal(poolLimit(older, pool(older, 'app')), 2);
  assert.equal(effectiveMin(older, pool(older, 'app')), 0);
});

test('reserve_pool_timeout below one microsecond is stored as 0 and turns the reserve off', () => {
  const text = (timeout: string) =>
    `[databases]\napp = host=h\n\n${HEAD}reserve_pool_size = 5\nreserve_pool_timeout = ${timeout}\n`;
  const tiny = model(text('0.0000001'));
  assert.equal(tiny.reserveEnabled, false);
  assert.equal(usableReserve(tiny, pool(tiny, 'app')), 0);
  const micro = model(text('0.000001'));
  assert.equal(micro.reserveEnabled, true);
  assert.equal(usableReserve(micro, pool(micro, 'app')), 5);
});

test('min_pool_size is capped at the pool size; max_db_connections and max_user_connections cap a pool', () => {
  const text = `[databases]\napp = host=h pool_size=8 max_db_connections=12\n\n${HEAD}min_pool_size = 10\nreserve_pool_size = 5\nmax_user_connections = 30\n`;
  const built = model(text);
  const app = pool(built, 'app');
  assert.equal(effectiveMin(built, app), 8);
  assert.equal(poolLimit(built, app), 12);
  assert.equal(app.userCap?.value, 30);
});

test('server groups: databases are summed per host and port; a forced user\u2019s max_user_connections caps its databases together', () => {
  const text =
    `[databases]\n` +
    `a = host=pg1 pool_size=30\n` +
    `b = host=PG1 port=5432 pool_size=10 max_db_connections=5\n` +
    `c = host=pg1 user=svc pool_size=40\n` +
    `d = host=pg1 user=svc pool_size=40\n` +
    `e = host=pg2 port=6000 pool_size=7\n` +
    `f = dbname=local\n` +
    `* = host=pg1\n\n` +
    `[users]\nsvc = max_user_connections=50\n\n${HEAD}reserve_pool_size = 1\n`;
  const groups = serverGroups(model(text));
  assert.deepEqual(
    groups.map((g) => [g.label, g.total, g.databases.map((d) => d.entry.name)]),
    [
      ['pg1:5432', 31 + 5 + 50, ['a', 'b', 'c', 'd']],
      ['pg2:6000', 8, ['e']],
      ['the local Unix socket (port 5432)', 21, ['f']],
    ],
  );
});

test('file descriptors: clients, server connections and a margin; unlimited pools count one per client', () => {
  const limited = fileEstimate(model(`[databases]\napp = host=h\n\n${HEAD}max_client_conn = 300\n`));
  assert.deepEqual(limited, { clients: 300, servers: 20, total: 330, unlimited: false });
  const unlimited = fileEstimate(
    model(
      `[databases]\napp = host=h\nb = host=h pool_size=5\n\n${HEAD}max_client_conn = 300\ndefault_pool_size = 0\n`,
      '1.24',
    ),
  );
  assert.deepEqual(unlimited, { clients: 300, servers: 305, total: 615, unlimited: true });
});

// ---------------------------------------------------------------------------------------------
// Rules

test('severities: capacity findings are information in the development profile, inconsistencies stay warnings', () => {
  const text =
    `[databases]\napp = host=h pool_size=200\n\n${HEAD}max_client_conn = 2000\nmin_pool_size = 300\n` +
    `reserve_pool_size = 5\nreserve_pool_timeout = 0\nmax_db_connections = 150\n`;
  const severities = (profile: 'production' | 'development') =>
    Object.fromEntries(ours(lint(text, { profile })).map((f) => [f.code, f.severity]));
  assert.deepEqual(severities('production'), {
    'min-pool-above-default': 'warning',
    'pool-exceeds-connection-limit': 'warning',
    'pools-exceed-postgres-max-connections': 'warning',
    'max-client-conn-fd-limit': 'warning',
    'reserve-pool-without-timeout': 'warning',
  });
  assert.deepEqual(severities('development'), {
    'min-pool-above-default': 'warning',
    'pool-exceeds-connection-limit': 'warning',
    'pools-exceed-postgres-max-connections': 'information',
    'max-client-conn-fd-limit': 'information',
    'reserve-pool-without-timeout': 'warning',
  });
});

test('lint options: postgresMaxConnections and fileDescriptorLimit move the thresholds', () => {
  const text = `[databases]\na = host=h pool_size=60\nb = host=h pool_size=40\n\n${HEAD}max_client_conn = 950\n`;
  assert.equal(only(lint(text), 'pools-exceed-postgres-max-connections').length, 1);
  assert.equal(
    only(
      lint(text, { ruleOptions: { postgresMaxConnections: 103 } }),
      'pools-exceed-postgres-max-connections',
    ).length,
    0,
  );
  assert.equal(
    only(
      lint(text, { ruleOptions: { postgresMaxConnections: 102 } }),
      'pools-exceed-postgres-max-connections',
    ).length,
    1,
  );
  // 950 clients + 100 server connections + 10 = 1060.
  assert.equal(only(lint(text), 'max-client-conn-fd-limit').length, 1);
  assert.equal(
    only(lint(text, { ruleOptions: { fileDescriptorLimit: 1060 } }), 'max-client-conn-fd-limit').length,
    0,
  );
});

test('rules about settings of newer versions stay quiet for older targets', () => {
  // [users] pool_size is 1.23+: on 1.18 PgBouncer does not use it, so nothing is capped by it.
  const text = `[databases]\napp = host=h\n\n[users]\netl = pool_size=2\n\n${HEAD}min_pool_size = 5\n`;
  assert.equal(only(lint(text, { targetVersion: '1.23' }), 'min-pool-above-default').length, 1);
  assert.equal(only(lint(text, { targetVersion: '1.18' }), 'min-pool-above-default').length, 0);
  // default_pool_size = 0 is unlimited only from 1.24 on.
  const zero = `[databases]\napp = host=h\n\n${HEAD}default_pool_size = 0\n`;
  assert.equal(
    only(lint(zero, { targetVersion: '1.24' }), 'pools-exceed-postgres-max-connections').length,
    1,
  );
  assert.equal(
    only(lint(zero, { targetVersion: '1.23' }), 'pools-exceed-postgres-max-connections').length,
    0,
  );
});

test('a global fix that would change other databases is made on the database concerned instead', () => {
  const text = `[databases]\na = host=h\nb = host=h pool_size=50\n\n${HEAD}default_pool_size = 5\nmin_pool_size = 10\n`;
  const [finding] = only(lint(text), 'min-pool-above-default');
  assert.ok(finding?.fixes);
  const [fix] = finding.fixes;
  assert.equal(fix.title, "Set min_pool_size=5 on database 'a'");
  assert.equal(fix.kind, 'safe');
  const fixed = applyEdits(text, fix.edits);
  assert.match(fixed, /^a = host=h min_pool_size=5$/m);
  assert.equal(ours(lint(fixed)).filter((f) => f.severity === 'warning').length, 0);
});

test('the reserve fix that turns the reserve on is not offered when the reserve would break a cap', () => {
  const text = `[databases]\napp = host=h\n\n${HEAD}default_pool_size = 20\nreserve_pool_size = 5\nreserve_pool_timeout = 0\nmax_db_connections = 20\n`;
  const [finding] = only(lint(text), 'reserve-pool-without-timeout');
  assert.deepEqual(
    finding.fixes?.map((fix) => fix.title),
    ['Set reserve_pool_size = 0 (no reserve)'],
  );
});

test('no fix edits a setting that lives in an included file', () => {
  const extra = path.join(DIR, 'limits.ini');
  const text = `[databases]\napp = host=h\n\n${HEAD}default_pool_size = 20\n%include ${extra}\n`;
  const findings = lint(text, { fileSystem: memoryFileSystem({ [extra]: 'min_pool_size = 30\n' }, [DIR]) });
  const [finding] = only(findings, 'min-pool-above-default');
  assert.equal(finding.file, extra);
  // The global fix would have to edit limits.ini; the database-level one is the only one left.
  assert.deepEqual(
    finding.fixes?.map((fix) => fix.title),
    ["Set min_pool_size=20 on database 'app'"],
  );
});

test('the fallback database * gets per-database checks but is not counted in sums', () => {
  const text = `[databases]\n* = host=h pool_size=200 max_db_connections=10\n\n${HEAD}`;
  const findings = lint(text);
  assert.equal(only(findings, 'pool-exceeds-connection-limit').length, 1);
  assert.equal(only(findings, 'pools-exceed-postgres-max-connections').length, 0);
  assert.equal(only(findings, 'shared-default-pool-size').length, 0);
});

test('max-db-connections-scope and pool-exceeds-connection-limit never fire on the same cap', () => {
  for (const cap of [10, 24, 25, 26, 100]) {
    const text = `[databases]\napp = host=h\n\n${HEAD}default_pool_size = 20\nreserve_pool_size = 5\nmax_db_connections = ${cap}\n`;
    const findings = lint(text);
    const scope = only(findings, 'max-db-connections-scope').length;
    const exceeds = only(findings, 'pool-exceeds-connection-limit').length;
    assert.equal(scope, cap > 25 ? 1 : 0, `scope at ${cap}`);
    assert.equal(exceeds, cap < 25 ? 1 : 0, `exceeds at ${cap}`);
  }
});

// ---------------------------------------------------------------------------------------------
// The audited configuration and the recommended one

function lintExample(name: string, options: Partial<LintOptions> = {}): Finding[] {
  const filePath = path.join(EXAMPLES, name);
  return ours(
    lintText(fs.readFileSync(filePath, 'utf8'), {
      filePath,
      targetVersion: '1.21',
      useProjectFile: false,
      ...options,
    }).findings,
  );
}

test('examples/pgbouncer.ini: the audit\u2019s pool findings (#3, #7) are reported, as information, with the real model', () => {
  const findings = lintExample('pgbouncer.ini');
  assert.deepEqual(
    findings.map((f) => [f.code, f.severity]),
    [
      ['shared-default-pool-size', 'information'],
      ['max-db-connections-scope', 'information'],
    ],
  );
  assert.match(findings[0].message, /share one pool of 20 server connections \(plus 5 reserve connections/);
  assert.match(
    findings[1].message,
    /at most 25 server connections .* limit of 100 only comes into play when 4 or more users/,
  );
});

test('examples/pgbouncer-secure.ini: no pool sizing warnings once the linter knows max_connections covers its 120', () => {
  const tuned = lintExample('pgbouncer-secure.ini', { ruleOptions: { postgresMaxConnections: 150 } });
  assert.deepEqual(
    tuned.filter((f) => f.severity === 'warning').map((f) => f.message),
    [],
  );
  // With PostgreSQL's default of 100 its four pools on the primary (120) do not fit, as its comments say.
  const untuned = lintExample('pgbouncer-secure.ini');
  assert.match(
    only(untuned, 'pools-exceed-postgres-max-connections')[0]?.message ?? '',
    /may open up to 120 server connections/,
  );
});
