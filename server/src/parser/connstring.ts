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

/**
 * One bit per parameter name of [databases], [users] and [peers] (29 names): a connection string
 * keeps the bits of the names it has, so that asking for an absent parameter, which is most
 * questions, reads no parameter (thousands of entries are asked the same questions).
 */
const PARAM_BITS = new Map<string, number>();
for (const known of allSettings()) {
  if (known.section === 'pgbouncer' || PARAM_BITS.has(known.name) || PARAM_BITS.size >= 31) continue;
  PARAM_BITS.set(known.name, 1 << PARAM_BITS.size);
}

/** The known parameter names by length and first character, to find a key without slicing it. */
const namesByShape = new Map<number, string[]>();
for (const name of PARAM_BITS.keys()) {
  const shape = name.length * 128 + name.charCodeAt(0);
  const names = namesByShape.get(shape);
  if (names) names.push(name);
  else namesByShape.set(shape, [name]);
}

function keyName(text: string, start: number, end: number): string {
  // Most keys are known parameter names: found by comparing in place, no string is made.
  const candidates = namesByShape.get((end - start) * 128 + text.charCodeAt(start));
  if (candidates !== undefined) {
    for (let i = 0; i < candidates.length; i++)
      if (text.startsWith(candidates[i], start)) return candidates[i];
  }
  const key = text.slice(start, end);
  const shared = keyNames.get(key);
  if (shared !== undefined) return shared;
  if (keyNames.size < 1000 && key.length <= 64) keyNames.set(key, key);
  return key;
}

/**
 * A parsed connection string keeps its offsets relative to the start of the value and its
 * `base`, so that one unchanged after an edit can be moved to its new place instead of being read
 * again (see ConnStringCache). Spans are made when asked: a configuration with thousands of
 * entries has tens of thousands of parameters, most of whose spans nobody reads.
 */
class ParsedConnString implements ConnString {
  /** Offset of the value's first character in the file. */
  base: number;
  params: ConnParam[] = [];
  private failure: { code: ConnStringErrorCode; start: number; end: number; message: string } | null = null;
  /** The generation of the cache that last handed it out (see ConnStringCache). */
  claimedIn = -1;
  /** Validation contexts in which its parameters were found without problems (see validate). */
  cleanIn: string | undefined = undefined;
  /** PARAM_BITS of the names it has; -1 (every bit) when it has a name without a bit. */
  keyMask = 0;
  /** Facts derived from the parameters alone (see memoOf); only for those a cache keeps. */
  memo: ConnStringMemo | null = null;

  constructor(base: number) {
    this.base = base;
  }

  get error(): ConnStringError | null {
    const failure = this.failure;
    if (!failure) return null;
    return {
      code: failure.code,
      span: { start: this.base + failure.start, end: this.base + failure.end },
      message: failure.message,
    };
  }

  fail(code: ConnStringErrorCode, start: number, end: number, message: string): this {
    this.failure = { code, start, end, message };
    return this;
  }

  get failed(): boolean {
    return this.failure !== null;
  }
}

class Param implements ConnParam {
  constructor(
    private readonly owner: ParsedConnString,
    readonly key: string,
    private readonly keyStart: number,
    private readonly keyEnd: number,
    private readonly equalsAt: number,
    readonly value: string,
    private readonly valueStart: number,
    private readonly valueEnd: number,
    readonly quoted: boolean,
    /** Offset of the character dropped after the closing quote, or -1. */
    private readonly droppedAt: number,
  ) {}

  get equalsOffset(): number {
    return this.owner.base + this.equalsAt;
  }

  get keySpan(): Span {
    const base = this.owner.base;
    return { start: base + this.keyStart, end: base + this.keyEnd };
  }

  get valueSpan(): Span {
    const base = this.owner.base;
    return { start: base + this.valueStart, end: base + this.valueEnd };
  }

  get droppedAfterQuote(): Span | undefined {
    if (this.droppedAt < 0) return undefined;
    const start = this.owner.base + this.droppedAt;
    return { start, end: start + 1 };
  }
}

/** Parses `text` (the entry's value), whose first character is at `base` in the file. */
export function parseConnString(text: string, base: number): ConnString {
  return readConnString(text, base);
}

function readConnString(text: string, base: number): ParsedConnString {
  const result = new ParsedConnString(base);
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
      result.params = params.slice();
      return result.fail(
        'missing-equals',
        keyStart,
        keyEnd,
        `Connection parameter '${text.slice(keyStart, keyEnd)}' has no '=' and value.`,
      );
    }
    if (keyStart === keyEnd) {
      result.params = params.slice();
      return result.fail('empty-key', p, p + 1, "'=' without a parameter name before it.");
    }
    const equalsOffset = p;
    p++;
    while (p < n && text.charCodeAt(p) === SPACE) p++;
    const valueStart = p;
    let value: string;
    let quoted = false;
    let droppedAt = -1;
    let valueEnd: number;
    if (p < n && text.charCodeAt(p) === QUOTE) {
      quoted = true;
      p++;
      let unquoted = '';
      let from = p;
      for (;;) {
        const close = text.indexOf("'", p);
        if (close === -1) {
          result.params = params.slice();
          return result.fail(
            'unterminated-quote',
            valueStart,
            n,
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
        if (text.charCodeAt(p) !== SPACE) droppedAt = p;
        p++;
      }
    } else {
      while (p < n && text.charCodeAt(p) !== SPACE) p++;
      valueEnd = p;
      value = text.slice(valueStart, valueEnd);
      if (p < n) p++;
    }
    if (value.length === 0) {
      result.params = params.slice();
      return result.fail(
        'empty-value',
        keyStart,
        Math.max(valueEnd, equalsOffset + 1),
        `Connection parameter '${text.slice(keyStart, keyEnd)}' has an empty value.`,
      );
    }
    const key = keyName(text, keyStart, keyEnd);
    result.keyMask |= PARAM_BITS.get(key) ?? -1;
    params.push(
      new Param(result, key, keyStart, keyEnd, equalsOffset, value, valueStart, valueEnd, quoted, droppedAt),
    );
  }
  // An array grown by push keeps room for 17 items; thousands of entries keep their few at their size.
  result.params = params.slice();
  return result;
}

