// pgbouncer.pools.retry: reconnects the instance of the item now (an error item's click), or all.

import type { CommandFactory } from '../context';

export const retryCommand: CommandFactory = (ctx) => (item) => ctx.monitor.retry(ctx.itemInstance(item));
