#!/usr/bin/env node
// pgbouncer-lint: checks pgbouncer.ini files from the command line. Reads the arguments (cli/args.ts),
// lints each FILE with the engine, and prints the findings as text, JSON or SARIF (cli/format-*.ts), or
// with --report a Markdown audit report of each FILE (cli/format-report.ts) and of each directory's
// deployment (cli/format-deployment-report.ts).
//
// Exit status: 0 no error finding, 1 at least one error finding, 2 a usage error, an unreadable file or
// an internal error (unreadable files are reported on stderr and the other files are still linted).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditFolder } from './deployment/run';
import type { FolderAudit } from './deployment/run';
import { optionSources, parseCliArgs, PROGRAM, runDirectoryOf, usageText } from './cli/args';
import type { CliOptions } from './cli/args';
import {
  collectDiagnostics,
  collectFileDiagnostics,
  compareDiagnostics,
  displayPath,
  STDIN_NAME,
} from './cli/diagnostics';
import type { CliDiagnostic, LintedFile } from './cli/diagnostics';
import { formatJson } from './cli/format-json';
import { formatReport, joinReports, reportDate } from './cli/format-report';
import { formatDeploymentReport } from './cli/format-deployment-report';
import { formatSarif, toolVersion } from './cli/format-sarif';
import type { SarifToolNotification } from './cli/format-sarif';
import { formatText, printable, printableLines, useColor } from './cli/format-text';
import { fixSummary } from './cli/fix-summary';
import { lintText, nodeFileSystem } from './analysis/engine';
import { dashboardJson } from './monitoring/dashboard';
import type { LintResult } from './analysis/engine';
import { AtomicWriteError, writeFileAtomically } from './files/atomic-write';
import { describeProblem, MAX_FILE_BYTES, readRegularFile } from './files/guarded-read';
import { MAX_ANALYSIS_BYTES, MAX_INCLUDED_LINES } from './files/read-budget';
import type { UnreadFile } from './files/read-budget';
import { decodeBytes } from './files/text-codec';
import { fixBytes, fixesLeft } from './analysis/fix-all';
import type { FixMode } from './analysis/fix-all';
import { MAX_DOCUMENT_BYTES } from './protocol';
import { alertDrift, alertRulesYaml, RulesFileError } from './monitoring/alerts';
import type { AlertOptions } from './monitoring/alerts';

const EXIT_OK = 0;
const EXIT_ERRORS = 1;
const EXIT_FAILURE = 2;

/** A line on stderr; names and reasons may hold anything a file name can, so controls are escaped. */
function complain(message: string): void {
  process.stderr.write(`${PROGRAM}: ${printable(message)}\n`);
}

function describeUnread(unread: readonly UnreadFile[]): string {
  const kinds = new Set(unread.map((file) => file.problem.kind));
  const reasons: string[] = [];
  if (kinds.has('too-large')) reasons.push(`a file larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`);
  if (kinds.has('over-budget'))
    reasons.push(
      `more than one analysis reads: ${MAX_ANALYSIS_BYTES / 1024 / 1024} MB, ${MAX_INCLUDED_LINES} included lines`,
    );
  if (kinds.has('pending')) reasons.push('a file still being read');
  return reasons.join(', ');
}

/** Standard input, up to the size of a document the linter analyses. */
function readStdin(): { text: string } | { error: string } {
  const chunks = [];
  let total = 0;
  const wait = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const chunk = new Uint8Array(64 * 1024);
    let read: number;
    try {
      read = fs.readSync(0, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(wait, 0, 0, 10); // a non-blocking pipe with nothing in it yet
        continue;
      }
      if (code === 'EOF') break;
      return { error: code ?? (error as Error).message };
    }
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    total += read;
    if (total > MAX_DOCUMENT_BYTES) {
      return { error: `it is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB, so it is not read` };
    }
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { text: decodeBytes(bytes) };
}

