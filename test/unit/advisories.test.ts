// The advisory list (schemas/pgbouncer-advisories.json) against its schema and the release list,
// which releases each advisory affects, and the known-vulnerability rule's conditions.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import data from '../../schemas/pgbouncer-advisories.json';
import schema from '../../schemas/pgbouncer-advisories.schema.json';
import { ADVISORIES, advisoriesFor, releaseOf } from '../../server/src/catalog/advisories';
import { RELEASES, parseVersion } from '../../server/src/catalog/catalog';
import { lintText } from '../../server/src/analysis/engine';
import { checksValidUntil, unqualifiedNames } from '../../server/src/rules/support/auth-query-sql';
import { advisoriesForVersion } from '../../server/src/api';

const DEFAULT_AUTH_QUERY_124 =
  'SELECT rolname, CASE WHEN rolvaliduntil < now() THEN NULL ELSE rolpassword END FROM pg_authid WHERE rolname=$1 AND rolcanlogin';

function ids(version: string): string[] {
  const parsed = parseVersion(version);
  assert.ok(parsed, version);
  return advisoriesFor(parsed).map((advisory) => advisory.id);
}

function found(text: string, target: string): string[] {
  return lintText(text, {
    filePath: '/nonexistent/pgbouncer.ini',
    targetVersion: target,
    useProjectFile: false,
  })
    .findings.filter((finding) => finding.code === 'known-vulnerability')
    .map((finding) => finding.message.split(':')[0]);
}

const BASE = '[databases]\napp = host=127.0.0.1 dbname=app\n[pgbouncer]\nlisten_addr = 127.0.0.1\n';
const SHARED_118 = ['CVE-2026-6664', 'CVE-2026-6665'];

describe('advisory data', () => {
  test('the file matches its schema', () => {
    const validate = new Ajv({ allErrors: true }).compile(schema as object);
    assert.ok(validate(data), JSON.stringify(validate.errors, null, 2));
  });

  test('every version is a release of the catalog, introduced before fixed; ids unique; newest first', () => {
    const seen = new Set<string>();
    let previous = '9999-99-99';
    for (const advisory of ADVISORIES) {
      assert.ok(!seen.has(advisory.id), advisory.id);
      seen.add(advisory.id);
      const { introduced, fixed } = advisory.affected;
      assert.ok(RELEASES.includes(fixed), `${advisory.id}: fixed ${fixed} is not a release`);
      if (introduced !== undefined) {
        assert.ok(RELEASES.includes(introduced), `${advisory.id}: introduced ${introduced} is not a release`);
        assert.ok(RELEASES.indexOf(introduced) < RELEASES.indexOf(fixed), advisory.id);
      }
      assert.ok(advisory.published <= previous, `${advisory.id} is not in date order`);
      previous = advisory.published;
      if (advisory.id.startsWith('CVE-')) assert.ok(advisory.links.cve?.endsWith(advisory.id), advisory.id);
    }
  });

  test('every setting a condition names is a [pgbouncer] setting of the catalog', async () => {
    const { setting } = await import('../../server/src/catalog/catalog');
    for (const advisory of ADVISORIES)
      for (const condition of advisory.conditions)
        if ('setting' in condition) assert.ok(setting('pgbouncer', condition.setting), condition.setting);
  });
});

describe('affected releases', () => {
  test('a target stands for its newest patch release', () => {
    assert.equal(releaseOf(parseVersion('1.18')!), '1.18.0');
    assert.equal(releaseOf(parseVersion('1.24')!), '1.24.1');
    assert.equal(releaseOf(parseVersion('1.24.0')!), '1.24.0');
    assert.equal(releaseOf(parseVersion('1.6')!), '1.6.1');
    assert.equal(releaseOf(parseVersion('unreleased')!), null);
  });

  test('by version', () => {
    assert.deepEqual(ids('1.25'), []);
    assert.deepEqual(ids('1.25.2'), []);
    assert.deepEqual(ids('1.25.1'), ['CVE-2026-6664', 'CVE-2026-6665', 'CVE-2026-6666', 'CVE-2026-6667']);
    assert.deepEqual(ids('1.25.0'), [
      'CVE-2026-6664',
      'CVE-2026-6665',
      'CVE-2026-6666',
      'CVE-2026-6667',
      'CVE-2025-12819',
    ]);
    assert.deepEqual(ids('1.24.0'), [
      'CVE-2026-6664',
      'CVE-2026-6665',
      'CVE-2026-6666',
      'CVE-2026-6667',
      'CVE-2025-12819',
      'CVE-2025-2291',
    ]);
    assert.deepEqual(ids('1.18'), [...SHARED_118, 'CVE-2025-2291']);
    assert.deepEqual(ids('1.16.0'), [...SHARED_118, 'CVE-2025-2291', 'CVE-2021-3935']);
    assert.deepEqual(ids('1.7'), ['CVE-2026-6664', 'CVE-2025-2291', 'CVE-2021-3935']);
    assert.deepEqual(ids('1.6.0'), ['CVE-2026-6664', 'CVE-2025-2291', 'CVE-2015-6817']);
    assert.deepEqual(ids('1.5'), ['CVE-2026-6664']);
    assert.deepEqual(ids('1.5.2'), ['CVE-2026-6664', 'PGBOUNCER-1.5.5-PACKET-ORDER', 'CVE-2012-4575']);
    assert.deepEqual(ids('1.99.0'), []);
    assert.deepEqual(ids('unreleased'), []);
  });

  test("the client's view: SHOW VERSION's text", () => {
    assert.deepEqual(
      advisoriesForVersion('PgBouncer 1.18.0').map((advisory) => advisory.id),
      [...SHARED_118, 'CVE-2025-2291'],
    );
    assert.deepEqual(advisoriesForVersion('PgBouncer 1.25.2'), []);
    assert.deepEqual(advisoriesForVersion('something else'), []);
  });
});

