// Prisma, Spring and Rails configs: the connection settings, their purposes, pool sizes, prepared
// statements and environment references, each on the line where it is written.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAppConfig } from '../../server/src/deployment/read/frameworks';
import type { AppSetting, FrameworkRead } from '../../server/src/deployment/read/frameworks';
import type { SourceValue } from '../../server/src/deployment/read/types';

function read(path: string, text: string): FrameworkRead {
  const result = readAppConfig(path, text);
  assert.ok(result, path);
  return result;
}
/** The 1-based line a value starts on, and the file's text at its span. */
function where(text: string, value: SourceValue | undefined): { line: number; written: string } {
  assert.ok(value);
  return {
    line: text.slice(0, value.span.start).split('\n').length,
    written: text.slice(value.span.start, value.span.end),
  };
}
function one(settings: AppSetting[], name: string, environment?: string): AppSetting {
  const found = settings.filter((s) => s.setting === name && s.environment === environment);
  assert.equal(found.length, 1, `${name} (${environment ?? 'default'}): ${found.length}`);
  return found[0];
}

test('Prisma: url and directUrl through env(), a literal with pgbouncer=true and connection_limit', () => {
  const text = [
    'generator client {',
    '  provider = "prisma-client-js"',
    '}',
    '',
    '// Supabase: pooled for the app, direct for migrations',
    'datasource db {',
    '  provider  = "postgresql"',
    '  url       = env("DATABASE_URL")',
    '  directUrl = env("DIRECT_URL")',
    '}',
    '',
    'datasource analytics {',
    '  provider = "postgresql"',
    '  url      = "postgresql://app:pw@pgbouncer:6432/analytics?pgbouncer=true&connection_limit=5"',
    '  shadowDatabaseUrl = "postgresql://app:pw@db:5432/shadow"',
    '}',
    '',
  ].join('\n');
  const { settings, problems } = read('/repo/prisma/schema.prisma', text);
  assert.deepEqual(problems, []);
  const url = one(settings, 'db.url');
  assert.equal(url.purpose, 'runtime');
  assert.equal(url.envRef?.name, 'DATABASE_URL');
  assert.deepEqual(where(text, url.envRef?.at), { line: 8, written: 'env("DATABASE_URL")' });
  const direct = one(settings, 'db.directUrl');
  assert.equal(direct.purpose, 'migration');
  assert.equal(direct.envRef?.name, 'DIRECT_URL');
  const literal = one(settings, 'analytics.url');
  assert.equal(where(text, literal.value).line, 14);
  assert.equal(literal.url?.params.get('pgbouncer'), 'true');
  assert.equal(literal.poolSize?.size, 5);
  assert.equal(literal.preparedStatements?.on, false);
  assert.equal(one(settings, 'analytics.shadowDatabaseUrl').purpose, 'migration');
  assert.equal(one(settings, 'analytics.shadowDatabaseUrl').preparedStatements?.on, true);
  // Not PostgreSQL: nothing.
  assert.deepEqual(
    read('/r/schema.prisma', 'datasource db {\n  provider = "mysql"\n  url = env("DATABASE_URL")\n}\n')
      .settings,
    [],
  );
  // An unterminated string is a problem, not a throw.
  assert.equal(read('/r/schema.prisma', 'datasource db {\n  url = "postgresql://x\n}\n').problems.length, 1);
});

test('Spring properties: separators, continuation, placeholders with defaults, Hikari pool, profiles', () => {
  const text = [
    '# Database',
    'spring.datasource.url=${JDBC_DATABASE_URL:jdbc:postgresql://localhost:5432/petclinic}',
    'spring.datasource.username : petclinic',
    '! the pool',
    'spring.datasource.hikari.maximum-pool-size 20',
    'spring.flyway.url = jdbc:postgresql://postgres:5432/petclinic\\',
    '    ?prepareThreshold=0',
    '#---',
    'spring.config.activate.on-profile=prod',
    'spring.datasource.url=jdbc:postgresql://${DB_HOST:pgbouncer}:6432/petclinic?ssl=true',
    '',
  ].join('\n');
  const { settings } = read('/repo/src/main/resources/application.properties', text);
  const main = one(settings, 'spring.datasource.url');
  assert.equal(main.envRef?.name, 'JDBC_DATABASE_URL');
  assert.equal(main.envRef?.fallback?.text, 'jdbc:postgresql://localhost:5432/petclinic');
  assert.deepEqual(where(text, main.envRef?.fallback), {
    line: 2,
    written: 'jdbc:postgresql://localhost:5432/petclinic',
  });
  assert.equal(main.poolSize?.size, 20);
  assert.deepEqual(where(text, main.poolSize?.at), { line: 5, written: '20' });
  const flyway = one(settings, 'spring.flyway.url');
  assert.equal(flyway.purpose, 'migration');
  assert.equal(flyway.value?.text, 'jdbc:postgresql://postgres:5432/petclinic?prepareThreshold=0');
  assert.equal(where(text, flyway.value).line, 6);
  assert.equal(flyway.preparedStatements?.on, false);
  const prod = one(settings, 'spring.datasource.url', 'prod');
  assert.equal(prod.value?.text, 'jdbc:postgresql://pgbouncer:6432/petclinic?ssl=true');
  assert.deepEqual(prod.url?.hosts, [{ host: 'pgbouncer', port: 6432 }]);
  assert.equal(prod.placeholders?.[0].name, 'DB_HOST');
  assert.deepEqual(where(text, prod.placeholders?.[0].fallback), { line: 10, written: 'pgbouncer' });
  // No pool size in the prod document: HikariCP's default, said so.
  assert.equal(prod.poolSize?.size, 10);
  assert.match(prod.poolSize?.defaulted ?? '', /HikariCP default/);
  // A profile file gives its profile.
  const dev = read(
    '/r/application-dev.properties',
    'spring.datasource.url=jdbc:postgresql://db/app\n',
  ).settings;
  assert.equal(dev[0].environment, 'dev');
});

