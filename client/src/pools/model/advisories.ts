// The known vulnerabilities of the release an instance reports (SHOW VERSION), as a group of the
// instance's subtree. The list and the version ranges are the server's (api.ts); the instance's
// configuration file is not known here, so each advisory's conditions are listed, not checked.

import { ADVISORY_LIST_UPDATED, advisoriesForVersion } from '../../../../server/src/api';
import type { AdvisoryView } from '../../../../server/src/api';
import { escapeMarkdown } from './format';

/** What tree-items.ts puts in its ViewItem list (the same shape; no import of it, so no cycle). */
export interface AdvisoryItem {
  id: string;
  kind: 'group' | 'note';
  instance: string;
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  health: 'warning';
  icon: string;
  contextValue: string;
  children?: AdvisoryItem[];
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function advisoryTooltip(advisory: AdvisoryView, version: string): string {
  const lines = [
    `**${escapeMarkdown(advisory.id)}**: ${escapeMarkdown(advisory.title)}`,
    '',
    escapeMarkdown(advisory.summary),
    '',
    `Affects ${escapeMarkdown(advisory.affected)}; this instance runs ${escapeMarkdown(version)}.`,
    '',
    `Who: ${escapeMarkdown(advisory.attacker)}. Impact: ${escapeMarkdown(advisory.impact)}.`,
  ];
  if (advisory.conditions.length > 0)
    lines.push('', `Only where: ${advisory.conditions.map(escapeMarkdown).join('; ')}.`);
  if (advisory.mitigation) lines.push('', escapeMarkdown(advisory.mitigation));
  lines.push(
    '',
    `[Release notes](${advisory.link})${advisory.cveLink ? ` · [CVE record](${advisory.cveLink})` : ''}`,
  );
  return lines.join('\n');
}

/** The "Advisories" group of an instance, or null when its release has none we know of. */
export function advisoriesGroup(parentId: string, instance: string, version: string): AdvisoryItem | null {
  const advisories = advisoriesForVersion(version);
  if (advisories.length === 0) return null;
  const id = `${parentId}:advisories`;
  const fixedIn = advisories
    .map((advisory) => advisory.fixed)
    .sort(compareReleases)
    .pop();
  const children = advisories.map<AdvisoryItem>((advisory) => ({
    id: `${id}:${advisory.id}`,
    kind: 'note',
    instance,
    label: advisory.id,
    description: `${advisory.title} · fixed in ${advisory.fixed}${advisory.conditions.length > 0 ? ' · depends on the configuration' : ''}`,
    tooltip: advisoryTooltip(advisory, version),
    health: 'warning',
    icon: 'shield',
    contextValue: 'pgbouncer.advisory',
  }));
  return {
    id,
    kind: 'group',
    instance,
    label: 'Advisories',
    description: `${count(advisories.length, 'known vulnerability', 'known vulnerabilities')} · fixed in ${fixedIn}`,
    tooltip: `${escapeMarkdown(version)} has ${count(advisories.length, 'security advisory', 'security advisories')} in PgBouncer's release notes (list checked ${ADVISORY_LIST_UPDATED}); ${escapeMarkdown(fixedIn ?? '')} fixes them all.`,
    health: 'warning',
    icon: 'shield',
    contextValue: 'pgbouncer.group',
    children,
  };
}

function compareReleases(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
