// What PgBouncer's TLS setup (libtls on OpenSSL) accepts in the TLS settings. The word lists
// are data in schemas/pgbouncer-settings.json (grammar.tls).

import { GRAMMAR, removedBy } from './catalog';
import type { Version } from './catalog';
import {
  ASSUMED_SECURITY_LEVEL,
  builtinCurve,
  builtinCurves,
  cipherListRefusal,
  cipherSuitesRefusal,
  opensslAvailable,
} from './openssl';

const tls = GRAMMAR.tls;
const cipherWords = new Set([...tls.openSslCipherAliases, ...tls.openSslCipherSuites]);
const curves = new Set(tls.ecdhCurves);

function current(words: { name: string; removedIn?: string }[], target: Version): Set<string> {
  return new Set(words.filter((w) => !removedBy(w.removedIn, target)).map((w) => w.name.toLowerCase()));
}

/** The first word of a *_tls_protocols list PgBouncer would refuse, or null. */
export function badProtocolWord(value: string, target: Version): string | null {
  if (value === '') return null;
  const known = current(tls.protocolWords, target);
  for (const raw of value.split(/[,:]/)) {
    const word = raw.replace(/^[ \t]+/, '').replace(/^!/, '');
    if (!known.has(word.toLowerCase())) return word;
  }
  return null;
}

const TLS1_0 = 1 << 1;
const TLS1_1 = 1 << 2;
const TLS1_2 = 1 << 3;
/** libtls' bit for TLS 1.3 in a protocol set. */
export const TLS1_3 = 1 << 4;
const ALL_PROTOCOLS = TLS1_0 | TLS1_1 | TLS1_2 | TLS1_3;
const SECURE_PROTOCOLS = TLS1_2 | TLS1_3;

const PROTOCOL_BITS: Record<string, number> = {
  all: ALL_PROTOCOLS,
  legacy: ALL_PROTOCOLS,
  default: SECURE_PROTOCOLS,
  secure: SECURE_PROTOCOLS,
  tlsv1: ALL_PROTOCOLS,
  'tlsv1.0': TLS1_0,
  'tlsv1.1': TLS1_1,
  'tlsv1.2': TLS1_2,
  'tlsv1.3': TLS1_3,
};

/**
 * The protocol versions a *_tls_protocols value turns on, read like libusual's
 * tls_config_parse_protocols: items split at ',' or ':', leading blanks skipped, '!' removes,
 * and a list that starts with a removal starts from every version. '' is libtls' default (1.2, 1.3).
 */
export function enabledProtocols(value: string): number {
  if (value === '') return SECURE_PROTOCOLS;
  let enabled = 0;
  for (const raw of value.split(/[,:]/)) {
    let word = raw.replace(/^[ \t]+/, '');
    const negate = word.startsWith('!');
    if (negate) word = word.slice(1);
    if (negate && enabled === 0) enabled = ALL_PROTOCOLS;
    const bits = PROTOCOL_BITS[word.toLowerCase()] ?? 0;
    enabled = negate ? enabled & ~bits : enabled | bits;
  }
  return enabled;
}

export interface CipherCheck {
  /** True when OpenSSL would select no cipher at all: PgBouncer refuses to start. */
  selectsNothing: boolean;
  /** Words OpenSSL does not know and silently skips. */
  unknownWords: string[];
  /** OpenSSL's reason when it refuses the string for another cause (an @SECLEVEL out of range). */
  reason?: string;
}

/** libtls' own cipher lists up to 1.20 (usual/tls/tls_internal.h): what its keywords stood for. */
const OLD_KEYWORD_LISTS: Record<string, string> = {
  default: 'HIGH+EECDH:HIGH+EDH:!SSLv3:!SHA384:!SHA256:!DSS:!aNULL',
  secure: 'HIGH+EECDH:HIGH+EDH:!SSLv3:!SHA384:!SHA256:!DSS:!aNULL',
  compat: 'HIGH:+3DES:!aNULL',
  legacy: 'HIGH:+3DES:!aNULL',
  insecure: 'ALL:!aNULL:!eNULL',
  all: 'ALL:!aNULL:!eNULL',
  normal:
    'HIGH+EECDH:HIGH+EDH:HIGH+RSA:+SHA384:+SHA256:+SSLv3:+EDH:+RSA:-3DES:3DES+RSA:!CAMELLIA:!DSS:!aNULL',
  fast: 'HIGH+EECDH:HIGH+EDH:HIGH+RSA:+AES256:+SHA256:+SHA384:+SSLv3:+EDH:+RSA:-3DES:3DES+RSA:!CAMELLIA:!DSS:!aNULL',
};

/** From 1.21 libtls passes these to OpenSSL as nothing at all (OpenSSL's and the system's default). */
const KEPT_AS_DEFAULT = new Set(['default', 'secure', 'normal', 'fast']);

/**
 * The cipher string SSL_CTX_set_cipher_list gets for a *_tls_ciphers value, or null when libtls
 * sets none (the library default). Keywords are matched case-insensitively (strcasecmp): up to
 * 1.20 each stood for a list of libtls' own; from 1.21 default/secure/normal/fast mean "set
 * nothing" and the others go to OpenSSL as written, where they select nothing.
 */