test('Spring YAML: nested and dotted keys, relaxed names, multi-document profiles', () => {
  const text = [
    'spring:',
    '  datasource:',
    '    url: jdbc:postgresql://postgres:5432/orders',
    '    hikari:',
    '      maximumPoolSize: 30',
    '---',
    'spring:',
    '  config:',
    '    activate:',
    '      on-profile: kubernetes',
    '  datasource.url: ${SPRING_DATASOURCE_URL}',
    '  liquibase:',
    '    url: "jdbc:postgresql://postgres:5432/orders"',
    '',
  ].join('\n');
  const { settings, problems } = read('/repo/application.yml', text);
  assert.deepEqual(problems, []);
  const main = one(settings, 'spring.datasource.url');
  assert.deepEqual(where(text, main.value), { line: 3, written: 'jdbc:postgresql://postgres:5432/orders' });
  assert.equal(main.poolSize?.size, 30);
  assert.equal(main.poolSize?.defaulted, undefined);
  const k8s = one(settings, 'spring.datasource.url', 'kubernetes');
  assert.equal(k8s.envRef?.name, 'SPRING_DATASOURCE_URL');
  assert.equal(k8s.envRef?.fallback, undefined);
  const liquibase = one(settings, 'spring.liquibase.url', 'kubernetes');
  assert.equal(liquibase.purpose, 'migration');
  assert.deepEqual(where(text, liquibase.value), {
    line: 13,
    written: '"jdbc:postgresql://postgres:5432/orders"',
  });
});

test('Rails database.yml: ERB kept in place, anchors, url from ENV, parts, pool, prepared statements', () => {
  const text = [
    'default: &default',
    '  adapter: postgresql',
    '  encoding: unicode',
    '  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>',
    '',
    'development:',
    '  <<: *default',
    '  database: myapp_development',
    '  host: <%= ENV.fetch("DB_HOST", "localhost") %>',
    '  port: 5432',
    '',
    'test:',
    '  <<: *default',
    '  database: myapp_test',
    '',
    'production:',
    '  <<: *default',
    "  url: <%= ENV['DATABASE_URL'] %>",
    '  prepared_statements: false',
    '  advisory_locks: false',
    '  pool: 12',
    '',
  ].join('\n');
  const { settings, problems } = read('/repo/config/database.yml', text);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    settings.map((s) => s.environment),
    ['development', 'test', 'production'],
  );
  const dev = one(settings, 'development', 'development');
  assert.equal(dev.envRef?.name, 'DB_HOST');
  assert.deepEqual(where(text, dev.envRef?.fallback), { line: 9, written: 'localhost' });
  assert.deepEqual(dev.url?.hosts, [{ host: 'localhost', port: 5432 }]);
  assert.equal(dev.url?.database, 'myapp_development');
  assert.equal(dev.poolSize?.size, 5);
  assert.deepEqual(where(text, dev.poolSize?.at), { line: 4, written: '5' });
  assert.equal(dev.poolSizeEnv?.name, 'RAILS_MAX_THREADS');
  assert.equal(dev.preparedStatements?.on, true);
  const prod = one(settings, 'production.url', 'production');
  assert.equal(prod.envRef?.name, 'DATABASE_URL');
  assert.deepEqual(where(text, prod.envRef?.at), { line: 18, written: "<%= ENV['DATABASE_URL'] %>" });
  assert.equal(prod.preparedStatements?.on, false);
  assert.equal(where(text, prod.preparedStatements?.at).line, 19);
  assert.equal(prod.advisoryLocks?.on, false);
  assert.equal(prod.poolSize?.size, 12);
  assert.equal(where(text, prod.poolSize?.at).line, 21);
});

test('Rails multiple databases and other adapters; ERB control flow does not break the YAML', () => {
  const text = [
    'production:',
    '  primary:',
    '    adapter: postgresql',
    '    url: postgres://app@pgbouncer:6432/app_production',
    '  cache:',
    '    adapter: sqlite3',
    '    database: storage/cache.sqlite3',
    '  queue:',
    '    adapter: postgis',
    '<% if ENV["QUEUE_DIRECT"] %>',
    '    url: postgres://app@db:5432/queue',
    '<% end %>',
    '',
  ].join('\n');
  const { settings, problems } = read('/repo/config/database.yml', text);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    settings.map((s) => s.setting),
    ['production.primary.url', 'production.queue.url'],
  );
  assert.deepEqual(settings[0].url?.hosts, [{ host: 'pgbouncer', port: 6432 }]);
  assert.equal(where(text, settings[1].value).line, 11);
});

test('files no reader knows, and hostile input', () => {
  assert.equal(readAppConfig('/r/config.yml', 'a: 1'), undefined);
  for (const [path, text] of [
    ['/r/schema.prisma', 'datasource db {'.repeat(1000)],
    ['/r/application.properties', '\\'.repeat(10_000)],
    ['/r/application.yml', '- [' + '['.repeat(5000)],
    ['/r/config/database.yml', '<%= '.repeat(5000)],
  ]) {
    const result = read(path, text);
    assert.ok(Array.isArray(result.settings));
  }
});
