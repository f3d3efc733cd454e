// The generated alert rules under the real promtool (Debian's prometheus package): every fixture's
// rule file passes `promtool check rules`, and `promtool test rules` proves on input series shaped
// exactly like pgbouncer_exporter's /metrics (exporterMetricsText of SHOW rows, with the job and
// instance labels Prometheus adds at scrape) that each alert fires when it should and stays quiet
// otherwise. Without promtool the tests skip, except with CI=true, where they fail.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { lintText } from '../../server/src/analysis/engine';
import { alertGroups, alertRulesYaml } from '../../server/src/monitoring/alerts';
import type { AlertOptions, GeneratedAlert } from '../../server/src/monitoring/alerts';
import { exporterMetricsText, goFloat } from '../../server/src/monitoring/exporter-metrics';
import type { AdminRow, ExporterSnapshot } from '../../server/src/monitoring/exporter-metrics';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'monitoring');
const TARGET = { job: 'pgbouncer', instance: 'pgbouncer-exporter:9127' };

function promtoolMissing(): string | null {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (found.error === undefined && found.status === 0) return null;
  const reason = 'promtool is not installed (apt-get install --no-install-recommends prometheus)';
  if (process.env.CI === 'true' || process.env.CI === '1')
    throw new Error(`CI is set, so the promtool tests must run, not skip: ${reason}`);
  return reason;
}
const skip = promtoolMissing() ?? false;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-alerts-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function lintFixture(name: string, targetVersion = '1.25') {
  const file = path.join(FIXTURES, name);
  return lintText(fs.readFileSync(file, 'utf8'), { filePath: file, targetVersion });
}

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8', cwd: work });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function writeRules(name: string, text: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
}

// SHOW rows as PgBouncer 1.18 returns them (pg gives int4 columns as numbers, NULL as null).
function poolRow(database: string, user: string, values: Partial<Record<string, number>>): AdminRow {
  return {
    database,
    user,
    cl_active: 0,
    cl_waiting: 0,
    cl_active_cancel_req: 0,
    cl_waiting_cancel_req: 0,
    sv_active: 0,
    sv_active_cancel: 0,
    sv_being_canceled: 0,
    sv_idle: 0,
    sv_used: 0,
    sv_tested: 0,
    sv_login: 0,
    maxwait: 0,
    maxwait_us: 0,
    pool_mode: 'session',
    ...values,
  };
}

function databaseRow(name: string, poolSize: number, reserve = 0, maxConnections = 0): AdminRow {
  return {
    name,
    host: '127.0.0.1',
    port: 5432,
    database: name === 'small' || name === 'mid' || name === 'big' || name === 'bulk' ? 'app' : name,
    force_user: null,
    pool_size: poolSize,
    min_pool_size: 0,
    reserve_pool: reserve,
    pool_mode: null,
    max_connections: maxConnections,
    current_connections: 0,
    paused: 0,
    disabled: 0,
  };
}

/** The admin console's own database and pool, which every PgBouncer shows. */
const ADMIN_DATABASE: AdminRow = {
  ...databaseRow('pgbouncer', 2),
  host: null,
  port: 6432,
  database: 'pgbouncer',
  force_user: 'pgbouncer',
  pool_mode: 'statement',
};
const ADMIN_POOL = poolRow('pgbouncer', 'pgbouncer', { cl_active: 1 });

function snapshot(parts: {
  pools: AdminRow[];
  databases: AdminRow[];
  maxClientConn?: number;
  maxUserConnections?: number;
  usedClients?: number;
}): ExporterSnapshot {
  return {
    version: 'PgBouncer 1.18.0',
    pools: [ADMIN_POOL, ...parts.pools],
    databases: [ADMIN_DATABASE, ...parts.databases],
    config: [
      { key: 'max_client_conn', value: String(parts.maxClientConn ?? 100), changeable: 'yes' },
      { key: 'max_user_connections', value: String(parts.maxUserConnections ?? 0), changeable: 'yes' },
    ],
    lists: [
      { list: 'databases', items: parts.databases.length + 1 },
      { list: 'used_clients', items: parts.usedClients ?? 5 },
    ],
  };
}

