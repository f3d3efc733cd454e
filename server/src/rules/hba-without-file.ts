import type { Rule } from './rule';

export const hbaWithoutFile: Rule = {
  id: 'hba-without-file',
  category: 'Authentication',
  severity: { production: 'warning', development: 'warning' },
  title: 'auth_type = hba without auth_hba_file rejects every login',
  docs: {
    why: 'auth_type = hba takes the authentication method for each connection from the file named by auth_hba_file. When that setting is empty PgBouncer still starts, logs an error that it cannot open the HBA file, and then has no rule to match: every client login, the admin console included, is rejected.',
    fix: 'Set auth_hba_file to an HBA file in PostgreSQL pg_hba.conf format (for example with hostssl lines using scram-sha-256), or choose a single method with auth_type = scram-sha-256. There is no automatic fix: the rules depend on your network.',
    link: 'https://www.pgbouncer.org/config.html#auth_hba_file',
  },
  check(context) {
    if (context.word('auth_type') !== 'hba' || context.value('auth_hba_file') !== '') return [];
    return context.finding(
      'auth_type',
      'auth_type = hba but auth_hba_file is not set: PgBouncer starts, fails to open an HBA file, and rejects every login. Set auth_hba_file to an HBA file.',
    );
  },
};
