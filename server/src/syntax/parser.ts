// A faithful model of PgBouncer's ini reader (libusual cfparser.c, parse_ini_file_internal).
// It is not line-based: whitespace including newlines is skipped between items, so
// "[pgbouncer] listen_port = 6432" is a header followed by an entry. Comments exist only
// where an item starts; a value runs to the end of its line. Where PgBouncer stops at a
// syntax error we record it and resume on the next line, so later lines still get checked.

import { detachedCopy } from '../incremental/intern';
import type { ConnString } from './connstring';
import { LineIndex } from './syntax';
import type { Entry, Item, Key, ParsedFile, Span, SyntaxError, SyntaxErrorCode, Value } from './syntax';

const NEWLINE = 10;

/** C isspace() in the C locale. */
export function isCSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

/** C isblank(). */
export function isCBlank(ch: number): boolean {
  return ch === 32 || ch === 9;
}

/** Characters of an unquoted key: isalnum() in the C locale plus "_.-*". */
export function isKeyChar(ch: number): boolean {
  return (
    (ch >= 48 && ch <= 57) ||
    (ch >= 65 && ch <= 90) ||
    (ch >= 97 && ch <= 122) ||
    ch === 95 /* _ */ ||
    ch === 46 /* . */ ||
    ch === 45 /* - */ ||
    ch === 42 /* * */
  );
}

// Entries are most of a file, and most of their spans are never read: they keep offsets and
// make a span when asked (a configuration with 100,000 databases has 100,000 entries).

class KeyNode implements Key {
  constructor(
    readonly text: string,
    public start: number,
    public end: number,
    readonly quoted: boolean,
  ) {}

  get span(): Span {
    return { start: this.start, end: this.end };
  }
}

class ValueNode implements Value {
  constructor(
    readonly text: string,
    public start: number,
    public end: number,
  ) {}

  get span(): Span {
    return { start: this.start, end: this.end };
  }
}

export class EntryNode implements Entry {
  // On the prototype: one field less in each of thousands of entries.
  get kind(): 'entry' {
    return 'entry';
  }

  /** Its value read as a connection string, once asked for (see connstring.ts's connStringOf). */
  connString: ConnString | undefined = undefined;
  sideTableSlots: unknown[] | undefined = undefined;

  constructor(
    readonly key: KeyNode,
    public equalsOffset: number,
    readonly value: ValueNode,
  ) {}

  /** Moves the entry by `delta` characters (see parse with a previous parse). */
  shift(delta: number): void {
    this.key.start += delta;
    this.key.end += delta;
    this.equalsOffset += delta;
    this.value.start += delta;
    this.value.end += delta;
  }

  /** From the key through the end of the value (through '=' when the value is empty). */
  get span(): Span {
    return { start: this.key.start, end: Math.max(this.value.end, this.equalsOffset + 1) };
  }
}

function lineEndFrom(text: string, offset: number, limit: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 || nl > limit ? limit : nl;
}

function lineStartBefore(text: string, offset: number): number {
  const nl = text.lastIndexOf('\n', offset - 1);
  return nl + 1;
}

/**
 * Reads the item starting at `p` (not a blank) into `items` and returns where reading goes on.
 * It reads no further than the end of the item's line, nor before the start of that line.
 */
