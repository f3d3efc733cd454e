// Key and certificate files for the TLS start-up cases, made once with the openssl CLI: RSA keys of
// 2048, 1024 and 512 bits, an EC P-256 key, a second unrelated RSA key, the same key with a
// passphrase and in DER form. Self-signed certificates, valid for two days. Null without openssl.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TlsMaterial {
  rsaKey: string;
  rsaCert: string;
  otherKey: string;
  rsa1024Key: string;
  rsa1024Cert: string;
  rsa512Key: string;
  rsa512Cert: string;
  ecKey: string;
  ecCert: string;
  /** rsaKey under the passphrase "secret". */
  encryptedKey: string;
  /** rsaKey and rsaCert in DER, as latin1 strings (extraFiles are text: the bytes get re-encoded, still not PEM). */
  derKey: string;
  derCert: string;
}

function make(): TlsMaterial | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-oracle-tls-startup-'));
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 60_000 });
  };
  const read = (name: string, encoding: BufferEncoding = 'utf8'): string =>
    fs.readFileSync(path.join(dir, name), encoding);
  const selfSigned = (key: string, cert: string): void =>
    run(['req', '-x509', '-key', key, '-subj', '/CN=localhost', '-days', '2', '-out', cert]);
  try {
    for (const [name, bits] of [
      ['rsa', 2048],
      ['other', 2048],
      ['rsa1024', 1024],
      ['rsa512', 512],
    ] as const) {
      run(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', `${name}.key`]);
      selfSigned(`${name}.key`, `${name}.crt`);
    }
    run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'ec.key']);
    selfSigned('ec.key', 'ec.crt');
    run(['pkey', '-in', 'rsa.key', '-aes256', '-passout', 'pass:secret', '-out', 'enc.key']);
    run(['pkey', '-in', 'rsa.key', '-outform', 'DER', '-out', 'key.der']);
    run(['x509', '-in', 'rsa.crt', '-outform', 'DER', '-out', 'cert.der']);
    return {
      rsaKey: read('rsa.key'),
      rsaCert: read('rsa.crt'),
      otherKey: read('other.key'),
      rsa1024Key: read('rsa1024.key'),
      rsa1024Cert: read('rsa1024.crt'),
      rsa512Key: read('rsa512.key'),
      rsa512Cert: read('rsa512.crt'),
      ecKey: read('ec.key'),
      ecCert: read('ec.crt'),
      encryptedKey: read('enc.key'),
      derKey: read('key.der', 'latin1'),
      derCert: read('cert.der', 'latin1'),
    };
  } catch {
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const TLS_MATERIAL = make();
