// pgbouncer.pools.removeInstance: removes an instance from the user settings and forgets its password.

import * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../../../../server/src/api';
import type { CommandFactory, PoolsContext } from '../context';
import type { ViewItem } from '../model/tree-items';
import { forgetPassword } from '../settings';

async function removeInstance(ctx: PoolsContext, item?: ViewItem): Promise<void> {
  const name = ctx.itemInstance(item) ?? (await ctx.pickInstance('Instance to remove'))?.name;
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
  const instance = ctx.monitor.state(name)?.instance;
  await config.update('instances', kept, vscode.ConfigurationTarget.Global);
  if (instance) await forgetPassword(ctx.secrets, instance);
}

export const removeInstanceCommand: CommandFactory = (ctx) => (item) => removeInstance(ctx, item);
