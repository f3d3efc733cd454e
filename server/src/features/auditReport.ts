// The pgbouncer/auditReport request: the Markdown audit report of an open document, with file: links
// to its lines (#L<line>), which VS Code's Markdown preview opens at that line. When the file is the
// configuration of a PgBouncer of a workspace deployment, the deployment's sections follow.

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintResult } from '../analysis/engine';
import type { FolderAudit } from '../deployment/run';
import { LANGUAGE_ID } from '../protocol';
import type { AuditReportResult } from '../protocol';
import { buildAuditReport } from '../report/audit-report';
import type { buildDeploymentReport } from '../report/deployment-report';
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

/** The workspace folder holding a file (the innermost when folders nest), if any. */
export function folderHolding(filePath: string, workspaceFolders: readonly string[]): string | undefined {
  return workspaceFolders
    .filter((folder) => {
      const relative = path.relative(folder, filePath);
      return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
    })
    .sort((a, b) => b.length - a.length)[0];
}

/**
 * The report of a document from its (cached) lint result. `context` must be the settings the result
 * was made with: the recommended changes lint the fixed text again with them. `deployment`: the audit
 * of the workspace folder whose deployment runs this file, if there is one, with the renderer of its
 * sections (handed in: the web-worker server has no deployment audit and leaves the renderer out).
 */
export function auditReport(
  uri: string,
  result: LintResult,
  context: AnalysisContext & {
    date?: string;
    deployment?: { audit: FolderAudit; report: typeof buildDeploymentReport };
    /** The editor's names of the workspace folders, by path; a multi-root report names the file's one. */
    folderNames?: ReadonlyMap<string, string>;
  },
): AuditReportResult {
  const folders = context.workspaceFolders ?? [];
  // A file of any file system (file:, and vscode-vfs: or vscode-remote: on the web), not untitled:.
  const isFile = /^[a-z][\w+.-]*:\/\//i.test(uri);
  const folderName = (folder: string) =>
    context.folderNames?.get(folder) ?? (path.basename(folder) || folder);
  // With several folders the same relative path can be in each: the report says whose file it is.
  const holding = isFile && folders.length > 1 ? folderHolding(documentPath(uri), folders) : undefined;
  const lint = (text: string) => lintDocument(TextDocument.create(uri, LANGUAGE_ID, 0, text), context);
  const deployment = isFile ? context.deployment : undefined;
  const fileReport = buildAuditReport(result, {
    fileLabel: isFile ? workspaceLabel(documentPath(uri), folders) : uri,
    // Only files can be opened from the preview; an untitled document gets plain line numbers.
    fileLink: (line) => (isFile ? `${uri}#L${line}` : ''),
    includedFile: (filePath) => {
      const link = pathToFileURL(filePath).href;
      return { label: workspaceLabel(filePath, folders), link: (line) => `${link}#L${line}` };
    },
    date: context.date,
    ...(holding !== undefined && { workspaceFolder: folderName(holding) }),
    lint,
    embedded: deployment !== undefined,
  });
  if (!deployment) return { markdown: fileReport };
  const self = documentPath(uri);
  const root = deployment.audit.deployment.root;
  const deploymentReport = deployment.report(deployment.audit, {
    folderLabel: folderName(root),
    fileLink: (filePath, line) => `${pathToFileURL(filePath).href}#L${line}`,
    ...(context.date !== undefined && { date: context.date }),
    fileNote: (pooler) =>
      pooler.iniPath === self ? 'this file, reported above' : 'open it and run the audit for its own report',
  });
  return { markdown: `${fileReport}\n---\n\n${deploymentReport}` };
}
