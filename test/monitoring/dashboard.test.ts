// The Grafana dashboard of a configuration: a model Grafana accepts (the fields it requires, checked here
// since Grafana publishes no schema), expressions over pgbouncer_exporter's metrics that promtool parses
// and that compute what the panels say, thresholds from the configuration, and reviewed snapshots.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { dashboardJson, dashboardModel } from '../../server/src/monitoring/dashboard';
import { runCli } from '../support/cli-run';
import { DASHBOARD_CASES, lintCase, ROOT, snapshotPath } from '../support/dashboard-cases';
import { dashboardProblems, expressionsOf, promqlProblems } from '../support/grafana-dashboard';

type Json = Record<string, unknown>;

const PROMTOOL = '/usr/bin/promtool';
const IN_CI = process.env.CI === 'true';

function lint(text: string, targetVersion?: string) {
  return lintText(text, { filePath: 'pgbouncer.ini', targetVersion, useProjectFile: false });
}

function panels(model: Json): Json[] {
  return model.panels as Json[];
}

function panel(model: Json, title: string): Json {
  const found = panels(model).find((p) => p.title === title);
  assert.ok(
    found,
    `no panel '${title}' in ${panels(model)
      .map((p) => String(p.title))
      .join(', ')}`,
  );
  return found;
}

function steps(p: Json): unknown[] {
  const defaults = (p.fieldConfig as { defaults: { thresholds: { steps: { value: unknown }[] } } }).defaults;
  return defaults.thresholds.steps.map((step) => step.value);
}

function exprs(p: Json): string[] {
  return (p.targets as { expr: string }[]).map((t) => t.expr);
}

/** promtool, or why not: a failure in CI, a skip elsewhere. */
function promtool(t: { skip(message: string): void }): string | null {
  if (fs.existsSync(PROMTOOL)) return PROMTOOL;
  const message = `${PROMTOOL} is missing: apt-get install -y --no-install-recommends prometheus`;
  if (IN_CI) assert.fail(message);
  t.skip(message);
  return null;
}

/** Grafana's variables as one query would see them: every instance, a 5m rate window. */
function asPromQL(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('"$instance"', '".*"');
}

function runPromtool(
  binary: string,
  args: string[],
  files: Record<string, string>,
): { status: number | null; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-promtool-'));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const run = spawnSync(binary, args, { cwd: dir, encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const c of DASHBOARD_CASES) {
  test(`dashboard ${c.name}: the JSON is the reviewed snapshot`, () => {
    const json = dashboardJson(lintCase(c), c.options);
    assert.equal(
      json,
      fs.readFileSync(snapshotPath(c), 'utf8'),
      'run npx tsx test/support/update-dashboards.ts and review the diff',
    );
  });

  test(`dashboard ${c.name}: has what Grafana requires of a dashboard and of each panel`, () => {
    const model = dashboardModel(lintCase(c), c.options);
    assert.deepEqual(dashboardProblems(model), []);
    const variables = (model.templating as { list: Json[] }).list;
    assert.deepEqual(
      variables.map((v) => [v.name, v.type]),
      [
        ['datasource', 'datasource'],
        ['instance', 'query'],
      ],
    );
    assert.equal(variables[0].query, 'prometheus');
    for (const p of panels(model).filter((p) => p.type !== 'row'))
      assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' }, String(p.title));
  });

  test(`dashboard ${c.name}: every expression is sound PromQL over the exporter's metrics`, () => {
    const model = dashboardModel(lintCase(c), c.options);
    const found = expressionsOf(model);
    assert.ok(found.length > 10);
    for (const { where, expr } of found) assert.deepEqual(promqlProblems(expr), [], `${where}: ${expr}`);
  });

  test(`dashboard ${c.name}: promtool parses every expression`, (t) => {
    const binary = promtool(t);
    if (!binary) return;
    const model = dashboardModel(lintCase(c), c.options);
    const rules = expressionsOf(model).map(({ expr }, index) => ({
      record: `dashboard:expr_${index}`,
      expr: asPromQL(expr),
    }));
    // JSON is YAML: the rule file needs no YAML writer.
    const run = runPromtool(binary, ['check', 'rules', 'rules.yml'], {
      'rules.yml': JSON.stringify({ groups: [{ name: 'dashboard', rules }] }),
    });
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, new RegExp(`SUCCESS: ${rules.length} rules found`));
  });
}

