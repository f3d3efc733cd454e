// PgBouncer images configured by environment: the image a tag names, and the pgbouncer.ini and
// userlist the edoburu and bitnami entrypoints write. The expected texts were derived by reading
// edoburu's entrypoint.sh and Bitnami's libpgbouncer.sh (and, for edoburu, checked once against the
// real script run on a copy with a temporary config directory); nothing upstream runs here. The
// real PgBouncer (Debian's 1.18) judges the generated text of a default environment.
//
//   node --import tsx --test test/deployment/images.test.ts

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { generatedConfig, pgbouncerImageOf } from '../../server/src/deployment/read/images';
import type { GeneratedConfig } from '../../server/src/deployment/read/images';
import type { EnvVar } from '../../server/src/deployment/read/types';
import {
  entriesOf,
  getEntry,
  parseYamlFile,
  sourceValue,
} from '../../server/src/deployment/read/yaml-source';
import { askPgBouncer } from '../support/pgbouncer-oracle';

const CASES = path.join(__dirname, 'image-cases');

/** The environment: map of a compose fixture's first service, with the spans of its lines. */
function composeEnv(name: string): { file: string; text: string; env: EnvVar[] } {
  const file = path.join(CASES, name);
  const text = fs.readFileSync(file, 'utf8');
  const yaml = parseYamlFile(file, text);
  assert.deepEqual(yaml.problems, []);
  const document = yaml.documents[0];
  const services = getEntry(document, document.contents, 'services');
  const service = entriesOf(document, services?.value)[0];
  const environment = getEntry(document, service.value, 'environment');
  const env = entriesOf(document, environment?.value).map((entry): EnvVar => {
    const value = sourceValue(yaml, entry.value);
    assert.ok(value);
    return { name: entry.key, value, nameSpan: entry.keySpan, origin: 'compose' };
  });
  return { file, text, env };
}

/** A plain environment (the values' own spans do not matter for the test). */
function envOf(values: Record<string, string>): EnvVar[] {
  return Object.entries(values).map(([name, text]) => ({
    name,
    value: { text, file: '/repo/.env', span: { start: 0, end: text.length } },
    nameSpan: { start: 0, end: name.length },
    origin: 'env-file',
  }));
}

function lines(config: GeneratedConfig): string[] {
  return config.text.replace(/\n$/, '').split('\n');
}

/** The generated line that starts with `prefix`, and the variable it came from. */
function lineWith(config: GeneratedConfig, prefix: string): { text: string; source?: string } {
  const all = lines(config);
  const index = all.findIndex((line) => line.startsWith(prefix));
  assert.ok(index >= 0, `no line starting with ${prefix}`);
  return { text: all[index], source: config.lineSources[index]?.name };
}

describe('pgbouncerImageOf', () => {
  const cases: [string, ReturnType<typeof pgbouncerImageOf>][] = [
    ['edoburu/pgbouncer:v1.23.1-p2', { flavour: 'edoburu', release: '1.23.1' }],
    ['edoburu/pgbouncer:1.22.1-p0', { flavour: 'edoburu', release: '1.22.1' }],
    ['edoburu/pgbouncer', { flavour: 'edoburu', release: undefined }],
    ['ghcr.io/edoburu/pgbouncer:v1.25.2-p0', { flavour: 'edoburu', release: '1.25.2' }],
    ['docker.io/bitnami/pgbouncer:1.23.1-debian-12-r5', { flavour: 'bitnami', release: '1.23.1' }],
    ['bitnami/pgbouncer:latest', { flavour: 'bitnami', release: undefined }],
    ['bitnamilegacy/pgbouncer:1.24.1', { flavour: 'bitnami', release: '1.24.1' }],
    [
      'bitnami/pgbouncer@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      { flavour: 'bitnami', release: undefined },
    ],
    [
      'registry.example.com:5000/bitnami/pgbouncer:1.21.0-debian-11-r3@sha256:0123456789abcdef',
      { flavour: 'bitnami', release: '1.21.0' },
    ],
    ['pgbouncer/pgbouncer:1.15.0', { flavour: 'pgbouncer', release: '1.15.0' }],
    ['ghcr.io/acme/infra/pgbouncer-custom:v3.2.0', { flavour: 'other-pgbouncer', release: undefined }],
    ['ghcr.io/acme/pgbouncer:1.24.0', { flavour: 'other-pgbouncer', release: '1.24.0' }],
    ['postgres:16', undefined],
    ['bitnami/postgresql:16.2.0', undefined],
    ['localhost:5000/app:1.23.1', undefined],
    ['', undefined],
  ];
  for (const [image, expected] of cases) {
    test(image || '(empty)', () => assert.deepEqual(pgbouncerImageOf(image), expected));
  }
});

