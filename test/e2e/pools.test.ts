// End to end in a real VS Code: the Pool Status view and its status-bar item show the pools of a real
// PgBouncer (with PostgreSQL behind it) that this test starts on loopback (test/support/stack.ts).
//
// The instance is configured in the user settings (pgbouncer.instances) before code-server starts; the
// password is typed into the extension's own "enter password" input box, as a user does, which keeps it
// in VS Code's SecretStorage. A client holds a transaction through PgBouncer so that the pool is listed
// (PgBouncer lists a pool in SHOW POOLS only after a client has used it) and busy.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Client } from 'pg';
import { stackUnavailable, startStack } from '../support/stack';
import type { Stack } from '../support/stack';
import { IN_CI, needsVsCode, ROOT, UI_TIMEOUT, VsCodeSession } from './harness';

interface Manifest {
  contributes: {
    commands?: { command: string; title: string; category?: string }[];
    views?: Record<string, { id: string; name: string }[]>;
  };
}
const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** "Category: Title" of a contributed command, as the command palette shows it. */
function commandTitle(id: string): string {
  const command = manifest.contributes.commands?.find((c) => c.command === id);
  assert.ok(command, `package.json contributes the command ${id}`);
  return command.category ? `${command.category}: ${command.title}` : command.title;
}

function viewName(id: string): string {
  const view = Object.values(manifest.contributes.views ?? {})
    .flat()
    .find((v) => v.id === id);
  assert.ok(view, `package.json contributes the view ${id}`);
  return view.name;
}

const VIEW_ID = 'pgbouncer.pools';
const stackMissing = (() => {
  try {
    return stackUnavailable(); // throws in CI when PgBouncer or PostgreSQL is missing
  } catch (error) {
    return IN_CI ? undefined : String(error);
  }
})();
const vsCode = needsVsCode();
const opts = { skip: vsCode.skip ?? stackMissing, timeout: 240_000 };

let stack: Stack | undefined;
let session: VsCodeSession | undefined;
let holder: Client | undefined;
let passed = false;

before(async () => {
  if (opts.skip) return;
  stack = await startStack({ settings: { default_pool_size: 4 } });
  // a client in an open transaction: the pool appears, with one active client and one server in use
  holder = await stack.connectApp('appdb');
  await holder.query('BEGIN');
  await holder.query('SELECT 1');
  const bouncer = stack.pgbouncer;
  session = await VsCodeSession.start({
    name: 'pools',
    files: {
      // the configuration this PgBouncer runs with, as a user would have it open
      'pgbouncer.ini': bouncer.baseConfig,
    },
    settings: {
      'pgbouncer.instances': [
        { name: 'primary', host: bouncer.host, port: bouncer.port, user: stack.users.admin.user },
      ],
      'pgbouncer.refreshInterval': 1,
    },
  });
  console.log(`code-server session: ${JSON.stringify(session.timings)}`);
});

after(async () => {
  await holder?.query('ROLLBACK').catch(() => undefined);
  await holder?.end().catch(() => undefined);
  if (session) {
    if (passed) session.pass();
    await session.stop();
  }
  await stack?.stop();
});

