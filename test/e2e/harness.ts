// A real VS Code for the end-to-end tests: code-server (VS Code 1.100: the workbench in the browser, a Node
// extension host on the server) with the packaged .vsix installed, driven by headless Debian Chromium
// through playwright-core.
//
// Needs: code-server in E2E_CACHE and /usr/bin/chromium, both from `bash scripts/install-e2e-deps.sh`
// (`npm test` runs it). Without them the tests fail in CI (CI=true) and are skipped, with the command to
// run, elsewhere.
//
// Each session gets its own state folder under .test-tmp/e2e/ (user data with settings.json written
// before start, extensions, XDG folders, the Chromium profile, logs), a free port on 127.0.0.1, and
// code-server in its own process group, stopped as a group (its file watchers outlive the main process).
// The state folder is removed after a passing session and kept after a failing one, with its logs.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { freePort } from '../support/processes';
import { packagedVsix } from '../support/vsix';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION ?? '4.100.3';
export const E2E_CACHE = process.env.E2E_CACHE ?? path.join(os.homedir(), '.cache', 'pgbouncer-config-e2e');
export const CODE_SERVER = path.join(
  E2E_CACHE,
  `code-server-${CODE_SERVER_VERSION}`,
  'node_modules',
  '.bin',
  'code-server',
);
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const INSTALL_COMMAND = 'bash scripts/install-e2e-deps.sh';
/** Screenshots go here: docs/screenshots with E2E_SCREENSHOTS=docs/screenshots, else under .test-tmp. */
export const SCREENSHOTS = path.resolve(ROOT, process.env.E2E_SCREENSHOTS ?? '.test-tmp/e2e/screenshots');
export const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');
/** Generous: two cores shared with the other test files. */
export const UI_TIMEOUT = 60_000;

