// The key, certificate and CA files of the TLS settings, loaded the way libtls loads them, by Node's
// own OpenSSL (catalog/openssl.ts says where it and PgBouncer's can differ).
//
// When PgBouncer loads what (libusual usual/tls/, the same in 1.18 and 1.25; measured with 1.18,
// 1.21, 1.24 and 1.25): the *_file settings only store a path; the files are read when a TLS
// context is made. For clients that is at start-up, for every sslmode but disable: the certificate
// chain (SSL_CTX_use_certificate_chain_file, PEM only, at the security level of client_tls_ciphers),
// the key (PEM, no way to give a passphrase), whether they match, and the CA file
// (SSL_CTX_load_verify_locations, whatever the mode: it must hold a certificate or a CRL). Any
// failure and PgBouncer refuses to start. For servers the context is made at each connection, so
// PgBouncer starts and every TLS connection to a server fails: a warning. There the CA file is read
// only by verify-ca and verify-full. A file that is not there is paths.ts' business.

import { resolvePath } from '../model/config';
import { encodeText } from '../files/text-codec';
import {
  ASSUMED_SECURITY_LEVEL,
  certificateBlockParses,
  certificateLevelRefusal,
  certificateRefusal,
  keyMismatch,
  opensslAvailable,
  privateKeyRefusal,
} from '../catalog/openssl';
import { securityLevel } from '../catalog/tls';
import type { Located } from '../model/effective';
import type { Check, CheckContext } from './check';

/** TLS files are small; a larger one is not read (PgBouncer would still try). */
const MAX_TLS_FILE_BYTES = 1024 * 1024;

