// Connection strings of [databases], [users] and [peers] values, read the way PgBouncer's
// loader.c (cstr_get_pair) reads them: pairs separated by spaces only (a tab is an ordinary
// character), blanks allowed around '=', values optionally in single quotes with '' as an
// escaped quote. One character right after a closing quote is always consumed.

import { allSettings } from '../catalog/catalog';
import { intern, internSlice } from '../incremental/intern';
import type { Keyed } from '../incremental/side-table';
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

const SPACE = 32;
const EQUALS = 61;
const QUOTE = 39;

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
  return intern(text.slice(start, end));
}

// Slots of one parameter in ConnString.data.
// The other offsets of a parameter ('=', the value's start and end) follow from the value text
// and are found again when a span is asked for (see Param): four slots instead of seven.
const KEY = 0;
const VALUE = 1;
const KEY_START = 2;
const FLAGS = 3;
const STRIDE = 4;
const QUOTED = 1;
/** The character right after the closing quote (at the value's end) was dropped. */
const DROPPED = 2;

/** The parameters of a connection string by name, the last one winning (as in PgBouncer). */
export interface ParamLookup {
  get(name: string): ConnParam | undefined;
  has(name: string): boolean;
  /** The value alone, without making the parameter's object. */
  value(name: string): string | undefined;
}

/**
 * A parsed connection string keeps its parameters in one flat array, with offsets relative to the
 * start of the value, and its `base`, so that one unchanged after an edit can be moved to its new
 * place instead of being read again (see ConnStringCache). Parameter objects and their spans are
 * made when asked: a configuration with thousands of entries has tens of thousands of parameters,
 * which validation and the rules mostly read by name and value alone (see ParamLookup.value).
 */
export class ConnString implements ParamLookup, Keyed {
  private fixedBase: number;
  /** The value of the entry it is read for, which an edit may move (then the spans move with it). */
  private anchor: { readonly start: number } | null = null;
  /** The value text it was read from (the entry's value). */
  text = '';
  /** STRIDE slots per parameter: key, value, key start, flags. */
  data: (string | number)[] = NO_DATA;
  private views: Param[] | null = null;
  private failure: { code: ConnStringErrorCode; start: number; end: number; message: string } | null = null;
  /** The generation of the cache that last handed it out; -1 when no cache keeps it (see ConnStringCache). */
  claimedIn = -1;
  /** PARAM_BITS of the names it has; -1 (every bit) when it has a name without a bit. */
  keyMask = 0;
  sideTableSlots: unknown[] | undefined = undefined;

  constructor(base: number) {
    this.fixedBase = base;
  }

  /** Offset of the value's first character in the file: where its entry's value is now. */
  get base(): number {
    return this.anchor === null ? this.fixedBase : this.anchor.start;
  }

  set base(base: number) {
    this.anchor = null;
    this.fixedBase = base;
  }

  /** Makes the offsets follow the value of the entry it belongs to (see connStringOf). */
  anchorAt(value: { readonly start: number }): void {
    this.anchor = value;
  }

  get count(): number {
    return this.data.length / STRIDE;
  }

  /** The parameters as objects, made the first time they are asked for. */
  get params(): ConnParam[] {
    const count = this.count;
    const views = (this.views ??= new Array<Param>(count));
    for (let i = 0; i < count; i++) views[i] ??= new Param(this, i * STRIDE);
    return views;
  }

  /** One parameter as an object. */
  param(index: number): ConnParam {
    const views = (this.views ??= new Array<Param>(this.count));
    return (views[index] ??= new Param(this, index * STRIDE));
  }

  /** Index of the last parameter called `name` (the one PgBouncer uses), or -1. */
  lastIndexOf(name: string): number {
    if (!mayHave(this, name)) return -1;
    const data = this.data;
    for (let at = data.length - STRIDE; at >= 0; at -= STRIDE)
      if (data[at + KEY] === name) return at / STRIDE;
    return -1;
  }

  get(name: string): ConnParam | undefined {
    const index = this.lastIndexOf(name);
    return index === -1 ? undefined : this.param(index);
  }

  has(name: string): boolean {
    return this.lastIndexOf(name) !== -1;
  }

  value(name: string): string | undefined {
    const index = this.lastIndexOf(name);
    return index === -1 ? undefined : (this.data[index * STRIDE + VALUE] as string);
  }

  /** Offset of the '=' of the parameter at slot `at`: after its key and any spaces. */
  equalsAt(at: number): number {
    const text = this.text;
    let p = (this.data[at + KEY_START] as number) + (this.data[at + KEY] as string).length;
    while (text.charCodeAt(p) === SPACE) p++;
    return p;
  }

