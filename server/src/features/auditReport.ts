// The pgbouncer/auditReport request: the Markdown audit report of an open document, with file: links
// to its lines (#L<line>), which VS Code's Markdown preview opens at that line.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintResult } from '../analysis/engine';
import { LANGUAGE_ID } from '../protocol';
import type { AuditReportResult } from '../protocol';
import { buildAuditReport } from '../report/audit-report';
import { documentPath, lintDocument } from './diagnostics';
import type { AnalysisContext } from './diagnostics';

/** A path as the report names it: relative to the workspace folder holding it, else in full. */
export function workspaceLabel(filePath: string, workspaceFolders: readonly string[]): string {
  for (const folder of workspaceFolders) {
    const relative = path.relative(folder, filePath);
    if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) {
      return relative.split(path.sep).join('/');
    }
  }
  return filePath;
}

/**
 * The report of a document from its (cached) lint result. `context` must be the settings the result
 * was made with: the recommended changes lint the fixed text again with them.
 */
export function auditReport(
  uri: string,
  result: LintResult,
  context: AnalysisContext & { date?: string },
): AuditReportResult {
  const folders = context.workspaceFolders ?? [];
  const isFile = uri.startsWith('file:');
  const lint = (text: string) => lintDocument(TextDocument.create(uri, LANGUAGE_ID, 0, text), context);
  const markdown = buildAuditReport(result, {
    fileLabel: isFile ? workspaceLabel(documentPath(uri), folders) : uri,
    // Only files can be opened from the preview; an untitled document gets plain line numbers.
    fileLink: (line) => (isFile ? `${uri}#L${line}` : ''),
    includedFile: (filePath) => {
      const link = pathToFileURL(filePath).href;
      return { label: workspaceLabel(filePath, folders), link: (line) => `${link}#L${line}` };
    },
    date: context.date,
    lint,
  });
  return { markdown };
}
