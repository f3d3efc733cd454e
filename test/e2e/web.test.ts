// End to end in the web worker extension host (the host of vscode.dev and github.dev): code-server's
// workbench runs the extension's `browser` entry in the page when the user settings say
// "remote.extensionKind": { "pgbouncer-config.pgbouncer-config": ["web"] } (../shared/e2e/README.md,
// "Web extensions"). The language server then runs in a Worker (dist/browser/server.js) and reads
// files through vscode.workspace.fs. Checked: the host is the web worker, a squiggle and its Problems
// row, an error in an %include read through the editor's file system, a quick fix, hover, the Pool
// Status view's desktop-only text, completion, Fix All, the outline, folding, a document link,
// formatting, the audit report with its Markdown preview, the walkthrough (desktop-only steps hidden,
// the example opened from its button), and files out of reach said once. Scenarios that edit a file
// have a file of their own, so that their order does not matter to the others.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { needsVsCode, UI_TIMEOUT, VsCodeSession } from './harness';
import {
  auditReportShown,
  LIGHT_BULB,
  openWalkthrough,
  WALKTHROUGH_KEYBINDING,
  walkthroughStep,
} from './checks';
import {
  DUPLICATE,
  DUPLICATE_LINE,
  EDIT,
  EMPTY_LINE,
  QUICK_FIX_TITLE,
  USERLIST,
  WORKSPACE,
} from './workspace';

const EXTENSION_ID = 'pgbouncer-config.pgbouncer-config';

interface TestContext {
  diagnostic(message: string): void;
}

/** What the server's formatter changes: blanks around '=', runs of spaces between parameters. */
const FORMAT = `[databases]
appdb = host=127.0.0.1    port=5432 dbname=app

[pgbouncer]
listen_port=6432
auth_file = userlist.txt
`;

let session: VsCodeSession | undefined;
let failures = 0;
const consoleLines: string[] = [];

async function scenario(t: TestContext, name: string, body: (s: VsCodeSession) => Promise<void>) {
  assert.ok(session, 'code-server did not start (see the first failure)');
  const s = session;
  try {
    await s.page.keyboard.press('Escape');
    await s.clearNotifications();
    await body(s);
  } catch (error) {
    failures++;
    const shot = path.join(s.state, `failed-${name}.png`);
    await s.page.screenshot({ path: shot }).catch(() => undefined);
    t.diagnostic(`screenshot of the failure: ${shot}`);
    t.diagnostic(
      consoleLines
        .filter((line) => /pgbouncer|extension/i.test(line))
        .slice(-40)
        .join('\n'),
    );
    throw error;
  }
}

const opts = { ...needsVsCode(), timeout: 180_000 };

before(async () => {
  if (opts.skip) return;
  session = await VsCodeSession.start({
    name: 'web',
    files: {
      ...WORKSPACE,
      // an %include the server must read through the client (vscode.workspace.fs)
      'include/pgbouncer.ini':
        '[databases]\napp = host=127.0.0.1 dbname=app\n\n[pgbouncer]\n%include common.ini\n',
      'include/common.ini': 'listen_port = 6432\npool_mode = sometimes\n',
      'complete/pgbouncer.ini': EDIT,
      'complete/userlist.txt': USERLIST,
      'fixall/pgbouncer.ini': DUPLICATE,
      'fixall/userlist.txt': USERLIST,
      'format/pgbouncer.ini': FORMAT,
      // files outside the opened folder, which the workspace's file system does not have
      'unreachable/pgbouncer.ini':
        '[databases]\nappdb = host=127.0.0.1 port=5432 dbname=app\n\n[pgbouncer]\nlisten_port = 6432\n' +
        'auth_type = hba\nauth_file = /nonexistent/pgbouncer/userlist.txt\n' +
        'auth_hba_file = /nonexistent/pgbouncer/hba.conf\nclient_tls_ca_file = /nonexistent/ssl/ca.pem\n',
      'format/userlist.txt': USERLIST,
    },
    settings: {
      'remote.extensionKind': { [EXTENSION_ID]: ['web'] },
      'editor.wordBasedSuggestions': 'off',
      'outline.collapseItems': 'alwaysExpand',
      // the folding control of a line shows without hovering the gutter first
      'editor.showFoldingControls': 'always',
    },
    keybindings: [WALKTHROUGH_KEYBINDING],
  });
  session.page.on('console', (message) => consoleLines.push(message.text()));
});

