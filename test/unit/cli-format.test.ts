// The CLI's pieces as plain functions: argument parsing, turning findings into CLI diagnostics, and the
// text, JSON and SARIF formatters. test/cli/cli.test.ts runs the built CLI end to end.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import packageJson from '../../package.json';
import { DESCRIPTIONS } from '../../server/src/analysis/descriptions';
import { DEPLOYMENT_DESCRIPTIONS } from '../../server/src/deployment/descriptions';
import { defaultOptions, OPTIONS, parseCliArgs, usageText } from '../../server/src/cli/args';
import { PROFILES } from '../../server/src/rules/rule';
import type { CliOptions } from '../../server/src/cli/args';
import {
  collectDiagnostics,
  countBySeverity,
  displayPath,
  STDIN_NAME,
} from '../../server/src/cli/diagnostics';
import type { CliDiagnostic } from '../../server/src/cli/diagnostics';
import { formatJson } from '../../server/src/cli/format-json';
import {
  artifactLocation,
  buildSarif,
  informationUri,
  lineHash,
  pascalCase,
  sarifLevel,
  SRCROOT,
} from '../../server/src/cli/format-sarif';
import { formatText, printable, summaryLine, useColor } from '../../server/src/cli/format-text';
import { lintText } from '../../server/src/analysis/engine';
import { NEWEST_RELEASE } from '../../server/src/catalog/catalog';
import { CHECKS } from '../../server/src/checks/check-list';
import { memoryFileSystem } from '../support/memory-fs';

const CWD = path.resolve('/project');
const ESC = '\x1b';

function parsed(argv: string[]): CliOptions {
  const outcome = parseCliArgs(argv);
  assert.ok(
    outcome.ok,
    `expected ${JSON.stringify(argv)} to parse, got: ${outcome.ok ? '' : outcome.message}`,
  );
  return outcome.options;
}

function usageError(argv: string[]): string {
  const outcome = parseCliArgs(argv);
  assert.ok(!outcome.ok, `expected ${JSON.stringify(argv)} to be a usage error`);
  assert.doesNotMatch(outcome.message, /\n/, 'usage errors are one line');
  return outcome.message;
}

