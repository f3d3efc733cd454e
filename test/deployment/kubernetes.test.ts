// The Kubernetes reader: the workloads, environment, mounts and Services a cluster would run for
// the manifests of a repository, each value at the line it is written on.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  expandDependentVars,
  isKubernetesYaml,
  readKubernetes,
} from '../../server/src/deployment/read/kubernetes';
import type { KubernetesRead } from '../../server/src/deployment/read/kubernetes';
import type { SourceValue, Workload } from '../../server/src/deployment/read/types';
import { parseYamlFile } from '../../server/src/deployment/read/yaml-source';
import type { YamlFile } from '../../server/src/deployment/read/yaml-source';

const SHOP = path.join(__dirname, 'kubernetes-cases', 'shop');

function load(name: string): YamlFile {
  const file = path.join(SHOP, name);
  return parseYamlFile(file, fs.readFileSync(file, 'utf8'));
}

/** 1-based line of an offset in a file. */
function lineOf(file: string, offset: number): number {
  return fs.readFileSync(file, 'utf8').slice(0, offset).split('\n').length;
}

function where(value: SourceValue | undefined): string {
  assert.ok(value, 'a value with a position');
  return `${path.basename(value.file)}:${lineOf(value.file, value.span.start)}`;
}

const ALL = ['app.yaml', 'migrate.yaml', 'cnpg.yaml', 'zalando.yaml', 'templates/deployment.yaml'];

function readShop(): KubernetesRead {
  return readKubernetes(ALL.map(load));
}

function workload(read: KubernetesRead, name: string, container: string): Workload {
  const found = read.workloads.find((w) => w.name === name && w.container === container);
  assert.ok(found, `${name}/${container}`);
  return found;
}

function env(w: Workload, name: string): { text: string; at: string; origin: string; via?: string } {
  const found = w.env.filter((v) => v.name === name).at(-1);
  assert.ok(found, name);
  return {
    text: found.value.text,
    at: where(found.value),
    origin: found.origin,
    ...(found.via ? { via: where(found.via) } : {}),
  };
}

test('manifests are told from other YAML by apiVersion and kind', () => {
  assert.equal(isKubernetesYaml(load('app.yaml')), true);
  assert.equal(isKubernetesYaml(load('migrate.yaml')), true);
  // A compose file whose environment happens to have a key named kind.
  assert.equal(isKubernetesYaml(load('docker-compose.yml')), false);
  assert.equal(
    isKubernetesYaml(
      parseYamlFile('/x/application.yml', 'spring:\n  datasource:\n    url: jdbc:postgresql://db/app\n'),
    ),
    false,
  );
  // A Helm template is recognised as one (and then skipped by the reader).
  assert.equal(isKubernetesYaml(load('templates/deployment.yaml')), true);
});

test('a Deployment runs with its envFrom ConfigMap, its Secret references and its own env, each at its line', () => {
  const web = workload(readShop(), 'shop-web', 'web');
  assert.equal(web.objectKind, 'Deployment');
  assert.equal(web.image?.text, 'ghcr.io/acme/shop-web:2.4.1');
  assert.equal(web.replicas, 3);
  assert.equal(where(web.replicasAt), 'app.yaml:30');
  // envFrom with a prefix: every key of the ConfigMap, at the key's value in the ConfigMap.
  assert.deepEqual(env(web, 'APP_DB_HOST'), {
    text: 'shop-db-pooler.shop.svc',
    at: 'app.yaml:7',
    origin: 'configmap',
    via: 'app.yaml:49',
  });
  assert.deepEqual(env(web, 'APP_DB_PORT'), {
    text: '5432',
    at: 'app.yaml:8',
    origin: 'configmap',
    via: 'app.yaml:49',
  });
  // secretKeyRef to stringData: the value where it is written in the Secret.
  assert.deepEqual(env(web, 'DATABASE_URL'), {
    text: 'postgres://shop:s3cret@shop-db-pooler.shop.svc:5432/shop',
    at: 'app.yaml:20',
    origin: 'secret',
    via: 'app.yaml:56',
  });
  // secretKeyRef to data: decoded, at the encoded scalar.
  assert.deepEqual(env(web, 'PGPASSWORD'), {
    text: 's3cret',
    at: 'app.yaml:22',
    origin: 'secret',
    via: 'app.yaml:61',
  });
  // $(PORT) expanded with the variable defined before it.
  assert.deepEqual(env(web, 'LISTEN_ADDR'), {
    text: '0.0.0.0:8080',
    at: 'app.yaml:55',
    origin: 'kubernetes-env',
  });
  // fieldRef is known only at run time; a missing ConfigMap gives no variable.
  assert.equal(
    web.env.some((v) => v.name === 'POD_IP' || v.name === 'MISSING'),
    false,
  );
  // envFrom comes first, env after it (a later variable wins).
  assert.ok(web.env.findIndex((v) => v.name === 'APP_DB_HOST') < web.env.findIndex((v) => v.name === 'PORT'));
  // args expanded as the kubelet does: $(VAR) replaced, $$(VAR) left as the literal $(VAR).
  assert.equal(web.command?.text, '--listen 0.0.0.0:8080 --escaped $(LISTEN_ADDR)');
  assert.equal(where(web.command), 'app.yaml:43');
  assert.deepEqual(web.containerPorts, [8080]);
  assert.equal(web.healthcheck?.command, 'http:http/healthz');
  assert.equal(web.purpose, 'runtime');
});

