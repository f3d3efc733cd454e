// TLS as PgBouncer sets it up at start-up, read by Node's own OpenSSL: cipher strings, keywords per
// release, security levels, TLS 1.3 suites, curves, and the key/certificate/CA files.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { parseVersion } from '../../server/src/catalog/catalog';
import type { Version } from '../../server/src/catalog/catalog';
import { opensslAvailable } from '../../server/src/catalog/openssl';
import {
  checkCipherList,
  cipherSuitesProblem,
  ecdhCurveProblem,
  effectiveCipherString,
  securityLevel,
} from '../../server/src/catalog/tls';
import { TLS_MATERIAL } from '../oracle/startup/tls-material';

const v = (text: string): Version => parseVersion(text) as Version;

describe('cipher strings by OpenSSL', () => {
  test("Node's TLS library is OpenSSL 3 here", () => {
    assert.ok(opensslAvailable(), `process.versions.openssl = ${process.versions.openssl}`);
  });

  for (const value of [
    'HIGH:!HIGH',
    'AES:!AES',
    'ECDHE-RSA-AES128-GCM-SHA256+ECDHE-RSA-AES256-GCM-SHA384',
    'high',
    '@STRENGTH',
    'TLS_AES_128_GCM_SHA256',
    '@SECLEVEL=1:DEFAULT',
  ]) {
    test(`${value} selects nothing`, () => {
      assert.equal(checkCipherList(value, v('1.18')).selectsNothing, true);
    });
  }
  for (const value of [
    'HIGH@STRENGTH',
    'DEFAULT@SECLEVEL=1',
    'DEFAULT:@SECLEVEL=1',
    'HIGH foo',
    'kRSA+AESGCM',
    'TLS_AES_128_GCM_SHA256:HIGH',
  ]) {
    test(`${value} selects something`, () => {
      assert.equal(checkCipherList(value, v('1.18')).selectsNothing, false);
    });
  }

  test('an @SECLEVEL above 5 is refused with a reason', () => {
    const result = checkCipherList('DEFAULT:@SECLEVEL=9', v('1.18'));
    assert.equal(result.selectsNothing, true);
    assert.match(result.reason ?? '', /invalid command/);
  });

  test('words that select nothing are named, commands are not', () => {
    assert.deepEqual(checkCipherList('HIGH:foo:@STRENGTH:!bar', v('1.18')).unknownWords, ['foo', 'bar']);
    assert.deepEqual(checkCipherList('HIGH:DEFAULT', v('1.18')).unknownWords, ['DEFAULT']);
  });

  test('keywords: libtls lists up to 1.20, then default/secure/normal/fast set nothing', () => {
    assert.equal(effectiveCipherString('compat', v('1.18')), 'HIGH:+3DES:!aNULL');
    assert.equal(effectiveCipherString('ALL', v('1.18')), 'ALL:!aNULL:!eNULL');
    assert.equal(effectiveCipherString('Normal', v('1.21')), null);
    assert.equal(effectiveCipherString('compat', v('1.21')), 'compat');
    assert.equal(checkCipherList('insecure', v('1.18')).selectsNothing, false);
    assert.equal(checkCipherList('insecure', v('1.25')).selectsNothing, true);
    assert.equal(checkCipherList('ALL', v('1.25')).selectsNothing, false);
  });

  test('security level: the last @SECLEVEL, else 2', () => {
    assert.equal(securityLevel('', v('1.18')), 2);
    assert.equal(securityLevel('secure', v('1.18')), 2);
    assert.equal(securityLevel('DEFAULT@SECLEVEL=1', v('1.18')), 1);
    assert.equal(securityLevel('DEFAULT:@SECLEVEL=0:@SECLEVEL=3', v('1.25')), 3);
    assert.equal(securityLevel('DEFAULT:@SECLEVEL=9', v('1.25')), 2);
  });

  test('TLS 1.3 suites: one known name is enough', () => {
    assert.equal(cipherSuitesProblem('TLS_AES_128_GCM_SHA256:TLS_FOO'), null);
    assert.notEqual(cipherSuitesProblem('TLS_FOO'), null);
    assert.notEqual(cipherSuitesProblem('HIGH'), null);
    assert.notEqual(cipherSuitesProblem('tls_aes_128_gcm_sha256'), null);
  });
});

