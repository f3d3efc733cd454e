// The pool view's state while its logic runs (dist/pools.js): the monitor of the configured
// instances, the settings, the tree, the status bar item and the passwords' storage, and what the
// commands share (the instance an item is for, picking one, asking a password, showing an error).
// Each command is a file of commands/ that controller.ts registers here (rust-analyzer's ctx.ts).

import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../../../server/src/api';
import { AdminError } from './admin-client';
import type { InstanceSettings } from './instance';
import { ADD_INSTANCE_COMMAND, POOL_COMMANDS } from './ids';
import type { PoolCommand } from './ids';
import type { ViewItem } from './model/tree-items';
import { PoolMonitor } from './monitor';
import { instancesOfFolders, poolSettings, savePassword, storedPassword } from './settings';
import type { PoolSettings } from './settings';
import { PoolStatusBar } from './status-bar';
import { PoolTreeProvider } from './tree';

/** What a command of the view runs; index.ts passes the tree item it was run on, if any. */
export type CommandHandler = (item?: ViewItem) => unknown;

/** Makes a command's handler; called once, when the view's logic starts. */
export type CommandFactory = (ctx: PoolsContext) => CommandHandler;

/** The context key package.json's menus and welcome view test. */
const HAS_INSTANCES_KEY = 'pgbouncer.pools.hasInstances';

/** The settings whose change applies at once (the instances reconnect instead). */
const LIVE_SETTINGS = ['refreshInterval', 'queryTimeout', 'thresholds'];

function readSettings(): PoolSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return poolSettings((key) => config.get(key));
}

export class PoolsContext implements vscode.Disposable {
  readonly monitor: PoolMonitor;
  readonly tree: PoolTreeProvider;
  private readonly statusBar: PoolStatusBar;
  private current: PoolSettings = readSettings();
  /** Shown above the instances: entries of pgbouncer.instances skipped, or ignored when untrusted. */
  private notes: string[] = [];
  private readonly handlers = new Map<PoolCommand, CommandHandler>();
  private readonly secretsWatch: vscode.Disposable;

  constructor(readonly secrets: vscode.SecretStorage) {
    this.monitor = new PoolMonitor({
      password: (instance) => storedPassword(secrets, instance),
      intervalMs: this.current.refreshIntervalMs,
      client: { timeoutMs: this.current.timeoutMs },
    });
    this.tree = new PoolTreeProvider(
      this.monitor,
      () => this.current,
      () => this.notes,
    );
    this.statusBar = new PoolStatusBar(this.monitor, () => this.current.thresholds);
    // An instance whose password was refused waits for a new one: a password stored by another
    // window (or forgotten) is tried at once; each client compares it with the refused one.
    this.secretsWatch = secrets.onDidChange(() => {
      if (this.monitor.states().some((state) => state.connection.waitsForPassword))
        void this.monitor.refresh();
    });
  }

  /** Interval, timeout and thresholds as the settings are now. */
  get settings(): PoolSettings {
    return this.current;
  }

  registerCommand(id: PoolCommand, factory: CommandFactory): void {
    this.handlers.set(id, factory(this));
  }

  /** The handler of every command of the view, for index.ts to run. */
  commands(): Record<PoolCommand, CommandHandler> {
    const missing = POOL_COMMANDS.filter((id) => !this.handlers.has(id));
    if (missing.length > 0) throw new Error(`no handler registered for ${missing.join(', ')}`);
    return Object.fromEntries(this.handlers) as Record<PoolCommand, CommandHandler>;
  }

  /** Instances from the settings; in an untrusted workspace only the user's own. */
  loadInstances(): void {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    // One folder: its settings are the workspace's. Several: each folder may add instances of its own.
    const folders = vscode.workspace.workspaceFolders ?? [];
    const ofFolders =
      folders.length > 1
        ? folders.map((folder) => ({
            name: folder.name,
            inspected: vscode.workspace.getConfiguration(SETTINGS_SECTION, folder.uri).inspect('instances'),
          }))
        : [];
    const result = instancesOfFolders(config.inspect('instances'), ofFolders, vscode.workspace.isTrusted);
    this.notes = [...result.problems];
    if (result.ignoredUntrusted > 0) {
      this.notes.unshift(
        `${result.ignoredUntrusted} instance(s) from workspace settings ignored: the workspace is not trusted.`,
      );
    }
    this.monitor.setInstances(result.instances);
    void vscode.commands.executeCommand('setContext', HAS_INSTANCES_KEY, result.instances.length > 0);
    this.tree.refresh();
    this.statusBar.update();
  }

  configurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (!event.affectsConfiguration(SETTINGS_SECTION)) return;
    if (LIVE_SETTINGS.some((key) => event.affectsConfiguration(`${SETTINGS_SECTION}.${key}`))) {
      const before = this.current;
      this.current = readSettings();
      this.monitor.setInterval(this.current.refreshIntervalMs);
      if (before.timeoutMs !== this.current.timeoutMs)
        this.monitor.setClientOptions({ timeoutMs: this.current.timeoutMs });
      this.tree.refresh();
      this.statusBar.update();
    }
    if (event.affectsConfiguration(`${SETTINGS_SECTION}.instances`)) this.loadInstances();
  }

  /** The name of the instance a tree item belongs to (none for a command run from the palette). */
  itemInstance(item?: ViewItem): string | undefined {
    return item?.instance || undefined;
  }

  /** The only instance, or the one the user picks; offers to add one when there is none. */
  async pickInstance(placeHolder: string): Promise<InstanceSettings | undefined> {
    const instances = this.monitor.states().map((state) => state.instance);
    if (instances.length === 0) {
      const add = 'Add Instance';
      const answer = await vscode.window.showInformationMessage('PgBouncer: no instance is configured.', add);
      if (answer === add) await vscode.commands.executeCommand(ADD_INSTANCE_COMMAND);
      return undefined;
    }
    if (instances.length === 1) return instances[0];
    const picked = await vscode.window.showQuickPick(
      instances.map((instance) => ({
        label: instance.name,
        description: `${instance.folder ? `${instance.folder} · ` : ''}${instance.host}:${instance.port} as ${instance.user}`,
        instance,
      })),
      { placeHolder },
    );
    return picked?.instance;
  }

  /** Asks for the instance's password and keeps it; false when the user cancels. */
  async askPassword(instance: InstanceSettings): Promise<boolean> {
    const ca = instance.sslrootcert ? `, CA ${instance.sslrootcert}` : '';
    const password = await vscode.window.showInputBox({
      title: `Password of ${instance.user} for ${instance.name} (${instance.host}:${instance.port}, sslmode ${instance.sslmode}${ca})`,
      prompt:
        'Kept in VS Code’s secret storage, never in settings, and given only to this host, port and user with this sslmode and CA file. Leave empty for none.',
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined) return false;
    await savePassword(this.secrets, instance, password);
    return true;
  }

  /** Shows why `what` failed; PgBouncer's own words when it refused. */
  showError(what: string, error: unknown): void {
    const text =
      error instanceof AdminError
        ? error.kind === 'refused' && error.serverMessage
          ? `PgBouncer refused ${what}: ${error.serverMessage}`
          : `${what} failed: ${error.message}`
        : `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
    void vscode.window.showErrorMessage(text);
  }

  dispose(): void {
    this.secretsWatch.dispose();
    this.statusBar.dispose();
    this.tree.dispose();
    void this.monitor.dispose();
  }
}
