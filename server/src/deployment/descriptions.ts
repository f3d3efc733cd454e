// What each finding of the deployment audit is, for SARIF rule metadata and docs/rules.md: the
// deployment rules' own docs and the readers' problems (findings/deployment-codes.ts).

import type { Description } from '../analysis/descriptions';
import { DEPLOYMENT_PROBLEMS } from '../findings/deployment-codes';
import { DEPLOYMENT_RULES } from './rules';

export const DEPLOYMENT_DESCRIPTIONS: readonly Description[] = [
  ...DEPLOYMENT_RULES.map((rule): Description => ({
    id: rule.id,
    severity: rule.severity,
    title: rule.title,
    help: `${rule.docs.why} ${rule.docs.fix}`,
    category: 'Deployment',
    kind: 'rule',
    ...(rule.docs.link && { link: rule.docs.link }),
  })),
  ...DEPLOYMENT_PROBLEMS.map((problem): Description => ({
    ...problem,
    category: 'Deployment',
    kind: 'check',
  })),
];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The deployment section of docs/rules.md. */
export function deploymentRulesMarkdown(): string {
  const lines: string[] = [
    '',
    '# Deployment audit',
    '',
    '`pgbouncer-lint DIR` and the editor (in a workspace with a PgBouncer) audit the whole deployment: compose files, Kubernetes manifests, `.env` files and application configs. These ids are reported in those files.',
    '',
    '| id | kind | default | what |',
    '| --- | --- | --- | --- |',
  ];
  for (const d of DEPLOYMENT_DESCRIPTIONS)
    lines.push(
      `| [\`${d.id}\`](#${d.id}) | ${d.kind === 'rule' ? 'rule' : 'reading'} | ${d.severity} | ${cell(d.title)} |`,
    );
  for (const rule of DEPLOYMENT_RULES) {
    lines.push(
      '',
      `## ${rule.id}`,
      '',
      `**${rule.title}** (Deployment).`,
      '',
      rule.docs.why,
      '',
      `**What to do:** ${rule.docs.fix}`,
    );
  }
  for (const problem of DEPLOYMENT_PROBLEMS) {
    lines.push('', `## ${problem.id}`, '', `**${problem.title}** (Deployment, reading).`, '', problem.help);
  }
  return lines.join('\n') + '\n';
}
