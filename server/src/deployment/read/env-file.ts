// The `.env` format as Compose v2 reads it (compose-go dotenv/parser.go), for the `.env` beside a
// compose file and for `env_file:` entries:
//   - blank lines and lines starting with `#` are skipped; `export ` before a name is allowed;
//   - `KEY=VALUE` or `KEY: VALUE`; spaces around the separator are allowed; a name is letters,
//     digits and `_ . - [ ]`;
//   - 'single quotes' are literal (only \' is an escape), "double quotes" take \n \t \" \\ \$ ... and
//     interpolation, both may span lines; after the closing quote the line goes on as a new statement;
//   - an unquoted value runs to the end of the line, cut at ` #` (an inline comment), trimmed at the
//     right, and is interpolated;
//   - `KEY` alone takes the value from the environment Compose runs in (here: the lookup, if any).
// Interpolation sees the variables set above in the same file, after the lookup (as compose-go does).

import type { Span } from '../../syntax/syntax';
import { interpolate } from './interpolate';
import type { EnvVar, ReadProblem } from './types';

/** More statements than this in one file are not read (a file of a million `A=1` lines). */
const MAX_STATEMENTS = 100_000;

const NAME_CHAR = /[\p{L}\p{N}_.\-[\]]/u;
// compose-go's isSpace: spaces that are not line breaks.
const INLINE_SPACE = /[\t\v\f\r \u0085\u00a0]/;
const ANY_SPACE = /\s/;
// The escapes a double-quoted value takes (compose-go's escapeSeqRegex).
const ESCAPES = /\\(?:[abcfnrtv$"\\]|0\d{0,3})/g;

export interface EnvFile {
  vars: EnvVar[];
  problems: ReadProblem[];
}

export function parseEnvFile(
  path: string,
  text: string,
  /** Where `KEY` alone and `${KEY}` look first; undefined: only the file's own variables. */
  lookup?: (name: string) => string | undefined,
): EnvFile {
  const vars: EnvVar[] = [];
  const problems: ReadProblem[] = [];
  const own = new Map<string, string>();
  const find = (name: string): string | undefined => lookup?.(name) ?? own.get(name);
  const problem = (span: Span, message: string, severity: ReadProblem['severity'] = 'error'): void => {
    problems.push({ file: path, span, message, severity, code: 'env-file-syntax' });
  };
  const add = (name: string, nameSpan: Span, valueSpan: Span, written: string): void => {
    const result = interpolate(written, find);
    for (const message of result.problems) problem(valueSpan, message);
    own.set(name, result.text);
    vars.push({
      name,
      nameSpan,
      value: { text: result.text, file: path, span: valueSpan },
      origin: 'env-file',
    });
  };

  let i = 0;
  const n = text.length;
  const lineEnd = (from: number): number => {
    const end = text.indexOf('\n', from);
    return end < 0 ? n : end;
  };
  for (let statements = 0; statements < MAX_STATEMENTS; statements++) {
    while (i < n && (ANY_SPACE.test(text[i] as string) || text[i] === '\ufeff')) i++;
    if (i >= n) break;
    if (text[i] === '#') {
      i = lineEnd(i);
      continue;
    }
    const statementStart = i;
    const exported = /^export[\t\v\f\r \u0085\u00a0]+/.exec(text.slice(i, i + 64));
    if (exported) i += exported[0].length;

    // The name, up to `=`, `:` or the end of the line; spaces are passed over here, refused inside.
    const nameStart = i;
    let terminator = '';
    let bad = -1;
    while (i < n) {
      const c = text[i] as string;
      if (c === '=' || c === ':' || c === '\n') {
        terminator = c;
        break;
      }
      if (!INLINE_SPACE.test(c) && !NAME_CHAR.test(c)) {
        bad = i;
        break;
      }
      i++;
    }
    const rawName = text.slice(nameStart, i);
    const name = rawName.replace(/[\t\v\f\r \u0085\u00a0]+$/, '');
    const nameSpan = { start: nameStart, end: nameStart + name.length };
    if (bad >= 0) {
      // Compose stops reading the file here; we report the line and go on with the next one.
      problem(
        { start: statementStart, end: lineEnd(statementStart) },
        'This line is not KEY=VALUE: a variable name may hold only letters, digits, "_", ".", "-", "[" and "]"; Compose refuses the file',
      );
      i = lineEnd(i);
      continue;
    }
    if (/[\t\v\f\r \u0085\u00a0]/.test(name)) {
      problem(nameSpan, 'A variable name cannot contain a space; Compose refuses the file');
      i = lineEnd(i);
      continue;
    }
    if (terminator === '\n' || terminator === '') {
      // `KEY` alone: the value comes from the environment Compose runs in.
      if (name !== '') {
        const inherited = lookup?.(name);
        if (inherited !== undefined) {
          own.set(name, inherited);
          vars.push({
            name,
            nameSpan,
            value: { text: inherited, file: path, span: { start: nameSpan.end, end: nameSpan.end } },
            origin: 'env-file',
          });
        }
      }
      continue;
    }
    if (name === '') {
      problem(
        { start: statementStart, end: lineEnd(statementStart) },
        'A variable without a name; Compose refuses the file',
      );
      i = lineEnd(i);
      continue;
    }
    i++; // past = or :
    while (i < n && INLINE_SPACE.test(text[i] as string)) i++;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") {
      const end = lineEnd(i);
      let raw = text.slice(i, end);
      const comment = raw.indexOf(' #');
      if (comment >= 0) raw = raw.slice(0, comment);
      raw = raw.replace(/\s+$/, '');
      add(name, nameSpan, { start: i, end: i + raw.length }, raw);
      i = end;
      continue;
    }
    // A quoted value: to the first quote that no backslash escapes, across lines.
    const open = i;
    let chars = '';
    let escaped = false;
    let close = -1;
    for (let j = open + 1; j < n; j++) {
      const c = text[j] as string;
      if (c !== quote) {
        if (!escaped && c === '\\') {
          escaped = true;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += '\\';
        }
        chars += c;
        continue;
      }
      if (escaped) {
        escaped = false;
        chars += c;
        continue;
      }
      close = j;
      break;
    }
    if (close < 0) {
      problem({ start: open, end: lineEnd(open) }, 'A quoted value is not closed; Compose refuses the file');
      i = lineEnd(open);
      continue;
    }
    const span = { start: open, end: close + 1 };
    if (quote === "'") {
      own.set(name, chars);
      vars.push({ name, nameSpan, value: { text: chars, file: path, span }, origin: 'env-file' });
    } else {
      add(name, nameSpan, span, unescape(chars));
    }
    i = close + 1;
  }
  if (i < n) problem({ start: i, end: n }, `Only the first ${MAX_STATEMENTS} statements are read`, 'warning');
  return { vars, problems };
}

/** A double-quoted value's escapes; `\$` becomes `$$`, which interpolation turns into a literal `$`. */
function unescape(value: string): string {
  return value.replace(ESCAPES, (match) => {
    const c = match[1] as string;
    if (c === '$') return '$$';
    if (c === '0') {
      // `\0ddd` is the octal byte ddd (three octal digits); anything shorter stays as written.
      const digits = match.slice(2);
      return /^[0-7]{3}$/.test(digits) && parseInt(digits, 8) < 256
        ? String.fromCharCode(parseInt(digits, 8))
        : match;
    }
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      c: match,
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '"': '"',
      '\\': '\\',
    };
    return simple[c] ?? match;
  });
}
