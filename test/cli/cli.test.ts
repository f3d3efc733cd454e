// End-to-end tests of the built CLI (dist/cli.js, from `npm run build`): every fixture through the JSON,
// text and SARIF formats, exit codes, usage errors, unreadable files, standard input, %include chains.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import Ajv from 'ajv';
import packageJson from '../../package.json';
import { DESCRIPTIONS } from '../../server/src/analysis/descriptions';
import { DEPLOYMENT_DESCRIPTIONS } from '../../server/src/deployment/descriptions';
import {
  FIXTURES_DIR,
  loadFixtures,
  relevant,
  portableMessage,
  runDirectoryOf,
  sortDiagnostics,
} from '../support/fixtures';
import type { ExpectedDiagnostic, Fixture, FixtureExpectation } from '../support/fixtures';
import { CLI, ROOT, runCli as cli } from '../support/cli-run';
import type { CliRun as Run } from '../support/cli-run';
import { SARIF_SUBSET_SCHEMA } from './sarif-subset';

const CLI_FIXTURES = path.join(FIXTURES_DIR, 'cli');

interface JsonDiagnostic extends ExpectedDiagnostic {
  file: string;
  link?: string;
}

function json(run: Run): JsonDiagnostic[] {
  const report = JSON.parse(run.stdout) as { diagnostics: JsonDiagnostic[] };
  assert.deepEqual(Object.keys(report), ['diagnostics']);
  return report.diagnostics;
}

/** Forward slashes: the file names the CLI prints for paths given relative to the repository root. */
function relative(file: string): string {
  return path.relative(ROOT, file).split(path.sep).join('/');
}

/** Exit code 2, nothing on stdout, one line on stderr naming the program, and no stack trace. */
function assertCleanFailure(run: Run, message: RegExp): void {
  assert.equal(run.status, 2, `exit code 2 expected; stderr: ${run.stderr}`);
  assert.equal(run.stdout, '');
  assertOneLineError(run.stderr, message);
}

function assertOneLineError(stderr: string, message: RegExp): void {
  assert.match(
    stderr,
    /^pgbouncer-lint: [^\n]+\n$/,
    `one line on stderr expected, got: ${JSON.stringify(stderr)}`,
  );
  assert.match(stderr, message);
  assert.doesNotMatch(stderr, /\n\s+at |Error:/, 'no stack trace');
}

/** test/fixtures/cli/NAME.ini with NAME.expected.json, the CLI's own fixtures (same format). */
function loadCliFixtures(): Fixture[] {
  return fs
    .readdirSync(CLI_FIXTURES)
    .filter(
      (file) =>
        file.endsWith('.ini') &&
        fs.existsSync(path.join(CLI_FIXTURES, file.replace(/\.ini$/, '.expected.json'))),
    )
    .sort()
    .map((file) => {
      const iniPath = path.join(CLI_FIXTURES, file);
      const expected = JSON.parse(
        fs.readFileSync(iniPath.replace(/\.ini$/, '.expected.json'), 'utf8'),
      ) as FixtureExpectation;
      return {
        name: `cli/${file.replace(/\.ini$/, '')}`,
        iniPath,
        text: fs.readFileSync(iniPath, 'utf8'),
        expected,
      };
    });
}

/** The newest modification time of the files that go into dist/cli.js. */
function newestSource(): number {
  let newest = 0;
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  visit(path.join(ROOT, 'server', 'src'));
  visit(path.join(ROOT, 'schemas'));
  return Math.max(newest, fs.statSync(path.join(ROOT, 'package.json')).mtimeMs);
}

before(() => {
  if (!fs.existsSync(CLI)) {
    throw new Error(
      `${relative(CLI)} does not exist: run \`npm run build\` before these tests (\`npm test\` does).`,
    );
  }
  if (fs.statSync(CLI).mtimeMs < newestSource()) {
    throw new Error(
      `${relative(CLI)} is older than its sources: run \`npm run build\` before these tests (\`npm test\` does).`,
    );
  }
});

const fixtures = [...loadFixtures(), ...loadCliFixtures()];

