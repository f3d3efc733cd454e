// YAML with source positions, for compose files, Kubernetes manifests, Spring and Rails configs: the
// `yaml` package's documents keep every node's range, which plain JSON from a YAML parser loses.
// Aliases are followed and merge keys (`<<: *defaults`, as compose files use them) applied here, so
// readers see a map as the program that reads the file does, with each value still at its place.

import { isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Span } from '../../syntax/syntax';
import type { ReadProblem, SourceValue } from './types';

export type YamlNode = Node;

export interface YamlFile {
  path: string;
  text: string;
  documents: Document.Parsed[];
  problems: ReadProblem[];
}

/** Past this many alias expansions in one file, aliases are not followed (a "billion laughs" file). */
const MAX_ALIAS_STEPS = 10_000;

export function parseYamlFile(path: string, text: string): YamlFile {
  const problems: ReadProblem[] = [];
  let documents: Document.Parsed[] = [];
  try {
    const parsed = parseAllDocuments(text, { merge: true, uniqueKeys: false, prettyErrors: false });
    documents = Array.isArray(parsed) ? parsed : [];
  } catch (error) {
    problems.push({
      file: path,
      span: { start: 0, end: 0 },
      message: `The YAML could not be read: ${(error as Error).message}`,
      severity: 'error',
      code: 'yaml-syntax',
    });
  }
  for (const document of documents) {
    for (const error of document.errors) {
      const [start, end] = error.pos;
      // Only the kind of problem: the text around it may be a secret.
      problems.push({
        file: path,
        span: { start, end: Math.max(start, end) },
        message: `YAML syntax: ${error.code.toLowerCase().replace(/_/g, ' ')}`,
        severity: 'error',
        code: 'yaml-syntax',
      });
    }
  }
  return { path, text, documents, problems };
}

/** The node an alias stands for (bounded), or the node itself. */
export function resolve(
  document: Document.Parsed,
  node: unknown,
  steps = { left: MAX_ALIAS_STEPS },
): Node | null {
  let current = node;
  while (isAlias(current)) {
    if (--steps.left < 0) return null;
    current = current.resolve(document) ?? null;
  }
  return (current as Node | null) ?? null;
}

export function spanOf(node: Node | null | undefined): Span {
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
}

export interface YamlEntry {
  key: string;
  keySpan: Span;
  value: Node | null;
}

function isMergeKey(pair: Pair): boolean {
  return isScalar(pair.key) && typeof pair.key.value === 'symbol';
}

/**
 * The entries of a map, merge keys applied as YAML 1.1 says: keys written in the map win over merged
 * ones, and among merged maps the first to name a key wins. Values are the map's nodes (aliases
 * resolved), so each keeps its position; a merged value sits where its anchor's map wrote it.
 */
export function entriesOf(document: Document.Parsed, node: unknown): YamlEntry[] {
  const steps = { left: MAX_ALIAS_STEPS };
  const seen = new Set<Node>();
  const walk = (mapNode: unknown): YamlEntry[] => {
    const map = resolve(document, mapNode, steps);
    if (!isMap(map) || seen.has(map)) return [];
    seen.add(map);
    const own: YamlEntry[] = [];
    const merged: YamlEntry[] = [];
    for (const pair of map.items) {
      if (isMergeKey(pair)) {
        const source = resolve(document, pair.value, steps);
        const sources = isSeq(source) ? source.items : [source];
        for (const one of sources) merged.push(...walk(one));
        continue;
      }
      const key = resolve(document, pair.key, steps);
      if (!isScalar(key) || key.value === null || key.value === undefined) continue;
      own.push({ key: String(key.value), keySpan: spanOf(key), value: resolve(document, pair.value, steps) });
    }
    seen.delete(map);
    const byKey = new Map<string, YamlEntry>();
    // A later key written in the map replaces an earlier one (uniqueKeys is off, as in compose).
    for (const entry of merged) if (!byKey.has(entry.key)) byKey.set(entry.key, entry);
    for (const entry of own) byKey.set(entry.key, entry);
    return [...byKey.values()];
  };
  return walk(node);
}

/** The value of a key of a map (merge keys applied), or undefined. */
export function getEntry(document: Document.Parsed, node: unknown, key: string): YamlEntry | undefined {
  return entriesOf(document, node).find((entry) => entry.key === key);
}

/** The items of a sequence, aliases resolved; [] for anything else. */
export function itemsOf(document: Document.Parsed, node: unknown): Node[] {
  const seq = resolve(document, node);
  if (!isSeq(seq)) return [];
  const items: Node[] = [];
  for (const item of seq.items) {
    const one = resolve(document, item);
    if (one) items.push(one);
  }
  return items;
}

/**
 * A scalar's value as text, as a program that reads it as a string sees it: numbers and booleans as
 * written (`5432`, not 5432.0), null as ''. undefined for maps and sequences.
 */
export function scalarText(node: Node | null | undefined): string | undefined {
  if (node === null || node === undefined) return undefined;
  if (!isScalar(node)) return undefined;
  if (node.value === null || node.value === undefined) return '';
  if (typeof node.value === 'string') return node.value;
  // Numbers and booleans: the source text, so that 010 or 1e3 read as written.
  return node.source ?? String(node.value);
}

/** A scalar as a SourceValue in the file, or undefined when the node is not a scalar. */
export function sourceValue(file: YamlFile, node: Node | null | undefined): SourceValue | undefined {
  const text = scalarText(node);
  return text === undefined ? undefined : { text, file: file.path, span: spanOf(node) };
}
