// The PgBouncers Kubernetes operators generate: the pgbouncer.ini a CloudNativePG Pooler and the
// Zalando operator's connection pooler run with, each line traced to the manifest, and the real
// PgBouncer starting with it.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { availableIn, parseVersion, setting } from '../../server/src/catalog/catalog';
import { readKubernetes } from '../../server/src/deployment/read/kubernetes';
import type { OperatorPooler } from '../../server/src/deployment/read/operators';
import { releaseOfImage } from '../../server/src/deployment/read/operators';
import { parseYamlFile } from '../../server/src/deployment/read/yaml-source';
import { askPgBouncer, findPgBouncer } from '../support/pgbouncer-oracle';
import { makeTestCa } from '../support/tls';

const SHOP = path.join(__dirname, 'kubernetes-cases', 'shop');

function read(...texts: [string, string][]): ReturnType<typeof readKubernetes> {
  return readKubernetes(texts.map(([name, text]) => parseYamlFile(name, text)));
}

function readCase(name: string): ReturnType<typeof readKubernetes> {
  const file = path.join(SHOP, name);
  return read([file, fs.readFileSync(file, 'utf8')]);
}

/** Each generated line that came from the manifest, with the manifest line it came from. */
function traced(pooler: OperatorPooler): [string, number][] {
  const lines = pooler.generatedIni.split('\n');
  const out: [string, number][] = [];
  pooler.lineSources.forEach((source, i) => {
    if (!source) return;
    const text = fs.existsSync(source.file) ? fs.readFileSync(source.file, 'utf8') : '';
    out.push([lines[i], text.slice(0, source.span.start).split('\n').length]);
  });
  return out;
}

test('a CloudNativePG Pooler: the pgbouncer.ini the operator writes, defaults and forced settings included', () => {
  const result = readCase('cnpg.yaml');
  assert.equal(result.poolers.length, 1);
  const pooler = result.poolers[0];
  assert.equal(pooler.operator, 'cloudnative-pg');
  assert.equal(pooler.name, 'shop-db-pooler');
  assert.equal(pooler.namespace, 'shop');
  assert.equal(pooler.instances, 2);
  assert.equal(pooler.clusterHost, 'shop-db-rw');
  assert.equal(pooler.serviceName, 'shop-db-pooler');
  assert.equal(pooler.port, 5432);
  assert.equal(pooler.release, undefined);
  assert.equal(
    pooler.generatedIni,
    [
      '',
      '[databases]',
      '* = host=shop-db-rw',
      '',
      '[pgbouncer]',
      'pool_mode = transaction',
      'auth_user = cnpg_pooler_pgbouncer',
      'auth_query = SELECT usename, passwd FROM public.user_search($1)',
      'auth_dbname = postgres',
      '',
      'admin_users = pgbouncer',
      'auth_hba_file = /controller/configs/pg_hba.conf',
      'auth_type = hba',
      'client_tls_ca_file = /controller/configs/client-ca/ca.crt',
      'client_tls_cert_file = /controller/configs/client-tls/tls.crt',
      'client_tls_key_file = /controller/configs/client-tls/tls.key',
      'client_tls_sslmode = prefer',
      'default_pool_size = 20',
      // The operator's list first, the Pooler's after it.
      'ignore_startup_parameters = extra_float_digits,options,search_path',
      'listen_addr = *',
      // listen_port is forced: the Pooler's 6432 is refused.
      'listen_port = 5432',
      'log_stats = 0',
      'max_client_conn = 1000',
      'reserve_pool_size = 5',
      'server_tls_ca_file = /controller/configs/server-tls/ca.crt',
      'server_tls_cert_file = /controller/configs/authUser/tls.crt',
      'server_tls_key_file = /controller/configs/authUser/tls.key',
      'server_tls_sslmode = verify-ca',
      'unix_socket_dir = /controller/run',
      '',
    ].join('\n'),
  );
  assert.deepEqual(traced(pooler), [
    ['* = host=shop-db-rw', 20],
    ['pool_mode = transaction', 22],
    ['auth_user = cnpg_pooler_pgbouncer', 18],
    ['default_pool_size = 20', 25],
    ['ignore_startup_parameters = extra_float_digits,options,search_path', 26],
    ['max_client_conn = 1000', 24],
    ['reserve_pool_size = 5', 28],
  ]);
  assert.deepEqual(
    pooler.settings.map((s) => s.name),
    [
      'pool_mode',
      'max_client_conn',
      'default_pool_size',
      'ignore_startup_parameters',
      'listen_port',
      'reserve_pool_size',
    ],
  );
  const problems = result.problems.map((p) => [
    p.code,
    p.severity,
    fs.readFileSync(p.file, 'utf8').slice(0, p.span.start).split('\n').length,
  ]);
  assert.deepEqual(problems, [
    ['cnpg-pooler-parameter', 'error', 27],
    ['cnpg-pooler-parameter-type', 'warning', 28],
  ]);
});