/**
 * Connection strings of earlier analyses of one document, by value text: after an edit, the
 * entries that did not change take theirs back (moved to their new offsets) instead of reading
 * them again, together with what validation learnt about them. Each analysis is one generation;
 * a connection string is handed out once per generation, so two entries with the same value
 * never share one, and a connection string handed out again is no longer valid in the analysis
 * that had it before: the cache belongs to one document and only its latest analysis is used.
 */
export class ConnStringCache {
  private readonly byText = new Map<string, ParsedConnString>();
  private generation = 0;
  private handedOut = 0;

  /** Starts an analysis: connection strings handed out before may be moved from now on. */
  startAnalysis(): void {
    // Forget the values no longer in the document, once they are the larger part.
    if (this.byText.size > 2 * this.handedOut + 1000) {
      for (const [text, parsed] of this.byText)
        if (parsed.claimedIn !== this.generation) this.byText.delete(text);
    }
    this.generation++;
    this.handedOut = 0;
  }

  /** Marks a connection string kept by an entry of the previous analysis as in use in this one. */
  keep(connString: ConnString): void {
    if (connString instanceof ParsedConnString && connString.claimedIn !== this.generation) {
      connString.claimedIn = this.generation;
      this.handedOut++;
    }
  }

  take(text: string, base: number): ConnString {
    const cached = this.byText.get(text);
    if (cached !== undefined && cached.claimedIn !== this.generation) {
      cached.claimedIn = this.generation;
      cached.base = base;
      this.handedOut++;
      return cached;
    }
    const parsed = readConnString(text, base);
    parsed.memo = new ConnStringMemo();
    if (cached === undefined) {
      parsed.claimedIn = this.generation;
      this.byText.set(text, parsed);
      this.handedOut++;
    }
    return parsed;
  }
}

/** Puts a connection string read at one offset at another (its entry moved after an edit). */
export function moveConnString(connString: ConnString, base: number): void {
  if (connString instanceof ParsedConnString) connString.base = base;
}

/** Slots for facts derived from the parameters alone; each belongs to one module. */
export class ConnStringMemo {
  /** model/effective.ts */
  paramMap: unknown = undefined;
  /** rules/pool-math.ts */
  server: unknown = undefined;
  /** rules/pool-math.ts */
  poolParams: unknown = undefined;
  /** model/effective.ts */
  connectionEntry: unknown = undefined;
  /** rules/pool-math.ts: the database's pool, and what it was made from. */
  pool: unknown = undefined;
  poolKey: unknown = undefined;
}

/**
 * A place to keep facts derived from the parameters alone (never offsets: the connection string
 * may move), or null when nothing keeps the connection string beyond this analysis (no
 * ConnStringCache: the CLI, a first lint), where keeping facts would only cost.
 */
export function memoOf(connString: ConnString): ConnStringMemo | null {
  return connString instanceof ParsedConnString ? connString.memo : null;
}

/** False when the connection string certainly has no parameter `name` (it may have it otherwise). */
export function mayHaveParam(connString: ConnString, name: string): boolean {
  if (!(connString instanceof ParsedConnString)) return true;
  // Callers ask thousands of entries in a row about one name: remember its bit.
  if (name !== lastAskedName) {
    lastAskedName = name;
    lastAskedBit = PARAM_BITS.get(name);
  }
  return lastAskedBit === undefined || (connString.keyMask & lastAskedBit) !== 0;
}

let lastAskedName = '';
let lastAskedBit: number | undefined = undefined;

/** Whether validation found nothing to say about these parameters in this context before. */
export function knownClean(connString: ConnString, context: string): boolean {
  return connString instanceof ParsedConnString && connString.cleanIn === context;
}

/** Records that validation found nothing to say about these parameters in this context. */
export function markClean(connString: ConnString, context: string): void {
  if (connString instanceof ParsedConnString) connString.cleanIn = context;
}

/** Connection strings of entries that did not come from the parser (parsed once per file). */
const parsedValues = new WeakMap<ParsedFile, Map<Entry, ConnString>>();

/** The connection string of a [databases], [users] or [peers] entry of `file`, read once. */
export function connStringOf(file: ParsedFile, entry: Entry): ConnString {
  if (entry instanceof EntryNode) {
    // Validation and the effective configuration both ask: the entry keeps it.
    entry.connString ??= file.connStrings
      ? file.connStrings.take(entry.value.text, entry.value.start)
      : readConnString(entry.value.text, entry.value.start);
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
