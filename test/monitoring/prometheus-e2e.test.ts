// The alert rules end to end: the real Prometheus server evaluates them against a scrape target that
// serves pgbouncer_exporter's metrics read from a real PgBouncer (test/support/exporter-scrape.ts). A
// quiet pool fires nothing; six clients on a database whose own pool_size is 2 make that pool full and
// clients wait, and the pool and waiting alerts for that database go pending/firing; when the load stops
// they resolve; when PgBouncer stops, the PgBouncer-down alert goes pending.
//
//   node --import tsx --test test/monitoring/prometheus-e2e.test.ts

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'pg';
import { startExporterScrape } from '../support/exporter-scrape';
import type { ExporterScrape } from '../support/exporter-scrape';
import { prometheusUnavailable, startPrometheus } from '../support/prometheus';
import type { ActiveAlert, PrometheusServer } from '../support/prometheus';
import { stackUnavailable, startStack, waitFor } from '../support/stack';
import type { Stack } from '../support/stack';

const skip = stackUnavailable() ?? prometheusUnavailable();

// The database under load: its own pool_size (2) is below default_pool_size (5), so an alert judged
// against default_pool_size would stay quiet at 2 of 2.
const DATABASE = 'small';
const CLIENTS = 6;

// TODO(#15): replace with the generated rules (alertRulesYaml(lintText(ini, ...))) once
// server/src/monitoring/alerts.ts is on main. These stand in with the same metrics and joins.
const RULES = `groups:
  - name: pgbouncer
    rules:
      - alert: PgBouncerDown
        expr: pgbouncer_up{job="pgbouncer"} == 0
        for: 1m
      - alert: PgBouncerClientsWaiting
        expr: sum by (job, instance, database) (pgbouncer_pools_client_waiting_connections{job="pgbouncer"}) > 0
        for: 2s
      - alert: PgBouncerPoolNearLimit
        expr: >-
          sum by (job, instance, database, user) (
            pgbouncer_pools_server_active_connections{job="pgbouncer"}
            + pgbouncer_pools_server_idle_connections{job="pgbouncer"}
            + pgbouncer_pools_server_used_connections{job="pgbouncer"}
            + pgbouncer_pools_server_testing_connections{job="pgbouncer"}
            + pgbouncer_pools_server_login_connections{job="pgbouncer"}
          )
          / on (job, instance, database) group_left
          max by (job, instance, database) (
            label_replace(pgbouncer_databases_pool_size{job="pgbouncer"} > 0, "database", "$1", "name", "(.*)")
          )
          * 100 >= 95
        for: 2s
`;

const POOL_ALERT = 'PgBouncerPoolNearLimit';
const WAITING_ALERT = 'PgBouncerClientsWaiting';
const DOWN_ALERT = 'PgBouncerDown';

