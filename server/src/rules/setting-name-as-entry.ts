import { setting } from '../catalog/catalog';
import type { ConnectionEntry } from '../model/effective';
import type { RuleFinding } from './rule';
import type { Rule } from './rule';

function isSettingName(entry: ConnectionEntry): boolean {
  return entry.name !== '*' && setting('pgbouncer', entry.name) !== undefined;
}

export const settingNameAsEntry: Rule = {
  id: 'setting-name-as-entry',
  category: 'Configuration quality',
  severity: { production: 'warning', development: 'warning' },
  title: 'A [databases] or [users] key is the name of a [pgbouncer] setting',
  docs: {
    why: 'Every key in [databases] names a database and every key in [users] a user. A [pgbouncer] setting written there, such as logfile = with an empty value or user = pool_mode=session, is not a setting at all: when its value reads as a connection string (an empty one does), PgBouncer starts and quietly defines a database or user of that name, and the setting keeps its default. When the value is not a valid connection string PgBouncer refuses the file, which is reported as misplaced-setting instead.',
    fix: 'Move the line to [pgbouncer] if it is a setting, or rename the database or user if the name is meant. There is no quick fix: only you know which.',
    link: 'https://www.pgbouncer.org/config.html#section-databases',
  },
  check(context) {
    const found: RuleFinding[] = [];
    const check = (entry: ConnectionEntry, section: 'databases' | 'users'): void => {
      if (!isSettingName(entry)) return;
      const { name } = entry;
      const { connString } = entry;
      // Not a connection string, or a parameter [databases] does not have: PgBouncer refuses the
      // entry, and validation reports it (misplaced-setting or connection-string-syntax).
      if (connString.error !== null || connString.params.some((p) => !setting(section, p.key))) return;
      const what = section === 'databases' ? 'a database' : 'a user';
      found.push({
        ...context.databaseAnchor(entry),
        message: `'${name}' is a [pgbouncer] setting, but in [${section}] it is ${what} named '${name}': PgBouncer accepts it as such, and ${name} keeps its default. Move it to [pgbouncer] if it is the setting.`,
      });
    };
    for (const entry of context.databasesWhere('named as a [pgbouncer] setting', isSettingName))
      check(entry, 'databases');
    for (const entry of context.users) check(entry, 'users');
    return found;
  },
};