after(async () => {
  if (!session) return;
  if (failures === 0) session.pass();
  await session.stop();
});

test('the extension runs in the web worker extension host', opts, (t) =>
  scenario(t, 'host', async (s) => {
    await s.openFile('broken/pgbouncer.ini');
    await s.editor().locator('.squiggly-error').first().waitFor({ timeout: UI_TIMEOUT });
    await s.runCommand('Developer: Show Running Extensions');
    const row = s.page
      .locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'PgBouncer Config' })
      .first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    await row.locator('.activation-time', { hasText: /Activation: \d+/ }).waitFor({ timeout: UI_TIMEOUT });
    assert.match(await row.locator('.msg').innerText(), /web worker/i);
    await s.page.keyboard.press('Control+W');
  }),
);

test('a broken pgbouncer.ini: an error squiggle and its Problems row', opts, (t) =>
  scenario(t, 'diagnostics', async (s) => {
    await s.openFile('broken/pgbouncer.ini');
    await s.editor().locator('.squiggly-error').first().waitFor({ timeout: UI_TIMEOUT });
    const problems = await s.showProblems();
    const row = problems.locator('.monaco-list-row', { hasText: 'server_idle_timeout' }).first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    const label = (await row.getAttribute('aria-label')) ?? '';
    assert.match(label, /^Error: Invalid value '600 # ten minutes' for server_idle_timeout/);
    assert.match(label, /at line 16 and character 23/);
    assert.match(label, /generated by pgbouncer/);
  }),
);

test('an error in an %include, read through the editor file system', opts, (t) =>
  scenario(t, 'include', async (s) => {
    await s.openFile('include/pgbouncer.ini');
    const problems = await s.showProblems();
    const row = problems.locator('.monaco-list-row', { hasText: 'included file has an error' }).first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    assert.match((await row.getAttribute('aria-label')) ?? '', /common\.ini:2/);
  }),
);

test('a quick fix from the light bulb removes the warning', opts, (t) =>
  scenario(t, 'quick-fix', async (s) => {
    const { page } = s;
    await s.openFile('duplicate/pgbouncer.ini');
    const editor = s.editor();
    await editor.locator('.squiggly-warning').first().waitFor({ timeout: UI_TIMEOUT });
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
    const box = await fix.boundingBox();
    assert.ok(box, 'the quick fix row is visible');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await editor
      .locator('.view-line', { hasText: 'max_client_conn = 200' })
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await editor.locator('.squiggly-warning').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  }),
);

test('hover over a key shows what it means', opts, (t) =>
  scenario(t, 'hover', async (s) => {
    const { page } = s;
    await s.openFile('edit/pgbouncer.ini');
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
    const hover = page.locator('.monaco-hover:visible', { hasText: 'listen_port' }).first();
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
    assert.match(await hover.innerText(), /6432/, 'the default');
  }),
);

