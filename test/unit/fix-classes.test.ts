// The class of every fix (docs/fixes.md, server/src/analysis/fix-classes.ts) against the fixes the checks
// and rules really make: every fix made on the fixtures, the examples and the configurations below
// has a row of its id and class, and every row is made by one of them. So the table cannot promise a
// class a fix does not have, and a new fix cannot appear without being classified.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { FIX_CLASSES, fixesMarkdown } from '../../server/src/analysis/fix-classes';
import { KNOWN_IDS } from '../../server/src/analysis/engine';
import { loadFixtures } from '../support/fixtures';
import { lintFixtureText } from '../support/fix-variants';

const ROOT = path.resolve(__dirname, '..', '..');
const HEAD = '[pgbouncer]\nlisten_addr = 127.0.0.1\n';

/** Fixes no fixture happens to have. */
const MORE: { text: string; targetVersion?: string }[] = [
  { text: `${HEAD}max_client_con = 100\n` },
  { text: `${HEAD}[Databases]\na = host=h\n` },
  { text: `${HEAD}pool_mod = session\npool_mode = transaction\n` },
  { text: `${HEAD}log_connections = 2\n` },
  { text: `[databases]\n* = host=h pool_mdoe=session\nb = host=h\n\n${HEAD}` },
  { text: `[databases]\n* = host=h pool_mode=sesion\n\n${HEAD}` },
  { text: `${HEAD}max_client_conn = 100k\n` },
  { text: `[users]\nu = pool_mode=session\nu = pool_mode=transaction\n\n${HEAD}` },
  { text: `${HEAD}admin_users = "ops"\n` },
  { text: `[pgbouncer]\n; pgbouncer-lint: disable-next-line syslog-disabled\nlisten_addr = 127.0.0.1\n` },
  { text: `[databases]\na = host=h reserve_pool=2\n\n${HEAD}` },
  {
    text: `[databases]\na = host=h\nb = host=h\n\n[users]\nu = max_user_connections=10\n\n${HEAD}default_pool_size = 20\n`,
  },
];

interface Made {
  id: string;
  kind: string;
  title: string;
  where: string;
}

function madeFixes(): Made[] {
  const made: Made[] = [];
  const collect = (findings: ReturnType<typeof lintText>['findings'], where: string): void => {
    for (const finding of findings)
      for (const fix of finding.fixes ?? [])
        made.push({ id: finding.code, kind: fix.kind, title: fix.title, where });
  };
  for (const fixture of loadFixtures())
    collect(lintFixtureText(fixture, fixture.text).findings, fixture.name);
  for (const name of fs.readdirSync(path.join(ROOT, 'examples')).filter((file) => file.endsWith('.ini'))) {
    const filePath = path.join(ROOT, 'examples', name);
    collect(lintText(fs.readFileSync(filePath, 'utf8'), { filePath, targetVersion: '1.21' }).findings, name);
  }
  MORE.forEach(({ text, targetVersion }, index) => {
    const result = lintText(text, {
      filePath: '/nonexistent/pgbouncer.ini',
      targetVersion: targetVersion ?? '1.25',
      useProjectFile: false,
    });
    collect(result.findings, `MORE[${index}]`);
  });
  return made;
}

test('every fix made has a row of its id and class in the table, and every row is made', () => {
  const made = madeFixes();
  const rowOf = (fix: Made) =>
    FIX_CLASSES.find((row) => row.id === fix.id && row.kind === fix.kind && row.titles.test(fix.title));
  const undeclared = made.filter((fix) => !rowOf(fix));
  assert.deepEqual(
    [...new Set(undeclared.map((fix) => `${fix.id} [${fix.kind}] ${fix.title} (${fix.where})`))],
    [],
    'fixes without a row in server/src/analysis/fix-classes.ts',
  );
  const unmade = FIX_CLASSES.filter((row) => !made.some((fix) => rowOf(fix) === row));
  assert.deepEqual(
    unmade.map((row) => `${row.id} [${row.kind}] ${row.fix}`),
    [],
    'rows no check or rule made: stale, or add a configuration that makes them',
  );
  for (const row of FIX_CLASSES) assert.ok(KNOWN_IDS.has(row.id), row.id);
});

test('docs/fixes.md is up to date with the fix classes (npx tsx scripts/write-docs.ts)', async () => {
  const prettier = await import('prettier');
  const expected = await prettier.format(fixesMarkdown(), {
    parser: 'markdown',
    ...(await prettier.resolveConfig(ROOT)),
  });
  assert.equal(fs.readFileSync(path.join(ROOT, 'docs', 'fixes.md'), 'utf8'), expected);
});
