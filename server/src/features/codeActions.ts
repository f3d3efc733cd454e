// Quick fixes for the diagnostics in a range, "fix all" (source.fixAll.pgbouncer), and
// suppression comments for a finding.

import { CodeActionKind } from 'vscode-languageserver';
import type {
  CodeAction,
  CodeActionParams,
  Diagnostic,
  TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import type { LintResult } from '../analysis/engine';
import { fixesToApply, primaryFix } from '../analysis/fix-all';
import { verifyFixes } from '../analysis/verify';
import { lineBreakAt } from '../findings/fix';
import type { Fix } from '../findings/fix';
import type { LineIndex } from '../syntax/syntax';
import { DIAGNOSTIC_SOURCE } from '../protocol';
import type { Finding } from '../findings/finding';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.pgbouncer`;

function toLspEdits(fix: Fix, filePath: string, lineIndex: LineIndex): LspTextEdit[] | null {
  if (fix.edits.some((edit) => edit.file !== filePath)) return null;
  return fix.edits.map((edit) => ({ range: lineIndex.rangeOf(edit.span), newText: edit.newText }));
}

function wants(params: CodeActionParams, kind: string): boolean {
  const only = params.context.only;
  if (!only || only.length === 0) return kind !== FIX_ALL_KIND;
  return only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
}

/**
 * The safe fixes of the document that can be applied together, as LSP edits: "Fix all" runs on
 * save, so it must not change what PgBouncer does.
 */
export function fixAllEdits(uriPath: string, result: LintResult): LspTextEdit[] {
  const lineIndex = result.model.root.parsed.lineIndex;
  return fixesToApply(result, 'safe').flatMap((fix) => toLspEdits(fix, uriPath, lineIndex) ?? []);
}

/** How the light bulb names a fix: what it does, and whether it changes PgBouncer's behaviour. */
export function quickFixTitle(fix: Fix): string {
  if (fix.withheld) return `${fix.title} (held back while ${fix.withheld})`;
  if (fix.kind === 'recommended') return `${fix.title} (changes behaviour)`;
  if (fix.kind === 'suggestion') return `${fix.title} (changes behaviour: review first)`;
  return fix.title;
}

function suppressionAction(
  uri: string,
  finding: Finding,
  diagnostic: Diagnostic,
  result: LintResult,
): CodeAction {
  const text = result.model.root.parsed.text;
  const lineIndex = result.model.root.parsed.lineIndex;
  const line = diagnostic.range.start.line;
  const lineStart = lineIndex.lineStart(line);
  const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
  const eol = lineBreakAt(text, lineStart);
  return {
    title: `Disable ${finding.code} for this line`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: {
      changes: {
        [uri]: [
          {
            range: { start: { line, character: 0 }, end: { line, character: 0 } },
            newText: `${indent}; pgbouncer-lint: disable-next-line ${finding.code}${eol}`,
          },
        ],
      },
    },
  };
}

export function codeActions(
  uri: string,
  uriPath: string,
  result: LintResult,
  params: CodeActionParams,
): CodeAction[] {
  verifyFixes(result);
  const actions: CodeAction[] = [];
  const lineIndex = result.model.root.parsed.lineIndex;
  const own = result.findings.filter((finding) => finding.file === uriPath);

  if (wants(params, CodeActionKind.QuickFix)) {
    // One lookup table per request: a client may send thousands of diagnostics at once.
    const byKey = new Map<string, Finding>();
    const keyOf = (code: unknown, range: Diagnostic['range']): string =>
      `${String(code)}:${range.start.line}:${range.start.character}:${range.end.line}:${range.end.character}`;
    if (params.context.diagnostics.length > 0) {
      for (const f of own) {
        const key = keyOf(f.code, lineIndex.rangeOf(f.span));
        if (!byKey.has(key)) byKey.set(key, f);
      }
    }
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const finding = byKey.get(keyOf(diagnostic.code, diagnostic.range));
      if (!finding) continue;
      // The fix "Fix all" or --fix=all could apply is the preferred one; a safe fix comes first.
      const primary = primaryFix(finding);
      for (const fix of finding.fixes ?? []) {
        const edits = toLspEdits(fix, uriPath, lineIndex);
        if (!edits) continue;
        actions.push({
          title: quickFixTitle(fix),
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix === primary && !fix.withheld,
          edit: { changes: { [uri]: edits } },
        });
      }
      // Errors stop PgBouncer: hiding them would not help anybody.
      if (finding.severity !== 'error' && finding.code !== 'unused-suppression') {
        actions.push(suppressionAction(uri, finding, diagnostic, result));
      }
    }
  }

  if (wants(params, FIX_ALL_KIND)) {
    const edits = fixAllEdits(uriPath, result);
    if (edits.length > 0) {
      actions.push({
        title: 'Fix all PgBouncer problems that have a safe fix',
        kind: FIX_ALL_KIND,
        edit: { changes: { [uri]: edits } },
      });
    }
  }
  return actions;
}
