// The auth_file (userlist.txt) read the way PgBouncer's load_auth_file does it. The reader is not
// line-based: it skips whitespace (newlines included), wants '"user"', then takes the next quoted
// text anywhere after it as the secret, even on a later line, and skips the rest of that line.
// At the first thing it cannot read it stops, keeping the users read so far. We record where it
// stops, then read on from the next line, so that the lines below can still be checked.

import { LineIndex } from './syntax';
import type { Span } from './syntax';
import type { UserlistFormat } from './userlist-format';

export interface QuotedField {
  /** The text after undoing "" escapes. */
  value: string;
  /** The text between the quotes as written. */
  raw: string;
  /** From the opening through the closing quote. */
  span: Span;
  /** Between the quotes. */
  contentSpan: Span;
}

export interface UserlistEntry {
  user: QuotedField;
  secret: QuotedField;
  /** Text PgBouncer skipped between the user name and the secret (may span lines); absent if only blanks. */
  skipped?: Span;
  /** False when the entry comes after the point where PgBouncer stops reading. */
  loaded: boolean;
}

export type UserlistSyntaxCode =
  | 'userlist-broken-line'
  | 'userlist-unterminated-quote'
  | 'userlist-missing-secret'
  | 'userlist-user-too-long'
  | 'userlist-secret-too-long';

export interface UserlistSyntaxError {
  code: UserlistSyntaxCode;
  span: Span;
  /** What is wrong, in a sentence; the consequence is added by the diagnostics. */
  message: string;
}

export interface ParsedUserlist {
  text: string;
  entries: UserlistEntry[];
  comments: Span[];
  /** Problems in file order; PgBouncer stops at the first one. */
  errors: UserlistSyntaxError[];
  /** Offset where PgBouncer stops reading, or null when it reads the whole file. */
  stoppedAt: number | null;
  /** Offset of the first NUL character: PgBouncer reads nothing after it. */
  nulOffset: number | null;
  lineIndex: LineIndex;
}

const QUOTE = 34;
const NEWLINE = 10;

/** C isspace() in the C locale. */
function isCSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

/** Bytes of the text in UTF-8: PgBouncer's limits count bytes. */
function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Undoes "" escapes the way copy_quoted does: a quote is dropped and the next character kept. */
function unquote(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) === QUOTE) i++;
    if (i < raw.length) out += raw[i];
  }
  return out;
}

export function parseUserlist(text: string, format: UserlistFormat): ParsedUserlist {
  const nul = text.indexOf('\0');
  const limit = nul === -1 ? text.length : nul;
  const entries: UserlistEntry[] = [];
  const comments: Span[] = [];
  const errors: UserlistSyntaxError[] = [];
  let stoppedAt: number | null = null;

  const lineEnd = (from: number): number => {
    const nl = text.indexOf('\n', from);
    return nl === -1 || nl > limit ? limit : nl;
  };
  const trimmedEnd = (start: number, end: number): number => {
    while (end > start && isCSpace(text.charCodeAt(end - 1))) end--;
    return end;
  };

  /** find_quote: the next '"'; unless `start`, a "" pair is an escape and skipped. */
  const findQuote = (from: number, start: boolean): number => {
    let p = from;
    for (;;) {
      while (p < limit && text.charCodeAt(p) !== QUOTE) p++;
      if (!start && p + 1 < limit && text.charCodeAt(p + 1) === QUOTE) {
        p += 2;
        continue;
      }
      return p;
    }
  };

  const field = (open: number, close: number): QuotedField => {
    const raw = text.slice(open + 1, close);
    return {
      value: unquote(raw),
      raw,
      span: { start: open, end: close + 1 },
      contentSpan: { start: open + 1, end: close },
    };
  };

  let p = 0;
  while (p < limit) {
    while (p < limit && isCSpace(text.charCodeAt(p))) p++;
    if (p >= limit) break;
    const itemStart = p;
    const fail = (code: UserlistSyntaxCode, span: Span, message: string): void => {
      errors.push({ code, span, message });
      stoppedAt ??= itemStart;
      // Read on from the next line, as if PgBouncer had not stopped.
      p = lineEnd(Math.max(itemStart, span.start)) + 1;
    };

    const ch = text.charCodeAt(p);
    if (ch === 59 /* ; */ && format.comments) {
      const end = lineEnd(p);
      comments.push({ start: p, end: trimmedEnd(p, end) });
      p = end;
      continue;
    }
    if (ch !== QUOTE) {
      let end = trimmedEnd(p, lineEnd(p));
      let message: string;
      if (ch === 0xfeff && p === 0) {
        end = 1;
        message =
          'The file starts with a UTF-8 byte order mark (BOM), which PgBouncer cannot read. Save it without BOM.';
      } else if (ch === 35 /* # */) {
        message = format.comments
          ? "PgBouncer has no '#' comments in this file: comments start with ';'."
          : "PgBouncer has no comments in this file before 1.6; '#' is not one in any release.";
      } else if (ch === 59) {
        message = 'PgBouncer reads comments in this file only from 1.6 on.';
      } else if (ch === 39 /* ' */) {
        message = 'User names and secrets need double quotes, not single quotes.';
      } else {
        message = 'Each line needs the user name in double quotes, then the secret in double quotes.';
      }
      fail('userlist-broken-line', { start: p, end }, message);
      continue;
    }

    const userOpen = p;
    const userClose = findQuote(p + 1, false);
    if (userClose >= limit) {
      fail(
        'userlist-unterminated-quote',
        { start: userOpen, end: trimmedEnd(userOpen, lineEnd(userOpen)) },
        'The user name has no closing quote.',
      );
      continue;
    }
    const user = field(userOpen, userClose);
    if (byteLength(user.raw) >= format.userBytes) {
      fail(
        'userlist-user-too-long',
        user.span,
        `The user name is ${byteLength(user.raw)} bytes long; PgBouncer reads at most ${format.userBytes - 1}.`,
      );
      continue;
    }

    const secretOpen = findQuote(userClose + 1, true);
    if (secretOpen >= limit) {
      fail('userlist-missing-secret', user.span, `The user ${user.value} has no secret after it.`);
      continue;
    }
    const secretClose = findQuote(secretOpen + 1, false);
    if (secretClose >= limit) {
      fail(
        'userlist-unterminated-quote',
        { start: secretOpen, end: trimmedEnd(secretOpen, lineEnd(secretOpen)) },
        `The secret of ${user.value} has no closing quote.`,
      );
      continue;
    }
    const secret = field(secretOpen, secretClose);
    if (byteLength(secret.raw) >= format.secretBytes) {
      fail(
        'userlist-secret-too-long',
        secret.span,
        `The secret of ${user.value} is ${byteLength(secret.raw)} bytes long; PgBouncer reads at most ${format.secretBytes - 1}.`,
      );
      continue;
    }

    const entry: UserlistEntry = { user, secret, loaded: stoppedAt === null };
    const between = text.slice(userClose + 1, secretOpen);
    if (/[^ \t\r\n\v\f]/.test(between)) {
      let start = userClose + 1;
      while (start < secretOpen && isCSpace(text.charCodeAt(start))) start++;
      entry.skipped = { start, end: trimmedEnd(start, secretOpen) };
    }
    entries.push(entry);
    // The rest of the line is ignored (extra fields of the old pg_auth format).
    p = lineEnd(secretClose + 1);
    if (p < limit && text.charCodeAt(p) === NEWLINE) p++;
  }

  return {
    text,
    entries,
    comments,
    errors,
    stoppedAt,
    nulOffset: nul === -1 ? null : nul,
    lineIndex: new LineIndex(text),
  };
}