const MODES_WITH_TLS = new Set(['allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

type Side = 'client' | 'server';

interface Loaded {
  at: Located;
  path: string;
  bytes: Buffer;
  text: string;
}

/** OpenSSL's reason without its code: "ee key too small". */
function reasonOf(message: string): string {
  return message.replace(/^error:[0-9A-Fa-f]+:[^:]*::/, '');
}

function isDer(bytes: Buffer, text: string): boolean {
  return bytes.length > 0 && bytes[0] === 0x30 && !text.includes('-----BEGIN');
}

export const tlsFiles: Check = {
  name: 'TLS key, certificate and CA files',
  reports: ['invalid-tls-file'],
  afterPass(context) {
    if (context.mainHeaderCount === 0 || !opensslAvailable()) return;
    for (const side of ['client', 'server'] as const) {
      const mode = context.mainValue(`${side}_tls_sslmode`).toLowerCase();
      if (MODES_WITH_TLS.has(mode)) checkSide(context, side, mode);
    }
  },
};

function checkSide(context: CheckContext, side: Side, mode: string): void {
  const outcome =
    side === 'client'
      ? 'PgBouncer refuses to start.'
      : 'PgBouncer starts, but every TLS connection to a server fails.';
  const report = (loaded: { at: Located }, message: string): void =>
    context.report(
      loaded.at.file,
      loaded.at.entry.value.span,
      'invalid-tls-file',
      `${message} ${outcome}`,
      side === 'server' ? { severity: 'warning' } : undefined,
    );
  const load = (name: string): Loaded | null => {
    const at = context.mainSettings.get(name);
    const written = context.mainValue(name);
    if (!at || written === '') return null;
    const path = resolvePath(written, context.model.runDirectory);
    const read = context.fileSystem.readFile(path, MAX_TLS_FILE_BYTES);
    if ('problem' in read) {
      // OpenSSL opens a directory and reads nothing from it; other problems are not ours to judge.
      if (read.problem.kind === 'not-regular' && read.problem.fileKind === 'directory') {
        report({ at }, `${name}: ${path} is a directory, not a PEM file.`);
      }
      return null;
    }
    return { at, path, text: read.text, bytes: Buffer.from(encodeText(read.text)) };
  };

  const cert = load(`${side}_tls_cert_file`);
  const key = load(`${side}_tls_key_file`);
  const ciphersName = `${side}_tls_ciphers`;
  let certOk = false;
  if (cert) {
    const problem = certificateProblem(cert);
    if (problem !== null) report(cert, `${side}_tls_cert_file: ${cert.path} ${problem}.`);
    else {
      certOk = true;
      const ciphers = context.mainValue(ciphersName);
      const level = securityLevel(ciphers, context.target);
      const weak = certificateLevelRefusal(cert.bytes, level);
      if (weak !== null) {
        const source =
          level === ASSUMED_SECURITY_LEVEL && !/@SECLEVEL=/.test(ciphers)
            ? `security level ${level}, the default of most systems' OpenSSL`
            : `security level ${level}, set by @SECLEVEL in ${ciphersName}`;
        report(
          cert,
          `${side}_tls_cert_file: OpenSSL refuses the certificate in ${cert.path} at ${source} (${reasonOf(weak.message)}): RSA keys need 1024 bits at level 1, 2048 at level 2, 3072 at level 3.`,
        );
      }
    }
  }
  let keyOk = false;
  if (key) {
    const problem = keyProblem(key);
    if (problem !== null) report(key, `${side}_tls_key_file: ${key.path} ${problem}.`);
    else keyOk = true;
  }
  if (cert && key && certOk && keyOk && keyMismatch(key.bytes, cert.bytes)) {
    report(
      key,
      `${side}_tls_key_file: the key in ${key.path} is not the private key of the certificate in ${cert.path}.`,
    );
  }
  // libtls loads the CA file for every client mode, and for servers only when it verifies them.
  if (side === 'client' || mode === 'verify-ca' || mode === 'verify-full') {
    const ca = load(`${side}_tls_ca_file`);
    if (ca) {
      const problem = caFileProblem(ca.text);
      if (problem !== null) report(ca, `${side}_tls_ca_file: ${ca.path} ${problem}.`);
    }
  }
}

function certificateProblem(cert: Loaded): string | null {
  if (cert.text.trim() === '') return 'is empty: it holds no certificate';
  if (isDer(cert.bytes, cert.text)) {
    return 'is in DER (binary) form, and PgBouncer reads only PEM (convert it: openssl x509 -inform DER -in FILE -out FILE.pem)';
  }
  const refused = certificateRefusal(cert.bytes);
  if (refused === null) return null;
  if (/NO_START_LINE/.test(refused.code)) return 'holds no PEM certificate (no BEGIN CERTIFICATE line)';
  return `does not hold a certificate chain OpenSSL can read (${reasonOf(refused.message)})`;
}

function keyProblem(key: Loaded): string | null {
  if (key.text.trim() === '') return 'is empty: it holds no private key';
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,\s*ENCRYPTED/.test(key.text)) {
    return 'holds a passphrase-protected key, and PgBouncer has no way to be given the passphrase (store the key without one: openssl pkey -in KEY -out KEY.plain)';
  }
  if (isDer(key.bytes, key.text)) {
    return 'is in DER (binary) form, and PgBouncer reads only PEM (convert it: openssl pkey -inform DER -in FILE -out FILE.pem)';
  }
  const refused = privateKeyRefusal(key.bytes);
  if (refused === null) return null;
  return `holds no private key OpenSSL can read (${reasonOf(refused.message)})`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
const CERTIFICATE_BLOCKS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/**
 * A CA file as X509_load_cert_crl_file reads it: every PEM block in turn (text between blocks is
 * skipped); a block whose base64 is broken or a certificate that does not parse fails the whole
 * file, and so does a file with no certificate and no CRL.
 */
function caFileProblem(text: string): string | null {
  let found = 0;
  for (const match of text.matchAll(PEM_BLOCK)) {
    const [block, label, body] = match;
    // Blocks with headers (an encrypted key's Proc-Type) carry more than base64: not judged here.
    if (body.includes(':')) continue;
    const base64 = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) {
      return `has a PEM block (${label}) whose base64 is broken, and OpenSSL refuses the whole file`;
    }
    if (CERTIFICATE_BLOCKS.has(label)) {
      if (!certificateBlockParses(block)) return 'has a certificate OpenSSL cannot read';
      found++;
    } else if (label === 'X509 CRL') found++;
  }
  return found === 0 ? 'holds no certificate (nor CRL) for OpenSSL to load' : null;
}
