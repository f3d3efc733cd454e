// JSON output: `{"diagnostics": [...]}` and nothing else, for scripts. Lines and columns are 1-based;
// endLine/endColumn are where the finding's range ends (exclusive).

import type { Severity } from '../findings/finding';
import type { CliDiagnostic } from './diagnostics';

export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: string;
  message: string;
  /** A page about this particular finding (a security advisory); absent when there is none. */
  link?: string;
}

export interface JsonReport {
  diagnostics: JsonDiagnostic[];
}

export function toJsonReport(diagnostics: readonly CliDiagnostic[]): JsonReport {
  return {
    diagnostics: diagnostics.map((d) => ({
      file: d.file,
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
      severity: d.severity,
      code: d.code,
      message: d.message,
      ...(d.link !== undefined && { link: d.link }),
    })),
  };
}

export function formatJson(diagnostics: readonly CliDiagnostic[]): string {
  return JSON.stringify(toJsonReport(diagnostics), null, 2) + '\n';
}
