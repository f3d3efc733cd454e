import { availableIn, setting } from '../catalog/catalog';
import { fixes } from './rule';
import type { Rule } from './rule';
import { timeIs } from './support/stored-time';

export const queryWaitTimeoutDisabled: Rule = {
  id: 'query-wait-timeout-disabled',
  category: 'Timeouts',
  severity: { production: 'warning', development: 'information' },
  title: 'Clients may wait forever for a server connection',
  docs: {
    why: 'query_wait_timeout limits how long a client request may sit in the queue waiting for a server connection. With 0 there is no limit: when PostgreSQL is down, refuses logins or every pool is busy, clients hang instead of getting an error, their own timeouts and retries pile up more connections, and the outage is hard to see from the application side.',
    fix: 'Set query_wait_timeout to a finite value, such as 120 (the default since PgBouncer 1.7), or lower when clients should fail fast and retry elsewhere. Keep it above the time a healthy pool needs to free a connection at peak load.',
    link: 'https://www.pgbouncer.org/config.html#query_wait_timeout',
  },
  check(context) {
    const known = setting('pgbouncer', 'query_wait_timeout');
    if (!known || !availableIn(known.addedIn, context.target)) return [];
    if (context.seconds('query_wait_timeout') !== 0) return [];
    const value = known.recommended ?? '120';
    return context.finding(
      'query_wait_timeout',
      `${timeIs(context, 'query_wait_timeout', 0)}: clients wait without limit for a server connection, so when PostgreSQL is unreachable or the pools are full they hang instead of failing. Set it, for example to ${value} seconds.`,
      fixes(
        context.setValue('query_wait_timeout', value, {
          kind: 'recommended',
          title: `Set query_wait_timeout = ${value}`,
        }),
      ),
    );
  },
};
