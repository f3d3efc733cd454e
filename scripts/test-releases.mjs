// test-releases.mjs - what `npm run test:releases` runs: the oracle, differential and fixture suites
// and PgBouncer's own sample configurations, against every PgBouncer build named in
// PGBOUNCER_RELEASES, each at its own target version.
//
//   PGBOUNCER_RELEASES='1.21=/path/1.21.0/bin/pgbouncer,1.25=/path/1.25.2/bin/pgbouncer' npm run test:releases
//   ... npm run test:releases -- --record      also adds the summary to test/oracle/releases.md
//
// Keys are "major.minor" (or a full version; the target is its major.minor) and must match what
// the binary reports with --version. Build the binaries with scripts/build-pgbouncer.sh. The
// sample configurations are read from PGBOUNCER_SOURCE_MIRROR (see test/oracle/upstream-samples.ts).
// Each release's full test output goes to .test-tmp/releases/<version>.log; the summary, in
// Markdown, is printed at the end and kept in .test-tmp/releases/summary.md. Exit status 0 only when every suite passed on every release.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SUITES = [
  'test/oracle/oracle.test.ts',
  'test/oracle/differential.test.ts',
  'test/oracle/fixtures.test.ts',
  'test/oracle/upstream-samples.ts',
];
const RECORD = path.join(ROOT, 'test/oracle/releases.md');
const MARK = '<!-- runs: newest first; `npm run test:releases -- --record` adds one here -->';

const record = process.argv.includes('--record');
const unknown = process.argv.slice(2).filter((a) => a !== '--record');
if (unknown.length > 0) stop(`unknown argument(s): ${unknown.join(' ')} (only --record)`);

function stop(message) {
  console.error(`test:releases: ${message}`);
  process.exit(2);
}

// ---- which releases
const given = (process.env.PGBOUNCER_RELEASES ?? '').trim();
if (given === '') {
  stop(
    'PGBOUNCER_RELEASES names no PgBouncer build to test against.\n' +
      '  Build some:  MIRROR_ROOT=/path/to/mirrors bash scripts/build-pgbouncer.sh 1.25.2   (prints the binary path)\n' +
      "  Then:        PGBOUNCER_RELEASES='1.21=/path/bin/pgbouncer,1.25=/other/bin/pgbouncer' npm run test:releases",
  );
}
const releases = given
  .split(',')
  .map((item) => item.trim())
  .filter(Boolean)
  .map((item) => {
    const at = item.indexOf('=');
    if (at <= 0) stop(`"${item}" is not RELEASE=PATH (e.g. 1.25=/path/bin/pgbouncer)`);
    const key = item.slice(0, at).trim();
    const binary = item.slice(at + 1).trim();
    const match = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(key);
    if (!match) stop(`"${key}" is not a release (e.g. 1.25 or 1.25.2)`);
    const target = `${match[1]}.${match[2]}`;
    const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
    if (run.error || run.status !== 0)
      stop(`${binary} (for ${key}) does not run: ${run.error?.message ?? run.stderr}`);
    const lines = run.stdout.trim().split('\n');
    const version = /^PgBouncer (\S+)/.exec(lines[0])?.[1] ?? '';
    if (!(version === key || version.startsWith(`${target}.`)))
      stop(`${binary} is PgBouncer ${version || '(unknown)'}, not ${key}`);
    return { key, target, binary, version, about: lines.map((l) => l.trim()) };
  });
if (releases.length === 0) stop('PGBOUNCER_RELEASES is empty');

// ---- run the suites, one release at a time
const logDir = path.join(ROOT, '.test-tmp/releases');
fs.mkdirSync(logDir, { recursive: true });

