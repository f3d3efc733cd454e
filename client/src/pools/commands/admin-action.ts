// The admin-console commands of the view (ids.ts ACTION_COMMANDS: pgbouncer.pools.pause, .resume,
// .reconnect, .reload, .kill, .disable, .enable): one command that differs only in what it sends to
// PgBouncer, so one file. It checks the user's rights, confirms with the command's effect, and sends.

import * as vscode from 'vscode';
import { COMMAND_TARGET } from '../admin-client';
import type { AdminCommand } from '../admin-client';
import type { CommandFactory, PoolsContext } from '../context';
import { actionSentence } from '../model/actions';
import type { ViewItem } from '../model/tree-items';

async function runAction(ctx: PoolsContext, command: AdminCommand, item?: ViewItem): Promise<void> {
  const name = ctx.itemInstance(item) ?? (await ctx.pickInstance(`Instance to ${command}`))?.name;
  if (!name) return;
  const state = ctx.monitor.state(name);
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
    await ctx.monitor.run(name, command, database);
    void vscode.window.showInformationMessage(`PgBouncer ${name}: ${label} done.`);
  } catch (error) {
    ctx.showError(`${label} on ${name}`, error);
  }
}

/** The command that sends `command` to the item's instance (and database, when it takes one). */
export function adminActionCommand(command: AdminCommand): CommandFactory {
  return (ctx) => (item) => runAction(ctx, command, item);
}