test('the Pool Status view says it needs desktop VS Code', opts, (t) =>
  scenario(t, 'pool-view', async (s) => {
    await s.runCommand('PgBouncer: Focus on Pool Status View');
    await s.page
      .locator('.welcome-view-content', { hasText: 'Open this workspace in desktop VS Code' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
  }),
);

test('completion lists a setting while its name is typed', opts, (t) =>
  scenario(t, 'completion', async (s) => {
    const { page } = s;
    await s.openFile('complete/pgbouncer.ini');
    await s.goTo(EMPTY_LINE, 1);
    await page.keyboard.type('ignore_st');
    const item = page
      .locator('.suggest-widget.visible .monaco-list-row', { hasText: 'ignore_startup_parameters' })
      .first();
    // typing opens the list; Ctrl+Space asks again when the first answer came before the server's
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Control+Space');
      try {
        await item.waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await page.keyboard.press('Escape');
      }
    }
    await page.keyboard.press('Enter');
    assert.match(await s.lineWith('ignore_startup_parameters'), /^ignore_startup_parameters\s*=/);
  }),
);

test('Fix All removes the fixable findings of the file', opts, (t) =>
  scenario(t, 'fix-all', async (s) => {
    await s.openFile('fixall/pgbouncer.ini');
    const editor = s.editor();
    await editor.locator('.squiggly-warning').first().waitFor({ timeout: UI_TIMEOUT });
    await s.runCommand('Fix All');
    // the earlier of the two max_client_conn lines goes, and with it the warning
    await editor
      .locator('.view-line', { hasText: 'max_client_conn = 200' })
      .waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    assert.match(await s.lineWith('max_client_conn'), /^max_client_conn = 300/);
    await editor.locator('.squiggly-warning').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  }),
);

test('the outline lists the sections and their entries', opts, (t) =>
  scenario(t, 'outline', async (s) => {
    await s.openFile('edit/pgbouncer.ini');
    // (the Pool Status scenario left the PgBouncer side bar in front)
    await s.runCommand('View: Show Explorer');
    const pane = await s.expandPane('Outline');
    const rows = pane.locator('.monaco-list-row');
    await rows.filter({ hasText: 'reports' }).first().waitFor({ timeout: UI_TIMEOUT });
    await rows.filter({ hasText: 'listen_port' }).first().waitFor({ timeout: UI_TIMEOUT });
    const labels = (await rows.allInnerTexts()).map((l) => l.replace(/\s+/g, ' ').trim());
    const at = (re: RegExp) => labels.findIndex((l) => re.test(l));
    assert.ok(at(/^\[databases\]/) >= 0 && at(/^\[pgbouncer\]/) >= 0, `sections: ${labels.join(' | ')}`);
    assert.ok(at(/databases/) < at(/appdb/) && at(/appdb/) < at(/reports/), labels.join(' | '));
    assert.ok(at(/^\[pgbouncer\]/) < at(/listen_port/), labels.join(' | '));
    // fold the pane again: it takes the room of the file tree the next scenarios' Quick Open uses
    await s.page.locator('.pane-header', { hasText: 'Outline' }).first().click();
  }),
);

test('a section folds from its folding control', opts, (t) =>
  scenario(t, 'folding', async (s) => {
    await s.openFile('edit/pgbouncer.ini');
    const editor = s.editor();
    const entry = editor.locator('.view-line', { hasText: 'reports = host' });
    await entry.waitFor({ timeout: UI_TIMEOUT });
    // the controls are in line order: the first is [databases]'s (the file has no indentation, so
    // VS Code's own folding by indentation would offer none)
    const control = editor.locator('.margin-view-overlays .codicon-folding-expanded').first();
    await control.waitFor({ timeout: UI_TIMEOUT });
    await control.click();
    await entry.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    assert.equal(await editor.locator('.view-line', { hasText: 'appdb = host' }).count(), 0);
    await editor.locator('.view-line', { hasText: 'listen_port' }).first().waitFor({ timeout: UI_TIMEOUT });
    await editor.locator('.margin-view-overlays .codicon-folding-collapsed').first().click();
    await entry.waitFor({ timeout: UI_TIMEOUT });
  }),
);

test('auth_file is a link: Ctrl+click opens the userlist', opts, (t) =>
  scenario(t, 'link', async (s) => {
    const { page } = s;
    await s.openFile('edit/pgbouncer.ini');
    const link = s
      .editor()
      .locator('.view-line', { hasText: 'auth_file' })
      .locator('.detected-link', { hasText: 'userlist.txt' })
      .first();
    const userlistTab = page.locator('.tabs-container .tab.active', { hasText: 'userlist.txt' });
    // Ctrl+click as a hand does it, at the link's place: Playwright's own click waits for the span
    // to hold still, and the editor redraws that line while Ctrl is down over a link (seen in CI:
    // 30 s of "element was detached" on a busy machine). A click lost to a redraw is clicked again.
    for (let attempt = 1; ; attempt++) {
      await link.waitFor({ timeout: UI_TIMEOUT });
      const box = await link.boundingBox();
      if (box) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.keyboard.down('Control');
        await page.mouse.down();
        await page.mouse.up();
        await page.keyboard.up('Control');
      }
      const opened = await userlistTab.waitFor({ timeout: 10_000 }).then(
        () => true,
        () => false,
      );
      if (opened) break;
      if (attempt >= 4)
        throw new Error(`Ctrl+click on the auth_file link: no userlist tab after ${attempt} clicks`);
    }
    await s
      .editor()
      .locator('.view-line', { hasText: 'pgbouncer_admin' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
  }),
);

test('Format Document changes the text as the formatter does', opts, (t) =>
  scenario(t, 'format', async (s) => {
    await s.openFile('format/pgbouncer.ini');
    await s.lineWith('listen_port=6432');
    await s.runCommand('Format Document');
    await s
      .editor()
      .locator('.view-line', { hasText: 'listen_port = 6432' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    // (an inlay hint of the pool size may follow the text)
    assert.match(await s.lineWith('appdb'), /^appdb = host=127\.0\.0\.1 port=5432 dbname=app\b/);
  }),
);

test('"PgBouncer: Audit Configuration" opens the report and its preview', opts, (t) =>
  scenario(t, 'audit', async (s) => {
    await s.openFile('broken/pgbouncer.ini');
    await s.runCommand('PgBouncer: Audit Configuration');
    await auditReportShown(s);
  }),
);

test('the walkthrough: its desktop-only steps hidden, the example opened from its button', opts, (t) =>
  scenario(t, 'walkthrough', async (s) => {
    const { page } = s;
    const step = (id: string) => walkthroughStep(s, id);
    await openWalkthrough(s);
    await step('runAudit').waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await step('fixAll').count(), 1, 'the Fix All step is shown');
    // an instance (TCP to the admin console) and alert rules written to disk need desktop VS Code
    assert.equal(await step('addInstance').count(), 0, 'no Add Instance step on the web');
    assert.equal(await step('generateAlertRules').count(), 0, 'no alert rules step on the web');
    await step('openConfiguration').click();
    await page
      .locator('.gettingStartedContainer button.getting-started-step.expanded a', {
        hasText: 'Open the Example',
      })
      .first()
      .click({ timeout: UI_TIMEOUT });
    // the example, untitled, in the editor (its first line) and judged as a pgbouncer.ini
    await page
      .locator('.monaco-editor .view-line', { hasText: 'PgBouncer configuration of the SAHOOL platform' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    await page
      .locator('.statusbar-item', { hasText: 'PgBouncer config' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
  }),
);

test('files the config names that cannot be read are said once, not one warning each', opts, (t) =>
  scenario(t, 'unreachable', async (s) => {
    await s.openFile('unreachable/pgbouncer.ini');
    const problems = await s.showProblems();
    // only this file's rows: the panel lists every file's, and renders the rows in view only
    const filter = s.page.locator('.viewpane-filter input').first();
    await filter.fill('unreachable');
    const summary = problems
      .locator('.monaco-list-row', { hasText: "could not be read through this editor's file system" })
      .first();
    await summary.waitFor({ timeout: UI_TIMEOUT });
    assert.match((await summary.getAttribute('aria-label')) ?? '', /^Info: 3 files this configuration names/);
    // the three are its related information, not warnings of their own
    const warnings = problems.locator('.monaco-list-row[aria-label^="Warning: "]', {
      hasText: '/nonexistent/',
    });
    assert.equal(await warnings.count(), 0, 'no warning per unreadable file');
    await filter.fill('');
  }),
);