function fixtureArgs(fixture: Fixture, format: string): string[] {
  const args = ['--format', format];
  if (fixture.expected.targetVersion) args.push('--target-version', fixture.expected.targetVersion);
  const runDirectory = runDirectoryOf(fixture);
  // Relative to the current directory, as a user would type it.
  if (runDirectory) args.push('--run-dir', relative(runDirectory) || '.');
  args.push(relative(fixture.iniPath));
  return args;
}

test('there are fixtures to run', () => {
  assert.ok(fixtures.length >= 1, 'no fixtures found under test/fixtures');
  assert.ok(loadCliFixtures().length >= 3, 'the CLI fixtures under test/fixtures/cli are missing');
});

// ---------------------------------------------------------------------------------------------------
// Every fixture, every format

for (const fixture of fixtures) {
  test(`json: fixture ${fixture.name}`, () => {
    const run = cli(fixtureArgs(fixture, 'json'));
    assert.equal(run.stderr, '');
    const file = relative(fixture.iniPath);
    const diagnostics = json(run);
    for (const d of diagnostics) {
      assert.deepEqual(Object.keys(d), [
        'file',
        'line',
        'column',
        'endLine',
        'endColumn',
        'severity',
        'code',
        'message',
        // Only on findings with a page of their own (security advisories).
        ...(d.code === 'known-vulnerability' ? ['link'] : []),
      ]);
      assert.ok(['error', 'warning', 'information', 'hint'].includes(d.severity));
      assert.ok(d.line >= 1 && d.column >= 1 && d.endLine >= d.line && d.endColumn >= 1);
      // Findings elsewhere are in included files, named relative to the current directory.
      if (d.file !== file) assert.ok(fs.existsSync(path.join(ROOT, d.file)), `${d.file} is not a file`);
    }
    const own = diagnostics
      .filter((d) => d.file === file)
      // The fixtures' expectations, shared with the unit and protocol tests, have no links.
      .map(({ file: _file, link: _link, ...d }) => ({ ...d, message: portableMessage(d.message) }));
    assert.deepEqual(sortDiagnostics(relevant(fixture, own)), sortDiagnostics(fixture.expected.diagnostics));
    const hasError = fixture.expected.diagnostics.some((d) => d.severity === 'error');
    assert.equal(run.status, hasError ? 1 : 0, `exit code 1 iff an error is expected`);
  });
}

const ESC = '\x1b';

const LINE = /^(.+):(\d+):(\d+): (error|warning|information|hint) ([a-z0-9-]+): (.*)$/;

for (const fixture of fixtures) {
  test(`text: fixture ${fixture.name} says what the JSON says`, () => {
    const diagnostics = json(cli(fixtureArgs(fixture, 'json')));
    const run = cli(fixtureArgs(fixture, 'text'));
    assert.equal(run.stderr, '');
    assert.equal(run.status, diagnostics.some((d) => d.severity === 'error') ? 1 : 0);
    assert.ok(!run.stdout.includes(ESC), 'no colours when stdout is not a terminal');
    const lines = run.stdout.split('\n');
    assert.equal(lines.pop(), '', 'output ends with a newline');
    const summary = lines.pop()!;
    if (diagnostics.length === 0) {
      assert.deepEqual(lines, []);
      assert.equal(summary, 'No problems found in 1 file.');
      return;
    }
    assert.equal(lines.pop(), '', 'a blank line before the summary');
    const parsed = lines.map((line) => {
      const match = LINE.exec(line);
      assert.ok(match, `not a finding line: ${line}`);
      return [match[1], Number(match[2]), Number(match[3]), match[4], match[5], match[6]];
    });
    assert.deepEqual(
      parsed,
      diagnostics.map((d) => [d.file, d.line, d.column, d.severity, d.code, d.message]),
    );
    const count = (severity: string) => diagnostics.filter((d) => d.severity === severity).length;
    const errors = count('error');
    const warnings = count('warning');
    assert.match(
      summary,
      new RegExp(`^${errors} errors?, ${warnings} warnings?(, \\d+ info)?(, \\d+ hints?)? in 1 file$`),
    );
  });
}