function readItem(text: string, start: number, limit: number, items: Item[], detach: boolean): number {
  let p = start;
  const own = detach ? detachedCopy : (piece: string): string => piece;
  const fail = (code: SyntaxErrorCode, at: number, end: number, message: string): void => {
    const lineEnd = lineEndFrom(text, at, limit);
    const error: SyntaxError = {
      kind: 'error',
      code,
      span: { start: at, end: Math.max(end, at) },
      lineSpan: { start: lineStartBefore(text, at), end: lineEnd },
      message: own(message),
    };
    items.push(error);
    p = lineEnd;
  };
  const ch = text.charCodeAt(p);

  if (text.startsWith('%include', p) && p + 8 < limit && isCBlank(text.charCodeAt(p + 8))) {
    const keywordStart = p;
    p += 8;
    while (p < limit && isCBlank(text.charCodeAt(p))) p++;
    const pathStart = p;
    const lineEnd = lineEndFrom(text, p, limit);
    let pathEnd = lineEnd;
    while (pathEnd > pathStart && isCSpace(text.charCodeAt(pathEnd - 1))) pathEnd--;
    items.push({
      kind: 'include',
      span: { start: keywordStart, end: pathEnd > pathStart ? pathEnd : keywordStart + 8 },
      keywordSpan: { start: keywordStart, end: keywordStart + 8 },
      path: own(text.slice(pathStart, pathEnd)),
      pathSpan: { start: pathStart, end: pathEnd },
    });
    p = lineEnd;
    return p;
  }

  if (ch === 35 /* # */ || ch === 59 /* ; */) {
    const lineEnd = lineEndFrom(text, p, limit);
    let end = lineEnd;
    while (end > p && isCSpace(text.charCodeAt(end - 1))) end--;
    items.push({ kind: 'comment', span: { start: p, end }, text: own(text.slice(p, end)) });
    p = lineEnd;
    return p;
  }

  if (ch === 91 /* [ */) {
    const open = p;
    p++;
    const nameStart = p;
    while (p < limit) {
      const c = text.charCodeAt(p);
      if (c === 93 /* ] */ || c === NEWLINE) break;
      p++;
    }
    if (p >= limit || text.charCodeAt(p) !== 93) {
      let end = p;
      while (end > open && isCSpace(text.charCodeAt(end - 1))) end--;
      fail('missing-bracket', open, end, "Section header is missing its closing ']'.");
      return p;
    }
    items.push({
      kind: 'section',
      span: { start: open, end: p + 1 },
      name: own(text.slice(nameStart, p)),
      nameSpan: { start: nameStart, end: p },
    });
    p++;
    return p;
  }

  // key = value
  const keyStart = p;
  let keyEnd: number;
  let quoted = false;
  let keyText: string;
  if (ch === 39 /* ' */) {
    quoted = true;
    p++;
    const lineEnd = lineEndFrom(text, p, limit);
    const close = text.indexOf("'", p);
    if (close === -1 || close >= lineEnd) {
      fail('unterminated-quoted-key', keyStart, lineEnd, 'Quoted key has no closing quote.');
      return p;
    }
    if (close === p) {
      fail('empty-quoted-key', keyStart, close + 1, 'Quoted key is empty.');
      return p;
    }
    keyText = own(text.slice(p, close));
    p = close + 1;
    keyEnd = p;
  } else {
    while (p < limit && isKeyChar(text.charCodeAt(p))) p++;
    keyEnd = p;
    keyText = own(text.slice(keyStart, keyEnd));
  }
  while (p < limit && isCBlank(text.charCodeAt(p))) p++;
  if (p >= limit || text.charCodeAt(p) !== 61 /* = */) {
    const lineEnd = lineEndFrom(text, p, limit);
    let end = lineEnd;
    while (end > keyStart && isCSpace(text.charCodeAt(end - 1))) end--;
    if (p >= end) {
      fail('missing-equals', keyStart, end, "Expected 'key = value': this line has no '='.");
    } else {
      const badCode = text.codePointAt(p) ?? 0;
      const bad = String.fromCodePoint(badCode);
      let message: string;
      if (keyStart === keyEnd && /^%include\b/i.test(text.slice(p, p + 9))) {
        message = text.startsWith('%include', p)
          ? '%include needs a file name after a space.'
          : "'%include' must be written in lower case.";
      } else if (keyStart === keyEnd) {
        message = `A key must start with a letter, digit or one of _ . - * (found '${bad}').`;
      } else if (bad === ':') {
        message = `PgBouncer needs '=' between key and value, not ':'.`;
      } else if (p > keyEnd && isKeyChar(text.charCodeAt(p)) && text.slice(p, end).includes('=')) {
        message = `Keys cannot contain spaces: expected '=' after '${keyText}'.`;
      } else if (p > keyEnd) {
        message = `Expected '=' between '${keyText}' and its value.`;
      } else {
        message = `Unexpected '${bad}' in key '${keyText}': keys may contain only letters, digits and _ . - *.`;
      }
      fail('invalid-key-character', p, p + bad.length, message);
    }
    return p;
  }
  const equalsOffset = p;
  p++;
  while (p < limit && isCBlank(text.charCodeAt(p))) p++;
  const valueStart = p;
  const lineEnd = lineEndFrom(text, p, limit);
  let valueEnd = lineEnd;
  while (valueEnd > valueStart && isCSpace(text.charCodeAt(valueEnd - 1))) valueEnd--;
  items.push(
    new EntryNode(
      new KeyNode(keyText, keyStart, keyEnd, quoted),
      equalsOffset,
      new ValueNode(own(text.slice(valueStart, valueEnd)), valueStart, valueEnd),
    ),
  );
  p = lineEnd;
  return p;
}

