// pgbouncer.pools.forgetPasswords: removes the stored password of one instance or of all.

import * as vscode from 'vscode';
import type { CommandFactory, PoolsContext } from '../context';
import { forgetPassword } from '../settings';

async function forgetPasswords(ctx: PoolsContext): Promise<void> {
  const instances = ctx.monitor.states().map((state) => state.instance);
  if (instances.length === 0) return;
  const all = { label: 'All instances', instances };
  const picked = await vscode.window.showQuickPick(
    [all, ...instances.map((instance) => ({ label: instance.name, instances: [instance] }))],
    { placeHolder: 'Forget the stored password of' },
  );
  if (!picked) return;
  for (const instance of picked.instances) await forgetPassword(ctx.secrets, instance);
  void vscode.window.showInformationMessage(
    `PgBouncer: password of ${picked.instances.map((instance) => instance.name).join(', ')} forgotten.`,
  );
}

export const forgetPasswordsCommand: CommandFactory = (ctx) => () => forgetPasswords(ctx);