const ajv = new Ajv({ allErrors: true });
const validateSarif = ajv.compile(SARIF_SUBSET_SCHEMA);

interface SarifLocation {
  id?: number;
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  };
  message?: { text: string };
}

interface SarifLog {
  runs: {
    tool: { driver: { version: string; rules: { id: string }[] } };
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications?: { message: { text: string } }[];
    }[];
    originalUriBaseIds: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: SarifLocation[];
      relatedLocations?: SarifLocation[];
      partialFingerprints: Record<string, string>;
    }[];
  }[];
}

function sarif(run: Run): SarifLog {
  const log = JSON.parse(run.stdout) as SarifLog;
  assert.ok(
    validateSarif(log),
    `SARIF does not validate: ${ajv.errorsText(validateSarif.errors, { separator: '\n' })}`,
  );
  const [{ tool, results, originalUriBaseIds }] = log.runs;
  assert.equal(originalUriBaseIds['%SRCROOT%'].uri, `${new URL(`file://${ROOT}/`).href}`);
  for (const result of results) {
    assert.equal(tool.driver.rules[result.ruleIndex].id, result.ruleId, 'ruleIndex points at the rule');
    for (const location of [...result.locations, ...(result.relatedLocations ?? [])]) {
      const { artifactLocation, region } = location.physicalLocation;
      if (artifactLocation.uriBaseId) {
        assert.ok(!artifactLocation.uri.startsWith('/') && !artifactLocation.uri.includes('..'));
        assert.ok(
          fs.existsSync(path.join(ROOT, decodeURIComponent(artifactLocation.uri))),
          `${artifactLocation.uri} exists`,
        );
      }
      assert.ok(
        region.endLine > region.startLine ||
          (region.endLine === region.startLine && region.endColumn >= region.startColumn),
        'the region ends after it starts',
      );
    }
  }
  return log;
}

const LEVEL: Record<string, string> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

test('sarif: every fixture validates, with one result per JSON diagnostic', () => {
  for (const fixture of fixtures) {
    const diagnostics = json(cli(fixtureArgs(fixture, 'json')));
    const run = cli(fixtureArgs(fixture, 'sarif'));
    assert.equal(run.stderr, '', fixture.name);
    assert.equal(run.status, diagnostics.some((d) => d.severity === 'error') ? 1 : 0, fixture.name);
    const [{ tool, results, invocations }] = sarif(run).runs;
    assert.equal(tool.driver.version, packageJson.version);
    assert.deepEqual(
      tool.driver.rules.map((rule) => rule.id),
      [...DESCRIPTIONS, ...DEPLOYMENT_DESCRIPTIONS].map((d) => d.id),
    );
    assert.deepEqual(invocations, [{ executionSuccessful: true }]);
    assert.deepEqual(
      results.map((r) => {
        const { artifactLocation, region } = r.locations[0].physicalLocation;
        return [
          decodeURIComponent(artifactLocation.uri),
          region.startLine,
          region.startColumn,
          region.endLine,
          region.endColumn,
          r.ruleId,
          r.level,
          r.message.text,
        ];
      }),
      diagnostics.map((d) => [
        d.file,
        d.line,
        d.column,
        d.endLine,
        d.endColumn,
        d.code,
        LEVEL[d.severity],
        d.message,
      ]),
      fixture.name,
    );
  }
});

test('sarif: the output is the same from run to run (stable fingerprints)', () => {
  const files = fixtures.map((fixture) => relative(fixture.iniPath));
  const first = cli(['--format', 'sarif', ...files]);
  const second = cli(['--format', 'sarif', ...files]);
  assert.equal(first.stdout, second.stdout);
  const fingerprints = sarif(first).runs[0].results.map(
    (r) =>
      `${r.locations[0].physicalLocation.artifactLocation.uri} ${r.partialFingerprints.primaryLocationLineHash}`,
  );
  assert.equal(new Set(fingerprints).size, fingerprints.length, 'fingerprints are unique within a file');
});

// ---------------------------------------------------------------------------------------------------
// Include chains, --run-dir, standard input, several files

test('include chain: the error is reported in the included file and on the include line', () => {
  const main = 'test/fixtures/cli/include-chain.ini';
  const level2 = 'test/fixtures/cli/include-chain/level2.ini';
  const run = cli(['--format', 'json', main]);
  assert.equal(run.status, 1);
  const diagnostics = json(run);
  assert.deepEqual(
    diagnostics.map((d) => [d.file, d.line, d.column, d.severity, d.code]),
    [
      [main, 4, 10, 'error', 'include-has-errors'],
      [level2, 2, 21, 'warning', 'octal-number'],
      [level2, 3, 1, 'error', 'unknown-setting'],
    ],
  );
  assert.match(diagnostics[0].message, /include-chain\/level2\.ini:3 \(unknown setting\)/);
  // Nothing written in the included files is repeated: the kind of problem and where it is.
  assert.ok(diagnostics.every((d) => !d.message.includes('no_such_setting')));
  assert.match(diagnostics[2].message, /^Unknown setting \(level2\.ini, line 3, a \[pgbouncer\] line\)/);

  const text = cli([main]);
  assert.equal(text.status, 1);
  assert.ok(
    text.stdout.includes(`${level2}:3:1: error unknown-setting: Unknown setting (level2.ini, line 3, `),
  );
  assert.ok(text.stdout.includes(`${main}:4:10: error include-has-errors: `));
  assert.ok(text.stdout.endsWith('\n2 errors, 1 warning in 1 file\n'));

  const [{ results }] = sarif(cli(['--format', 'sarif', main])).runs;
  const summary = results.find((r) => r.ruleId === 'include-has-errors')!;
  assert.equal(summary.locations[0].physicalLocation.artifactLocation.uri, main);
  assert.deepEqual(
    summary.relatedLocations?.map((l) => [
      l.physicalLocation.artifactLocation.uri,
      l.physicalLocation.region.startLine,
    ]),
    [[level2, 3]],
  );
});

test('--run-dir: %include is resolved from the run directory, given relative to the current directory', () => {
  const main = 'test/fixtures/cli/run-dir/conf/main.ini';
  const without = cli(['--format', 'json', main]);
  assert.equal(without.status, 1);
  assert.deepEqual(
    json(without).map((d) => d.code),
    ['include-not-found'],
  );
  const withRunDir = cli(['--format', 'json', '--run-dir', 'test/fixtures/cli/run-dir', main]);
  assert.equal(withRunDir.status, 0);
  assert.deepEqual(json(withRunDir), []);
  // Relative to the current directory, not to the file.
  const elsewhere = cli(['--format', 'json', '--run-dir', '.', 'conf/main.ini'], {
    cwd: path.join(CLI_FIXTURES, 'run-dir'),
  });
  assert.equal(elsewhere.status, 0);
  assert.deepEqual(json(elsewhere), []);
});

test('standard input: - reads the configuration and names it <stdin>', () => {
  const input = '[pgbouncer]\nlisten_port = 6432\nbogus_setting = 1\n';
  const run = cli(['--format', 'json', '--rule', '*=off', '-'], { input });
  assert.equal(run.status, 1);
  assert.deepEqual(
    json(run).map((d) => [d.file, d.line, d.column, d.code]),
    [['<stdin>', 3, 1, 'unknown-setting']],
  );
  const text = cli(['--rule', '*=off', '-'], { input });
  assert.match(text.stdout, /^<stdin>:3:1: error unknown-setting: /);
  const clean = cli(['--rule', '*=off', '-'], { input: '[pgbouncer]\n' });
  assert.equal(clean.status, 0);
  assert.equal(clean.stdout, 'No problems found in 1 file.\n');
  const [{ results }] = sarif(cli(['--format', 'sarif', '--rule', '*=off', '-'], { input })).runs;
  assert.deepEqual(results[0].locations[0].physicalLocation.artifactLocation, { uri: '%3Cstdin%3E' });
});

test('several files: findings sorted by file, line and column; one summary', () => {
  const a = 'test/fixtures/cli/warnings-only.ini';
  const b = 'test/fixtures/cli/utf16.ini';
  const run = cli(['--format', 'json', a, b]);
  assert.equal(run.status, 1);
  const diagnostics = json(run);
  assert.deepEqual([...new Set(diagnostics.map((d) => d.file))], [b, a]);
  const text = cli([a, b]);
  assert.ok(text.stdout.endsWith('\n2 errors, 3 warnings in 2 files\n'), text.stdout);
});

test('exit code 0 with warnings only; --quiet shows errors only', () => {
  const file = 'test/fixtures/cli/warnings-only.ini';
  const run = cli([file]);
  assert.equal(run.status, 0);
  assert.ok(run.stdout.endsWith('\n0 errors, 2 warnings in 1 file\n'));
  const quiet = cli(['--quiet', file]);
  assert.equal(quiet.status, 0);
  assert.equal(quiet.stdout, '');
  assert.deepEqual(json(cli(['--quiet', '--format', 'json', file])), []);
  const mixed = cli(['--quiet', 'test/fixtures/cli/utf16.ini']);
  assert.equal(mixed.status, 1);
  assert.doesNotMatch(mixed.stdout, /warning/);
  assert.ok(mixed.stdout.endsWith('\n2 errors in 1 file\n'));
});

test('colours: FORCE_COLOR turns them on, --no-color and NO_COLOR keep them off', () => {
  const file = 'test/fixtures/cli/utf16.ini';
  assert.ok(!cli([file]).stdout.includes(ESC));
  const forced = cli([file], { env: { FORCE_COLOR: '1' } }).stdout;
  assert.ok(forced.includes('\x1b[1m\x1b[31merror\x1b[0m'), forced);
  assert.ok(forced.includes('\x1b[2munknown-parameter\x1b[0m'));
  assert.ok(!cli(['--no-color', file], { env: { FORCE_COLOR: '1' } }).stdout.includes(ESC));
  assert.ok(!cli([file], { env: { NO_COLOR: '1' } }).stdout.includes(ESC));
  assert.ok(!cli(['--format', 'json', file], { env: { FORCE_COLOR: '1' } }).stdout.includes(ESC));
});

test('--help and --version', () => {
  const help = cli(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: pgbouncer-lint /);
  for (const option of ['--format', '--target-version', '--profile', '--run-dir', '--no-color', '--quiet']) {
    assert.ok(help.stdout.includes(option), option);
  }
  const version = cli(['--version']);
  assert.equal(version.status, 0);
  assert.equal(version.stdout, `pgbouncer-lint ${packageJson.version}\n`);
});

test('--target-version and --profile change what is accepted, not how it is reported', () => {
  const input = '[pgbouncer]\nmax_prepared_statements = 100\n';
  assert.equal(cli(['-'], { input }).status, 0);
  const old = cli(['--format', 'json', '--rule', '*=off', '--target-version', '1.18', '-'], { input });
  assert.equal(old.status, 1);
  assert.deepEqual(
    json(old).map((d) => d.code),
    ['newer-than-target'],
  );
  assert.equal(cli(['--profile', 'development', '-'], { input }).status, 0);
});

test('a finding with a page of its own (a security advisory) carries its link in JSON and SARIF', () => {
  const input = '[pgbouncer]\nlisten_addr = 127.0.0.1\n';
  const args = ['--rule', '*=off', '--rule', 'known-vulnerability=warning', '--target-version', '1.21'];
  const found = json(cli(['--format', 'json', ...args, '-'], { input }));
  assert.ok(found.length > 0);
  for (const d of found) {
    assert.equal(d.code, 'known-vulnerability');
    assert.match(d.link ?? '', /^https:\/\//, d.message);
  }
  const log = sarif(cli(['--format', 'sarif', ...args, '-'], { input }));
  const results = log.runs[0].results as unknown as { message: { text: string; markdown?: string } }[];
  assert.equal(results.length, found.length);
  for (const [i, result] of results.entries()) {
    assert.equal(result.message.text, found[i].message);
    assert.ok(result.message.markdown?.includes(`](${found[i].link})`), result.message.markdown);
  }
});

// ---------------------------------------------------------------------------------------------------
// Usage errors and unreadable files: exit 2, one line on stderr, no stack trace

test('usage errors', () => {
  assertCleanFailure(cli([]), /no FILE given/);
  assertCleanFailure(cli(['--bogus', 'x.ini']), /unknown option '--bogus'/);
  assertCleanFailure(cli(['--format', 'xml', 'x.ini']), /invalid --format 'xml'/);
  assertCleanFailure(cli(['--format']), /'--format' needs a value/);
  assertCleanFailure(
    cli(['--target-version', '1.99', 'x.ini']),
    /invalid --target-version '1\.99': .*1\.18.*unreleased/,
  );
  assertCleanFailure(
    cli(['--profile', 'strict', 'x.ini']),
    /invalid --profile 'strict': use production or development/,
  );
  assertCleanFailure(
    cli(['--run-dir', 'no/such/dir', 'test/fixtures/cli/utf16.ini']),
    /invalid --run-dir 'no\/such\/dir': No such file or directory/,
  );
  assertCleanFailure(
    cli(['--run-dir', 'package.json', 'test/fixtures/cli/utf16.ini']),
    /invalid --run-dir 'package\.json': Not a directory/,
  );
});

test('a missing file', () => {
  assertCleanFailure(
    cli(['no-such.ini']),
    /^pgbouncer-lint: cannot read 'no-such\.ini': No such file or directory\n$/,
  );
  // JSON and SARIF still print a document (with nothing in it) for the tools that read them.
  const asJson = cli(['--format', 'json', 'no-such.ini']);
  assert.equal(asJson.status, 2);
  assertOneLineError(asJson.stderr, /cannot read 'no-such\.ini': No such file or directory/);
  assert.deepEqual(json(asJson), []);
});

test('a directory is audited as a deployment: its pgbouncer.ini files are linted, with paths under it', () => {
  const run = cli(['--format', 'json', 'test/fixtures/cli']);
  assert.equal(run.stderr, '');
  const files = new Set(json(run).map((d) => d.file));
  assert.ok(files.has('test/fixtures/cli/utf16.ini'), [...files].join(', '));
  assert.ok([...files].every((file) => file.startsWith('test/fixtures/cli/')));
});

test('a character device is refused as a FILE, exit 2', () => {
  assertCleanFailure(cli(['/dev/null']), /^pgbouncer-lint: cannot read '\/dev\/null': .*\n$/);
});

let scratch: string | undefined;
after(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

test('a file without read permission', (t) => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-lint-'));
  const file = path.join(scratch, 'secret.ini');
  fs.writeFileSync(file, '[pgbouncer]\n');
  fs.chmodSync(file, 0o000);
  try {
    fs.readFileSync(file);
    // root (and CAP_DAC_OVERRIDE) reads it anyway; the directory case above covers an unreadable FILE.
    t.skip('this user can read a mode-000 file (root): nothing to test');
    return;
  } catch {
    // unreadable, as intended
  }
  assertCleanFailure(cli([file]), /cannot read '.*secret\.ini': Permission denied\n$/);
});

test('an unreadable file does not stop the others from being linted, and exit 2 wins', () => {
  const good = 'test/fixtures/cli/utf16.ini';
  const text = cli(['no-such.ini', good]);
  assert.equal(text.status, 2);
  assertOneLineError(text.stderr, /cannot read 'no-such\.ini'/);
  assert.ok(text.stdout.includes(`${good}:5:46: error unknown-parameter`));
  assert.ok(text.stdout.endsWith(' in 1 file\n'));

  const asJson = cli(['--format', 'json', good, 'no-such.ini']);
  assert.equal(asJson.status, 2);
  assert.equal(json(asJson).length, 3);

  const asSarif = cli(['--format', 'sarif', good, 'no-such.ini']);
  assert.equal(asSarif.status, 2);
  const [{ invocations, results }] = sarif(asSarif).runs;
  assert.equal(results.length, 3);
  assert.equal(invocations[0].executionSuccessful, false);
  assert.deepEqual(
    invocations[0].toolExecutionNotifications?.map((n) => n.message.text),
    ["cannot read 'no-such.ini': No such file or directory"],
  );

  const warningsOnly = cli(['test/fixtures/cli/warnings-only.ini', 'no-such.ini']);
  assert.equal(warningsOnly.status, 2);
});

test('an internal error: a message on stderr and exit 2; the stack only with PGBOUNCER_LINT_DEBUG=1', () => {
  // Make the JSON formatter fail from inside the bundle.
  const nodeArgs = ['--import=data:text/javascript,JSON.stringify = () => { throw new Error("boom"); };'];
  const args = ['--format', 'json', 'test/fixtures/cli/utf16.ini'];
  const run = cli(args, { nodeArgs });
  assert.equal(run.status, 2);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^pgbouncer-lint: internal error: boom\n/);
  assert.match(run.stderr, /PGBOUNCER_LINT_DEBUG=1/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  const debug = cli(args, { nodeArgs, env: { PGBOUNCER_LINT_DEBUG: '1' } });
  assert.equal(debug.status, 2);
  assert.match(debug.stderr, /^pgbouncer-lint: internal error: Error: boom\n\s+at /);
});

test('--fix applies safe fixes only, --fix=all recommended ones too; stderr says which were applied', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-lint-fix-'));
  try {
    const file = path.join(dir, 'pgbouncer.ini');
    const original =
      '[pgbouncer]\nlisten_addr = 127.0.0.1\nmax_client_conn = 100\nmax_client_conn = 200\n' +
      'client_idle_timeout = 0\n';
    fs.writeFileSync(file, original);
    const rules = ['--rule', '*=off', '--rule', 'client-idle-timeout-disabled=warning'];
    const safe = cli(['--fix', '--format', 'json', '--target-version', '1.18', ...rules, file]);
    // The line without effect goes; the timeout, which changes what PgBouncer does, stays.
    const afterSafe =
      '[pgbouncer]\nlisten_addr = 127.0.0.1\nmax_client_conn = 200\nclient_idle_timeout = 0\n';
    assert.equal(fs.readFileSync(file, 'utf8'), afterSafe);
    assert.deepEqual(
      json(safe).map((d) => d.code),
      ['client-idle-timeout-disabled'],
    );
    assert.equal(safe.status, 0);
    assert.equal(
      safe.stderr,
      `pgbouncer-lint: ${file}: 1 safe fix applied; 1 recommended fix not applied: ` +
        'they change what PgBouncer does, --fix=all applies them\n',
    );

    fs.writeFileSync(file, original);
    const all = cli(['--fix=all', '--format', 'json', '--target-version', '1.18', ...rules, file]);
    assert.equal(
      fs.readFileSync(file, 'utf8'),
      '[pgbouncer]\nlisten_addr = 127.0.0.1\nmax_client_conn = 200\nclient_idle_timeout = 900\n',
    );
    assert.deepEqual(json(all), []);
    assert.equal(all.status, 0);
    assert.equal(
      all.stderr,
      `pgbouncer-lint: ${file}: 1 safe fix and 1 recommended fix applied ` +
        '(recommended fixes change what PgBouncer does)\n',
    );

    fs.writeFileSync(file, original);
    cli(['--fix=safe', '--target-version', '1.18', ...rules, file]);
    assert.equal(fs.readFileSync(file, 'utf8'), afterSafe, '--fix=safe is --fix');

    assertCleanFailure(cli(['--fix=some', file]), /invalid --fix 'some': use safe or all/);
    assertCleanFailure(cli(['--quiet=1', file]), /option '--quiet' takes no value/);
    assertCleanFailure(
      cli(['--fix', '-'], { input: '[pgbouncer]\n' }),
      /--fix cannot rewrite standard input/,
    );
    assert.match(
      cli(['--help']).stdout,
      /\n {6}--fix\[=safe\|all\] +rewrite the files with their safe fixes/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