/** Where reading went on after each item of a parse (same order as its items). */
const itemEnds = new WeakMap<ParsedFile, number[]>();

/**
 * Parses `text`. With the parse of an earlier text of the same document, the items of the lines
 * both texts share at their start and at their end are taken from it instead of being read again
 * (those at the end moved to their new offsets): reading is a function of the offset alone, so
 * once it reaches, after the changed part, a line end where the earlier parse also went on, the
 * rest is the same. The earlier parse must not be used afterwards: its entries are moved.
 * Only a parse made `reusable` (or made from a previous one) can serve as `previous`.
 */
export function parse(text: string, options: { previous?: ParsedFile; reusable?: boolean } = {}): ParsedFile {
  const { previous } = options;
  const items: Item[] = [];
  const ends: number[] = [];
  const nul = text.indexOf('\0');
  const limit = nul === -1 ? text.length : nul;
  let p = 0;

  if (text.charCodeAt(0) === 0xfeff) {
    // PgBouncer reads the BOM's bytes as the start of a key and stops; we report that and
    // read on, so that the rest of the file is still checked.
    items.push({
      kind: 'error',
      code: 'byte-order-mark',
      span: { start: 0, end: 1 },
      lineSpan: { start: 0, end: lineEndFrom(text, 0, limit) },
      message:
        'The file starts with a UTF-8 byte order mark (BOM), which PgBouncer reads as a syntax error. Save the file without BOM.',
    });
    ends.push(1);
    p = 1;
  }

  const reuse = previous ? reusablePart(previous, text, nul) : null;
  if (reuse && items.length === 0) return reparse(text, limit, reuse);

  while (p < limit) {
    while (p < limit && isCSpace(text.charCodeAt(p))) p++;
    if (p >= limit) break;
    p = readItem(text, p, limit, items, false);
    ends.push(p);
  }

  const parsed: ParsedFile = {
    text,
    items,
    lineIndex: new LineIndex(text),
    nulOffset: nul === -1 ? null : nul,
  };
  // Where each item ended: what a later parse needs to reuse this one, nothing else.
  if (options.reusable || previous) itemEnds.set(parsed, ends);
  return parsed;
}

/**
 * Reads the changed part of `text` and takes the rest from the earlier parse, whose arrays it
 * changes in place (a one-character edit in a file of thousands of entries then copies nothing).
 */
function reparse(text: string, limit: number, reuse: Reusable): ParsedFile {
  const { items, ends, prefixItems, delta } = reuse;
  const fresh: Item[] = [];
  const freshEnds: number[] = [];
  let p = prefixItems > 0 ? ends[prefixItems - 1] : 0;
  let synced = -1;
  while (p < limit) {
    while (p < limit && isCSpace(text.charCodeAt(p))) p++;
    if (p >= limit) break;
    // Items kept for later parses must not hold on to this whole text (see detachedCopy in incremental/intern.ts).
    p = readItem(text, p, limit, fresh, true);
    freshEnds.push(p);
    if (p >= reuse.sameFrom && text.charCodeAt(p) === NEWLINE) {
      synced = indexOf(ends, p - delta);
      if (synced !== -1) break;
    }
  }
  const replaced = (synced === -1 ? items.length : synced + 1) - prefixItems;
  spliceInPlace(items, prefixItems, replaced, fresh);
  spliceInPlace(ends, prefixItems, replaced, freshEnds);
  if (synced !== -1) {
    for (let i = prefixItems + fresh.length; i < items.length; i++) {
      items[i] = shifted(items[i], delta);
      ends[i] += delta;
    }
  }
  const parsed: ParsedFile = {
    text,
    items,
    lineIndex: reuse.lineIndex.afterEdit(text, reuse.prefix, reuse.sameFrom, delta),
    nulOffset: null,
  };
  itemEnds.set(parsed, ends);
  return parsed;
}