test('a Pooler with its own auth query secret: the user from the Secret, a userlist, the image release', () => {
  const manifest = [
    'apiVersion: v1',
    'kind: Secret',
    'metadata: {name: pooler-auth, namespace: db}',
    'type: kubernetes.io/basic-auth',
    'stringData:',
    '  username: pgbouncer_auth',
    '  password: "not-shown"',
    '---',
    'apiVersion: postgresql.cnpg.io/v1',
    'kind: Pooler',
    'metadata: {name: pg-ro, namespace: db}',
    'spec:',
    '  cluster: {name: pg}',
    '  type: ro',
    '  pgbouncer:',
    '    image: ghcr.io/cloudnative-pg/pgbouncer:1.23.0',
    '    authQuerySecret: {name: pooler-auth}',
    '    authQuery: SELECT usename, passwd FROM auth.lookup($1)',
    '    parameters:',
    '      auth_type: scram-sha-256',
    '',
  ].join('\n');
  const result = read(['/repo/db.yaml', manifest]);
  const pooler = result.poolers[0];
  assert.equal(pooler.release, '1.23.0');
  assert.equal(pooler.clusterHost, 'pg-ro');
  assert.equal(pooler.instances, 1);
  const lines = pooler.generatedIni.split('\n');
  assert.ok(lines.includes('* = host=pg-ro'));
  assert.ok(lines.includes('pool_mode = session'), 'session is the default pool mode');
  assert.ok(lines.includes('auth_user = pgbouncer_auth'));
  assert.ok(lines.includes('auth_query = SELECT usename, passwd FROM auth.lookup($1)'));
  assert.ok(lines.includes('auth_file = /controller/configs/userlist.txt'));
  assert.ok(lines.includes('auth_type = scram-sha-256'));
  assert.equal(
    lines.some((l) => l.startsWith('server_tls_cert_file')),
    false,
  );
  const userLine = lines.indexOf('auth_user = pgbouncer_auth');
  const source = pooler.lineSources[userLine];
  assert.equal(source && manifest.slice(0, source.span.start).split('\n').length, 6);
  assert.equal(result.problems.length, 0);
  assert.equal(pooler.generatedIni.includes('not-shown'), false);
});

test('a Pooler the webhook refuses is reported where the cause is', () => {
  const manifest = [
    'apiVersion: postgresql.cnpg.io/v1',
    'kind: Pooler',
    'metadata: {name: pg}',
    'spec:',
    '  cluster: {name: pg}',
    '  pgbouncer:',
    '    authQuery: SELECT 1',
    '',
  ].join('\n');
  const result = read(['/repo/p.yaml', manifest]);
  assert.deepEqual(
    result.problems.map((p) => [p.code, manifest.slice(0, p.span.start).split('\n').length]),
    [
      ['cnpg-pooler-invalid', 3],
      ['cnpg-pooler-invalid', 7],
    ],
  );
});

test('a Zalando postgresql with both poolers: sizes shared among instances, lines traced', () => {
  const result = readCase('zalando.yaml');
  assert.deepEqual(
    result.poolers.map((p) => [p.operator, p.name, p.clusterHost, p.serviceName, p.instances]),
    [
      ['zalando', 'acid-orders', 'acid-orders', 'acid-orders-pooler', 3],
      ['zalando', 'acid-orders', 'acid-orders-repl', 'acid-orders-pooler-repl', 3],
    ],
  );
  const master = result.poolers[0];
  const lines = master.generatedIni.split('\n');
  // maxDBConnections 90 over 3 instances: 30 each; default pool half that, reserve half again.
  for (const line of [
    '* = host=acid-orders port=5432 auth_user=pooler',
    'pool_mode = session',
    'listen_port = 5432',
    'auth_query = SELECT * FROM pooler.user_lookup($1)',
    'max_db_connections = 30',
    'default_pool_size = 15',
    'reserve_pool_size = 7',
    'max_client_conn = 10000',
    'client_tls_sslmode = require',
    'ignore_startup_parameters = extra_float_digits,options',
  ]) {
    assert.ok(lines.includes(line), line);
  }
  assert.deepEqual(
    traced(master).filter(([line]) => /^(pool_mode|max_db_connections|auth_query) /.test(line)),
    [
      ['pool_mode = session', 17],
      ['auth_query = SELECT * FROM pooler.user_lookup($1)', 18],
      ['max_db_connections = 30', 20],
    ],
  );
  assert.equal(master.release, undefined);
  assert.ok(master.notes.some((n) => n.includes('master-32')));
});

