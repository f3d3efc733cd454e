import { fixes } from './rule';
import type { Rule } from './rule';

export const logPoolerErrorsOff: Rule = {
  id: 'log-pooler-errors-off',
  category: 'Observability',
  severity: { production: 'information', development: 'hint' },
  title: 'Errors PgBouncer sends to clients are not logged',
  docs: {
    why: 'When PgBouncer itself answers a client with an error (query_wait_timeout, a full pool or max_client_conn, a failed login, an unknown database, a protocol problem) it logs a "pooler error" line when log_pooler_errors = 1. With 0 the PgBouncer log no longer says why applications got those errors, and PostgreSQL never saw them. log_disconnections still records the reason when PgBouncer closes the client, but not the errors that leave the connection open; with both off nothing is left.',
    fix: 'Set log_pooler_errors = 1, the default. These lines only appear when something goes wrong, so they cost next to nothing.',
    link: 'https://www.pgbouncer.org/config.html#log_pooler_errors',
  },
  check(context) {
    if (context.int('log_pooler_errors') !== 0) return [];
    const disconnections = context.int('log_disconnections') !== 0;
    return context.finding(
      'log_pooler_errors',
      disconnections
        ? 'log_pooler_errors is 0: errors PgBouncer sends to clients are not logged; only those that end the connection still appear, as disconnection reasons. Set it to 1.'
        : 'log_pooler_errors and log_disconnections are 0: errors PgBouncer sends to clients (wait timeouts, full pools, failed logins) leave no trace in its log. Set log_pooler_errors to 1.',
      fixes(context.setValue('log_pooler_errors', '1', { kind: 'recommended' })),
    );
  },
};