/** array.splice(start, count, ...added), without passing thousands of arguments. */
function spliceInPlace<T>(array: T[], start: number, count: number, added: T[]): void {
  if (added.length <= 1000) {
    array.splice(start, count, ...added);
    return;
  }
  const tail = array.slice(start + count);
  array.length = start;
  for (const item of added) array.push(item);
  for (const item of tail) array.push(item);
}

interface Reusable {
  items: Item[];
  ends: number[];
  lineIndex: LineIndex;
  /** Length of the text both have at their start. */
  prefix: number;
  /** Items at the start that are the same in the new text. */
  prefixItems: number;
  /** From this offset of the new text on, the text is that of the earlier one moved by `delta`. */
  sameFrom: number;
  delta: number;
}

function reusablePart(previous: ParsedFile, text: string, nul: number): Reusable | null {
  const ends = itemEnds.get(previous);
  const old = previous.text;
  // A NUL ends reading anywhere, and a byte order mark is reported with its whole line.
  if (!ends || nul !== -1 || previous.nulOffset !== null || text.charCodeAt(0) === 0xfeff) return null;
  if (old.charCodeAt(0) === 0xfeff) return null;
  const shortest = Math.min(old.length, text.length);
  const prefix = commonPrefix(old, text, shortest);
  const suffix = commonSuffix(old, text, shortest - prefix);
  // Items whose reading ended (at their line end) before the first difference.
  let prefixItems = 0;
  let low = 0;
  let high = ends.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (ends[mid] < prefix) low = mid + 1;
    else high = mid;
  }
  prefixItems = low;
  return {
    items: previous.items,
    ends,
    lineIndex: previous.lineIndex,
    prefix,
    prefixItems,
    sameFrom: text.length - suffix,
    delta: text.length - old.length,
  };
}

const CHUNK = 4096;

/** Length of the common start of a and b, at most `max`: compared by chunks, then by character. */
function commonPrefix(a: string, b: string, max: number): number {
  let i = 0;
  while (i + CHUNK <= max && a.slice(i, i + CHUNK) === b.slice(i, i + CHUNK)) i += CHUNK;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the common end of a and b, at most `max`. */
function commonSuffix(a: string, b: string, max: number): number {
  let i = 0;
  const la = a.length;
  const lb = b.length;
  while (i + CHUNK <= max && a.slice(la - i - CHUNK, la - i) === b.slice(lb - i - CHUNK, lb - i)) i += CHUNK;
  while (i < max && a.charCodeAt(la - i - 1) === b.charCodeAt(lb - i - 1)) i++;
  return i;
}

function indexOf(sorted: number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] === value) return mid;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

function shiftSpan(span: Span, delta: number): Span {
  return { start: span.start + delta, end: span.end + delta };
}

/** The item moved by `delta`: entries in place (they are most items), others copied. */
function shifted(item: Item, delta: number): Item {
  if (delta === 0) return item;
  switch (item.kind) {
    case 'entry':
      (item as EntryNode).shift(delta);
      return item;
    case 'section':
      return { ...item, span: shiftSpan(item.span, delta), nameSpan: shiftSpan(item.nameSpan, delta) };
    case 'comment':
      return { ...item, span: shiftSpan(item.span, delta) };
    case 'include':
      return {
        ...item,
        span: shiftSpan(item.span, delta),
        keywordSpan: shiftSpan(item.keywordSpan, delta),
        pathSpan: shiftSpan(item.pathSpan, delta),
      };
    case 'error':
      return { ...item, span: shiftSpan(item.span, delta), lineSpan: shiftSpan(item.lineSpan, delta) };
  }
}
