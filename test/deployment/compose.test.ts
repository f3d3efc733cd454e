// Compose interpolation and compose projects as Compose v2 reads them: what each service gets and
// the line each value came from. compose-oracle.test.ts checks the same against docker-compose.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readComposeProject } from '../../server/src/deployment/read/compose';
import { interpolate } from '../../server/src/deployment/read/interpolate';
import type { Workload } from '../../server/src/deployment/read/types';

const DIR = '/project';
const BASE = `${DIR}/docker-compose.yml`;
const OVERRIDE = `${DIR}/docker-compose.override.yml`;

const vars: Record<string, string> = { HOST: 'db', EMPTY: '', PORT: '6432' };
const lookup = (name: string): string | undefined => vars[name];
const text = (template: string): string => interpolate(template, lookup).text;

test('interpolation: $NAME, ${NAME}, $$ and a $ that starts no reference', () => {
  assert.equal(text('$HOST:${PORT}'), 'db:6432');
  assert.equal(text('$HOST_x'), '');
  assert.equal(text('${HOST}_x'), 'db_x');
  assert.equal(text('pa$$word $${HOST}'), 'pa$word ${HOST}');
  assert.equal(text('cost $5, $ and $'), 'cost $5, $ and $');
});

test('interpolation: defaults, alternatives and required values', () => {
  assert.equal(text('${MISSING:-d} ${EMPTY:-d} ${HOST:-d}'), 'd d db');
  assert.equal(text('${MISSING-d} ${EMPTY-d} ${HOST-d}'), 'd  db');
  assert.equal(text('${MISSING:+a} ${EMPTY:+a} ${HOST:+a}'), '  a');
  assert.equal(text('${MISSING+a}|${EMPTY+a}|${HOST+a}'), '|a|a');
  assert.equal(text('${HOST:?needed} ${EMPTY?fine}'), 'db ');
  const required = interpolate('x${EMPTY:?set EMPTY}y', lookup);
  assert.equal(required.text, 'xy');
  assert.deepEqual(required.problems, ['Required variable EMPTY is missing a value: set EMPTY']);
  assert.deepEqual(interpolate('${MISSING?}', lookup).problems, [
    'Required variable MISSING is missing a value',
  ]);
});

test('interpolation: defaults nest, as Compose v2 allows', () => {
  assert.equal(text('${MISSING:-${ALSO:-${HOST}}}'), 'db');
  assert.equal(text('${MISSING:-a}}'), 'a}');
  assert.equal(text('${MISSING:-{x}}'), '{x}');
});

test('interpolation: used and unset names; unset without a default is empty', () => {
  const result = interpolate('${A} ${B:-x} $HOST ${A}', lookup);
  assert.equal(result.text, ' x db ');
  assert.deepEqual(result.used, ['A', 'B', 'HOST']);
  assert.deepEqual(result.unset, ['A']);
  assert.deepEqual(result.problems, []);
});

