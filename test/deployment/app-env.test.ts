// Connections an environment describes: whole URLs (any name), families of parts, pool sizes,
// purposes, and the postgres image's own variables left out.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectionsFromEnv } from '../../server/src/deployment/read/app-env';
import type { EnvVar } from '../../server/src/deployment/read/types';

/** An .env file's variables with their positions, as the .env reader gives them. */
function envFile(text: string): EnvVar[] {
  const vars: EnvVar[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) {
      const start = offset + m[1].length + 1;
      vars.push({
        name: m[1],
        nameSpan: { start: offset, end: offset + m[1].length },
        value: { text: m[2], file: '/repo/.env', span: { start, end: start + m[2].length } },
        origin: 'env-file',
      });
    }
    offset += line.length + 1;
  }
  return vars;
}
const lineOf = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

test('URLs under any name, purposes from the name, server variables skipped', () => {
  const text = [
    'POSTGRES_PASSWORD=secret',
    'POSTGRES_USER=app',
    'POSTGRES_DB=app',
    'DATABASE_URL=postgresql://app:secret@pgbouncer:6432/app',
    'MIGRATION_DATABASE_URL=postgresql://app:secret@postgres:5432/app',
    'DIRECT_URL=postgresql://app:secret@postgres:5432/app',
    'ADMIN_DB_URL=postgres://postgres:secret@postgres:5432/postgres',
    'SPRING_DATASOURCE_URL=jdbc:postgresql://pgbouncer:6432/app?prepareThreshold=0',
    'SQLALCHEMY_DATABASE_URI=postgresql+asyncpg://app:secret@pgbouncer:6432/app',
    'REDIS_URL=redis://redis:6379/0',
    'DB_POOL_SIZE=20',
    'DB_MAX_OVERFLOW=10',
  ].join('\n');
  const connections = connectionsFromEnv(envFile(text));
  assert.deepEqual(
    connections.map((c) => [c.setting, c.purpose]),
    [
      ['DATABASE_URL', 'runtime'],
      ['MIGRATION_DATABASE_URL', 'migration'],
      ['DIRECT_URL', 'migration'],
      ['ADMIN_DB_URL', 'admin'],
      ['SPRING_DATASOURCE_URL', 'runtime'],
      ['SQLALCHEMY_DATABASE_URI', 'runtime'],
    ],
  );
  const main = connections[0];
  assert.equal(lineOf(text, main.value.span.start), 4);
  assert.deepEqual(main.url.hosts, [{ host: 'pgbouncer', port: 6432 }]);
  assert.equal(main.poolSize?.size, 20);
  assert.equal(lineOf(text, main.poolSize?.at.span.start ?? 0), 11);
  assert.equal(main.poolOverflow?.size, 10);
  // Migration connections do not take the application's pool.
  assert.equal(connections[1].poolSize, undefined);
  assert.equal(connections[4].preparedStatements?.on, false);
  assert.equal(connections[5].preparedStatements?.on, true);
  assert.equal(connections[5].url.driver, 'asyncpg');
});

test('connections from parts: DB_*, PG*, prefixed families; the host variable holds the place', () => {
  const text = [
    'DB_HOST=pgbouncer',
    'DB_PORT=6432',
    'DB_NAME=shop',
    'DB_USER=shop',
    'DB_PASSWORD=pw',
    'PGHOST=postgres',
    'PGPORT=5432',
    'PGDATABASE=shop',
    'PGSSLMODE=require',
    'REPORTING_DB_HOST=replica',
    'RAILS_MAX_THREADS=8',
  ].join('\n');
  const connections = connectionsFromEnv(envFile(text));
  assert.deepEqual(
    connections.map((c) => c.setting),
    ['DB_HOST', 'PGHOST', 'REPORTING_DB_HOST'],
  );
  const [db, pg, reporting] = connections;
  assert.equal(lineOf(text, db.value.span.start), 1);
  assert.deepEqual(db.url.hosts, [{ host: 'pgbouncer', port: 6432 }]);
  assert.equal(db.url.database, 'shop');
  assert.equal(db.url.user, 'shop');
  assert.equal(db.url.hasPassword, true);
  assert.equal(db.poolSize?.size, 8);
  assert.deepEqual(pg.url.hosts, [{ host: 'postgres', port: 5432 }]);
  assert.equal(pg.url.params.get('sslmode'), 'require');
  assert.deepEqual(reporting.url.hosts, [{ host: 'replica' }]);
});

test('Prisma URLs: connection_limit is the pool; without it the default is said, not guessed', () => {
  const text = [
    'DATABASE_URL=postgresql://u:p@pgbouncer:6432/app?pgbouncer=true&connection_limit=3',
    'OTHER_DATABASE_URL=postgresql://u:p@postgres:5432/app?schema=public',
    'DB_POOL_SIZE=20',
  ].join('\n');
  const [limited, other] = connectionsFromEnv(envFile(text));
  assert.equal(limited.poolSize?.size, 3);
  assert.equal(limited.preparedStatements?.on, false);
  assert.equal(other.poolSize, undefined);
  assert.match(other.poolSizeUnknown ?? '', /CPUs × 2 \+ 1/);
  assert.equal(other.preparedStatements?.on, true);
});

test('Hikari through Spring relaxed binding; the last variable of a name wins', () => {
  const text = [
    'SPRING_DATASOURCE_URL=jdbc:postgresql://postgres:5432/app',
    'SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE=15',
    'SPRING_DATASOURCE_URL=jdbc:postgresql://pgbouncer:6432/app',
  ].join('\n');
  const [spring] = connectionsFromEnv(envFile(text));
  assert.deepEqual(spring.url.hosts, [{ host: 'pgbouncer', port: 6432 }]);
  assert.equal(lineOf(text, spring.value.span.start), 3);
  assert.equal(spring.poolSize?.size, 15);
});