/**
 * A FILE argument: a regular file (a committed symlink may point anywhere) of a document's size at
 * most, as bytes and as lossless text, so that --fix writes back every byte no fix touches.
 */
function readFileArgument(file: string): { text: string; bytes: Uint8Array } | { error: string } {
  const read = readRegularFile(file, MAX_DOCUMENT_BYTES);
  return 'problem' in read ? { error: describeProblem(read.problem) } : read;
}

function run(argv: readonly string[]): number {
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    complain(`${parsed.message} (see '${PROGRAM} --help')`);
    return EXIT_FAILURE;
  }
  const options = parsed.options;
  if (options.help) {
    process.stdout.write(usageText());
    return EXIT_OK;
  }
  if (options.version) {
    process.stdout.write(`${PROGRAM} ${toolVersion()}\n`);
    return EXIT_OK;
  }

  const cwd = process.cwd();
  const runDirectory = runDirectoryOf(options, cwd);
  if (runDirectory !== undefined) {
    const kind = nodeFileSystem.stat(runDirectory);
    if (kind !== 'directory') {
      const reason = kind === null ? 'No such file or directory' : 'Not a directory';
      complain(`invalid --run-dir '${options.runDirectory}': ${reason}`);
      return EXIT_FAILURE;
    }
  }

  if (options.alerts) return runAlerts(options, cwd);

  const linted: LintedFile[] = [];
  const reports: string[] = [];
  const dashboards: string[] = [];
  const date = options.report ? reportDate(process.env) : undefined;
  const unreadable: SarifToolNotification[] = [];
  let stdin: { text: string } | { error: string } | undefined;
  const deploymentDiagnostics: CliDiagnostic[] = [];
  let directories = 0;
  for (const file of options.files) {
    const name = file === '-' ? STDIN_NAME : file;
    if (file !== '-' && nodeFileSystem.stat(path.resolve(cwd, file)) === 'directory') {
      if (options.dashboard) {
        complain(`--dashboard needs a configuration FILE; '${file}' is a directory`);
        return EXIT_FAILURE;
      }
      const audited = auditDirectory(file, options, cwd);
      directories++;
      linted.push(...audited.linted);
      deploymentDiagnostics.push(...audited.diagnostics);
      if (options.report) reports.push(formatDeploymentReport(audited.audit, { directory: file, cwd, date }));
      for (const message of audited.complaints) {
        complain(message);
        unreadable.push({ message, file: name });
      }
      continue;
    }
    const read: { text: string; bytes?: Uint8Array } | { error: string } =
      file === '-' ? (stdin ??= readStdin()) : readFileArgument(file);
    if ('error' in read) {
      const message = `cannot read '${name}': ${read.error}`;
      complain(message);
      unreadable.push({ message, file: name });
      continue;
    }
    const lintOptions = optionSources(name, options, cwd);
    const lint = (text: string) => lintText(text, lintOptions);
    let result = lint(read.text);
    if (options.fix && read.bytes) {
      const fixed = fixFile(file, name, { bytes: read.bytes }, result, lint, options.fix);
      if ('error' in fixed) {
        complain(fixed.error);
        unreadable.push({ message: fixed.error, file: name });
        continue;
      }
      result = fixed.result;
    }
    linted.push({ name, result });
    if (options.dashboard) {
      // The same selector and thresholds as --alerts, so that the dashboard and the pager agree.
      const { selector, warningPercent, criticalPercent } = alertOptionsOf(options);
      dashboards.push(
        dashboardJson(result, {
          ...(selector !== undefined && { selector }),
          ...(warningPercent !== undefined && { warningPercent }),
          ...(criticalPercent !== undefined && { criticalPercent }),
        }),
      );
    }
    if (options.report) reports.push(formatReport({ name, result, lint }, { cwd, date }));
    if (result.unread.length > 0) {
      const message = `'${name}': not every file it names was read (${describeUnread(result.unread)}); the findings are incomplete`;
      complain(message);
      unreadable.push({ message, file: name });
    }
  }

  const all = [...collectDiagnostics(linted, cwd), ...deploymentDiagnostics].sort(compareDiagnostics);
  if (options.report) {
    if (reports.length > 0) process.stdout.write(printableLines(joinReports(reports)));
  } else if (options.dashboard) {
    process.stdout.write(dashboards.join(''));
    const errors = all.filter((d) => d.severity === 'error').length;
    if (errors > 0)
      complain(
        `${errors} error(s) found: the dashboard shows what PgBouncer would read; run without --dashboard to see them`,
      );
  } else {
    const shown = options.quiet ? all.filter((d) => d.severity === 'error') : all;
    const output = render(shown, options, { cwd, fileCount: linted.length + directories, unreadable });
    if (output !== '') process.stdout.write(output);
  }

  if (unreadable.length > 0) return EXIT_FAILURE;
  return all.some((d) => d.severity === 'error') ? EXIT_ERRORS : EXIT_OK;
}

