// The Deployment view's rows (client/src/deployment/tree-model.ts), from the summary the language
// server really sends: the deployment audit of a fixture repository (auditFolder) turned into its
// summary (deploymentSummary), as the server answers pgbouncer/deployment.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { deploymentItems } from '../../client/src/deployment/tree-model';
import type { DeploymentItem } from '../../client/src/deployment/tree-model';
import { auditFolder } from '../../server/src/deployment/run';
import { deploymentSummary } from '../../server/src/features/deployment';
import type { DeploymentSummary } from '../../server/src/protocol';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'deployments', 'compose-edoburu');

function summaryOf(folder: string): DeploymentSummary {
  return deploymentSummary(folder, auditFolder(folder));
}

/** The tree as a user reads it: one line per row, indented by depth, with its description and mark. */
function render(items: readonly DeploymentItem[], depth = 0): string[] {
  return items.flatMap((item) => [
    `${'  '.repeat(depth)}${item.label}${item.description ? ` — ${item.description}` : ''}${item.tone ? ` [${item.tone}]` : ''}`,
    ...render(item.children ?? [], depth + 1),
  ]);
}

function find(items: readonly DeploymentItem[], label: string): DeploymentItem | undefined {
  for (const item of items) {
    if (item.label === label) return item;
    const inner = find(item.children ?? [], label);
    if (inner) return inner;
  }
  return undefined;
}

function allIds(items: readonly DeploymentItem[]): string[] {
  return items.flatMap((item) => [item.id, ...allIds(item.children ?? [])]);
}

test('a compose deployment: the pooler, its database and clients, the bypassers and a migration', () => {
  const items = deploymentItems({ kind: 'ready', summaries: [summaryOf(FIXTURE)] }, { folderCount: 1 });
  assert.deepEqual(render(items), [
    'pgbouncer — edoburu/pgbouncer · 1.23.1 · port 5432 [warning]',
    '  shop — → db:5432',
    '    api — DATABASE_URL · pool 120',
    "  reports — DATABASE_URL · database 'reports' not served [warning]",
    'Bypassing the pooler — 1 service, 1 migration or admin (expected) [warning]',
    '  worker — DATABASE_URL · db:5432/shop [warning]',
    '  migrate — DATABASE_URL · db:5432/shop · migration, direct by design',
  ]);
  assert.equal(find(items, 'migrate')?.icon, 'tools', 'a migration is shown as one');
  assert.match(find(items, 'migrate')?.tooltip ?? '', /expected to connect directly/);
  assert.match(find(items, 'worker')?.tooltip ?? '', /bypassing it/);
  assert.equal(new Set(allIds(items)).size, allIds(items).length, 'row ids are unique');
});

test('clicking a row opens the line of the connection string, or of the PgBouncer', () => {
  const items = deploymentItems({ kind: 'ready', summaries: [summaryOf(FIXTURE)] }, { folderCount: 1 });
  const compose = fs.readFileSync(path.join(FIXTURE, 'docker-compose.yml'), 'utf8').split('\n');
  const at = (label: string) => {
    const location = find(items, label)?.location;
    assert.ok(location, `${label} has a location`);
    assert.equal(location.uri, `file://${path.join(FIXTURE, 'docker-compose.yml')}`);
    const { start, end } = location.range;
    assert.equal(start.line, end.line);
    return compose[start.line].slice(start.character, end.character);
  };
  assert.equal(at('worker'), 'postgresql+asyncpg://shop:${POSTGRES_PASSWORD:-change-me}@db:5432/shop');
  assert.equal(at('pgbouncer'), 'edoburu/pgbouncer:v1.23.1-p2');
  // no row's text shows a password (none is in the summary; the range is in the file)
  assert.doesNotMatch(render(items).join('\n'), /change-me|POSTGRES_PASSWORD/);
});

test('several workspace folders: one row per folder that has a PgBouncer', () => {
  const summary = summaryOf(FIXTURE);
  const other = { ...summary, folder: '/srv/other-shop' };
  const items = deploymentItems({ kind: 'ready', summaries: [summary, other] }, { folderCount: 3 });
  assert.deepEqual(
    items.map((item) => [item.label, item.children?.[0]?.label]),
    [
      ['compose-edoburu', 'pgbouncer'],
      ['other-shop', 'pgbouncer'],
    ],
  );
  assert.equal(new Set(allIds(items)).size, allIds(items).length, 'the same service in two folders: two ids');
});

test("a folder row is labelled with the workspace folder's name, which a .code-workspace may set", () => {
  const summary = summaryOf(FIXTURE);
  const other = { ...summary, folder: '/srv/other-shop' };
  const names = new Map([[other.folder, 'Other shop (staging)']]);
  const items = deploymentItems(
    { kind: 'ready', summaries: [summary, other] },
    { folderCount: 2, folderName: (folder) => names.get(folder) },
  );
  assert.deepEqual(
    items.map((item) => [item.label, item.description]),
    [
      ['compose-edoburu', summary.folder],
      ['Other shop (staging)', '/srv/other-shop'],
    ],
  );
});

test('no PgBouncer in the workspace: no rows, so that the welcome text shows', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-view-'));
  try {
    fs.writeFileSync(
      path.join(empty, 'docker-compose.yml'),
      'services:\n  api:\n    image: node:20\n    environment:\n      DATABASE_URL: postgres://app@db:5432/app\n',
    );
    const audit = auditFolder(empty);
    assert.equal(audit.deployment.poolers.length, 0);
    // the server leaves such a folder out of its answer (DeploymentAudits.summaries)
    assert.deepEqual(deploymentItems({ kind: 'ready', summaries: [] }, { folderCount: 1 }), []);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('while there is no summary the view says why', () => {
  const one = (state: Parameters<typeof deploymentItems>[0]) => {
    const items = deploymentItems(state, { folderCount: 1 });
    assert.equal(items.length, 1);
    return render(items)[0];
  };
  assert.equal(one({ kind: 'starting' }), 'Starting the PgBouncer language server…');
  assert.equal(one({ kind: 'loading' }), 'Reading the deployment…');
  assert.equal(
    one({ kind: 'stopped' }),
    'The PgBouncer language server is not running — the output "PgBouncer Config" says why [error]',
  );
  assert.equal(
    one({ kind: 'failed', message: 'Request pgbouncer/deployment failed.' }),
    'The deployment could not be read — Request pgbouncer/deployment failed. [error]',
  );
});

test('a client of a pooler the summary does not list, and one that goes elsewhere', () => {
  const summary = summaryOf(FIXTURE);
  const api = summary.clients.find((client) => client.name === 'api')!;
  const items = deploymentItems(
    {
      kind: 'ready',
      summaries: [
        {
          ...summary,
          clients: [
            {
              ...api,
              name: 'billing',
              route: 'unknown',
              target: 'billing.rds.example.com:5432',
              pooler: undefined,
            },
          ],
        },
      ],
    },
    { folderCount: 1 },
  );
  assert.deepEqual(render(items).slice(-2), [
    'Elsewhere — 1 not to a PgBouncer or server of this workspace',
    '  billing — DATABASE_URL · billing.rds.example.com:5432/shop · pool 120',
  ]);
});
