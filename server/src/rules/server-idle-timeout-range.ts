import { defaultFor, setting } from '../catalog/catalog';
import { describeSeconds } from '../catalog/values';
import { fixes } from './rule';
import type { Rule, RuleContext } from './rule';
import { timeIs } from './support/stored-time';

/** Closing idle server connections sooner than this reopens them after every lull. */
const SHORTEST = 10;

function defaultIdle(context: RuleContext): string {
  const known = setting('pgbouncer', 'server_idle_timeout');
  return (known && defaultFor(known, context.target)) ?? '600';
}

export const serverIdleTimeoutRange: Rule = {
  id: 'server-idle-timeout-range',
  category: 'Timeouts',
  severity: { production: 'information', development: 'hint' },
  title: 'Idle server connections are kept too long or closed too eagerly',
  docs: {
    why: 'server_idle_timeout closes server connections that have sat unused in the pool for that long, down to min_pool_size. With 0 they are only closed when they reach server_lifetime, so after a burst PostgreSQL keeps every extra backend (memory, a max_connections slot) for up to that long. A timeout of a few seconds does the opposite: the pool shrinks in every short lull and has to reconnect, with login and TLS costs, as soon as traffic comes back. A server_idle_timeout at or above server_lifetime is harmless: the lifetime simply closes idle connections first.',
    fix: 'Set server_idle_timeout somewhere between a minute and server_lifetime; the default 600 (10 minutes) suits most setups. Use min_pool_size to keep a few connections warm instead of a very long idle timeout.',
    link: 'https://www.pgbouncer.org/config.html#server_idle_timeout',
  },
  check(context) {
    const seconds = context.seconds('server_idle_timeout');
    if (seconds === null) return [];
    const fallback = defaultIdle(context);
    const fix = () =>
      fixes(
        context.setValue('server_idle_timeout', fallback, {
          kind: 'recommended',
          title: `Set server_idle_timeout = ${fallback} (the default)`,
        }),
      );
    if (seconds === 0) {
      // Idle connections still end at server_lifetime; only a lifetime longer than the default
      // idle timeout keeps them noticeably longer (0 = single use is server-lifetime-range's).
      const lifetime = context.seconds('server_lifetime');
      if (lifetime === null || lifetime <= Number(fallback)) return [];
      return context.finding(
        'server_idle_timeout',
        `${timeIs(context, 'server_idle_timeout', 0)}: unused server connections are only closed when they reach server_lifetime (${describeSeconds(lifetime)}), so after a busy period PostgreSQL keeps the extra backends that long. Set it, for example to ${fallback} (${describeSeconds(Number(fallback))}, the default).`,
        fix(),
      );
    }
    if (seconds < SHORTEST) {
      return context.finding(
        'server_idle_timeout',
        `${timeIs(context, 'server_idle_timeout', seconds)} (${describeSeconds(seconds)}): server connections are closed in every short lull and reopened when traffic returns, paying for a new PostgreSQL login each time. Set it to a minute or more, for example ${fallback} (the default).`,
        fix(),
      );
    }
    return [];
  },
};