test('the validator and the PromQL check find what is wrong (they can fail)', () => {
  const model = dashboardModel(lintCase(DASHBOARD_CASES[0]));
  const broken = JSON.parse(JSON.stringify(model)) as Json;
  const [, first, second, third] = panels(broken);
  second.id = first.id;
  second.gridPos = { ...(first.gridPos as Json), x: 2 };
  third.gridPos = { ...(third.gridPos as Json), x: 20 };
  first.type = 'graph-of-the-future';
  (first.targets as Json[])[0].datasource = { type: 'prometheus', uid: '${nowhere}' };
  assert.deepEqual(dashboardProblems(broken), [
    "panels[1].type 'graph-of-the-future': not a known panel type",
    "panels[1].targets[0].datasource: uid '${nowhere}' is not a data source variable of the dashboard",
    'panels[2].id 2 used twice',
    'panels[2] overlaps panels[1]',
    'panels[3].gridPos: within the 24 columns',
    'panels[4] overlaps panels[3]',
  ]);
  assert.deepEqual(promqlProblems('sum(rate(pgbouncer_stats_totals_transactions_count{job="x"}[5m])'), [
    "unclosed '('",
    "'pgbouncer_stats_totals_transactions_count' is not a metric of pgbouncer_exporter",
  ]);
});

test('pool use is judged against the pool size the exporter reports, per pool', (t) => {
  const binary = promtool(t);
  if (!binary) return;
  const model = dashboardModel(lint('[databases]\napp = host=db dbname=appdb\n[pgbouncer]\n'));
  const poolUse = asPromQL(exprs(panel(model, 'Pool use: server connections / pool size'))[0]);
  const clients = asPromQL(exprs(panel(model, 'Clients / max_client_conn'))[0]);
  const queryTime = asPromQL(exprs(panel(model, 'Average query time'))[0]);
  const waitTime = asPromQL(exprs(panel(model, 'Average wait time'))[0]);
  const pool = (user: string) => `job="pgbouncer", instance="pgb:9127", database="app", user="${user}"`;
  // Shaped as the exporter writes them: SHOW DATABASES rows keep the server's dbname in `database`, the
  // PgBouncer database in `name`; app has pool_size 30 (its own) and 0 would be left out.
  const series = [
    [`pgbouncer_pools_server_active_connections{${pool('web')}}`, '20x20'],
    [`pgbouncer_pools_server_idle_connections{${pool('web')}}`, '4x20'],
    [`pgbouncer_pools_server_used_connections{${pool('web')}}`, '0x20'],
    [`pgbouncer_pools_server_testing_connections{${pool('web')}}`, '0x20'],
    [`pgbouncer_pools_server_login_connections{${pool('web')}}`, '0x20'],
    [`pgbouncer_pools_server_active_connections{${pool('batch')}}`, '3x20'],
    [`pgbouncer_pools_server_idle_connections{${pool('batch')}}`, '0x20'],
    [`pgbouncer_pools_server_used_connections{${pool('batch')}}`, '0x20'],
    [`pgbouncer_pools_server_testing_connections{${pool('batch')}}`, '0x20'],
    [`pgbouncer_pools_server_login_connections{${pool('batch')}}`, '0x20'],
    [
      'pgbouncer_databases_pool_size{job="pgbouncer", instance="pgb:9127", name="app", host="db", port="5432", database="appdb", force_user="", pool_mode="transaction"}',
      '30x20',
    ],
    [
      'pgbouncer_databases_pool_size{job="pgbouncer", instance="pgb:9127", name="pgbouncer", host="", port="6432", database="pgbouncer", force_user="pgbouncer", pool_mode="statement"}',
      '2x20',
    ],
    ['pgbouncer_used_clients{job="pgbouncer", instance="pgb:9127"}', '400x20'],
    ['pgbouncer_config_max_client_connections{job="pgbouncer", instance="pgb:9127"}', '500x20'],
    // 10 queries a second of 0.05 s each; clients waited 0.2 s a second over 4 assignments a second.
    [
      'pgbouncer_stats_totals_queries_pooled_total{job="pgbouncer", instance="pgb:9127", database="app"}',
      '0+600x20',
    ],
    [
      'pgbouncer_stats_totals_queries_duration_seconds_total{job="pgbouncer", instance="pgb:9127", database="app"}',
      '0+30x20',
    ],
    [
      'pgbouncer_stats_totals_client_wait_seconds_total{job="pgbouncer", instance="pgb:9127", database="app"}',
      '0+12x20',
    ],
    [
      'pgbouncer_stats_totals_server_assignments_total{job="pgbouncer", instance="pgb:9127", database="app"}',
      '0+240x20',
    ],
  ].map(([name, values]) => ({ series: name, values }));
  const at = { instance: 'pgb:9127', database: 'app' };
  const tests = {
    tests: [
      {
        interval: '1m',
        input_series: series,
        promql_expr_test: [
          {
            expr: poolUse,
            eval_time: '10m',
            exp_samples: [
              { labels: '{instance="pgb:9127", database="app", user="web"}', value: 80 },
              { labels: '{instance="pgb:9127", database="app", user="batch"}', value: 10 },
            ],
          },
          {
            expr: clients,
            eval_time: '10m',
            exp_samples: [{ labels: '{instance="pgb:9127", job="pgbouncer"}', value: 80 }],
          },
          { expr: queryTime, eval_time: '10m', exp_samples: [{ labels: labelsOf(at), value: 0.05 }] },
          { expr: waitTime, eval_time: '10m', exp_samples: [{ labels: labelsOf(at), value: 0.05 }] },
        ],
      },
    ],
  };
  const run = runPromtool(binary, ['test', 'rules', 'tests.yml'], { 'tests.yml': JSON.stringify(tests) });
  assert.equal(run.status, 0, run.output);
  assert.match(run.output, /SUCCESS/);
});

