// The audit report: one Markdown document about one configuration file, with a score per area,
// the findings by priority, the changes `--fix` (safe fixes) and `--fix=all` (recommended ones too)
// would make, and what a file cannot show.
// Used by `pgbouncer-lint --report` and by the language server's pgbouncer/auditReport request.
// A plain function of the lint result: no I/O, the same text for the same input and date.
//
// Scores (SCORING_RULES below says the same to the reader):
//   - one score per area: PgBouncer acceptance (PgBouncer's own checks) and the six audit categories;
//   - an area starts at 10 and loses, per finding in it, 4 for an error, 2 for a warning, 0.5 for
//     information and 0 for a hint; never below 0; one decimal;
//   - overall rating: the mean of the area scores weighted by AREA_WEIGHTS (acceptance 3; security,
//     authentication and pool sizing 2; timeouts, observability and configuration quality 1), one decimal;
//   - status: >= 9 Production-ready, >= 7 Good, with improvements, >= 5 Needs work, else Not ready;
//     "Not ready" whatever the mean when PgBouncer would refuse to start (an error from its own checks).

import * as path from 'node:path';
import type { LintResult } from '../analysis/engine';
import { verifyFixes } from '../analysis/verify';
import { DESCRIPTIONS_BY_ID } from '../analysis/descriptions';
import { alertGroups } from '../monitoring/alerts';
import { applyEdits } from '../findings/fix';
import { fixesToApply, fixText, primaryFix } from '../analysis/fix-all';
import type { FixMode } from '../analysis/fix-all';
import type { Fix } from '../findings/fix';
import { CATEGORIES } from '../rules/rule';
import type { Category } from '../rules/rule';
import type { Finding, Severity } from '../findings/finding';
import { unifiedDiff } from './line-diff';

export interface AuditReportOptions {
  /** How the report names the file, e.g. "deploy/pgbouncer.ini". */
  fileLabel: string;
  /** Link to a line (1-based) of the file; '' for no link (standard input). */
  fileLink: (line: number) => string;
  /** How to name and link a file the configuration %includes (absolute path). Default: its path
   * relative to the main file's folder, without a link. */
  includedFile?: (filePath: string) => { label: string; link: (line: number) => string };
  /** YYYY-MM-DD; default today (local time). */
  date?: string;
  /** The workspace folder the file belongs to, named when the editor has several open. */
  workspaceFolder?: string;
  /** Lints a text the way `result` was linted, for applying fixes round after round; without it the
   * changes shown are one round of fixes. */
  lint?: (text: string) => LintResult;
  /** Part of a deployment report, which says what is not checked and who made it: both left out here. */
  embedded?: boolean;
}

export type ScoreArea = 'PgBouncer acceptance' | Category;

export const SCORE_AREAS: readonly ScoreArea[] = ['PgBouncer acceptance', ...CATEGORIES];

export const AREA_WEIGHTS: Readonly<Record<ScoreArea, number>> = {
  'PgBouncer acceptance': 3,
  Security: 2,
  Authentication: 2,
  'Pool sizing': 2,
  Timeouts: 1,
  Observability: 1,
  'Configuration quality': 1,
};

export const PENALTIES: Readonly<Record<Severity, number>> = {
  error: 4,
  warning: 2,
  information: 0.5,
  hint: 0,
};

export type Priority = 'Critical' | 'High' | 'Medium' | 'Low';
export const PRIORITIES: readonly Priority[] = ['Critical', 'High', 'Medium', 'Low'];

const PRIORITY_MEANING: Record<Priority, string> = {
  Critical: "Errors. From PgBouncer's own checks they mean PgBouncer refuses to start with this file.",
  High: 'Security and authentication warnings.',
  Medium: 'Other warnings.',
  Low: 'Information and hints.',
};

/** Checks about pgbouncer-lint's own comments and project file, not about what PgBouncer reads. */
const LINTER_CHECKS: ReadonlySet<string> = new Set([
  'unknown-rule',
  'unused-suppression',
  'invalid-lint-config',
]);

const PGBOUNCER_CONFIG_DOCS = 'https://www.pgbouncer.org/config.html';