  /** Offset of the first character of the value at slot `at` (its quote, if quoted). */
  valueStartAt(at: number): number {
    const text = this.text;
    let p = this.equalsAt(at) + 1;
    while (p < text.length && text.charCodeAt(p) === SPACE) p++;
    return p;
  }

  /** Offset just after the value at slot `at` (after its closing quote, if quoted). */
  valueEndAt(at: number): number {
    const start = this.valueStartAt(at);
    if (((this.data[at + FLAGS] as number) & QUOTED) === 0)
      return start + (this.data[at + VALUE] as string).length;
    const text = this.text;
    let p = start + 1;
    for (;;) {
      const close = text.indexOf("'", p);
      if (text.charCodeAt(close + 1) !== QUOTE) return close + 1;
      p = close + 2; // '' is an escaped quote
    }
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

const NO_DATA: (string | number)[] = [];

class Param implements ConnParam {
  constructor(
    private readonly owner: ConnString,
    /** Its first slot in owner.data. */
    private readonly at: number,
  ) {}

  get key(): string {
    return this.owner.data[this.at + KEY] as string;
  }

  get value(): string {
    return this.owner.data[this.at + VALUE] as string;
  }

  get quoted(): boolean {
    return ((this.owner.data[this.at + FLAGS] as number) & QUOTED) !== 0;
  }

  get equalsOffset(): number {
    return this.owner.base + this.owner.equalsAt(this.at);
  }

  get keySpan(): Span {
    // A key is never quoted: it is as long as its text.
    const start = this.owner.base + (this.owner.data[this.at + KEY_START] as number);
    return { start, end: start + this.key.length };
  }

  get valueSpan(): Span {
    const { base } = this.owner;
    return { start: base + this.owner.valueStartAt(this.at), end: base + this.owner.valueEndAt(this.at) };
  }

  get droppedAfterQuote(): Span | undefined {
    if (((this.owner.data[this.at + FLAGS] as number) & DROPPED) === 0) return undefined;
    const start = this.owner.base + this.owner.valueEndAt(this.at);
    return { start, end: start + 1 };
  }
}

/** Parses `text` (the entry's value), whose first character is at `base` in the file. */
export function parseConnString(text: string, base: number): ConnString {
  return readConnString(text, base);
}

/** The connection string read so far, stopped at an error (PgBouncer reads no further). */
function failed(
  result: ConnString,
  data: (string | number)[],
  used: number,
  code: ConnStringErrorCode,
  start: number,
  end: number,
  message: string,
): ConnString {
  result.data = data.slice(0, used);
  return result.fail(code, start, end, message);
}

/** Slots being read; copied to an array of the right size at the end (see readConnString). */
const scratch: (string | number)[] = [];

function readConnString(text: string, base: number): ConnString {
  const result = new ConnString(base);
  result.text = text;
  // Setting length to 0 would free the scratch array's storage: count the slots used instead.
  const data = scratch;
  let used = 0;
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
      return failed(
        result,
        data,
        used,
        'missing-equals',
        keyStart,
        keyEnd,
        `Connection parameter '${text.slice(keyStart, keyEnd)}' has no '=' and value.`,
      );
    }
    if (keyStart === keyEnd)
      return failed(result, data, used, 'empty-key', p, p + 1, "'=' without a parameter name before it.");
    const equalsOffset = p;
    p++;
    while (p < n && text.charCodeAt(p) === SPACE) p++;
    const valueStart = p;
    let value: string;
    let flags = 0;
    let valueEnd: number;
    if (p < n && text.charCodeAt(p) === QUOTE) {
      flags = QUOTED;
      p++;
      let unquoted = '';
      let from = p;
      for (;;) {
        const close = text.indexOf("'", p);
        if (close === -1) {
          return failed(
            result,
            data,
            used,
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
        if (text.charCodeAt(p) !== SPACE) flags |= DROPPED;
        p++;
      }
    } else {
      while (p < n && text.charCodeAt(p) !== SPACE) p++;
      valueEnd = p;
      // Short values (a port, a pool size) are shared by thousands of entries.
      value =
        valueEnd - valueStart <= 4
          ? internSlice(text, valueStart, valueEnd)
          : text.slice(valueStart, valueEnd);
      if (p < n) p++;
    }
    if (value.length === 0) {
      return failed(
        result,
        data,
        used,
        'empty-value',
        keyStart,
        Math.max(valueEnd, equalsOffset + 1),
        `Connection parameter '${text.slice(keyStart, keyEnd)}' has an empty value.`,
      );
    }
    const key = keyName(text, keyStart, keyEnd);
    result.keyMask |= PARAM_BITS.get(key) ?? -1;
    data[used + KEY] = key;
    data[used + VALUE] = value;
    data[used + KEY_START] = keyStart;
    data[used + FLAGS] = flags;
    used += STRIDE;
  }
  result.data = data.slice(0, used);
  return result;
}

function mayHave(connString: ConnString, name: string): boolean {
  // Callers ask thousands of entries in a row about one name: remember its bit.
  if (name !== lastAskedName) {
    lastAskedName = name;
    lastAskedBit = PARAM_BITS.get(name);
  }
  return lastAskedBit === undefined || (connString.keyMask & lastAskedBit) !== 0;
}

let lastAskedName = '';
let lastAskedBit: number | undefined = undefined;

/** The number of parameters read. */
export function paramCount(connString: ConnString): number {
  return connString.count;
}

/** The name of parameter `index`, without making its object. */
export function paramKeyAt(connString: ConnString, index: number): string {
  return connString.data[index * STRIDE + KEY] as string;
}

/** The value of parameter `index`, without making its object. */
export function paramValueAt(connString: ConnString, index: number): string {
  return connString.data[index * STRIDE + VALUE] as string;
}

/** Whether parameter `index` was quoted or lost the character after its closing quote. */
export function paramQuotedAt(connString: ConnString, index: number): boolean {
  return (connString.data[index * STRIDE + FLAGS] as number) !== 0;
}

/** Index of the last parameter called `name` (the one PgBouncer uses), or -1. */
export function lastParamIndex(connString: ConnString, name: string): number {
  return connString.lastIndexOf(name);
}

/** A connection string's parameters by name: the connection string itself. */
export function paramLookup(connString: ConnString): ParamLookup {
  return connString;
}

/** Parameter `index` as an object (made once). */
export function paramAt(connString: ConnString, index: number): ConnParam {
  return connString.param(index);
}

/**
 * Connection strings of earlier analyses of one document, by value text: after an edit, the
 * entries that did not change take theirs back (moved to their new offsets) instead of reading
 * them again, together with what later layers derived from them (kept in those layers' own tables,
 * keyed on the connection string: see isRetained). Each analysis is one generation; a connection
 * string is handed out once per generation, so two entries with the same value never share one,
 * and a connection string handed out again is no longer valid in the analysis that had it before:
 * the cache belongs to one document and only its latest analysis is used.
 */
export class ConnStringCache {
  private readonly byText = new Map<string, ConnString>();
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
    if (connString.claimedIn >= 0 && connString.claimedIn !== this.generation) {
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
    // Retained from now on (claimedIn >= 0), even when a twin holds its text in the table.
    parsed.claimedIn = this.generation;
    if (cached === undefined) {
      this.byText.set(text, parsed);
      this.handedOut++;
    }
    return parsed;
  }
}

/**
 * Whether the connection string outlives this analysis (a document's ConnStringCache keeps it):
 * only then is it worth keeping what is derived from it. In the CLI nothing is.
 */
export function isRetained(connString: ConnString): boolean {
  return connString.claimedIn >= 0;
}

/**
 * An entry of the parser (EntryNode) keeps the connection string its value was read as: the same
 * layer's reading of the same text, asked for by validation and the effective configuration alike.
 */
interface EntryWithConnString extends Entry {
  connString?: ConnString;
}

/** The cache that the files of a document read connection strings from. */
const cacheOfFile = new WeakMap<ParsedFile, ConnStringCache>();

/** Makes the entries of `file` take their connection strings from `cache` (a document's). */
export function readConnStringsFrom(file: ParsedFile, cache: ConnStringCache): void {
  cacheOfFile.set(file, cache);
  // Entries kept from the previous parse keep their connection strings in this generation.
  for (const item of file.items) {
    if (item.kind !== 'entry') continue;
    const kept = (item as EntryWithConnString).connString;
    if (kept !== undefined) cache.keep(kept);
  }
}

/** The connection string of a [databases], [users] or [peers] entry of `file`, read once. */
export function connStringOf(file: ParsedFile, entry: Entry): ConnString {
  const node = entry as EntryWithConnString;
  let connString = node.connString;
  if (connString === undefined) {
    const cache = cacheOfFile.get(file);
    connString = cache
      ? cache.take(entry.value.text, entry.value.start)
      : readConnString(entry.value.text, entry.value.start);
    node.connString = connString;
    // An entry kept from an earlier parse may move: its connection string moves with it.
    connString.anchorAt(entry.value);
  }
  return connString;
}
