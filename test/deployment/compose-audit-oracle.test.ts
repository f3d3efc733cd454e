// The whole audit against the real compose reader: `pgbouncer-lint DIR`'s auditFolder (discovery,
// reading, assembling) on a fixture repository must give every service the environment Debian's
// docker-compose (1.29.2) resolves with `config` (no daemon needed): the anchors merged, ${VAR:-default}
// interpolated, and the connections the rules judge made of those very values. compose-oracle.test.ts
// checks the compose reader alone, case by case; this checks what reaches the rules. docker-compose
// runs with an empty environment, as the audit uses none. Without docker-compose the test is skipped,
// except in CI (CI=true), where that is a failure.
//
//   node --import tsx --test test/deployment/compose-audit-oracle.test.ts

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { auditFolder } from '../../server/src/deployment/run';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'deployments');
const REPOSITORIES = ['compose-edoburu'];

const available = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
if (!available && process.env.CI === 'true') {
  throw new Error('docker-compose is missing; CI must have it (scripts/ensure-system-deps.sh installs it)');
}

interface Service {
  environment?: Record<string, string | number | boolean | null>;
  deploy?: { replicas?: number };
}

function resolvedByDockerCompose(dir: string): Record<string, Service> {
  const out = execFileSync('docker-compose', ['--project-directory', dir, 'config'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return (parse(out) as { services: Record<string, Service> }).services;
}

/** docker-compose's environment as the container gets it (`$$` in `config` output is one `$`). */
function environmentOf(service: Service): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(service.environment ?? {}))
    if (value !== null) env[name] = String(value).replace(/\$\$/g, '$');
  return env;
}

for (const name of REPOSITORIES) {
  test(
    `the audit of ${name} sees the environment docker-compose config resolves`,
    { skip: !available && 'docker-compose is not installed' },
    () => {
      const dir = path.join(FIXTURES, name);
      const theirs = resolvedByDockerCompose(dir);
      const audit = auditFolder(dir);
      const workloads = audit.deployment.workloads.filter((one) => one.kind === 'compose-service');

      assert.deepEqual(workloads.map((one) => one.name).sort(), Object.keys(theirs).sort(), 'the services');
      // The fixture must exercise what the test is about, or it proves nothing.
      const resolved = Object.values(theirs).map(environmentOf);
      const urls = resolved.flatMap((env) => (env.DATABASE_URL === undefined ? [] : [env.DATABASE_URL]));
      assert.ok(urls.length >= 3, 'several services have a DATABASE_URL');
      assert.ok(
        urls.every((url) => !url.includes('${')),
        'docker-compose interpolated every DATABASE_URL',
      );
      assert.ok(
        resolved.some((env) => env.NODE_ENV !== undefined),
        'a service has variables merged from an anchor',
      );

      for (const workload of workloads) {
        const service = theirs[workload.name] as Service;
        const expected = environmentOf(service);
        // A later variable of the same name wins, as in the container.
        const actual: Record<string, string> = {};
        for (const variable of workload.env) actual[variable.name] = variable.value.text;
        assert.deepEqual(actual, expected, `${workload.name}: environment`);
        assert.equal(workload.replicas, service.deploy?.replicas ?? 1, `${workload.name}: replicas`);

        // The connections the rules judge are made of the resolved values.
        const url = expected.DATABASE_URL;
        const pooler = audit.deployment.poolers.some((one) => one.workload === workload);
        const connections = audit.deployment.connections.filter(
          (one) => one.workload === workload && one.setting === 'DATABASE_URL',
        );
        if (url === undefined || pooler) {
          assert.deepEqual(connections, [], `${workload.name}: no client connection from DATABASE_URL`);
        } else {
          assert.deepEqual(
            connections.map((one) => one.at.text),
            [url],
            `${workload.name}: the connection's URL`,
          );
        }
      }
    },
  );
}