export const SCORING_RULES =
  'Each area starts at 10 and loses 4 points per error, 2 per warning, 0.5 per information and 0 per hint found ' +
  'in it, and never goes below 0. The overall rating is the mean of the area scores weighted ' +
  `${SCORE_AREAS.map((area) => `${area} ${AREA_WEIGHTS[area]}`).join(', ')}, rounded to one decimal: ` +
  '9 or more is Production-ready, 7 or more Good, with improvements, 5 or more Needs work, below 5 Not ready. ' +
  'A file PgBouncer would refuse to start with is Not ready whatever its scores. ' +
  "Findings about pgbouncer-lint's own comments and project file count under Configuration quality.";

/**
 * What no repository shows. The deployment around a file (services that bypass PgBouncer, published
 * ports, open-files limits, the applications' pools) is audited from the repository's folder.
 */
export const NOT_CHECKED_ANYWHERE =
  'What no repository shows: the live PostgreSQL servers (their max_connections, taken here from the settings ' +
  'and rule options, and whether the users of auth_file or auth_query exist there), real traffic (how many ' +
  'clients connect at once, how long queries and transactions run), whether the TLS certificates are valid ' +
  'and trusted, whether statistics are exported and alerted on (SHOW POOLS, SHOW STATS), secrets and settings ' +
  'held outside the repository (a vault, CI variables, the shell that starts the containers), and Helm charts ' +
  'or other templates, which are read as written, not rendered. Files are looked up on the machine that made ' +
  'this report.';

const NOT_CHECKED =
  `${NOT_CHECKED_ANYWHERE} How PgBouncer is deployed (services connecting to PostgreSQL directly, published ` +
  "ports, the container's open-files limit, the applications' pool sizes) is audited when pgbouncer-lint " +
  "--report is given the repository's folder, and in the editor's report of a file of a workspace deployment.";

/** Which score area a finding's id counts in. */
export function areaOf(code: string): ScoreArea {
  const description = DESCRIPTIONS_BY_ID.get(code);
  if (!description || LINTER_CHECKS.has(code) || description.category === 'Deployment')
    return 'Configuration quality';
  return description.category === 'PgBouncer' ? 'PgBouncer acceptance' : description.category;
}

