// Ids of the Pool Status view and of its commands: what activation registers (index.ts) before the
// logic behind them (commands/, in dist/pools.js) is loaded. No other imports, so that the small
// activation bundle stays small.
import type { AdminCommand } from './admin-client';

export const VIEW_ID = 'pgbouncer.pools';
export const SHOW_COMMAND = 'pgbouncer.pools.show';
export const RETRY_COMMAND = 'pgbouncer.pools.retry';
export const ADD_INSTANCE_COMMAND = 'pgbouncer.pools.addInstance';
export const ENTER_PASSWORD_COMMAND = 'pgbouncer.pools.enterPassword';

/** The commands that send an admin command, and the command each one sends. */
export const ACTION_COMMANDS = {
  'pgbouncer.pools.pause': 'PAUSE',
  'pgbouncer.pools.resume': 'RESUME',
  'pgbouncer.pools.reconnect': 'RECONNECT',
  'pgbouncer.pools.reload': 'RELOAD',
  'pgbouncer.pools.kill': 'KILL',
  'pgbouncer.pools.disable': 'DISABLE',
  'pgbouncer.pools.enable': 'ENABLE',
} as const satisfies Record<string, AdminCommand>;

/** Every command of the view that commands/ runs (pgbouncer.pools.show only focuses the view). */
export const POOL_COMMANDS = [
  'pgbouncer.pools.refresh',
  RETRY_COMMAND,
  ADD_INSTANCE_COMMAND,
  'pgbouncer.pools.removeInstance',
  ENTER_PASSWORD_COMMAND,
  'pgbouncer.pools.forgetPasswords',
  'pgbouncer.pools.previewReload',
  'pgbouncer.pools.reloadFromEditor',
  ...(Object.keys(ACTION_COMMANDS) as (keyof typeof ACTION_COMMANDS)[]),
] as const;

export type PoolCommand = (typeof POOL_COMMANDS)[number];
