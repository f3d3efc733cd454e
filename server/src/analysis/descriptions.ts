// One list describing every id a finding can carry: PgBouncer's own checks and the audit rules,
// for SARIF rule metadata, reports and documentation.

import { RULES } from '../rules';
import type { Category } from '../rules/rule';
import { CHECKS } from '../checks/check-list';
import type { CheckInfo, Severity } from '../findings/finding';

export interface Description extends CheckInfo {
  /** 'PgBouncer' for the checks of what PgBouncer itself accepts. */
  category: Category | 'PgBouncer' | 'Deployment';
  kind: 'check' | 'rule';
  /** PgBouncer documentation for audit rules. */
  link?: string;
}

function ruleDescription(rule: (typeof RULES)[number]): Description {
  const severity = rule.severity.production;
  const help = [rule.docs.why, rule.docs.fix, rule.docs.correction].filter(Boolean).join(' ');
  return {
    id: rule.id,
    severity: (severity === 'off' ? 'information' : severity) as Severity,
    title: rule.title,
    help,
    category: rule.category,
    kind: 'rule',
    link: rule.docs.link,
  };
}

export const DESCRIPTIONS: readonly Description[] = [
  ...[...CHECKS.values()].map((check): Description => ({ ...check, category: 'PgBouncer', kind: 'check' })),
  ...RULES.map(ruleDescription),
];

export const DESCRIPTIONS_BY_ID: ReadonlyMap<string, Description> = new Map(
  DESCRIPTIONS.map((d) => [d.id, d]),
);
