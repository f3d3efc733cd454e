import { fixes } from './rule';
import type { Rule } from './rule';
import { timeIs } from './support/stored-time';

export const clientIdleTimeoutDisabled: Rule = {
  id: 'client-idle-timeout-disabled',
  category: 'Timeouts',
  severity: { production: 'warning', development: 'information' },
  title: 'Idle clients are never disconnected',
  docs: {
    why: 'With client_idle_timeout = 0 a client that connects and then goes quiet keeps its client slot forever. Leaked connections from crashed or misconfigured application pools pile up until max_client_conn is reached and new clients are refused.',
    fix: 'Set client_idle_timeout to a value longer than the longest idle period of healthy clients, such as 900 (15 minutes). Make sure application connection pools recycle connections sooner than that, or they will see unexpected disconnects.',
    link: 'https://www.pgbouncer.org/config.html#client_idle_timeout',
  },
  check(context) {
    if (context.seconds('client_idle_timeout') !== 0) return [];
    return context.finding(
      'client_idle_timeout',
      `${timeIs(context, 'client_idle_timeout', 0)}: idle clients are never disconnected and can hold client slots forever. Set it, for example to 900 (15 minutes).`,
      fixes(
        context.setValue('client_idle_timeout', '900', {
          kind: 'recommended',
          title: 'Set client_idle_timeout = 900 (15 minutes)',
        }),
      ),
    );
  },
};
