// `pgbouncer-lint --report`: the Markdown audit report of each FILE (report/audit-report.ts), with
// links that work where the report is read from the current directory, e.g. committed next to the
// configuration on GitHub: a relative path and #L<line>.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LintResult } from '../analysis/engine';
import { buildAuditReport } from '../report/audit-report';
import { displayPath, STDIN_NAME } from './diagnostics';

/** A path as a link from `cwd`: relative with / and each segment URL-encoded; a file: URL when there is
 * no relative path (another Windows drive). */
export function relativeLink(absolutePath: string, cwd: string): string {
  const relative = path.relative(cwd, absolutePath);
  if (path.isAbsolute(relative)) return pathToFileURL(absolutePath).href;
  return relative.split(path.sep).map(encodeURIComponent).join('/');
}

/** The report's date: SOURCE_DATE_EPOCH (seconds, for reproducible output) when set, else today. */
export function reportDate(env: NodeJS.ProcessEnv): string | undefined {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || !/^\d+$/.test(epoch.trim())) return undefined;
  const date = new Date(Number(epoch.trim()) * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 10);
}

export interface ReportInput {
  /** As given on the command line; STDIN_NAME for '-'. */
  name: string;
  result: LintResult;
  /** Lints a text with the same options, for applying safe fixes. */
  lint: (text: string) => LintResult;
}

export function formatReport(input: ReportInput, context: { cwd: string; date?: string }): string {
  const { name, result, lint } = input;
  const { cwd } = context;
  const base = name === STDIN_NAME ? '' : relativeLink(path.resolve(cwd, name), cwd);
  return buildAuditReport(result, {
    fileLabel: name,
    fileLink: (line) => (base === '' ? '' : `${base}#L${line}`),
    includedFile: (filePath) => {
      const link = relativeLink(path.resolve(cwd, filePath), cwd);
      return { label: displayPath(path.resolve(cwd, filePath), cwd), link: (line) => `${link}#L${line}` };
    },
    date: context.date,
    lint,
  });
}

/** Reports of several files, one after the other, separated by a horizontal rule. */
export function joinReports(reports: readonly string[]): string {
  return reports.join('\n---\n\n');
}
