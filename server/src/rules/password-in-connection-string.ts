import type { Rule, RuleFinding } from './rule';

export const passwordInConnectionString: Rule = {
  id: 'password-in-connection-string',
  category: 'Security',
  severity: { production: 'warning', development: 'information' },
  title: 'A database password is written in the configuration file',
  docs: {
    why: 'password= in a [databases] connection string keeps a PostgreSQL password in clear text in pgbouncer.ini. The file is usually readable more widely than a secrets file (deployment repositories, configuration management, container images, backups, support bundles), so the password travels wherever the configuration goes.',
    fix: "Remove password= and let PgBouncer take the password from auth_file (a file readable only by PgBouncer, which may hold a SCRAM secret instead of the password) or from auth_query. Without user= in the entry, PgBouncer logs in with the client's own name and password and needs no password here at all. There is no automatic fix: the password has to be moved somewhere first.",
    link: 'https://www.pgbouncer.org/config.html#password',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const entry of context.databasesWith('password')) {
      const password = entry.params.get('password');
      if (!password || password.value === '') continue;
      const user = entry.params.get('user')?.value;
      findings.push({
        file: entry.at.file,
        span: { start: password.keySpan.start, end: password.valueSpan.end },
        message: `Database ${entry.name} has ${user ? `the password of ${user}` : 'a password'} in its connection string, in clear text for anyone who can read this file. Move it to auth_file or use auth_query.`,
      });
    }
    return findings;
  },
};
