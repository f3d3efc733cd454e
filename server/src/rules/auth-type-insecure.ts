import { fixes } from './rule';
import type { Rule } from './rule';

const PROBLEMS: Record<string, string> = {
  trust:
    'auth_type = trust: PgBouncer asks for no password, so anyone who can reach it logs in as any user it knows of (from auth_file or auth_query).',
  plain:
    'auth_type = plain: clients send their passwords in clear text, readable by anyone on the path without TLS, and the method is deprecated.',
};

export const authTypeInsecure: Rule = {
  id: 'auth-type-insecure',
  category: 'Authentication',
  severity: { production: 'warning', development: 'information' },
  title: 'Clients log in without a password, or send it in clear text',
  docs: {
    why: 'With auth_type = trust PgBouncer checks no password: a client only has to name a user PgBouncer knows, from auth_file or through auth_query. auth_type = any goes further: the user name is ignored, every database must log in to PostgreSQL with a fixed user= of its own, and the admin console lets anyone in (read-only), and with full admin rights as soon as the client claims a name listed in admin_users, which is not a secret. auth_type = plain asks clients for the password itself, in clear text, which anyone on an unencrypted path can read; PgBouncer has deprecated it.',
    fix: 'Use auth_type = scram-sha-256 (or hba, to choose the method per network and user, or cert for TLS client certificates). SCRAM needs SCRAM secrets or plain-text passwords in auth_file, or SCRAM secrets returned by auth_query. The quick fix sets scram-sha-256 but is never applied automatically, because clients can only log in once those secrets are in place.',
    link: 'https://www.pgbouncer.org/config.html#auth_type',
  },
  check(context) {
    const type = context.word('auth_type');
    let problem = PROBLEMS[type];
    if (type === 'any') {
      problem =
        context.list('admin_users').length > 0
          ? 'auth_type = any: PgBouncer asks for no password and ignores the user name, and anyone who gives a name listed in admin_users gets full control of the admin console.'
          : 'auth_type = any: PgBouncer asks for no password and ignores the user name, and anyone can open the admin console and read its SHOW views.';
    }
    if (!problem) return [];
    return context.finding(
      'auth_type',
      `${problem} Use scram-sha-256.`,
      fixes(
        context.setValue('auth_type', 'scram-sha-256', {
          // Clients without SCRAM secrets are locked out: only the user knows whether they have them.
          kind: 'suggestion',
          title: 'Set auth_type = scram-sha-256 (clients then need SCRAM secrets or passwords)',
        }),
      ),
    );
  },
};
