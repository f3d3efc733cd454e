// How PgBouncer tells the kind of a secret (get_password_type in src/scram.c): an MD5 hash is "md5"
// and 32 lower-case hex digits; a SCRAM secret is whatever parse_scram_secret accepts; anything
// else, the empty string included, is a plain-text password.

export type SecretKind = 'md5' | 'scram' | 'plain';

export type ScramReading = { ok: true; iterations: number } | { ok: false; reason: string };

/** MD5_PASSWD_LEN and MD5_PASSWD_CHARSET of PgBouncer. */
const MD5_SECRET = /^md5[0-9a-f]{32}$/;

export const SCRAM_FORM = 'SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>';
const SCRAM_KEY_BYTES = 32;

/** C strtok over one copy of the text: tokens are never empty; leading delimiters are skipped. */
class Tokenizer {
  private position = 0;

  constructor(private readonly text: string) {}

  next(delimiters: string): string | null {
    let p = this.position;
    while (p < this.text.length && delimiters.includes(this.text[p])) p++;
    if (p >= this.text.length) {
      this.position = p;
      return null;
    }
    const start = p;
    while (p < this.text.length && !delimiters.includes(this.text[p])) p++;
    // strtok overwrites the delimiter it stopped at and goes on after it.
    this.position = p < this.text.length ? p + 1 : p;
    return this.text.slice(start, p);
  }
}

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** pg_b64_decode of src/common/base64.c with pg_b64_dec_len's buffer: decoded length, or -1. */
export function base64DecodedLength(text: string): number {
  const capacity = (text.length * 3) >> 2;
  let written = 0;
  let pos = 0;
  let end = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') return -1;
    if (c === '=') {
      if (!end) {
        if (pos === 2) end = 1;
        else if (pos === 3) end = 2;
        else return -1;
      }
    } else if (B64_ALPHABET.indexOf(c) < 0) {
      return -1;
    }
    pos++;
    if (pos === 4) {
      const bytes = end === 0 ? 3 : end === 1 ? 1 : 2;
      if (written + bytes > capacity) return -1;
      written += bytes;
      pos = 0;
    }
  }
  return pos === 0 ? written : -1;
}

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** strtol(text, &end, 10) that must consume everything, without overflow (errno). */
function readLong(text: string): number | null {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)$/.exec(text);
  if (!match) return null;
  const value = BigInt(match[1]);
  if (value > LONG_MAX || value < LONG_MIN) return null;
  return Number(value);
}

/** parse_scram_secret, with the reason a secret is refused. */
export function readScramSecret(secret: string): ScramReading {
  const tokens = new Tokenizer(secret);
  const scheme = tokens.next('$');
  const iterationsText = tokens.next(':');
  const salt = tokens.next('$');
  const storedKey = tokens.next(':');
  const serverKey = tokens.next('');
  if (
    scheme === null ||
    iterationsText === null ||
    salt === null ||
    storedKey === null ||
    serverKey === null
  ) {
    return { ok: false, reason: `it does not have the form ${SCRAM_FORM}` };
  }
  if (scheme !== 'SCRAM-SHA-256') {
    return {
      ok: false,
      reason:
        scheme.toUpperCase() === 'SCRAM-SHA-256'
          ? 'the scheme must be written SCRAM-SHA-256, in capitals'
          : `the scheme is '${scheme}', not SCRAM-SHA-256`,
    };
  }
  const iterations = readLong(iterationsText);
  if (iterations === null)
    return { ok: false, reason: `the iteration count '${iterationsText}' is not a number` };
  if (base64DecodedLength(salt) < 0) return { ok: false, reason: 'the salt is not valid base64' };
  const keys = [
    ['StoredKey', storedKey],
    ['ServerKey', serverKey],
  ] as const;
  for (const [name, key] of keys) {
    const length = base64DecodedLength(key);
    if (length < 0) return { ok: false, reason: `the ${name} is not valid base64` };
    if (length !== SCRAM_KEY_BYTES) {
      return { ok: false, reason: `the ${name} is ${length} bytes long instead of ${SCRAM_KEY_BYTES}` };
    }
  }
  return { ok: true, iterations };
}

/** The kind PgBouncer gives the secret; `scram` false for releases that know no SCRAM secrets. */
export function secretKind(secret: string, scram: boolean): SecretKind {
  if (MD5_SECRET.test(secret)) return 'md5';
  if (scram && readScramSecret(secret).ok) return 'scram';
  return 'plain';
}

/** A plain-text secret that was meant as an MD5 hash: why PgBouncer does not take it for one. */
export function md5Mistake(secret: string): string | null {
  if (!/^md5[0-9a-fA-F]{16,}$/i.test(secret) || MD5_SECRET.test(secret)) return null;
  const digits = secret.slice(3);
  if (/^md5/.test(secret) && digits.length === 32) return 'its hex digits must be lower case';
  if (!/^md5/.test(secret)) return "it must start with 'md5' in lower case";
  return `it has ${digits.length} hex digits instead of 32`;
}

/** True for a secret that was meant as a SCRAM secret. */
export function looksLikeScram(secret: string): boolean {
  return /^SCRAM-SHA-256\$/i.test(secret);
}
