// Completion: section names, keys, values, connection-string parameters, database names, paths.
import type { CompletionItem, CompletionParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintResult } from '../engine';
import type { Settings } from '../settings';

export function completion(
  _document: TextDocument,
  _analysis: LintResult,
  _params: CompletionParams,
  _settings: Settings,
): CompletionItem[] {
  return [];
}