test(
  'the Pool Status view shows the pools of a running PgBouncer, and the status bar sums them up',
  opts,
  async () => {
    const s = session!;
    const { page } = s;
    const bouncer = stack!.pgbouncer;
    try {
      await s.openFile('pgbouncer.ini');
      await page
        .locator('#status\\.editor\\.mode', { hasText: 'PgBouncer config' })
        .waitFor({ timeout: UI_TIMEOUT });

      // the extension is active and has read pgbouncer.instances once its status-bar item shows
      const status = page.locator('.statusbar-item', { hasText: 'PgBouncer' }).first();
      await status.waitFor({ timeout: UI_TIMEOUT });
      // the password, typed into the extension's input box (SecretStorage; never in settings)
      await s.runCommand(commandTitle('pgbouncer.pools.enterPassword'));
      const input = page.locator('.quick-input-widget input[type="password"]');
      await input.waitFor({ timeout: UI_TIMEOUT });
      await input.fill(stack!.users.admin.password);
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });

      // the status-bar item: clicking it reveals the view
      await status.click();
      const name = viewName(VIEW_ID);
      const pane = page.locator(`.pane:has(.pane-header:has-text("${name}"))`).first();
      await pane.waitFor({ timeout: UI_TIMEOUT });
      const rows = pane.locator('.monaco-list-row');
      const instance = rows.filter({ hasText: 'primary' }).first();
      await instance.waitFor({ timeout: UI_TIMEOUT });
      const pools = rows.filter({ hasText: /^\s*Pools/ }).first();
      await pools.waitFor({ timeout: UI_TIMEOUT });
      if ((await pools.getAttribute('aria-expanded')) === 'false') await pools.click();
      const pool = rows.filter({ hasText: 'appdb / app' }).first();
      await pool.waitFor({ timeout: UI_TIMEOUT });
      const poolText = (await pool.innerText()).replace(/\s+/g, ' ');
      assert.match(poolText, /appdb \/ app\s*1 active, 0 waiting/, 'the client in its transaction is active');
      const statusText = (await status.innerText()).replace(/\s+/g, ' ').trim();
      assert.match(statusText, /PgBouncer: appdb \d+%/, 'the status bar names the busiest pool and its use');
      // sslmode prefer (the default) and a PgBouncer without TLS: plain text, and the view says so
      const instanceText = (await instance.innerText()).replace(/\s+/g, ' ');
      assert.match(instanceText, /primary\s*1\.\d+\.\d+ · without TLS · admin/, instanceText);
      console.log(`pool row: ${poolText} | status bar: ${statusText} | instance: ${instanceText}`);
      // a wider side bar, so that the screenshot shows the numbers: drag the sash at its right edge
      const sidebar = await page.locator('.part.sidebar').boundingBox();
      if (sidebar) {
        const y = sidebar.y + sidebar.height / 2;
        await page.mouse.move(sidebar.x + sidebar.width + 1, y);
        await page.mouse.down();
        await page.mouse.move(sidebar.x + 620, y, { steps: 5 });
        await page.mouse.up();
        await page.mouse.move(20, sidebar.y + sidebar.height - 200); // off the sash, which stays lit while hovered
        await page
          .locator('.monaco-sash.hover, .monaco-sash.active')
          .first()
          .waitFor({ state: 'detached', timeout: 5000 })
          .catch(() => undefined);
      }
      await s.screenshot('pool-status');

      // The same host, port and user redefined with sslmode disable, in the settings editor as a user
      // would: the password typed above was given for prefer, so this definition has none of its own.
      const settingsFile = path.join(s.userData, 'User', 'settings.json');
      const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
      settings['pgbouncer.instances'] = [
        {
          name: 'primary',
          host: bouncer.host,
          port: bouncer.port,
          user: stack!.users.admin.user,
          sslmode: 'disable',
        },
      ];
      await s.runCommand('Preferences: Open User Settings (JSON)');
      await page
        .locator('.editor-group-container.active .tab.active', { hasText: 'settings.json' })
        .waitFor({ timeout: UI_TIMEOUT });
      await s.editor().locator('.view-lines').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(JSON.stringify(settings, null, 2));
      await page.keyboard.press('Control+S');
      const needed = rows.filter({ hasText: 'Password needed' }).first();
      await needed.waitFor({ timeout: UI_TIMEOUT });
      assert.match(
        (await instance.innerText()).replace(/\s+/g, ' '),
        /password needed/,
        'the instance asks for a password of its own',
      );
      passed = true;
    } catch (error) {
      const shot = path.join(s.state, 'failed-pools.png');
      await page.screenshot({ path: shot }).catch(() => undefined);
      console.log(`screenshot of the failure: ${shot}\n${s.extensionLogs().slice(-3000)}`);
      throw error;
    }
  },
);
