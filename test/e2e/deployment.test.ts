// End to end in a real VS Code (code-server 4.100.3 = VS Code 1.100) with the packaged .vsix installed:
// the deployment audit as a user meets it. The workspace is a small compose project (PgBouncer from the
// edoburu image, an API asking it for a database it does not serve, a worker that goes straight to
// PostgreSQL) and no pgbouncer.ini: the extension activates on the compose file, the Problems panel
// lists the two connection problems of docker-compose.yml before any file is opened, the Deployment view
// shows the pooler and marks the bypasser, and fixing the database name in the editor (unsaved) makes
// its problem go away.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { needsVsCode, ROOT, UI_TIMEOUT, VsCodeSession } from './harness';

interface Manifest {
  contributes: { views?: Record<string, { id: string; name: string }[]> };
}
const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const VIEW_NAME = Object.values(manifest.contributes.views ?? {})
  .flat()
  .find((view) => view.id === 'pgbouncer.deployment')?.name;

const COMPOSE_LINES = [
  'services:',
  '  db:',
  '    image: postgres:16',
  '    environment:',
  '      POSTGRES_USER: shop',
  '      POSTGRES_DB: shop',
  '  pgbouncer:',
  '    image: edoburu/pgbouncer:v1.23.1-p2',
  '    environment:',
  '      DB_HOST: db',
  '      DB_USER: shop',
  '      DB_NAME: shop',
  '      POOL_MODE: transaction',
  '  api:',
  '    image: ghcr.io/example/shop-api:2.4.0',
  '    environment:',
  '      DATABASE_URL: postgres://shop@pgbouncer:5432/shpo',
  '  worker:',
  '    image: ghcr.io/example/shop-worker:2.4.0',
  '    environment:',
  '      DATABASE_URL: postgres://shop@db:5432/shop',
];
/** 1-based, as VS Code shows them. */
const API_LINE = COMPOSE_LINES.findIndex((line) => line.includes('/shpo')) + 1;
const WORKER_LINE = COMPOSE_LINES.findIndex((line) => line.includes('@db:5432')) + 1;

const opts = { ...needsVsCode(), timeout: 120_000 };

let session: VsCodeSession | undefined;
let failures = 0;

before(async () => {
  if (opts.skip) return;
  session = await VsCodeSession.start({
    name: 'deployment',
    files: { 'docker-compose.yml': `${COMPOSE_LINES.join('\n')}\n` },
    // room for the Problems panel and both views of the PgBouncer side bar
    viewport: { width: 1400, height: 1000 },
    settings: { 'editor.showFoldingControls': 'always' },
  });
  console.log(`code-server session: ${JSON.stringify(session.timings)}`);
});

after(async () => {
  if (!session) return;
  if (failures === 0) session.pass();
  await session.stop();
});

/** What the scenarios use of node:test's TestContext (its type is not exported by @types/node 20.9). */
interface TestContext {
  diagnostic(message: string): void;
}

async function scenario(t: TestContext, name: string, body: (s: VsCodeSession) => Promise<void>) {
  assert.ok(session, 'code-server did not start (see the first failure)');
  const s = session;
  const started = Date.now();
  try {
    await body(s);
    t.diagnostic(`${name}: ${Date.now() - started} ms`);
  } catch (error) {
    failures++;
    const shot = path.join(s.state, `failed-${name}.png`);
    await s.page.screenshot({ path: shot }).catch(() => undefined);
    t.diagnostic(`screenshot of the failure: ${shot}`);
    t.diagnostic(s.extensionLogs().slice(-3000));
    throw error;
  }
}

/** The Problems panel, shown from the command palette (no editor needs to be open), filtered by `text`. */
async function problemsMatching(s: VsCodeSession, text: string): Promise<Locator> {
  const panel = s.page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await s.runCommand('Focus on Problems View');
    await panel.waitFor({ timeout: UI_TIMEOUT });
  }
  // The pooler's own findings come first; the filter keeps the list short enough to be drawn whole.
  const filter = s.page.locator('.viewpane-filter input, .markers-panel-action-filter input').first();
  await filter.fill(text);
  return panel.locator('.monaco-list-row', { hasText: text });
}

/** The rows of the Deployment view, focused from the command palette. */
async function deploymentRows(s: VsCodeSession): Promise<Locator> {
  assert.ok(VIEW_NAME, 'package.json contributes the view pgbouncer.deployment');
  await s.runCommand(`Focus on ${VIEW_NAME} View`);
  const pane = s.page.locator(`.pane:has(.pane-header:has-text("${VIEW_NAME}"))`).first();
  await pane.waitFor({ timeout: UI_TIMEOUT });
  return pane.locator('.monaco-list-row');
}

