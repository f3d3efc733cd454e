// Security (TLS, exposure) and authentication rules: profiles, version handling and the readers
// behind them (listen addresses, TLS protocol lists, OpenSSL cipher strings).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { fixText } from '../../server/src/analysis/fix-all';
import type { Profile } from '../../server/src/rules/rule';
import { RULES } from '../../server/src/rules';

// known-vulnerability depends on the target release alone for most advisories: test/unit/advisories.test.ts.
const RULES_B = RULES.filter(
  (rule) =>
    (rule.category === 'Security' || rule.category === 'Authentication') && rule.id !== 'known-vulnerability',
);
import { isLoopbackAddress, isWildcardAddress } from '../../server/src/rules/support/tls';
import { enabledProtocols } from '../../server/src/rules/tls-old-protocols';
import { weakClasses } from '../../server/src/rules/tls-weak-ciphers';

const IDS = new Set(RULES_B.map((rule) => rule.id));
const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

function lint(text: string, options: { target?: string; profile?: Profile } = {}) {
  return lintText(text, {
    filePath: '/nonexistent/pgbouncer.ini',
    targetVersion: options.target ?? '1.18',
    profile: options.profile ?? 'production',
    useProjectFile: false,
  }).findings.filter((finding) => IDS.has(finding.code));
}

function codes(text: string, options: { target?: string; profile?: Profile } = {}): string[] {
  return [...new Set(lint(text, options).map((finding) => finding.code))].sort();
}

const EXPOSED = `[databases]
app = host=db.internal dbname=app
[pgbouncer]
listen_addr = 0.0.0.0
auth_type = scram-sha-256
admin_users = ops
client_tls_sslmode = prefer
client_tls_key_file = /k
client_tls_cert_file = /c
server_tls_sslmode = prefer
client_tls_protocols = all
client_tls_ciphers = ALL
`;

describe('rules-b: profiles', () => {
  test('every rule of this list has a production and a development severity, never error', () => {
    for (const rule of RULES_B) {
      assert.ok(['Security', 'Authentication'].includes(rule.category), rule.id);
      assert.notEqual(rule.severity.production, 'off', rule.id);
      assert.notEqual(rule.severity.development, 'off', rule.id);
    }
  });

  test('TLS and exposure findings are warnings in production and information in development', () => {
    const tlsRules = [
      'client-tls-not-required',
      'listen-all-interfaces-without-tls',
      'server-tls-not-verified',
      'tls-old-protocols',
      'tls-weak-ciphers',
    ];
    const production = lint(EXPOSED, { profile: 'production' });
    const development = lint(EXPOSED, { profile: 'development' });
    for (const id of tlsRules) {
      assert.deepEqual(
        production.filter((f) => f.code === id).map((f) => f.severity),
        ['warning'],
        `${id} in production`,
      );
      assert.deepEqual(
        development.filter((f) => f.code === id).map((f) => f.severity),
        ['information'],
        `${id} in development`,
      );
    }
  });

  test('broken authentication stays a warning in development', () => {
    const text = '[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_type = hba\nauth_query = SELECT 1\n';
    const development = lint(text, { profile: 'development' });
    assert.deepEqual(
      development.filter((f) => f.code === 'hba-without-file').map((f) => f.severity),
      ['warning'],
    );
    assert.deepEqual(
      development.filter((f) => f.code === 'auth-query-without-auth-user').map((f) => f.severity),
      ['warning'],
    );
  });

  test('advice rules go down to hint in development', () => {
    const development = lint('[pgbouncer]\nlisten_addr = 127.0.0.1\n', { profile: 'development' });
    assert.deepEqual(development.map((f) => `${f.code}:${f.severity}`).sort(), [
      'admin-users-missing:hint',
      'auth-type-md5:hint',
    ]);
  });
});

