// The live pool-status view in VS Code: the tree, the status bar item, the commands, the passwords in
// SecretStorage and the [databases] hover. The logic is in plain modules (admin-client.ts, model/,
// monitor.ts, settings.ts); context.ts holds the view's state, commands/ has one file per command,
// and this file starts them and wires them to VS Code's events. It is a bundle of its own
// (dist/pools.js): index.ts registers the view and the commands at activation and starts this when
// the view or a command first needs it, or just after activation.

import * as vscode from 'vscode';
import type { ExtensionContext } from 'vscode';
import { LANGUAGE_ID } from '../../../server/src/api';
import { addInstanceCommand } from './commands/add-instance';
import { adminActionCommand } from './commands/admin-action';
import { enterPasswordCommand } from './commands/enter-password';
import { forgetPasswordsCommand } from './commands/forget-passwords';
import { previewReloadCommand } from './commands/preview-reload';
import { refreshCommand } from './commands/refresh';
import { reloadFromEditorCommand } from './commands/reload-from-editor';
import { removeInstanceCommand } from './commands/remove-instance';
import { retryCommand } from './commands/retry';
import { PoolsContext } from './context';
import type { CommandFactory, CommandHandler } from './context';
import { databaseHoverProvider } from './hover-provider';
import {
  ACTION_COMMANDS,
  ADD_INSTANCE_COMMAND,
  ENTER_PASSWORD_COMMAND,
  POOL_COMMANDS,
  RETRY_COMMAND,
} from './ids';
import type { PoolCommand } from './ids';
import type { ViewItem } from './model/tree-items';

/** What index.ts draws the view with and runs the commands with. */
export interface Pools {
  tree: vscode.TreeDataProvider<ViewItem>;
  commands: Record<PoolCommand, CommandHandler>;
}

const adminActions = Object.fromEntries(
  Object.entries(ACTION_COMMANDS).map(([id, command]) => [id, adminActionCommand(command)]),
) as Record<keyof typeof ACTION_COMMANDS, CommandFactory>;

/** The command behind each id of the view; a Record, so that no id of POOL_COMMANDS is left out. */
const COMMANDS: Record<PoolCommand, CommandFactory> = {
  'pgbouncer.pools.refresh': refreshCommand,
  [RETRY_COMMAND]: retryCommand,
  [ADD_INSTANCE_COMMAND]: addInstanceCommand,
  'pgbouncer.pools.removeInstance': removeInstanceCommand,
  [ENTER_PASSWORD_COMMAND]: enterPasswordCommand,
  'pgbouncer.pools.forgetPasswords': forgetPasswordsCommand,
  'pgbouncer.pools.previewReload': previewReloadCommand,
  'pgbouncer.pools.reloadFromEditor': reloadFromEditorCommand,
  ...adminActions,
};

/** Starts watching the configured instances for the view index.ts created. */
export function startPools(context: ExtensionContext, view: vscode.TreeView<ViewItem>): Pools {
  const ctx = new PoolsContext(context.secrets);
  for (const id of POOL_COMMANDS) ctx.registerCommand(id, COMMANDS[id]);
  context.subscriptions.push(
    ctx,
    view.onDidChangeVisibility((event) => ctx.monitor.setActive(event.visible)),
    vscode.workspace.onDidChangeConfiguration((event) => ctx.configurationChanged(event)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => ctx.loadInstances()),
    // A folder added or removed brings or takes its own instances.
    vscode.workspace.onDidChangeWorkspaceFolders(() => ctx.loadInstances()),
    vscode.languages.registerHoverProvider({ language: LANGUAGE_ID }, databaseHoverProvider(ctx)),
  );
  ctx.loadInstances();
  ctx.monitor.setActive(view.visible);
  return { tree: ctx.tree, commands: ctx.commands() };
}
