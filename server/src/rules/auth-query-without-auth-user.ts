import { WITHOUT_LOOKUP } from './support/auth';
import { availableIn, setting } from '../catalog/catalog';
import type { Rule, RuleFinding } from './rule';

export const authQueryWithoutAuthUser: Rule = {
  id: 'auth-query-without-auth-user',
  category: 'Authentication',
  severity: { production: 'warning', development: 'warning' },
  title: 'auth_query is set but there is no auth_user to run it',
  docs: {
    why: 'PgBouncer runs auth_query only for users it does not find in auth_file, and only by logging in to PostgreSQL as auth_user: the one in [pgbouncer], or auth_user= in the database entry the client asks for. With neither, the query is never run and every user missing from auth_file is refused as "no such user", although the configuration looks as if passwords were looked up in PostgreSQL.',
    fix: "Set auth_user (in [pgbouncer], or auth_user= per database) to a role that may run the query, ideally one that may only call a SECURITY DEFINER lookup function, and put that role's own password in auth_file. There is no automatic fix: the role name depends on your database.",
    link: 'https://www.pgbouncer.org/config.html#auth_user',
  },
  check(context) {
    if (WITHOUT_LOOKUP.has(context.word('auth_type'))) return [];
    if (context.value('auth_user') !== '') return [];
    const findings: RuleFinding[] = [];
    const anyDatabaseUser = context
      .databasesWith('auth_user')
      .some((entry) => (entry.params.get('auth_user')?.value ?? '') !== '');
    if (context.isSet('auth_query') && !anyDatabaseUser) {
      findings.push(
        ...context.finding(
          'auth_query',
          'auth_query is set, but auth_user is not (neither in [pgbouncer] nor in any database entry), so PgBouncer never runs the query and refuses every user missing from auth_file. Set auth_user to the role that runs this query.',
        ),
      );
    }
    const perDatabase = setting('databases', 'auth_query');
    if (perDatabase && availableIn(perDatabase.addedIn, context.target)) {
      for (const entry of context.databasesWith('auth_query')) {
        const query = entry.params.get('auth_query');
        if (!query || (entry.params.get('auth_user')?.value ?? '') !== '') continue;
        findings.push({
          file: entry.at.file,
          span: query.keySpan,
          message: `Database ${entry.name} sets auth_query but has no auth_user=, and none is set in [pgbouncer], so the query is never run. Add auth_user= to this entry or set auth_user.`,
        });
      }
    }
    return findings;
  },
};
