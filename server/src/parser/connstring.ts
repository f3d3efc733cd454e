// Connection strings of [databases], [users] and [peers] values, read the way PgBouncer's
// loader.c (cstr_get_pair) reads them: pairs separated by spaces only (a tab is an ordinary
// character), blanks allowed around '=', values optionally in single quotes with '' as an
// escaped quote. One character right after a closing quote is always consumed.

import type { Span } from './syntax';

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

/** Parses `text` (the entry's value), whose first character is at `base` in the file. */
export function parseConnString(text: string, base: number): ConnString {
  const params: ConnParam[] = [];
  const n = text.length;
  let p = 0;
  const skipSpaces = (): void => {
    while (p < n && text.charCodeAt(p) === SPACE) p++;
  };
  const at = (start: number, end: number): Span => ({ start: base + start, end: base + end });

  for (;;) {
    skipSpaces();
    if (p >= n) break;
    const keyStart = p;
    while (p < n && text.charCodeAt(p) !== 61 /* = */ && text.charCodeAt(p) !== SPACE) p++;
    const keyEnd = p;
    skipSpaces();
    if (p >= n || text.charCodeAt(p) !== 61) {
      return {
        params,
        error: {
          code: 'missing-equals',
          span: at(keyStart, keyEnd),
          message: `Connection parameter '${text.slice(keyStart, keyEnd)}' has no '=' and value.`,
        },
      };
    }
    if (keyStart === keyEnd) {
      return {
        params,
        error: { code: 'empty-key', span: at(p, p + 1), message: "'=' without a parameter name before it." },
      };
    }
    const equalsOffset = p;
    p++;
    skipSpaces();
    const valueStart = p;
    let value: string;
    let quoted = false;
    let droppedAfterQuote: Span | undefined;
    let valueEnd: number;
    if (p < n && text.charCodeAt(p) === 39 /* ' */) {
      quoted = true;
      p++;
      let unquoted = '';
      for (;;) {
        if (p >= n) {
          return {
            params,
            error: {
              code: 'unterminated-quote',
              span: at(valueStart, n),
              message: `The quoted value of '${text.slice(keyStart, keyEnd)}' has no closing quote.`,
            },
          };
        }
        const c = text.charCodeAt(p);
        if (c === 39) {
          if (text.charCodeAt(p + 1) === 39) {
            unquoted += "'";
            p += 2;
            continue;
          }
          break;
        }
        unquoted += text[p];
        p++;
      }
      p++; // closing quote
      valueEnd = p;
      value = unquoted;
      if (p < n) {
        if (text.charCodeAt(p) !== SPACE) droppedAfterQuote = at(p, p + 1);
        p++;
      }
    } else {
      while (p < n && text.charCodeAt(p) !== SPACE) p++;
      valueEnd = p;
      value = text.slice(valueStart, valueEnd);
      if (p < n) p++;
    }
    if (value.length === 0) {
      return {
        params,
        error: {
          code: 'empty-value',
          span: at(keyStart, Math.max(valueEnd, equalsOffset + 1)),
          message: `Connection parameter '${text.slice(keyStart, keyEnd)}' has an empty value.`,
        },
      };
    }
    const param: ConnParam = {
      key: text.slice(keyStart, keyEnd),
      keySpan: at(keyStart, keyEnd),
      equalsOffset: base + equalsOffset,
      value,
      valueSpan: at(valueStart, valueEnd),
      quoted,
    };
    if (droppedAfterQuote) param.droppedAfterQuote = droppedAfterQuote;
    params.push(param);
  }
  return { params, error: null };
}
