// Emulations of the C library number parsers PgBouncer uses, so that we accept and reject
// exactly what it does: strtol(base 0) for ints and booleans, strtoul for max_packet_size,
// strtod for times, atoi for numbers inside connection strings.

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

export type IntReading =
  | { ok: true; value: number; radix: 8 | 10 | 16; overflow: boolean; stored: number }
  | { ok: false; consumed: number };

function skipCSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) i++;
    else break;
  }
  return i;
}

/** Reads the longest prefix strtol(text, &end, 0) would, returning where it stopped. */
function strtolPrefix(text: string): { end: number; value: bigint; radix: 8 | 10 | 16; negative: boolean } {
  let i = skipCSpace(text, 0);
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  let radix: 8 | 10 | 16 = 10;
  let digits: RegExp = /[0-9]/;
  if (
    text[i] === '0' &&
    (text[i + 1] === 'x' || text[i + 1] === 'X') &&
    /[0-9a-fA-F]/.test(text[i + 2] ?? '')
  ) {
    radix = 16;
    digits = /[0-9a-fA-F]/;
    i += 2;
  } else if (text[i] === '0') {
    radix = 8;
    digits = /[0-7]/;
  }
  const start = i;
  while (i < text.length && digits.test(text[i])) i++;
  if (i === start) return { end: 0, value: 0n, radix, negative };
  const body = text.slice(start, i);
  const magnitude = radix === 16 ? BigInt('0x' + body) : radix === 8 ? BigInt('0o' + body) : BigInt(body);
  return { end: i, value: negative ? -magnitude : magnitude, radix, negative };
}

/** cf_set_int: strtol base 0, whole string consumed, result stored in a 32-bit int. */
export function readCInt(text: string): IntReading {
  const prefix = strtolPrefix(text);
  if (prefix.end === 0 || prefix.end !== text.length) return { ok: false, consumed: prefix.end };
  // strtol clamps to the 64-bit long range, then the store into int keeps the low 32 bits.
  const LONG_MAX = 9223372036854775807n;
  const LONG_MIN = -9223372036854775808n;
  let asLong = prefix.value;
  if (asLong > LONG_MAX) asLong = LONG_MAX;
  if (asLong < LONG_MIN) asLong = LONG_MIN;
  const stored = Number(BigInt.asIntN(32, asLong));
  const value = Number(prefix.value);
  return {
    ok: true,
    value,
    radix: prefix.radix,
    overflow: prefix.value > BigInt(INT_MAX) || prefix.value < BigInt(INT_MIN),
    stored,
  };
}

/** cf_set_uint: strtoul base 0 (a leading '-' is accepted and wraps around). */
export function readCUint(text: string): IntReading {
  const prefix = strtolPrefix(text);
  if (prefix.end === 0 || prefix.end !== text.length) return { ok: false, consumed: prefix.end };
  const stored = Number(BigInt.asUintN(32, prefix.value));
  return {
    ok: true,
    value: Number(prefix.value),
    radix: prefix.radix,
    overflow: prefix.value < 0n || prefix.value > 4294967295n,
    stored,
  };
}

export type TimeReading =
  | { ok: true; seconds: number; special: 'inf' | 'nan' | null }
  | { ok: false; reason: 'syntax' | 'negative' | 'range'; consumed: number };

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?/;
const INF_NAN = /^[+-]?(?:infinity|inf|nan(?:\([0-9A-Za-z_]*\))?)/i;

/** cf_set_time_usec: strtod seconds; rejects trailing text, negatives and overflow. */
export function readCTime(text: string): TimeReading {
  const start = skipCSpace(text, 0);
  const rest = text.slice(start);
  let match = HEX_FLOAT.exec(rest);
  let kind: 'hex' | 'dec' | 'special' = 'hex';
  if (!match) {
    match = DECIMAL_FLOAT.exec(rest);
    kind = 'dec';
  }
  if (!match) {
    match = INF_NAN.exec(rest);
    kind = 'special';
  }
  if (!match) return { ok: false, reason: 'syntax', consumed: 0 };
  const consumed = start + match[0].length;
  if (consumed !== text.length) return { ok: false, reason: 'syntax', consumed };
  const literal = match[0];
  let value: number;
  let special: 'inf' | 'nan' | null = null;
  if (kind === 'special') {
    const isNan = /nan/i.test(literal);
    special = isNan ? 'nan' : 'inf';
    value = isNan ? NaN : literal.startsWith('-') ? -Infinity : Infinity;
  } else if (kind === 'hex') {
    value = parseHexFloat(literal);
  } else {
    value = Number(literal);
    // strtod reports ERANGE on overflow and underflow; PgBouncer rejects the value then.
    if (!Number.isFinite(value)) return { ok: false, reason: 'range', consumed };
    const mantissaHasDigit = /[1-9]/.test(literal.split(/[eE]/)[0]);
    if ((value === 0 && mantissaHasDigit) || (value !== 0 && Math.abs(value) < 2.2250738585072014e-308)) {
      return { ok: false, reason: 'range', consumed };
    }
  }
  if (value < 0) return { ok: false, reason: 'negative', consumed };
  return { ok: true, seconds: value, special };
}

function parseHexFloat(literal: string): number {
  const match = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/.exec(literal);
  if (!match) return NaN;
  const [, sign, whole, fraction, exponent] = match;
  let value = whole ? parseInt(whole, 16) : 0;
  for (let i = 0; i < fraction.length; i++) value += parseInt(fraction[i], 16) / 16 ** (i + 1);
  if (exponent) value *= 2 ** Number(exponent);
  return sign === '-' ? -value : value;
}

/** atoi(): leading whitespace, optional sign, decimal digits; anything else stops it (0 if none). */
export function readAtoi(text: string): { value: number; consumed: number; digits: boolean } {
  let i = skipCSpace(text, 0);
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  const start = i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === start) return { value: 0, consumed: 0, digits: false };
  let magnitude = 0;
  if (i - start <= 9) {
    // Below 2^31: no wrap-around, no BigInt needed.
    for (let j = start; j < i; j++) magnitude = magnitude * 10 + (text.charCodeAt(j) - 48);
  } else {
    magnitude = Number(BigInt.asIntN(32, BigInt(text.slice(start, i))));
  }
  return { value: negative ? -magnitude : magnitude, consumed: i, digits: true };
}

/** The value of a number written plainly (1 to 9 digits, nothing else), else -1. */
export function plainNumber(text: string): number {
  const n = text.length;
  if (n === 0 || n > 9) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** readAtoi(text).value, without making a reading when the number is written plainly. */
export function atoiValue(text: string): number {
  const plain = plainNumber(text);
  return plain >= 0 ? plain : readAtoi(text).value;
}

/** strtonum(text, min, max) as used for peer ids: a decimal integer, whole string, in range. */
export function readStrtonum(text: string, min: number, max: number): number | null {
  if (!/^[ \t\n\v\f\r]*[+-]?\d+$/.test(text)) return null;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : null;
}

/** Human reading of a number of seconds, e.g. 900 -> "15 min". */
export function describeSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  if (seconds === 0) return '0 s';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  const units: [number, string][] = [
    [86400, 'd'],
    [3600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.join(' ');
}
