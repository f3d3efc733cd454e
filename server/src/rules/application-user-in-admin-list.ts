import type { LoadedFile } from '../model/config';
import { namesInList } from '../model/names-in-list';
import type { Span } from '../syntax/syntax';
import type { RelatedInfo } from '../findings/finding';
import type { Rule, RuleContext, RuleFinding } from './rule';

interface Use {
  what: string;
  file: LoadedFile;
  span: Span;
}

/** Every name applications log in with, or PgBouncer logs in with on their behalf, and where. */
function applicationUsers(context: RuleContext): Map<string, Use[]> {
  const uses = new Map<string, Use[]>();
  const add = (name: string, use: Use): void => {
    if (name === '') return;
    const list = uses.get(name) ?? [];
    list.push(use);
    uses.set(name, list);
  };
  const authUser = context.entry('auth_user');
  if (authUser) {
    add(authUser.entry.value.text, {
      what: 'auth_user, the role that looks up passwords',
      file: authUser.file,
      span: authUser.entry.value.span,
    });
  }
  const withUsers = context.databasesWhere(
    'user or auth_user',
    (entry) => entry.params.has('user') || entry.params.has('auth_user'),
  );
  for (const entry of withUsers) {
    const user = entry.params.get('user');
    if (user) {
      add(user.value, {
        what: `the user database ${entry.name} logs in to PostgreSQL with`,
        file: entry.at.file,
        span: user.valueSpan,
      });
    }
    const lookup = entry.params.get('auth_user');
    if (lookup) {
      add(lookup.value, {
        what: `the auth_user of database ${entry.name}`,
        file: entry.at.file,
        span: lookup.valueSpan,
      });
    }
  }
  for (const entry of context.users) {
    add(entry.name, {
      what: 'an application user with settings in [users]',
      file: entry.at.file,
      span: entry.at.entry.key.span,
    });
  }
  return uses;
}

/** Names of a user list with their spans; PgBouncer separates them with commas or blanks. */
function namesIn(context: RuleContext, setting: string): { name: string; file: LoadedFile; span: Span }[] {
  const at = context.entry(setting);
  if (!at) return [];
  return namesInList(at).map(({ name, span }) => ({ name, file: at.file, span }));
}

const CONSEQUENCE: Record<string, string> = {
  admin_users:
    'the credentials used for that can also pause, reload, reconfigure or shut down PgBouncer. Give the admin console its own role.',
  stats_users:
    'the credentials used for that can also list every client, server connection and address on the admin console. Give monitoring its own role.',
};

export const applicationUserInAdminList: Rule = {
  id: 'application-user-in-admin-list',
  category: 'Authentication',
  severity: { production: 'warning', development: 'information' },
  title: 'An application user is also a console administrator or stats user',
  docs: {
    why: 'admin_users may run every console command, including PAUSE, KILL, SET, RELOAD and SHUTDOWN; stats_users may read every SHOW view, with client addresses, user names and application names. When the same name is an application user (user= or auth_user= of a [databases] entry, a [users] entry, or auth_user), the password that dozens of services keep in their environment also controls or observes the pooler, and a leak from any of them is enough to take PgBouncer down.',
    fix: 'Create separate roles for the console (for example pgbouncer_admin and pgbouncer_stats), give them their own passwords in auth_file, and list only those in admin_users and stats_users. There is no automatic fix: removing the name could lock out whoever uses the console now.',
    link: 'https://www.pgbouncer.org/config.html#admin_users',
  },
  check(context) {
    const uses = applicationUsers(context);
    if (uses.size === 0) return [];
    const findings: RuleFinding[] = [];
    for (const setting of ['admin_users', 'stats_users']) {
      for (const { name, file, span } of namesIn(context, setting)) {
        const found = uses.get(name);
        if (!found) continue;
        const related: RelatedInfo[] = found.slice(0, 5).map((use) => ({
          file: use.file.path,
          span: use.span,
          message: `${name} is ${use.what}.`,
        }));
        findings.push({
          file,
          span,
          message: `${name} is in ${setting} and is also ${found[0].what}: ${CONSEQUENCE[setting]}`,
          related,
        });
      }
    }
    return findings;
  },
};
