import { fixes } from './rule';
import type { Rule } from './rule';

export const authTypeMd5: Rule = {
  id: 'auth-type-md5',
  category: 'Authentication',
  severity: { production: 'information', development: 'hint' },
  title: 'MD5 password authentication is allowed',
  docs: {
    why: 'auth_type = md5 (the default) authenticates each user with whatever secret PgBouncer has for it: users whose secret (in auth_file or from auth_query) is a SCRAM secret already get SCRAM-SHA-256, but users with an MD5 hash or a plain-text password get MD5 challenge-response. A stolen MD5 hash is as good as the password, MD5 challenge-response never proves that the other side knows the password (SCRAM does, in both directions), and PostgreSQL has deprecated MD5 passwords. scram-sha-256 makes SCRAM the only way in.',
    fix: 'Make sure every user has a SCRAM secret (PostgreSQL stores new passwords as SCRAM by default since version 14; a password set while password_encryption was md5 has to be set again) or a plain-text password in auth_file, then set auth_type = scram-sha-256. Users left with MD5 hashes can no longer log in afterwards, so the quick fix is never applied automatically.',
    correction:
      'The audit says md5 is "required for the auth_query approach with this Docker image". PgBouncer does not tie auth_query to md5: since 1.14.0 it can log in to PostgreSQL with a SCRAM secret fetched by auth_query (SCRAM pass-through), so auth_type = scram-sha-256 with auth_query works on the audited 1.21. Even with auth_type = md5, a user whose auth_query result is a SCRAM secret (the PostgreSQL default since version 14) already logs in with SCRAM; md5 only matters for users still stored as MD5.',
    link: 'https://www.pgbouncer.org/config.html#auth_type',
  },
  check(context) {
    if (context.word('auth_type') !== 'md5') return [];
    const how = context.isSet('auth_type')
      ? 'auth_type = md5'
      : 'auth_type is not set, so the default md5 applies';
    return context.finding(
      'auth_type',
      `${how}: users whose stored secret is an MD5 hash or a plain-text password log in with MD5, which is weaker than SCRAM. Once every user has a SCRAM secret, set auth_type = scram-sha-256.`,
      fixes(
        context.setValue('auth_type', 'scram-sha-256', {
          // Users whose secret is an MD5 hash are locked out: only the user knows whether there are any.
          kind: 'suggestion',
          title: 'Set auth_type = scram-sha-256 (users with MD5 secrets can no longer log in)',
        }),
      ),
    );
  },
};