test('the ConfigMap and Secret are read with their keys at their lines; Secret data decoded', () => {
  const read = readShop();
  const config = read.configMaps.find((c) => c.name === 'shop-config');
  assert.ok(config);
  assert.equal(config.namespace, 'shop');
  assert.deepEqual(
    config.entries.map((e) => [e.key, lineOf(config.file, e.keySpan.start), where(e.value)]),
    [
      ['DB_HOST', 7, 'app.yaml:7'],
      ['DB_PORT', 8, 'app.yaml:8'],
      ['pgbouncer.ini', 9, 'app.yaml:9'],
    ],
  );
  const secret = read.secrets.find((s) => s.name === 'shop-db');
  assert.ok(secret);
  assert.equal(secret.type, 'Opaque');
  assert.deepEqual(
    secret.entries.map((e) => [e.key, e.value.text, where(e.value)]),
    [
      ['password', 's3cret', 'app.yaml:22'],
      ['DATABASE_URL', 'postgres://shop:s3cret@shop-db-pooler.shop.svc:5432/shop', 'app.yaml:20'],
    ],
  );
});

test('ConfigMap volumes mount one file per key (items remapped, subPath), with the text they hold', () => {
  const web = workload(readShop(), 'shop-web', 'web');
  assert.deepEqual(
    web.mounts.map((m) => [m.target, m.content ? where(m.content) : undefined, where(m.at)]),
    [
      ['/etc/shop/pgbouncer.ini', 'app.yaml:9', 'app.yaml:81'],
      ['/etc/pgbouncer/pgbouncer.ini', 'app.yaml:9', 'app.yaml:83'],
      ['/var/cache/shop', undefined, 'app.yaml:86'],
    ],
  );
  assert.equal(web.mounts[1].content?.text, '[databases]\nshop = host=shop-db-rw port=5432\n');
});

test('Services: selectors give the workload its hostnames; LoadBalancer ports are exposed, ClusterIP internal', () => {
  const read = readShop();
  const web = workload(read, 'shop-web', 'web');
  assert.deepEqual(web.hostnames, [
    'shop-web',
    'shop-web.shop',
    'shop-web.shop.svc',
    'shop-web.shop.svc.cluster.local',
    'shop-internal',
    'shop-internal.shop',
    'shop-internal.shop.svc',
    'shop-internal.shop.svc.cluster.local',
  ]);
  // The LoadBalancer's targetPort names the container port http: 8080 for this workload.
  assert.deepEqual(
    web.ports.map((p) => [p.published, p.target, p.internal ?? false, where(p.at)]),
    [
      [80, 8080, false, 'app.yaml:107'],
      [undefined, 8080, false, 'app.yaml:107'],
      [8080, 8080, true, 'app.yaml:119'],
    ],
  );
  const lb = read.services.find((s) => s.name === 'shop-web');
  assert.equal(lb?.type, 'LoadBalancer');
  assert.deepEqual(lb?.selector, { app: 'shop-web' });
  assert.equal(read.services.find((s) => s.name === 'shop-internal')?.type, 'ClusterIP');
});

