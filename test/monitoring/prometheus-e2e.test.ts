// The alert rules end to end: the real Prometheus server evaluates them against a scrape target that
// serves pgbouncer_exporter's metrics read from a real PgBouncer (test/support/exporter-scrape.ts). A
// quiet pool makes nothing active; six clients on a database whose own pool_size is 2 fill that pool
// and make clients wait, and the pool and waiting alerts of that database go pending (their `for:` is
// minutes, longer than the test); when the load stops they go back to inactive; when PgBouncer stops,
// PgBouncerUnreachable goes pending while PgBouncerExporterDown stays quiet (the exporter still answers).
//
//   node --import tsx --test test/monitoring/prometheus-e2e.test.ts

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'pg';
import { lintText } from '../../server/src/analysis/engine';
import { alertRulesYaml } from '../../server/src/monitoring/alerts';
import { readAdminSnapshot, startExporterScrape } from '../support/exporter-scrape';
import type { AdminTarget, ExporterScrape } from '../support/exporter-scrape';
import { prometheusUnavailable, startPrometheus } from '../support/prometheus';
import type { ActiveAlert, PrometheusServer } from '../support/prometheus';
import { stackUnavailable, startStack, waitFor } from '../support/stack';
import type { Stack } from '../support/stack';

const skip = stackUnavailable() ?? prometheusUnavailable();

// The database under load: its own pool_size (2) is below default_pool_size (5), so an alert judged
// against default_pool_size would stay quiet at 2 of 2.
const DATABASE = 'small';
const CLIENTS = 6;

const POOL_ALERT = 'PgBouncerPoolNearLimit';
const WAITING_ALERT = 'PgBouncerClientsWaiting';
const UNREACHABLE_ALERT = 'PgBouncerUnreachable';
const EXPORTER_DOWN_ALERT = 'PgBouncerExporterDown';

/** The rule file Prometheus runs: what `pgbouncer-lint --alerts` generates for the configuration PgBouncer runs. */
function alertRules(ini: string, configPath: string, release: string): string {
  return alertRulesYaml(lintText(ini, { filePath: configPath, targetVersion: release }));
}

function describeAlerts(alerts: ActiveAlert[]): string {
  return alerts
    .map(
      (alert) =>
        `${alert.labels.alertname}{database=${alert.labels.database ?? ''},severity=${alert.labels.severity ?? ''}} ${alert.state} ${alert.value}`,
    )
    .join('; ');
}

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

