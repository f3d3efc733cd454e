// Connection strings of [databases], [users] and [peers] values, read the way PgBouncer's
// loader.c (cstr_get_pair) reads them: pairs separated by spaces only (a tab is an ordinary
// character), blanks allowed around '=', values optionally in single quotes with '' as an
// escaped quote. One character right after a closing quote is always consumed.

import { allSettings } from '../schema/catalog';
import { EntryNode } from './parser';
import type { Entry, ParsedFile, Span } from './syntax';

export interface ConnParam {
  key: string;
  keySpan: Span;
  equalsOffset: number;
  /** The value after unquoting. */
  value: string;
  /** Raw value text, quotes included. */
  valueSpan: Span;
  quoted: boolean;
  /** Set when a character right after the closing quote was silently dropped. */
  droppedAfterQuote?: Span;
}

export type ConnStringErrorCode = 'missing-equals' | 'empty-key' | 'empty-value' | 'unterminated-quote';

export interface ConnStringError {
  code: ConnStringErrorCode;
  span: Span;
  message: string;
}

export interface ConnString {
  params: ConnParam[];
  /** PgBouncer rejects the whole entry at the first error; later text is not read. */
  error: ConnStringError | null;
}

const SPACE = 32;
const EQUALS = 61;
const QUOTE = 39;

/**
 * Parameter names, so that thousands of entries share one string per name. Seeded with the
 * catalog's names, which are the same strings as the literals rules look parameters up by
 * (identical strings compare at once).
 */
const keyNames = new Map<string, string>(allSettings().map((s) => [s.name, s.name]));

function keyName(text: string, start: number, end: number): string {
  const key = text.slice(start, end);
  const shared = keyNames.get(key);
  if (shared !== undefined) return shared;
  if (keyNames.size < 1000 && key.length <= 64) keyNames.set(key, key);
  return key;
}

/**
 * A parameter keeps its offsets as numbers and makes its spans when asked: a configuration with
 * thousands of entries has tens of thousands of parameters, most of whose spans nobody reads.
 */
class Param implements ConnParam {
  declare droppedAfterQuote?: Span;

  constructor(
    readonly key: string,
    private readonly keyStart: number,
    private readonly keyEnd: number,
    readonly equalsOffset: number,
    readonly value: string,
    private readonly valueStart: number,
    private readonly valueEnd: number,
    readonly quoted: boolean,
  ) {}

  get keySpan(): Span {
    return { start: this.keyStart, end: this.keyEnd };
  }

  get valueSpan(): Span {
    return { start: this.valueStart, end: this.valueEnd };
  }
}

function failure(params: ConnParam[], code: ConnStringErrorCode, span: Span, message: string): ConnString {
  return { params, error: { code, span, message } };
}

/** Parses `text` (the entry's value), whose first character is at `base` in the file. */
export function parseConnString(text: string, base: number): ConnString {
  const params: ConnParam[] = [];
  const n = text.length;
  let p = 0;

  for (;;) {
    while (p < n && text.charCodeAt(p) === SPACE) p++;
    if (p >= n) break;
    const keyStart = p;
    for (let c = text.charCodeAt(p); c !== EQUALS && c !== SPACE; c = text.charCodeAt(p)) {
      if (++p >= n) break;
    }
    const keyEnd = p;
    while (p < n && text.charCodeAt(p) === SPACE) p++;
    if (p >= n || text.charCodeAt(p) !== EQUALS) {
      return failure(
        params,
        'missing-equals',
        { start: base + keyStart, end: base + keyEnd },
        `Connection parameter '${text.slice(keyStart, keyEnd)}' has no '=' and value.`,
      );
    }
    if (keyStart === keyEnd) {
      return failure(
        params,
        'empty-key',
        { start: base + p, end: base + p + 1 },
        "'=' without a parameter name before it.",
      );
    }
    const equalsOffset = p;
    p++;
    while (p < n && text.charCodeAt(p) === SPACE) p++;
    const valueStart = p;
    let value: string;
    let quoted = false;
    let droppedAfterQuote: Span | undefined;
    let valueEnd: number;
    if (p < n && text.charCodeAt(p) === QUOTE) {
      quoted = true;
      p++;
      let unquoted = '';
      let from = p;
      for (;;) {
        const close = text.indexOf("'", p);
        if (close === -1) {
          return failure(
            params,
            'unterminated-quote',
            { start: base + valueStart, end: base + n },
            `The quoted value of '${text.slice(keyStart, keyEnd)}' has no closing quote.`,
          );
        }
        if (text.charCodeAt(close + 1) === QUOTE) {
          // '' is an escaped quote
          unquoted += text.slice(from, close + 1);
          p = from = close + 2;
          continue;
        }
        unquoted += text.slice(from, close);
        p = close;
        break;
      }
      p++; // closing quote
      valueEnd = p;
      value = unquoted;
      if (p < n) {
        if (text.charCodeAt(p) !== SPACE) droppedAfterQuote = { start: base + p, end: base + p + 1 };
        p++;
      }
    } else {
      while (p < n && text.charCodeAt(p) !== SPACE) p++;
      valueEnd = p;
      value = text.slice(valueStart, valueEnd);
      if (p < n) p++;
    }
    if (value.length === 0) {
      return failure(
        params,
        'empty-value',
        { start: base + keyStart, end: base + Math.max(valueEnd, equalsOffset + 1) },
        `Connection parameter '${text.slice(keyStart, keyEnd)}' has an empty value.`,
      );
    }
    const param = new Param(
      keyName(text, keyStart, keyEnd),
      base + keyStart,
      base + keyEnd,
      base + equalsOffset,
      value,
      base + valueStart,
      base + valueEnd,
      quoted,
    );
    if (droppedAfterQuote) param.droppedAfterQuote = droppedAfterQuote;
    params.push(param);
  }
  // An array grown by push keeps room for 17 items; thousands of entries keep their few at their size.
  return { params: params.slice(), error: null };
}

/** Connection strings of entries that did not come from the parser (parsed once per file). */
const parsedValues = new WeakMap<ParsedFile, Map<Entry, ConnString>>();

/** The connection string of a [databases], [users] or [peers] entry of `file`, read once. */
export function connStringOf(file: ParsedFile, entry: Entry): ConnString {
  if (entry instanceof EntryNode) {
    // Validation and the effective configuration both ask: the entry keeps it.
    entry.connString ??= parseConnString(entry.value.text, entry.value.start);
    return entry.connString;
  }
  let cache = parsedValues.get(file);
  if (!cache) parsedValues.set(file, (cache = new Map()));
  let connString = cache.get(entry);
  if (!connString) {
    connString = parseConnString(entry.value.text, entry.value.span.start);
    cache.set(entry, connString);
  }
  return connString;
}