function alertOptionsOf(options: CliOptions): AlertOptions {
  return {
    selector: options.alertsSelector,
    warningPercent: options.warningPercent,
    criticalPercent: options.criticalPercent,
    format: options.alertsFormat,
  };
}

/**
 * --alerts: the rules of each FILE on stdout (several FILEs: YAML documents separated by ---), or with
 * --check whether RULES.yml still matches the one FILE.
 */
function runAlerts(options: CliOptions, cwd: string): number {
  const outputs: string[] = [];
  let failed = false;
  for (const file of options.files) {
    const name = file === '-' ? STDIN_NAME : file;
    if (file !== '-' && nodeFileSystem.stat(path.resolve(cwd, file)) === 'directory') {
      complain(`--alerts takes pgbouncer.ini files: '${name}' is a directory`);
      failed = true;
      continue;
    }
    const read = file === '-' ? readStdin() : readFileArgument(file);
    if ('error' in read) {
      complain(`cannot read '${name}': ${read.error}`);
      failed = true;
      continue;
    }
    const result = lintText(read.text, optionSources(name, options, cwd));
    if (
      result.findings.some(
        (finding) => finding.severity === 'error' && finding.file === result.model.root.path,
      )
    )
      complain(
        `'${name}' has errors PgBouncer would refuse or misread; the rules follow what it would run with`,
      );
    if (options.check !== undefined) return checkDrift(options.check, name, result, alertOptionsOf(options));
    outputs.push(alertRulesYaml(result, alertOptionsOf(options)));
  }
  if (outputs.length > 0) process.stdout.write(outputs.join('---\n'));
  return failed ? EXIT_FAILURE : EXIT_OK;
}

function checkDrift(rulesFile: string, name: string, result: LintResult, alertOptions: AlertOptions): number {
  const read = readRegularFile(rulesFile, MAX_DOCUMENT_BYTES);
  if ('problem' in read) {
    complain(`cannot read '${rulesFile}': ${describeProblem(read.problem)}`);
    return EXIT_FAILURE;
  }
  let drift: { alert: string; message: string }[];
  try {
    drift = alertDrift(result, alertOptions, read.text);
  } catch (error) {
    if (!(error instanceof RulesFileError)) throw error;
    complain(`cannot read '${rulesFile}' as alerting rules: ${error.message}`);
    return EXIT_FAILURE;
  }
  if (drift.length === 0) {
    process.stdout.write(printableLines(`${rulesFile}: in sync with ${name}\n`));
    return EXIT_OK;
  }
  const lines = drift.map((entry) => `${rulesFile}: ${entry.alert}: ${entry.message}`);
  lines.push(
    `${drift.length} rule(s) drifted; generate the file again: ${PROGRAM} --alerts ${name} > ${rulesFile}`,
  );
  process.stdout.write(printableLines(`${lines.join('\n')}\n`));
  return EXIT_ERRORS;
}