describe('auth_query text', () => {
  test('what is left to search_path', () => {
    assert.deepEqual(unqualifiedNames(DEFAULT_AUTH_QUERY_124), ['pg_authid', 'now()', '<', '=']);
    assert.deepEqual(unqualifiedNames('SELECT usename, passwd FROM pg_shadow WHERE usename=$1'), [
      'pg_shadow',
      '=',
    ]);
    assert.deepEqual(unqualifiedNames('SELECT usename, passwd FROM pgbouncer.get_auth($1)'), []);
    assert.deepEqual(unqualifiedNames('SELECT * FROM "pgbouncer"."get_auth"($1)'), []);
    assert.deepEqual(unqualifiedNames('SELECT * FROM get_auth($1)'), ['get_auth()']);
    assert.deepEqual(
      unqualifiedNames(
        'SELECT rolname, rolpassword FROM pg_catalog.pg_authid WHERE rolname OPERATOR(pg_catalog.=) $1::pg_catalog.text',
      ),
      [],
    );
    assert.deepEqual(unqualifiedNames("SELECT a FROM s.t WHERE b = 'x<y'"), ['=']);
    assert.deepEqual(unqualifiedNames('SELECT a FROM s.t WHERE b OPERATOR(s.=) $1::text'), ['::text']);
  });

  test('VALID UNTIL', () => {
    assert.ok(checksValidUntil(DEFAULT_AUTH_QUERY_124));
    assert.ok(!checksValidUntil('SELECT usename, passwd FROM pg_shadow WHERE usename=$1'));
    assert.ok(
      checksValidUntil('SELECT usename, CASE WHEN valuntil < now() THEN NULL ELSE passwd END FROM pg_shadow'),
    );
  });
});

describe('known-vulnerability', () => {
  test('every affected installation gets the shared ones; conditions add the others', () => {
    assert.deepEqual(found(BASE, '1.18'), SHARED_118);
    assert.deepEqual(found(BASE, '1.25'), []);
    assert.deepEqual(found(`${BASE}auth_user = pgb\n`, '1.18'), [...SHARED_118, 'CVE-2025-2291']);
    assert.deepEqual(found(`${BASE}auth_user = pgb\n`, '1.24'), [
      'CVE-2026-6664',
      'CVE-2026-6665',
      'CVE-2026-6666',
    ]);
  });

  test('CVE-2025-2291: only when auth_query is in use and ignores VALID UNTIL', () => {
    const withUser = `${BASE}auth_user = pgb\n`;
    assert.ok(found(withUser, '1.23').includes('CVE-2025-2291'));
    assert.ok(!found(`${withUser}auth_type = pam\n`, '1.23').includes('CVE-2025-2291'));
    assert.ok(
      !found(`${withUser}auth_query = ${DEFAULT_AUTH_QUERY_124}\n`, '1.23').includes('CVE-2025-2291'),
    );
    assert.ok(!found(BASE, '1.23').includes('CVE-2025-2291'));
    const perDatabase = BASE.replace('dbname=app', 'dbname=app auth_user=pgb');
    assert.ok(found(perDatabase, '1.23').includes('CVE-2025-2291'));
  });

  test('CVE-2025-12819: needs search_path tracked, auth_user and an unqualified auth_query', () => {
    const tracked = `${BASE}auth_user = pgb\ntrack_extra_parameters = IntervalStyle, Search_Path\n`;
    assert.ok(found(tracked, '1.25.0').includes('CVE-2025-12819'));
    assert.ok(!found(tracked, '1.25.1').includes('CVE-2025-12819'));
    assert.ok(!found(tracked.replace('auth_user = pgb\n', ''), '1.25.0').includes('CVE-2025-12819'));
    assert.ok(!found(tracked.replace(', Search_Path', ''), '1.25.0').includes('CVE-2025-12819'));
    const qualified = `${tracked}auth_query = SELECT usename, passwd FROM pgbouncer.get_auth($1)\n`;
    assert.ok(!found(qualified, '1.25.0').includes('CVE-2025-12819'));
    // A database's own auth_query (1.22+) is the one its clients' lookups run.
    const ownQuery = qualified.replace('dbname=app', "dbname=app auth_query='SELECT * FROM get_auth($1)'");
    assert.ok(found(ownQuery, '1.25.0').includes('CVE-2025-12819'));
  });

  test('CVE-2026-6667 needs stats_users; CVE-2021-3935 client TLS; CVE-2012-4575 a "*" database', () => {
    assert.ok(found(`${BASE}stats_users = mon\n`, '1.24').includes('CVE-2026-6667'));
    assert.ok(!found(BASE, '1.24').includes('CVE-2026-6667'));
    assert.ok(found(`${BASE}client_tls_sslmode = prefer\n`, '1.16.0').includes('CVE-2021-3935'));
    assert.ok(!found(BASE, '1.16.0').includes('CVE-2021-3935'));
    assert.ok(found(`[databases]\n* = host=127.0.0.1\n[pgbouncer]\n`, '1.5.2').includes('CVE-2012-4575'));
    assert.ok(!found(BASE, '1.5.2').includes('CVE-2012-4575'));
  });

  test('the diagnostic links to the release notes', () => {
    const [finding] = lintText(BASE, {
      filePath: '/nonexistent/pgbouncer.ini',
      targetVersion: '1.18',
      useProjectFile: false,
    }).findings.filter((f) => f.code === 'known-vulnerability');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.href, 'https://www.pgbouncer.org/changelog.html#pgbouncer-125x');
  });
});