function labelsOf(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
}

test("a database's row draws its real limit: own pool_size plus the reserve, or max_db_connections", () => {
  const model = dashboardModel(
    lint(
      [
        '[databases]',
        'app = host=db pool_size=30',
        'billing = host=db max_db_connections=10',
        '[pgbouncer]',
        'default_pool_size = 20',
        'reserve_pool_size = 5',
        'reserve_pool_timeout = 3',
        '',
      ].join('\n'),
    ),
  );
  const app = panel(model, 'app: server connections');
  assert.deepEqual(steps(app), [null, 28, 33.25]); // 80 % and 95 % of 30 + 5
  assert.match(
    String(app.description),
    /35 server connections \(pool_size=30 of database 'app', plus reserve_pool_size = 5/,
  );
  assert.match(
    exprs(app)[1],
    /pgbouncer_databases_pool_size\{job="pgbouncer", instance=~"\$instance", name="app"\}/,
  );
  const billing = panel(model, 'billing: server connections');
  assert.deepEqual(steps(billing), [null, 8, 9.5]);
  assert.match(String(billing.description), /max_db_connections=10 of database 'billing'/);
  // No reserve without reserve_pool_timeout: the limit is the pool size alone.
  const noReserve = dashboardModel(
    lint(
      '[databases]\napp = host=db pool_size=30\n[pgbouncer]\nreserve_pool_size = 5\nreserve_pool_timeout = 0\n',
    ),
  );
  assert.deepEqual(steps(panel(noReserve, 'app: server connections')), [null, 24, 28.5]);
});

test('an unlimited pool (pool_size 0 from 1.24) gets no line; before 1.24 it opens no connection', () => {
  const text = '[databases]\nreports = host=db pool_size=0\n[pgbouncer]\n';
  const unlimited = panel(dashboardModel(lint(text, '1.24')), 'reports: server connections');
  assert.deepEqual(steps(unlimited), [null]);
  assert.match(String(unlimited.description), /no limit/);
  assert.match(
    String(panel(dashboardModel(lint(text, '1.23')), 'reports: server connections').description),
    /can open no server connection/,
  );
});

test('maxwait lines: the pool view thresholds and query_wait_timeout when above 0', () => {
  const at = (qwt: string) =>
    panel(
      dashboardModel(lint(`[databases]\napp = host=db\n[pgbouncer]\nquery_wait_timeout = ${qwt}\n`)),
      'Longest wait (maxwait)',
    );
  assert.deepEqual(steps(at('60')), [null, 1, 5, 60]);
  assert.match(
    String(at('60').description),
    /query_wait_timeout \(60 s, a constant from the configuration\)/,
  );
  assert.deepEqual(steps(at('3')), [null, 1, 3, 5]);
  assert.deepEqual(steps(at('5')), [null, 1, 5]);
  assert.deepEqual(steps(at('0')), [null, 1, 5]);
  assert.match(String(at('0').description), /never disconnects a waiting client/);
  // The default, 120 s.
  assert.deepEqual(
    steps(panel(dashboardModel(lint('[databases]\napp = host=db\n')), 'Longest wait (maxwait)')),
    [null, 1, 5, 120],
  );
});

test('options: selector, percentages and title; a warning at or above the critical is refused', () => {
  const result = lint('[databases]\napp = host=db\n');
  const model = dashboardModel(result, {
    selector: 'service="pgb"',
    warningPercent: 60,
    criticalPercent: 85,
    title: 'Mine',
  });
  assert.equal(model.title, 'Mine');
  assert.deepEqual(steps(panel(model, 'Pool use: server connections / pool size')), [null, 60, 85]);
  for (const { expr } of expressionsOf(model)) assert.match(expr, /\{service="pgb", instance=~"\$instance"/);
  assert.equal(dashboardModel(result).uid, model.uid, 'the uid follows the file, not the title');
  assert.throws(() => dashboardModel(result, { warningPercent: 95, criticalPercent: 90 }), RangeError);
});

test('a database per row, in the order of the file; the fallback * has none (its databases are in All databases)', () => {
  const model = dashboardModel(lint('[databases]\nzeta = host=db\n* = host=db\nalpha = host=db\n'));
  const rows = panels(model)
    .filter((p) => p.type === 'row')
    .map((p) => p.title);
  assert.deepEqual(rows, ['All databases', 'Database zeta', 'Database alpha']);
  assert.match(exprs(panel(model, 'alpha: waiting clients'))[0], /database="alpha"/);
});

test('pgbouncer-lint --dashboard FILE prints the dashboard; usage errors exit 2', () => {
  const c = DASHBOARD_CASES[0];
  const run = runCli(['--dashboard', c.ini], { cwd: ROOT });
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
  assert.equal(run.stdout, fs.readFileSync(snapshotPath(c), 'utf8'));
  for (const [args, message] of [
    [['--dashboard', c.ini, c.ini], '--dashboard needs exactly one FILE'],
    [['--dashboard', '--report', c.ini], '--dashboard cannot be combined with --report'],
    [
      ['--dashboard', 'test/fixtures/monitoring'],
      "--dashboard needs a configuration FILE; 'test/fixtures/monitoring' is a directory",
    ],
  ] as const) {
    const bad = runCli([...args], { cwd: ROOT });
    assert.equal(bad.status, 2, bad.stderr);
    assert.ok(bad.stderr.includes(message), bad.stderr);
    assert.equal(bad.stdout, '');
  }
  assert.match(runCli(['--help']).stdout, /--dashboard +print a Grafana dashboard/);
});

test('pgbouncer-lint --dashboard on a file with errors still prints it, says so and exits 1', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-cli-'));
  try {
    const ini = path.join(dir, 'pgbouncer.ini');
    fs.writeFileSync(ini, '[databases]\napp = host=db\n[pgbouncer]\npool_mode = sometimes\n');
    const run = runCli(['--dashboard', ini]);
    assert.equal(run.status, 1, run.stderr);
    assert.equal((JSON.parse(run.stdout) as Json).title, `PgBouncer: ${ini}`);
    assert.match(run.stderr, /error\(s\) found: the dashboard shows what PgBouncer would read/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