test('Zalando: a connectionPooler section alone enables the master pooler, with the operator defaults', () => {
  const base =
    'apiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata: {name: acid-x}\nspec:\n  teamId: acid\n';
  const alone = read(['/repo/z.yaml', base + '  connectionPooler: {}\n']);
  assert.equal(alone.poolers.length, 1);
  const lines = alone.poolers[0].generatedIni.split('\n');
  assert.equal(alone.poolers[0].instances, 2);
  assert.ok(lines.includes('pool_mode = transaction'));
  assert.ok(lines.includes('max_db_connections = 30'));
  assert.ok(lines.includes('default_pool_size = 15'));
  const off = read([
    '/repo/z.yaml',
    base + '  enableConnectionPooler: false\n  connectionPooler: {mode: session}\n',
  ]);
  assert.equal(off.poolers.length, 0);
  const none = read(['/repo/z.yaml', base]);
  assert.equal(none.poolers.length, 0);
});

test('release from an image tag', () => {
  assert.equal(releaseOfImage('ghcr.io/cloudnative-pg/pgbouncer:1.25.1'), '1.25.1');
  assert.equal(releaseOfImage('registry:5000/pgbouncer:1.22.1-3@sha256:abc'), '1.22.1');
  assert.equal(releaseOfImage('registry:5000/pgbouncer'), undefined);
  assert.equal(releaseOfImage('registry.opensource.zalan.do/acid/pgbouncer:master-32'), undefined);
});

/**
 * The generated ini as the real PgBouncer (Debian's 1.18) would run it: settings 1.18 does not know
 * left out (the catalog says which), and the files the operator mounts supplied in a temp dir.
 */
function runnable(ini: string, dir: string, files: Record<string, string>): string {
  const v118 = parseVersion('1.18');
  assert.ok(v118);
  return ini
    .split('\n')
    .filter((line) => {
      const name = /^(\w+) =/.exec(line)?.[1];
      const known =
        name === undefined || name === '*' || name === 'postgres' ? undefined : setting('pgbouncer', name);
      return known === undefined || availableIn(known.addedIn, v118);
    })
    .map((line) =>
      line.replace(/^(\w+_file|auth_hba_file) = (\/\S+)$/, (_all, key: string, file: string) => {
        const name = file.replace(/\//g, '_');
        const content = file.endsWith('.key')
          ? files.key
          : file.endsWith('.crt')
            ? files.cert
            : file.endsWith('pg_hba.conf')
              ? 'host all all 0.0.0.0/0 md5\n'
              : '';
        fs.writeFileSync(path.join(dir, name), content, { mode: 0o644 });
        return `${key} = ${path.join(dir, name)}`;
      }),
    )
    .join('\n');
}

let hasPgBouncer = true;
try {
  findPgBouncer();
} catch {
  hasPgBouncer = false;
}

test(
  'the real PgBouncer starts with the generated configurations',
  { skip: !hasPgBouncer && 'no pgbouncer binary' },
  async () => {
    const poolers = [...readCase('cnpg.yaml').poolers, ...readCase('zalando.yaml').poolers];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-oracle-'));
    try {
      const ca = makeTestCa(path.join(dir, 'ca'));
      const files = {
        key: fs.readFileSync(ca.serverKey, 'utf8'),
        cert: fs.readFileSync(ca.serverCert, 'utf8'),
      };
      fs.chmodSync(dir, 0o755);
      for (const pooler of poolers) {
        const answer = await askPgBouncer(runnable(pooler.generatedIni, dir, files));
        assert.equal(
          answer.verdict,
          'accept',
          `${pooler.operator} ${pooler.serviceName}: ${answer.log.join('\n')}`,
        );
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
