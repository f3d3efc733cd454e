#!/usr/bin/env node
// pgbouncer-lint: checks pgbouncer.ini files from the command line. Reads the arguments (cli/args.ts),
// lints each FILE with the engine, and prints the findings as text, JSON or SARIF (cli/format-*.ts), or
// with --report a Markdown audit report of each FILE (cli/format-report.ts).
//
// Exit status: 0 no error finding, 1 at least one error finding, 2 a usage error, a file that cannot be
// read (or, with --fix, written) or an internal error (such files are reported on stderr and the other
// files are still linted).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCliArgs, PROGRAM, usageText } from './cli/args';
import type { CliOptions } from './cli/args';
import { collectDiagnostics, STDIN_NAME } from './cli/diagnostics';
import type { CliDiagnostic, LintedFile } from './cli/diagnostics';
import { formatJson } from './cli/format-json';
import { formatReport, joinReports, reportDate } from './cli/format-report';
import { formatSarif, toolVersion } from './cli/format-sarif';
import type { SarifToolNotification } from './cli/format-sarif';
import { formatText, useColor } from './cli/format-text';
import { fixSummary } from './cli/fix-summary';
import { lintText, nodeFileSystem } from './engine';
import type { LintResult } from './engine';
import { AtomicWriteError, writeFileAtomically } from './files/atomic-write';
import { describeProblem, readRegularFile } from './files/guarded-read';
import { fixBytes, fixesLeft } from './lint/fix-all';
import type { FixMode } from './lint/fix-all';

const EXIT_OK = 0;
const EXIT_ERRORS = 1;
const EXIT_FAILURE = 2;

function complain(message: string): void {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
}

function readStdin(): { text: string } | { error: string } {
  try {
    return { text: fs.readFileSync(0, 'utf8') };
  } catch (error) {
    return { error: (error as Error).message };
  }
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
  let runDirectory: string | undefined;
  if (options.runDirectory !== undefined) {
    runDirectory = path.resolve(cwd, options.runDirectory);
    const kind = nodeFileSystem.stat(runDirectory);
    if (kind !== 'directory') {
      const reason = kind === null ? 'No such file or directory' : 'Not a directory';
      complain(`invalid --run-dir '${options.runDirectory}': ${reason}`);
      return EXIT_FAILURE;
    }
  }

  const linted: LintedFile[] = [];
  const reports: string[] = [];
  const date = options.report ? reportDate(process.env) : undefined;
  const unreadable: SarifToolNotification[] = [];
  let stdin: { text: string } | { error: string } | undefined;
  for (const file of options.files) {
    const name = file === '-' ? STDIN_NAME : file;
    // The file --fix rewrites is read as bytes and decoded losslessly, so that every byte no fix
    // touches is written back as it was (a Latin-1 comment included).
    const read: { text: string; bytes?: Uint8Array } | { error: string } =
      file === '-'
        ? (stdin ??= readStdin())
        : options.fix
          ? bytesOf(readRegularFile(file))
          : nodeFileSystem.readFile(file);
    if ('error' in read) {
      const message = `cannot read '${name}': ${read.error}`;
      complain(message);
      unreadable.push({ message, file: name });
      continue;
    }
    const lintOptions = {
      filePath: name,
      targetVersion: options.target,
      profile: options.profile,
      rules: options.rules,
      runDirectory,
    };
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
    if (options.report) reports.push(formatReport({ name, result, lint }, { cwd, date }));
  }

  const all = collectDiagnostics(linted, cwd);
  if (options.report) {
    if (reports.length > 0) process.stdout.write(joinReports(reports));
  } else {
    const shown = options.quiet ? all.filter((d) => d.severity === 'error') : all;
    const output = render(shown, options, { cwd, fileCount: linted.length, unreadable });
    if (output !== '') process.stdout.write(output);
  }

  if (unreadable.length > 0) return EXIT_FAILURE;
  return all.some((d) => d.severity === 'error') ? EXIT_ERRORS : EXIT_OK;
}

function bytesOf(
  read: ReturnType<typeof readRegularFile>,
): { text: string; bytes: Uint8Array } | { error: string } {
  return 'problem' in read ? { error: describeProblem(read.problem) } : read;
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
    complain(`internal error: ${detail}`);
    if (!debug) complain('set PGBOUNCER_LINT_DEBUG=1 to see where it happened, and please report it');
    process.exitCode = EXIT_FAILURE;
  }
}

main();
