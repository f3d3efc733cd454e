// End to end in a real VS Code (code-server 4.100.3 = VS Code 1.100) with the packaged .vsix installed:
// what a user sees while editing pgbouncer.ini. One code-server and one browser page for the whole file;
// each scenario opens its own file. Screenshots: see SCREENSHOTS in harness.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { needsVsCode, ROOT, UI_TIMEOUT, VsCodeSession } from './harness';

const USERLIST =
  '"pgbouncer_admin" "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy"\n"monitoring" "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy"\n';

/** A configuration PgBouncer refuses: "# ten minutes" is part of the value, PgBouncer has no inline comments. */
const BROKEN = `[databases]
appdb = host=127.0.0.1 port=5432 dbname=app pool_size=20

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6432
auth_type = scram-sha-256
auth_file = userlist.txt
admin_users = pgbouncer_admin
stats_users = monitoring
pool_mode = session
max_client_conn = 200
client_idle_timeout = 900
query_timeout = 120
syslog = 1
server_idle_timeout = 600 # ten minutes
`;

/** Clean but for max_client_conn set twice: a warning whose quick fix removes the earlier line. */
const DUPLICATE = `[databases]
appdb = host=127.0.0.1 port=5432 dbname=app pool_size=20

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6432
auth_type = scram-sha-256
auth_file = userlist.txt
admin_users = pgbouncer_admin
stats_users = monitoring
pool_mode = session
max_client_conn = 200
client_idle_timeout = 900
query_timeout = 120
syslog = 1
max_client_conn = 300
`;
const DUPLICATE_LINE = 16;
const QUICK_FIX_TITLE = 'Remove the earlier max_client_conn line';
/** The light bulb beside the line, or in the gutter (the codicon class sits on the widget itself). */
const LIGHT_BULB =
  '.lightBulbWidget[class*="codicon-"]:visible, [class*="codicon-light-bulb"]:visible, [class*="codicon-lightbulb"]:visible';

/** For completion, hover and the outline; line 16 is empty, inside [pgbouncer]. */
const EDIT = `[databases]
appdb = host=127.0.0.1 port=5432 dbname=app pool_size=20
reports = host=127.0.0.1 port=5432 dbname=reports pool_size=5

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6432
auth_type = scram-sha-256
auth_file = userlist.txt
admin_users = pgbouncer_admin
stats_users = monitoring
pool_mode = session
max_client_conn = 200
client_idle_timeout = 900
query_timeout = 120

syslog = 1
`;
const EMPTY_LINE = 16;

/** What the scenarios use of node:test's TestContext (its type is not exported by @types/node 20.9). */
interface TestContext {
  diagnostic(message: string): void;
}

let session: VsCodeSession | undefined;
let failures = 0;

function vscode(): VsCodeSession {
  assert.ok(session, 'code-server did not start (see the first failure)');
  return session;
}

