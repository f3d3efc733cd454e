// Hand-made oracle cases: what PgBouncer checks at start-up (tls). See ./index.ts.
//
// TLS files as libtls loads them (client side at start-up, server side at each connection), cipher
// strings and TLS 1.3 suites as OpenSSL reads them, PgBouncer's cipher keywords per release, and
// ECDH curves. Every verdict was measured with Debian's 1.18 (libssl3 3.0.19) and release builds of
// 1.21.0, 1.24.1 and 1.25.2 linked against the same libssl.

import type { OracleCase } from '../cases';
import { TLS_MATERIAL } from './tls-material';

type Verdict = 'accept' | 'reject';

const cases: OracleCase[] = [];

/** Measured the same on 1.18, 1.21, 1.24 and 1.25, unless `later` says what 1.21+ do. */
function add(
  name: string,
  expect: Verdict,
  config: string,
  extraFiles: Record<string, string>,
  extra: { later?: Verdict; since?: string; note?: string; by?: Record<string, Verdict> } = {},
): void {
  const later = extra.later ?? expect;
  cases.push({
    name: `tls start-up: ${name}`,
    config,
    extraFiles,
    expect,
    expectBy: extra.by ?? { '1.21': later, '1.24': later, '1.25': later },
    ...(extra.since ? { since: extra.since } : {}),
    ...(extra.note ? { note: extra.note } : {}),
  });
}

