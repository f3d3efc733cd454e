// docs/rules.md: every check and rule with its id, category, default severities and explanation,
// generated from the code (scripts/write-docs.ts); a test keeps the file up to date.

import { RULES_BY_ID } from '../rules';
import { DESCRIPTIONS } from './descriptions';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function rulesMarkdown(): string {
  const lines: string[] = [
    '# Checks and rules',
    '',
    'Generated from the code by `npx tsx scripts/write-docs.ts`; do not edit by hand.',
    '',
    "**PgBouncer's own checks** report what PgBouncer itself refuses (errors: it does not start) or reads in a surprising way (warnings).",
    '**Audit rules** report configurations PgBouncer accepts but that are risky; they never report errors by default.',
    'Change a severity or turn an id off with the `pgbouncer.rules` setting, `.pgbouncerlintrc.json` (`"rules": { "id": "off" }`),',
    '`pgbouncer-lint --rule id=off`, or a `; pgbouncer-lint: disable-next-line id` comment.',
    '',
    '| id | category | production | development | what |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const d of DESCRIPTIONS) {
    const rule = RULES_BY_ID.get(d.id);
    const production = rule ? rule.severity.production : d.severity;
    const development = rule ? rule.severity.development : d.severity;
    lines.push(
      `| [\`${d.id}\`](#${d.id}) | ${d.category} | ${production} | ${development} | ${cell(d.title)} |`,
    );
  }
  for (const d of DESCRIPTIONS) {
    const rule = RULES_BY_ID.get(d.id);
    lines.push('', `## ${d.id}`, '', `**${d.title}** (${d.category}).`, '');
    if (rule) {
      lines.push(rule.docs.why, '', `**What to do:** ${rule.docs.fix}`);
      if (rule.docs.correction)
        lines.push('', `**Where the audit report was wrong:** ${rule.docs.correction}`);
      lines.push('', `PgBouncer documentation: ${rule.docs.link}`);
    } else {
      lines.push(d.help);
    }
  }
  return lines.join('\n') + '\n';
}
