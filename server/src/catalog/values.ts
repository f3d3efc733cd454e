// Emulations of the C library number parsers PgBouncer uses, so that we accept and reject
// exactly what it does: strtol(base 0) for ints and booleans, strtoul for max_packet_size,
// strtod for times, atoi for numbers inside connection strings.

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;
const ULONG_MAX = 18446744073709551615n;

/** (int)strtol(...): clamped to the 64-bit long range, then cut to the low 32 bits. */
function longToInt(value: bigint): number {
  const asLong = value > LONG_MAX ? LONG_MAX : value < LONG_MIN ? LONG_MIN : value;
  return Number(BigInt.asIntN(32, asLong));
}

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
  const stored = longToInt(prefix.value);
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
  // strtoul clamps a magnitude beyond ULONG_MAX to ULONG_MAX (also when negated), negates the
  // rest modulo 2^64, and the store into unsigned int keeps the low 32 bits.
  const magnitude = prefix.value < 0n ? -prefix.value : prefix.value;
  const asULong = magnitude > ULONG_MAX ? ULONG_MAX : BigInt.asUintN(64, prefix.value);
  const stored = Number(BigInt.asUintN(32, asULong));
  return {
    ok: true,
    value: Number(prefix.value),
    radix: prefix.radix,
    overflow: prefix.value < 0n || prefix.value > 4294967295n,
    stored,
  };
}

export type TimeReading =
  | {
      ok: true;
      /** The number strtod reads (seconds). */
      seconds: number;
      /**
       * The seconds PgBouncer keeps: cf_set_time_usec stores (usec_t)(1000000 * seconds), which
       * drops what is below a microsecond, and on x86-64 makes 0 of anything at or beyond 2^64
       * microseconds (about 584,542 years) and of inf, and 2^63 microseconds of nan (measured).
       */
      stored: number;
      /** The microsecond store cannot hold the number: PgBouncer keeps 0 instead. */
      tooLarge: boolean;
      special: 'inf' | 'nan' | null;
    }
  | { ok: false; reason: 'syntax' | 'negative' | 'range'; consumed: number };

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?/;
const INF_NAN = /^[+-]?(?:infinity|inf|nan(?:\([0-9A-Za-z_]*\))?)/i;
const SMALLEST_NORMAL = 2.2250738585072014e-308;
/** 2^64 microseconds in seconds: the first number of seconds usec_t cannot hold. */
export const USEC_LIMIT_SECONDS = 2 ** 64 / 1e6;

/** cf_set_time_usec: strtod seconds; rejects trailing text, negatives and ERANGE. */
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
  } else {
    const parsed = kind === 'hex' ? readHexFloat(literal) : readDecimalFloat(literal);
    // strtod reports ERANGE on overflow and on an inexact tiny result; PgBouncer refuses the value then.
    if (parsed.range) return { ok: false, reason: 'range', consumed };
    value = parsed.value;
  }
  if (value < 0) return { ok: false, reason: 'negative', consumed };
  const { stored, tooLarge } = storedSeconds(value);
  return { ok: true, seconds: value, stored, tooLarge, special };
}

/** (usec_t)(USEC * seconds) / USEC, as gcc's x86-64 code converts a double to uint64_t. */
function storedSeconds(seconds: number): { stored: number; tooLarge: boolean } {
  if (Number.isNaN(seconds)) return { stored: 2 ** 63 / 1e6, tooLarge: false };
  const usec = 1e6 * seconds;
  if (usec >= 2 ** 64) return { stored: 0, tooLarge: true };
  // A whole number of microseconds the multiplication rounds just below (4.35 s gives
  // 4349999.999...) is kept as written: one microsecond less matters to nobody.
  const whole = Math.round(usec);
  if (whole >= 1 && Math.abs(usec - whole) <= whole * 4 * Number.EPSILON) {
    return { stored: seconds, tooLarge: false };
  }
  return { stored: Math.trunc(usec) / 1e6, tooLarge: false };
}

function readDecimalFloat(literal: string): { value: number; range: boolean } {
  const value = Number(literal);
  if (!Number.isFinite(value)) return { value, range: true };
  const mantissaHasDigit = /[1-9]/.test(literal.split(/[eE]/)[0]);
  // A decimal number below the normal range is never exact in binary: glibc says ERANGE.
  const range = (value === 0 && mantissaHasDigit) || (value !== 0 && Math.abs(value) < SMALLEST_NORMAL);
  return { value, range };
}

/** A hex float: mantissa digits times a power of two; ERANGE past the double range or when tiny and inexact. */
function readHexFloat(literal: string): { value: number; range: boolean } {
  const match = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/.exec(literal);
  if (!match) return { value: NaN, range: false };
  const [, sign, whole, fraction, exponentText] = match;
  let mantissa = BigInt('0x' + (whole + fraction || '0'));
  if (mantissa === 0n) return { value: sign === '-' ? -0 : 0, range: false };
  // Exponents beyond this are out of range whatever the digits: no need to read them exactly.
  const exponentValue = exponentText ? Number(exponentText) : 0;
  let exponent = Math.max(-1e6, Math.min(1e6, exponentValue)) - 4 * fraction.length;
  while ((mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    exponent++;
  }
  const bits = mantissa.toString(2).length;
  const top = exponent + bits - 1;
  if (top > 1023) return { value: Infinity, range: true };
  // Below the normal range the result is exact only when no set bit falls below 2^-1074.
  if (top < -1022 && exponent < -1074) return { value: 0, range: true };
  // Keep 64 significant bits (enough to round as strtod does, but for ties far down the digits).
  const shift = Math.max(0, bits - 64);
  const scale = exponent + shift;
  // 2^scale alone may be below the smallest double while the product is not: scale in two steps.
  const value =
    scale < -1000
      ? Number(mantissa >> BigInt(shift)) * 2 ** (scale + 200) * 2 ** -200
      : Number(mantissa >> BigInt(shift)) * 2 ** scale;
  // Rounded up to 2^1024: strtod overflows too.
  if (!Number.isFinite(value)) return { value: Infinity, range: true };
  return { value: sign === '-' ? -value : value, range: false };
}

/**
 * atoi(): leading whitespace, optional sign, decimal digits; anything else stops it (0 if none).
 * glibc's atoi is (int)strtol(text, NULL, 10): a number beyond the 64-bit range is clamped first,
 * so 18446744073709551616 reads as -1 (LONG_MAX's low 32 bits) and -99999999999999999999 as 0.
 * `overflow` says the number written is not the int PgBouncer gets.
 */
export function readAtoi(text: string): {
  value: number;
  consumed: number;
  digits: boolean;
  overflow: boolean;
} {
  let i = skipCSpace(text, 0);
  let negative = false;
  if (text[i] === '+' || text[i] === '-') {
    negative = text[i] === '-';
    i++;
  }
  const start = i;
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === start) return { value: 0, consumed: 0, digits: false, overflow: false };
  if (i - start <= 9) {
    // Below 2^31: no wrap-around, no BigInt needed.
    let magnitude = 0;
    for (let j = start; j < i; j++) magnitude = magnitude * 10 + (text.charCodeAt(j) - 48);
    return { value: negative ? -magnitude : magnitude, consumed: i, digits: true, overflow: false };
  }
  const magnitude = BigInt(text.slice(start, i));
  const written = negative ? -magnitude : magnitude;
  const value = longToInt(written);
  return { value, consumed: i, digits: true, overflow: BigInt(value) !== written };
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
