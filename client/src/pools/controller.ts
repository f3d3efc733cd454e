// The live pool-status view in VS Code: the tree, the status bar item, the commands, the passwords in
// SecretStorage and the [databases] hover. The logic is in plain modules (admin-client.ts, model/,
// monitor.ts, settings.ts); this file wires them to VS Code and asks the user what to do. It is a
// bundle of its own (dist/pools.js): index.ts registers the view and the commands at activation and
// starts this when the view or a command first needs it, or just after activation.

import * as vscode from 'vscode';
import type { ExtensionContext } from 'vscode';
import {
  analyseWithFileSnapshot,
  LANGUAGE_ID,
  POOL_SETTING_DEFAULTS,
  POOL_SSL_MODES,
  resolveRunDirectory,
  SETTINGS_SECTION,
} from '../../../server/src/api';
import { AdminError, COMMAND_TARGET } from './admin-client';
import type { AdminCommand, InstanceSettings } from './admin-client';
import { actionSentence } from './model/actions';
import { databaseEntryAt, databaseHover } from './model/hover';
import { reloadPreview, reloadPreviewMarkdown } from './model/reload-preview';
import { statusSummary } from './model/status-summary';
import type { ViewItem } from './model/tree-items';
import { PoolMonitor, readRunningConfig } from './monitor';
import {
  forgetPassword,
  instancesFromSettings,
  poolSettings,
  resolveCaPath,
  savePassword,
  storedPassword,
} from './settings';
import type { PoolSettings } from './settings';
import { ACTION_COMMANDS, RETRY_COMMAND, SHOW_COMMAND } from './ids';
import type { PoolCommand } from './ids';
import { PoolTreeProvider } from './tree';

/** What index.ts draws the view with and runs the commands with. */
export interface Pools {
  tree: vscode.TreeDataProvider<ViewItem>;
  commands: Record<PoolCommand, (item?: ViewItem) => unknown>;
}

