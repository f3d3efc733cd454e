// auth_user logs in to PostgreSQL to run auth_query with the password auth_file gives it: the
// userlist.txt view's cross-check (userlist-expected-user-missing) for auth_user, seen from
// pgbouncer.ini, with the same severity (information: it works where PostgreSQL trusts the role).

import { WITHOUT_LOOKUP } from './support/auth';
import { authFileUsers } from './support/auth-file-users';
import type { Rule, RuleFinding } from './rule';

export const authUserNotInAuthFile: Rule = {
  id: 'auth-user-not-in-auth-file',
  category: 'Authentication',
  severity: { production: 'information', development: 'information' },
  title: 'auth_user has no line in auth_file',
  docs: {
    why: "To run auth_query PgBouncer logs in to PostgreSQL as auth_user, with the password it finds for that user in auth_file. When auth_file has no line for auth_user, PgBouncer logs in without a password: that works only if PostgreSQL trusts the role from PgBouncer's host, and otherwise every login that needs auth_query fails. The check reads auth_file where the configuration says it is, on this machine; when it cannot be read nothing is reported here.",
    fix: 'Add a line for auth_user to auth_file ("name" "secret", with the SCRAM secret PostgreSQL keeps for the role), or keep it out on purpose if PostgreSQL trusts that role (a trust or peer line in pg_hba.conf).',
    link: 'https://www.pgbouncer.org/config.html#auth_user',
  },
  check(context) {
    const authType = context.word('auth_type');
    if (WITHOUT_LOOKUP.has(authType)) return [];
    const listed = authFileUsers(context);
    if (!listed) return [];
    const authFile = context.value('auth_file');
    const findings: RuleFinding[] = [];
    const reported = new Set<string>();
    const report = (name: string, finding: Omit<RuleFinding, 'message'>, where: string): void => {
      if (name === '' || listed.has(name) || reported.has(`${where}\0${name}`)) return;
      reported.add(`${where}\0${name}`);
      findings.push({
        ...finding,
        message: `${where} is ${name}, but ${authFile} has no line for ${name}: PgBouncer then logs in to PostgreSQL as ${name} without a password to run auth_query, which works only if PostgreSQL lets ${name} in without one.`,
      });
    };
    const global = context.entry('auth_user');
    if (global)
      report(global.entry.value.text, { file: global.file, span: global.entry.value.span }, 'auth_user');
    for (const database of context.databasesWith('auth_user')) {
      const param = database.params.get('auth_user');
      if (!param) continue;
      report(
        param.value,
        { file: database.at.file, span: param.valueSpan },
        `auth_user of database ${database.name}`,
      );
    }
    return findings;
  },
};
