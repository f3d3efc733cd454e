// Questions PgBouncer puts to OpenSSL when it sets TLS up, put to Node's own OpenSSL (node:tls,
// node:crypto) instead of a word list.
//
// Where the two can disagree: PgBouncer links the system's libssl (Debian 12: libssl3 3.0.x; other
// distributions and builds link other 3.x or 1.1.1 releases), while Node links its own copy
// (`node -p process.versions.openssl`; Node 20 bundles 3.0.x, so the same release line as Debian 12).
//   - The suites a build has (3DES, RC4, NULL, ARIA ...) follow its configure options: a list of only
//     such suites can select something in one build and nothing in another.
//   - The system-wide policy (/etc/ssl/openssl.cnf, crypto-policies) applies to PgBouncer but not to
//     Node, which reads only its own section of that file. That is why the security level is not
//     taken from Node (its default is 1) but assumed: see ASSUMED_SECURITY_LEVEL.
//   - In VS Code the language server may run on Electron's Node, which has BoringSSL: no @SECLEVEL,
//     other cipher words. Every answer here first checks that the library behaves like OpenSSL 3
//     (opensslAvailable) and callers fall back to the catalog's word lists when it does not.

import * as crypto from 'node:crypto';
import * as tls from 'node:tls';

export { ASSUMED_SECURITY_LEVEL } from './security-level';

/** Why OpenSSL refused, as Node reports it (the OpenSSL reason code), or null when it accepted. */
type Refusal = { code: string; message: string } | null;

function refusal(error: unknown): Refusal {
  const e = error as { code?: string; message?: string };
  return { code: e.code ?? 'ERR', message: e.message ?? String(error) };
}

function attempt(options: tls.SecureContextOptions): Refusal {
  try {
    tls.createSecureContext(options);
    return null;
  } catch (error) {
    return refusal(error);
  }
}

let available: boolean | undefined;

/** True when Node's TLS library answers cipher questions the way OpenSSL 3 does. */
export function opensslAvailable(): boolean {
  if (available === undefined) {
    available =
      /^3\./.test(process.versions.openssl ?? '') &&
      attempt({ ciphers: 'HIGH:!HIGH' }) !== null &&
      attempt({ ciphers: 'DEFAULT@SECLEVEL=1' }) === null &&
      crypto.getCurves().includes('prime256v1');
  }
  return available;
}

/**
 * The string as SSL_CTX_set_cipher_list gets it. Node moves ':'-separated items that start with
 * "TLS_" to the TLS 1.3 list; OpenSSL takes ',', ' ' and ';' as separators too, so ':' becomes ','
 * and Node sees one item. A leading separator keeps a first "TLS_" item in the list (OpenSSL skips
 * it; only DEFAULT is special at the very start, and then the string does not start with TLS_).
 */
function asOneItem(cipherList: string): string {
  const joined = cipherList.replace(/:/g, ',');
  return joined.startsWith('TLS_') ? `,${joined}` : joined;
}

/** What SSL_CTX_set_cipher_list says of a TLS 1.2 cipher string: null when it selects a suite. */
export function cipherListRefusal(cipherList: string): Refusal {
  const known = cipherAnswers.get(cipherList);
  if (known !== undefined) return known;
  const answer = attempt({ ciphers: asOneItem(cipherList) });
  // Each question builds an SSL_CTX: keep the answers (lists are short and few).
  if (cipherAnswers.size >= 2000) cipherAnswers.clear();
  cipherAnswers.set(cipherList, answer);
  return answer;
}

const cipherAnswers = new Map<string, Refusal>();

/**
 * What SSL_CTX_set_ciphersuites says of a TLS 1.3 list (':'-separated; OpenSSL 3 skips names it
 * does not know and refuses only a list with none it knows). Null when it accepts it.
 */
export function cipherSuitesRefusal(suites: string): Refusal {
  const names = suites.split(':').filter((name) => name !== '');
  // Node sends only "TLS_" items to SSL_CTX_set_ciphersuites; every TLS 1.3 suite is named so.
  const tls13 = names.filter((name) => name.startsWith('TLS_'));
  if (tls13.length === 0) return { code: 'ERR_SSL_NO_CIPHER_MATCH', message: 'no cipher match' };
  return attempt({ ciphers: tls13.join(':') });
}

let curveOids: Map<string, string> | undefined;

