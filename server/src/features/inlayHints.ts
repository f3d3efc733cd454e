// Inlay hints: durations after time values, effective values, effective pool sizes.
import type { InlayHint, Range } from 'vscode-languageserver';
import type { LintResult } from '../engine';
import type { Settings } from '../settings';

export function inlayHints(_analysis: LintResult, _range: Range, _settings: Settings): InlayHint[] {
  return [];
}