describe('edoburu/pgbouncer', () => {
  test('a compose environment gives the ini the v1.24.1 entrypoint writes, with each line on its variable', () => {
    const { text, env } = composeEnv('edoburu-compose.yml');
    const config = generatedConfig('edoburu', env, [], { release: '1.24.1' });
    assert.ok(config);
    assert.equal(config.iniPath, '/etc/pgbouncer/pgbouncer.ini');
    assert.equal(
      config.text,
      [
        '################## Auto generated ##################',
        '[databases]',
        'appdb = host=postgres port=5432 auth_user=app',
        '[pgbouncer]',
        'listen_addr = 0.0.0.0',
        'listen_port = 6432',
        'unix_socket_dir = ',
        'user = postgres',
        'auth_file = /etc/pgbouncer/userlist.txt',
        'auth_type = scram-sha-256',
        'pool_mode = transaction',
        'max_client_conn = 500',
        'default_pool_size = 20',
        'ignore_startup_parameters = extra_float_digits,search_path',
        '',
        '# Log settings',
        'admin_users = app',
        '',
        '# Connection sanity checks, timeouts',
        '',
        '# TLS settings',
        'client_tls_sslmode = disable',
        'server_tls_sslmode = prefer',
        '',
        '# Dangerous timeouts',
        '################## end file ##################',
        '',
      ].join('\n'),
    );
    assert.equal(config.listenPort, 6432);
    assert.equal(config.lineSources.length, lines(config).length);
    assert.deepEqual(lineWith(config, 'appdb'), {
      text: 'appdb = host=postgres port=5432 auth_user=app',
      source: 'DATABASE_URL',
    });
    assert.equal(lineWith(config, 'listen_addr').source, undefined);
    assert.equal(lineWith(config, 'max_client_conn').source, 'MAX_CLIENT_CONN');
    assert.equal(lineWith(config, 'server_tls_sslmode').source, 'SERVER_TLS_SSLMODE');
    assert.equal(lineWith(config, 'admin_users').source, 'ADMIN_USERS');
    // The variable's span is the value in the compose file, so a finding lands on that line.
    const maxClient = env.find((variable) => variable.name === 'MAX_CLIENT_CONN');
    assert.equal(text.slice(maxClient?.value.span.start, maxClient?.value.span.end), "'500'");
    // Each piece of the database line points at the URL, at the offsets of the generated text.
    const pieces = config.valueSources.filter((piece) => piece.line === 2);
    assert.deepEqual(
      pieces.map((piece) => [config.text.slice(piece.start, piece.end), piece.source.name]),
      [
        ['appdb', 'DATABASE_URL'],
        ['postgres', 'DATABASE_URL'],
        ['5432', 'DATABASE_URL'],
        ['app', 'DATABASE_URL'],
      ],
    );
    // scram-sha-256: the password goes into the userlist as it is.
    assert.deepEqual(config.userlist && { path: config.userlist.path, text: config.userlist.text }, {
      path: '/etc/pgbouncer/userlist.txt',
      text: '"app" "app-secret"\n',
    });
    assert.equal(config.userlist?.lineSources[0]?.name, 'DATABASE_URL');
    assert.deepEqual(config.startupErrors, []);
    assert.ok(!JSON.stringify(config.notes).includes('app-secret'));
  });

  test('the newest entrypoint: no empty line before [pgbouncer], LOGFILE, three empty lines after the log settings', () => {
    const config = generatedConfig('edoburu', envOf({ DB_HOST: 'postgres' }), []);
    assert.ok(config);
    assert.equal(
      config.text,
      '################## Auto generated ##################\n[databases]\n* = host=postgres port=5432 auth_user=postgres\n' +
        '[pgbouncer]\nlisten_addr = 0.0.0.0\nlisten_port = 5432\nunix_socket_dir = \nuser = postgres\n' +
        'auth_file = /etc/pgbouncer/userlist.txt\nauth_type = md5\nignore_startup_parameters = extra_float_digits\n\n' +
        '# Log settings\nadmin_users = postgres\n\n\n\n# Connection sanity checks, timeouts\n\n# TLS settings\n\n' +
        '# Dangerous timeouts\n################## end file ##################\n',
    );
    assert.equal(config.listenPort, 5432);
    assert.deepEqual(config.userlist?.text, '');
  });

  test('older images: an empty line after [databases], `user=` before 1.21, no AUTH_DBNAME before 1.23.1', () => {
    const env = envOf({ DB_HOST: 'db', DB_USER: 'app', AUTH_DBNAME: 'postgres' });
    const old = generatedConfig('edoburu', env, [], { release: '1.20.1' });
    assert.equal(lines(old!).slice(2, 5).join('|'), '* = host=db port=5432 user=app||[pgbouncer]');
    assert.ok(!old!.text.includes('auth_dbname'));
    const newer = generatedConfig('edoburu', env, [], { release: '1.24.0' });
    assert.equal(lines(newer!)[2], '* = host=db port=5432 auth_user=app');
    assert.equal(lineWith(newer!, 'auth_dbname').source, 'AUTH_DBNAME');
  });

  test("DATABASE_URL is cut as the script cuts it: the query stays in the name, an unset port keeps DB_PORT's", () => {
    const config = generatedConfig(
      'edoburu',
      envOf({ DB_PORT: '6000', DATABASE_URL: 'postgresql://user:pw@db.internal/app?sslmode=require' }),
      [],
    );
    assert.equal(lines(config!)[2], 'app?sslmode=require = host=db.internal port=6000 auth_user=user');
    // AUTH_TYPE unset: md5 of password + user, as `echo -n pwuser | md5sum` gives.
    assert.match(config!.userlist!.text, /^"user" "md5[0-9a-f]{32}"\n$/);
  });

  test('DATABASE_URLS: one entry per URL, a user written once, the port of an earlier URL kept', () => {
    const config = generatedConfig(
      'edoburu',
      envOf({ DATABASE_URLS: 'postgres://a:x@h1:6000/one, postgres://b:y@h2/two,postgres://a:z@h3/three' }),
      [],
    );
    assert.deepEqual(lines(config!).slice(2, 5), [
      'one = host=h1 port=6000 auth_user=a',
      'two = host=h2 port=6000 auth_user=b',
      'three = host=h3 port=6000 auth_user=a',
    ]);
    // The real script's md5 secrets for a/x and b/y.
    assert.equal(
      config!.userlist!.text,
      '"a" "md553e59fface936ea788f7cf51e7b25531"\n"b" "md50b8dd1a01a737950a643a578f08f7900"\n',
    );
  });

  test('no DB_HOST, or a URL without a scheme: the entrypoint stops', () => {
    const none = generatedConfig('edoburu', envOf({ POOL_MODE: 'session' }), []);
    assert.equal(none!.startupErrors.length, 1);
    assert.match(none!.startupErrors[0].message, /DB_HOST/);
    const bare = generatedConfig('edoburu', envOf({ DATABASE_URL: 'db:5432/app' }), []);
    assert.equal(bare!.startupErrors[0].cause?.name, 'DATABASE_URL');
  });

  test('a mounted /etc/pgbouncer/pgbouncer.ini: nothing is generated', () => {
    assert.equal(
      generatedConfig('edoburu', envOf({ DB_HOST: 'db' }), ['/etc/pgbouncer/pgbouncer.ini']),
      undefined,
    );
  });

  test('printf interprets % and \\ in a value; the note does not quote it', () => {
    const config = generatedConfig('edoburu', envOf({ DB_HOST: 'db', APPLICATION_NAME_ADD_HOST: '1%%' }), []);
    assert.equal(lineWith(config!, 'application_name_add_host').text, 'application_name_add_host = 1%');
    assert.equal(config!.notes.length, 1);
    assert.ok(!config!.notes[0].includes('1%%'));
  });
});