/** What is missing to run a real VS Code, with the command that installs it; undefined when all is here. */
export function missingPieces(): string | undefined {
  const missing: string[] = [];
  if (!fs.existsSync(CODE_SERVER)) missing.push(`code-server ${CODE_SERVER_VERSION} (${CODE_SERVER})`);
  if (!fs.existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  if (missing.length === 0) return undefined;
  return `missing: ${missing.join(', ')}. Install with: ${INSTALL_COMMAND} (as root on Debian)`;
}

/**
 * For node:test: `{ skip }` options of a test that needs a real VS Code. In CI a missing piece is no
 * reason to skip: the session fails with the same message.
 */
export function needsVsCode(): { skip?: string } {
  const missing = missingPieces();
  return missing && !IN_CI ? { skip: missing } : {};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** User settings written before code-server starts: no trust prompt, no start-up editor, no telemetry. */
export const BASE_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'editor.wordBasedSuggestions': 'off',
  'editor.hover.delay': 300,
  'editor.minimap.enabled': false,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.colorTheme': 'Default Light Modern',
};

export interface SessionOptions {
  /** names the state folder and the screenshots */
  name: string;
  /** workspace files: relative path -> content */
  files: Record<string, string>;
  /** user settings on top of BASE_SETTINGS */
  settings?: Record<string, unknown>;
  /** environment of code-server (and so of the extension host) on top of process.env */
  env?: Record<string, string>;
  viewport?: { width: number; height: number };
  /** User keybindings (keybindings.json), e.g. to run a command with arguments the palette cannot pass. */
  keybindings?: { key: string; command: string; args?: unknown }[];
  /** A .code-workspace among `files` to open (a multi-root workspace) instead of the folder. */
  workspaceFile?: string;
}

export class VsCodeSession {
  page!: Page;
  private browser!: BrowserContext;
  private server!: ChildProcess;
  private serverExit!: Promise<void>;
  private serverExited = false;
  private passed = false;
  readonly timings: Record<string, number> = {};
  private readonly started = Date.now();
  readonly workspace: string;
  readonly userData: string;
  readonly extensions: string;
  readonly pageErrors: string[] = [];
  port = 0;

  private constructor(
    readonly options: SessionOptions,
    readonly state: string,
  ) {
    this.workspace = path.join(state, 'ws');
    this.userData = path.join(state, 'data');
    this.extensions = path.join(state, 'exts');
  }

  mark(what: string): void {
    this.timings[what] = Date.now() - this.started;
  }

  private get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      XDG_CONFIG_HOME: path.join(this.state, 'xdg-config'),
      XDG_DATA_HOME: path.join(this.state, 'xdg-data'),
      XDG_CACHE_HOME: path.join(this.state, 'xdg-cache'),
      ...this.options.env,
    };
  }

  private get configFile(): string {
    return path.join(this.state, 'code-server.yaml');
  }

  static async start(options: SessionOptions): Promise<VsCodeSession> {
    const missing = missingPieces();
    if (missing) throw new Error(missing);
    const base = path.join(ROOT, '.test-tmp', 'e2e');
    fs.mkdirSync(base, { recursive: true });
    const session = new VsCodeSession(options, fs.mkdtempSync(path.join(base, `${options.name}-`)));
    try {
      await session.boot();
    } catch (error) {
      await session.stop();
      throw error;
    }
    return session;
  }

  private async boot(): Promise<void> {
    const vsix = await packagedVsix();
    this.mark('vsix');
    for (const [file, content] of Object.entries(this.options.files)) {
      fs.mkdirSync(path.dirname(path.join(this.workspace, file)), { recursive: true });
      fs.writeFileSync(path.join(this.workspace, file), content);
    }
    fs.mkdirSync(path.join(this.userData, 'User'), { recursive: true });
    fs.mkdirSync(this.extensions, { recursive: true });
    fs.writeFileSync(
      path.join(this.userData, 'User', 'settings.json'),
      JSON.stringify({ ...BASE_SETTINGS, ...this.options.settings }, null, 2),
    );
    if (this.options.keybindings) {
      fs.writeFileSync(
        path.join(this.userData, 'User', 'keybindings.json'),
        JSON.stringify(this.options.keybindings, null, 2),
      );
    }
    fs.writeFileSync(this.configFile, 'auth: none\ncert: false\n');
    for (const dir of ['xdg-config', 'xdg-data', 'xdg-cache']) fs.mkdirSync(path.join(this.state, dir));

    const install = spawnSync(
      CODE_SERVER,
      [
        '--config',
        this.configFile,
        '--user-data-dir',
        this.userData,
        '--extensions-dir',
        this.extensions,
        '--install-extension',
        vsix.path,
      ],
      { env: this.env, encoding: 'utf8', timeout: 120_000 },
    );
    fs.writeFileSync(path.join(this.state, 'install-extension.log'), `${install.stdout}${install.stderr}`);
    if (install.status !== 0 || !/successfully installed/i.test(install.stdout + install.stderr)) {
      throw new Error(
        `code-server --install-extension failed (${install.status}):\n${install.stdout}${install.stderr}`,
      );
    }
    this.mark('extension installed');

    this.port = await freePort();
    const log = fs.openSync(path.join(this.state, 'code-server.log'), 'w');
    this.server = spawn(
      CODE_SERVER,
      [
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${this.port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--user-data-dir',
        this.userData,
        '--extensions-dir',
        this.extensions,
        '--config',
        this.configFile,
      ],
      { env: this.env, stdio: ['ignore', log, log], detached: true },
    );
    fs.closeSync(log);
    this.serverExit = new Promise((resolve) => {
      this.server.once('exit', () => {
        this.serverExited = true;
        resolve();
      });
      this.server.once('error', () => {
        this.serverExited = true;
        resolve();
      });
    });
    const deadline = Date.now() + UI_TIMEOUT;
    for (;;) {
      if (this.serverExited) throw new Error(`code-server exited at start:\n${this.serverLog()}`);
      const healthy = await fetch(`http://127.0.0.1:${this.port}/healthz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (healthy) break;
      if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz:\n${this.serverLog()}`);
      await sleep(100);
    }
    this.mark('code-server up');

    const profile = path.join(this.state, 'chromium-profile');
    fs.mkdirSync(profile);
    // Playwright refuses a --user-data-dir argument: launchPersistentContext passes the fresh profile.
    this.browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: this.options.viewport ?? { width: 1400, height: 900 },
      env: { ...process.env, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile, HOME: profile },
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    this.page = this.browser.pages()[0] ?? (await this.browser.newPage());
    this.page.on('pageerror', (e) => this.pageErrors.push(e.message));
    const open = this.options.workspaceFile
      ? `workspace=${encodeURIComponent(path.join(this.workspace, this.options.workspaceFile))}`
      : `folder=${encodeURIComponent(this.workspace)}`;
    await this.page.goto(`http://127.0.0.1:${this.port}/?${open}`);
    await this.page.waitForSelector('.monaco-workbench', { timeout: UI_TIMEOUT });
    this.mark('workbench visible');
  }

  serverLog(): string {
    try {
      return fs.readFileSync(path.join(this.state, 'code-server.log'), 'utf8').slice(-4000);
    } catch {
      return '(no log)';
    }
  }

  /** The extension's own output ("PgBouncer Config" channel and the extension host log), for failures. */
  extensionLogs(): string {
    const logs: string[] = [];
    const walk = (dir: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/PgBouncer|exthost\.log|remoteexthost\.log/i.test(entry.name))
          logs.push(`--- ${path.relative(this.state, full)}\n${fs.readFileSync(full, 'utf8').slice(-3000)}`);
      }
    };
    walk(path.join(this.userData, 'logs'));
    return logs.join('\n');
  }

  /** Opens a workspace file through Quick Open and waits for its editor. */
  async openFile(relative: string): Promise<void> {
    const { page } = this;
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: UI_TIMEOUT });
    await input.fill(relative);
    // the row of this very file: its folder shows in the row's description
    const folder = path.dirname(relative);
    const rows = page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(relative) });
    const row = (folder === '.' ? rows : rows.filter({ hasText: folder })).first();
    // (the list re-renders while results arrive: click() waits for a stable, visible row)
    await row.click({ timeout: UI_TIMEOUT });
    await input.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    // the breadcrumbs start with the file's path relative to the workspace folder
    await page
      .locator('.editor-group-container.active .breadcrumbs-control .monaco-breadcrumb-item')
      .first()
      .filter({ hasText: relative.split('/')[0] })
      .waitFor({ timeout: UI_TIMEOUT });
    await this.editor().locator('.view-lines').waitFor({ timeout: UI_TIMEOUT });
  }

  /** The editor of the active editor group. */
  editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** Rendered text of the first view line of the active editor that contains `text`. */
  async lineWith(text: string): Promise<string> {
    const line = this.editor().locator('.view-line', { hasText: text }).first();
    await line.waitFor({ timeout: UI_TIMEOUT });
    return (await line.innerText()).replace(/\u00a0/g, ' ');
  }

  /**
   * Runs a command until what it shows (`shown`) stays: an editor or preview still opening may take
   * the focus and close a view's or question's focus right after the command ran.
   */
  async runCommandUntil(title: string, shown: Locator, what: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.runCommand(title);
      const stays = await shown.waitFor({ timeout: 10_000 }).then(
        () => true,
        () => false,
      );
      if (stays) return;
      if (attempt >= 4) throw new Error(`${what}: not shown after ${attempt} runs of "${title}"`);
      await this.page.keyboard.press('Escape');
    }
  }

  /** Puts the cursor at (line, column), both 1-based, with Go to Line (Ctrl+G). */
  async goTo(line: number, column = 1): Promise<void> {
    const { page } = this;
    await this.editor().locator('.view-lines').click();
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: UI_TIMEOUT });
    // in the browser Ctrl+G opens Quick Open with ':' (go to line) already typed
    await input.fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }

  /** Shows the Problems panel (Ctrl+Shift+M toggles it: pressed only when it is hidden). */
  async showProblems(): Promise<Locator> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.editor().locator('.view-lines').click();
      await this.page.keyboard.press('Control+Shift+M');
      await panel.waitFor({ timeout: UI_TIMEOUT });
    }
    return panel;
  }

  /** Runs a command by its title from the command palette (F1). */
  async runCommand(title: string): Promise<void> {
    const { page } = this;
    const input = page.locator('.quick-input-widget input');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    // The palette lists what is enabled when it opens: a command whose `when` clause the extension
    // makes true while it activates may be missing at first. And an editor or preview still opening
    // may take the focus, which closes the palette under the typing. Reopen it until the command is there.
    const deadline = Date.now() + UI_TIMEOUT;
    for (;;) {
      try {
        await page.keyboard.press('F1');
        await input.waitFor({ timeout: 5000 });
        await input.fill(`>${title}`, { timeout: 5000 });
        await row.waitFor({ timeout: 5000 });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await page.keyboard.press('Escape');
      }
    }
    await page.keyboard.press('Enter');
  }

  /** A view's pane (Explorer's Outline, a tree view), opened if it is collapsed. */
  async expandPane(title: string): Promise<Locator> {
    const header = this.page.locator('.pane-header', { hasText: title }).first();
    await header.waitFor({ timeout: UI_TIMEOUT });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    return this.page.locator(`.pane:has(.pane-header:has-text("${title}"))`).first();
  }

  /** Waits until an element stops moving or resizing (panes animate when another one folds). */
  async settled(locator: Locator): Promise<void> {
    let last = '';
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const box = JSON.stringify(await locator.boundingBox());
      if (box === last) return;
      last = box;
      await sleep(150);
    }
  }

  /** Dismisses notification toasts (they would cover the bottom right of screenshots). */
  async clearNotifications(): Promise<void> {
    const toasts = this.page.locator('.notifications-toasts .notification-toast');
    if ((await toasts.count()) === 0) return;
    await this.runCommand('Notifications: Clear All Notifications');
    await toasts
      .first()
      .waitFor({ state: 'detached', timeout: 5000 })
      .catch(() => undefined);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Call when every test of the session passed: its state folder is then removed at stop(). */
  pass(): void {
    this.passed = true;
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    if (this.server?.pid !== undefined) {
      const group = -this.server.pid;
      try {
        process.kill(group, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([this.serverExit, sleep(5000)]);
      try {
        // what is left of the group (file watchers, the extension host, our language server)
        process.kill(group, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (this.passed && !process.env.E2E_KEEP) fs.rmSync(this.state, { recursive: true, force: true });
    else console.log(`e2e state kept in ${this.state}`);
  }
}