/** The builtin curves' OIDs, read from a key made on each (once, when a value is an OID). */
function curveByOid(oid: string): string | undefined {
  if (!curveOids) {
    curveOids = new Map();
    for (const curve of crypto.getCurves()) {
      try {
        const { publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
        const der = publicKey.export({ type: 'spki', format: 'der' });
        const found = secondOid(der);
        if (found) curveOids.set(found, curve);
      } catch {
        // a curve Node cannot make keys on: no OID for it
      }
    }
  }
  return curveOids.get(oid);
}

/** The second OBJECT IDENTIFIER in a DER SubjectPublicKeyInfo: the EC parameters' named curve. */
function secondOid(der: Buffer): string | null {
  let seen = 0;
  for (let i = 0; i + 1 < der.length; i++) {
    if (der[i] !== 0x06) continue;
    const length = der[i + 1];
    if (length === 0 || length > 20 || i + 2 + length > der.length) continue;
    seen++;
    if (seen < 2) {
      i += 1 + length;
      continue;
    }
    const bytes = der.subarray(i + 2, i + 2 + length);
    const arcs = [Math.floor(bytes[0] / 40), bytes[0] % 40];
    let value = 0;
    for (const byte of bytes.subarray(1)) {
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) {
        arcs.push(value);
        value = 0;
      }
    }
    return arcs.join('.');
  }
  return null;
}

/** OpenSSL long names of builtin curves that differ from their short names (obj_mac.h). */
const CURVE_LONG_NAMES: Record<string, string> = {
  sm2: 'SM2',
  ipsec3: 'Oakley-EC2N-3',
  ipsec4: 'Oakley-EC2N-4',
};

/**
 * The curve libtls would set for a *_tls_ecdhcurve value: OBJ_txt2nid (short name, long name or
 * dotted OID, case-sensitive) and then EC_KEY_new_by_curve_name, so only builtin EC curves, not
 * X25519/X448. Returns the curve's short name, or null when OpenSSL would refuse it.
 */
export function builtinCurve(value: string): string | null {
  if (crypto.getCurves().includes(value)) return value;
  if (Object.hasOwn(CURVE_LONG_NAMES, value)) return CURVE_LONG_NAMES[value];
  if (/^\d+(\.\d+)+$/.test(value)) return curveByOid(value) ?? null;
  return null;
}

/** The builtin curves' short names. */
export function builtinCurves(): string[] {
  return crypto.getCurves();
}

/**
 * Answers about file contents, kept: the language server asks again at every keystroke, and each
 * answer builds an SSL_CTX (a millisecond or more); keys and certificates are small and few.
 */
const fileAnswers = new Map<string, Refusal>();
const MAX_REMEMBERED_FILE = 64 * 1024;

function remembered(question: string, files: readonly Buffer[], ask: () => Refusal): Refusal {
  if (files.some((file) => file.length > MAX_REMEMBERED_FILE)) return ask();
  const key = [question, ...files.map((file) => file.toString('latin1'))].join('\0');
  const known = fileAnswers.get(key);
  if (known !== undefined) return known;
  const answer = ask();
  if (fileAnswers.size >= 200) fileAnswers.clear();
  fileAnswers.set(key, answer);
  return answer;
}

/** What loading a certificate chain file (PEM) says: a parse problem, or null. */
export function certificateRefusal(pem: Buffer): Refusal {
  return remembered('cert', [pem], () => attempt({ cert: pem, ciphers: 'ALL:@SECLEVEL=0' }));
}

/** The certificate chain is too weak for the security level ("ee key too small", "ca md too weak"...). */
export function certificateLevelRefusal(pem: Buffer, level: number): Refusal {
  return remembered(`level ${level}`, [pem], () => attempt({ cert: pem, ciphers: `ALL:@SECLEVEL=${level}` }));
}

/** What loading a private key file (PEM, no passphrase) says. */
export function privateKeyRefusal(pem: Buffer): Refusal {
  return remembered('key', [pem], () => attempt({ key: pem, passphrase: '', ciphers: 'ALL:@SECLEVEL=0' }));
}

/** True when the key is not the certificate's (both already load on their own). */
export function keyMismatch(key: Buffer, cert: Buffer): boolean {
  const result = remembered('pair', [key, cert], () => attempt({ key, cert, ciphers: 'ALL:@SECLEVEL=0' }));
  return result !== null && /MISMATCH/i.test(result.code + result.message);
}

/** Parses one PEM certificate block; false when OpenSSL cannot read it. */
export function certificateBlockParses(block: string): boolean {
  try {
    new crypto.X509Certificate(block);
    return true;
  } catch {
    return false;
  }
}
