// `pgbouncer-lint --report` end to end, through the built CLI (dist/cli.js, from `npm run build`):
// exit codes, the sections, line links that point at the findings (compared with --format json), several
// files, standard input, usage errors, and the recommended changes against what --fix writes.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { unifiedDiff } from '../../server/src/report/line-diff';
import { CLI, ROOT, runCli } from '../support/cli-run';
import type { CliOptions, CliRun as Run } from '../support/cli-run';

const EXAMPLE = 'examples/pgbouncer.ini';
/** 2026-01-06 00:00:00 UTC. */
const EPOCH = '1767657600';

/** The CLI with a fixed date in the reports. */
function cli(args: string[], options: CliOptions = {}): Run {
  return runCli(args, { ...options, env: { SOURCE_DATE_EPOCH: EPOCH, ...options.env } });
}

interface JsonDiagnostic {
  file: string;
  line: number;
  code: string;
  severity: string;
}

function jsonDiagnostics(args: string[], cwd = ROOT): JsonDiagnostic[] {
  const run = cli(['--format', 'json', ...args], { cwd });
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  return (JSON.parse(run.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
}

/** Every [label:LINE](<target#LLINE>) of a report. */
function lineLinks(markdown: string): { label: string; line: number; target: string; targetLine: number }[] {
  return [...markdown.matchAll(/\[([^\]]+):(\d+)\]\(<([^>#]+)#L(\d+)>\)/g)].map((m) => ({
    label: m[1],
    line: Number(m[2]),
    target: m[3],
    targetLine: Number(m[4]),
  }));
}

let tmp: string;

before(() => {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli.js does not exist: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-report-'));
  fs.mkdirSync(path.join(tmp, 'conf.d'));
  // A name with a space (links encode it) that %includes a file with an error.
  fs.writeFileSync(
    path.join(tmp, 'main config.ini'),
    '[databases]\napp = host=127.0.0.1 dbname=app\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 0\n%include conf.d/extra.ini\n',
  );
  fs.writeFileSync(path.join(tmp, 'conf.d', 'extra.ini'), ';; extra\nbogus_key = 1\n');
  fs.writeFileSync(
    path.join(tmp, 'warnings.ini'),
    '[databases]\napp = host=127.0.0.1 dbname=app\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 0\n',
  );
  fs.writeFileSync(path.join(tmp, 'broken.ini'), '[pgbouncer]\nlisten_addr = 127.0.0.1\nbogus = 1\n');
});

after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('--report prints the Markdown report of the example, with every section, exit code as usual', () => {
  const run = cli(['--report', '--target-version', '1.21', EXAMPLE]);
  const plain = cli(['--target-version', '1.21', EXAMPLE]);
  assert.equal(run.status, plain.status, run.stderr);
  assert.equal(run.stderr, '');
  const markdown = run.stdout;
  assert.match(markdown, /^# PgBouncer configuration audit: examples\/pgbouncer\.ini\n/);
  assert.match(markdown, /\n- \*\*Target PgBouncer version:\*\* 1\.21\n/);
  assert.match(markdown, /\n- \*\*Profile:\*\* production\n/);
  assert.match(markdown, /\n- \*\*Date:\*\* 2026-01-06\n/);
  assert.match(markdown, /\n\*\*Overall rating: \d+(\.\d)?\/10, [A-Z][a-z-]+/);
  for (const heading of [
    '## Scores',
    '## Findings by priority',
    '### Critical',
    '### High',
    '### Medium',
    '### Low',
  ])
    assert.ok(markdown.includes(`\n${heading}`), `${heading} is missing`);
  for (const area of [
    'PgBouncer acceptance',
    'Security',
    'Authentication',
    'Pool sizing',
    'Timeouts',
    'Observability',
    'Configuration quality',
    '**Overall rating**',
  ])
    assert.match(
      markdown,
      new RegExp(`\\n\\| ${area.replace(/\*/g, '\\*')} +\\| \\**\\d+(\\.\\d)?/10`),
      area,
    );
  assert.match(markdown, /\*\*How the scores are computed\.\*\*/);
  assert.match(markdown, /\*\*Not checked\.\*\*/);
  // No text findings and no summary line.
  assert.doesNotMatch(markdown, /^examples\/pgbouncer\.ini:\d+:\d+: /m);
  assert.doesNotMatch(markdown, /\d+ errors?, \d+ warnings? in 1 file/);
});

test('--report: every line link points at a finding of that file and line, and every finding has one', () => {
  const args = ['--target-version', '1.21', EXAMPLE];
  const expected = new Set(jsonDiagnostics(args).map((d) => `${d.file}:${d.line}`));
  const links = lineLinks(cli(['--report', ...args]).stdout);
  assert.ok(links.length > 0, 'no line links');
  for (const link of links) {
    assert.equal(link.target, 'examples/pgbouncer.ini');
    assert.equal(link.targetLine, link.line, `${link.label}:${link.line} links to line ${link.targetLine}`);
    assert.ok(expected.has(`${link.label}:${link.line}`), `${link.label}:${link.line} is no finding`);
  }
  assert.deepEqual(new Set(links.map((link) => `${link.label}:${link.line}`)), expected);
});

test('--report: links are relative paths from the current directory, encoded, into included files too', () => {
  const run = cli(['--report', 'main config.ini'], { cwd: tmp });
  assert.equal(run.status, 1, 'the included file has an error');
  const expected = new Set(jsonDiagnostics(['main config.ini'], tmp).map((d) => `${d.file}:${d.line}`));
  assert.ok(expected.has(`${path.join('conf.d', 'extra.ini')}:2`), [...expected].join(', '));
  const links = lineLinks(run.stdout);
  for (const link of links) {
    assert.equal(decodeURIComponent(link.target), link.label.split(path.sep).join('/'));
    assert.equal(link.targetLine, link.line);
    assert.ok(expected.has(`${link.label}:${link.line}`), `${link.label}:${link.line} is no finding`);
    // Each target is a file the link names, relative to the current directory.
    assert.ok(fs.existsSync(path.join(tmp, decodeURIComponent(link.target))), link.target);
  }
  assert.deepEqual(new Set(links.map((link) => `${link.label}:${link.line}`)), expected);
  assert.ok(links.some((link) => link.target === 'main%20config.ini'));
  assert.ok(links.some((link) => link.target === 'conf.d/extra.ini' && link.line === 2));
});

test('--report: exit code 1 and the refusal at the top when PgBouncer would not start', () => {
  const run = cli(['--report', 'broken.ini'], { cwd: tmp });
  assert.equal(run.status, 1);
  const top = run.stdout.slice(0, run.stdout.indexOf('## Scores'));
  assert.match(top, /> \*\*PgBouncer would refuse to start with this configuration\*\*/);
  assert.match(top, /Not ready/);
  assert.match(run.stdout, /### Critical \(1\)/);
  assert.match(run.stdout, /\[broken\.ini:3\]\(<broken\.ini#L3>\): Unknown setting 'bogus'/);
});

test('--report: the changes shown are what --fix writes, then what --fix=all adds', () => {
  const original =
    '[databases]\napp = host=127.0.0.1 dbname=app\n\n[pgbouncer]\nlisten_addr = 127.0.0.1\n' +
    'max_client_conn = 100\nmax_client_conn = 200\nclient_idle_timeout = 0\n';
  fs.writeFileSync(path.join(tmp, 'both.ini'), original);
  const run = cli(['--report', 'both.ini'], { cwd: tmp });
  assert.equal(run.status, 0, run.stderr);
  const diffIn = (title: string): string => {
    const block = new RegExp(`\\n## ${title}\\n[\\s\\S]*?\\n(\`{3,})diff\\n([\\s\\S]*?)\\n\\1\\n`).exec(
      run.stdout,
    );
    assert.ok(block, `no diff under ${title}`);
    return block[2] + '\n';
  };
  const copy = path.join(tmp, 'both-fixed.ini');
  fs.writeFileSync(copy, original);
  assert.equal(cli(['--fix', 'both-fixed.ini'], { cwd: tmp }).status, 0);
  const safe = fs.readFileSync(copy, 'utf8');
  assert.equal(
    diffIn('Changes --fix makes'),
    unifiedDiff(original, safe, { old: 'a/both.ini', new: 'b/both.ini' }),
  );
  assert.match(safe, /^max_client_conn = 200\nclient_idle_timeout = 0$/m);
  assert.equal(cli(['--fix=all', 'both-fixed.ini'], { cwd: tmp }).status, 0);
  const all = fs.readFileSync(copy, 'utf8');
  assert.equal(
    diffIn('Further changes with --fix=all'),
    unifiedDiff(safe, all, { old: 'a/both.ini', new: 'b/both.ini' }),
  );
  assert.match(all, /^client_idle_timeout = 900$/m);
});

test('--report: a file with nothing to fix has no changes sections', () => {
  const run = cli(['--report', '--rule', '*=off', 'broken.ini'], { cwd: tmp });
  assert.doesNotMatch(run.stdout, /## Changes --fix makes|## Further changes/);
  assert.match(run.stdout, /## Needs a human decision/);
  const clean = cli(['--report', '--rule', '*=off', 'warnings.ini'], { cwd: tmp });
  assert.equal(clean.status, 0);
  assert.doesNotMatch(clean.stdout, /## Changes --fix makes|## Further changes|## Needs a human decision/);
  assert.match(clean.stdout, /\*\*Overall rating: 10\/10, Production-ready\.\*\*/);
});

test('--report: one report per FILE, separated by a horizontal rule; the same output every time', () => {
  const args = ['--report', 'warnings.ini', 'broken.ini'];
  const run = cli(args, { cwd: tmp });
  assert.equal(run.status, 1);
  const reports = run.stdout.split('\n\n---\n\n# PgBouncer configuration audit: ');
  assert.equal(reports.length, 2);
  assert.match(reports[0], /^# PgBouncer configuration audit: warnings\.ini\n/);
  assert.match(reports[1], /^broken\.ini\n/);
  assert.equal(cli(args, { cwd: tmp }).stdout, run.stdout);
});

test('--report: standard input has no links; an unreadable FILE is exit code 2, the others are reported', () => {
  const stdin = cli(['--report', '-'], { cwd: tmp, input: '[pgbouncer]\nbogus = 1\n' });
  assert.equal(stdin.status, 1);
  assert.match(stdin.stdout, /^# PgBouncer configuration audit: \\<stdin\\>\n/);
  assert.match(stdin.stdout, /\n- \\<stdin\\>:2: Unknown setting 'bogus'/);
  assert.equal(lineLinks(stdin.stdout).length, 0);

  const run = cli(['--report', 'missing.ini', 'warnings.ini'], { cwd: tmp });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^pgbouncer-lint: cannot read 'missing\.ini': No such file or directory\n$/);
  assert.match(run.stdout, /^# PgBouncer configuration audit: warnings\.ini\n/);
  assert.doesNotMatch(run.stdout, /\n---\n\n#/);
});

test('--report with --format json or sarif, or with --quiet, is a usage error', () => {
  for (const extra of [['--format', 'json'], ['--format=sarif'], ['--quiet']]) {
    const run = cli(['--report', ...extra, 'warnings.ini'], { cwd: tmp });
    assert.equal(run.status, 2, extra.join(' '));
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      /^pgbouncer-lint: --report .*cannot be combined with (--format (json|sarif)|--quiet) \(see 'pgbouncer-lint --help'\)\n$/,
    );
  }
  assert.equal(cli(['--report', '--format', 'text', 'warnings.ini'], { cwd: tmp }).status, 0);
  assert.match(cli(['--help']).stdout, /--report /);
});

test('--report DIR: the deployment report of the folder, exit code as without --report, links that open', () => {
  const folder = 'test/fixtures/deployments/compose-edoburu';
  const run = cli(['--report', folder]);
  const plain = cli([folder]);
  assert.equal(run.status, plain.status, run.stderr);
  assert.equal(run.status, 0);
  assert.equal(run.stderr, '');
  const markdown = run.stdout;
  assert.match(markdown, new RegExp(`^# PgBouncer deployment audit: ${folder.replace(/[/.]/g, '\\$&')}\n`));
  for (const heading of [
    'PgBouncers found',
    'Services through the pooler',
    'Services bypassing the pooler',
    'Application-side pool configuration',
    'Container exposure',
    'Findings of the deployment',
    'Not checked',
  ])
    assert.ok(markdown.includes(`\n## ${heading}\n`), heading);
  // Labels relative to the folder, links relative to the current directory, at the line of the finding.
  const compose = fs.readFileSync(path.join(ROOT, folder, 'docker-compose.yml'), 'utf8').split('\n');
  const bypass =
    /\n\| worker +\| `DATABASE_URL` \| `db:5432` +\|.*\[docker-compose\.yml:(\d+)\]\(<([^>#]+)#L(\d+)>\)/.exec(
      markdown,
    );
  assert.ok(bypass, markdown);
  assert.equal(bypass[2], `${folder}/docker-compose.yml`);
  assert.match(compose[Number(bypass[3]) - 1], /DATABASE_URL: postgresql\+asyncpg:\/\/shop:.*@db:5432\/shop/);
  assert.doesNotMatch(markdown, /change-me/);

  // The same folder among FILE arguments: its report joins theirs.
  const both = cli(['--report', folder, path.join(tmp, 'warnings.ini')]);
  assert.match(both.stdout, /\n---\n\n# PgBouncer configuration audit: /);
});

test('--report DIR: a pgbouncer.ini of the deployment has its report inside, under Configuration files', () => {
  const run = cli(['--report', 'report-ini'], { cwd: path.join(ROOT, 'test/fixtures/deployments') });
  assert.equal(run.status, 0, run.stderr);
  assert.match(
    run.stdout,
    /\n## Configuration files\n\n### PgBouncer configuration audit: report-ini\/pgbouncer\/pgbouncer\.ini\n/,
  );
  for (const secret of ['correct-horse-battery-staple', 'Tr0ub4dor', 'plain-userlist-secret'])
    assert.ok(!run.stdout.includes(secret), secret);
});
