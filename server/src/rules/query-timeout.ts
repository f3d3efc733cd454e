import { describeSeconds } from '../catalog/values';
import { intParam, paramAnchor } from './support/pool-modes';
import type { Rule, RuleFinding } from './rule';
import { timeIs } from './support/stored-time';

/** Above this a query_timeout hardly protects anything. */
const LONGEST = 3600;

const ADVICE =
  'Limit query time in PostgreSQL with statement_timeout and keep query_timeout as a safety net a little above it.';

export const queryTimeout: Rule = {
  id: 'query-timeout',
  category: 'Timeouts',
  severity: { production: 'information', development: 'hint' },
  title: 'No useful limit on how long a query may hold a server connection',
  docs: {
    why: "query_timeout is PgBouncer's last-resort limit on a running query: when it expires PgBouncer closes the server connection and the client's, rather than cancelling the query. With 0 (the default) or a limit of hours, a query stuck on a dead network path or a runaway report holds its server connection, and a slot of a small pool, indefinitely. PostgreSQL's statement_timeout is the finer tool: it cancels just the statement, keeps the session, and can be set per role, database or transaction.",
    fix: "Set statement_timeout in PostgreSQL (for example ALTER ROLE app SET statement_timeout = '60s') for the limit applications should see, and set query_timeout a little higher, such as 120, so that PgBouncer only steps in when the server cannot. The right values depend on the application, so no automatic fix is offered.",
    correction:
      'The audit rates query_timeout = 120 as protection against runaway queries and suggests lowering it to 60 per service. PgBouncer meant query_timeout for network failures, to be paired with a slightly lower statement_timeout on the server; per-service query limits belong in statement_timeout (per role), which cancels only the statement instead of dropping both connections.',
    link: 'https://www.pgbouncer.org/config.html#query_timeout',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    const seconds = context.seconds('query_timeout');
    if (seconds === 0) {
      findings.push(
        ...context.finding(
          'query_timeout',
          `${timeIs(context, 'query_timeout', 0)}: PgBouncer never gives up on a running query, so one that hangs keeps its server connection indefinitely. ${ADVICE}`,
        ),
      );
    } else if (seconds !== null && seconds > LONGEST) {
      findings.push(
        ...context.finding(
          'query_timeout',
          `${timeIs(context, 'query_timeout', seconds)} (${describeSeconds(seconds)}): a query may hold its server connection that long before PgBouncer steps in, which is hardly a safety net. ${ADVICE}`,
        ),
      );
    }
    for (const entry of context.users) {
      const param = intParam(context, 'users', entry, 'query_timeout');
      if (!param || param.value <= LONGEST) continue;
      findings.push({
        ...paramAnchor(entry, param.param),
        message: `query_timeout=${param.value} (${describeSeconds(param.value)}) for user "${entry.name}": a query may hold its server connection that long before PgBouncer steps in. ${ADVICE}`,
      });
    }
    return findings;
  },
};