/**
 * A directory argument: the deployment found in it. Its pgbouncer.ini files are reported like FILE
 * arguments (linted for the release their image runs, through the files their container mounts);
 * the deployment's own findings are in the other files.
 */
function auditDirectory(
  directory: string,
  options: CliOptions,
  cwd: string,
): { linted: LintedFile[]; diagnostics: CliDiagnostic[]; complaints: string[]; audit: FolderAudit } {
  const root = path.resolve(cwd, directory);
  const {
    filePath: _ignored,
    runDirectory: _runDirectory,
    ...lintOptions
  } = optionSources(root, options, cwd);
  const audit = auditFolder(root, { lintOptions, rules: options.rules });
  const linted: LintedFile[] = [];
  for (const pooler of audit.deployment.poolers) {
    if (pooler.generated) continue;
    linted.push({ name: displayPath(pooler.iniPath, cwd), result: pooler.lint });
  }
  const complaints: string[] = [];
  if (audit.truncated)
    complaints.push(`'${directory}': too many files; the deployment audit read only the first ones`);
  return {
    linted,
    diagnostics: collectFileDiagnostics(audit.findings, audit.deployment.texts, cwd),
    complaints,
    audit,
  };
}

/**
 * Applies the fixes of `mode` to a file read as `read` and replaces it (atomically, and only if it
 * still holds the bytes read); says on stderr what was applied and what was left.
 */
function fixFile(
  file: string,
  name: string,
  read: { bytes: Uint8Array },
  result: LintResult,
  lint: (text: string) => LintResult,
  mode: FixMode,
): { result: LintResult } | { error: string } {
  const fixed = fixBytes(read.bytes, lint, mode, result);
  if (fixed.bytes !== read.bytes) {
    try {
      writeFileAtomically(file, read.bytes, fixed.bytes);
    } catch (error) {
      if (!(error instanceof AtomicWriteError)) throw error;
      return { error: `cannot write '${name}': ${error.message}; the file is left as it was` };
    }
  }
  const summary = fixSummary(name, mode, fixed.applied, fixesLeft(fixed.result, mode));
  if (summary !== null) complain(summary);
  return { result: fixed.result };
}

function render(
  diagnostics: CliDiagnostic[],
  options: CliOptions,
  context: { cwd: string; fileCount: number; unreadable: SarifToolNotification[] },
): string {
  switch (options.format) {
    case 'json':
      return formatJson(diagnostics);
    case 'sarif':
      return formatSarif(diagnostics, {
        cwd: context.cwd,
        executionSuccessful: context.unreadable.length === 0,
        notifications: context.unreadable,
      });
    case 'text':
      // Nothing was linted (every file unreadable): stderr has said why; a summary would mislead.
      if (context.fileCount === 0) return '';
      return formatText(diagnostics, {
        color: useColor(options.color, process.env, process.stdout.isTTY === true),
        fileCount: context.fileCount,
        quiet: options.quiet,
      });
  }
}

function main(): void {
  // A reader that goes away (`pgbouncer-lint ... | head`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
    complain(`cannot write the output: ${error.message}`);
    process.exit(EXIT_FAILURE);
  });
  try {
    process.exitCode = run(process.argv.slice(2));
  } catch (error) {
    const debug = process.env.PGBOUNCER_LINT_DEBUG === '1';
    const detail =
      error instanceof Error ? (debug && error.stack ? error.stack : error.message) : String(error);
    // One complaint per line: the stack's line breaks are kept, anything else is escaped.
    const [first, ...rest] = detail.split('\n');
    process.stderr.write(
      `${PROGRAM}: ${printable(`internal error: ${first}`)}${rest.map((line) => `\n${printable(line)}`).join('')}\n`,
    );
    if (!debug) complain('set PGBOUNCER_LINT_DEBUG=1 to see where it happened, and please report it');
    process.exitCode = EXIT_FAILURE;
  }
}

main();
