// pgbouncer.pools.refresh: refreshes every instance now, reconnecting those that failed.

import type { CommandFactory } from '../context';

export const refreshCommand: CommandFactory = (ctx) => () => ctx.monitor.retry();