describe('rules-b: the example configurations', () => {
  const audited = fs.readFileSync(path.join(EXAMPLES, 'pgbouncer.ini'), 'utf8');
  const secure = fs.readFileSync(path.join(EXAMPLES, 'pgbouncer-secure.ini'), 'utf8');

  test('the audited configuration gets the audit findings (and the corrections)', () => {
    assert.deepEqual(codes(audited, { target: '1.21' }), [
      'auth-type-md5',
      'client-tls-not-required',
      'listen-all-interfaces-without-tls',
      'server-tls-not-verified',
    ]);
    const serverTls = lint(audited, { target: '1.21' }).find((f) => f.code === 'server-tls-not-verified');
    assert.match(
      serverTls?.message ?? '',
      /server_tls_ca_file is set but only verify-ca and verify-full use it/,
    );
  });

  for (const target of ['1.18', '1.21', '1.25']) {
    test(`the secure configuration gets nothing from these rules (${target})`, () => {
      assert.deepEqual(codes(secure, { target }), []);
    });
  }
});

describe('rules-b: listen addresses', () => {
  test('loopback', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', 'localhost', 'LOCALHOST']) {
      assert.ok(isLoopbackAddress(address), address);
    }
    for (const address of ['0.0.0.0', '*', '10.0.0.1', '::', 'db.internal', '128.0.0.1']) {
      assert.ok(!isLoopbackAddress(address), address);
    }
  });

  test('every interface', () => {
    for (const address of ['*', '0.0.0.0', '::', '0:0:0:0:0:0:0:0'])
      assert.ok(isWildcardAddress(address), address);
    for (const address of ['127.0.0.1', '::1', '10.0.0.0', 'localhost'])
      assert.ok(!isWildcardAddress(address), address);
  });

  test('a Unix socket only (empty listen_addr) is not reported', () => {
    assert.deepEqual(
      codes(
        '[pgbouncer]\nlisten_addr =\nunix_socket_dir = /tmp\nadmin_users = ops\nauth_type = scram-sha-256\n',
      ),
      [],
    );
  });

  test('a wildcard among other addresses is still every interface', () => {
    assert.ok(
      codes('[pgbouncer]\nlisten_addr = 127.0.0.1, *\n').includes('listen-all-interfaces-without-tls'),
    );
  });
});

describe('rules-b: server TLS', () => {
  const remote = '[databases]\napp = host=db.internal dbname=app\n[pgbouncer]\nlisten_addr = 127.0.0.1\n';

  test('the default changes from disable (1.18) to prefer (1.20)', () => {
    const [old] = lint(remote, { target: '1.18' }).filter((f) => f.code === 'server-tls-not-verified');
    const [current] = lint(remote, { target: '1.20' }).filter((f) => f.code === 'server-tls-not-verified');
    assert.match(old.message, /^server_tls_sslmode = disable:/);
    assert.match(current.message, /^server_tls_sslmode = prefer:/);
  });

  test('require and verify modes are not reported; verify-ca without a CA file is', () => {
    for (const mode of ['require', 'verify-full']) {
      assert.deepEqual(
        codes(`${remote}server_tls_sslmode = ${mode}\n`).filter((c) => c.startsWith('server-tls')),
        [],
      );
    }
    assert.ok(codes(`${remote}server_tls_sslmode = verify-ca\n`).includes('tls-verify-without-ca'));
    assert.ok(!codes(`${remote}server_tls_sslmode = verify-full\n`).includes('tls-verify-without-ca'));
  });

  test('the fix is require without a CA file and verify-full with one, recommended (not applied by --fix)', () => {
    const [without] = lint(remote).filter((f) => f.code === 'server-tls-not-verified');
    assert.deepEqual(
      without.fixes?.map((fix) => [fix.title, fix.kind]),
      [['Set server_tls_sslmode = require', 'recommended']],
    );
    const [withCa] = lint(`${remote}server_tls_ca_file = /ca.crt\n`).filter(
      (f) => f.code === 'server-tls-not-verified',
    );
    assert.deepEqual(
      withCa.fixes?.map((fix) => [fix.title, fix.kind]),
      [['Set server_tls_sslmode = verify-full', 'recommended']],
    );
  });
});

