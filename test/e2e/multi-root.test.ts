// End to end in a real VS Code (code-server) with a multi-root workspace: a .code-workspace of two
// folders with the same pgbouncer.ini. The workspace targets PgBouncer 1.22; the folder "legacy"
// overrides that with 1.20 in its own .vscode/settings.json. max_prepared_statements came with 1.21:
// an error in legacy's file, none in current's. The audit report of legacy's file names its folder.
// The .code-workspace names the folder "current" otherwise: the Deployment view's row says that name.
// Each folder's own pgbouncer.instances show in Pool Status marked with the folder they come from.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { needsVsCode, UI_TIMEOUT, VsCodeSession } from './harness';
import { USERLIST } from './workspace';

const INI = `[databases]
appdb = host=127.0.0.1 port=5432 dbname=app pool_size=20

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6432
auth_type = scram-sha-256
auth_file = userlist.txt
admin_users = pgbouncer_admin
stats_users = monitoring
pool_mode = transaction
max_client_conn = 200
client_idle_timeout = 900
query_timeout = 120
syslog = 1
max_prepared_statements = 100
`;

const CURRENT_NAME = 'Current (1.22)';

const FILES: Record<string, string> = {
  'pgbouncer.code-workspace': JSON.stringify(
    {
      folders: [{ path: 'legacy' }, { path: 'current', name: CURRENT_NAME }],
      settings: { 'pgbouncer.targetVersion': '1.22' },
    },
    null,
    2,
  ),
  // each folder watches a PgBouncer of its own, both named "pooler" (nothing listens on these ports:
  // the rows show all the same)
  'legacy/.vscode/settings.json': JSON.stringify({
    'pgbouncer.targetVersion': '1.20',
    'pgbouncer.instances': [{ name: 'pooler', host: '127.0.0.1', port: 9, user: 'pgbouncer_admin' }],
  }),
  'current/.vscode/settings.json': JSON.stringify({
    'pgbouncer.instances': [{ name: 'pooler', host: '127.0.0.1', port: 10, user: 'pgbouncer_admin' }],
  }),
  'legacy/pgbouncer.ini': INI,
  'legacy/userlist.txt': USERLIST,
  'current/pgbouncer.ini': INI,
  'current/userlist.txt': USERLIST,
};

let session: VsCodeSession | undefined;
let failed = false;
const opts = { ...needsVsCode(), timeout: 240_000 };

before(async () => {
  if (opts.skip) return;
  session = await VsCodeSession.start({
    name: 'multi-root',
    files: FILES,
    workspaceFile: 'pgbouncer.code-workspace',
  });
});

after(async () => {
  if (!session) return;
  if (!failed) session.pass();
  await session.stop();
});

function vscode(): VsCodeSession {
  assert.ok(session, 'code-server did not start');
  return session;
}

async function guarded(name: string, body: (s: VsCodeSession) => Promise<void>): Promise<void> {
  const s = vscode();
  try {
    await s.page.keyboard.press('Escape');
    await body(s);
  } catch (error) {
    failed = true;
    await s.page.screenshot({ path: path.join(s.state, `failed-${name}.png`) }).catch(() => undefined);
    console.log(s.extensionLogs().slice(-3000));
    throw error;
  }
}

