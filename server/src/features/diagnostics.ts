import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText } from '../analysis/engine';
import type { DocumentCache, LintResult } from '../analysis/engine';
import type { FileSystem } from '../files/file-system';
import { DIAGNOSTIC_SOURCE, MAX_DOCUMENT_BYTES } from '../protocol';
import type { Settings } from '../settings';
import type { Finding, Severity } from '../findings/finding';
import type { LineIndex } from '../syntax/syntax';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * File system path for a document URI; untitled documents get a path in the working directory. Node
 * takes file: URIs only; the web-worker build's node:url (server/src/browser/url.ts) takes the URI
 * of any file system (vscode-vfs:, vscode-remote:) and maps the path back to it.
 */
export function documentPath(uri: string): string {
  if (uri.startsWith('file:') || /^[a-z][\w+.-]*:\/\//i.test(uri)) {
    try {
      return fileURLToPath(uri);
    } catch {
      // fall through
    }
  }
  const name = uri.replace(/^[a-z-]+:/i, '').replace(/[/\\]/g, '_') || 'untitled.ini';
  return path.join(process.cwd(), name);
}

export interface AnalysisContext {
  settings: Settings;
  /** Workspace folder paths, for a relative run directory. */
  workspaceFolders?: readonly string[];
  fileSystem?: FileSystem;
  /** Kept from the document's previous analysis (see DocumentCache). */
  cache?: DocumentCache;
  /** Check guessed fixes when a fix is first asked for (the language server's analyses). */
  deferFixVerification?: boolean;
}

export function lintDocument(document: TextDocument, context: AnalysisContext): LintResult {
  return lintText(document.getText(), {
    filePath: documentPath(document.uri),
    settings: context.settings,
    workspaceFolders: context.workspaceFolders,
    fileSystem: context.fileSystem,
    cache: context.cache,
    deferFixVerification: context.deferFixVerification,
  });
}

const fileUris = new Map<string, string>();

/** file: URI of a path. */
function fileUri(filePath: string): string {
  let uri = fileUris.get(filePath);
  if (uri === undefined) {
    uri = pathToFileURL(filePath).toString();
    if (fileUris.size > 1000) fileUris.clear();
    fileUris.set(filePath, uri);
  }
  return uri;
}

