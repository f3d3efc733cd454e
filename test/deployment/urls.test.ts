// Connection strings as their clients read them: libpq URIs and keyword strings (checked against the
// machine's libpq through PQconninfoParse when python3 and libpq are there), pgjdbc URLs, SQLAlchemy
// driver URLs; the sslmode each client ends up with, and the startup parameters it sends.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  effectiveSslmode,
  parseConnectionUrl,
  preparedStatementsOf,
  sendsStartupParameters,
} from '../../server/src/deployment/read/urls';
import type { ParsedUrl } from '../../server/src/deployment/read/types';

function parse(text: string): ParsedUrl {
  const url = parseConnectionUrl(text);
  assert.ok(url, `not read as a connection string: ${text}`);
  return url;
}

test('not PostgreSQL: other schemes and plain words give undefined', () => {
  for (const text of [
    'redis://cache:6379/0',
    'https://example.com',
    'amqp://guest:guest@rabbit:5672',
    'mysql://u:p@db/app',
    'FOO=bar',
    'production',
    '',
    'jdbc:mysql://db/app',
  ])
    assert.equal(parseConnectionUrl(text), undefined, text);
});

test('libpq URIs: user, encoded password, multi-host, IPv6, sockets, query', () => {
  const heroku = parse(
    'postgres://u1a2b3:p%40ss%2Fw0rd@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d9f8e7?sslmode=require',
  );
  assert.deepEqual(heroku.hosts, [{ host: 'ec2-1-2-3-4.compute-1.amazonaws.com', port: 5432 }]);
  assert.equal(heroku.user, 'u1a2b3');
  assert.equal(heroku.database, 'd9f8e7');
  assert.equal(heroku.hasPassword, true);
  assert.equal(heroku.params.has('password'), false);
  assert.equal(effectiveSslmode(heroku), 'require');
  assert.deepEqual(heroku.problems, []);

  const multi = parse('postgresql://app@pg-1:5432,pg-2:5433,pg-3/app?target_session_attrs=read-write');
  assert.deepEqual(multi.hosts, [
    { host: 'pg-1', port: 5432 },
    { host: 'pg-2', port: 5433 },
    { host: 'pg-3' },
  ]);
  assert.equal(multi.params.get('target_session_attrs'), 'read-write');
  assert.equal(effectiveSslmode(multi), 'prefer');

  assert.deepEqual(parse('postgresql://[::1]:6432/db').hosts, [{ host: '::1', port: 6432 }]);
  assert.deepEqual(parse('postgresql:///app?host=/var/run/postgresql').hosts, [
    { host: '/var/run/postgresql' },
  ]);
  assert.deepEqual(parse('postgresql://%2Fvar%2Frun%2Fpostgresql/app').hosts, [
    { host: '/var/run/postgresql' },
  ]);
  assert.deepEqual(parse('postgresql:///app').hosts, []);
  assert.deepEqual(parse('postgresql://:6432/app').hosts, [{ host: '', port: 6432 }]);

  const options = parse(
    'postgresql://u@pgbouncer:6432/app?options=-c%20search_path%3Dtenant&application_name=web',
  );
  assert.equal(options.params.get('options'), '-c search_path=tenant');
  assert.deepEqual(sendsStartupParameters(options), ['options', 'application_name']);
  // libpq's JDBC compatibility: ssl=true is sslmode=require.
  assert.equal(effectiveSslmode(parse('postgresql://db/app?ssl=true')), 'require');
});

test('broken URIs: problems that never show the password', () => {
  const secret = 'Sup3r$ecret';
  const at = parse(`postgres://app:${secret}@x@db:5432/app`);
  assert.deepEqual(at.hosts, [{ host: 'db', port: 5432 }]);
  assert.match(at.problems.join(' '), /%40/);
  const badPort = parse(`postgresql://app:${secret}@db:54x2/app`);
  assert.match(badPort.problems.join(' '), /port of the host is not a number/);
  assert.match(parse('postgresql://db:70000/app').problems.join(' '), /70000, outside 1-65535/);
  assert.match(parse('postgresql://[::1/app').problems.join(' '), /closing "\]"/);
  assert.match(parse('postgresql://db/app?sslmode').problems.join(' '), /no "="/);
  assert.match(parse(`postgresql://app:${secret}%zz@db/app`).problems.join(' '), /percent-encoding/);
  for (const url of [at, badPort, parse(`postgresql://app:${secret}%zz@db/app`)])
    for (const problem of url.problems)
      assert.ok(!problem.includes(secret) && !problem.includes('ecret'), problem);
});