interface Series {
  series: string;
  values: string;
}

/** The exporter's page as promtool input series: each sample held for `minutes`, target labels added. */
function inputSeries(text: string, minutes: number, target: Record<string, string> = TARGET): Series[] {
  const series: Series[] = [];
  const targetLabels = Object.entries(target)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(',');
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `an exposition line: ${line}`);
    const labels = match[2] ? `${match[2]},${targetLabels}` : targetLabels;
    series.push({ series: `${match[1]}{${labels}}`, values: `${match[3]}x${minutes}` });
  }
  series.push({ series: `up{${targetLabels}}`, values: `1x${minutes}` });
  return series;
}

/** Prometheus's expansion of our annotation templates ({{ $labels.x }}, {{ $value }}, humanizePercentage). */
function expand(template: string, labels: Record<string, string>, value: number): string {
  return template
    .replace(/\{\{ \$value \| humanizePercentage \}\}/g, `${goFloat(Number((value * 100).toPrecision(4)))}%`)
    .replace(/\{\{ \$value \}\}/g, goFloat(value))
    .replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_all, name: string) => labels[name] ?? '');
}

function ruleOf(groups: ReturnType<typeof alertGroups>, alert: string, severity: string): GeneratedAlert {
  const rule = groups
    .flatMap((group) => group.rules)
    .find((r) => r.alert === alert && r.labels.severity === severity);
  assert.ok(rule, `a ${severity} ${alert} rule`);
  return rule;
}

interface Expected {
  severity: 'warning' | 'critical';
  labels: Record<string, string>;
  value: number;
}

/** An alert_rule_test entry: the alerts that fire, with the annotations users would read. */
function expectAlerts(
  groups: ReturnType<typeof alertGroups>,
  alertname: string,
  evalTime: string,
  expected: Expected[],
) {
  return {
    eval_time: evalTime,
    alertname,
    exp_alerts: expected.map(({ severity, labels, value }) => {
      const rule = ruleOf(groups, alertname, severity);
      const all = { ...TARGET, ...labels };
      const annotations: Record<string, string> = {
        summary: expand(rule.annotations.summary, all, value),
        description: expand(rule.annotations.description, all, value),
        runbook_url: rule.annotations.runbook_url,
      };
      const constants = Object.entries(rule.constants);
      if (constants.length > 0)
        annotations.pgbouncer_settings = constants.map(([name, v]) => `${name}=${v}`).join('; ');
      return { exp_labels: { ...all, severity }, exp_annotations: annotations };
    }),
  };
}

function runUnitTests(name: string, rulesFile: string, tests: unknown[]): void {
  const file = path.join(work, `${name}.test.yml`);
  fs.writeFileSync(
    file,
    stringifyYaml({ rule_files: [rulesFile], evaluation_interval: '1m', tests }, { lineWidth: 0 }),
  );
  const run = promtool('test', 'rules', file);
  assert.equal(run.status, 0, `promtool test rules ${name}:\n${run.output}`);
  assert.match(run.output, /SUCCESS/);
}

const FIXTURE_TARGETS: [string, string][] = [
  ['plain.ini', '1.25'],
  ['own-pool-size.ini', '1.18'],
  ['caps.ini', '1.25'],
  ['reserve.ini', '1.25'],
  ['unlimited-124.ini', '1.24'],
  ['no-query-wait.ini', '1.25'],
];