/** Starts watching the configured instances for the view index.ts created. */
export function startPools(context: ExtensionContext, view: vscode.TreeView<ViewItem>): Pools {
  const secrets = context.secrets;
  let settings: PoolSettings = readSettings();
  let notes: string[] = [];

  const monitor = new PoolMonitor({
    password: (instance) => storedPassword(secrets, instance),
    intervalMs: settings.refreshIntervalMs,
    client: { timeoutMs: settings.timeoutMs },
  });
  const tree = new PoolTreeProvider(
    monitor,
    () => settings,
    () => notes,
  );
  const status = vscode.window.createStatusBarItem(
    'pgbouncer.pools.status',
    vscode.StatusBarAlignment.Left,
    50,
  );
  status.name = 'PgBouncer Pool Status';
  status.command = SHOW_COMMAND;

  const updateStatus = (): void => {
    const summary = statusSummary(monitor.states(), settings.thresholds);
    if (!summary) {
      status.hide();
      return;
    }
    status.text = summary.text;
    status.tooltip = `${summary.tooltip}\n\nClick to show the Pool Status view.`;
    status.backgroundColor =
      summary.health === 'critical'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : summary.health === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    status.show();
  };

  function readSettings(): PoolSettings {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    return poolSettings((key) => config.get(key));
  }

  /** Instances from the settings; in an untrusted workspace only the user's own. */
  const loadInstances = (): void => {
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const result = instancesFromSettings(config.inspect('instances'), vscode.workspace.isTrusted);
    notes = [...result.problems];
    if (result.ignoredUntrusted > 0) {
      notes.unshift(
        `${result.ignoredUntrusted} instance(s) from workspace settings ignored: the workspace is not trusted.`,
      );
    }
    monitor.setInstances(result.instances);
    void vscode.commands.executeCommand(
      'setContext',
      'pgbouncer.pools.hasInstances',
      result.instances.length > 0,
    );
    tree.refresh();
    updateStatus();
  };

  const itemInstance = (item?: ViewItem): string | undefined => item?.instance || undefined;

  const pickInstance = async (placeHolder: string): Promise<InstanceSettings | undefined> => {
    const instances = monitor.states().map((state) => state.instance);
    if (instances.length === 0) {
      const add = 'Add Instance';
      const answer = await vscode.window.showInformationMessage('PgBouncer: no instance is configured.', add);
      if (answer === add) await vscode.commands.executeCommand('pgbouncer.pools.addInstance');
      return undefined;
    }
    if (instances.length === 1) return instances[0];
    const picked = await vscode.window.showQuickPick(
      instances.map((instance) => ({
        label: instance.name,
        description: `${instance.host}:${instance.port} as ${instance.user}`,
        instance,
      })),
      { placeHolder },
    );
    return picked?.instance;
  };

  const showError = (what: string, error: unknown): void => {
    const text =
      error instanceof AdminError
        ? error.kind === 'refused' && error.serverMessage
          ? `PgBouncer refused ${what}: ${error.serverMessage}`
          : `${what} failed: ${error.message}`
        : `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
    void vscode.window.showErrorMessage(text);
  };

  const runAction = async (command: AdminCommand, item?: ViewItem): Promise<void> => {
    const name = itemInstance(item) ?? (await pickInstance(`Instance to ${command}`))?.name;
    if (!name) return;
    const state = monitor.state(name);
    if (state?.snapshot && state.snapshot.rights !== 'admin') {
      void vscode.window.showWarningMessage(
        `${name}: user ${state.instance.user} is a stats user; ${command} needs a user in admin_users.`,
      );
      return;
    }
    const database = COMMAND_TARGET[command] === 'none' ? undefined : item?.database;
    if (COMMAND_TARGET[command] === 'database' && !database) return;
    const sentence = actionSentence(command, { instance: name, database });
    const label = database ? `${command} ${database}` : command;
    const answer = await vscode.window.showWarningMessage(sentence, { modal: true }, label);
    if (answer !== label) return;
    try {
      await monitor.run(name, command, database);
      void vscode.window.showInformationMessage(`PgBouncer ${name}: ${label} done.`);
    } catch (error) {
      showError(`${label} on ${name}`, error);
    }
  };

  const askPassword = async (instance: InstanceSettings): Promise<boolean> => {
    const ca = instance.sslrootcert ? `, CA ${instance.sslrootcert}` : '';
    const password = await vscode.window.showInputBox({
      title: `Password of ${instance.user} for ${instance.name} (${instance.host}:${instance.port}, sslmode ${instance.sslmode}${ca})`,
      prompt:
        'Kept in VS Code’s secret storage, never in settings, and given only to this host, port and user with this sslmode and CA file. Leave empty for none.',
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined) return false;
    await savePassword(secrets, instance, password);
    return true;
  };

  const addInstance = async (): Promise<void> => {
    const name = await vscode.window.showInputBox({
      title: 'Add PgBouncer Instance (1/5): name',
      prompt: 'A name for the view, e.g. primary',
      value: monitor.states().length === 0 ? 'pgbouncer' : '',
      validateInput: (value) =>
        value.trim() === ''
          ? 'Give it a name.'
          : monitor.state(value.trim())
            ? 'An instance has this name already.'
            : undefined,
    });
    if (name === undefined) return;
    const host = await vscode.window.showInputBox({
      title: 'Add PgBouncer Instance (2/5): host',
      prompt: 'Host name or address of PgBouncer, or a Unix socket directory',
      value: '127.0.0.1',
      validateInput: (value) => (value.trim() === '' ? 'Give a host.' : undefined),
    });
    if (host === undefined) return;
    const portText = await vscode.window.showInputBox({
      title: 'Add PgBouncer Instance (3/5): port',
      prompt: 'PgBouncer listen_port',
      value: String(POOL_SETTING_DEFAULTS.port),
      validateInput: (value) =>
        /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 65535
          ? undefined
          : 'A port number, 1-65535.',
    });
    if (portText === undefined) return;
    const user = await vscode.window.showInputBox({
      title: 'Add PgBouncer Instance (4/5): user',
      prompt: 'A user in admin_users (admin actions) or stats_users (read only)',
      validateInput: (value) => (value.trim() === '' ? 'Give a user.' : undefined),
    });
    if (user === undefined) return;
    const sslmode = await vscode.window.showQuickPick(
      POOL_SSL_MODES.map((mode) => ({ label: mode, picked: mode === POOL_SETTING_DEFAULTS.sslmode })),
      {
        title: 'Add PgBouncer Instance (5/5): sslmode',
        placeHolder: `TLS to PgBouncer (default ${POOL_SETTING_DEFAULTS.sslmode})`,
      },
    );
    if (!sslmode) return;
    let sslrootcert = '';
    if (sslmode.label === 'verify-ca' || sslmode.label === 'verify-full') {
      const answer = await vscode.window.showInputBox({
        title: 'Add PgBouncer Instance: CA file (sslrootcert)',
        prompt:
          'PEM file of the CA that signed PgBouncer’s certificate (absolute, or relative to your home directory). Leave empty to trust the authorities Node.js trusts.',
        placeHolder: '~/.postgresql/root.crt',
      });
      if (answer === undefined) return;
      sslrootcert = answer.trim();
    }
    const instance: InstanceSettings = {
      name: name.trim(),
      host: host.trim(),
      port: Number(portText),
      user: user.trim(),
      database: POOL_SETTING_DEFAULTS.database,
      sslmode: sslmode.label,
      ...(sslrootcert ? { sslrootcert: resolveCaPath(sslrootcert) } : {}),
    };
    if (!(await askPassword(instance))) return;
    // User settings: an instance added here works in every workspace, trusted or not.
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const existing = config.inspect<unknown[]>('instances')?.globalValue ?? [];
    await config.update(
      'instances',
      [
        ...existing,
        {
          name: instance.name,
          host: instance.host,
          port: instance.port,
          user: instance.user,
          sslmode: instance.sslmode,
          ...(sslrootcert ? { sslrootcert } : {}),
        },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await vscode.commands.executeCommand(SHOW_COMMAND);
  };

  const removeInstance = async (item?: ViewItem): Promise<void> => {
    const name = itemInstance(item) ?? (await pickInstance('Instance to remove'))?.name;
    if (!name) return;
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const existing = config.inspect<unknown[]>('instances')?.globalValue ?? [];
    const kept = existing.filter((entry) => (entry as { name?: unknown })?.name !== name);
    if (kept.length === existing.length) {
      void vscode.window.showInformationMessage(
        `${name} is not in your user settings; remove it from the workspace settings (pgbouncer.instances).`,
      );
      return;
    }
    const instance = monitor.state(name)?.instance;
    await config.update('instances', kept, vscode.ConfigurationTarget.Global);
    if (instance) await forgetPassword(secrets, instance);
  };

  const forgetPasswords = async (): Promise<void> => {
    const instances = monitor.states().map((state) => state.instance);
    if (instances.length === 0) return;
    const all = { label: 'All instances', instances };
    const picked = await vscode.window.showQuickPick(
      [all, ...instances.map((instance) => ({ label: instance.name, instances: [instance] }))],
      { placeHolder: 'Forget the stored password of' },
    );
    if (!picked) return;
    for (const instance of picked.instances) await forgetPassword(secrets, instance);
    void vscode.window.showInformationMessage(
      `PgBouncer: password of ${picked.instances.map((instance) => instance.name).join(', ')} forgotten.`,
    );
  };

  /** The preview of a RELOAD of the active pgbouncer.ini on one instance (null when it cannot be built). */
  const previewFor = async (
    document: vscode.TextDocument,
    instance: InstanceSettings,
  ): Promise<ReturnType<typeof reloadPreview> | null> => {
    const client = monitor.client(instance.name);
    if (!client) return null;
    try {
      const running = await readRunningConfig(client);
      const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
      const runDirectorySetting = vscode.workspace
        .getConfiguration(SETTINGS_SECTION, document.uri)
        .get<string>('runDirectory', '');
      // Included files are read off the extension host's event loop, as in the language server.
      const text = document.getText();
      const runDirectory = resolveRunDirectory(runDirectorySetting, document.uri.fsPath, folders);
      return await analyseWithFileSnapshot((fileSystem) =>
        reloadPreview({
          instance: instance.name,
          text,
          filePath: document.uri.fsPath,
          config: running.config,
          databases: running.databases,
          version: running.version,
          runDirectory,
          fileSystem,
        }),
      );
    } catch (error) {
      showError(`Reading ${instance.name}'s configuration`, error);
      return null;
    }
  };

  const activeConfig = (): vscode.TextDocument | undefined => {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== LANGUAGE_ID) {
      void vscode.window.showErrorMessage(
        'PgBouncer: open a pgbouncer.ini (language "PgBouncer config") first.',
      );
      return undefined;
    }
    return document;
  };

  const showPreview = async (): Promise<void> => {
    const document = activeConfig();
    if (!document) return;
    const instance = await pickInstance('Compare with the running configuration of');
    if (!instance) return;
    const preview = await previewFor(document, instance);
    if (!preview) return;
    const report = await vscode.workspace.openTextDocument({
      language: 'markdown',
      content: reloadPreviewMarkdown(preview),
    });
    await vscode.window.showTextDocument(report, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    if (preview.reloadAllowed && monitor.state(instance.name)?.snapshot?.rights === 'admin') {
      const reload = `RELOAD ${instance.name}`;
      const answer = await vscode.window.showInformationMessage(
        `RELOAD preview for ${instance.name}: ${preview.changes.length} change(s) a RELOAD applies, ${preview.needRestart.length} that need a restart.`,
        reload,
      );
      if (answer === reload) await reloadFromEditor(instance, document);
    } else if (!preview.reloadAllowed) {
      void vscode.window.showWarningMessage(
        `RELOAD preview for ${instance.name}: ${preview.warnings[0] ?? 'the file has errors.'}`,
      );
    }
  };

  /** RELOAD after checking the open file: refused while it has errors or unsaved changes. */
  const reloadFromEditor = async (
    given?: InstanceSettings,
    givenDocument?: vscode.TextDocument,
  ): Promise<void> => {
    const document = givenDocument ?? activeConfig();
    if (!document) return;
    const instance = given ?? (await pickInstance('Instance to RELOAD'));
    if (!instance) return;
    if (document.isDirty) {
      const save = 'Save';
      const answer = await vscode.window.showWarningMessage(
        'PgBouncer reads the file from disk on RELOAD: save it first.',
        { modal: true },
        save,
      );
      if (answer !== save || !(await document.save())) return;
    }
    const preview = await previewFor(document, instance);
    if (!preview) return;
    if (!preview.reloadAllowed) {
      void vscode.window.showErrorMessage(
        `RELOAD not run: ${preview.warnings[0] ?? 'the file has errors.'} Run "PgBouncer: Preview RELOAD" for the details.`,
      );
      return;
    }
    const summary = `${preview.changes.length} setting change(s)${
      preview.needRestart.length ? `, ${preview.needRestart.length} that only a restart applies` : ''
    }${preview.databases.length ? `, ${preview.databases.length} database change(s)` : ''}.`;
    const conffileNote = preview.warnings.find((warning) => warning.startsWith('PgBouncer reads'));
    const label = `RELOAD ${instance.name}`;
    const answer = await vscode.window.showWarningMessage(
      `${actionSentence('RELOAD', { instance: instance.name })} ${summary}${conffileNote ? ` ${conffileNote}` : ''}`,
      { modal: true },
      label,
    );
    if (answer !== label) return;
    try {
      await monitor.run(instance.name, 'RELOAD');
      void vscode.window.showInformationMessage(`PgBouncer ${instance.name}: RELOAD done.`);
    } catch (error) {
      showError(`RELOAD on ${instance.name}`, error);
    }
  };

  const hover: vscode.HoverProvider = {
    async provideHover(document, position) {
      if (monitor.states().length === 0) return undefined;
      const entry = databaseEntryAt(document.getText(), document.offsetAt(position));
      if (!entry) return undefined;
      const stale = monitor
        .states()
        .some(
          (state) => !state.refreshedAt || Date.now() - state.refreshedAt > 2 * settings.refreshIntervalMs,
        );
      if (stale) {
        // The view may be hidden (no refreshing): fetch once, but do not hold the hover up for long.
        await Promise.race([monitor.refresh(), new Promise((resolve) => setTimeout(resolve, 1500))]);
      }
      const markdown = databaseHover(entry.name, monitor.states(), settings.thresholds);
      if (!markdown) return undefined;
      return new vscode.Hover(
        new vscode.MarkdownString(markdown),
        new vscode.Range(document.positionAt(entry.start), document.positionAt(entry.end)),
      );
    },
  };

  context.subscriptions.push(
    status,
    tree,
    { dispose: () => void monitor.dispose() },
    { dispose: monitor.onDidChange(updateStatus) },
    view.onDidChangeVisibility((event) => monitor.setActive(event.visible)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SETTINGS_SECTION)) return;
      if (
        ['refreshInterval', 'queryTimeout', 'thresholds'].some((key) =>
          event.affectsConfiguration(`${SETTINGS_SECTION}.${key}`),
        )
      ) {
        const before = settings;
        settings = readSettings();
        monitor.setInterval(settings.refreshIntervalMs);
        if (before.timeoutMs !== settings.timeoutMs)
          monitor.setClientOptions({ timeoutMs: settings.timeoutMs });
        tree.refresh();
        updateStatus();
      }
      if (event.affectsConfiguration(`${SETTINGS_SECTION}.instances`)) loadInstances();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(loadInstances),
    vscode.languages.registerHoverProvider({ language: LANGUAGE_ID }, hover),
  );
  loadInstances();
  monitor.setActive(view.visible);

  const actions = Object.fromEntries(
    Object.entries(ACTION_COMMANDS).map(([id, command]) => [
      id,
      (item?: ViewItem) => runAction(command, item),
    ]),
  ) as Record<keyof typeof ACTION_COMMANDS, (item?: ViewItem) => Promise<void>>;
  return {
    tree,
    commands: {
      'pgbouncer.pools.refresh': () => monitor.retry(),
      [RETRY_COMMAND]: (item?: ViewItem) => monitor.retry(itemInstance(item)),
      'pgbouncer.pools.addInstance': addInstance,
      'pgbouncer.pools.removeInstance': removeInstance,
      'pgbouncer.pools.enterPassword': async (item?: ViewItem) => {
        const name = itemInstance(item) ?? (await pickInstance('Enter the password of'))?.name;
        const instance = name ? monitor.state(name)?.instance : undefined;
        if (instance && (await askPassword(instance))) await monitor.retry(instance.name);
      },
      'pgbouncer.pools.forgetPasswords': forgetPasswords,
      'pgbouncer.pools.previewReload': showPreview,
      'pgbouncer.pools.reloadFromEditor': () => reloadFromEditor(),
      ...actions,
    },
  };
}