export function toDiagnostic(
  finding: Finding,
  lineIndex: LineIndex,
  lineIndexOf: (file: string) => LineIndex | undefined,
): Diagnostic {
  const diagnostic: Diagnostic = {
    range: lineIndex.rangeOf(finding.span),
    severity: SEVERITY[finding.severity],
    code: finding.code,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  if (finding.href) diagnostic.codeDescription = { href: finding.href };
  if (finding.tags) {
    diagnostic.tags = finding.tags.map((tag) =>
      tag === 'deprecated' ? DiagnosticTag.Deprecated : DiagnosticTag.Unnecessary,
    );
  }
  if (finding.related) {
    const related: DiagnosticRelatedInformation[] = [];
    for (const info of finding.related) {
      const index = lineIndexOf(info.file);
      if (!index) continue;
      related.push({
        location: { uri: fileUri(info.file), range: index.rangeOf(info.span) },
        message: info.message,
      });
    }
    if (related.length > 0) diagnostic.relatedInformation = related;
  }
  return diagnostic;
}

export function isTooLarge(document: TextDocument): boolean {
  const text = document.getText();
  // A UTF-16 unit is at most 3 bytes of UTF-8: a shorter text cannot be too large.
  return text.length * 3 > MAX_DOCUMENT_BYTES && Buffer.byteLength(text, 'utf8') > MAX_DOCUMENT_BYTES;
}

/** The one diagnostic a document too large to analyse gets. */
export function tooLargeDiagnostics(): Diagnostic[] {
  return [
    {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Error,
      code: 'document-too-large',
      source: DIAGNOSTIC_SOURCE,
      message: `This file is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB; it is not analysed. PgBouncer would need minutes to load it.`,
    },
  ];
}

/** The findings located in the analysed document itself, as diagnostics. */
export function diagnosticsOf(result: LintResult): Diagnostic[] {
  const ownPath = result.model.root.path;
  const indexes = new Map<string, LineIndex>();
  for (const file of result.model.files) {
    if (!indexes.has(file.path)) indexes.set(file.path, file.parsed.lineIndex);
  }
  const lineIndex = result.model.root.parsed.lineIndex;
  return result.findings
    .filter((finding) => finding.file === ownPath)
    .map((finding) => toDiagnostic(finding, lineIndex, (file) => indexes.get(file)));
}

/**
 * At most this many diagnostics are published for a document: a generated file can have hundreds of
 * thousands of findings, and one notification with all of them is tens of megabytes the editor must
 * parse before it shows anything.
 */
export const MAX_PUBLISHED_DIAGNOSTICS = 1000;
const MAX_RELATED_PER_DIAGNOSTIC = 20;

/** The most severe diagnostics first (in document order within a severity), then one saying how many more. */
export function boundedDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  const capRelated = (diagnostic: Diagnostic): Diagnostic =>
    diagnostic.relatedInformation && diagnostic.relatedInformation.length > MAX_RELATED_PER_DIAGNOSTIC
      ? {
          ...diagnostic,
          relatedInformation: diagnostic.relatedInformation.slice(0, MAX_RELATED_PER_DIAGNOSTIC),
        }
      : diagnostic;
  if (diagnostics.length <= MAX_PUBLISHED_DIAGNOSTICS) return diagnostics.map(capRelated);
  const kept = diagnostics
    .map((diagnostic, index) => ({ diagnostic, index }))
    .sort(
      (a, b) =>
        (a.diagnostic.severity ?? DiagnosticSeverity.Error) -
          (b.diagnostic.severity ?? DiagnosticSeverity.Error) || a.index - b.index,
    )
    .slice(0, MAX_PUBLISHED_DIAGNOSTICS - 1)
    .sort((a, b) => a.index - b.index)
    .map(({ diagnostic }) => capRelated(diagnostic));
  const left = diagnostics.length - kept.length;
  const counts = new Map<DiagnosticSeverity, number>();
  for (const diagnostic of diagnostics) {
    const severity = diagnostic.severity ?? DiagnosticSeverity.Error;
    counts.set(severity, (counts.get(severity) ?? 0) + 1);
  }
  const names: [DiagnosticSeverity, string][] = [
    [DiagnosticSeverity.Error, 'error'],
    [DiagnosticSeverity.Warning, 'warning'],
    [DiagnosticSeverity.Information, 'information'],
    [DiagnosticSeverity.Hint, 'hint'],
  ];
  const total = names
    .filter(([severity]) => counts.has(severity))
    .map(([severity, name]) => `${counts.get(severity)} ${name}`)
    .join(', ');
  kept.push({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    code: 'too-many-findings',
    source: DIAGNOSTIC_SOURCE,
    message: `${diagnostics.length} findings (${total}); the ${kept.length} most severe are shown and ${left} more are not. pgbouncer-lint lists them all.`,
  });
  return kept;
}

/** What says that a file a configuration names was not there to read. */
const UNREAD_FILE_CODES = new Set(['file-not-found', 'include-not-found', 'file-not-read']);

/**
 * On a file system that cannot reach every path (vscode.dev, github.dev: nothing outside the opened
 * folder or repository), the files a configuration names are said once, not as one warning each:
 * the first keeps its place and says how many, the others are its related information. Errors are
 * kept as they are (an `%include` PgBouncer refuses to start without stays an error).
 */
export function unreadFilesSaidOnce(diagnostics: Diagnostic[], documentUri: string): Diagnostic[] {
  const unread = diagnostics.filter(
    (diagnostic) =>
      UNREAD_FILE_CODES.has(String(diagnostic.code)) && diagnostic.severity !== DiagnosticSeverity.Error,
  );
  if (unread.length < 2) return diagnostics;
  const [first] = unread;
  if (!first) return diagnostics;
  const summary: Diagnostic = {
    range: first.range,
    severity: DiagnosticSeverity.Information,
    code: 'files-not-reachable',
    source: DIAGNOSTIC_SOURCE,
    message:
      `${unread.length} files this configuration names could not be read through this editor's file system ` +
      `(in the browser, only the opened folder or repository can be read), so what they hold is not checked. ` +
      `Desktop VS Code or pgbouncer-lint on the machine checks them.`,
    relatedInformation: unread.map((diagnostic) => ({
      location: { uri: documentUri, range: diagnostic.range },
      message: typeof diagnostic.message === 'string' ? diagnostic.message : String(diagnostic.message),
    })),
  };
  const dropped = new Set(unread);
  return [summary, ...diagnostics.filter((diagnostic) => !dropped.has(diagnostic))];
}
