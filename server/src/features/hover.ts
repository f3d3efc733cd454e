// Hover: what a key, a value or a connection-string parameter means.
import type { Hover, HoverParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintResult } from '../engine';
import type { Settings } from '../settings';

export function hover(
  _document: TextDocument,
  _analysis: LintResult,
  _params: HoverParams,
  _settings: Settings,
): Hover | null {
  return null;
}
