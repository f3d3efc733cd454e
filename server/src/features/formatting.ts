// Document and range formatting that never changes what PgBouncer reads.
import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver';
import type { LintResult } from '../analysis/engine';
import { parse } from '../syntax/parser';
import type { Entry, ParsedFile } from '../syntax/syntax';
import type { Settings } from '../settings';
import { applyReplacements, formatReplacements, sameMeaning } from './format-lines';
import type { Replacement } from './format-lines';
import { rootSections } from './structure-model';

/**
 * `key = value` with one blank around '=', connection strings with one space between parameters
 * and none around their '=', no trailing blanks, optional alignment. Values, quotes, comments,
 * blank lines and line breaks are kept. The result is parsed again and dropped if it would mean
 * anything else to PgBouncer.
 */
export function formatDocument(
  analysis: LintResult,
  options: FormattingOptions,
  settings: Settings,
  range?: Range,
): TextEdit[] {
  const parsed = analysis.model.root.parsed;
  const index = parsed.lineIndex;
  const sections = rootSections(analysis.model);
  const sectionOf = (entry: Entry): string | null => sections.get(entry) ?? null;
  const replacements = formatReplacements(parsed, sectionOf, {
    alignValues: settings.format.alignValues,
    alignParameters: settings.format.alignParameters,
    range: range ? { start: index.offsetAt(range.start), end: index.offsetAt(range.end) } : undefined,
    trimFinalNewlines: options.trimFinalNewlines === true,
    insertFinalNewline: options.insertFinalNewline === true,
  });
  if (replacements.length === 0 || !keepsMeaning(parsed, replacements, sectionOf)) return [];
  return replacements.map((r) => ({ range: index.rangeOf(r), newText: r.newText }));
}

function keepsMeaning(
  parsed: ParsedFile,
  replacements: readonly Replacement[],
  sectionOf: (entry: Entry) => string | null,
): boolean {
  const after = parse(applyReplacements(parsed.text, replacements));
  return sameMeaning(parsed, after, (i) => {
    const item = parsed.items[i];
    return item.kind === 'entry' ? sectionOf(item) : null;
  });
}
