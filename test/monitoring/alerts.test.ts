// The generated alert rules without promtool (promtool.test.ts runs them): the exporter's page as
// collector.go writes it, which rules a configuration gets and which it must not, the runbook links,
// and the drift check through the CLI as a CI step runs it.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { ALERT_NAMES, alertDrift, alertGroups, alertRulesYaml } from '../../server/src/monitoring/alerts';
import { exporterMetricsText, goFloat } from '../../server/src/monitoring/exporter-metrics';
import { runCli } from '../support/cli-run';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'monitoring');

function lint(text: string, targetVersion = '1.25', filePath = path.join(os.tmpdir(), 'pgbouncer.ini')) {
  return lintText(text, { filePath, targetVersion });
}

function lintFixture(name: string, targetVersion = '1.25') {
  const file = path.join(FIXTURES, name);
  return lintText(fs.readFileSync(file, 'utf8'), { filePath: file, targetVersion });
}

function rules(result: ReturnType<typeof lint>) {
  return alertGroups(result).flatMap((group) => group.rules);
}

describe('exporterMetricsText: the page pgbouncer_exporter serves', () => {
  test('SHOW rows become its families, labels sorted, NULL as "", microseconds as seconds', () => {
    const text = exporterMetricsText({
      databases: [
        {
          name: 'app',
          host: null,
          port: 5432,
          database: 'appdb',
          force_user: null,
          pool_size: 20,
          reserve_pool_size: 5,
          pool_mode: null,
        },
      ],
      pools: [
        { database: 'app', user: 'u', cl_waiting: '2', maxwait: 3, maxwait_us: 5, pool_mode: 'session' },
      ],
      stats: [{ database: 'app', total_xact_count: 1500000, total_wait_time: 2500000 }],
      config: [
        { key: 'max_client_conn', value: '100', default: '100', changeable: 'yes' },
        { key: 'auth_type', value: 'scram-sha-256', default: 'md5', changeable: 'yes' },
      ],
    });
    const dbLabels = 'database="appdb",force_user="",host="",name="app",pool_mode="",port="5432"';
    assert.equal(
      text,
      [
        '# HELP pgbouncer_config_max_client_connections Config maximum number of client connections',
        '# TYPE pgbouncer_config_max_client_connections gauge',
        'pgbouncer_config_max_client_connections 100',
        '# HELP pgbouncer_databases_pool_size Maximum number of server connections',
        '# TYPE pgbouncer_databases_pool_size gauge',
        `pgbouncer_databases_pool_size{${dbLabels}} 20`,
        '# HELP pgbouncer_databases_reserve_pool Maximum number of additional connections for this database',
        '# TYPE pgbouncer_databases_reserve_pool gauge',
        `pgbouncer_databases_reserve_pool{${dbLabels}} 5`,
        '# HELP pgbouncer_pools_client_maxwait_seconds Age of oldest unserved client connection, shown as second',
        '# TYPE pgbouncer_pools_client_maxwait_seconds gauge',
        'pgbouncer_pools_client_maxwait_seconds{database="app",user="u"} 3',
        '# HELP pgbouncer_pools_client_waiting_connections Client connections waiting on a server connection, shown as connection',
        '# TYPE pgbouncer_pools_client_waiting_connections gauge',
        'pgbouncer_pools_client_waiting_connections{database="app",user="u"} 2',
        '# HELP pgbouncer_stats_totals_client_wait_seconds_total Time spent by clients waiting for a server in seconds',
        '# TYPE pgbouncer_stats_totals_client_wait_seconds_total counter',
        'pgbouncer_stats_totals_client_wait_seconds_total{database="app"} 2.5',
        '# HELP pgbouncer_stats_totals_sql_transactions_pooled_total Total number of SQL transactions pooled',
        '# TYPE pgbouncer_stats_totals_sql_transactions_pooled_total counter',
        'pgbouncer_stats_totals_sql_transactions_pooled_total{database="app"} 1.5e+06',
        '# HELP pgbouncer_up The pgbouncer scrape succeeded',
        '# TYPE pgbouncer_up gauge',
        'pgbouncer_up 1',
        '',
      ].join('\n'),
    );
  });

  test('PgBouncer unreachable: pgbouncer_up 0 and nothing else', () => {
    assert.equal(
      exporterMetricsText({ up: false, pools: [{ database: 'a', user: 'b', cl_waiting: 1 }] }),
      '# HELP pgbouncer_up The pgbouncer scrape succeeded\n# TYPE pgbouncer_up gauge\npgbouncer_up 0\n',
    );
  });

  test("sample values in Go's shortest %g, as expfmt writes them", () => {
    assert.deepEqual([1, 0.5, 123456, 1000000, 0.0001, 0.00001, NaN, Infinity].map(goFloat), [
      '1',
      '0.5',
      '123456',
      '1e+06',
      '0.0001',
      '1e-05',
      'NaN',
      '+Inf',
    ]);
  });
});

