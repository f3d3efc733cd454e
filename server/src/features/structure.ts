// Document symbols (outline, breadcrumbs), folding ranges and document links.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FoldingRangeKind, SymbolKind } from 'vscode-languageserver';
import type { DocumentLink, DocumentSymbol, FoldingRange } from 'vscode-languageserver';
import { nodeFileSystem } from '../analysis/engine';
import type { LintResult } from '../analysis/engine';
import { resolvePath } from '../model/config';
import type { FileSystem } from '../files/file-system';
import type { Entry, Include, ParsedFile } from '../syntax/syntax';
import { sectionInfo, setting } from '../catalog/catalog';
import { rootIncludes, rootSections, sectionBlocks } from './structure-model';
import type { IncludeEvent } from './structure-model';

const ENTRY_KINDS: Record<string, SymbolKind> = {
  pgbouncer: SymbolKind.Property,
  databases: SymbolKind.Struct,
  users: SymbolKind.Object,
  peers: SymbolKind.Object,
};

/** Outline: each section header with its entries and %include lines; entries of included files are not shown. */
export function documentSymbols(analysis: LintResult): DocumentSymbol[] {
  const { model } = analysis;
  const parsed = model.root.parsed;
  const index = parsed.lineIndex;
  const sections = rootSections(model);
  const includes = rootIncludes(model);
  const ends = new Map(sectionBlocks(parsed).map((block) => [block.index, block.end]));
  const top: DocumentSymbol[] = [];
  let current: DocumentSymbol | null = null;
  parsed.items.forEach((item, i) => {
    if (item.kind === 'section') {
      const end = ends.get(i) ?? item.span.end;
      current = {
        name: `[${item.name}]`,
        kind: SymbolKind.Namespace,
        range: index.rangeOf({ start: item.span.start, end }),
        selectionRange: index.rangeOf(item.span),
        children: [],
      };
      if (!sectionInfo(item.name)) current.detail = 'not a PgBouncer section';
      top.push(current);
      return;
    }
    let symbol: DocumentSymbol | null = null;
    if (item.kind === 'entry') symbol = entrySymbol(item, sections.get(item) ?? null, parsed);
    else if (item.kind === 'include') symbol = includeSymbol(item, includes.get(item), parsed);
    if (!symbol) return;
    const parent: DocumentSymbol | null = current;
    if (parent) parent.children?.push(symbol);
    else top.push(symbol);
  });
  return top;
}

function entrySymbol(entry: Entry, section: string | null, parsed: ParsedFile): DocumentSymbol {
  const index = parsed.lineIndex;
  const symbol: DocumentSymbol = {
    // Editors refuse symbols without a name; PgBouncer accepts "= value" with an empty key.
    name: entry.key.text === '' ? '(empty key)' : entry.key.text,
    kind: (section !== null ? ENTRY_KINDS[section] : undefined) ?? SymbolKind.Field,
    range: index.rangeOf(entry.span),
    selectionRange: index.rangeOf(entry.key.span),
  };
  if (entry.value.text !== '') symbol.detail = entry.value.text;
  return symbol;
}

function includeSymbol(
  include: Include,
  event: IncludeEvent | undefined,
  parsed: ParsedFile,
): DocumentSymbol {
  const index = parsed.lineIndex;
  const symbol: DocumentSymbol = {
    name: include.path === '' ? '%include' : `%include ${include.path}`,
    kind: SymbolKind.File,
    range: index.rangeOf(include.span),
    selectionRange: index.rangeOf(include.path === '' ? include.keywordSpan : include.pathSpan),
  };
  if (event && event.resolvedPath !== '' && event.resolvedPath !== include.path) {
    symbol.detail = event.resolvedPath;
  }
  return symbol;
}

/** Folding: each section from its header to its last non-blank line, and each run of comment lines. */
export function foldingRanges(analysis: LintResult): FoldingRange[] {
  const parsed = analysis.model.root.parsed;
  const index = parsed.lineIndex;
  const ranges: FoldingRange[] = [];
  for (const block of sectionBlocks(parsed)) {
    const startLine = index.positionAt(parsed.items[block.index].span.start).line;
    const endLine = index.positionAt(block.end).line;
    if (endLine > startLine) ranges.push({ startLine, endLine });
  }
  // Whole-line comments on consecutive lines fold together; nothing else can sit between them.
  const commentLines: number[] = [];
  for (const item of parsed.items) {
    if (item.kind !== 'comment') continue;
    const line = index.positionAt(item.span.start).line;
    if (parsed.text.slice(index.lineStart(line), item.span.start).trim() === '') commentLines.push(line);
  }
  for (let i = 0; i < commentLines.length;) {
    let j = i;
    while (j + 1 < commentLines.length && commentLines[j + 1] === commentLines[j] + 1) j++;
    if (j > i) {
      ranges.push({ startLine: commentLines[i], endLine: commentLines[j], kind: FoldingRangeKind.Comment });
    }
    i = j + 1;
  }
  return ranges.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

/**
 * Links from every %include path and every path setting of [pgbouncer] to the file, resolved
 * against the directory PgBouncer runs in. Only files that exist get a link: following one to a
 * missing file or to a folder opens nothing useful, and the diagnostics already report those.
 */
export function documentLinks(analysis: LintResult, fileSystem: FileSystem = nodeFileSystem): DocumentLink[] {
  const { model } = analysis;
  const parsed = model.root.parsed;
  const index = parsed.lineIndex;
  const sections = rootSections(model);
  const includes = rootIncludes(model);
  const links: DocumentLink[] = [];
  const link = (written: string, resolved: string, span: { start: number; end: number }): void => {
    if (written === '' || resolved === '' || fileSystem.stat(resolved) !== 'file') return;
    const relative = !path.isAbsolute(written);
    links.push({
      range: index.rangeOf(span),
      target: pathToFileURL(resolved).toString(),
      tooltip: relative
        ? `Open ${resolved} (relative to the directory PgBouncer runs in, ${model.runDirectory})`
        : `Open ${resolved}`,
    });
  };
  for (const item of parsed.items) {
    if (item.kind === 'include') {
      const event = includes.get(item);
      if (event) link(item.path, event.resolvedPath, item.pathSpan);
    } else if (item.kind === 'entry' && sections.get(item) === 'pgbouncer') {
      if (setting('pgbouncer', item.key.text)?.type !== 'path') continue;
      const written = item.value.text;
      if (written !== '') link(written, resolvePath(written, model.runDirectory), item.value.span);
    }
  }
  return links;
}
