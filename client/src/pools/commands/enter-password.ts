// pgbouncer.pools.enterPassword: asks for an instance's password, keeps it and reconnects.

import type { CommandFactory, PoolsContext } from '../context';
import type { ViewItem } from '../model/tree-items';

async function enterPassword(ctx: PoolsContext, item?: ViewItem): Promise<void> {
  const name = ctx.itemInstance(item) ?? (await ctx.pickInstance('Enter the password of'))?.name;
  const instance = name ? ctx.monitor.state(name)?.instance : undefined;
  if (instance && (await ctx.askPassword(instance))) await ctx.monitor.retry(instance.name);
}

export const enterPasswordCommand: CommandFactory = (ctx) => (item) => enterPassword(ctx, item);
