import { defaultFor, setting } from '../catalog/catalog';
import { describeSeconds } from '../catalog/values';
import { fixes } from './rule';
import type { Rule } from './rule';

const SHORTEST = 10;
const LONGEST = 300;

export const statsPeriodRange: Rule = {
  id: 'stats-period-range',
  category: 'Observability',
  severity: { production: 'information', development: 'hint' },
  title: 'Statistics averages are recomputed too often or too rarely',
  docs: {
    why: 'stats_period is how often PgBouncer recomputes the averages in SHOW STATS (and SHOW STATS_AVERAGES) and, with log_stats = 1, writes a statistics line to its log. Over a few seconds the averages swing with every burst and the log fills with statistics lines; over many minutes they trail far behind what is happening, so dashboards and alerts built on them react late. The totals in SHOW STATS are always current either way.',
    fix: 'Keep stats_period between 10 and 300 seconds; the default 60 suits most monitoring, and 30 gives faster dashboards. Values below 1 are reported separately as out of range.',
    link: 'https://www.pgbouncer.org/config.html#stats_period',
  },
  check(context) {
    const value = context.int('stats_period');
    // Below 1 PgBouncer's own range check speaks up (value-out-of-range).
    if (value === null || value < 1) return [];
    if (value >= SHORTEST && value <= LONGEST) return [];
    const known = setting('pgbouncer', 'stats_period');
    const fallback = (known && defaultFor(known, context.target)) ?? '60';
    const effect =
      value < SHORTEST
        ? `the averages in SHOW STATS cover only ${describeSeconds(value)} and swing with every burst, and with log_stats on a statistics line is logged that often`
        : `the averages in SHOW STATS are recomputed only every ${describeSeconds(value)}, so monitoring sees them late`;
    return context.finding(
      'stats_period',
      `stats_period is ${value}: ${effect}. Use 10 to 300 seconds, for example ${fallback} (the default).`,
      fixes(
        context.setValue('stats_period', fallback, {
          kind: 'recommended',
          title: `Set stats_period = ${fallback} (the default)`,
        }),
      ),
    );
  },
};
