// The deployment audit in the editor: the findings of a workspace folder's deployment as diagnostics
// per file, and the summary the Deployment view shows (services → pooler → database).

import { pathToFileURL } from 'node:url';
import { CodeActionKind } from 'vscode-languageserver';
import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver';
import type { FolderAudit } from '../deployment/run';
import type { Deployment, RoutedConnection } from '../deployment/model';
import type { Finding } from '../findings/finding';
import { LineIndex } from '../syntax/syntax';
import type { DeploymentSummary, DeploymentSummaryClient, DeploymentSummaryPooler } from '../protocol';
import { toDiagnostic } from './diagnostics';

/** Diagnostics by file path for every file of the deployment that has findings. */
export function deploymentDiagnostics(audit: FolderAudit): Map<string, Diagnostic[]> {
  const texts = audit.deployment.texts;
  const indexes = new Map<string, LineIndex>();
  const indexOf = (file: string): LineIndex | undefined => {
    let index = indexes.get(file);
    const text = texts.get(file);
    if (!index && text !== undefined) indexes.set(file, (index = new LineIndex(text)));
    return index;
  };
  const byFile = new Map<string, Diagnostic[]>();
  const byFileFindings = new Map<string, Finding[]>();
  for (const finding of audit.findings)
    byFileFindings.set(finding.file, [...(byFileFindings.get(finding.file) ?? []), finding]);
  for (const [file, findings] of byFileFindings) {
    const index = indexOf(file);
    if (!index) continue;
    byFile.set(
      file,
      findings.map((finding) => toDiagnostic(finding, index, indexOf)),
    );
  }
  return byFile;
}

function location(deployment: Deployment, file: string, span: { start: number; end: number }) {
  const text = deployment.texts.get(file);
  const range = text === undefined ? undefined : new LineIndex(text).rangeOf(span);
  return {
    uri: pathToFileURL(file).toString(),
    range: range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  };
}

function clientSummary(deployment: Deployment, connection: RoutedConnection, flagged: ReadonlySet<string>) {
  const first = connection.url.hosts[0];
  const key = `${connection.at.file}\0${connection.at.span.start}`;
  const summary: DeploymentSummaryClient = {
    name: connection.workload?.name ?? connection.setting,
    setting: connection.setting,
    target: first ? `${first.host}:${first.port ?? 5432}` : '',
    database: connection.url.database ?? '',
    purpose: connection.purpose,
    route:
      connection.route.kind === 'pooler'
        ? 'pooler'
        : connection.route.kind === 'backend'
          ? 'bypass'
          : 'unknown',
    problem: flagged.has(key),
    location: location(deployment, connection.at.file, connection.at.span),
  };
  if (connection.route.kind !== 'unknown') summary.pooler = connection.route.pooler.name;
  if (connection.poolSize) summary.poolSize = connection.poolSize.size * connection.replicas;
  return summary;
}

/** What the Deployment view shows of a folder. */
export function deploymentSummary(folder: string, audit: FolderAudit): DeploymentSummary {
  const deployment = audit.deployment;
  const flagged = new Set(audit.findings.map((finding) => `${finding.file}\0${finding.span.start}`));
  const poolers: DeploymentSummaryPooler[] = deployment.poolers.map((pooler) => ({
    name: pooler.name,
    kind: pooler.kind,
    release: pooler.release ?? '',
    listenPort: pooler.listenPort,
    databases: [...pooler.backends, ...(pooler.fallback ? [pooler.fallback] : [])].map((backend) => ({
      name: backend.database,
      server: `${backend.hosts.filter((host) => host !== '').join(',') || 'local socket'}:${backend.port}`,
    })),
    location: location(deployment, pooler.place.file, pooler.place.span),
  }));
  return {
    folder,
    poolers,
    clients: deployment.connections.map((connection) => clientSummary(deployment, connection, flagged)),
  };
}

/**
 * Quick fixes of the deployment findings in a range of a file, when the file still has the text they
 * were found in (an edit since makes them wait for the next audit).
 */
export function deploymentCodeActions(
  uri: string,
  currentText: string,
  found: { findings: readonly Finding[]; text: string } | undefined,
  range: Range,
): CodeAction[] {
  if (!found || found.text !== currentText) return [];
  const index = new LineIndex(found.text);
  const start = index.offsetAt(range.start);
  const end = index.offsetAt(range.end);
  const actions: CodeAction[] = [];
  for (const finding of found.findings) {
    if (finding.span.end < start || finding.span.start > end) continue;
    for (const fix of finding.fixes ?? []) {
      if (fix.edits.some((edit) => edit.file !== finding.file)) continue;
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        isPreferred: fix.kind !== 'suggestion',
        diagnostics: [toDiagnostic(finding, index, () => undefined)],
        edit: {
          changes: {
            [uri]: fix.edits.map((edit) => ({ range: index.rangeOf(edit.span), newText: edit.newText })),
          },
        },
      });
    }
  }
  return actions;
}