export function effectiveCipherString(value: string, target: Version): string | null {
  if (value === '') return null;
  const lower = value.toLowerCase();
  const oldKeywords = !removedBy('1.21.0', target);
  if (oldKeywords && Object.hasOwn(OLD_KEYWORD_LISTS, lower)) return OLD_KEYWORD_LISTS[lower];
  if (!oldKeywords && KEPT_AS_DEFAULT.has(lower)) return null;
  return value;
}

/** The security level a cipher string leaves OpenSSL at: its last @SECLEVEL=n, else the assumed default. */
export function securityLevel(value: string, target: Version): number {
  const cipherString = effectiveCipherString(value, target) ?? '';
  let level = ASSUMED_SECURITY_LEVEL;
  // OpenSSL refuses a level above 5 (and the cipher string with it): that is reported on its own.
  for (const match of cipherString.matchAll(/@SECLEVEL=(\d+)/g)) {
    if (Number(match[1]) <= 5) level = Number(match[1]);
  }
  return level;
}

/** Items of an OpenSSL cipher string (separators ':', ',', ' ', ';'). */
function cipherItems(value: string): string[] {
  return value.split(/[:, ;]+/).filter((item) => item !== '');
}

/** True when OpenSSL knows an item's word (its combination with '+'), judged by the word alone. */
function knownToOpenSsl(word: string, first: boolean): boolean {
  if (word === 'DEFAULT') return first;
  return cipherListRefusal(word) === null;
}

/** Checks a *_tls_ciphers value as libtls and OpenSSL read it. */
export function checkCipherList(value: string, target: Version): CipherCheck {
  const cipherString = effectiveCipherString(value, target);
  if (cipherString === null) return { selectsNothing: false, unknownWords: [] };
  if (cipherString !== value) return { selectsNothing: false, unknownWords: [] };
  if (!opensslAvailable()) return checkCipherWords(value);
  const unknownWords: string[] = [];
  cipherItems(value).forEach((item, index) => {
    const bare = /^[!+-]/.test(item) ? item.slice(1) : item;
    // "@STRENGTH" and "@SECLEVEL=n" are commands; "HIGH@STRENGTH" is a word and a command.
    const word = bare.replace(/@.*$/, '');
    if (word === '' || unknownWords.includes(word)) return;
    if (!knownToOpenSsl(word, index === 0 && item === bare)) unknownWords.push(word);
  });
  const refused = cipherListRefusal(value);
  if (refused === null) return { selectsNothing: false, unknownWords };
  if (/NO_CIPHER_MATCH/.test(refused.code)) return { selectsNothing: true, unknownWords };
  return {
    selectsNothing: true,
    unknownWords,
    reason: refused.message.replace(/^error:[0-9A-F]+:[^:]*::/, ''),
  };
}

/** The word-list reading, where Node's TLS library is not OpenSSL 3. */
function checkCipherWords(value: string): CipherCheck {
  let selects = false;
  const unknownWords: string[] = [];
  for (const element of cipherItems(value)) {
    const first = element[0];
    const positive = first !== '!' && first !== '-' && first !== '+' && first !== '@';
    const word = (positive || first === '@' ? element : element.slice(1)).replace(/(.)@.*$/, '$1');
    if (word.startsWith('@')) continue;
    const parts = word.split('+');
    const known = parts.every((part) => cipherWords.has(part));
    if (!known) unknownWords.push(word);
    else if (positive) selects = true;
  }
  return { selectsNothing: !selects, unknownWords };
}

/** Why OpenSSL would refuse a *_tls13_ciphers list (1.25+), or null when it takes it. */
export function cipherSuitesProblem(value: string): string | null {
  if (value === '') return null;
  if (opensslAvailable()) {
    return cipherSuitesRefusal(value) === null ? null : 'it names no TLS 1.3 cipher suite OpenSSL knows';
  }
  return value.split(':').some((name) => /^TLS_[A-Z0-9_]+$/.test(name))
    ? null
    : 'it names no TLS 1.3 cipher suite (they are named like TLS_AES_256_GCM_SHA384)';
}

export function validDheParams(value: string, target: Version): boolean {
  return value === '' || current(tls.dheParams, target).has(value.toLowerCase());
}

/** Why PgBouncer would refuse this client_tls_ecdhcurve, or null when it accepts it. */
export function ecdhCurveProblem(value: string): string | null {
  if (value === '' || /^(none|auto)$/i.test(value)) return null;
  if (/[:,]/.test(value)) return 'it takes a single curve, not a list';
  const openssl = opensslAvailable();
  if (openssl ? builtinCurve(value) !== null : curves.has(value) || /^\d+(\.\d+)+$/.test(value)) return null;
  if (/^\d+(\.\d+)+$/.test(value)) return 'it is not the OID of an elliptic curve OpenSSL knows';
  if (/^X(25519|448)$/i.test(value)) {
    return 'PgBouncer sets one elliptic curve of the classic kind, and X25519/X448 are not such curves (auto lets OpenSSL use them)';
  }
  const known = openssl ? builtinCurves() : tls.ecdhCurves;
  const sameName = known.find((c) => c.toLowerCase() === value.toLowerCase());
  if (sameName) return `curve names are case-sensitive: write ${sameName}`;
  if (/^(P-256|P-384|P-521)$/i.test(value)) {
    return `use the OpenSSL name ${{ 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' }[value.toUpperCase()]}`;
  }
  return 'it is not a named elliptic curve OpenSSL knows (for example prime256v1 or secp384r1)';
}
