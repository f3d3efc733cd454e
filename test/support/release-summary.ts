// What each oracle suite found, for `npm run test:releases` (scripts/test-releases.mjs) to gather
// into one summary per release. A suite calls recordSummary once, when it is done; the line goes to
// $RELEASE_SUMMARY_FILE (JSON, one object a line) and nowhere when that is not set (`npm test`).

import * as fs from 'node:fs';
import { ORACLE_TARGET } from './pgbouncer-oracle';

export interface SuiteSummary {
  /** oracle, differential, fixtures, upstream samples. */
  suite: string;
  cases: number;
  accepted: number;
  rejected: number;
  /** Cases not run at this release (e.g. `since` a later one), or left out for another reason. */
  skipped: number;
  /** One line each: what disagreed, with both verdicts (or a group of them, "N x ..."). */
  disagreements: string[];
  /** How many disagreed, when `disagreements` groups them. */
  disagreed?: number;
  /** Anything else that failed (a measured verdict that changed, a refusal for the environment). */
  other?: string[];
  /** Short notes, e.g. how many configurations were left out and why. */
  notes?: string[];
}

export function recordSummary(summary: SuiteSummary): void {
  const file = process.env.RELEASE_SUMMARY_FILE;
  if (!file) return;
  fs.appendFileSync(file, `${JSON.stringify({ target: ORACLE_TARGET, ...summary })}\n`);
}
