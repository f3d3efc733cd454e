// The engine's findings as the CLI reports them: 1-based lines and columns, file names as the user
// knows them, sorted and without duplicates. The formatters (format-text, format-json, format-sarif)
// take these and nothing else.

import * as path from 'node:path';
import type { LintResult } from '../analysis/engine';
import type { LoadedFile } from '../model/config';
import type { Finding, Severity } from '../findings/finding';
import { LineIndex } from '../syntax/syntax';

/** What `-` on the command line is called in findings. */
export const STDIN_NAME = '<stdin>';

export interface CliLocation {
  /** As shown to the user: the main file as given on the command line, included files relative to the
   * current directory when they are inside it, absolute otherwise. */
  file: string;
  /** Absolute path; null for standard input. */
  absolutePath: string | null;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  endLine: number;
  /** 1-based column just after the end (exclusive). */
  endColumn: number;
}

export interface CliRelated extends CliLocation {
  message: string;
}

export interface CliDiagnostic extends CliLocation {
  severity: Severity;
  code: string;
  message: string;
  related: CliRelated[];
  /** A page about this particular finding (a security advisory), when it has one. */
  link?: string;
  /** The text of the diagnostic's first line, secrets masked (for SARIF fingerprints); empty in included files. */
  lineText: string;
}

/** One FILE argument and what the engine found. */
export interface LintedFile {
  /** As given on the command line; STDIN_NAME for '-'. */
  name: string;
  result: LintResult;
}

/** The path relative to cwd for a file under it; null for cwd itself and anything outside. */
export function pathUnder(cwd: string, absolutePath: string): string | null {
  const relative = path.relative(cwd, absolutePath);
  if (
    relative === '' ||
    relative === '..' ||
    relative.startsWith(`..${path.sep}`) ||
    path.isAbsolute(relative)
  ) {
    return null;
  }
  return relative;
}

/** A path as shown to the user: relative under cwd, absolute elsewhere. */
export function displayPath(absolutePath: string, cwd: string): string {
  return pathUnder(cwd, absolutePath) ?? absolutePath;
}

/** A span as 1-based lines and columns (line 1 when the file's text is not at hand). */
function locationIn(
  index: LineIndex | undefined,
  span: { start: number; end: number },
  file: string,
  absolutePath: string | null,
): CliLocation {
  if (!index) return { file, absolutePath, line: 1, column: 1, endLine: 1, endColumn: 1 };
  const range = index.rangeOf(span);
  return {
    file,
    absolutePath,
    line: range.start.line + 1,
    column: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

export function compareDiagnostics(a: CliDiagnostic, b: CliDiagnostic): number {
  return (
    compareText(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}

/** Code-unit order: the same on every machine, whatever its locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every finding of every linted file (main and included), sorted by file, line and column. A finding
 * reported twice (an included file shared by two FILE arguments) is kept once.
 */
export function collectDiagnostics(linted: readonly LintedFile[], cwd: string): CliDiagnostic[] {
  const all: CliDiagnostic[] = [];
  const seen = new Set<string>();
  for (const { name, result } of linted) {
    const rootPath = result.model.root.path;
    // An included file appears once per inclusion, always with the same text: the first one will do.
    const files = new Map<string, LoadedFile>();
    for (const file of result.model.files) if (!files.has(file.path)) files.set(file.path, file);
    const locate = (file: string, span: { start: number; end: number }): CliLocation => {
      const isRoot = file === rootPath;
      const absolutePath = isRoot && name === STDIN_NAME ? null : path.resolve(cwd, file);
      const shown = isRoot ? name : absolutePath === null ? file : displayPath(absolutePath, cwd);
      return locationIn(files.get(file)?.parsed.lineIndex, span, shown, absolutePath);
    };
    for (const finding of result.findings) {
      const location = locate(finding.file, finding.span);
      const key = [
        location.file,
        location.line,
        location.column,
        location.endLine,
        location.endColumn,
        finding.code,
        finding.message,
      ].join('\0');
      if (seen.has(key)) continue;
      seen.add(key);
      // Only a fingerprint is made of it, but SARIF is often public and a hash of a line with a weak
      // password can be searched: secrets are masked first, and lines of included files not used.
      const parsed = finding.file === result.model.root.path ? files.get(finding.file)?.parsed : undefined;
      const lineText = parsed
        ? result.redactor.redact(
            parsed.text.slice(
              parsed.lineIndex.lineStart(location.line - 1),
              parsed.lineIndex.lineEnd(location.line - 1),
            ),
          )
        : '';
      all.push({
        ...location,
        severity: finding.severity,
        code: finding.code,
        message: finding.message,
        related: (finding.related ?? [])
          .filter((info) => files.has(info.file))
          .map((info) => ({ ...locate(info.file, info.span), message: info.message })),
        ...(finding.href !== undefined && { link: finding.href }),
        lineText,
      });
    }
  }
  return all.sort(compareDiagnostics);
}

export interface Counts {
  error: number;
  warning: number;
  information: number;
  hint: number;
}

export function countBySeverity(diagnostics: readonly CliDiagnostic[]): Counts {
  const counts: Counts = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const diagnostic of diagnostics) counts[diagnostic.severity]++;
  return counts;
}

/**
 * Findings located in files of a deployment (compose files, .env, manifests, application configs),
 * given the text of each file. Lines of those files are not fingerprinted: they hold connection
 * strings with passwords.
 */
export function collectFileDiagnostics(
  findings: readonly Finding[],
  texts: ReadonlyMap<string, string>,
  cwd: string,
): CliDiagnostic[] {
  const indexes = new Map<string, LineIndex>();
  const locate = (file: string, span: { start: number; end: number }): CliLocation => {
    const absolutePath = path.resolve(cwd, file);
    const shown = displayPath(absolutePath, cwd);
    let index = indexes.get(file);
    const text = texts.get(file);
    if (!index && text !== undefined) indexes.set(file, (index = new LineIndex(text)));
    return locationIn(index, span, shown, absolutePath);
  };
  const seen = new Set<string>();
  const all: CliDiagnostic[] = [];
  for (const finding of findings) {
    const location = locate(finding.file, finding.span);
    const key = [location.file, location.line, location.column, finding.code, finding.message].join('\0');
    if (seen.has(key)) continue;
    seen.add(key);
    all.push({
      ...location,
      severity: finding.severity,
      code: finding.code,
      message: finding.message,
      related: (finding.related ?? []).map((info) => ({
        ...locate(info.file, info.span),
        message: info.message,
      })),
      ...(finding.href !== undefined && { link: finding.href }),
      lineText: '',
    });
  }
  return all;
}