describe('promtool check rules', { skip }, () => {
  for (const [fixture, target] of FIXTURE_TARGETS) {
    test(`${fixture} (PgBouncer ${target}): rules and PrometheusRule`, () => {
      const result = lintFixture(fixture, target);
      const rules = writeRules(`${fixture}.rules.yml`, alertRulesYaml(result));
      const checked = promtool('check', 'rules', rules);
      assert.equal(checked.status, 0, checked.output);
      const count = alertGroups(result).reduce((sum, group) => sum + group.rules.length, 0);
      assert.match(checked.output, new RegExp(`SUCCESS: ${count} rules found`));

      const options: AlertOptions = { format: 'prometheus-rule', namespace: 'monitoring' };
      const resource = parseYaml(alertRulesYaml(result, options)) as {
        apiVersion: string;
        kind: string;
        metadata: { name: string; namespace: string; labels: Record<string, string> };
        spec: unknown;
      };
      assert.equal(resource.apiVersion, 'monitoring.coreos.com/v1');
      assert.equal(resource.kind, 'PrometheusRule');
      assert.equal(resource.metadata.name, `${fixture.replace(/\.ini$/, '')}-alerts`);
      assert.equal(resource.metadata.namespace, 'monitoring');
      assert.deepEqual(resource.metadata.labels, { prometheus: 'k8s', role: 'alert-rules' });
      const spec = writeRules(`${fixture}.spec.yml`, stringifyYaml(resource.spec));
      const specChecked = promtool('check', 'rules', spec);
      assert.equal(specChecked.status, 0, specChecked.output);
      assert.match(specChecked.output, new RegExp(`SUCCESS: ${count} rules found`));
    });
  }

  test('a broken rule is refused (promtool really checks)', () => {
    const broken = alertRulesYaml(lintFixture('plain.ini')).replace('>= 0.95', '>= = 0.95');
    assert.notEqual(promtool('check', 'rules', writeRules('broken.yml', broken)).status, 0);
  });
});

