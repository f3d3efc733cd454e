// The deployment report (report/deployment-report.ts) built from real folder audits of the fixture
// repositories: what a reader sees in each section, and that no secret of the repository shows.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { formatDeploymentReport } from '../../server/src/cli/format-deployment-report';
import { auditFolder } from '../../server/src/deployment/run';
import { auditReport } from '../../server/src/features/auditReport';
import { buildDeploymentReport } from '../../server/src/report/deployment-report';
import { DEFAULT_SETTINGS } from '../../server/src/settings';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'deployments');
const EDOBURU = path.join(FIXTURES, 'compose-edoburu');
const INI = path.join(FIXTURES, 'report-ini');
const DATE = '2026-01-06';

function report(root: string): string {
  return buildDeploymentReport(auditFolder(root), {
    folderLabel: path.basename(root),
    fileLink: (file, line) => `${path.relative(root, file)}#L${line}`,
    date: DATE,
  });
}

/** The text of a `## heading` section, up to the next `## ` heading ('' when there is none). */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start === -1) return '';
  const rest = markdown.slice(start + heading.length + 5);
  const end = rest.search(/\n## /);
  return end === -1 ? rest : rest.slice(0, end);
}

/** The cells of the table rows of a section whose first cell is `first`. */
function rowsOf(text: string, first: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) =>
      line
        .slice(2, -2)
        .split(' | ')
        .map((cell) => cell.trim()),
    )
    .filter((cells) => cells[0] === first);
}

const tmp: string[] = [];
after(() => {
  for (const dir of tmp) fs.rmSync(dir, { recursive: true, force: true });
});