const isActive = (alert: ActiveAlert): boolean => alert.state === 'pending' || alert.state === 'firing';

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
      const admin: AdminTarget = {
        host: stack.pgbouncer.host,
        port: stack.pgbouncer.port,
        user: stack.users.stats.user,
        password: stack.users.stats.password,
      };
      // the rules are generated for the release that runs ("PgBouncer 1.18.0" -> 1.18)
      const version = (await readAdminSnapshot({ ...admin, timeoutMs: 5_000 }))?.version ?? '';
      const release = /(\d+\.\d+)/.exec(version)?.[1];
      assert.ok(release, `SHOW VERSION: ${version}`);
      target = await startExporterScrape(admin);
      prometheus = await startPrometheus({
        targets: [target.address],
        rules: alertRules(stack.pgbouncer.baseConfig, stack.pgbouncer.configPath, release),
      });
    });

    after(async () => {
      loading = false;
      await Promise.allSettled(load);
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
      await prometheus?.stop();
      await target?.stop();
      await stack?.stop();
    });

    test('Prometheus loads the rules and scrapes the exporter metrics of the running PgBouncer', async () => {
      const rules = await prometheus.rules();
      const names = new Set(rules.map((rule) => rule.name));
      for (const name of [POOL_ALERT, WAITING_ALERT, UNREACHABLE_ALERT, EXPORTER_DOWN_ALERT]) {
        assert.ok(names.has(name), `${name} among the rules: ${[...names].join(', ')}`);
      }
      await waitFor(
        'pgbouncer_up 1 in Prometheus',
        async () => (await prometheus.query('pgbouncer_up{job="pgbouncer"}'))[0]?.value[1] === '1',
        15_000,
        250,
      );
      const poolSize = await prometheus.query(`pgbouncer_databases_pool_size{name="${DATABASE}"}`);
      assert.equal(poolSize[0]?.value[1], '2', 'the exporter gauge carries the database’s own pool_size');
      // every rule has been evaluated against these series without an error
      await waitFor(
        'every rule evaluated',
        async () => (await prometheus.rules()).every((rule) => rule.health === 'ok'),
        10_000,
        250,
      ).catch(async (error: Error) => {
        const bad = (await prometheus.rules()).filter((rule) => rule.health !== 'ok');
        throw new Error(
          `${error.message}: ${bad.map((rule) => `${rule.name}: ${rule.health} ${rule.lastError ?? ''}`).join('; ')}`,
        );
      });
    });

    test('a quiet PgBouncer makes no alert pending or firing', async () => {
      // the rules have run on several scrapes of the quiet pool
      const first = target.scrapes();
      await waitFor('four more scrapes', () => target.scrapes() >= first + 4, 15_000, 100);
      assert.equal(describeAlerts(await prometheus.alerts()), '');
    });

    test(`${CLIENTS} clients on a pool of 2: the pool and waiting alerts of ${DATABASE} go pending`, async () => {
      for (let i = 0; i < CLIENTS; i++) clients.push(await stack.connectApp(DATABASE));
      loading = true;
      // one-second queries back to back: the pool stays full and four clients are always waiting
      load = clients.map(async (client) => {
        while (loading) await client.query('SELECT pg_sleep(1)');
      });
      const activeFor = (alerts: ActiveAlert[], name: string): ActiveAlert[] =>
        alerts.filter(
          (alert) => alert.labels.alertname === name && alert.labels.database === DATABASE && isActive(alert),
        );
      const active = await untilAlerts(
        prometheus,
        `${POOL_ALERT} (warning and critical) and ${WAITING_ALERT} active for ${DATABASE}`,
        (alerts) => activeFor(alerts, POOL_ALERT).length === 2 && activeFor(alerts, WAITING_ALERT).length > 0,
      );
      for (const pool of activeFor(active, POOL_ALERT)) {
        assert.equal(pool.labels.user, 'app');
        assert.equal(Number(pool.value), 1, `${pool.labels.severity}: two server connections of two`);
      }
      const waiting = activeFor(active, WAITING_ALERT)[0];
      assert.equal(waiting.labels.user, 'app');
      assert.ok(Number(waiting.value) >= 1, `clients waiting: ${waiting.value}`);
      // nothing else: appdb's pool (default_pool_size 5) is unused, and 6 clients are far from max_client_conn
      assert.equal(describeAlerts(active.filter((alert) => alert.labels.database !== DATABASE)), '');
    });

    test('when the load stops, the alerts go back to inactive', async () => {
      loading = false;
      await Promise.all(load);
      load = [];
      await untilAlerts(prometheus, `no alert for ${DATABASE}`, (alerts) =>
        alerts.every((alert) => alert.labels.database !== DATABASE),
      );
      const states = (await prometheus.rules())
        .filter((rule) => rule.name === POOL_ALERT || rule.name === WAITING_ALERT)
        .map((rule) => `${rule.name} ${rule.state}`);
      assert.deepEqual(
        states.filter((state) => !state.endsWith(' inactive')),
        [],
      );
    });

    test(`PgBouncer stopped: ${UNREACHABLE_ALERT} goes pending, ${EXPORTER_DOWN_ALERT} stays quiet`, async () => {
      await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
      await stack.pgbouncer.stop();
      const active = await untilAlerts(
        prometheus,
        `${UNREACHABLE_ALERT} pending or firing`,
        (alerts) => alerts.some((alert) => alert.labels.alertname === UNREACHABLE_ALERT && isActive(alert)),
        15_000,
      );
      assert.match(target.lastText(), /^pgbouncer_up 0$/m);
      assert.deepEqual(
        active.filter((alert) => alert.labels.alertname === EXPORTER_DOWN_ALERT),
        [],
        'the exporter itself is still scraped',
      );
    });
  },
);