describe('alertGroups: what a configuration gets', () => {
  test('every rule has a severity, a summary, a description naming its setting and a runbook section', () => {
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'alerts.md'), 'utf8');
    const seen = new Set<string>();
    for (const fixture of fs.readdirSync(FIXTURES).filter((name) => name.endsWith('.ini'))) {
      for (const rule of rules(lintFixture(fixture, fixture.includes('124') ? '1.24' : '1.25'))) {
        seen.add(rule.alert);
        assert.match(rule.labels.severity, /^(warning|critical)$/);
        assert.ok(rule.annotations.summary.length > 0);
        for (const setting of rule.settings.filter((s) => !s.includes(' of ')))
          assert.ok(
            rule.annotations.description.includes(setting.split(' ')[0]) || setting.endsWith('_users'),
            `${rule.alert}: the description names ${setting}`,
          );
        const anchor = rule.annotations.runbook_url.split('#')[1];
        assert.equal(anchor, rule.alert.toLowerCase());
        assert.match(
          docs,
          new RegExp(`^## ${rule.alert}$`, 'm'),
          `docs/alerts.md has a section for ${rule.alert}`,
        );
      }
    }
    assert.deepEqual([...seen].sort(), [...ALERT_NAMES].sort(), 'the fixtures make every alert');
  });

  test('query_wait_timeout = 0: no maxwait rule, waiting clients still watched', () => {
    const names = rules(lintFixture('no-query-wait.ini')).map((rule) => rule.alert);
    assert.ok(!names.includes('PgBouncerMaxWaitNearQueryWaitTimeout'));
    assert.ok(names.includes('PgBouncerClientsWaiting'));
    assert.match(
      alertRulesYaml(lintFixture('no-query-wait.ini')),
      /# {3}PgBouncerMaxWaitNearQueryWaitTimeout: query_wait_timeout is 0/,
    );
  });

  test('maxwait thresholds are the percentages of query_wait_timeout, constants from the config', () => {
    const result = lint('[databases]\napp = host=h\n[pgbouncer]\nquery_wait_timeout = 60\n');
    const maxwait = rules(result).filter((rule) => rule.alert === 'PgBouncerMaxWaitNearQueryWaitTimeout');
    assert.deepEqual(
      maxwait.map((rule) => [rule.labels.severity, rule.expr, rule.constants]),
      [
        [
          'warning',
          'pgbouncer_pools_client_maxwait_seconds{job="pgbouncer"} >= 48',
          { query_wait_timeout: 60 },
        ],
        [
          'critical',
          'pgbouncer_pools_client_maxwait_seconds{job="pgbouncer"} >= 57',
          { query_wait_timeout: 60 },
        ],
      ],
    );
    assert.match(alertRulesYaml(result), /constant from the config: 80 % of query_wait_timeout = 60 s/);
  });

  test('caps of 0 (unlimited) give no rule; pool sizes come from the gauge, filtered above 0', () => {
    const result = lintFixture('plain.ini');
    const names = rules(result).map((rule) => rule.alert);
    assert.ok(!names.includes('PgBouncerDatabaseNearMaxDbConnections'));
    assert.ok(!names.includes('PgBouncerUserNearMaxUserConnections'));
    const pool = rules(result).find((rule) => rule.alert === 'PgBouncerPoolNearLimit');
    assert.ok(pool);
    assert.match(pool.expr, /\(pgbouncer_databases_pool_size\{job="pgbouncer"\} > 0\)/);
    assert.doesNotMatch(pool.expr, / \/ 0\b/);
  });

  test('reserve_pool_timeout = 0: the reserve is not part of the limit and no reserve alert', () => {
    const result = lint(
      '[databases]\napp = host=h\n[pgbouncer]\nreserve_pool_size = 5\nreserve_pool_timeout = 0\n',
    );
    const pool = rules(result).find((rule) => rule.alert === 'PgBouncerPoolNearLimit');
    assert.ok(pool);
    assert.doesNotMatch(pool.expr, /reserve_pool/);
    assert.ok(!rules(result).some((rule) => rule.alert === 'PgBouncerReservePoolInUse'));
  });

  test('[users] pool_size (1.23+) is a constant for that user; the gauge covers the others', () => {
    const result = lint(
      '[databases]\napp = host=h\n[users]\netl = pool_size=4\n[pgbouncer]\ndefault_pool_size = 20\n',
    );
    const pool = rules(result).find((rule) => rule.alert === 'PgBouncerPoolNearLimit');
    assert.ok(pool);
    assert.match(pool.expr, /user!~"etl"/);
    assert.match(pool.expr, /user="etl"[^/]*\/ 4\b/);
    assert.equal(pool.constants['pool_size of user etl'], 4);
  });

  test('the selector and the percentages are used as given', () => {
    const result = lintFixture('plain.ini');
    const options = { selector: 'job="pgb", namespace="prod"', warningPercent: 70, criticalPercent: 90 };
    const made = alertGroups(result, options).flatMap((group) => group.rules);
    const exprOf = (alert: string, severity: string) =>
      made.find((rule) => rule.alert === alert && rule.labels.severity === severity)?.expr;
    assert.equal(
      exprOf('PgBouncerUnreachable', 'critical'),
      'pgbouncer_up{job="pgb", namespace="prod"} == 0',
    );
    assert.match(exprOf('PgBouncerPoolNearLimit', 'warning') ?? '', /\n\) >= 0\.7$/);
    assert.match(exprOf('PgBouncerPoolNearLimit', 'critical') ?? '', /\n\) >= 0\.9$/);
    assert.match(
      alertRulesYaml(result, options),
      /^# Selector: job="pgb", namespace="prod"; thresholds at 70 %/m,
    );
    assert.match(alertRulesYaml(result, { selector: '' }), /expr: "up == 0"/);
  });

  test('the output starts with where it comes from and says which thresholds are gauges and constants', () => {
    const text = alertRulesYaml(lintFixture('caps.ini'));
    assert.match(text, /^# Generated by pgbouncer-lint --alerts from caps\.ini/);
    assert.match(text, /# Thresholds from exporter gauges/);
    assert.match(
      text,
      /# Constants from the configuration[^\n]*\n#.*max_db_connections of database billing = 10/,
    );
    assert.match(text, /# PgBouncerPoolNearLimit \(warning\): exporter gauges pgbouncer_databases_pool_size/);
  });
});

describe('alertDrift', () => {
  const base = fs.readFileSync(path.join(FIXTURES, 'plain.ini'), 'utf8');
  const generated = alertRulesYaml(lint(base));

  test('unchanged: nothing; a different max_client_conn: the rule and both values', () => {
    assert.deepEqual(alertDrift(lint(base), {}, generated), []);
    assert.deepEqual(alertDrift(lint(base), {}, generated.replace(/\n {8}for/g, '\n        for')), []);
    const drift = alertDrift(
      lint(base.replace('max_client_conn = 100', 'max_client_conn = 500')),
      {},
      generated,
    );
    assert.deepEqual(drift, [
      {
        alert: 'PgBouncerClientsNearMaxClientConn',
        message: 'generated for max_client_conn = 100, the configuration now says 500',
      },
    ]);
  });

  test('a PrometheusRule is compared by its spec.groups; other percentages are an expression change', () => {
    const resource = alertRulesYaml(lint(base), { format: 'prometheus-rule' });
    assert.deepEqual(alertDrift(lint(base), {}, resource), []);
    const drift = alertDrift(lint(base), { warningPercent: 70 }, resource);
    assert.ok(drift.length > 0);
    assert.ok(drift.every((entry) => /expression differs/.test(entry.message)));
  });

  test('a rule that a setting turns off is reported as removed', () => {
    const drift = alertDrift(lint(`${base}query_wait_timeout = 0\n`), {}, generated);
    assert.ok(drift.length > 0);
    assert.ok(drift.every((entry) => entry.alert === 'PgBouncerMaxWaitNearQueryWaitTimeout'));
    assert.match(drift[0].message, /no longer gives \(generated for query_wait_timeout = 120\)/);
  });
});

describe('pgbouncer-lint --alerts --check (as a CI step runs it)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-alerts-cli-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The built CLI (npm test builds first), as users run it.
  const cli = (...args: string[]) => runCli(args, { cwd: dir });
  const ini = path.join(dir, 'pgbouncer.ini');
  fs.copyFileSync(path.join(FIXTURES, 'plain.ini'), ini);

  test('generated, unchanged: 0; max_client_conn changed: 1 with the message; unreadable rules: 2', () => {
    const generated = cli('--alerts', 'pgbouncer.ini');
    assert.equal(generated.status, 0, generated.stderr);
    assert.match(generated.stdout, /^# Generated by pgbouncer-lint --alerts from pgbouncer\.ini/);
    fs.writeFileSync(path.join(dir, 'rules.yml'), generated.stdout);

    const inSync = cli('--alerts', 'pgbouncer.ini', '--check', 'rules.yml');
    assert.equal(inSync.status, 0, inSync.stdout + inSync.stderr);
    assert.equal(inSync.stdout, 'rules.yml: in sync with pgbouncer.ini\n');

    fs.writeFileSync(
      ini,
      fs.readFileSync(ini, 'utf8').replace('max_client_conn = 100', 'max_client_conn = 500'),
    );
    const drifted = cli('--alerts', 'pgbouncer.ini', '--check', 'rules.yml');
    assert.equal(drifted.status, 1, drifted.stdout + drifted.stderr);
    assert.match(
      drifted.stdout,
      /^rules\.yml: PgBouncerClientsNearMaxClientConn: generated for max_client_conn = 100, the configuration now says 500$/m,
    );

    const missing = cli('--alerts', 'pgbouncer.ini', '--check', 'absent.yml');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read 'absent\.yml'/);
    fs.writeFileSync(path.join(dir, 'not-rules.yml'), 'just: a map\n');
    const notRules = cli('--alerts', 'pgbouncer.ini', '--check', 'not-rules.yml');
    assert.equal(notRules.status, 2);
    assert.match(notRules.stderr, /no rule groups/);
  });

  test('bad option values are usage errors', () => {
    for (const [args, message] of [
      [['--check', 'rules.yml', 'pgbouncer.ini'], /--check needs --alerts/],
      [['--alerts', '--alerts-format', 'helm', 'pgbouncer.ini'], /invalid --alerts-format 'helm'/],
      [['--alerts', '--alerts-selector', 'job=pgb', 'pgbouncer.ini'], /invalid --alerts-selector/],
      [['--alerts', '--warning-percent', '96', 'pgbouncer.ini'], /must be below the critical one/],
      [['--alerts', '--critical-percent', '0', 'pgbouncer.ini'], /invalid --critical-percent '0'/],
    ] as const) {
      const run = cli(...args);
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, message);
    }
  });
});
