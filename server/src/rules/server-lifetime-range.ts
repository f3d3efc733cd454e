import { defaultFor, setting } from '../catalog/catalog';
import { describeSeconds } from '../catalog/values';
import { intParam, paramAnchor, replaceParam } from './support/pool-modes';
import { fixes } from './rule';
import type { Rule, RuleContext, RuleFinding } from './rule';
import { timeIs } from './support/stored-time';

/** Recycling more often than this mostly costs new PostgreSQL connections. */
const SHORTEST = 60;
/** Connections older than this keep stale DNS, settings and backend memory for days. */
const LONGEST = 86400;

function problem(seconds: number, what: string): string | null {
  // `what` names the value ("server_lifetime is 30"); the explanation follows it.
  if (seconds === 0) return null;
  if (seconds < SHORTEST)
    return `${what} (${describeSeconds(seconds)}): server connections are closed and reopened that often, so PostgreSQL keeps starting backends and repeating logins (and TLS handshakes).`;
  if (seconds > LONGEST)
    return `${what} (${describeSeconds(seconds)}): server connections live for more than a day, so backend memory growth, changed DNS and changed role or database settings are only picked up that rarely.`;
  return null;
}

function defaultLifetime(context: RuleContext): string {
  const known = setting('pgbouncer', 'server_lifetime');
  return (known && defaultFor(known, context.target)) ?? '3600';
}

export const serverLifetimeRange: Rule = {
  id: 'server-lifetime-range',
  category: 'Timeouts',
  severity: { production: 'warning', development: 'information' },
  title: 'Server connections are recycled far too often or too rarely',
  docs: {
    why: 'server_lifetime is the age after which PgBouncer closes a server connection once it is released, staggering the closes across the pool. 0 does not mean "never": it means every server connection is used once and closed, so with transaction pooling PostgreSQL starts a new backend for nearly every transaction. Values under a minute cause the same churn more slowly. Lifetimes of more than a day keep backends whose memory has grown, and connections that still point at an old address after a DNS change or miss settings changed with ALTER ROLE/DATABASE ... SET.',
    fix: 'Keep server_lifetime between a minute and a day; the default 3600 (1 hour) suits most setups. The per-database server_lifetime (PgBouncer 1.23 and later) is checked the same way; there 0 means "use the global value".',
    correction:
      "The audit lists server_lifetime = 3600 as an issue and suggests 7200. 3600 is PgBouncer's default and a sound value; doubling it saves a reconnect per connection every two hours at most, so that suggestion is a matter of taste and this rule accepts both.",
    link: 'https://www.pgbouncer.org/config.html#server_lifetime',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    const fallback = defaultLifetime(context);
    const seconds = context.seconds('server_lifetime');
    const fix = () =>
      fixes(
        context.setValue('server_lifetime', fallback, {
          kind: 'recommended',
          title: `Set server_lifetime = ${fallback} (the default)`,
        }),
      );
    if (seconds === 0) {
      findings.push(
        ...context.finding(
          'server_lifetime',
          `${timeIs(context, 'server_lifetime', 0)}: every server connection is closed after a single use, so PostgreSQL starts a new backend for nearly every transaction or client session. Set it, for example to ${fallback} (${describeSeconds(Number(fallback))}, the default).`,
          fix(),
        ),
      );
    } else if (seconds !== null) {
      const text = problem(seconds, timeIs(context, 'server_lifetime', seconds));
      if (text)
        findings.push(
          ...context.finding(
            'server_lifetime',
            `${text} Set it, for example to ${fallback} (the default).`,
            fix(),
          ),
        );
    }
    for (const entry of context.databasesWith('server_lifetime')) {
      const param = intParam(context, 'databases', entry, 'server_lifetime');
      // 0 (and anything atoi reads as 0) inherits the global value; negatives are reported as invalid.
      if (!param || param.value <= 0) continue;
      const text = problem(param.value, `server_lifetime for database "${entry.name}" is ${param.value}`);
      if (!text) continue;
      const finding: RuleFinding = {
        ...paramAnchor(entry, param.param),
        message: `${text} Set it, for example to ${fallback}.`,
      };
      const fix = replaceParam(
        context,
        entry,
        param.param,
        fallback,
        `Set server_lifetime=${fallback} for database "${entry.name}"`,
        'recommended',
      );
      if (fix) finding.fixes = [fix];
      findings.push(finding);
    }
    return findings;
  },
};