function runSuites(release) {
  const summaryFile = path.join(logDir, `${release.version}.summary.jsonl`);
  const logFile = path.join(logDir, `${release.version}.log`);
  fs.rmSync(summaryFile, { force: true });
  const log = fs.createWriteStream(logFile);
  const started = Date.now();
  console.error(
    `test:releases: PgBouncer ${release.version} (${release.binary}), target ${release.target}; log: ${logFile}`,
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...SUITES], {
      cwd: ROOT,
      env: {
        ...process.env,
        PGBOUNCER_BIN: release.binary,
        PGBOUNCER_TARGET: release.target,
        RELEASE_SUMMARY_FILE: summaryFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const keep = (chunk) => {
      log.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', (code) => {
      log.end();
      const counts = tail.match(/^# (tests|pass|fail|skipped) \d+$/gm) ?? [];
      const seconds = Math.round((Date.now() - started) / 1000);
      console.error(
        `test:releases: PgBouncer ${release.version}: ${counts.map((c) => c.slice(2)).join(', ')} (${seconds} s)`,
      );
      const summaries = fs.existsSync(summaryFile)
        ? fs
            .readFileSync(summaryFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line))
        : [];
      resolve({ release, ok: code === 0, code, summaries, seconds, logFile });
    });
  });
}

const results = [];
for (const release of releases) results.push(await runSuites(release));

// ---- the summary
function ours() {
  const head = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout.trim();
  return `${head || 'unknown'}${dirty ? ' (with uncommitted changes)' : ''}`;
}

const ORDER = ['oracle', 'differential cases', 'differential', 'fixtures', 'upstream samples'];
const out = [];
out.push(`### ${new Date().toISOString().slice(0, 10)}, ours at ${ours()}`, '');
for (const { release, ok, code, summaries, seconds, logFile } of results) {
  out.push(
    `#### PgBouncer ${release.version} (target ${release.target}): ${ok ? 'all suites pass' : `FAILED (exit ${code})`}, ${seconds} s`,
    '',
    `${release.about.join('; ')}`,
    '',
    '| suite | cases | PgBouncer starts | refuses | left out | agree | disagree |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const sorted = [...summaries].sort((a, b) => ORDER.indexOf(a.suite) - ORDER.indexOf(b.suite));
  for (const s of sorted) {
    const disagreed = s.disagreed ?? s.disagreements.length;
    const judged = s.accepted + s.rejected;
    out.push(
      `| ${s.suite} | ${s.cases + (s.suite === 'oracle' || s.suite === 'differential cases' ? s.skipped : 0)} | ${s.accepted} | ${s.rejected} | ${s.skipped} | ${judged - disagreed} | ${disagreed} |`,
    );
  }
  const missing = ORDER.filter((suite) => !summaries.some((s) => s.suite === suite));
  if (missing.length > 0)
    out.push(
      '',
      `No summary from: ${missing.join(', ')} (a suite failed early; see ${path.relative(ROOT, logFile)}).`,
    );
  for (const s of sorted) {
    const lines = [...s.disagreements, ...(s.other ?? [])];
    if (lines.length === 0 && !(s.notes ?? []).length) continue;
    out.push('', `${s.suite}:`);
    for (const note of s.notes ?? []) out.push(`- ${note}`);
    for (const line of lines) out.push(`- ${line}`);
  }
  out.push('');
}
const summary = out.join('\n');
console.log(`\n${summary}`);
fs.writeFileSync(path.join(logDir, 'summary.md'), summary);

if (record) {
  const text = fs.existsSync(RECORD)
    ? fs.readFileSync(RECORD, 'utf8')
    : `# Runs of npm run test:releases\n\n${MARK}\n`;
  const at = text.indexOf(MARK);
  const next =
    at < 0
      ? `${text.trimEnd()}\n\n${MARK}\n\n${summary}`
      : `${text.slice(0, at + MARK.length)}\n\n${summary}${text.slice(at + MARK.length).replace(/^\n*/, '\n')}`;
  fs.writeFileSync(RECORD, next);
  // The record is committed: formatted as the project formats Markdown (npm test checks it).
  spawnSync(path.join(ROOT, 'node_modules', '.bin', 'prettier'), ['--write', RECORD], { stdio: 'ignore' });
  console.error(`test:releases: added to ${path.relative(ROOT, RECORD)}`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
