// A private certificate authority for the TLS tests, made with the openssl CLI: a CA certificate, a
// server certificate it signed for 127.0.0.1 and localhost (what PgBouncer presents), and a second,
// unrelated CA. EC P-256 keys, valid for two days.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TestCa {
  /** The CA's certificate (PEM): what sslrootcert names. */
  caCert: string;
  /** The server's key and certificate, signed by the CA, for `hosts`. */
  serverKey: string;
  serverCert: string;
  /** A CA that signed nothing here. */
  otherCaCert: string;
}

function openssl(args: string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`openssl ${args[0]} failed (${result.status ?? result.error}): ${result.stderr}`);
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function makeCa(dir: string, name: string): { key: string; cert: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  openssl(
    [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return { key, cert };
}

/** Makes the CA, the server certificate for `hosts` (IP addresses and DNS names) and another CA in `dir`. */
export function makeTestCa(dir: string, hosts = ['127.0.0.1', 'localhost']): TestCa {
  fs.mkdirSync(dir, { recursive: true });
  const ca = makeCa(dir, 'pgbouncer-test-ca');
  const other = makeCa(dir, 'unrelated-ca');
  const serverKey = path.join(dir, 'server.key');
  const csr = path.join(dir, 'server.csr');
  const serverCert = path.join(dir, 'server.crt');
  openssl(['req', '-new', ...EC_KEY, '-keyout', serverKey, '-out', csr, '-subj', '/CN=pgbouncer'], dir);
  const names = hosts.map((host) => (/^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
  const extensions = path.join(dir, 'server.ext');
  fs.writeFileSync(
    extensions,
    [
      `subjectAltName=${names}`,
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
    ].join('\n') + '\n',
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-set_serial',
      '0x1001',
      '-days',
      '2',
      '-extfile',
      extensions,
      '-out',
      serverCert,
    ],
    dir,
  );
  return { caCert: ca.cert, serverKey, serverCert, otherCaCert: other.cert };
}