function diagnostic(overrides: Partial<CliDiagnostic> = {}): CliDiagnostic {
  return {
    file: 'pgbouncer.ini',
    absolutePath: path.join(CWD, 'pgbouncer.ini'),
    line: 3,
    column: 5,
    endLine: 3,
    endColumn: 9,
    severity: 'error',
    code: 'unknown-setting',
    message: "Unknown setting 'foo' in [pgbouncer]; PgBouncer refuses to start.",
    related: [],
    lineText: 'foo = 1',
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------------
// Arguments

test('args: defaults', () => {
  const options = parsed(['pgbouncer.ini']);
  assert.equal(options.format, 'text');
  // Absent: the project file decides, else the newest release and production.
  assert.equal(options.target, undefined);
  assert.equal(options.profile, undefined);
  assert.deepEqual(options.rules, {});
  assert.equal(options.runDirectory, undefined);
  assert.equal(options.color, undefined);
  assert.equal(options.quiet, false);
  assert.deepEqual(options.files, ['pgbouncer.ini']);
  assert.deepEqual({ ...defaultOptions(), files: ['pgbouncer.ini'] }, options);
});

test('args: every option, with separate and inline values', () => {
  const options = parsed([
    '--format',
    'sarif',
    '--target-version=1.18',
    '--profile',
    'development',
    '--run-dir',
    '/etc/pgbouncer',
    '--no-color',
    '--quiet',
    'a.ini',
    '-',
    'b.ini',
  ]);
  assert.equal(options.format, 'sarif');
  assert.equal(options.target?.label, '1.18');
  assert.equal(options.profile, 'development');
  assert.equal(options.runDirectory, '/etc/pgbouncer');
  assert.equal(options.color, false);
  assert.equal(options.quiet, true);
  assert.deepEqual(options.files, ['a.ini', '-', 'b.ini']);
});

test('args: target versions in every accepted form', () => {
  assert.equal(parsed(['--target-version', '1.25.1', 'x']).target?.label, '1.25.1');
  assert.equal(parsed(['--target-version', 'unreleased', 'x']).target?.unreleased, true);
  assert.equal(parsed(['--target-version', '1.3', 'x']).target?.label, '1.3');
});

test('args: --rule sets severities, repeatable, later ones win', () => {
  assert.deepEqual(
    parsed(['--rule', '*=off', '--rule', 'syslog-disabled=warning', '--rule=*=hint', 'x']).rules,
    {
      '*': 'hint',
      'syslog-disabled': 'warning',
    },
  );
  assert.equal(parseCliArgs(['--rule', 'x=loud', 'a.ini']).ok, false);
  assert.equal(parseCliArgs(['--rule', 'novalue', 'a.ini']).ok, false);
});

test('args: the last of a repeated option wins; -- ends the options', () => {
  const options = parsed(['--format', 'json', '--format', 'text', '--', '--not-an-option.ini']);
  assert.equal(options.format, 'text');
  assert.deepEqual(options.files, ['--not-an-option.ini']);
});

test('args: usage errors', () => {
  assert.match(usageError([]), /no FILE given/);
  assert.match(usageError(['--quiet']), /no FILE given/);
  assert.match(usageError(['--bogus', 'x.ini']), /unknown option '--bogus'/);
  assert.match(usageError(['-x', 'x.ini']), /unknown option '-x'/);
  assert.match(usageError(['--fix', '-']), /--fix cannot rewrite standard input/);
  assert.match(usageError(['x.ini', '--format']), /'--format' needs a value/);
  assert.match(usageError(['--format', '--quiet', 'x.ini']), /'--format' needs a value/);
  assert.match(usageError(['--format', 'xml', 'x.ini']), /invalid --format 'xml': use text, json or sarif/);
  assert.match(usageError(['--quiet=yes', 'x.ini']), /'--quiet' takes no value/);
  assert.match(usageError(['--run-dir=', 'x.ini']), /--run-dir/);
});

test('args: a bad --target-version lists the valid forms', () => {
  for (const bad of ['2.0', '1.99', 'latest', '1', '']) {
    const message = usageError(['--target-version', bad, 'x.ini']);
    assert.match(message, new RegExp(`invalid --target-version '${bad.replace(/\./g, '\\.')}'`));
    assert.match(message, /1\.18/);
    assert.match(message, new RegExp(NEWEST_RELEASE.replace('.', '\\.')));
    assert.match(message, /unreleased/);
  }
});

test('args: --profile accepts production and development only', () => {
  for (const profile of PROFILES) assert.equal(parsed(['--profile', profile, 'x']).profile, profile);
  assert.match(
    usageError(['--profile', 'strict', 'x.ini']),
    /invalid --profile 'strict': use production or development/,
  );
});

test('args: --help and --version answer without FILE and next to bad values', () => {
  assert.equal(parsed(['--help']).help, true);
  assert.equal(parsed(['-h']).help, true);
  assert.equal(parsed(['--version']).version, true);
  assert.equal(parsed(['--help', '--format', 'xml']).help, true);
  assert.match(usageError(['--help', '--bogus']), /unknown option/);
});

test('args: the help names every option', () => {
  const help = usageText();
  for (const spec of OPTIONS)
    assert.ok(help.includes(`--${spec.name}`), `--${spec.name} is missing from the help`);
  assert.match(help, /^Usage: pgbouncer-lint /);
  assert.match(help, /Exit status/);
});

// ---------------------------------------------------------------------------------------------------
// Findings to CLI diagnostics

test('diagnostics: main file as given, included files relative to the current directory, sorted', () => {
  const fileSystem = memoryFileSystem({
    [path.join(CWD, 'conf', 'child.ini')]: '[databases]\nchild = host=x nosuch=1\n',
  });
  const text = '[pgbouncer]\nmax_client_conn = 010\n%include child.ini\n';
  const result = lintText(text, {
    filePath: 'conf/main.ini',
    fileSystem,
    runDirectory: path.join(CWD, 'conf'),
    rules: { '*': 'off' },
  });
  const diagnostics = collectDiagnostics([{ name: 'conf/main.ini', result }], CWD);
  assert.deepEqual(
    diagnostics.map((d) => [d.file, d.line, d.column, d.endLine, d.endColumn, d.severity, d.code]),
    [
      [path.join('conf', 'child.ini'), 2, 16, 2, 22, 'error', 'unknown-parameter'],
      ['conf/main.ini', 2, 19, 2, 22, 'warning', 'octal-number'],
      ['conf/main.ini', 3, 10, 3, 19, 'error', 'include-has-errors'],
    ],
  );
  const summary = diagnostics[2];
  assert.equal(summary.lineText, '%include child.ini');
  assert.equal(summary.related.length, 1);
  assert.equal(summary.related[0].file, path.join('conf', 'child.ini'));
  assert.equal(summary.related[0].line, 2);
  assert.equal(summary.related[0].absolutePath, path.join(CWD, 'conf', 'child.ini'));
});

test('diagnostics: a finding reported for two FILE arguments (a shared include) is kept once', () => {
  const shared = path.join(CWD, 'shared.ini');
  const fileSystem = memoryFileSystem({ [shared]: 'bogus_setting = 1\n' });
  const lint = (name: string) => ({
    name,
    result: lintText('[pgbouncer]\n%include shared.ini\n', { filePath: name, fileSystem, runDirectory: CWD }),
  });
  const diagnostics = collectDiagnostics([lint('a.ini'), lint('b.ini')], CWD);
  assert.equal(diagnostics.filter((d) => d.code === 'unknown-setting').length, 1);
  assert.deepEqual(
    diagnostics.filter((d) => d.code === 'include-has-errors').map((d) => d.file),
    ['a.ini', 'b.ini'],
  );
});

test('diagnostics: standard input has no path; columns are UTF-16 code units', () => {
  const result = lintText('[pgbouncer]\nadmin_users = é😀 ; admins\n', {
    filePath: STDIN_NAME,
    rules: { '*': 'off' },
  });
  const [d] = collectDiagnostics([{ name: STDIN_NAME, result }], CWD);
  assert.equal(d.file, STDIN_NAME);
  assert.equal(d.absolutePath, null);
  assert.equal(d.code, 'inline-comment');
  assert.equal(d.column, 'admin_users = é😀 '.length + 1);
});

test('displayPath: relative inside the current directory, absolute outside', () => {
  assert.equal(displayPath(path.join(CWD, 'a', 'b.ini'), CWD), path.join('a', 'b.ini'));
  assert.equal(displayPath(path.resolve('/elsewhere/b.ini'), CWD), path.resolve('/elsewhere/b.ini'));
  assert.equal(displayPath(path.join(CWD, '..notparent', 'x.ini'), CWD), path.join('..notparent', 'x.ini'));
});

// ---------------------------------------------------------------------------------------------------
// Text

test('text: one line per finding and a summary', () => {
  const out = formatText(
    [
      diagnostic(),
      diagnostic({ line: 4, severity: 'warning', code: 'octal-number', message: 'leading zero' }),
      diagnostic({ line: 5, severity: 'information', code: 'x-info', message: 'fyi' }),
      diagnostic({ line: 6, severity: 'hint', code: 'x-hint', message: 'psst' }),
    ],
    { color: false, fileCount: 1 },
  );
  assert.equal(
    out,
    [
      "pgbouncer.ini:3:5: error unknown-setting: Unknown setting 'foo' in [pgbouncer]; PgBouncer refuses to start.",
      'pgbouncer.ini:4:5: warning octal-number: leading zero',
      'pgbouncer.ini:5:5: information x-info: fyi',
      'pgbouncer.ini:6:5: hint x-hint: psst',
      '',
      '1 error, 1 warning, 1 info, 1 hint in 1 file',
      '',
    ].join('\n'),
  );
});

test('text: summaries', () => {
  assert.equal(summaryLine([], 1), 'No problems found in 1 file.');
  assert.equal(summaryLine([], 3), 'No problems found in 3 files.');
  const two = [diagnostic(), diagnostic({ line: 9 })];
  const warnings = [
    diagnostic({ severity: 'warning' }),
    diagnostic({ severity: 'warning' }),
    diagnostic({ severity: 'warning' }),
  ];
  assert.equal(summaryLine([...two, ...warnings], 1), '2 errors, 3 warnings in 1 file');
  assert.equal(summaryLine(warnings, 2), '0 errors, 3 warnings in 2 files');
  assert.equal(summaryLine(two, 1, true), '2 errors in 1 file');
  assert.deepEqual(countBySeverity([...two, ...warnings]), { error: 2, warning: 3, information: 0, hint: 0 });
});

test('text: --quiet prints nothing when no error is left', () => {
  assert.equal(formatText([], { color: false, fileCount: 1, quiet: true }), '');
  assert.equal(formatText([], { color: false, fileCount: 1 }), 'No problems found in 1 file.\n');
});

test('text: colours for severity and code only when asked', () => {
  const plain = formatText([diagnostic()], { color: false, fileCount: 1 });
  assert.ok(!plain.includes(ESC));
  const coloured = formatText([diagnostic(), diagnostic({ severity: 'warning', line: 4 })], {
    color: true,
    fileCount: 1,
  });
  assert.ok(coloured.includes('\x1b[1m\x1b[31merror\x1b[0m'), 'error in bold red');
  assert.ok(coloured.includes('\x1b[33mwarning\x1b[0m'), 'warning in yellow');
  assert.ok(coloured.includes('\x1b[2munknown-setting\x1b[0m'), 'code dimmed');
  assert.equal(
    coloured.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), ''),
    formatText([diagnostic(), diagnostic({ severity: 'warning', line: 4 })], { color: false, fileCount: 1 }),
  );
});

