// Document and range formatting that never changes what PgBouncer reads.
import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver';
import type { LintResult } from '../engine';
import type { Settings } from '../settings';

export function formatDocument(
  _analysis: LintResult,
  _options: FormattingOptions,
  _settings: Settings,
  _range?: Range,
): TextEdit[] {
  return [];
}