/** Runs a scenario; on failure saves a screenshot and the extension's logs next to the session's state. */
async function scenario(
  t: TestContext,
  name: string,
  body: (s: VsCodeSession) => Promise<void>,
): Promise<void> {
  const s = vscode();
  const started = Date.now();
  try {
    await s.page.keyboard.press('Escape');
    await s.clearNotifications();
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

/** Rendered text of the first view line of the active editor that contains `text`. */
async function lineWith(s: VsCodeSession, text: string): Promise<string> {
  const line = s.editor().locator('.view-line', { hasText: text }).first();
  await line.waitFor({ timeout: UI_TIMEOUT });
  return (await line.innerText()).replace(/\u00a0/g, ' ');
}

const opts = { ...needsVsCode(), timeout: 180_000 };

before(async () => {
  if (opts.skip) return;
  session = await VsCodeSession.start({
    name: 'editor',
    files: {
      'pgbouncer.ini': BROKEN,
      'userlist.txt': USERLIST,
      'duplicate/pgbouncer.ini': DUPLICATE,
      'duplicate/userlist.txt': USERLIST,
      'edit/pgbouncer.ini': EDIT,
      'edit/userlist.txt': USERLIST,
    },
    settings: { 'outline.collapseItems': 'alwaysExpand', 'breadcrumbs.enabled': true },
  });
  console.log(`code-server session: ${JSON.stringify(session.timings)}`);
});

after(async () => {
  if (!session) return;
  if (failures === 0) session.pass();
  await session.stop();
});

test('a broken pgbouncer.ini: an error squiggle and its Problems entry', opts, (t) =>
  scenario(t, 'diagnostics', async (s) => {
    const { page } = s;
    await s.openFile('pgbouncer.ini');
    await page
      .locator('#status\\.editor\\.mode', { hasText: 'PgBouncer config' })
      .waitFor({ timeout: UI_TIMEOUT });
    await s.editor().locator('.squiggly-error').first().waitFor({ timeout: UI_TIMEOUT });
    const problems = await s.showProblems();
    const row = problems.locator('.monaco-list-row', { hasText: 'server_idle_timeout' }).first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    const label = (await row.getAttribute('aria-label')) ?? '';
    assert.match(label, /^Error: Invalid value '600 # ten minutes' for server_idle_timeout/);
    assert.match(label, /no inline comments/);
    assert.match(label, /at line 16 and character 23/);
    assert.match(label, /generated by pgbouncer/);
    await s.screenshot('diagnostics');
  }),
);

test('a warning whose quick fix, from the light bulb, makes it go away', opts, (t) =>
  scenario(t, 'quick-fix', async (s) => {
    const { page } = s;
    await s.openFile('duplicate/pgbouncer.ini');
    const editor = s.editor();
    await editor.locator('.squiggly-warning').first().waitFor({ timeout: UI_TIMEOUT });
    const problems = (await s.showProblems()).locator('.monaco-list-row', {
      hasText: 'already set on line 12',
    });
    await problems.first().waitFor({ timeout: UI_TIMEOUT });
    // VS Code asks for code actions at the cursor: wait for the light bulb before Ctrl+. (and retry once)
    await s.goTo(DUPLICATE_LINE, 3);
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: QUICK_FIX_TITLE }).first();
    for (let attempt = 1; ; attempt++) {
      await editor.locator(LIGHT_BULB).first().waitFor({ timeout: UI_TIMEOUT });
      await page.keyboard.press('Control+.');
      try {
        await fix.waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await page.keyboard.press('Escape');
        await s.goTo(DUPLICATE_LINE, 1);
      }
    }
    await s.screenshot('quick-fix');
    // locator.click() can hang on the code-action list: click the row's centre with the mouse
    const box = await fix.boundingBox();
    assert.ok(box, 'the quick fix row is visible');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await editor
      .locator('.view-line', { hasText: 'max_client_conn = 200' })
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await editor.locator('.squiggly-warning').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await problems.first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    assert.match(await lineWith(s, 'max_client_conn'), /^max_client_conn = 300/);
  }),
);

test('completion of a key in [pgbouncer]', opts, (t) =>
  scenario(t, 'completion', async (s) => {
    const { page } = s;
    await s.openFile('edit/pgbouncer.ini');
    await s.goTo(EMPTY_LINE, 1);
    await page.keyboard.type('ignore_st');
    await page.keyboard.press('Control+Space');
    const item = page
      .locator('.suggest-widget.visible .monaco-list-row', { hasText: 'ignore_startup_parameters' })
      .first();
    await item.waitFor({ timeout: UI_TIMEOUT });
    await s.screenshot('completion');
    await page.keyboard.press('Enter');
    assert.match(await lineWith(s, 'ignore_startup_parameters'), /^ignore_startup_parameters\s*=/);
    // leave the file as it was for the next scenarios
    await page.keyboard.press('Escape');
    await s.runCommand('File: Revert File');
    await s
      .editor()
      .locator('.view-line', { hasText: 'ignore_st' })
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  }),
);

