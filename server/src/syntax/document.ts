// The parse of an open document, with what the previous analysis of it kept (a DocumentCache): the
// lines an edit did not touch are taken from the previous parse, and entries whose value did not
// change take their connection strings back.

import { CachePart } from '../incremental/document-cache';
import type { DocumentCache } from '../incremental/document-cache';
import { ConnStringCache, readConnStringsFrom } from './connstring';
import { parse } from './parser';
import type { ParsedFile } from './syntax';

interface SyntaxMemory {
  previous: ParsedFile | null;
  connStrings: ConnStringCache;
}

const SYNTAX = new CachePart<SyntaxMemory>('syntax: the previous parse, the connection strings read', () => ({
  previous: null,
  connStrings: new ConnStringCache(),
}));

/**
 * Parses the document's new text, starting an analysis. The results of earlier analyses must not
 * be used from now on: their entries and connection strings may have moved.
 */
export function parseDocument(text: string, cache: DocumentCache): ParsedFile {
  const memory = cache.part(SYNTAX);
  memory.connStrings.startAnalysis();
  const parsed = parse(text, { previous: memory.previous ?? undefined, reusable: true });
  readConnStringsFrom(parsed, memory.connStrings);
  memory.previous = parsed;
  return parsed;
}

/** Parses a file the document includes; its entries take their connection strings from the document's. */
export function parseIncluded(text: string, cache: DocumentCache): ParsedFile {
  const parsed = parse(text);
  readConnStringsFrom(parsed, cache.part(SYNTAX).connStrings);
  return parsed;
}
