// What PgBouncer's TLS setup (libtls on OpenSSL) accepts in the TLS settings. The word lists
// are data in schemas/pgbouncer-settings.json (grammar.tls).

import { GRAMMAR, removedBy } from './catalog';
import type { Version } from './catalog';

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

export interface CipherCheck {
  /** True when OpenSSL would select no cipher at all: PgBouncer refuses to start. */
  selectsNothing: boolean;
  /** Words OpenSSL does not know and silently skips. */
  unknownWords: string[];
}

/** Checks a *_tls_ciphers value as libtls and OpenSSL read it. */
export function checkCipherList(value: string, target: Version): CipherCheck {
  if (value === '' || current(tls.cipherKeywords, target).has(value.toLowerCase())) {
    return { selectsNothing: false, unknownWords: [] };
  }
  let selects = false;
  const unknownWords: string[] = [];
  for (const element of value.split(/[:, ;]+/)) {
    if (element === '') continue;
    const first = element[0];
    const positive = first !== '!' && first !== '-' && first !== '+' && first !== '@';
    const word = positive || first === '@' ? element : element.slice(1);
    if (word.startsWith('@')) continue;
    const parts = word.split('+');
    const known = parts.every((part) => cipherWords.has(part));
    if (!known) unknownWords.push(word);
    else if (positive) selects = true;
  }
  return { selectsNothing: !selects, unknownWords };
}

export function validDheParams(value: string, target: Version): boolean {
  return value === '' || current(tls.dheParams, target).has(value.toLowerCase());
}

/** Why PgBouncer would refuse this client_tls_ecdhcurve, or null when it accepts it. */
export function ecdhCurveProblem(value: string): string | null {
  if (value === '' || /^(none|auto)$/i.test(value)) return null;
  if (/[:,]/.test(value)) return 'it takes a single curve, not a list';
  if (curves.has(value) || /^\d+(\.\d+)+$/.test(value)) return null;
  const sameName = tls.ecdhCurves.find((c) => c.toLowerCase() === value.toLowerCase());
  if (sameName) return `curve names are case-sensitive: write ${sameName}`;
  if (/^(P-256|P-384|P-521)$/i.test(value)) {
    return `use the OpenSSL name ${{ 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' }[value.toUpperCase()]}`;
  }
  return 'it is not a named elliptic curve OpenSSL knows (for example prime256v1 or secp384r1)';
}
