// Document symbols (outline, breadcrumbs), folding ranges and document links.
import type { DocumentLink, DocumentSymbol, FoldingRange } from 'vscode-languageserver';
import type { LintResult } from '../engine';

export function documentSymbols(_analysis: LintResult): DocumentSymbol[] {
  return [];
}

export function foldingRanges(_analysis: LintResult): FoldingRange[] {
  return [];
}

export function documentLinks(_analysis: LintResult): DocumentLink[] {
  return [];
}
