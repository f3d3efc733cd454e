// The audit report (server/src/report/audit-report.ts): the score formula, priorities, links, the
// recommended changes and their unified diff, on small texts linted with chosen rules.
// test/cli/report.test.ts runs `pgbouncer-lint --report`; test/lsp/report.test.ts the server's request.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { lintText } from '../../server/src/analysis/engine';
import { auditReport, workspaceLabel } from '../../server/src/features/auditReport';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import type { LintResult } from '../../server/src/analysis/engine';
import type { FileSystem } from '../../server/src/files/file-system';
import {
  AREA_WEIGHTS,
  areaOf,
  areaScore,
  buildAuditReport,
  escapeMarkdown,
  overallScore,
  priorityOf,
  SCORE_AREAS,
  scoresOf,
  statusOf,
} from '../../server/src/report/audit-report';
import type { AuditReportOptions, ScoreArea } from '../../server/src/report/audit-report';
import { unifiedDiff } from '../../server/src/report/line-diff';
import { RULES } from '../../server/src/rules';
import type { RuleSeverity } from '../../server/src/rules/rule';

const FOLDER = path.resolve('/cfg');
const MAIN = path.join(FOLDER, 'pgbouncer.ini');
const EXTRA = path.join(FOLDER, 'extra.ini');
const DATE = '2026-01-06';

/** Only extra.ini exists, so that no finding depends on the machine running the tests. */
const fileSystem: FileSystem = {
  readFile: (filePath) =>
    filePath === EXTRA ? { text: ';; included\nbogus_key = 1\n' } : { problem: { kind: 'missing' } },
  stat: (filePath) => (filePath === EXTRA ? 'file' : filePath === FOLDER ? 'directory' : null),
};

/** Every audit rule off except the ones named: the findings are exactly what the test expects. */
function linterWith(rules: Record<string, RuleSeverity> = {}): (text: string) => LintResult {
  return (text) =>
    lintText(text, {
      filePath: MAIN,
      targetVersion: '1.21',
      useProjectFile: false,
      fileSystem,
      rules: { '*': 'off', ...rules },
    });
}

function report(
  text: string,
  rules: Record<string, RuleSeverity> = {},
  extra: Partial<AuditReportOptions> = {},
) {
  const linter = linterWith(rules);
  const result = linter(text);
  const markdown = buildAuditReport(result, {
    fileLabel: 'deploy/pgbouncer.ini',
    fileLink: (line) => `deploy/pgbouncer.ini#L${line}`,
    date: DATE,
    lint: linter,
    ...extra,
  });
  return { result, markdown };
}

/** The "| Area | Score |" rows of the Scores table, as area -> "8/10". */
function scoreTable(markdown: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const match of markdown.matchAll(/^\| ([^|]+?) +\| ([^|]+?) +\|/gm)) rows.set(match[1], match[2]);
  return rows;
}

