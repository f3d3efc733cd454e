// Admin actions: which ones an item offers, and the confirmation sentence that names each one's effect.

import type { AdminCommand } from '../admin-client';
import type { ViewItem } from './tree-items';

export interface ActionTarget {
  instance: string;
  /** Absent: the whole PgBouncer. */
  database?: string;
}

/** Which admin actions an item offers (none for stats-only users). */
export function actionsFor(item: ViewItem): AdminCommand[] {
  const flags = new Set(item.contextValue.split(' ').slice(1));
  if (!flags.has('admin')) return [];
  if (item.kind === 'instance') return ['PAUSE', 'RESUME', 'RECONNECT', 'RELOAD'];
  if (item.kind !== 'pool' && item.kind !== 'database') return [];
  const actions: AdminCommand[] = [];
  actions.push(flags.has('paused') ? 'RESUME' : 'PAUSE');
  actions.push('RECONNECT', 'KILL');
  actions.push(flags.has('disabled') ? 'ENABLE' : 'DISABLE');
  return actions;
}

/** The confirmation sentence naming the command's effect. */
export function actionSentence(command: AdminCommand, target: ActionTarget): string {
  const on = `on ${target.instance}`;
  const db = target.database;
  switch (command) {
    case 'PAUSE':
      return db
        ? `PAUSE ${db} ${on}: PgBouncer waits until every transaction of ${db} has finished, then closes its server connections; new queries of its clients wait until RESUME.`
        : `PAUSE every database ${on}: PgBouncer waits until every transaction has finished, then closes all server connections; new queries wait until RESUME.`;
    case 'RESUME':
      return db
        ? `RESUME ${db} ${on}: its clients' waiting queries run again.`
        : `RESUME ${on}: every paused or suspended database takes queries again.`;
    case 'RECONNECT':
      return db
        ? `RECONNECT ${db} ${on}: each server connection of ${db} is closed as soon as it is released and replaced by a new one; clients stay connected.`
        : `RECONNECT ${on}: every server connection is closed as soon as it is released and replaced by a new one; clients stay connected.`;
    case 'RELOAD':
      return `RELOAD ${on}: PgBouncer reads its configuration file again and applies every changed setting that can change without a restart. A file with an error is applied only partly.`;
    case 'KILL':
      return `KILL ${db} ${on}: all client and server connections of ${db} are dropped at once (running queries fail), and ${db} stays paused until RESUME.`;
    case 'DISABLE':
      return `DISABLE ${db} ${on}: new client connections to ${db} are refused; connected clients keep working.`;
    case 'ENABLE':
      return `ENABLE ${db} ${on}: new client connections to ${db} are accepted again.`;
  }
}