test('compose-edoburu: the pooler as the image configures it, with its release, ports and databases', () => {
  const markdown = report(EDOBURU);
  assert.match(markdown, /^# PgBouncer deployment audit: compose-edoburu\n/);
  assert.match(markdown, /\n- \*\*Date:\*\* 2026-01-06\n/);
  const found = section(markdown, 'PgBouncers found');
  assert.match(found, /### pgbouncer\n/);
  assert.match(
    found,
    /\*\*Configured by:\*\* the edoburu\/pgbouncer image, configured by environment variables/,
  );
  assert.match(found, /\*\*Release:\*\* 1\.23\.1 \(from the image tag\)/);
  assert.match(found, /\*\*Listens on:\*\* port 5432; published: 6432 → 5432\/tcp on \*\*all interfaces\*\*/);
  assert.match(found, /\*\*Pool mode:\*\* transaction · \*\*max_client_conn:\*\* 100 /);
  assert.deepEqual(rowsOf(found, '`shop`'), [['`shop`', '`db:5432`', '`shop`', 'transaction']]);
  // What the entrypoint writes, which no file of the repository shows.
  assert.match(found, /```ini\n[^`]*\nshop = host=db port=5432 auth_user=shop\n[^`]*max_client_conn = 100\n/);
  assert.match(found, /_Not modelled:_ AUTH_DBNAME/);
});

test('compose-edoburu: the services through the pooler, the one bypassing it, and the migration apart', () => {
  const markdown = report(EDOBURU);
  const through = section(markdown, 'Services through the pooler');
  const [api] = rowsOf(through, 'api');
  assert.deepEqual(api.slice(0, 7), [
    'api',
    '`DATABASE_URL`',
    'pgbouncer `pgbouncer:5432`',
    '`shop`',
    '`shop`',
    '20 × 6 = 120',
    '`prefer`',
  ]);
  assert.equal(api[7], '[docker-compose.yml:40](<docker-compose.yml#L40>)');
  assert.equal(rowsOf(through, 'reports')[0][5], 'not set');
  assert.deepEqual(rowsOf(through, 'worker'), []);

  const bypassing = section(markdown, 'Services bypassing the pooler');
  assert.deepEqual(rowsOf(bypassing, 'worker'), [
    [
      'worker',
      '`DATABASE_URL`',
      '`db:5432`',
      '`shop`',
      'pgbouncer, database `shop` (port 5432)',
      '[docker-compose.yml:49](<docker-compose.yml#L49>)',
    ],
  ]);
  // Migrations are expected to go direct: listed apart, never as bypassing.
  assert.deepEqual(rowsOf(bypassing, 'migrate'), []);
  const direct = section(markdown, 'Expected direct connections');
  assert.deepEqual(rowsOf(direct, 'migrate')[0].slice(0, 5), [
    'migrate',
    '`DATABASE_URL`',
    'migration',
    '`db:5432`',
    'direct',
  ]);
});

test('compose-edoburu: the pools summed against max_client_conn and the server pool, unknown sizes named', () => {
  const pools = section(report(EDOBURU), 'Application-side pool configuration');
  assert.match(
    pools,
    /\*\*120 client connections\*\* from 1 pool of known size, 1 pool of unknown size not counted: \*\*more than max_client_conn = 100\*\* \(by 20\)/,
  );
  assert.deepEqual(rowsOf(pools, '`shop`'), [['`shop`', 'transaction', '120', '20', 'api']]);
  assert.deepEqual(rowsOf(pools, '`reports`')[0].slice(2, 4), [
    '0 + unknown',
    'not served (no such database)',
  ]);
  assert.match(
    pools,
    /- reports \(`DATABASE_URL`, \[docker-compose\.yml:54\][^\n]*pool size not set in the repository/,
  );
});

test('compose-edoburu: the port published on all interfaces without TLS, no nofile limit, a blind healthcheck', () => {
  const markdown = report(EDOBURU);
  const exposure = section(markdown, 'Container exposure');
  assert.deepEqual(rowsOf(exposure, '`0.0.0.0`'), [
    [
      '`0.0.0.0`',
      '6432',
      '5432',
      'tcp',
      '**all interfaces**',
      '[docker-compose.yml:29](<docker-compose.yml#L29>)',
    ],
  ]);
  assert.match(exposure, /\*\*Client TLS:\*\* client_tls_sslmode = disable/);
  assert.match(exposure, /\*\*Open files \(ulimits nofile\):\*\* not set.*need about 130/);
  assert.match(exposure, /\*\*Healthcheck:\*\* `nc -z localhost 5432`/);

  const findings = section(markdown, 'Findings of the deployment');
  assert.match(findings, /### `deployment-bypasses-pooler`: A service connects straight/);
  assert.match(
    findings,
    /- \[docker-compose\.yml:49\]\(<docker-compose\.yml#L49>\) \(warning\): worker \(DATABASE_URL\) connects to db:5432 directly/,
  );
  assert.match(findings, /### `deployment-port-exposed-without-tls`/);
  assert.match(findings, /### `deployment-healthcheck-blind`/);
  // The image's generated configuration is linted too; its findings are on the compose lines.
  assert.match(findings, /### `client-tls-not-required`/);
  // Rules grouped once each, warnings before information.
  assert.equal(findings.match(/### `known-vulnerability`/g)?.length, 1);
  assert.ok(findings.indexOf('`deployment-healthcheck-blind`') > findings.indexOf('`known-vulnerability`'));
});

test('compose-edoburu: no password of the repository anywhere in the report', () => {
  const markdown = report(EDOBURU);
  assert.ok(fs.readFileSync(path.join(EDOBURU, 'docker-compose.yml'), 'utf8').includes('change-me'));
  assert.doesNotMatch(markdown, /change-me/);
  // Only hosts, ports, database and user names of the URLs.
  assert.doesNotMatch(markdown, /postgres(ql\+asyncpg)?:\/\//);
});

test('report-ini: a mounted pgbouncer.ini on loopback with enough open files; its own report embedded by the CLI', () => {
  const audit = auditFolder(INI);
  const markdown = formatDeploymentReport(audit, { directory: 'report-ini', cwd: FIXTURES, date: DATE });
  const found = section(markdown, 'PgBouncers found');
  assert.match(found, /\*\*Configured by:\*\* a pgbouncer\.ini of the repository/);
  assert.match(
    found,
    /\*\*Configuration file:\*\* \[pgbouncer\/pgbouncer\.ini:1\]\(<report-ini\/pgbouncer\/pgbouncer\.ini#L1>\)/,
  );
  assert.match(found, /published: 6432 → 6432\/tcp on loopback only/);
  assert.doesNotMatch(found, /```ini/);

  const exposure = section(markdown, 'Container exposure');
  assert.deepEqual(rowsOf(exposure, '`127.0.0.1`')[0].slice(0, 5), [
    '`127.0.0.1`',
    '6432',
    '6432',
    'tcp',
    'loopback only',
  ]);
  assert.match(
    exposure,
    /soft 512, hard 1024 \(.*\); enough: max_client_conn \(400\), up to 25 server connections/,
  );

  const through = section(markdown, 'Services through the pooler');
  assert.equal(rowsOf(through, 'web')[0][5], '40 × 3 = 120');
  assert.match(
    section(markdown, 'Application-side pool configuration'),
    /within max_client_conn = 400 \(280 to spare\)/,
  );
  assert.deepEqual(rowsOf(section(markdown, 'Services bypassing the pooler'), 'billing')[0].slice(2, 5), [
    '`postgres:5432`',
    '`booking`',
    'pgbouncer, database `booking` (port 6432)',
  ]);

  // The file's own report, its headings two levels down, without a second Not checked.
  const files = section(markdown, 'Configuration files');
  assert.match(files, /^\n### PgBouncer configuration audit: report-ini\/pgbouncer\/pgbouncer\.ini\n/);
  assert.match(markdown, /\n#### Scores\n/);
  assert.match(markdown, /\n##### High \(\d+\)\n/);
  assert.doesNotMatch(markdown, /\*\*Not checked\.\*\*/);
  assert.equal(markdown.match(/## Not checked\n/g)?.length, 1);
  assert.equal(markdown.match(/_Generated by pgbouncer-lint/g)?.length, 1);
});

test('report-ini: no secret of the repository shows (.env, URL, userlist)', () => {
  const markdown = formatDeploymentReport(auditFolder(INI), {
    directory: 'report-ini',
    cwd: FIXTURES,
    date: DATE,
  });
  for (const secret of ['correct-horse-battery-staple', 'Tr0ub4dor', 'plain-userlist-secret', 'c3RvcmVka2V5'])
    assert.ok(!markdown.includes(secret), secret);
});

test("an image's password variable and a password in a healthcheck are masked", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-report-'));
  tmp.push(root);
  fs.writeFileSync(
    path.join(root, 'docker-compose.yml'),
    [
      'services:',
      '  pgbouncer:',
      '    image: bitnami/pgbouncer:1.24.1',
      '    environment:',
      '      POSTGRESQL_HOST: db',
      '      POSTGRESQL_PASSWORD: w1ld-Cat-99',
      '      PGBOUNCER_DATABASE: app',
      '    healthcheck:',
      '      test: ["CMD-SHELL", "PGPASSWORD=w1ld-Cat-99 psql -h 127.0.0.1 -p 6432 -U app -c \'SHOW VERSION\'"]',
      '  app:',
      '    image: example/app:1',
      '    environment:',
      '      DATABASE_URL: postgres://app:an0ther-Pass@pgbouncer:6432/app',
      '',
    ].join('\n'),
  );
  const markdown = report(root);
  assert.match(markdown, /### pgbouncer\n/);
  assert.match(markdown, /\*\*Healthcheck:\*\* `PGPASSWORD=\*{8} psql/);
  assert.ok(!markdown.includes('w1ld-Cat-99'));
  assert.ok(!markdown.includes('an0ther-Pass'));
});

test('Kubernetes: operator poolers named for what they are, Secret values never shown, unknown pool sums said', () => {
  const root = path.resolve(__dirname, '..', 'deployment', 'kubernetes-cases', 'shop');
  const markdown = report(root);
  assert.match(markdown, /\*\*Configured by:\*\* a CloudNativePG Pooler resource/);
  assert.match(markdown, /\*\*Configured by:\*\* the Zalando Postgres Operator's connection pooler/);
  assert.ok(fs.readFileSync(path.join(root, 'app.yaml'), 'utf8').includes('s3cret'));
  assert.doesNotMatch(markdown, /s3cret|czNjcmV0/);
  assert.match(
    section(markdown, 'Application-side pool configuration'),
    /### shop-db-pooler\n\nNo pool size is set for its 1 runtime client: how many connections they open together is not known/,
  );
});

test('what was skipped is said under Not checked; a folder without PgBouncer says so', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-report-'));
  tmp.push(root);
  fs.cpSync(EDOBURU, root, { recursive: true });
  fs.writeFileSync(path.join(root, '.env.large'), `A=${'x'.repeat(3 * 1024 * 1024)}\n`);
  const notChecked = section(report(root), 'Not checked');
  assert.match(notChecked, /What no repository shows: the live PostgreSQL servers/);
  assert.match(notChecked, /Files found but not read:\n\n- \.env\.large: /);

  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-report-'));
  tmp.push(empty);
  fs.writeFileSync(path.join(empty, 'docker-compose.yml'), 'services:\n  db:\n    image: postgres:16\n');
  const markdown = report(empty);
  assert.match(markdown, /\nNo PgBouncer was found in this folder/);
  assert.equal(section(markdown, 'Services through the pooler'), '');
  assert.match(section(markdown, 'Not checked'), /What no repository shows/);
});

test('editor: the report of a deployment pgbouncer.ini is followed by the deployment sections', () => {
  const audit = auditFolder(INI);
  const pooler = audit.deployment.poolers[0];
  const uri = pathToFileURL(pooler.iniPath).toString();
  const context = { settings: DEFAULT_SETTINGS, workspaceFolders: [INI], date: DATE };
  const alone = auditReport(uri, pooler.lint, context).markdown;
  assert.doesNotMatch(alone, /PgBouncer deployment audit/);
  assert.match(alone, /\*\*Not checked\.\*\*/);

  const { markdown } = auditReport(uri, pooler.lint, {
    ...context,
    deployment: { audit, report: buildDeploymentReport },
  });
  assert.match(markdown, /^# PgBouncer configuration audit: pgbouncer\/pgbouncer\.ini\n/);
  assert.match(markdown, /\n---\n\n# PgBouncer deployment audit: report-ini\n/);
  const compose = pathToFileURL(path.join(INI, 'docker-compose.yml')).toString();
  assert.ok(markdown.includes(`[docker-compose.yml:33](<${compose}#L33>)`), markdown);
  assert.match(section(markdown, 'Configuration files'), /\(pgbouncer\): this file, reported above/);
  assert.equal(markdown.match(/Not checked/g)?.length, 1);
});