test("keyword/value strings: blanks around =, quotes with \\' escapes, host lists", () => {
  const url = parse(
    "host=pgbouncer port = 6432 dbname='my app' user=svc password='it\\'s' sslmode=verify-full",
  );
  assert.equal(url.form, 'keyword');
  assert.deepEqual(url.hosts, [{ host: 'pgbouncer', port: 6432 }]);
  assert.equal(url.database, 'my app');
  assert.equal(url.user, 'svc');
  assert.equal(url.hasPassword, true);
  assert.equal(effectiveSslmode(url), 'verify-full');
  assert.deepEqual(parse('host=a,b port=5432,5433 dbname=x').hosts, [
    { host: 'a', port: 5432 },
    { host: 'b', port: 5433 },
  ]);
  assert.deepEqual(parse('host=a,b port=6432').hosts, [
    { host: 'a', port: 6432 },
    { host: 'b', port: 6432 },
  ]);
  assert.match(parse("host=db password='abc").problems.join(' '), /opening quote and no closing one/);
  assert.ok(!parse("host=db password='abc").problems.join(' ').includes('abc'));
  assert.match(parse('host=a,b,c port=1,2').problems.join(' '), /2 ports for 3 hosts/);
});

test('JDBC as pgjdbc reads it: query user, ssl=true is verify-full, trailing slash, short forms', () => {
  const url = parse(
    'jdbc:postgresql://pgbouncer:6432/orders?user=orders&password=x&currentSchema=sales&prepareThreshold=0',
  );
  assert.equal(url.form, 'jdbc');
  assert.deepEqual(url.hosts, [{ host: 'pgbouncer', port: 6432 }]);
  assert.equal(url.user, 'orders');
  assert.equal(url.hasPassword, true);
  assert.equal(url.params.get('currentSchema'), 'sales');
  assert.equal(effectiveSslmode(url), 'prefer');
  assert.deepEqual(sendsStartupParameters(url), [
    'client_encoding',
    'DateStyle',
    'TimeZone',
    'extra_float_digits',
    'search_path',
  ]);
  // 42.7.5 moved extra_float_digits to a SET after the connection is made.
  assert.deepEqual(sendsStartupParameters(url, { pgjdbcVersion: '42.7.5' }), [
    'client_encoding',
    'DateStyle',
    'TimeZone',
    'search_path',
  ]);
  assert.equal(preparedStatementsOf(url)?.on, false);
  assert.equal(preparedStatementsOf(parse('jdbc:postgresql://db:5432/app'))?.on, true);

  assert.equal(effectiveSslmode(parse('jdbc:postgresql://db:5432/app?ssl=true')), 'verify-full');
  assert.equal(effectiveSslmode(parse('jdbc:postgresql://db:5432/app?ssl')), 'verify-full');
  assert.equal(effectiveSslmode(parse('jdbc:postgresql://db:5432/app?ssl=true&sslmode=require')), 'require');
  assert.equal(effectiveSslmode(parse('jdbc:postgresql://db:5432/app?ssl=false')), 'prefer');
  assert.deepEqual(parse('jdbc:postgresql://h1:5432,h2:5433/app?targetServerType=primary').hosts, [
    { host: 'h1', port: 5432 },
    { host: 'h2', port: 5433 },
  ]);
  assert.deepEqual(parse('jdbc:postgresql://[::1]:5740/accounting').hosts, [{ host: '::1', port: 5740 }]);
  const short = parse('jdbc:postgresql:app');
  assert.equal(short.database, 'app');
  assert.deepEqual(short.hosts, []);
  assert.match(parse('jdbc:postgresql://db:5432').problems.join(' '), /needs a "\/" after the host/);
  assert.match(
    parse('jdbc:postgresql://u:p@db:5432/app').problems.join(' '),
    /does not read "user:password@"/,
  );
  assert.match(parse('jdbc:postgres://db:5432/app').problems.join(' '), /jdbc:postgresql:/);
  assert.ok(
    sendsStartupParameters(parse('jdbc:postgresql://db/app?assumeMinServerVersion=12')).includes(
      'application_name',
    ),
  );
});