describe('rules-b: TLS protocols and ciphers', () => {
  const ALL = 0b11110;
  const SECURE = 0b11000;

  test('protocol lists are read like libusual', () => {
    assert.equal(enabledProtocols('secure'), SECURE);
    assert.equal(enabledProtocols('all'), ALL);
    assert.equal(enabledProtocols('tlsv1'), ALL);
    assert.equal(enabledProtocols('legacy'), ALL);
    assert.equal(enabledProtocols('tlsv1.2:tlsv1.3'), SECURE);
    assert.equal(enabledProtocols('!tlsv1.0, !tlsv1.1'), SECURE);
    assert.equal(enabledProtocols('all,!tlsv1.0'), ALL & ~0b10);
    assert.equal(enabledProtocols('TLSv1.1'), 0b100);
  });

  test('cipher strings: what stays selected at the end', () => {
    assert.deepEqual(weakClasses('HIGH:!aNULL:!MD5'), []);
    assert.deepEqual(weakClasses('ALL:!aNULL:!eNULL:!LOW:!EXPORT:!RC4:!3DES:!MD5'), []);
    assert.deepEqual(weakClasses('ALL:!eNULL'), ['aNULL', 'EXPORT', 'DES', 'RC4', '3DES', 'MD5']);
    assert.deepEqual(weakClasses('!aNULL:ALL:!LOW:!EXPORT:!RC4:!3DES:!MD5'), []);
    assert.deepEqual(weakClasses('ALL:-aNULL:!LOW:!EXPORT:!RC4:!3DES:!MD5'), []);
    assert.deepEqual(weakClasses('-aNULL:ALL:!LOW:!EXPORT:!RC4:!3DES:!MD5'), ['aNULL']);
    assert.deepEqual(weakClasses('HIGH:+3DES'), []);
    assert.deepEqual(weakClasses('HIGH:3DES+RSA'), ['3DES']);
    assert.deepEqual(weakClasses('COMPLEMENTOFALL'), ['eNULL']);
    assert.deepEqual(weakClasses('ECDHE-RSA-AES128-GCM-SHA256:DES-CBC3-SHA'), ['3DES']);
    assert.deepEqual(weakClasses('ADH-AES256-GCM-SHA384'), ['aNULL']);
    assert.deepEqual(weakClasses('EXP-RC4-MD5'), ['EXPORT', 'RC4', 'MD5']);
    assert.deepEqual(weakClasses('DES-CBC-SHA,NULL-SHA256'), ['eNULL', 'DES']);
    // OpenSSL names are case-sensitive: 'all' is not ALL.
    assert.deepEqual(weakClasses('HIGH:all'), []);
  });

  const clientTls =
    '[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_tls_sslmode = require\nclient_tls_key_file = /k\nclient_tls_cert_file = /c\n';

  test('the keywords all/insecure and compat/legacy are weak where they are keywords', () => {
    for (const keyword of ['all', 'INSECURE', 'compat', 'legacy']) {
      assert.ok(codes(`${clientTls}client_tls_ciphers = ${keyword}\n`).includes('tls-weak-ciphers'), keyword);
    }
    for (const keyword of ['default', 'secure', 'fast', 'normal']) {
      assert.ok(
        !codes(`${clientTls}client_tls_ciphers = ${keyword}\n`).includes('tls-weak-ciphers'),
        keyword,
      );
    }
  });

  test('a cipher list PgBouncer refuses is left to its own error', () => {
    const findings = lintText(`${clientTls}client_tls_ciphers = !aNULL:!eNULL\n`, {
      filePath: '/nonexistent/pgbouncer.ini',
      targetVersion: '1.18',
      useProjectFile: false,
    }).findings;
    assert.ok(findings.some((f) => f.code === 'invalid-tls-setting'));
    assert.ok(!findings.some((f) => f.code === 'tls-weak-ciphers'));
  });

  test("an unknown protocol word is left to PgBouncer's own error", () => {
    assert.ok(!codes(`${clientTls}client_tls_protocols = tlsv1.0,tlsv9\n`).includes('tls-old-protocols'));
  });
});