describe('bitnami/pgbouncer', () => {
  test('a compose environment gives the ini libpgbouncer.sh writes, key by key, with its defaults', () => {
    const { env } = composeEnv('bitnami-compose.yml');
    const config = generatedConfig('bitnami', env, []);
    assert.ok(config);
    assert.equal(config.iniPath, '/opt/bitnami/pgbouncer/conf/pgbouncer.ini');
    assert.equal(
      config.text,
      [
        '[databases]',
        'appdb=host=postgres port=5432 dbname=appdb',
        'reports=host=replica port=5432 dbname=appdb',
        '',
        '[pgbouncer]',
        'listen_port=6432',
        'listen_addr=0.0.0.0',
        'unix_socket_dir=/tmp/',
        'unix_socket_mode=0777',
        'auth_file=/opt/bitnami/pgbouncer/conf/userlist.txt',
        'auth_type=md5',
        'pidfile=/opt/bitnami/pgbouncer/tmp/pgbouncer.pid',
        'admin_users=app',
        'client_tls_sslmode=disable',
        'server_tls_sslmode=disable',
        'pool_mode=transaction',
        'max_client_conn=500',
        'default_pool_size=20',
        'ignore_startup_parameters=extra_float_digits,search_path',
        'stats_period=60',
        'server_round_robin=0',
        'server_fast_close=0',
        '',
      ].join('\n'),
    );
    assert.equal(config.listenPort, 6432);
    assert.equal(lineWith(config, 'appdb').source, 'PGBOUNCER_DATABASE');
    assert.equal(lineWith(config, 'reports').source, 'PGBOUNCER_DSN_0');
    assert.equal(lineWith(config, 'admin_users').source, 'POSTGRESQL_USERNAME');
    assert.equal(lineWith(config, 'pool_mode').source, 'PGBOUNCER_POOL_MODE');
    assert.equal(lineWith(config, 'stats_period').source, undefined);
    const hostPiece = config.valueSources.find((piece) => piece.source.name === 'POSTGRESQL_HOST');
    assert.equal(config.text.slice(hostPiece?.start, hostPiece?.end), 'postgres');
    assert.deepEqual(config.userlist && { path: config.userlist.path, text: config.userlist.text }, {
      path: '/opt/bitnami/pgbouncer/conf/userlist.txt',
      text: '"app" "app-secret"\n\n',
    });
    assert.deepEqual(config.startupErrors, []);
  });

  test('values are cut at their first colon; TLS on adds the certificate keys', () => {
    const config = generatedConfig(
      'bitnami',
      envOf({
        POSTGRESQL_PASSWORD: 'pw',
        PGBOUNCER_AUTH_QUERY: 'SELECT usename, passwd FROM pg_shadow WHERE usename=$1::text',
        PGBOUNCER_CLIENT_TLS_SSLMODE: 'require',
        PGBOUNCER_CLIENT_TLS_CERT_FILE: '/certs/tls.crt',
        PGBOUNCER_CLIENT_TLS_KEY_FILE: '/certs/tls.key',
      }),
      [],
    );
    assert.equal(
      lineWith(config!, 'auth_query').text,
      'auth_query=SELECT usename, passwd FROM pg_shadow WHERE usename=$1',
    );
    assert.match(config!.notes.join(' '), /PGBOUNCER_AUTH_QUERY holds ':'/);
    // After the fixed list (ending at server_fast_close here), the client TLS keys.
    assert.deepEqual(lines(config!).slice(-4), [
      'server_fast_close=0',
      'client_tls_cert_file=/certs/tls.crt',
      'client_tls_key_file=/certs/tls.key',
      'client_tls_ciphers=fast',
    ]);
    assert.equal(lineWith(config!, 'client_tls_ciphers').text, 'client_tls_ciphers=fast');
    assert.equal(lineWith(config!, 'client_tls_cert_file').source, 'PGBOUNCER_CLIENT_TLS_CERT_FILE');
  });

  test('the image refuses to start without POSTGRESQL_PASSWORD, and says so without a value', () => {
    const config = generatedConfig('bitnami', envOf({ PGBOUNCER_POOL_MODE: 'transactions' }), []);
    const messages = config!.startupErrors.map((error) => error.message);
    assert.equal(messages.length, 2);
    assert.match(messages.join(' '), /POSTGRESQL_PASSWORD must be set/);
    assert.equal(
      config!.startupErrors.find((error) => /POOL_MODE/.test(error.message))?.cause?.name,
      'PGBOUNCER_POOL_MODE',
    );
  });

  test('a pgbouncer.ini mounted in /bitnami/pgbouncer/conf: nothing is generated', () => {
    const env = envOf({ POSTGRESQL_PASSWORD: 'pw' });
    assert.equal(generatedConfig('bitnami', env, ['/bitnami/pgbouncer/conf/pgbouncer.ini']), undefined);
    const userlistOnly = generatedConfig('bitnami', env, ['/bitnami/pgbouncer/conf/userlist.txt']);
    assert.equal(userlistOnly?.userlist, undefined);
    assert.ok(
      userlistOnly?.text.startsWith('[databases]\npostgres=host=postgresql port=5432 dbname=postgres\n'),
    );
  });
});

describe('the real PgBouncer accepts what the images generate for a default environment', () => {
  const defaults: [string, GeneratedConfig | undefined][] = [
    ['edoburu', generatedConfig('edoburu', envOf({ DB_HOST: 'localhost' }), [])],
    ['edoburu 1.20', generatedConfig('edoburu', envOf({ DB_HOST: 'localhost' }), [], { release: '1.20.1' })],
    ['bitnami', generatedConfig('bitnami', envOf({ POSTGRESQL_PASSWORD: 'pw' }), [])],
  ];
  for (const [name, config] of defaults) {
    test(name, async () => {
      assert.ok(config);
      const answer = await askPgBouncer(config.text);
      assert.equal(answer.verdict, 'accept', answer.log.join('\n'));
    });
  }
});