test('SQLAlchemy drivers, Rails postgis', () => {
  const asyncpg = parse('postgresql+asyncpg://app:pw@pgbouncer:6432/app');
  assert.equal(asyncpg.driver, 'asyncpg');
  assert.equal(effectiveSslmode(asyncpg), 'prefer');
  assert.equal(preparedStatementsOf(asyncpg)?.on, true);
  assert.deepEqual(sendsStartupParameters(asyncpg), ['client_encoding']);
  const off = parse(
    'postgresql+asyncpg://app:pw@pgbouncer:6432/app?prepared_statement_cache_size=0&statement_cache_size=0&ssl=require',
  );
  assert.equal(preparedStatementsOf(off)?.on, false);
  assert.equal(effectiveSslmode(off), 'require');
  assert.match(
    parse('postgresql+asyncpg://db/app?sslmode=require').problems.join(' '),
    /no "sslmode" argument/,
  );
  const psycopg2 = parse('postgresql+psycopg2://app:pw@db/app?sslmode=verify-ca');
  assert.equal(psycopg2.driver, 'psycopg2');
  assert.equal(effectiveSslmode(psycopg2), 'verify-ca');
  assert.equal(preparedStatementsOf(psycopg2)?.on, false);
  assert.equal(preparedStatementsOf(parse('postgresql+psycopg://db/app'))?.on, true);
  assert.equal(preparedStatementsOf(parse('postgresql+psycopg://db/app?prepare_threshold=None'))?.on, false);
  assert.match(parse('postgres+psycopg2://db/app').problems.join(' '), /SQLAlchemy 1\.4/);
  assert.equal(parse('postgis://app@db/app_production').driver, 'postgis');
  // Prisma: named prepared statements unless pgbouncer=true.
  assert.equal(
    preparedStatementsOf(parse('postgresql://u:p@pgbouncer:6432/app?pgbouncer=true&connection_limit=3'))?.on,
    false,
  );
  assert.equal(preparedStatementsOf(parse('postgresql://u:p@db:5432/app?schema=public'))?.on, true);
  assert.equal(preparedStatementsOf(parse('postgresql://u:p@db:5432/app')), undefined);
});

test('hostile input: long, many hosts, many params, never throws', () => {
  for (const text of [
    'postgresql://' + 'h,'.repeat(10_000),
    'postgresql://db/app?' + 'a=b&'.repeat(10_000),
    'host=' + "'".repeat(1000),
    'jdbc:postgresql://' + ':'.repeat(5000) + '/',
    'postgresql://' + 'x'.repeat(100_000),
  ]) {
    const url = parse(text);
    assert.ok(url.hosts.length <= 64);
  }
});

// The machine's libpq as a second opinion on what it accepts and how it splits hosts and ports.
const oracle = path.join(__dirname, '..', 'support', 'libpq-parse.py');
function askLibpq(texts: string[]): ({ options: Record<string, string> } | { error: string })[] | undefined {
  const run = spawnSync('python3', [oracle], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.status !== 0) return undefined;
  return JSON.parse(run.stdout);
}

test('agrees with libpq (PQconninfoParse) on hosts, ports, database, user and sslmode', (t) => {
  const texts = [
    'postgresql://u:p%40ss@h1:5432,h2:5433/app?sslmode=require',
    'postgres://app@[2001:db8::1]:6432/app',
    'postgresql:///app?host=/var/run/postgresql&port=6432',
    'postgresql://other@localhost/otherdb?connect_timeout=10&application_name=myapp',
    "host=db port=6432 dbname='my \\'app\\'' user=u sslmode=disable",
    'host = pgbouncer port=6432 dbname=app',
    'postgresql://db/app?ssl=true',
    'postgresql://%64b:6432/%61pp',
  ];
  const answers = askLibpq(texts);
  if (!answers) return t.skip('python3 with libpq is not available');
  texts.forEach((text, i) => {
    const answer = answers[i];
    assert.ok('options' in answer, `libpq refused ${text}`);
    const url = parse(text);
    const o = answer.options;
    assert.equal(url.hosts.map((h) => h.host).join(','), o.host ?? '', text);
    const ports = url.hosts.map((h) => (h.port === undefined ? '' : String(h.port)));
    if (o.port !== undefined && !o.port.includes(','))
      assert.ok(
        ports.every((p) => p === o.port),
        text,
      );
    else assert.equal(ports.join(','), o.port ?? ports.join(','), text);
    assert.equal(url.database, o.dbname, text);
    assert.equal(url.user, o.user, text);
    assert.equal(effectiveSslmode(url), o.sslmode ?? 'prefer', text);
    assert.deepEqual(url.problems, [], text);
  });
  const refused = [
    "host=db password='x",
    'postgresql://db/app?sslmode',
    'postgresql://[::1/app',
    "dbname = 'a",
  ];
  (askLibpq(refused) ?? []).forEach((answer, i) => {
    assert.ok('error' in answer, refused[i]);
    assert.notDeepEqual(parse(refused[i]).problems, [], refused[i]);
  });
});