describe('rules-b: authentication', () => {
  test('per-database auth_query only counts from 1.22', () => {
    const text =
      "[databases]\napp = host=127.0.0.1 dbname=app auth_query='SELECT 1'\n[pgbouncer]\nlisten_addr = 127.0.0.1\n";
    assert.ok(codes(text, { target: '1.22' }).includes('auth-query-without-auth-user'));
    assert.ok(!codes(text, { target: '1.21' }).includes('auth-query-without-auth-user'));
  });

  test('auth_query is not reported with auth types that never run it', () => {
    for (const type of ['any', 'pam']) {
      const text = `[databases]\napp = host=127.0.0.1 dbname=app user=app\n[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_type = ${type}\nauth_query = SELECT 1\n`;
      assert.ok(!codes(text).includes('auth-query-without-auth-user'), type);
    }
  });

  test('a password in a connection string is never repeated in the message', () => {
    const findings = lint(
      "[databases]\napp = host=127.0.0.1 dbname=app password='hunter2 x'\n[pgbouncer]\nlisten_addr = 127.0.0.1\n",
    ).filter((f) => f.code === 'password-in-connection-string');
    assert.equal(findings.length, 1);
    assert.ok(!findings[0].message.includes('hunter2'));
  });

  test('user lists: names are matched exactly, separated by commas or blanks', () => {
    const text =
      '[databases]\napp = host=127.0.0.1 dbname=app user=App\n[pgbouncer]\nlisten_addr = 127.0.0.1\nadmin_users = app,App2 , App\n';
    const findings = lint(text).filter((f) => f.code === 'application-user-in-admin-list');
    assert.equal(findings.length, 1);
    assert.equal(text.slice(findings[0].span.start, findings[0].span.end), 'App');
    assert.equal(findings[0].span.start, text.lastIndexOf('App'));
  });

  test('auth_type = md5 by default, reported at the [pgbouncer] header', () => {
    const text = '[pgbouncer]\nlisten_addr = 127.0.0.1\n';
    const [finding] = lint(text).filter((f) => f.code === 'auth-type-md5');
    assert.equal(text.slice(finding.span.start, finding.span.end), '[pgbouncer]');
  });
});

describe('rules-b: fix all', () => {
  const run = (text: string): string => {
    const options = {
      filePath: '/nonexistent/pgbouncer.ini',
      targetVersion: '1.18',
      useProjectFile: false,
    };
    return fixText(text, lintText(text, options), (next) => lintText(next, options), 'all').text;
  };

  test('client_tls_sslmode = require is added once although two findings offer it', () => {
    const fixed = run(
      '[pgbouncer]\nlisten_addr = *\nclient_tls_key_file = /k\nclient_tls_cert_file = /c\nadmin_users = ops\n',
    );
    assert.equal(fixed.match(/client_tls_sslmode/g)?.length, 1, fixed);
    assert.match(fixed, /^client_tls_sslmode = require$/m);
    assert.match(fixed, /^listen_addr = \*$/m, 'listen_addr is only changed on request');
  });

  test('on the audited configuration with --fix=all: client TLS required, no suggestion applied', () => {
    const audited = fs.readFileSync(path.join(EXAMPLES, 'pgbouncer.ini'), 'utf8');
    const fixed = run(audited);
    assert.match(fixed, /^client_tls_sslmode = require$/m);
    assert.match(fixed, /^server_tls_sslmode = verify-full$/m);
    assert.match(fixed, /^auth_type = md5$/m);
    assert.match(fixed, /^listen_addr = 0\.0\.0\.0$/m);
  });
});