describe('ECDH curves as OBJ_txt2nid and EC_KEY_new_by_curve_name take them', () => {
  for (const curve of [
    'prime256v1',
    'secp384r1',
    '1.2.840.10045.3.1.7',
    '1.3.132.0.34',
    'sm2',
    'SM2',
    'auto',
    'NONE',
    'brainpoolP256r1',
  ]) {
    test(`${curve} is taken`, () => assert.equal(ecdhCurveProblem(curve), null));
  }
  for (const [curve, why] of [
    ['X25519', /X25519/],
    ['prime256v1:secp384r1', /single curve/],
    ['1.2.3.4', /OID/],
    ['PRIME256V1', /write prime256v1/],
    ['P-256', /prime256v1/],
    ['sha256', /not a named elliptic curve/],
  ] as const) {
    test(`${curve} is refused`, () => assert.match(ecdhCurveProblem(curve) ?? '', why));
  }
});

describe(
  'TLS files loaded as libtls loads them',
  { skip: TLS_MATERIAL === null ? 'no openssl' : false },
  () => {
    const m = TLS_MATERIAL!;
    const lint = (config: string, files: Record<string, string>, target = '1.18') => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-startup-test-'));
      try {
        for (const [name, content] of Object.entries(files)) {
          fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
          fs.writeFileSync(path.join(dir, name), content);
        }
        const filePath = path.join(dir, 'pgbouncer.ini');
        fs.writeFileSync(filePath, config);
        return lintText(config, { filePath, targetVersion: target, runDirectory: dir }).findings.filter(
          (f) => f.code === 'invalid-tls-file',
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    const client = (more = ''): string =>
      `[pgbouncer]\nclient_tls_sslmode = require\nclient_tls_key_file = k.pem\nclient_tls_cert_file = c.pem\n${more}`;
    const pair = { 'k.pem': m.rsaKey, 'c.pem': m.rsaCert };

    test('a good pair has no finding', () => assert.deepEqual(lint(client(), pair), []));

    const cases: [string, Record<string, string>, RegExp, string?][] = [
      ['garbage key', { ...pair, 'k.pem': 'x\n' }, /no private key OpenSSL can read/],
      ['empty certificate', { ...pair, 'c.pem': '' }, /is empty/],
      ['DER certificate', { ...pair, 'c.pem': m.derCert }, /DER/],
      ['passphrase', { ...pair, 'k.pem': m.encryptedKey }, /passphrase/],
      ['mismatch', { ...pair, 'k.pem': m.otherKey }, /not the private key/],
      ['RSA 1024', { 'k.pem': m.rsa1024Key, 'c.pem': m.rsa1024Cert }, /security level 2.*ee key too small/],
      ['empty CA', { ...pair, 'ca.pem': '' }, /no certificate/, 'client_tls_ca_file = ca.pem\n'],
    ];
    for (const [name, files, message, more] of cases) {
      test(`${name}: an error for clients`, () => {
        const findings = lint(client(more), files);
        assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => f.message)));
        assert.equal(findings[0].severity, 'error');
        assert.match(findings[0].message, message);
      });
    }

    test('@SECLEVEL=1 in the cipher list lets an RSA 1024 certificate through', () => {
      assert.deepEqual(
        lint(client('client_tls_ciphers = DEFAULT:@SECLEVEL=1\n'), {
          'k.pem': m.rsa1024Key,
          'c.pem': m.rsa1024Cert,
        }),
        [],
      );
    });

    test('towards servers: a warning, and the CA file only when verifying', () => {
      const config = (mode: string) =>
        `[pgbouncer]\nserver_tls_sslmode = ${mode}\nserver_tls_key_file = k.pem\nserver_tls_cert_file = c.pem\nserver_tls_ca_file = ca.pem\n`;
      const files = { ...pair, 'k.pem': m.otherKey, 'ca.pem': '' };
      const require = lint(config('require'), files);
      assert.deepEqual(
        require.map((f) => f.severity),
        ['warning'],
      );
      assert.match(require[0].message, /every TLS connection to a server fails/);
      assert.equal(lint(config('verify-full'), files).length, 2);
    });

    test('client TLS off: the files are not looked at', () => {
      assert.deepEqual(lint(client().replace('require', 'disable'), { 'k.pem': 'x', 'c.pem': '' }), []);
    });
  },
);