export function priorityOf(severity: Severity, area: ScoreArea): Priority {
  if (severity === 'error') return 'Critical';
  if (severity === 'warning') return area === 'Security' || area === 'Authentication' ? 'High' : 'Medium';
  return 'Low';
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** 10 minus the penalties of the findings' severities, at least 0, one decimal. */
export function areaScore(severities: readonly Severity[]): number {
  const penalty = severities.reduce((sum, severity) => sum + PENALTIES[severity], 0);
  return round1(Math.max(0, 10 - penalty));
}

/** The weighted mean of the area scores, one decimal. */
export function overallScore(scores: Readonly<Record<ScoreArea, number>>): number {
  let sum = 0;
  let weights = 0;
  for (const area of SCORE_AREAS) {
    sum += AREA_WEIGHTS[area] * scores[area];
    weights += AREA_WEIGHTS[area];
  }
  return round1(sum / weights);
}

export function statusOf(score: number): string {
  if (score >= 9) return 'Production-ready';
  if (score >= 7) return 'Good, with improvements';
  if (score >= 5) return 'Needs work';
  return 'Not ready';
}

export interface Scores {
  areas: Record<ScoreArea, number>;
  overall: number;
  status: string;
  /** PgBouncer's own checks found an error: it would not start. */
  refusesToStart: boolean;
}

/** The scores of a set of findings (as the report counts them, see SCORING_RULES). */
export function scoresOf(findings: readonly Pick<Finding, 'code' | 'severity'>[]): Scores {
  const severities = Object.fromEntries(SCORE_AREAS.map((area) => [area, [] as Severity[]])) as Record<
    ScoreArea,
    Severity[]
  >;
  for (const finding of findings) severities[areaOf(finding.code)].push(finding.severity);
  const areas = Object.fromEntries(SCORE_AREAS.map((area) => [area, areaScore(severities[area])])) as Record<
    ScoreArea,
    number
  >;
  const overall = overallScore(areas);
  const refusesToStart = findings.some(
    (finding) => finding.severity === 'error' && areaOf(finding.code) === 'PgBouncer acceptance',
  );
  return { areas, overall, status: refusesToStart ? 'Not ready' : statusOf(overall), refusesToStart };
}

// ---------------------------------------------------------------------------------------------------
// Markdown helpers

/** Text shown as is: Markdown's punctuation escaped where it could mean something, line breaks as
 * spaces. Underscores inside words (setting names) stay as they are; they cannot start emphasis there. */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/\r\n|\r|\n/g, ' ')
      // A lone [word] stays as it is (no link without a definition); ]( ][ ]: could make one.
      .replace(/[\\`*<>|~]|\](?=[([:])|&(?=#?\w+;)/g, '\\$&')
      // What would start a heading or a list at the start of a line.
      .replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2')
      .replace(/^[#+-](?=\s|$)/, '\\$&')
      .replace(/_/g, (underscore, offset: number, whole: string) =>
        /[A-Za-z0-9]/.test(whole[offset - 1] ?? '') && /[A-Za-z0-9_]/.test(whole[offset + 1] ?? '')
          ? underscore
          : '\\_',
      )
  );
}

/** [label](<link>), or the label alone when there is no link. */
export function markdownLink(label: string, link: string): string {
  if (link === '') return escapeMarkdown(label);
  const target = link.replace(/[<>\s]/g, (ch) => encodeURIComponent(ch));
  return `[${escapeMarkdown(label)}](<${target}>)`;
}

export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

export function fence(body: string): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** A table with padded columns, so that the raw Markdown reads well too. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, column) =>
    Math.max(3, cell.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...rows.map(line)];
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 || word === 'information' ? '' : 's'}`;
}

export function countsText(findings: readonly { severity: Severity }[]): string {
  if (findings.length === 0) return 'none';
  const order: Severity[] = ['error', 'warning', 'information', 'hint'];
  return order
    .map((severity) => [severity, findings.filter((f) => f.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => plural(count, severity))
    .join(', ');
}

// ---------------------------------------------------------------------------------------------------
// The report

/** A finding with its place in the report (model/effective.ts's Located is an entry's place). */
interface PlacedFinding {
  finding: Finding;
  area: ScoreArea;
  priority: Priority;
  /** 1-based. */
  line: number;
  column: number;
  inRoot: boolean;
  label: string;
  link: string;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function locateFindings(result: LintResult, options: AuditReportOptions): PlacedFinding[] {
  const root = result.model.root;
  const files = new Map(result.model.files.map((file) => [file.path, file]));
  const rootFolder = path.dirname(root.path);
  const included = new Map<string, { label: string; link: (line: number) => string }>();
  const namer = (filePath: string) => {
    let named = included.get(filePath);
    if (!named) {
      named = options.includedFile?.(filePath) ?? {
        label: path.relative(rootFolder, filePath).split(path.sep).join('/') || filePath,
        link: () => '',
      };
      included.set(filePath, named);
    }
    return named;
  };
  const located: PlacedFinding[] = [];
  const seen = new Set<string>();
  for (const finding of result.findings) {
    const file = files.get(finding.file);
    const position = file ? file.parsed.lineIndex.rangeOf(finding.span).start : { line: 0, character: 0 };
    const line = position.line + 1;
    const inRoot = finding.file === root.path;
    // An included file is analysed once per %include of it; report each finding once.
    const key = [finding.file, line, position.character, finding.code, finding.message].join('\0');
    if (seen.has(key)) continue;
    seen.add(key);
    const area = areaOf(finding.code);
    const named = inRoot ? { label: options.fileLabel, link: options.fileLink } : namer(finding.file);
    located.push({
      finding,
      area,
      priority: priorityOf(finding.severity, area),
      line,
      column: position.character + 1,
      inRoot,
      label: `${named.label}:${line}`,
      link: named.link(line),
    });
  }
  return located.sort(
    (a, b) =>
      Number(b.inRoot) - Number(a.inRoot) ||
      compareText(a.inRoot ? '' : a.finding.file, b.inRoot ? '' : b.finding.file) ||
      a.line - b.line ||
      a.column - b.column ||
      SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] ||
      compareText(a.finding.code, b.finding.code) ||
      compareText(a.finding.message, b.finding.message),
  );
}

/** YYYY-MM-DD of a moment in the local time zone. */
export function localDate(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function targetLabel(result: LintResult): string {
  return result.target.unreleased ? 'unreleased (development version)' : result.target.label;
}

/** True when `--fix` and "Fix all" change the main file for this finding: its safe fix, in that file only. */
function hasAppliedFix(item: PlacedFinding, rootPath: string): boolean {
  const fix = primaryFix(item.finding);
  return (
    item.inRoot &&
    fix !== undefined &&
    fix.kind === 'safe' &&
    !fix.withheld &&
    fix.edits.every((edit) => edit.file === rootPath)
  );
}

const FIX_LABELS: Record<Fix['kind'], string> = {
  safe: 'safe',
  recommended: 'recommended, changes behaviour: --fix=all',
  suggestion: 'suggestion, changes behaviour: review first',
};

function fixLines(finding: Finding, indent: string): string[] {
  return (finding.fixes ?? []).map((fix) => {
    const label = fix.withheld
      ? `${FIX_LABELS[fix.kind]}; held back while ${fix.withheld}`
      : FIX_LABELS[fix.kind];
    return `${indent}- Fix (${escapeMarkdown(label)}): ${escapeMarkdown(fix.title)}`;
  });
}

function findingsSection(located: PlacedFinding[]): string[] {
  const out = ['## Findings by priority', ''];
  if (located.length === 0) {
    out.push('No findings.', '');
    return out;
  }
  for (const priority of PRIORITIES) {
    const items = located.filter((item) => item.priority === priority);
    out.push(`### ${priority} (${items.length})`, '', `_${escapeMarkdown(PRIORITY_MEANING[priority])}_`, '');
    if (items.length === 0) {
      out.push('None.', '');
      continue;
    }
    // One block per rule (and severity), in order of severity, area and id; its findings in file order.
    const groups = new Map<string, PlacedFinding[]>();
    for (const item of items) {
      const key = `${item.finding.code}\0${item.finding.severity}`;
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
    const ordered = [...groups.values()].sort(
      (a, b) =>
        SEVERITY_RANK[a[0].finding.severity] - SEVERITY_RANK[b[0].finding.severity] ||
        SCORE_AREAS.indexOf(a[0].area) - SCORE_AREAS.indexOf(b[0].area) ||
        compareText(a[0].finding.code, b[0].finding.code),
    );
    for (const group of ordered) {
      const { finding, area } = group[0];
      const description = DESCRIPTIONS_BY_ID.get(finding.code);
      const title = description ? `: ${escapeMarkdown(description.title)}` : '';
      out.push(`#### ${codeSpan(finding.code)}${title}`, '');
      const docs =
        description?.link ??
        (description?.kind === 'check' && !LINTER_CHECKS.has(finding.code)
          ? PGBOUNCER_CONFIG_DOCS
          : undefined);
      const facts = [escapeMarkdown(area), finding.severity, plural(group.length, 'finding')];
      if (docs) facts.push(`[documentation](<${docs}>)`);
      out.push(facts.join(' · '), '');
      if (description?.help) out.push(escapeMarkdown(description.help), '');
      for (const item of group) {
        out.push(`- ${markdownLink(item.label, item.link)}: ${escapeMarkdown(item.finding.message)}`);
        out.push(...fixLines(item.finding, '  '));
      }
      out.push('');
    }
  }
  return out;
}

function diffLabels(fileLabel: string): { old: string; new: string } {
  // git's a/ and b/ for a path relative to where the report is read, so that `git apply` takes it.
  const relative = !/^([/\\<]|[A-Za-z]:)/.test(fileLabel);
  return relative ? { old: `a/${fileLabel}`, new: `b/${fileLabel}` } : { old: fileLabel, new: fileLabel };
}

/**
 * The audit report of one linted file, in Markdown. See the comment at the top of this file for the
 * scores; the report's footer says the same.
 */
export function buildAuditReport(result: LintResult, options: AuditReportOptions): string {
  verifyFixes(result);
  const root = result.model.root;
  const located = locateFindings(result, options);
  const scores = scoresOf(located.map((item) => item.finding));
  const out: string[] = [];

  // Title and facts
  out.push(`# PgBouncer configuration audit: ${escapeMarkdown(options.fileLabel)}`, '');
  out.push(`- **File:** ${escapeMarkdown(options.fileLabel)}`);
  if (options.workspaceFolder !== undefined)
    out.push(`- **Workspace folder:** ${escapeMarkdown(options.workspaceFolder)}`);
  out.push(`- **Target PgBouncer version:** ${escapeMarkdown(targetLabel(result))}`);
  out.push(`- **Profile:** ${escapeMarkdown(result.config.profile)}`);
  const overrides = Object.keys(result.config.rules).sort(compareText);
  if (overrides.length > 0) {
    const list = overrides.map((id) => codeSpan(`${id}=${result.config.rules[id]}`)).join(', ');
    out.push(`- **Rule severities set:** ${list}`);
  }
  if (result.projectFile) {
    const rc = path.relative(path.dirname(root.path), result.projectFile.path).split(path.sep).join('/');
    out.push(`- **Project lint file:** ${escapeMarkdown(rc || result.projectFile.path)}`);
  }
  out.push(`- **Date:** ${escapeMarkdown(options.date ?? localDate())}`, '');

  const errors = located.filter((item) => item.finding.severity === 'error');
  if (scores.refusesToStart) {
    const refusing = errors.filter((item) => item.area === 'PgBouncer acceptance').length;
    out.push(
      `> **PgBouncer would refuse to start with this configuration** (${plural(refusing, 'error')} from its own ` +
        `checks, under Critical below). Fix ${refusing === 1 ? 'it' : 'them'} first: no other score matters until it starts.`,
      '',
    );
  }
  out.push(
    `**Overall rating: ${scores.overall}/10, ${scores.status}.** Findings: ${countsText(
      located.map((item) => item.finding),
    )}.`,
    '',
  );

  // Scores
  out.push('## Scores', '');
  const rows = SCORE_AREAS.map((area) => {
    const inArea = located.filter((item) => item.area === area).map((item) => item.finding);
    return [area, `${scores.areas[area]}/10`, countsText(inArea), statusOf(scores.areas[area])];
  });
  rows.push([
    '**Overall rating**',
    `**${scores.overall}/10**`,
    countsText(located.map((item) => item.finding)),
    `**${scores.status}**`,
  ]);
  out.push(...table(['Area', 'Score', 'Findings', 'Status'], rows), '');
  out.push(
    '_PgBouncer acceptance: what PgBouncer itself reads (errors: it refuses to start). The other areas are audit ' +
      'rules. How the scores are computed: see the end of the report._',
    '',
  );

  // A loop, not push(...): a report can have more lines than a call can take arguments.
  for (const line of findingsSection(located)) out.push(line);
  for (const line of monitoringSection(result, options.fileLabel)) out.push(line);

  // What `--fix` writes (safe fixes), then what `--fix=all` writes on top of it (recommended fixes).
  const text = root.parsed.text;
  const fixWith = (from: { text: string; result: LintResult }, mode: FixMode) =>
    options.lint
      ? fixText(from.text, from.result, options.lint, mode)
      : {
          text: applyEdits(
            from.text,
            fixesToApply(from.result, mode).flatMap((fix) => fix.edits),
          ),
          result: null,
        };
  const safe = fixWith({ text, result }, 'safe');
  const all = safe.result
    ? fixWith({ text: safe.text, result: safe.result }, 'all')
    : fixWith({ text, result }, 'all');
  const changesBlock = (
    before: string,
    after: string,
    fixedResult: LintResult | null,
    lines: string[],
  ): void => {
    // The diff shows lines of the file as they are: secrets on them are masked like in every message.
    const diff = result.redactor.redact(unifiedDiff(before, after, diffLabels(options.fileLabel)));
    if (diff === '') return;
    const tick = fence(diff);
    out.push(...lines, '', `${tick}diff`, diff.replace(/\n$/, ''), tick, '');
    if (fixedResult) {
      const scores = scoresOf(locateFindings(fixedResult, options).map((item) => item.finding));
      out.push(`With these changes the overall rating would be ${scores.overall}/10, ${scores.status}.`, '');
    }
  };
  changesBlock(text, safe.text, safe.result, [
    '## Changes --fix makes',
    '',
    'Every safe fix applied to the file (what `pgbouncer-lint --fix` and the editor\'s "Fix all" write): ' +
      'PgBouncer does what it did before, or starts with a file it refused, as the file meant.',
  ]);
  changesBlock(safe.text, all.text, all.result, [
    '## Further changes with --fix=all',
    '',
    'The recommended fixes, which `pgbouncer-lint --fix=all` applies on top of the safe ones: they change ' +
      "what PgBouncer does, on the audit's advice, so review them first.",
  ]);
  const manual = located.filter((item) => !hasAppliedFix(item, root.path));
  if (manual.length > 0) {
    out.push('## Needs a human decision', '');
    out.push('No safe automatic fix for these; decide what fits the deployment:', '');
    for (const priority of PRIORITIES) {
      for (const item of manual.filter((candidate) => candidate.priority === priority)) {
        out.push(
          `- **${priority}** ${markdownLink(item.label, item.link)} ${codeSpan(item.finding.code)}: ` +
            escapeMarkdown(item.finding.message),
        );
        out.push(...fixLines(item.finding, '  '));
      }
    }
    out.push('');
  }

  // Footer
  out.push('---', '');
  out.push(`**How the scores are computed.** ${escapeMarkdown(SCORING_RULES)}`, '');
  if (options.embedded) return out.join('\n').replace(/\n+$/, '') + '\n';
  out.push(`**Not checked.** ${escapeMarkdown(NOT_CHECKED)}`, '');
  out.push('_Generated by pgbouncer-lint (PgBouncer Config)._');
  return out.join('\n') + '\n';
}

/**
 * Observability: what the alert rules generated for this configuration would watch, and how to make
 * them (the pager then judges pools by the limits this file sets, and --check keeps them in sync).
 */
function monitoringSection(result: LintResult, fileLabel: string): string[] {
  let groups: ReturnType<typeof alertGroups>;
  try {
    groups = alertGroups(result);
  } catch {
    return [];
  }
  const rules = groups.flatMap((group) => group.rules);
  if (rules.length === 0) return [];
  const seen = new Set<string>();
  const rows: string[][] = [];
  for (const rule of rules) {
    if (seen.has(rule.alert)) continue;
    seen.add(rule.alert);
    const severities = rules.filter((one) => one.alert === rule.alert).map((one) => one.labels.severity);
    rows.push([
      codeSpan(rule.alert),
      severities.join(', '),
      // The summary is a Prometheus template: its placeholders read as what they stand for.
      escapeMarkdown(
        rule.annotations.summary
          .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, '<$1>')
          .replace(/\{\{[^}]*\}\}/g, 'N'),
      ),
      escapeMarkdown(rule.settings.join(', ') || '—'),
    ]);
  }
  const file = escapeMarkdown(fileLabel);
  return [
    '## Monitoring',
    '',
    `Alert rules generated from this configuration for pgbouncer_exporter's metrics would watch ` +
      `${plural(seen.size, 'condition')} (pool limits as this file sets them, not constants copied by hand):`,
    '',
    ...table(['Alert', 'Severity', 'What it watches', 'Settings behind it'], rows),
    '',
    `Generate them with \`pgbouncer-lint --alerts ${file} > ${escapeMarkdown(alertsName(fileLabel))}\` (or ` +
      '"PgBouncer: Generate Alert Rules" in VS Code; `--alerts-format prometheus-rule` for kube-prometheus), ' +
      `keep them in sync in CI with \`pgbouncer-lint --alerts ${file} --check ${escapeMarkdown(alertsName(fileLabel))}\`, ` +
      `and get a matching Grafana dashboard with \`pgbouncer-lint --dashboard ${file}\`.`,
    '',
  ];
}

function alertsName(fileLabel: string): string {
  const base = fileLabel.split('/').pop() ?? fileLabel;
  return `${base.replace(/\.ini$/i, '') || 'pgbouncer'}.alerts.yml`;
}
