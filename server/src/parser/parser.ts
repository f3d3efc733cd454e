// A faithful model of PgBouncer's ini reader (libusual cfparser.c, parse_ini_file_internal).
// It is not line-based: whitespace including newlines is skipped between items, so
// "[pgbouncer] listen_port = 6432" is a header followed by an entry. Comments exist only
// where an item starts; a value runs to the end of its line. Where PgBouncer stops at a
// syntax error we record it and resume on the next line, so later lines still get checked.

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
    readonly start: number,
    readonly end: number,
    readonly quoted: boolean,
  ) {}

  get span(): Span {
    return { start: this.start, end: this.end };
  }
}

class ValueNode implements Value {
  constructor(
    readonly text: string,
    readonly start: number,
    readonly end: number,
  ) {}

  get span(): Span {
    return { start: this.start, end: this.end };
  }
}

export class EntryNode implements Entry {
  readonly kind = 'entry';
  /** The value read as a connection string, once asked for (see connStringOf). */
  connString: ConnString | undefined = undefined;

  constructor(
    readonly key: KeyNode,
    readonly equalsOffset: number,
    readonly value: ValueNode,
  ) {}

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

export function parse(text: string): ParsedFile {
  const items: Item[] = [];
  const nul = text.indexOf('\0');
  const limit = nul === -1 ? text.length : nul;
  let p = 0;

  const fail = (code: SyntaxErrorCode, at: number, end: number, message: string): void => {
    const lineEnd = lineEndFrom(text, at, limit);
    const error: SyntaxError = {
      kind: 'error',
      code,
      span: { start: at, end: Math.max(end, at) },
      lineSpan: { start: lineStartBefore(text, at), end: lineEnd },
      message,
    };
    items.push(error);
    p = lineEnd;
  };

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
    p = 1;
  }

  while (p < limit) {
    while (p < limit && isCSpace(text.charCodeAt(p))) p++;
    if (p >= limit) break;
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
        path: text.slice(pathStart, pathEnd),
        pathSpan: { start: pathStart, end: pathEnd },
      });
      p = lineEnd;
      continue;
    }

    if (ch === 35 /* # */ || ch === 59 /* ; */) {
      const lineEnd = lineEndFrom(text, p, limit);
      let end = lineEnd;
      while (end > p && isCSpace(text.charCodeAt(end - 1))) end--;
      items.push({ kind: 'comment', span: { start: p, end }, text: text.slice(p, end) });
      p = lineEnd;
      continue;
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
        continue;
      }
      items.push({
        kind: 'section',
        span: { start: open, end: p + 1 },
        name: text.slice(nameStart, p),
        nameSpan: { start: nameStart, end: p },
      });
      p++;
      continue;
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
        continue;
      }
      if (close === p) {
        fail('empty-quoted-key', keyStart, close + 1, 'Quoted key is empty.');
        continue;
      }
      keyText = text.slice(p, close);
      p = close + 1;
      keyEnd = p;
    } else {
      while (p < limit && isKeyChar(text.charCodeAt(p))) p++;
      keyEnd = p;
      keyText = text.slice(keyStart, keyEnd);
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
      continue;
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
        new ValueNode(text.slice(valueStart, valueEnd), valueStart, valueEnd),
      ),
    );
    p = lineEnd;
  }

  return { text, items, lineIndex: new LineIndex(text), nulOffset: nul === -1 ? null : nul };
}
