// Lookup tables that completion and hover share, built once per analysis on first use (a
// WeakMap keyed by the LintResult), so that a request costs a binary search and a look at one
// line, never a walk over the whole file: the root file's items by offset, the section in force
// at each item, the keys set in each [pgbouncer] block, the root file's %include events, and
// (lazily) audit findings by line and the [databases] names.

import type { LintResult } from '../analysis/engine';
import type { ConfigEvent } from '../model/config';
import type { Include, Item, ParsedFile } from '../syntax/syntax';
import { RULES } from '../rules';
import { GRAMMAR } from '../catalog/catalog';
import type { Finding } from '../findings/finding';

export type IncludeEvent = Extract<ConfigEvent, { kind: 'include' }>;

export interface PositionIndex {
  analysis: LintResult;
  parsed: ParsedFile;
  items: readonly Item[];
  /** Offset where each item starts, ascending. */
  starts: Int32Array;
  /** Section in force when each root item is read (null before any header). */
  sectionBefore: (string | null)[];
  /** Number of [pgbouncer] headers read before each root item: identifies its [pgbouncer] block. */
  mainBlockBefore: Int32Array;
  finalSection: string | null;
  finalMainBlock: number;
  /** [pgbouncer] keys set in each block (all files, in reading order), with how often. */
  mainKeys: Map<number, Map<string, number>>;
  includes: Map<Include, IncludeEvent>;
  ruleFindingsByLine?: Map<number, Finding[]>;
  databaseNames?: string[];
}

const indexes = new WeakMap<LintResult, PositionIndex>();

function itemOf(event: ConfigEvent): Item {
  switch (event.kind) {
    case 'section':
      return event.header;
    case 'entry':
      return event.entry;
    case 'error':
      return event.error;
    case 'include':
      return event.include;
  }
}

export function positionIndex(analysis: LintResult): PositionIndex {
  let index = indexes.get(analysis);
  if (index) return index;
  const { model } = analysis;
  const parsed = model.root.parsed;
  const items = parsed.items;
  const n = items.length;
  const starts = new Int32Array(n);
  for (let i = 0; i < n; i++) starts[i] = items[i].span.start;
  const sectionBefore: (string | null)[] = new Array(n);
  const mainBlockBefore = new Int32Array(n);
  const mainKeys = new Map<number, Map<string, number>>();
  const includes = new Map<Include, IncludeEvent>();
  let section: string | null = null;
  let block = 0;
  let j = 0;
  for (const event of model.events) {
    if (event.file === model.root) {
      const item = itemOf(event);
      // Comments produce no event: they get the section in force when the next item is read.
      while (j < n && items[j] !== item) {
        sectionBefore[j] = section;
        mainBlockBefore[j++] = block;
      }
      if (j < n) {
        sectionBefore[j] = section;
        mainBlockBefore[j++] = block;
      }
      if (event.kind === 'include') includes.set(event.include, event);
    }
    if (event.kind === 'section') {
      section = event.header.name;
      if (section === 'pgbouncer') block++;
    } else if (event.kind === 'entry' && event.section === 'pgbouncer') {
      let keys = mainKeys.get(block);
      if (!keys) mainKeys.set(block, (keys = new Map()));
      keys.set(event.entry.key.text, (keys.get(event.entry.key.text) ?? 0) + 1);
    }
  }
  for (; j < n; j++) {
    sectionBefore[j] = section;
    mainBlockBefore[j] = block;
  }
  index = {
    analysis,
    parsed,
    items,
    starts,
    sectionBefore,
    mainBlockBefore,
    finalSection: section,
    finalMainBlock: block,
    mainKeys,
    includes,
  };
  indexes.set(analysis, index);
  return index;
}

/** Index of the last root item starting at or before `offset`, or -1. */
export function itemIndexAt(index: PositionIndex, offset: number): number {
  const { starts } = index;
  let low = 0;
  let high = starts.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (starts[mid] <= offset) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/** Section in force right after item `i` (and whatever it included); null before any header. */
export function sectionAfter(index: PositionIndex, i: number): string | null {
  if (i < 0) return null;
  return i + 1 < index.items.length ? index.sectionBefore[i + 1] : index.finalSection;
}

/** The [pgbouncer] block in force right after item `i`. */
export function mainBlockAfter(index: PositionIndex, i: number): number {
  if (i < 0) return 0;
  return i + 1 < index.items.length ? index.mainBlockBefore[i + 1] : index.finalMainBlock;
}

const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));

/** Audit rule findings in the root file, by the line they start on. */
export function ruleFindingsOn(index: PositionIndex, line: number): Finding[] {
  if (!index.ruleFindingsByLine) {
    const byLine = new Map<number, Finding[]>();
    const rootPath = index.analysis.model.root.path;
    for (const finding of index.analysis.findings) {
      if (finding.file !== rootPath || !RULE_IDS.has(finding.code)) continue;
      const at = index.parsed.lineIndex.positionAt(finding.span.start).line;
      const list = byLine.get(at);
      if (list) list.push(finding);
      else byLine.set(at, [finding]);
    }
    index.ruleFindingsByLine = byLine;
  }
  return index.ruleFindingsByLine.get(line) ?? [];
}

/** Names of the databases the configuration defines, in order, without the fallback and reserved ones. */
export function databaseNames(index: PositionIndex): string[] {
  index.databaseNames ??= [...index.analysis.effective.databases.keys()].filter(
    (name) => name !== GRAMMAR.fallbackDatabaseName && !GRAMMAR.reservedDatabaseNames.includes(name),
  );
  return index.databaseNames;
}
