// PgBouncer's security advisories (schemas/pgbouncer-advisories.json) and which releases they
// affect. Whether a configuration meets an advisory's conditions is the rule's business
// (rules/known-vulnerability.ts); here only versions are compared.

import data from '../../../schemas/pgbouncer-advisories.json';
import { RELEASES } from './catalog';
import type { Version } from './catalog';

export type AdvisoryCondition =
  | { kind: 'not-empty'; setting: string; text: string }
  | { kind: 'not-equal'; setting: string; value: string; text: string }
  | { kind: 'one-of'; setting: string; values: string[]; text: string }
  | { kind: 'list-contains'; setting: string; value: string; text: string }
  | { kind: 'database-defined'; name: string; text: string }
  | { kind: 'auth-query'; query: 'any' | 'ignores-valid-until' | 'unqualified'; text: string };

export interface Advisory {
  id: string;
  title: string;
  summary: string;
  attacker: string;
  impact: string;
  published: string;
  severity?: 'low' | 'medium' | 'high' | 'critical';
  affected: { introduced?: string; fixed: string; introducedNote?: string };
  conditions: AdvisoryCondition[];
  mitigation?: string;
  source: string;
  links: { notes: string; cve?: string };
}

interface AdvisoryFile {
  updated: string;
  source: string;
  advisories: Advisory[];
}

const file = data as unknown as AdvisoryFile;

export const ADVISORIES: readonly Advisory[] = file.advisories;

/** When the list was last checked against PgBouncer's NEWS. */
export const ADVISORIES_UPDATED: string = file.updated;

function parts(version: string): number[] {
  return version.split('.').map(Number);
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The release a version stands for: a target of 1.18 means the newest 1.18.x, as elsewhere in
 * the catalog; 1.18.0 is itself. Null for "unreleased" (which has every fix) and for a version
 * the catalog does not know.
 */
export function releaseOf(version: Version): string | null {
  if (version.unreleased || version.parts.length === 0) return null;
  let found: string | null = null;
  for (const release of RELEASES) {
    const own = parts(release);
    const matches =
      version.parts.length >= 3
        ? compare(own, version.parts) === 0
        : version.parts.every((part, index) => own[index] === part);
    if (matches) found = release;
  }
  return found;
}

/** True when the release (e.g. "1.18.0") is at or after `introduced` and before `fixed`. */
export function affectsRelease(advisory: Advisory, release: string): boolean {
  const at = parts(release);
  if (compare(at, parts(advisory.affected.fixed)) >= 0) return false;
  return advisory.affected.introduced === undefined || compare(at, parts(advisory.affected.introduced)) >= 0;
}

/**
 * The advisories that affect a version, newest first, whatever the configuration. A version newer
 * than every release the catalog knows has every fix listed here.
 */
export function advisoriesFor(version: Version): Advisory[] {
  const release = releaseOf(version);
  if (release !== null) return ADVISORIES.filter((advisory) => affectsRelease(advisory, release));
  if (version.unreleased || version.parts.length < 2) return [];
  const newest = parts(RELEASES[RELEASES.length - 1]);
  if (compare(version.parts, newest) > 0) return [];
  // A patch release the catalog does not list, between two it does: compare the numbers.
  const label = version.parts.join('.');
  return ADVISORIES.filter((advisory) => affectsRelease(advisory, label));
}

/** The affected releases in words: "1.11.0 to 1.25.1, fixed in 1.25.2", "every release before 1.5.3". */
export function affectedRange(advisory: Advisory): string {
  const { introduced, fixed } = advisory.affected;
  if (introduced === undefined) return `every release before ${fixed}`;
  const index = RELEASES.indexOf(fixed);
  const last = index > 0 ? RELEASES[index - 1] : null;
  const range = last === null || last === introduced ? introduced : `${introduced} to ${last}`;
  return `${range}, fixed in ${fixed}`;
}