test('each folder judges its file by its own target version', opts, () =>
  guarded('target', async (s) => {
    await s.openFile('legacy/pgbouncer.ini');
    await s.editor().locator('.squiggly-error').first().waitFor({ timeout: UI_TIMEOUT });
    await s.openFile('current/pgbouncer.ini');
    const panel = await s.showProblems();
    const rows = panel.locator('.monaco-list-row');
    // Both files' headers in the Problems panel, then every row.
    await panel.locator('.monaco-list-row', { hasText: 'current' }).first().waitFor({ timeout: UI_TIMEOUT });
    await panel.locator('.monaco-list-row', { hasText: 'legacy' }).first().waitFor({ timeout: UI_TIMEOUT });
    const newer = rows.filter({ hasText: 'max_prepared_statements' });
    await newer.first().waitFor({ timeout: UI_TIMEOUT });
    const labels = await newer.evaluateAll((elements) =>
      elements.map((e) => e.getAttribute('aria-label') ?? ''),
    );
    assert.equal(labels.length, 1, labels.join('\n'));
    assert.match(labels[0], /^Error: .*max_prepared_statements.*1\.21.*PgBouncer 1\.20/);
    // the row sits under legacy's file: the file row before it names the folder
    const texts = await rows.evaluateAll((elements) => elements.map((e) => e.textContent ?? ''));
    const at = texts.findIndex((text) => text.includes('max_prepared_statements'));
    const fileRow = texts
      .slice(0, at)
      .reverse()
      .find((text) => text.includes('pgbouncer.ini'));
    assert.match(fileRow ?? '', /legacy/, texts.join('\n'));
    // and current's editor, the active one, has no error squiggle
    assert.equal(await s.editor().locator('.squiggly-error').count(), 0);
  }),
);

test("the audit report names the file's workspace folder and its target", opts, () =>
  guarded('report', async (s) => {
    await s.openFile('legacy/pgbouncer.ini');
    await s.runCommand('PgBouncer: Audit Configuration');
    const report = s.page.locator('.monaco-editor .view-line', { hasText: 'Workspace folder' }).first();
    await report.waitFor({ timeout: UI_TIMEOUT });
    assert.match((await report.innerText()).replace(/\u00a0/g, ' '), /Workspace folder:\*\* legacy/);
    const target = s.page
      .locator('.monaco-editor .view-line', { hasText: 'Target PgBouncer version' })
      .first();
    assert.match((await target.innerText()).replace(/\u00a0/g, ' '), /1\.20/);
  }),
);

test("the Deployment view labels each folder with the workspace's name for it", opts, () =>
  guarded('deployment', async (s) => {
    const pane = s.page.locator('.pane:has(.pane-header:has-text("Deployment"))').first();
    // (the previous scenario's audit preview may still be opening and take the focus)
    await s.runCommandUntil('Focus on Deployment View', pane, 'the Deployment view');
    const rows = pane.locator('.monaco-list-row');
    // each folder's pgbouncer.ini, mounted by nobody, is a PgBouncer of its own: one row per folder
    const current = rows.filter({ hasText: CURRENT_NAME }).first();
    await current.waitFor({ timeout: UI_TIMEOUT });
    await rows.filter({ hasText: 'legacy' }).first().waitFor({ timeout: UI_TIMEOUT });
    // the folder's path stays in the row's description
    assert.match(await current.innerText(), /[\\/]ws[\\/]current\b/);
  }),
);

test('Pool Status marks each instance with the folder whose settings name it', opts, () =>
  guarded('pools', async (s) => {
    const pane = s.page.locator('.pane:has(.pane-header:has-text("Pool Status"))').first();
    await s.runCommandUntil('Focus on Pool Status View', pane, 'the Pool Status view');
    const rows = pane.locator('.monaco-list-row');
    const legacy = rows.filter({ hasText: 'legacy · 127.0.0.1:9' }).first();
    await legacy.waitFor({ timeout: UI_TIMEOUT });
    // the second "pooler" gets its folder's name, as the workspace names the folder
    const current = rows.filter({ hasText: `${CURRENT_NAME} · 127.0.0.1:10` }).first();
    await current.waitFor({ timeout: UI_TIMEOUT });
    assert.match(
      await current.innerText(),
      new RegExp(`pooler \\(${CURRENT_NAME.replace(/[()]/g, '\\$&')}\\)`),
    );
    // the first keeps its name (the row's text is its label, then its description)
    assert.match(await legacy.innerText(), /^\s*pooler\s*legacy ·/);
  }),
);