test('text: control characters from the file cannot reach the terminal', () => {
  assert.equal(printable('a\x1b[31mb\tc\x9bd'), 'a\\x1b[31mb\tc\\x9bd');
  const out = formatText([diagnostic({ message: "Unknown setting '\x1b]0;pwned\x07'" })], {
    color: false,
    fileCount: 1,
  });
  assert.ok(!out.includes(ESC) && !out.includes('\x07'));
});

test('useColor: --no-color, FORCE_COLOR, NO_COLOR, TERM=dumb and the terminal', () => {
  assert.equal(useColor(undefined, {}, true), true);
  assert.equal(useColor(undefined, {}, false), false);
  assert.equal(useColor(false, { FORCE_COLOR: '1' }, true), false);
  assert.equal(useColor(undefined, { FORCE_COLOR: '1' }, false), true);
  assert.equal(useColor(undefined, { FORCE_COLOR: '' }, false), true);
  assert.equal(useColor(undefined, { FORCE_COLOR: '0' }, true), false);
  assert.equal(useColor(undefined, { FORCE_COLOR: 'false' }, true), false);
  assert.equal(useColor(undefined, { NO_COLOR: '1' }, true), false);
  assert.equal(useColor(undefined, { NO_COLOR: '' }, true), true);
  assert.equal(useColor(undefined, { FORCE_COLOR: '1', NO_COLOR: '1' }, false), true);
  assert.equal(useColor(undefined, { TERM: 'dumb' }, true), false);
});