test('hover over a key shows what it means', opts, (t) =>
  scenario(t, 'hover', async (s) => {
    const { page } = s;
    await s.openFile('edit/pgbouncer.ini');
    const catalog = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'schemas', 'pgbouncer-settings.json'), 'utf8'),
    );
    const setting = catalog.settings.find((x: { name: string }) => x.name === 'listen_port');
    const opening = (setting.description as string).split(/[;.]/)[0]; // "Port for TCP connections"
    // the first token of the line (the key, or the whole line before the grammar colours it)
    const token = s
      .editor()
      .locator('.view-line', { hasText: 'listen_port' })
      .first()
      .locator('span > span')
      .first();
    await token.waitFor({ timeout: UI_TIMEOUT });
    const box = await token.boundingBox();
    const text = await token.innerText();
    assert.ok(box);
    const charWidth = box.width / text.length;
    const hover = page.locator('.monaco-hover:visible', { hasText: opening }).first();
    // a hover asked for before the language server was ready stays empty: move away and back
    const deadline = Date.now() + UI_TIMEOUT;
    for (;;) {
      await page.mouse.move(box.x + charWidth * 4.5, box.y + box.height / 2, { steps: 3 });
      try {
        await hover.waitFor({ timeout: 5000 });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await page.mouse.move(5, 400);
      }
    }
    const shown = await hover.innerText();
    assert.match(shown, /listen_port/);
    assert.match(shown, /6432/, 'the default');
    // the hover fades in: wait until it is opaque before the screenshot (a string: tsconfig has no DOM types)
    await page.waitForFunction(
      `[...document.querySelectorAll('.monaco-hover')].some((e) => {
        if (e.offsetParent === null) return false;
        for (let n = e; n; n = n.parentElement) if (getComputedStyle(n).opacity !== '1') return false;
        return true;
      })`,
      undefined,
      { timeout: UI_TIMEOUT },
    );
    await s.screenshot('hover');
    await page.mouse.move(5, 5);
  }),
);

test('the outline lists the sections and their entries', opts, (t) =>
  scenario(t, 'outline', async (s) => {
    const { page } = s;
    await s.openFile('edit/pgbouncer.ini');
    const pane = await s.expandPane('Outline');
    const rows = pane.locator('.monaco-list-row');
    await rows.filter({ hasText: 'reports' }).first().waitFor({ timeout: UI_TIMEOUT });
    await rows.filter({ hasText: 'listen_port' }).first().waitFor({ timeout: UI_TIMEOUT });
    const labels = (await rows.allInnerTexts()).map((l) => l.replace(/\s+/g, ' ').trim());
    const at = (re: RegExp) => labels.findIndex((l) => re.test(l));
    assert.ok(at(/databases/) >= 0 && at(/pgbouncer/) >= 0, `sections in the outline: ${labels.join(' | ')}`);
    assert.ok(
      at(/databases/) < at(/appdb/) && at(/appdb/) < at(/reports/),
      `[databases] entries: ${labels.join(' | ')}`,
    );
    assert.ok(at(/pgbouncer/) < at(/listen_port/), `[pgbouncer] entries: ${labels.join(' | ')}`);
    // breadcrumbs follow the cursor: section, then entry
    await s.goTo(7, 3);
    await page
      .locator('.editor-group-container.active .breadcrumbs-control .monaco-breadcrumb-item', {
        hasText: 'listen_port',
      })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    // room for the outline: fold the file tree while the screenshot is taken
    const folders = page.locator('.pane:has(.explorer-folders-view) > .pane-header').first();
    await folders.click();
    await s.screenshot('outline');
    await folders.click();
  }),
);

test('"PgBouncer: Audit Configuration" opens the Markdown report', opts, (t) =>
  scenario(t, 'audit', async (s) => {
    const { page } = s;
    await s.openFile('pgbouncer.ini');
    await s.runCommand('PgBouncer: Audit Configuration');
    // the report, as an untitled Markdown document titled by its first line, and its preview beside it
    await page
      .locator('.tabs-container .tab', { hasText: 'PgBouncer configuration audit' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    await page
      .locator('.tabs-container .tab', { hasText: 'Preview' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await preview
      .locator('h1', { hasText: 'PgBouncer configuration audit' })
      .waitFor({ timeout: UI_TIMEOUT });
    await preview
      .locator('blockquote', { hasText: 'would refuse to start' })
      .waitFor({ timeout: UI_TIMEOUT });
    await preview.locator('h2', { hasText: 'Scores' }).waitFor({ timeout: UI_TIMEOUT });
    await s.screenshot('audit-report');
  }),
);
