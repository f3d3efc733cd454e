// How a rule names a [pgbouncer] time it judges by the value PgBouncer stores (context.seconds):
// "server_lifetime is 0", or, when the file says something else, what it says and what is kept.

import { readCTime } from '../../catalog/values';
import type { RuleContext } from '../rule';

/** "NAME is SECONDS", or "NAME = WRITTEN is stored as SECONDS" when the stored value differs. */
export function timeIs(context: RuleContext, name: string, stored: number): string {
  const written = context.value(name).trim();
  const reading = readCTime(written);
  if (!reading.ok || (!reading.tooLarge && reading.special === null && reading.seconds === stored)) {
    return `${name} is ${stored}`;
  }
  const why = reading.tooLarge
    ? " (too large for PgBouncer's 64-bit count of microseconds)"
    : stored === 0 && reading.special === null
      ? ' (below a microsecond)'
      : '';
  return `${name} = ${written} is stored as ${stored}${why}`;
}