/** Polls Prometheus's alerts until `done` holds; a timeout names what was active last. */
async function untilAlerts(
  prometheus: PrometheusServer,
  what: string,
  done: (alerts: ActiveAlert[]) => boolean,
  timeoutMs = 30_000,
): Promise<ActiveAlert[]> {
  let last: ActiveAlert[] = [];
  try {
    return await waitFor(
      what,
      async () => {
        last = await prometheus.alerts();
        return done(last) ? last : undefined;
      },
      timeoutMs,
      250,
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message.split(';')[0]}; active alerts: ${describeAlerts(last) || 'none'}`,
    );
  }
}

function describeAlerts(alerts: ActiveAlert[]): string {
  return alerts
    .map((alert) => `${alert.labels.alertname}{database=${alert.labels.database}} ${alert.state}`)
    .join('; ');
}

describe(
  'generated alert rules in a real Prometheus against a real PgBouncer',
  { skip, timeout: 90_000 },
  () => {
    let stack: Stack;
    let target: ExporterScrape;
    let prometheus: PrometheusServer;
    const clients: Client[] = [];
    let loading = false;
    let load: Promise<void>[] = [];

    before(async () => {
      stack = await startStack({
        settings: {
          default_pool_size: 5,
          max_client_conn: 40,
          // idle server connections go soon after the load, so the pool's use falls back
          server_idle_timeout: 2,
        },
        databases: { [DATABASE]: `{pg} dbname=appdb pool_size=2` },
      });
      target = await startExporterScrape({
        host: stack.pgbouncer.host,
        port: stack.pgbouncer.port,
        user: stack.users.stats.user,
        password: stack.users.stats.password,
      });
      prometheus = await startPrometheus({ targets: [target.address], rules: RULES });
    });

    after(async () => {
      loading = false;
      await Promise.all(load);
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await prometheus?.stop();
      await target?.stop();
      await stack?.stop();
    });

    test('Prometheus loads the rules and scrapes the exporter metrics of the running PgBouncer', async () => {
      const rules = await prometheus.rules();
      assert.deepEqual(rules.map((rule) => rule.name).sort(), [DOWN_ALERT, WAITING_ALERT, POOL_ALERT].sort());
      for (const rule of rules) assert.equal(rule.health !== 'err', true, `${rule.name}: ${rule.lastError}`);
      await waitFor(
        'pgbouncer_up 1 in Prometheus',
        async () => (await prometheus.query('pgbouncer_up{job="pgbouncer"}'))[0]?.value[1] === '1',
        15_000,
        250,
      );
      const poolSize = await prometheus.query(`pgbouncer_databases_pool_size{name="${DATABASE}"}`);
      assert.equal(poolSize[0]?.value[1], '2', 'the exporter gauge carries the database’s own pool_size');
    });

    test('a quiet PgBouncer fires nothing', async () => {
      // the rules have run on several scrapes of the quiet pool (for: 2s would have passed)
      const first = target.scrapes();
      await waitFor('four more scrapes', () => target.scrapes() >= first + 4, 15_000, 100);
      assert.deepEqual(describeAlerts(await prometheus.alerts()), '');
    });

    test(`${CLIENTS} clients on a pool of 2: the pool and waiting alerts of ${DATABASE} fire`, async () => {
      for (let i = 0; i < CLIENTS; i++) clients.push(await stack.connectApp(DATABASE));
      loading = true;
      // one-second queries back to back: the pool stays full and four clients are always waiting
      load = clients.map(async (client) => {
        while (loading) await client.query('SELECT pg_sleep(1)');
      });
      const firingFor = (alerts: ActiveAlert[], name: string): ActiveAlert | undefined =>
        alerts.find(
          (alert) =>
            alert.labels.alertname === name && alert.labels.database === DATABASE && alert.state === 'firing',
        );
      const firing = await untilAlerts(
        prometheus,
        `${POOL_ALERT} and ${WAITING_ALERT} firing for ${DATABASE}`,
        (alerts) =>
          firingFor(alerts, POOL_ALERT) !== undefined && firingFor(alerts, WAITING_ALERT) !== undefined,
      );
      const pool = firingFor(firing, POOL_ALERT)!;
      assert.equal(pool.labels.user, 'app');
      assert.equal(Number(pool.value), 100, 'two server connections of two');
      const waiting = firingFor(firing, WAITING_ALERT)!;
      assert.ok(Number(waiting.value) >= 1, `clients waiting: ${waiting.value}`);
      // the other databases stay quiet: appdb's pool (default_pool_size 5) is unused
      assert.deepEqual(
        describeAlerts((await prometheus.alerts()).filter((a) => a.labels.database !== DATABASE)),
        '',
      );
    });

    test('when the load stops, the alerts resolve', async () => {
      loading = false;
      await Promise.all(load);
      load = [];
      await untilAlerts(prometheus, `no alert for ${DATABASE}`, (alerts) =>
        alerts.every((alert) => alert.labels.database !== DATABASE),
      );
      const states = Object.fromEntries((await prometheus.rules()).map((rule) => [rule.name, rule.state]));
      assert.equal(states[POOL_ALERT], 'inactive');
      assert.equal(states[WAITING_ALERT], 'inactive');
    });

    test('PgBouncer stopped: pgbouncer_up 0 and the PgBouncer-down alert goes pending', async () => {
      await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
      await stack.pgbouncer.stop();
      const active = await untilAlerts(
        prometheus,
        `${DOWN_ALERT} pending or firing`,
        (alerts) => alerts.some((alert) => alert.labels.alertname === DOWN_ALERT),
        15_000,
      );
      const down = active.find((alert) => alert.labels.alertname === DOWN_ALERT)!;
      assert.ok(['pending', 'firing'].includes(down.state), down.state);
      assert.match(target.lastText(), /^pgbouncer_up 0$/m);
    });
  },
);