// ---------------------------------------------------------------------------------------------------
// JSON

test('json: exactly the documented fields, pretty-printed', () => {
  const out = formatJson([diagnostic({ related: [{ ...diagnostic(), message: 'related' }] })]);
  assert.ok(out.startsWith('{\n  "diagnostics": [\n'));
  assert.ok(out.endsWith('}\n'));
  const report = JSON.parse(out) as { diagnostics: Record<string, unknown>[] };
  assert.deepEqual(Object.keys(report), ['diagnostics']);
  assert.deepEqual(report.diagnostics, [
    {
      file: 'pgbouncer.ini',
      line: 3,
      column: 5,
      endLine: 3,
      endColumn: 9,
      severity: 'error',
      code: 'unknown-setting',
      message: "Unknown setting 'foo' in [pgbouncer]; PgBouncer refuses to start.",
    },
  ]);
  assert.deepEqual(Object.keys(report.diagnostics[0]), [
    'file',
    'line',
    'column',
    'endLine',
    'endColumn',
    'severity',
    'code',
    'message',
  ]);
  assert.equal(formatJson([]), '{\n  "diagnostics": []\n}\n');
});

// ---------------------------------------------------------------------------------------------------
// SARIF

test('sarif: helpers', () => {
  assert.equal(pascalCase('syntax-error'), 'SyntaxError');
  assert.equal(pascalCase('bool-not-0-or-1'), 'BoolNot0Or1');
  assert.equal(sarifLevel('error'), 'error');
  assert.equal(sarifLevel('warning'), 'warning');
  assert.equal(sarifLevel('information'), 'note');
  assert.equal(sarifLevel('hint'), 'note');
  assert.equal(lineHash('a', 'b.ini', '  x = 1 '), lineHash('a', 'b.ini', 'x = 1'));
  assert.notEqual(lineHash('a', 'b.ini', 'x = 1'), lineHash('a', 'c.ini', 'x = 1'));
  assert.notEqual(lineHash('a', 'b.ini', 'x = 1'), lineHash('b', 'b.ini', 'x = 1'));
  assert.match(informationUri(), /^https:\/\//);
  assert.equal(
    informationUri({ name: 'p', version: '1', repository: { url: 'git+https://example.org/p.git' } }),
    'https://example.org/p',
  );
});

test('sarif: artifact locations', () => {
  assert.deepEqual(artifactLocation({ file: 'x', absolutePath: path.join(CWD, 'conf', 'my db.ini') }, CWD), {
    uri: 'conf/my%20db.ini',
    uriBaseId: SRCROOT,
  });
  assert.deepEqual(artifactLocation({ file: 'x', absolutePath: path.join(CWD, 'c:d.ini') }, CWD), {
    uri: 'c%3Ad.ini',
    uriBaseId: SRCROOT,
  });
  const outside = artifactLocation(
    { file: 'x', absolutePath: path.resolve('/etc/pgbouncer/pgbouncer.ini') },
    CWD,
  );
  assert.equal(outside.uriBaseId, undefined);
  assert.match(outside.uri, /^file:\/\/\/.*etc\/pgbouncer\/pgbouncer\.ini$/);
  assert.deepEqual(artifactLocation({ file: STDIN_NAME, absolutePath: null }, CWD), { uri: '%3Cstdin%3E' });
});

test('sarif: log, rules and results', () => {
  const related = {
    ...diagnostic(),
    file: 'inc.ini',
    absolutePath: path.join(CWD, 'inc.ini'),
    line: 7,
    endLine: 7,
    message: 'first value',
  };
  const diagnostics = [
    diagnostic({ related: [related] }),
    diagnostic({ line: 8, severity: 'information', code: 'no-such-check', lineText: 'foo = 1' }),
    diagnostic({ line: 9 }), // same rule and line text as the first: another occurrence
  ];
  const log = buildSarif(diagnostics, { cwd: CWD });
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs.length, 1);
  const [run] = log.runs;
  assert.equal(run.tool.driver.name, 'pgbouncer-lint');
  assert.equal(run.tool.driver.version, packageJson.version);
  assert.deepEqual(run.originalUriBaseIds, { [SRCROOT]: { uri: 'file:///project/' } });
  assert.deepEqual(run.invocations, [{ executionSuccessful: true }]);

  const rules = run.tool.driver.rules;
  assert.deepEqual(
    rules.slice(0, CHECKS.size).map((rule) => rule.id),
    [...CHECKS.keys()],
  );
  for (const rule of rules.slice(0, CHECKS.size)) {
    const check = CHECKS.get(rule.id)!;
    assert.equal(rule.name, pascalCase(check.id));
    assert.deepEqual(rule.shortDescription, { text: check.title });
    assert.equal(rule.fullDescription.text, check.help);
    assert.equal(rule.help.text, check.help);
    assert.ok(rule.help.markdown);
    assert.equal(rule.defaultConfiguration.level, sarifLevel(check.severity));
    assert.ok(rule.properties.tags.includes('pgbouncer'));
  }
  // a code missing from the descriptions gets a rule of its own
  const described = DESCRIPTIONS.length + DEPLOYMENT_DESCRIPTIONS.length;
  assert.equal(rules.length, described + 1);
  assert.equal(rules[described].id, 'no-such-check');

  const [first, unknown, again] = run.results;
  assert.equal(first.ruleId, 'unknown-setting');
  assert.equal(rules[first.ruleIndex].id, 'unknown-setting');
  assert.equal(first.level, 'error');
  assert.deepEqual(first.message, { text: diagnostics[0].message });
  assert.deepEqual(first.locations, [
    {
      physicalLocation: {
        artifactLocation: { uri: 'pgbouncer.ini', uriBaseId: SRCROOT },
        region: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 9 },
      },
    },
  ]);
  assert.deepEqual(first.relatedLocations, [
    {
      id: 0,
      physicalLocation: {
        artifactLocation: { uri: 'inc.ini', uriBaseId: SRCROOT },
        region: { startLine: 7, startColumn: 5, endLine: 7, endColumn: 9 },
      },
      message: { text: 'first value' },
    },
  ]);
  assert.equal(unknown.level, 'note');
  assert.equal(rules[unknown.ruleIndex].id, 'no-such-check');
  assert.equal(unknown.relatedLocations, undefined);
  const hash = lineHash('unknown-setting', 'pgbouncer.ini', 'foo = 1');
  assert.deepEqual(first.partialFingerprints, { primaryLocationLineHash: `${hash}:1` });
  assert.deepEqual(again.partialFingerprints, { primaryLocationLineHash: `${hash}:2` });
});

test('sarif: unreadable files become tool execution notifications', () => {
  const log = buildSarif([], {
    cwd: CWD,
    executionSuccessful: false,
    notifications: [
      { message: "cannot read 'gone.ini': No such file or directory", file: 'gone.ini' },
      { message: "cannot read '<stdin>': EAGAIN", file: STDIN_NAME },
    ],
  });
  assert.deepEqual(log.runs[0].invocations, [
    {
      executionSuccessful: false,
      toolExecutionNotifications: [
        {
          level: 'error',
          message: { text: "cannot read 'gone.ini': No such file or directory" },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'gone.ini', uriBaseId: SRCROOT } } }],
        },
        {
          level: 'error',
          message: { text: "cannot read '<stdin>': EAGAIN" },
          locations: [{ physicalLocation: { artifactLocation: { uri: '%3Cstdin%3E' } } }],
        },
      ],
    },
  ]);
  assert.deepEqual(log.runs[0].results, []);
});
