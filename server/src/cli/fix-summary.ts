// The line `pgbouncer-lint --fix` prints (on stderr, so that JSON and SARIF stay parseable) about
// each file it fixed: how many fixes of each class it applied, and which it left and why.

import type { Fix } from '../findings/fix';
import type { FixMode } from '../analysis/fix-all';

function count(n: number, what: string): string {
  return `${n} ${what} fix${n === 1 ? '' : 'es'}`;
}

/** One line, or null when there is nothing to say (no fix applied, none left). */
export function fixSummary(
  name: string,
  mode: FixMode,
  applied: readonly Fix[],
  left: { withheld: readonly Fix[]; notInMode: readonly Fix[] },
): string | null {
  const safe = applied.filter((fix) => fix.kind === 'safe').length;
  const recommended = applied.filter((fix) => fix.kind === 'recommended').length;
  const parts: string[] = [];
  const done = [safe > 0 ? count(safe, 'safe') : '', recommended > 0 ? count(recommended, 'recommended') : '']
    .filter((part) => part !== '')
    .join(' and ');
  if (done === '') parts.push('no fix applied');
  else
    parts.push(`${done} applied${recommended > 0 ? ' (recommended fixes change what PgBouncer does)' : ''}`);
  // Held back or not: --fix=all would apply these once the errors are corrected.
  const notApplied = left.notInMode.filter((fix) => fix.kind === 'recommended').length;
  if (mode === 'safe' && notApplied > 0) {
    parts.push(
      `${count(notApplied, 'recommended')} not applied: they change what PgBouncer does, --fix=all applies them`,
    );
  }
  if (left.withheld.length > 0) {
    const reasons = [...new Set(left.withheld.map((fix) => fix.withheld))];
    const others = reasons.length - 1;
    parts.push(
      `${left.withheld.length === 1 ? '1 fix' : `${left.withheld.length} fixes`} held back while ${reasons[0]}` +
        `${others > 0 ? ` (and ${others} more line${others === 1 ? '' : 's'} with errors)` : ''}; correct ${others > 0 ? 'them' : 'it'} first`,
    );
  }
  if (safe + recommended === 0 && parts.length === 1) return null;
  return `${name}: ${parts.join('; ')}`;
}