test('a List of a migration Job and a CronJob: init containers and the migrate command go direct', () => {
  const read = readShop();
  const init = workload(read, 'shop-schema', 'wait-for-db');
  assert.equal(init.purpose, 'migration');
  const prisma = workload(read, 'shop-schema', 'prisma');
  assert.equal(prisma.objectKind, 'Job');
  assert.equal(prisma.purpose, 'migration');
  assert.equal(prisma.command?.text, 'npx prisma migrate deploy');
  assert.deepEqual(env(prisma, 'DATABASE_URL'), {
    text: 'postgres://shop@shop-db-rw.shop.svc:5432/shop',
    at: 'migrate.yaml:23',
    origin: 'kubernetes-env',
  });
  const report = workload(read, 'shop-report', 'report');
  assert.equal(report.objectKind, 'CronJob');
  assert.equal(report.purpose, 'runtime');
  assert.deepEqual(env(report, 'DATABASE_URL'), {
    text: 'postgres://shop:s3cret@shop-db-pooler.shop.svc:5432/shop',
    at: 'app.yaml:20',
    origin: 'secret',
    via: 'migrate.yaml:40',
  });
});

test('problems: a missing ConfigMap at its reference, one note for a Helm template, never a secret', () => {
  const read = readShop();
  const summary = read.problems
    .filter((p) => p.code.startsWith('kubernetes'))
    .map((p) => [p.code, p.severity, `${path.relative(SHOP, p.file)}:${lineOf(p.file, p.span.start)}`]);
  assert.deepEqual(summary, [
    ['kubernetes-helm-template', 'information', 'templates/deployment.yaml:1'],
    ['kubernetes-missing-reference', 'information', 'app.yaml:69'],
  ]);
  assert.equal(
    read.problems.some((p) => p.code === 'yaml-syntax'),
    false,
  );
  assert.equal(
    read.problems.some((p) => p.message.includes('s3cret')),
    false,
  );
});

test('references resolve only within the namespace (default: default)', () => {
  const text = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: cfg, namespace: other}',
    'data: {A: one}',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: cfg}',
    'data: {A: two}',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: p}',
    'spec:',
    '  containers:',
    '    - name: c',
    '      envFrom: [{configMapRef: {name: cfg}}]',
    '',
  ].join('\n');
  const read = readKubernetes([parseYamlFile('/repo/k.yaml', text)]);
  const pod = read.workloads[0];
  assert.equal(pod.objectKind, 'Pod');
  assert.deepEqual(
    pod.env.map((v) => [v.name, v.value.text]),
    [['A', 'two']],
  );
});

test('a Secret value that is not base64 is reported without its text', () => {
  const text = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  token: "hunter2!!"\n';
  const read = readKubernetes([parseYamlFile('/repo/s.yaml', text)]);
  assert.deepEqual(
    read.problems.map((p) => [p.code, lineOf2(text, p.span.start)]),
    [['kubernetes-secret-base64', 5]],
  );
  assert.equal(read.problems[0].message.includes('hunter2'), false);
  assert.deepEqual(read.secrets[0].entries, []);
});

function lineOf2(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

test('$(VAR) expansion follows the kubelet', () => {
  const vars = new Map([
    ['A', 'x'],
    ['B', '$(A)'],
  ]);
  const get = (name: string): string | undefined => vars.get(name);
  assert.equal(expandDependentVars('$(A)-$(A)', get), 'x-x');
  assert.equal(expandDependentVars('$$(A)', get), '$(A)');
  assert.equal(expandDependentVars('$(NOPE)', get), '$(NOPE)');
  // Values are not expanded again.
  assert.equal(expandDependentVars('$(B)', get), '$(A)');
  assert.equal(expandDependentVars('$(A', get), '$(A');
  assert.equal(expandDependentVars('$x $', get), '$x $');
  assert.equal(expandDependentVars('$$$$', get), '$$');
});

test('bad input never throws: broken YAML, odd shapes, a huge List', () => {
  const inputs = [
    'apiVersion: v1\nkind: Pod\nspec: [1, 2\n',
    'apiVersion: v1\nkind: Deployment\nspec: {template: {spec: {containers: "no"}}}\n',
    'apiVersion: v1\nkind: Service\nspec: {ports: [{port: abc}, 7, {port: 5432, targetPort: {}}]}\n',
    'apiVersion: v1\nkind: List\nitems: 3\n',
    '- a\n- b\n',
    '',
    'apiVersion: v1\nkind: Pod\nmetadata: &m {name: *m}\n',
    'apiVersion: v1\nkind: List\nitems:\n' +
      '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {k: v}}\n'.repeat(2000),
  ];
  for (const text of inputs) {
    const read = readKubernetes([parseYamlFile('/repo/bad.yaml', text)]);
    assert.ok(Array.isArray(read.problems));
  }
  const big = readKubernetes([parseYamlFile('/repo/bad.yaml', inputs.at(-1) ?? '')]);
  assert.equal(big.configMaps.length, 2000);
});