test('interpolation: an invalid ${ is a problem and stays as written', () => {
  for (const bad of ['${', '${}', '${1A}', '${A B}', '${A/x/y}', 'x${HOST']) {
    const result = interpolate(bad, lookup);
    assert.equal(result.problems.length, 1, bad);
    assert.match(result.text, /\$\{/, bad);
  }
});

test('interpolation: deep nesting is bounded', () => {
  const deep = '${A:-'.repeat(200) + 'x' + '}'.repeat(200);
  const result = interpolate(deep, lookup);
  assert.ok(result.problems.some((p) => /nested too deeply/.test(p)));
});

function project(
  files: Record<string, string>,
  dotEnv?: string,
  others: Record<string, string> = {},
): ReturnType<typeof readComposeProject> {
  return readComposeProject(
    Object.entries(files).map(([path, content]) => ({ path, text: content })),
    dotEnv === undefined ? undefined : { path: `${DIR}/.env`, text: dotEnv },
    (path) => others[path],
  );
}

function service(result: ReturnType<typeof readComposeProject>, name: string): Workload {
  const found = result.workloads.find((w) => w.name === name);
  assert.ok(found, `service ${name}`);
  return found;
}

const envOf = (w: Workload): Record<string, string> =>
  Object.fromEntries(w.env.map((e) => [e.name, e.value.text]));
const slice = (source: string, span: { start: number; end: number }): string =>
  source.slice(span.start, span.end);

test('environment: list and map forms, positions of names and values, values from .env', () => {
  const base = [
    'services:',
    '  app:',
    '    image: app:${TAG:-1}',
    '    environment:',
    '      - DATABASE_URL=postgres://app@${DB_HOST}:6432/app',
    '      - "QUOTED=yes"',
    '      - FROM_DOTENV',
    '      - NOWHERE',
    '  worker:',
    '    environment:',
    '      POOL: 10',
    '      URL: "postgres://w@${DB_HOST}/w"',
    '      FROM_DOTENV:',
    '      EMPTY: ""',
    '',
  ].join('\n');
  const dotEnv = 'DB_HOST=pgbouncer\nFROM_DOTENV=dotenv-value\nTAG=2\n';
  const result = project({ [BASE]: base }, dotEnv);
  const app = service(result, 'app');
  assert.equal(app.image?.text, 'app:2');
  assert.equal(slice(base, app.image!.span), 'app:${TAG:-1}');
  assert.deepEqual(envOf(app), {
    DATABASE_URL: 'postgres://app@pgbouncer:6432/app',
    QUOTED: 'yes',
    FROM_DOTENV: 'dotenv-value',
  });
  const url = app.env[0]!;
  assert.equal(url.origin, 'compose');
  assert.equal(url.value.file, BASE);
  assert.equal(slice(base, url.nameSpan), 'DATABASE_URL');
  assert.equal(slice(base, url.value.span), 'postgres://app@${DB_HOST}:6432/app');
  assert.equal(slice(base, app.env[1]!.nameSpan), 'QUOTED');
  // A variable taken from .env points at its line there.
  const fromDotEnv = app.env[2]!;
  assert.equal(fromDotEnv.origin, 'env-file');
  assert.equal(fromDotEnv.value.file, `${DIR}/.env`);
  assert.equal(slice(dotEnv, fromDotEnv.value.span), 'dotenv-value');

  const worker = service(result, 'worker');
  assert.deepEqual(envOf(worker), {
    POOL: '10',
    URL: 'postgres://w@pgbouncer/w',
    FROM_DOTENV: 'dotenv-value',
    EMPTY: '',
  });
  assert.equal(slice(base, worker.env[1]!.value.span), '"postgres://w@${DB_HOST}/w"');
  assert.equal(slice(base, worker.env[1]!.nameSpan), 'URL');
  assert.deepEqual(
    result.variables.map((v) => v.name),
    ['DB_HOST', 'FROM_DOTENV', 'TAG'],
  );
});

test('the process environment is not used', () => {
  process.env.COMPOSE_TEST_ONLY_IN_PROCESS = 'leaked';
  try {
    const result = project({
      [BASE]: 'services:\n  a:\n    environment:\n      - X=${COMPOSE_TEST_ONLY_IN_PROCESS}\n',
    });
    assert.equal(envOf(service(result, 'a')).X, '');
    const warning = result.problems.find((p) => p.code === 'compose-unset-variable');
    assert.equal(warning?.severity, 'warning');
    assert.match(warning?.message ?? '', /COMPOSE_TEST_ONLY_IN_PROCESS is not set/);
  } finally {
    delete process.env.COMPOSE_TEST_ONLY_IN_PROCESS;
  }
});

test('Compose v2 values where v1 differs (skipped in the oracle test)', () => {
  const result = project(
    {
      [BASE]:
        'services:\n  a:\n    environment:\n      N: ${NOPE:-${DB_HOST:-x}}\n      S: ${SINGLE}\n      A: ${DB_HOST:+set}\n      C: cost $5\n',
    },
    "DB_HOST=db\nSINGLE='literal ${DB_HOST}'\n",
  );
  assert.deepEqual(envOf(service(result, 'a')), { N: 'db', S: 'literal ${DB_HOST}', A: 'set', C: 'cost $5' });
  assert.deepEqual(result.problems, []);
});

test('a required variable that is missing is an error on its scalar, without other values', () => {
  const base = 'services:\n  a:\n    environment:\n      URL: "postgres://u:${PW}@${HOST:?set HOST}/d"\n';
  const result = project({ [BASE]: base }, 'PW=hunter2\n');
  const error = result.problems.find((p) => p.code === 'compose-interpolation');
  assert.equal(error?.severity, 'error');
  assert.equal(error?.file, BASE);
  assert.equal(slice(base, error!.span), '"postgres://u:${PW}@${HOST:?set HOST}/d"');
  assert.match(error!.message, /HOST is missing a value: set HOST/);
  for (const problem of result.problems) assert.doesNotMatch(problem.message, /hunter2/);
});

test('env_file: string, list and long form; environment wins; paths against the project folder', () => {
  const base = [
    'services:',
    '  api:',
    '    env_file: api.env',
    '    environment:',
    '      SHARED: from-environment',
    '  jobs:',
    '    env_file:',
    '      - ./a.env',
    '      - path: config/b.env',
    '      - path: ./optional.env',
    '        required: false',
    '',
  ].join('\n');
  const files = {
    [`${DIR}/api.env`]: 'SHARED=from-file\nURL=postgres://${DB_HOST}/api\nALONE\n',
    [`${DIR}/a.env`]: 'X=a\nY=a\n',
    [`${DIR}/config/b.env`]: 'Y=b\n',
  };
  const result = project({ [BASE]: base }, 'DB_HOST=pgbouncer\nALONE=from-dotenv\n', files);
  const api = service(result, 'api');
  assert.deepEqual(envOf(api), {
    URL: 'postgres://pgbouncer/api',
    ALONE: 'from-dotenv',
    SHARED: 'from-environment',
  });
  const url = api.env.find((e) => e.name === 'URL')!;
  assert.equal(url.origin, 'env-file');
  assert.equal(url.value.file, `${DIR}/api.env`);
  assert.equal(slice(files[`${DIR}/api.env`]!, url.value.span), 'postgres://${DB_HOST}/api');
  assert.deepEqual(envOf(service(result, 'jobs')), { X: 'a', Y: 'b' });
  assert.deepEqual(result.problems, []);
});

test('a required env_file that cannot be read is an error on its entry', () => {
  const base = 'services:\n  api:\n    env_file:\n      - missing.env\n';
  const result = project({ [BASE]: base });
  const error = result.problems.find((p) => p.code === 'compose-env-file');
  assert.equal(error?.severity, 'error');
  assert.equal(slice(base, error!.span), 'missing.env');
});

test('anchors and merge keys: own keys win, positions stay where the anchor wrote them', () => {
  const base = [
    'x-env: &env',
    '  DB_HOST: pgbouncer',
    '  DB_PORT: "6432"',
    'x-svc: &svc',
    '  image: app:1',
    '  environment: *env',
    'services:',
    '  web:',
    '    <<: *svc',
    '    environment:',
    '      <<: *env',
    '      DB_PORT: "5432"',
    '  worker:',
    '    <<: *svc',
    '',
  ].join('\n');
  const result = project({ [BASE]: base });
  const web = service(result, 'web');
  assert.deepEqual(envOf(web), { DB_HOST: 'pgbouncer', DB_PORT: '5432' });
  assert.equal(slice(base, web.env.find((e) => e.name === 'DB_HOST')!.value.span), 'pgbouncer');
  assert.equal(web.env.find((e) => e.name === 'DB_HOST')!.value.span.start, base.indexOf('pgbouncer'));
  const worker = service(result, 'worker');
  assert.equal(worker.image?.text, 'app:1');
  assert.deepEqual(envOf(worker), { DB_HOST: 'pgbouncer', DB_PORT: '6432' });
});

test('override files: values merged by key, each from the file that set it', () => {
  const base = [
    'services:',
    '  pgbouncer:',
    '    image: edoburu/pgbouncer:1.21.0',
    '    environment:',
    '      POOL_MODE: session',
    '      DB_HOST: postgres',
    '    ports: ["6432:6432"]',
    '    expose: ["6432"]',
    '    volumes:',
    '      - ./pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro',
    '      - data:/var/lib/data',
    '    command: ["pgbouncer", "/etc/pgbouncer/pgbouncer.ini"]',
    '    deploy: { replicas: 1 }',
    '',
  ].join('\n');
  const override = [
    'services:',
    '  pgbouncer:',
    '    environment:',
    '      - POOL_MODE=transaction',
    '    ports: ["6432:6432", "127.0.0.1:6433:6432"]',
    '    volumes:',
    '      - ./local.ini:/etc/pgbouncer/pgbouncer.ini',
    '    command: pgbouncer -v /etc/pgbouncer/pgbouncer.ini',
    '    deploy: { replicas: 3 }',
    '',
  ].join('\n');
  const result = project({ [BASE]: base, [OVERRIDE]: override });
  const pgb = service(result, 'pgbouncer');
  assert.equal(pgb.file, BASE);
  assert.equal(pgb.image?.file, BASE);
  assert.deepEqual(envOf(pgb), { POOL_MODE: 'transaction', DB_HOST: 'postgres' });
  const mode = pgb.env.find((e) => e.name === 'POOL_MODE')!;
  assert.equal(mode.value.file, OVERRIDE);
  assert.equal(slice(override, mode.value.span), 'transaction');
  assert.equal(slice(override, mode.nameSpan), 'POOL_MODE');
  assert.deepEqual(
    pgb.ports.map((p) => [p.at.file, p.hostIp, p.published, p.target]),
    [
      [OVERRIDE, undefined, 6432, 6432],
      [OVERRIDE, '127.0.0.1', 6433, 6432],
    ],
  );
  assert.deepEqual(pgb.containerPorts, [6432]);
  assert.deepEqual(
    pgb.mounts.map((m) => [m.target, m.hostPath, m.at.file]),
    [
      ['/etc/pgbouncer/pgbouncer.ini', `${DIR}/local.ini`, OVERRIDE],
      ['/var/lib/data', undefined, BASE],
    ],
  );
  assert.equal(pgb.command?.text, 'pgbouncer -v /etc/pgbouncer/pgbouncer.ini');
  assert.equal(pgb.command?.file, OVERRIDE);
  assert.equal(pgb.replicas, 3);
  assert.equal(pgb.replicasAt?.file, OVERRIDE);
});

test('!reset clears a value and !override replaces it whole', () => {
  const base =
    'services:\n  a:\n    image: a\n    ports: ["1000:1000"]\n    environment: { A: "1", B: "2" }\n';
  const override = 'services:\n  a:\n    ports: !reset []\n    environment: !override\n      C: "3"\n';
  const a = service(project({ [BASE]: base, [OVERRIDE]: override }), 'a');
  assert.deepEqual(a.ports, []);
  assert.deepEqual(envOf(a), { C: '3' });
});

test('ports: short and long syntax, ranges, IPv6, udp', () => {
  const base = [
    'services:',
    '  p:',
    '    ports:',
    '      - 6432',
    '      - "127.0.0.1:6433:6432"',
    '      - "[::1]:6434:6432"',
    '      - "8000-8001:9000-9001"',
    '      - "5353:5353/udp"',
    '      - "7000-7010:80"',
    '      - target: 6432',
    '        published: "6435"',
    '        host_ip: 10.0.0.1',
    '        protocol: udp',
    '      - "99999:1"',
    '',
  ].join('\n');
  const result = project({ [BASE]: base });
  const p = service(result, 'p');
  assert.deepEqual(
    p.ports.map((one) => [one.hostIp, one.published, one.target, one.protocol]),
    [
      [undefined, undefined, 6432, 'tcp'],
      ['127.0.0.1', 6433, 6432, 'tcp'],
      ['::1', 6434, 6432, 'tcp'],
      [undefined, 8000, 9000, 'tcp'],
      [undefined, 8001, 9001, 'tcp'],
      [undefined, 5353, 5353, 'udp'],
      [undefined, undefined, 80, 'tcp'],
      ['10.0.0.1', 6435, 6432, 'udp'],
    ],
  );
  assert.equal(slice(base, p.ports[7]!.at.span), '"6435"');
  const bad = result.problems.filter((one) => one.code === 'compose-port');
  assert.equal(bad.length, 1);
  assert.equal(slice(base, bad[0]!.span), '"99999:1"');
});

test('ulimits nofile, replicas and scale', () => {
  const base = [
    'services:',
    '  a:',
    '    ulimits: { nofile: 65536 }',
    '    scale: 2',
    '  b:',
    '    ulimits:',
    '      nofile: { soft: 1024, hard: 4096 }',
    '    deploy:',
    '      replicas: ${REPLICAS:-4}',
    '  c: {}',
    '',
  ].join('\n');
  const result = project({ [BASE]: base });
  const a = service(result, 'a');
  assert.deepEqual([a.nofile?.soft, a.nofile?.hard, a.replicas], [65536, 65536, 2]);
  assert.equal(slice(base, a.replicasAt!.span), '2');
  const b = service(result, 'b');
  assert.deepEqual([b.nofile?.soft, b.nofile?.hard, b.replicas], [1024, 4096, 4]);
  assert.equal(slice(base, b.nofile!.at.span), '1024');
  const c = service(result, 'c');
  assert.deepEqual([c.nofile, c.replicas, c.replicasAt], [undefined, 1, undefined]);
});

test('healthcheck forms', () => {
  const base = [
    'services:',
    '  a:',
    '    healthcheck: { test: ["CMD", "pg_isready", "-h", "localhost"] }',
    '  b:',
    '    healthcheck: { test: ["CMD-SHELL", "pg_isready -U app"] }',
    '  c:',
    '    healthcheck: { test: pg_isready }',
    '  d:',
    '    healthcheck: { test: ["NONE"] }',
    '  e:',
    '    healthcheck: { disable: true }',
    '',
  ].join('\n');
  const result = project({ [BASE]: base });
  const health = (name: string): [string | undefined, boolean | undefined] => {
    const h = service(result, name).healthcheck;
    return [h?.command, h?.disabled];
  };
  assert.deepEqual(health('a'), ['pg_isready -h localhost', false]);
  assert.deepEqual(health('b'), ['pg_isready -U app', false]);
  assert.deepEqual(health('c'), ['pg_isready', false]);
  assert.equal(health('d')[1], true);
  assert.equal(health('e')[1], true);
  assert.equal(
    slice(base, service(result, 'a').healthcheck!.at.span),
    '["CMD", "pg_isready", "-h", "localhost"]',
  );
});

test('hostnames and purpose', () => {
  const base = [
    'services:',
    '  db:',
    '    image: postgres:16',
    '    container_name: main-db',
    '    hostname: database',
    '    networks:',
    '      backend:',
    '        aliases: [postgres, pg]',
    '  migrate:',
    '    image: app:1',
    '  app-setup:',
    '    image: app:1',
    '    command: sh -c "npx prisma migrate deploy && node seed.js"',
    '  schema:',
    '    image: flyway/flyway:10',
    '  rails:',
    '    image: app:1',
    '    command: ["bundle", "exec", "rails", "db:migrate"]',
    '  web:',
    '    image: app:1',
    '    command: ["node", "server.js"]',
    '    networks: [backend]',
    '',
  ].join('\n');
  const result = project({ [BASE]: base });
  assert.deepEqual(service(result, 'db').hostnames, ['db', 'main-db', 'database', 'postgres', 'pg']);
  assert.deepEqual(
    result.workloads.map((w) => [w.name, w.purpose]),
    [
      ['db', 'runtime'],
      ['migrate', 'migration'],
      ['app-setup', 'migration'],
      ['schema', 'migration'],
      ['rails', 'migration'],
      ['web', 'runtime'],
    ],
  );
  assert.deepEqual(service(result, 'web').hostnames, ['web']);
});

test('bad input gives problems, never a throw', () => {
  const inputs = [
    '',
    'services',
    '- a\n- b\n',
    'services: [a, b]\n',
    'services:\n  a: 3\n',
    'services:\n  a:\n    environment: 5\n    ports: {x: 1}\n    ulimits: {nofile: many}\n',
    'services:\n  a: &a\n    <<: *a\n',
    'services:\n  a:\n    image: [unclosed\n',
    'a: &a [*a, *a]\nservices:\n  b:\n    <<: *a\n',
  ];
  for (const input of inputs) {
    const result = project({ [BASE]: input });
    assert.ok(Array.isArray(result.workloads));
  }
  const structure = project({ [BASE]: 'services:\n  a: 3\n' });
  assert.ok(structure.problems.some((p) => p.code === 'compose-structure'));
});

test('extends: a service of the same file or of another, values at the line of the file that set them', () => {
  const base = [
    'services:',
    '  base:',
    '    image: app:1',
    '    environment: { DB_HOST: pgbouncer, LOG: info }',
    '  web:',
    '    extends: base',
    '    environment: { LOG: debug }',
    '  worker:',
    '    extends: { file: lib/common.yml, service: pooled }',
    '',
  ].join('\n');
  const common = 'services:\n  pooled:\n    image: worker:2\n    volumes: ["./worker.ini:/etc/worker.ini"]\n';
  const result = project({ [BASE]: base }, undefined, { [`${DIR}/lib/common.yml`]: common });
  const web = service(result, 'web');
  assert.equal(web.image?.text, 'app:1');
  assert.deepEqual(envOf(web), { DB_HOST: 'pgbouncer', LOG: 'debug' });
  assert.equal(web.span.start, base.indexOf('web:'));
  const worker = service(result, 'worker');
  assert.equal(worker.image?.file, `${DIR}/lib/common.yml`);
  // A relative path in the extended file is relative to that file's folder.
  assert.deepEqual(
    worker.mounts.map((m) => m.hostPath),
    [`${DIR}/lib/worker.ini`],
  );
  assert.deepEqual(
    result.workloads.map((w) => w.name),
    ['base', 'web', 'worker'],
  );
  assert.deepEqual(result.problems, []);
});

test('extends: a circle, a missing service and a missing file are errors, not hangs', () => {
  const base = [
    'services:',
    '  a: { extends: b }',
    '  b: { extends: a }',
    '  c: { extends: nowhere }',
    '  d: { extends: { file: missing.yml, service: x } }',
    '  e: { extends: e }',
    '',
  ].join('\n');
  const result = project({ [BASE]: base });
  assert.equal(result.workloads.length, 5);
  const messages = result.problems.filter((p) => p.code === 'compose-extends').map((p) => p.message);
  assert.ok(messages.some((m) => /circle/.test(m)));
  assert.ok(messages.some((m) => /nowhere that is not there/.test(m)));
  assert.ok(messages.some((m) => /missing\.yml/.test(m)));
});

test('bind mounts: short and long syntax; named volumes have no host path', () => {
  const base = [
    'services:',
    '  p:',
    '    volumes:',
    '      - ./conf/pgbouncer.ini:/etc/pgbouncer/pgbouncer.ini:ro',
    '      - /abs/userlist.txt:/etc/pgbouncer/userlist.txt',
    '      - data:/data',
    '      - /anonymous',
    '      - ~/home.ini:/home.ini',
    '      - type: bind',
    '        source: ../shared/pgbouncer.ini',
    '        target: /etc/shared.ini',
    '      - type: volume',
    '        source: logs',
    '        target: /logs',
    '',
  ].join('\n');
  const p = service(project({ [BASE]: base }), 'p');
  assert.deepEqual(
    p.mounts.map((m) => [m.target, m.hostPath]),
    [
      ['/etc/pgbouncer/pgbouncer.ini', `${DIR}/conf/pgbouncer.ini`],
      ['/etc/pgbouncer/userlist.txt', '/abs/userlist.txt'],
      ['/data', undefined],
      ['/anonymous', undefined],
      ['/home.ini', undefined],
      ['/etc/shared.ini', '/shared/pgbouncer.ini'],
      ['/logs', undefined],
    ],
  );
  assert.equal(slice(base, p.mounts[5]!.at.span), '../shared/pgbouncer.ini');
});
