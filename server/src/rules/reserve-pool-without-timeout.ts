import { deadReserves, describe } from '../model/pools';
import { changeTitle, poolFix, poolModelOf } from './support/pool-fixes';
import { fixes } from './rule';
import type { Rule } from './rule';

const ID = 'reserve-pool-without-timeout';
const SUGGESTED_TIMEOUT = 5;

export const reservePoolWithoutTimeout: Rule = {
  id: ID,
  category: 'Pool sizing',
  severity: { production: 'warning', development: 'warning' },
  title: 'A reserve pool is configured but reserve_pool_timeout = 0 turns it off',
  docs: {
    why: 'PgBouncer only opens reserve connections for a pool when its first waiting client has waited reserve_pool_timeout seconds, and it skips the reserve entirely when that timeout is 0. A reserve_pool_size above 0 with reserve_pool_timeout = 0 therefore never adds a single connection: the burst capacity the configuration seems to have does not exist.',
    fix: 'Set reserve_pool_timeout to the wait after which the reserve should help, for example 5 seconds (the default), or set reserve_pool_size to 0 to say that there is no reserve.',
    link: 'https://www.pgbouncer.org/config.html#reserve_pool_timeout',
  },
  check(context) {
    const model = poolModelOf(context);
    if (!model) return [];
    const reserves = deadReserves(model);
    if (reserves.length === 0) return [];
    const listed = reserves.map(describe);
    const what =
      listed.length > 1 ? `${listed.slice(0, -1).join(', ')} and ${listed[listed.length - 1]}` : listed[0];
    const written = context.value('reserve_pool_timeout').trim();
    const timeout =
      model.reserveTimeout.value === 0
        ? 'reserve_pool_timeout is 0'
        : `reserve_pool_timeout = ${written} is less than a microsecond, stored as 0`;
    const message =
      `${timeout}, which turns the reserve pool off: ${what} never ` +
      `${reserves.length > 1 ? 'open' : 'opens'} a connection. Set reserve_pool_timeout (for example to ${SUGGESTED_TIMEOUT} seconds), or drop the reserve.`;
    const enable = poolFix(
      context,
      model,
      ID,
      [[{ source: model.reserveTimeout.source, value: SUGGESTED_TIMEOUT }]],
      {
        preserve: false,
        title: `Set reserve_pool_timeout = ${SUGGESTED_TIMEOUT} (use the reserve after ${SUGGESTED_TIMEOUT} seconds of waiting)`,
      },
    );
    const drop = poolFix(
      context,
      model,
      ID,
      [reserves.map((reserve) => ({ source: reserve.source, value: 0 }))],
      {
        preserve: true,
        title:
          reserves.length === 1
            ? `${changeTitle([{ source: reserves[0].source, value: 0 }])} (no reserve)`
            : 'Set every reserve to 0 (no reserve)',
      },
    );
    // Dropping the dead reserve keeps what PgBouncer does (safe, so it is the one applied);
    // turning the reserve on is the recommended alternative.
    return context.finding('reserve_pool_timeout', message, fixes(drop, enable));
  },
};
