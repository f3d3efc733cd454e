// The advisories that affect a running PgBouncer, from the text of its SHOW VERSION, for the pool
// view. Without its configuration file the conditions are only listed, not checked.

import { advisoriesFor, affectedRange, ADVISORIES_UPDATED } from '../catalog/advisories';
import { parseVersion } from '../catalog/catalog';

export interface AdvisoryView {
  id: string;
  title: string;
  summary: string;
  attacker: string;
  impact: string;
  /** "1.11.0 to 1.25.1, fixed in 1.25.2" */
  affected: string;
  fixed: string;
  /** What the configuration must have for it to matter; empty when every installation is exposed. */
  conditions: string[];
  mitigation?: string;
  /** The release notes on pgbouncer.org. */
  link: string;
  cveLink?: string;
}

/** The version in SHOW VERSION's text ("PgBouncer 1.18.0", maybe with more after it), or null. */
export function versionInText(text: string): string | null {
  const match = /\b(\d+\.\d+(?:\.\d+)?)\b/.exec(text);
  return match ? match[1] : null;
}

/** The advisories that affect the version SHOW VERSION reports, newest first. */
export function advisoriesForVersion(showVersion: string): AdvisoryView[] {
  const number = versionInText(showVersion);
  const version = number === null ? null : parseVersion(number);
  if (!version) return [];
  return advisoriesFor(version).map((advisory) => {
    const view: AdvisoryView = {
      id: advisory.id,
      title: advisory.title,
      summary: advisory.summary,
      attacker: advisory.attacker,
      impact: advisory.impact,
      affected: affectedRange(advisory),
      fixed: advisory.affected.fixed,
      conditions: advisory.conditions.map((condition) => condition.text),
      link: advisory.links.notes,
    };
    if (advisory.mitigation) view.mitigation = advisory.mitigation;
    if (advisory.links.cve) view.cveLink = advisory.links.cve;
    return view;
  });
}

/** When the advisory list was last checked against PgBouncer's NEWS. */
export const ADVISORY_LIST_UPDATED = ADVISORIES_UPDATED;