describe('promtool test rules: the alerts fire when they should', { skip }, () => {
  test('pools: 96 % of the real size fires critical, 50 % nothing, own pool_size wins over default_pool_size', () => {
    const result = lintFixture('own-pool-size.ini', '1.18');
    const groups = alertGroups(result);
    const rules = writeRules('own.rules.yml', alertRulesYaml(result));
    const page = exporterMetricsText(
      snapshot({
        pools: [
          poolRow('app', 'app', { sv_active: 40, sv_idle: 8, cl_active: 40 }), // 48 of default_pool_size 50: 96 %
          poolRow('small', 'app', { sv_active: 9, sv_login: 1, cl_active: 9 }), // 10 of its own 10 (20 % of 50)
          poolRow('mid', 'app', { sv_active: 15, sv_idle: 5, cl_active: 15 }), // 20 of 40: 50 %
          poolRow('big', 'app', { sv_active: 60, cl_active: 60 }), // 60 of 100 (120 % of 50)
        ],
        databases: [
          databaseRow('app', 50),
          databaseRow('small', 10),
          databaseRow('mid', 40),
          databaseRow('big', 100),
        ],
        maxClientConn: 500,
        usedClients: 130,
      }),
    );
    const pool = (database: string) => ({ database, user: 'app' });
    runUnitTests('own', rules, [
      {
        interval: '1m',
        input_series: inputSeries(page, 20),
        alert_rule_test: [
          expectAlerts(groups, 'PgBouncerPoolNearLimit', '10m', [
            { severity: 'warning', labels: pool('app'), value: 0.96 },
            { severity: 'critical', labels: pool('app'), value: 0.96 },
            { severity: 'warning', labels: pool('small'), value: 1 },
            { severity: 'critical', labels: pool('small'), value: 1 },
          ]),
          // Before `for` has passed nothing fires.
          expectAlerts(groups, 'PgBouncerPoolNearLimit', '1m', []),
          expectAlerts(groups, 'PgBouncerClientsNearMaxClientConn', '10m', []),
          expectAlerts(groups, 'PgBouncerClientsWaiting', '10m', []),
          expectAlerts(groups, 'PgBouncerExporterDown', '10m', []),
          expectAlerts(groups, 'PgBouncerUnreachable', '10m', []),
          expectAlerts(groups, 'PgBouncerMaxWaitNearQueryWaitTimeout', '10m', []),
        ],
      },
    ]);
    // What a user reads, written out once.
    const critical = ruleOf(groups, 'PgBouncerPoolNearLimit', 'critical');
    assert.equal(
      expand(critical.annotations.summary, pool('small'), 1),
      'Pool small/app uses 100% of its server connections',
    );
  });

  test('the reserve counts once reserve_pool_timeout passed; a pool in its reserve is reported', () => {
    const result = lintFixture('reserve.ini');
    const groups = alertGroups(result);
    const rules = writeRules('reserve.rules.yml', alertRulesYaml(result));
    const page = exporterMetricsText(
      snapshot({
        // 22 servers: 110 % of pool_size 20, but 88 % of the 25 the pool may really open.
        pools: [poolRow('app', 'app', { sv_active: 22, cl_active: 22 })],
        databases: [databaseRow('app', 20, 5)],
      }),
    );
    const labels = { database: 'app', user: 'app' };
    runUnitTests('reserve', rules, [
      {
        interval: '1m',
        input_series: inputSeries(page, 20),
        alert_rule_test: [
          expectAlerts(groups, 'PgBouncerPoolNearLimit', '10m', [
            { severity: 'warning', labels, value: 0.88 },
          ]),
          expectAlerts(groups, 'PgBouncerReservePoolInUse', '10m', [
            { severity: 'warning', labels, value: 1.1 },
          ]),
        ],
      },
    ]);
  });

  test('maxwait near query_wait_timeout fires; waiting clients fire after 5 minutes', () => {
    const result = lintFixture('plain.ini');
    const groups = alertGroups(result);
    const rules = writeRules('plain.rules.yml', alertRulesYaml(result));
    const waiting = exporterMetricsText(
      snapshot({
        pools: [poolRow('app', 'app', { sv_active: 20, cl_active: 20, cl_waiting: 3, maxwait: 100 })],
        databases: [databaseRow('app', 50)],
      }),
    );
    const quiet = exporterMetricsText(
      snapshot({
        pools: [poolRow('app', 'app', { sv_active: 20, sv_idle: 5, cl_active: 20 })],
        databases: [databaseRow('app', 50)],
      }),
    );
    const labels = { database: 'app', user: 'app' };
    runUnitTests('plain', rules, [
      {
        interval: '1m',
        input_series: inputSeries(waiting, 20),
        alert_rule_test: [
          // 100 s: past 80 % of 120 s (96 s), not yet 95 % (114 s).
          expectAlerts(groups, 'PgBouncerMaxWaitNearQueryWaitTimeout', '5m', [
            { severity: 'warning', labels, value: 100 },
          ]),
          expectAlerts(groups, 'PgBouncerClientsWaiting', '3m', []),
          expectAlerts(groups, 'PgBouncerClientsWaiting', '10m', [{ severity: 'warning', labels, value: 3 }]),
          expectAlerts(groups, 'PgBouncerPoolNearLimit', '10m', []),
        ],
      },
      {
        interval: '1m',
        input_series: inputSeries(quiet, 20),
        alert_rule_test: [
          expectAlerts(groups, 'PgBouncerMaxWaitNearQueryWaitTimeout', '10m', []),
          expectAlerts(groups, 'PgBouncerClientsWaiting', '10m', []),
          expectAlerts(groups, 'PgBouncerPoolNearLimit', '10m', []),
          expectAlerts(groups, 'PgBouncerClientsNearMaxClientConn', '10m', []),
        ],
      },
      {
        // 97 of max_client_conn 100.
        interval: '1m',
        input_series: inputSeries(
          exporterMetricsText(
            snapshot({
              pools: [poolRow('app', 'app', { sv_active: 20, cl_active: 96 })],
              databases: [databaseRow('app', 50)],
              usedClients: 97,
            }),
          ),
          20,
        ),
        alert_rule_test: [
          expectAlerts(groups, 'PgBouncerClientsNearMaxClientConn', '10m', [
            { severity: 'warning', labels: {}, value: 0.97 },
            { severity: 'critical', labels: {}, value: 0.97 },
          ]),
        ],
      },
    ]);
  });

  test('the exporter down, or PgBouncer unreachable, fires', () => {
    const result = lintFixture('plain.ini');
    const groups = alertGroups(result);
    const rules = writeRules('down.rules.yml', alertRulesYaml(result));
    const targetLabels = `job="${TARGET.job}",instance="${TARGET.instance}"`;
    const unreachable = inputSeries(exporterMetricsText({ up: false }), 20);
    assert.deepEqual(
      unreachable.map((s) => s.series),
      [`pgbouncer_up{${targetLabels}}`, `up{${targetLabels}}`],
    );
    runUnitTests('down', rules, [
      {
        interval: '1m',
        input_series: [{ series: `up{${targetLabels}}`, values: '1 1 0x10' }],
        alert_rule_test: [
          expectAlerts(groups, 'PgBouncerExporterDown', '2m', []),
          expectAlerts(groups, 'PgBouncerExporterDown', '6m', [
            { severity: 'critical', labels: {}, value: 0 },
          ]),
        ],
      },
      {
        interval: '1m',
        input_series: unreachable,
        alert_rule_test: [
          expectAlerts(groups, 'PgBouncerUnreachable', '5m', [
            { severity: 'critical', labels: {}, value: 0 },
          ]),
          expectAlerts(groups, 'PgBouncerExporterDown', '5m', []),
        ],
      },
    ]);
  });

  test('max_db_connections and max_user_connections: per entry and global, never against 0', () => {
    const result = lintFixture('caps.ini');
    const groups = alertGroups(result);
    const rules = writeRules('caps.rules.yml', alertRulesYaml(result));
    const page = exporterMetricsText(
      snapshot({
        pools: [
          poolRow('app', 'app', { sv_active: 20, cl_active: 20 }), // app: 21 of max_db_connections 40
          poolRow('app', 'etl', { sv_active: 1, cl_active: 1 }),
          poolRow('billing', 'app', { sv_active: 6, cl_active: 6 }), // billing: 10 of its own 10
          poolRow('billing', 'etl', { sv_active: 4, cl_active: 4 }),
        ],
        databases: [databaseRow('app', 50, 5), databaseRow('billing', 50, 5, 10)],
        maxUserConnections: 30,
      }),
    );
    runUnitTests('caps', rules, [
      {
        interval: '1m',
        input_series: inputSeries(page, 20),
        alert_rule_test: [
          expectAlerts(groups, 'PgBouncerDatabaseNearMaxDbConnections', '10m', [
            { severity: 'warning', labels: { database: 'billing' }, value: 1 },
            { severity: 'critical', labels: { database: 'billing' }, value: 1 },
          ]),
          // app: 26 of the global 30 (the gauge); etl: 5 of its own 5.
          expectAlerts(groups, 'PgBouncerUserNearMaxUserConnections', '10m', [
            { severity: 'warning', labels: { user: 'app' }, value: 26 / 30 },
            { severity: 'warning', labels: { user: 'etl' }, value: 1 },
            { severity: 'critical', labels: { user: 'etl' }, value: 1 },
          ]),
          expectAlerts(groups, 'PgBouncerPoolNearLimit', '10m', []),
        ],
      },
    ]);
  });

  test('PgBouncer 1.24: pool_size 0 is unlimited (no ratio); its max_db_connections still watches it', () => {
    const result = lintFixture('unlimited-124.ini', '1.24');
    const groups = alertGroups(result);
    const rules = writeRules('unlimited.rules.yml', alertRulesYaml(result));
    const page = exporterMetricsText(
      snapshot({
        pools: [
          poolRow('app', 'app', { sv_active: 5, cl_active: 5 }),
          poolRow('bulk', 'app', { sv_active: 97, cl_active: 97 }),
        ],
        databases: [databaseRow('app', 20), databaseRow('bulk', 0, 0, 100)],
      }),
    );
    runUnitTests('unlimited', rules, [
      {
        interval: '1m',
        input_series: inputSeries(page, 20),
        alert_rule_test: [
          expectAlerts(groups, 'PgBouncerPoolNearLimit', '10m', []),
          expectAlerts(groups, 'PgBouncerDatabaseNearMaxDbConnections', '10m', [
            { severity: 'warning', labels: { database: 'bulk' }, value: 0.97 },
            { severity: 'critical', labels: { database: 'bulk' }, value: 0.97 },
          ]),
        ],
      },
    ]);
  });
});
