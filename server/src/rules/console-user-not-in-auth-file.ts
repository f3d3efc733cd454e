// admin_users and stats_users log in to the admin console with the password auth_file gives them:
// the same cross-check the userlist.txt view makes (userlist-expected-user-missing), seen from
// pgbouncer.ini, where the names are written.

import { namesInList } from '../model/names-in-list';
import { authFileUsers } from './support/auth-file-users';
import type { Rule, RuleFinding } from './rule';

/** auth_type values that check the console login against the auth_file line of the user. */
const CHECKED_AGAINST_AUTH_FILE = new Set(['md5', 'scram-sha-256', 'plain', 'trust']);

export const consoleUserNotInAuthFile: Rule = {
  id: 'console-user-not-in-auth-file',
  category: 'Authentication',
  severity: { production: 'warning', development: 'information' },
  title: 'A user of admin_users or stats_users has no line in auth_file',
  docs: {
    why: 'With auth_type md5, scram-sha-256, plain or trust, PgBouncer checks a login to the admin console against the line of that user in auth_file (trust only needs the user to be listed). A name in admin_users or stats_users that auth_file does not list can never log in: the operator or the monitoring that counts on it finds out during an incident. The check reads auth_file where the configuration says it is, on this machine; when it cannot be read nothing is reported here.',
    fix: 'Add a line for the user to auth_file ("name" "secret", with the SCRAM secret PostgreSQL keeps for the role), or correct the name in admin_users or stats_users. The userlist.txt view reports the same names from the other side.',
    link: 'https://www.pgbouncer.org/config.html#admin_users',
  },
  check(context) {
    if (!CHECKED_AGAINST_AUTH_FILE.has(context.word('auth_type'))) return [];
    const listed = authFileUsers(context);
    if (!listed) return [];
    const authFile = context.value('auth_file');
    const findings: RuleFinding[] = [];
    for (const role of ['admin_users', 'stats_users'] as const) {
      const at = context.entry(role);
      if (!at) continue;
      const seen = new Set<string>();
      for (const { name, span } of namesInList(at)) {
        // "pgbouncer" logs in over the Unix socket without a password (peer), listed or not.
        if (listed.has(name) || seen.has(name) || name === 'pgbouncer') continue;
        seen.add(name);
        findings.push({
          file: at.file,
          span,
          message: `${role} names ${name}, but ${authFile} has no line for ${name}: with auth_type = ${context.word('auth_type')}, ${name} cannot log in to the admin console. Add "${name}" with its secret to ${authFile}.`,
        });
      }
    }
    return findings;
  },
};