const m = TLS_MATERIAL;
if (m) {
  const pair = { 'server.key': m.rsaKey, 'server.crt': m.rsaCert };
  const client = (mode = 'require', more = ''): string =>
    `[pgbouncer]\nclient_tls_sslmode = ${mode}\nclient_tls_key_file = server.key\nclient_tls_cert_file = server.crt\n${more}`;
  const withCiphers = (ciphers: string): string => client('require', `client_tls_ciphers = ${ciphers}\n`);
  const withCurve = (curve: string): string => client('require', `client_tls_ecdhcurve = ${curve}\n`);

  // --- client key and certificate: loaded at start-up -----------------------------------------
  add('client RSA 2048 key and certificate', 'accept', client(), pair);
  add('client EC P-256 key and certificate', 'accept', client(), {
    'server.key': m.ecKey,
    'server.crt': m.ecCert,
  });
  add('client key and certificate in one file', 'accept', client().replace('server.key', 'server.crt'), {
    'server.crt': m.rsaCert + m.rsaKey,
  });
  add('client key file is garbage', 'reject', client(), { ...pair, 'server.key': 'garbage\n' });
  add('client certificate file is garbage', 'reject', client(), { ...pair, 'server.crt': 'garbage\n' });
  add('client key file is empty', 'reject', client(), { ...pair, 'server.key': '' });
  add('client certificate file is empty', 'reject', client(), { ...pair, 'server.crt': '' });
  add('client key file is a directory', 'reject', client().replace('= server.key', '= keys'), {
    ...pair,
    'keys/readme.txt': 'a directory\n',
  });
  add('client certificate file is a directory', 'reject', client().replace('= server.crt', '= certs'), {
    ...pair,
    'certs/readme.txt': 'a directory\n',
  });
  add('client key in DER form', 'reject', client(), { ...pair, 'server.key': m.derKey });
  add('client certificate in DER form', 'reject', client(), { ...pair, 'server.crt': m.derCert });
  add('client key file holds the certificate', 'reject', client(), { ...pair, 'server.key': m.rsaCert });
  add('client certificate file holds the key', 'reject', client(), { ...pair, 'server.crt': m.rsaKey });
  add('client key of another certificate', 'reject', client(), { ...pair, 'server.key': m.otherKey });
  add(
    'client key protected by a passphrase',
    'reject',
    client(),
    { ...pair, 'server.key': m.encryptedKey },
    {
      note: 'OpenSSL asks for the passphrase on the terminal; PgBouncer has none: "processing error".',
    },
  );
  add('client certificate chain with a broken second block', 'reject', client(), {
    ...pair,
    'server.crt': `${m.rsaCert}-----BEGIN CERTIFICATE-----\nAAAAbad\n-----END CERTIFICATE-----\n`,
  });

  // --- security level: 2 by Debian's policy unless the cipher string sets one ----------------
  const rsa1024 = { 'server.key': m.rsa1024Key, 'server.crt': m.rsa1024Cert };
  const rsa512 = { 'server.key': m.rsa512Key, 'server.crt': m.rsa512Cert };
  add('client RSA 1024 certificate at the default security level', 'reject', client(), rsa1024, {
    note: '"ee key too small": the system policy sets level 2.',
  });
  add('client RSA 1024 certificate with secure ciphers', 'reject', withCiphers('secure'), rsa1024);
  add(
    'client RSA 1024 certificate with DEFAULT:@SECLEVEL=1',
    'accept',
    withCiphers('DEFAULT:@SECLEVEL=1'),
    rsa1024,
  );
  add(
    'client RSA 512 certificate with DEFAULT:@SECLEVEL=1',
    'reject',
    withCiphers('DEFAULT:@SECLEVEL=1'),
    rsa512,
  );
  add(
    'client RSA 512 certificate with DEFAULT:@SECLEVEL=0',
    'accept',
    withCiphers('DEFAULT:@SECLEVEL=0'),
    rsa512,
  );
  add(
    'client RSA 2048 certificate with DEFAULT:@SECLEVEL=3',
    'reject',
    withCiphers('DEFAULT:@SECLEVEL=3'),
    pair,
  );
  add('client EC P-256 certificate with DEFAULT:@SECLEVEL=3', 'accept', withCiphers('DEFAULT:@SECLEVEL=3'), {
    'server.key': m.ecKey,
    'server.crt': m.ecCert,
  });

  // --- client CA file: loaded in every client mode ------------------------------------------
  const withCa = (mode: string): string => client(mode, 'client_tls_ca_file = ca.crt\n');
  add('client CA file is empty (require)', 'reject', withCa('require'), { ...pair, 'ca.crt': '' });
  add('client CA file is empty (allow)', 'reject', withCa('allow'), { ...pair, 'ca.crt': '' });
  add('client CA file is empty (verify-full)', 'reject', withCa('verify-full'), { ...pair, 'ca.crt': '' });
  add('client CA file holds only a key', 'reject', withCa('verify-ca'), { ...pair, 'ca.crt': m.rsaKey });
  add('client CA file is garbage', 'reject', withCa('require'), { ...pair, 'ca.crt': 'not a certificate\n' });
  add('client CA file in DER form', 'reject', withCa('verify-ca'), { ...pair, 'ca.crt': m.derCert });
  add('client CA file with text between certificates', 'accept', withCa('verify-ca'), {
    ...pair,
    'ca.crt': `${m.rsaCert}some words\n${m.ecCert}`,
  });
  add('client CA file with a broken block', 'reject', withCa('verify-ca'), {
    ...pair,
    'ca.crt': `${m.rsaCert}-----BEGIN CERTIFICATE-----\nAAAAbad\n-----END CERTIFICATE-----\n`,
  });
  add('client CA file with an RSA 1024 certificate', 'accept', withCa('verify-full'), {
    ...pair,
    'ca.crt': m.rsa1024Cert,
  });
  add(
    'client TLS disabled: broken files are not read',
    'accept',
    client('disable', 'client_tls_ca_file = ca.crt\n'),
    { 'server.key': 'garbage\n', 'server.crt': '', 'ca.crt': '' },
  );

  // --- server side: loaded at each connection, PgBouncer starts ------------------------------
  const server = (mode: string, more: string): string => `[pgbouncer]\nserver_tls_sslmode = ${mode}\n${more}`;
  const serverPair = 'server_tls_key_file = server.key\nserver_tls_cert_file = server.crt\n';
  add('server key file is garbage', 'accept', server('require', serverPair), {
    ...pair,
    'server.key': 'x\n',
  });
  add('server key of another certificate', 'accept', server('require', serverPair), {
    ...pair,
    'server.key': m.otherKey,
  });
  add('server RSA 1024 certificate', 'accept', server('require', serverPair), rsa1024);
  add(
    'server CA file is empty (verify-full)',
    'accept',
    server('verify-full', 'server_tls_ca_file = ca.crt\n'),
    {
      'ca.crt': '',
    },
  );
  add(
    'server_tls_ciphers = HIGH:!HIGH',
    'reject',
    server('require', 'server_tls_ciphers = HIGH:!HIGH\n'),
    {},
    {
      note: 'The cipher list is checked when PgBouncer sets TLS up, on both sides.',
    },
  );

  // --- cipher strings, as SSL_CTX_set_cipher_list reads them -------------------------------
  for (const [ciphers, verdict] of [
    ['HIGH:!HIGH', 'reject'],
    ['AES:!AES', 'reject'],
    ['ECDHE-RSA-AES128-GCM-SHA256+ECDHE-RSA-AES256-GCM-SHA384', 'reject'],
    ['HIGH@STRENGTH', 'accept'],
    ['DEFAULT@SECLEVEL=1', 'accept'],
    ['HIGH:@SECLEVEL=0', 'accept'],
    ['@SECLEVEL=1:DEFAULT', 'reject'],
    ['DEFAULT:@SECLEVEL=9', 'reject'],
    ['@STRENGTH', 'reject'],
    ['TLS_AES_128_GCM_SHA256', 'reject'],
    ['TLS_AES_128_GCM_SHA256:HIGH', 'accept'],
    ['high', 'reject'],
    ['HIGH foo', 'accept'],
    ['kRSA+AESGCM', 'accept'],
    ['eNULL', 'accept'],
    ['HIGH,MEDIUM', 'accept'],
  ] as const) {
    add(`client_tls_ciphers = ${ciphers}`, verdict, withCiphers(ciphers), pair);
  }
  // PgBouncer's keywords: up to 1.20 libtls' own lists; from 1.21 four mean OpenSSL's default and
  // the others reach OpenSSL as written.
  for (const keyword of ['normal', 'fast', 'SECURE']) {
    add(`client_tls_ciphers = ${keyword} (keyword)`, 'accept', withCiphers(keyword), pair);
  }
  for (const keyword of ['compat', 'legacy', 'insecure', 'all']) {
    add(`client_tls_ciphers = ${keyword} (keyword up to 1.20)`, 'accept', withCiphers(keyword), pair, {
      later: 'reject',
    });
  }
  add('client_tls_ciphers = ALL (OpenSSL alias)', 'accept', withCiphers('ALL'), pair);

  // --- client_tls_ecdhcurve: OBJ_txt2nid, then EC_KEY_new_by_curve_name ---------------------
  for (const [curve, verdict] of [
    ['X25519', 'reject'],
    ['prime256v1:secp384r1', 'reject'],
    ['1.2.840.10045.3.1.7', 'accept'],
    ['1.3.132.0.34', 'accept'],
    ['1.2.3.4', 'reject'],
    ['sm2', 'accept'],
    ['AUTO', 'accept'],
    ['sha256', 'reject'],
    ['brainpoolP256r1', 'accept'],
    ['secp112r1', 'accept'],
  ] as const) {
    add(`client_tls_ecdhcurve = ${curve}`, verdict, withCurve(curve), pair);
  }

  // --- 1.25: TLS 1.3 suites, SSL_CTX_set_ciphersuites (unknown names skipped) ----------------
  const v125 = (verdict: Verdict): Record<string, Verdict> => ({
    '1.21': 'reject',
    '1.24': 'reject',
    '1.25': verdict,
  });
  const tls13 = (suites: string, more = ''): string =>
    client('require', `client_tls13_ciphers = ${suites}\n${more}`);
  add(
    'client_tls13_ciphers = TLS_AES_128_GCM_SHA256:TLS_FOO',
    'reject',
    tls13('TLS_AES_128_GCM_SHA256:TLS_FOO'),
    pair,
    {
      since: '1.25',
      by: v125('accept'),
    },
  );
  add('client_tls13_ciphers = TLS_FOO', 'reject', tls13('TLS_FOO'), pair, {
    since: '1.25',
    by: v125('reject'),
  });
  add('client_tls13_ciphers = HIGH', 'reject', tls13('HIGH'), pair, { since: '1.25', by: v125('reject') });
  add(
    'client_tls13_ciphers = TLS_FOO with TLS 1.2 only',
    'reject',
    tls13('TLS_FOO', 'client_tls_protocols = tlsv1.2\n'),
    pair,
    { since: '1.25', by: v125('accept'), note: 'libtls keeps the suites only when TLS 1.3 is on.' },
  );
  add(
    'server_tls13_ciphers = TLS_FOO',
    'reject',
    server('require', 'server_tls13_ciphers = TLS_FOO\n'),
    {},
    { since: '1.25', by: v125('accept'), note: 'Servers: set at each connection, so PgBouncer starts.' },
  );
}

export const TLS_CASES: OracleCase[] = cases;