/** The section from "## title" to the next "## " heading or the footer; '' when absent. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) return '';
  const rest = markdown.slice(start + 1);
  const end = rest.slice(3).search(/\n(## |---\n)/);
  return end < 0 ? rest : rest.slice(0, end + 3);
}

const CLEAN = '[databases]\ndb = host=127.0.0.1 dbname=db\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\n';

// ---------------------------------------------------------------------------------------------------
// The formula

test('formula: an area starts at 10 and loses 4 per error, 2 per warning, 0.5 per information, 0 per hint', () => {
  assert.equal(areaScore([]), 10);
  assert.equal(areaScore(['warning']), 8);
  assert.equal(areaScore(['error']), 6);
  assert.equal(areaScore(['information']), 9.5);
  assert.equal(areaScore(['hint', 'hint', 'hint', 'hint']), 10);
  assert.equal(areaScore(['warning', 'information', 'information', 'information']), 6.5);
  // Never below 0.
  assert.equal(areaScore(['error', 'error', 'error']), 0);
  assert.equal(areaScore(Array(30).fill('information')), 0);
});

test('formula: the overall rating is the weighted mean of the areas, one decimal', () => {
  const all = (score: number) =>
    Object.fromEntries(SCORE_AREAS.map((area) => [area, score])) as Record<ScoreArea, number>;
  assert.equal(overallScore(all(10)), 10);
  assert.equal(overallScore(all(0)), 0);
  const total = SCORE_AREAS.reduce((sum, area) => sum + AREA_WEIGHTS[area], 0);
  assert.equal(total, 12);
  // Acceptance weighs 3 of 12, Timeouts 1 of 12.
  assert.equal(overallScore({ ...all(10), 'PgBouncer acceptance': 4 }), 8.5);
  assert.equal(overallScore({ ...all(10), Timeouts: 8 }), 9.8);
  // (3 * 10 + 2 * 0 + 2 * 5 + 2 * 10 + 10 + 10 + 10) / 12 = 90 / 12
  assert.equal(overallScore({ ...all(10), Security: 0, Authentication: 5 }), 7.5);
});

test('formula: status words at 9, 7 and 5', () => {
  assert.equal(statusOf(10), 'Production-ready');
  assert.equal(statusOf(9), 'Production-ready');
  assert.equal(statusOf(8.9), 'Good, with improvements');
  assert.equal(statusOf(7), 'Good, with improvements');
  assert.equal(statusOf(6.9), 'Needs work');
  assert.equal(statusOf(5), 'Needs work');
  assert.equal(statusOf(4.9), 'Not ready');
});

test('formula: a PgBouncer error means Not ready whatever the mean; an audit rule raised to error does not', () => {
  const refusing = scoresOf([{ code: 'unknown-setting', severity: 'error' }]);
  assert.equal(refusing.areas['PgBouncer acceptance'], 6);
  assert.equal(refusing.overall, 9);
  assert.equal(refusing.refusesToStart, true);
  assert.equal(refusing.status, 'Not ready');
  const raised = scoresOf([{ code: 'client-idle-timeout-disabled', severity: 'error' }]);
  assert.equal(raised.areas.Timeouts, 6);
  assert.equal(raised.refusesToStart, false);
  assert.equal(raised.status, 'Production-ready');
});

test('areas: checks count as PgBouncer acceptance, rules in their category, linter findings as quality', () => {
  assert.equal(areaOf('unknown-setting'), 'PgBouncer acceptance');
  assert.equal(areaOf('inline-comment'), 'PgBouncer acceptance');
  assert.equal(areaOf('unused-suppression'), 'Configuration quality');
  assert.equal(areaOf('invalid-lint-config'), 'Configuration quality');
  assert.equal(areaOf('no-such-id'), 'Configuration quality');
  for (const rule of RULES) assert.equal(areaOf(rule.id), rule.category, rule.id);
});

test('priorities: errors Critical, security and authentication warnings High, other warnings Medium', () => {
  assert.equal(priorityOf('error', 'Timeouts'), 'Critical');
  assert.equal(priorityOf('error', 'PgBouncer acceptance'), 'Critical');
  assert.equal(priorityOf('warning', 'Security'), 'High');
  assert.equal(priorityOf('warning', 'Authentication'), 'High');
  assert.equal(priorityOf('warning', 'Pool sizing'), 'Medium');
  assert.equal(priorityOf('warning', 'PgBouncer acceptance'), 'Medium');
  assert.equal(priorityOf('information', 'Security'), 'Low');
  assert.equal(priorityOf('hint', 'Security'), 'Low');
});

// ---------------------------------------------------------------------------------------------------
// Reports

test('report: a clean file scores 10 everywhere, with no changes and nothing to decide', () => {
  const { result, markdown } = report(CLEAN);
  assert.deepEqual(result.findings, []);
  assert.match(markdown, /^# PgBouncer configuration audit: deploy\/pgbouncer\.ini\n/);
  assert.match(markdown, /\*\*Target PgBouncer version:\*\* 1\.21\n/);
  assert.match(markdown, /\*\*Profile:\*\* production\n/);
  assert.match(markdown, /\*\*Date:\*\* 2026-01-06\n/);
  assert.match(markdown, /\*\*Overall rating: 10\/10, Production-ready\.\*\*/);
  const scores = scoreTable(markdown);
  for (const area of SCORE_AREAS) assert.equal(scores.get(area), '10/10', area);
  assert.equal(scores.get('**Overall rating**'), '**10/10**');
  assert.match(markdown, /\nNo findings\.\n/);
  assert.equal(section(markdown, 'Changes --fix makes'), '');
  assert.equal(section(markdown, 'Further changes with --fix=all'), '');
  assert.equal(section(markdown, 'Needs a human decision'), '');
  assert.doesNotMatch(markdown, /would refuse to start with this configuration/);
  assert.match(markdown, /\*\*How the scores are computed\.\*\* .*4 points per error, 2 per warning, 0\.5/);
  // What no repository shows, and where the deployment around the file is audited.
  assert.match(
    markdown,
    /\*\*Not checked\.\*\* What no repository shows: the live PostgreSQL servers .*not rendered/,
  );
  assert.match(
    markdown,
    /PostgreSQL directly.*is audited when pgbouncer-lint --report is given the repository's folder/,
  );
});