test(
  'no file open: the Problems panel lists the bypass and the unknown database of docker-compose.yml',
  opts,
  (t) =>
    scenario(t, 'problems', async (s) => {
      const bypass = (await problemsMatching(s, 'bypassing PgBouncer')).first();
      await bypass.waitFor({ timeout: UI_TIMEOUT });
      const bypassLabel = (await bypass.getAttribute('aria-label')) ?? '';
      assert.match(bypassLabel, /^Warning: worker \(DATABASE_URL\) connects to db:5432 directly/);
      assert.match(bypassLabel, new RegExp(`at line ${WORKER_LINE} and character`));

      const unknown = (await problemsMatching(s, "database 'shpo'")).first();
      await unknown.waitFor({ timeout: UI_TIMEOUT });
      const unknownLabel = (await unknown.getAttribute('aria-label')) ?? '';
      assert.match(unknownLabel, /api \(DATABASE_URL\) asks PgBouncer 'pgbouncer' for database 'shpo'/);
      assert.match(unknownLabel, new RegExp(`at line ${API_LINE} and character`));
      // both rows belong to the compose file
      await s.page
        .locator('.markers-panel .monaco-list-row', { hasText: 'docker-compose.yml' })
        .first()
        .waitFor({ timeout: UI_TIMEOUT });
      await s.screenshot('deployment-problems');
    }),
);

test('the Deployment view shows the pooler and its database, and marks the bypasser', opts, (t) =>
  scenario(t, 'view', async (s) => {
    const rows = await deploymentRows(s);
    const pooler = rows.filter({ hasText: 'pgbouncer' }).filter({ hasText: 'edoburu/pgbouncer' }).first();
    await pooler.waitFor({ timeout: UI_TIMEOUT });
    assert.match(await pooler.innerText(), /1\.23\.1 · port 5432/);
    await rows
      .filter({ hasText: 'shop' })
      .filter({ hasText: '→ db:5432' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    await rows.filter({ hasText: 'Bypassing the pooler' }).first().waitFor({ timeout: UI_TIMEOUT });
    const worker = rows.filter({ hasText: 'worker' }).first();
    await worker.waitFor({ timeout: UI_TIMEOUT });
    assert.match(await worker.innerText(), /db:5432\/shop/);
    assert.equal(await worker.locator('.codicon-warning').count(), 1, 'the bypasser has a warning icon');
    const api = rows.filter({ hasText: 'api' }).filter({ hasText: "database 'shpo' not served" }).first();
    await api.waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await api.locator('.codicon-warning').count(), 1, 'the unknown database is marked');
    await s.screenshot('deployment-view');

    // a click opens docker-compose.yml with the worker's connection string selected (the status bar
    // shows the cursor, at the selection's end, and the length of the selection)
    await worker.click();
    await s.editor().locator('.view-lines').waitFor({ timeout: UI_TIMEOUT });
    const url = 'postgres://shop@db:5432/shop';
    const end = COMPOSE_LINES[WORKER_LINE - 1].indexOf(url) + url.length + 1;
    await s.page
      .locator('#status\\.editor\\.selection', {
        hasText: `Ln ${WORKER_LINE}, Col ${end} (${url.length} selected)`,
      })
      .waitFor({ timeout: UI_TIMEOUT });
  }),
);

test('fixing the database name in the editor makes its problem go away', opts, (t) =>
  scenario(t, 'edit', async (s) => {
    const { page } = s;
    await s.openFile('docker-compose.yml');
    // The compose file still folds by indentation: the extension adds diagnostics, not a folding
    // provider whose empty answer would replace VS Code's own folding.
    await s.editor().locator('.codicon-folding-expanded').first().waitFor({ timeout: UI_TIMEOUT });
    const line = COMPOSE_LINES[API_LINE - 1];
    await s.goTo(API_LINE, line.indexOf('shpo') + 1);
    await page.keyboard.press('Shift+End');
    await page.keyboard.type('shop');
    await s
      .editor()
      .locator('.view-line', { hasText: '@pgbouncer:5432/shop' })
      .waitFor({ timeout: UI_TIMEOUT });

    const unknown = page.locator('.markers-panel .monaco-list-row', { hasText: "database 'shpo'" });
    await problemsMatching(s, "database 'shpo'");
    await unknown.first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    // the bypass is still reported: only the fixed problem went
    await (await problemsMatching(s, 'bypassing PgBouncer')).first().waitFor({ timeout: UI_TIMEOUT });

    // the view follows: api now goes under the database it asks for, without a mark
    const rows = await deploymentRows(s);
    await rows
      .filter({ hasText: "database 'shpo' not served" })
      .first()
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    const api = rows.filter({ hasText: /^api/ }).first();
    await api.waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await api.locator('.codicon-warning').count(), 0, 'api is no longer marked');
    assert.equal(await rows.filter({ hasText: 'worker' }).first().locator('.codicon-warning').count(), 1);
    await s.screenshot('deployment-fixed');
  }),
);