test('report: a file PgBouncer refuses says so at the top, with the error under Critical and a line link', () => {
  const text = '[pgbouncer]\nlisten_addr = 127.0.0.1\n\nbogus = 1\n';
  const { markdown } = report(text);
  const top = markdown.slice(0, markdown.indexOf('## Scores'));
  assert.match(top, /> \*\*PgBouncer would refuse to start with this configuration\*\* \(1 error/);
  assert.match(top, /\*\*Overall rating: 9\/10, Not ready\.\*\*/);
  assert.equal(scoreTable(markdown).get('PgBouncer acceptance'), '6/10');
  const critical = markdown.slice(markdown.indexOf('### Critical (1)'), markdown.indexOf('### High'));
  assert.match(critical, /#### `unknown-setting`: Unknown setting\n/);
  assert.match(
    critical,
    /PgBouncer acceptance · error · 1 finding · \[documentation\]\(<https:\/\/www\.pgbouncer\.org\/config\.html>\)/,
  );
  assert.match(critical, /PgBouncer refuses to start on a key it does not know/);
  assert.match(
    critical,
    /- \[deploy\/pgbouncer\.ini:4\]\(<deploy\/pgbouncer\.ini#L4>\): Unknown setting 'bogus' in \[pgbouncer\]/,
  );
  assert.match(markdown, /### High \(0\)\n\n_[^\n]*_\n\nNone\.\n/);
  // No safe fix: a human decides.
  assert.match(
    section(markdown, 'Needs a human decision'),
    /- \*\*Critical\*\* \[deploy\/pgbouncer\.ini:4\]\(<deploy\/pgbouncer\.ini#L4>\) `unknown-setting`: /,
  );
});

test('report: a recommended fix is labelled as such and shown only in the --fix=all block', () => {
  const text = '[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 0\n';
  const { markdown } = report(text, { 'client-idle-timeout-disabled': 'warning' });
  assert.equal(scoreTable(markdown).get('Timeouts'), '8/10');
  assert.match(markdown, /\*\*Overall rating: 9\.8\/10, Production-ready\.\*\*/);
  const medium = markdown.slice(markdown.indexOf('### Medium (1)'), markdown.indexOf('### Low'));
  assert.match(medium, /#### `client-idle-timeout-disabled`: Idle clients are never disconnected\n/);
  assert.match(
    medium,
    /Timeouts · warning · 1 finding · \[documentation\]\(<https:\/\/www\.pgbouncer\.org\/config\.html#client_idle_timeout>\)/,
  );
  assert.match(
    medium,
    /\[deploy\/pgbouncer\.ini:3\]\(<deploy\/pgbouncer\.ini#L3>\): client_idle_timeout is 0/,
  );
  assert.match(
    medium,
    /\n {2}- Fix \(recommended, changes behaviour: --fix=all\): Set client_idle_timeout = 900 \(15 minutes\)\n/,
  );
  // It changes what PgBouncer does: not what --fix writes.
  assert.equal(section(markdown, 'Changes --fix makes'), '');
  const changes = section(markdown, 'Further changes with --fix=all');
  assert.ok(
    changes.includes(
      [
        '```diff',
        '--- a/deploy/pgbouncer.ini',
        '+++ b/deploy/pgbouncer.ini',
        '@@ -1,3 +1,3 @@',
        ' [pgbouncer]',
        ' listen_addr = 127.0.0.1',
        '-client_idle_timeout = 0',
        '+client_idle_timeout = 900',
        '```',
      ].join('\n'),
    ),
    changes,
  );
  assert.match(changes, /With these changes the overall rating would be 10\/10, Production-ready\./);
  // Not fixed by --fix: still for a human to decide.
  assert.match(section(markdown, 'Needs a human decision'), /`client-idle-timeout-disabled`/);
});

test('report: a safe fix is what --fix writes, a diff with the rating after it', () => {
  const text = '[pgbouncer]\nlisten_addr = 127.0.0.1\nmax_client_conn = 100\nmax_client_conn = 200\n';
  const { markdown } = report(text);
  assert.match(
    markdown,
    /\n {2}- Fix \(safe\): Remove the earlier max_client_conn line, which has no effect\n/,
  );
  const changes = section(markdown, 'Changes --fix makes');
  assert.match(changes, /\n listen_addr = 127\.0\.0\.1\n-max_client_conn = 100\n max_client_conn = 200\n/);
  assert.match(changes, /With these changes the overall rating would be 10\/10, Production-ready\./);
  assert.equal(section(markdown, 'Further changes with --fix=all'), '');
  assert.equal(section(markdown, 'Needs a human decision'), '');
});

test('report: without a lint function the changes are one round of fixes', () => {
  const text = '[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 0\nclient_idle_timeout = 0\n';
  const { markdown } = report(text, { 'client-idle-timeout-disabled': 'warning' }, { lint: undefined });
  const safe = section(markdown, 'Changes --fix makes');
  assert.match(safe, /\n-client_idle_timeout = 0\n/);
  assert.doesNotMatch(safe, /\+client_idle_timeout/);
  const all = section(markdown, 'Further changes with --fix=all');
  assert.match(all, /\n-client_idle_timeout = 0\n\+client_idle_timeout = 900\n/);
  assert.doesNotMatch(safe + all, /would be/);
});

test('report: severities follow the rule settings; an audit rule raised to error is Critical, not a refusal', () => {
  const text = '[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 0\n';
  const { markdown } = report(text, { 'client-idle-timeout-disabled': 'error' });
  assert.match(markdown, /### Critical \(1\)/);
  assert.doesNotMatch(markdown, /refuse to start with this configuration/);
  assert.match(markdown, /\*\*Rule severities set:\*\* `\*=off`, `client-idle-timeout-disabled=error`/);
  const hinted = report(text, { 'client-idle-timeout-disabled': 'hint' }).markdown;
  assert.match(hinted, /### Low \(1\)/);
  assert.equal(scoreTable(hinted).get('Timeouts'), '10/10');
});

test('report: every line link points at its finding, in the main and in included files', () => {
  const text =
    '[pgbouncer]\nlisten_addr = 127.0.0.1\nbogus = 1\n%include extra.ini\nclient_idle_timeout = 0\n';
  const { result, markdown } = report(
    text,
    { 'client-idle-timeout-disabled': 'warning' },
    {
      includedFile: (filePath) => ({
        label: `inc/${path.basename(filePath)}`,
        link: (line) => `inc/${path.basename(filePath)}#L${line}`,
      }),
    },
  );
  const expected = new Set(
    result.findings.map((finding) => {
      const file = result.model.files.find((f) => f.path === finding.file)!;
      const line = file.parsed.lineIndex.rangeOf(finding.span).start.line + 1;
      return `${finding.file === MAIN ? 'deploy/pgbouncer.ini' : 'inc/extra.ini'}:${line}`;
    }),
  );
  assert.deepEqual([...expected].sort(), [
    'deploy/pgbouncer.ini:3',
    'deploy/pgbouncer.ini:4',
    'deploy/pgbouncer.ini:5',
    'inc/extra.ini:2',
  ]);
  const links = [...markdown.matchAll(/\[([^\]]+):(\d+)\]\(<([^>#]+)#L(\d+)>\)/g)];
  assert.ok(links.length >= expected.size);
  for (const [, label, line, target, targetLine] of links) {
    assert.equal(target, label, 'the link goes to the file it names');
    assert.equal(targetLine, line, 'the link goes to the line it names');
    assert.ok(expected.has(`${label}:${line}`), `${label}:${line} is not a finding's line`);
  }
  assert.deepEqual(new Set(links.map(([, label, line]) => `${label}:${line}`)), expected);
});

test('report: included files are named relative to the main file and not linked by default', () => {
  const { markdown } = report('[pgbouncer]\nlisten_addr = 127.0.0.1\n%include extra.ini\n');
  assert.match(markdown, /\n- extra\.ini:2: Unknown setting \(extra\.ini, line 2, a \[pgbouncer\] line\)/);
  assert.doesNotMatch(markdown, /bogus_key/, 'the included file is not quoted');
  assert.match(
    markdown,
    /\[deploy\/pgbouncer\.ini:3\]\(<deploy\/pgbouncer\.ini#L3>\): The included file has an error that stops PgBouncer/,
  );
});

test('report: no link when fileLink gives none (standard input)', () => {
  const { markdown } = report(
    '[pgbouncer]\nlisten_addr = 127.0.0.1\nbogus = 1\n',
    {},
    {
      fileLabel: '<stdin>',
      fileLink: () => '',
    },
  );
  assert.match(markdown, /^# PgBouncer configuration audit: \\<stdin\\>\n/);
  assert.match(markdown, /\n- \\<stdin\\>:3: Unknown setting/);
  assert.doesNotMatch(markdown, /#L\d/);
});

test('report: the same input and date give the same text; the date is the one given', () => {
  const text = '[pgbouncer]\nlisten_addr = 127.0.0.1\nbogus = 1\nclient_idle_timeout = 0\n';
  const rules = { 'client-idle-timeout-disabled': 'warning' } as const;
  const first = report(text, rules).markdown;
  assert.equal(report(text, rules).markdown, first);
  assert.match(first, /\*\*Date:\*\* 2026-01-06\n/);
  assert.notEqual(report(text, rules, { date: '2026-02-01' }).markdown, first);
  // Without a date: today's, as YYYY-MM-DD.
  assert.match(report(text, rules, { date: undefined }).markdown, /\*\*Date:\*\* \d{4}-\d{2}-\d{2}\n/);
});

test('report: Markdown in messages is shown as text', () => {
  assert.equal(escapeMarkdown('client_idle_timeout = 0'), 'client_idle_timeout = 0');
  assert.equal(escapeMarkdown('listen_addr = * and <stdin>'), 'listen_addr = \\* and \\<stdin\\>');
  assert.equal(escapeMarkdown('[databases] entry'), '[databases] entry');
  assert.equal(escapeMarkdown('[a](b)'), '[a\\](b)');
  assert.equal(escapeMarkdown('_lead and trail_'), '\\_lead and trail\\_');
  assert.equal(escapeMarkdown('a | b `c`'), 'a \\| b \\`c\\`');
  assert.equal(escapeMarkdown('# not a heading\nsecond line'), '\\# not a heading second line');
  assert.equal(escapeMarkdown('1.21'), '1.21');
});

test('editor: files are named relative to their workspace folder and linked as file: URIs', () => {
  assert.equal(
    workspaceLabel(path.join(FOLDER, 'deploy', 'pgbouncer.ini'), [FOLDER]),
    'deploy/pgbouncer.ini',
  );
  assert.equal(workspaceLabel(MAIN, [path.resolve('/elsewhere')]), MAIN);
  const uri = pathToFileURL(MAIN).toString();
  const settings = { ...DEFAULT_SETTINGS, targetVersion: '1.21', rules: { '*': 'off' as const } };
  const context = { settings, workspaceFolders: [FOLDER], fileSystem, date: DATE };
  const text = '[pgbouncer]\nlisten_addr = 127.0.0.1\nbogus = 1\n';
  const result = lintText(text, {
    filePath: MAIN,
    targetVersion: '1.21',
    useProjectFile: false,
    fileSystem,
    rules: { '*': 'off' },
  });
  const { markdown } = auditReport(uri, result, context);
  assert.match(markdown, /^# PgBouncer configuration audit: pgbouncer\.ini\n/);
  assert.ok(markdown.includes(`[pgbouncer.ini:3](<${uri}#L3>): Unknown setting 'bogus'`), markdown);
});

// ---------------------------------------------------------------------------------------------------
// The unified diff

test('diff: nothing for equal texts; hunks with 3 lines of context, merged when close', () => {
  assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', { old: 'a/x', new: 'b/x' }), '');
  const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const after = before
    .replace('line 2\n', 'line two\n')
    .replace('line 8\n', 'line eight\n')
    .replace('line 18\n', '');
  assert.equal(
    unifiedDiff(before, after, { old: 'a/x', new: 'b/x' }),
    [
      '--- a/x',
      '+++ b/x',
      '@@ -1,11 +1,11 @@',
      ' line 1',
      '-line 2',
      '+line two',
      ' line 3',
      ' line 4',
      ' line 5',
      ' line 6',
      ' line 7',
      '-line 8',
      '+line eight',
      ' line 9',
      ' line 10',
      ' line 11',
      '@@ -15,6 +15,5 @@',
      ' line 15',
      ' line 16',
      ' line 17',
      '-line 18',
      ' line 19',
      ' line 20',
      '',
    ].join('\n'),
  );
});

test('diff: a last line without a line break, insertions into an empty file, CRLF', () => {
  assert.equal(
    unifiedDiff('a\nb', 'a\nb\nc\n', { old: 'x', new: 'x' }),
    '--- x\n+++ x\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n',
  );
  assert.equal(unifiedDiff('', 'a\n', { old: 'x', new: 'x' }), '--- x\n+++ x\n@@ -0,0 +1 @@\n+a\n');
  assert.equal(
    unifiedDiff('a\r\nb\r\n', 'a\r\nc\r\n', { old: 'x', new: 'x' }),
    '--- x\n+++ x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n',
  );
});

test('diff: the shortest script on a shuffled file (Myers)', () => {
  const before = ['a', 'b', 'c', 'a', 'b', 'b', 'a'].join('\n') + '\n';
  const after = ['c', 'b', 'a', 'b', 'a', 'c'].join('\n') + '\n';
  const diff = unifiedDiff(before, after, { old: 'x', new: 'x' });
  const changed = diff.split('\n').filter((line) => /^[-+][^-+]/.test(line) || line === '-' || line === '+');
  // The classic example from Myers' paper: edit distance 5.
  assert.equal(changed.length, 5, diff);
});
