// Validation's checks one at a time (server/src/checks/index.ts lists them): a few cases per
// family on small texts. The fixtures (test/fixtures/*.ini) cover the whole of validation.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { resolveTargetVersion } from '../../server/src/catalog/catalog';
import type { Check } from '../../server/src/checks/check';
import { CHECKS } from '../../server/src/checks/check-list';
import { databaseEntries } from '../../server/src/checks/databases';
import { includeProblems, includeSummary } from '../../server/src/checks/includes';
import { CHECKS_IN_ORDER } from '../../server/src/checks/index';
import { listeners } from '../../server/src/checks/listeners';
import { mainSettingNames } from '../../server/src/checks/main-settings';
import { mainSettingValues } from '../../server/src/checks/main-values';
import { cleanContext, isKnownClean, rememberClean } from '../../server/src/checks/memo';
import { settingPaths } from '../../server/src/checks/paths';
import { peerEntries } from '../../server/src/checks/peers';
import { quotedKeys } from '../../server/src/checks/quoted-keys';
import { entriesBeforeSections, sectionHeaders } from '../../server/src/checks/sections';
import { syntaxErrors } from '../../server/src/checks/syntax';
import { tlsSettings } from '../../server/src/checks/tls';
import { userEntries } from '../../server/src/checks/users';
import { validate, validateWith } from '../../server/src/checks/validate';
import type { Finding } from '../../server/src/findings/finding';
import { loadConfig } from '../../server/src/model/config';
import { ConnStringCache, parseConnString } from '../../server/src/syntax/connstring';
import { memoryFileSystem } from '../support/memory-fs';

const DIR = path.resolve('/virtual/checks');
const FILE = path.join(DIR, 'pgbouncer.ini');

interface RunOptions {
  /** Default 1.18, the release the oracle suites run. */
  target?: string;
  /** Other files, by path relative to DIR. */
  files?: Record<string, string>;
  directories?: string[];
}

/** The findings of `checks` alone on pgbouncer.ini in DIR; each one's code must be one its check reports. */
function run(checks: Check[], text: string, options: RunOptions = {}): Finding[] {
  const files = Object.fromEntries(
    Object.entries(options.files ?? {}).map(([name, content]) => [path.join(DIR, name), content]),
  );
  const fileSystem = memoryFileSystem(files, [
    DIR,
    ...(options.directories ?? []).map((d) => path.join(DIR, d)),
  ]);
  const model = loadConfig(text, { filePath: FILE, fileSystem });
  const target = resolveTargetVersion(options.target ?? '1.18');
  assert.ok(target);
  const findings = validateWith(model, { target, fileSystem }, checks);
  const reported = new Set(checks.flatMap((check) => check.reports));
  for (const finding of findings)
    assert.ok(reported.has(finding.code), `${finding.code} is not in the reports`);
  return findings;
}

const codes = (findings: Finding[]): string[] => findings.map((f) => f.code);
/** The text a finding's span covers in `text`. */
const covered = (text: string, finding: Finding): string => text.slice(finding.span.start, finding.span.end);

// ---------------------------------------------------------------------------------------------
// The list and the driver

test('the checks report every id of validation, and only ids of check-list.ts', () => {
  const reported = new Set(CHECKS_IN_ORDER.flatMap((check) => check.reports));
  for (const id of reported) assert.ok(CHECKS.has(id), id);
  // Reported elsewhere: the userlist checks, the engine (suppressions, project file), the editor.
  const elsewhere = (id: string) =>
    id.startsWith('userlist-') ||
    ['unknown-rule', 'unused-suppression', 'invalid-lint-config', 'document-too-large'].includes(id);
  assert.deepEqual([...CHECKS.keys()].filter((id) => !elsewhere(id)).sort(), [...reported].sort());
});

test('the include summary comes last: it counts what the others found', () => {
  assert.equal(CHECKS_IN_ORDER[CHECKS_IN_ORDER.length - 1], includeSummary);
});

test('validate is the checks of index.ts in their order', () => {
  const text = '[pgbouncer]\nmax_client_conn = x\nfoo = 1\n[databases]\npgbouncer = host=h\n';
  const fileSystem = memoryFileSystem({}, [DIR]);
  const target = resolveTargetVersion('1.18');
  assert.ok(target);
  const all = validate(loadConfig(text, { filePath: FILE, fileSystem }), { target, fileSystem });
  assert.deepEqual(all, run([...CHECKS_IN_ORDER], text));
  assert.deepEqual(codes(all), ['invalid-value', 'unknown-setting', 'reserved-name']);
});

test('a refused entry goes no further: the checks after the refusing one do not see it', () => {
  const text = "[pgbouncer]\n'listen_port' = x\n";
  assert.deepEqual(codes(run([quotedKeys, mainSettingNames, mainSettingValues], text)), [
    'newer-than-target',
  ]);
  assert.deepEqual(codes(run([mainSettingValues], text)), ['invalid-value']);
  assert.deepEqual(codes(run([quotedKeys, mainSettingValues], text, { target: '1.25' })), ['invalid-value']);
});

test('entries of a section PgBouncer refuses reach no check', () => {
  assert.deepEqual(run([userEntries, peerEntries], '[peers]\nx = y\n[nonsense]\nu = bad\n'), []);
  assert.deepEqual(codes(run([peerEntries], '[peers]\nx = host=h\n', { target: '1.19' })), [
    'invalid-peer-id',
  ]);
});

// ---------------------------------------------------------------------------------------------
// Syntax, includes, sections

test('syntax errors and NUL characters', () => {
  const findings = run([syntaxErrors], '[pgbouncer]\nthis line has no equals sign\nlisten_port = 1\0junk\n');
  assert.deepEqual(codes(findings), ['syntax-error', 'nul-character']);
  assert.equal(findings[1].span.end - findings[1].span.start, 1);
});

test('includes: missing, a directory, no name, and the run directory in the message', () => {
  const text = '[pgbouncer]\n%include missing.ini\n%include conf.d\n%include \n';
  const findings = run([includeProblems], text, { directories: ['conf.d'] });
  assert.deepEqual(codes(findings), ['include-not-found', 'include-is-directory', 'include-not-found']);
  assert.equal(covered(text, findings[0]), 'missing.ini');
  assert.match(findings[0].message, /relative to \/virtual\/checks, the config file's folder/);
  assert.match(findings[2].message, /no file name/);
});

test('include summary: the errors of an included file, at its %include', () => {
  const text = '[pgbouncer]\n%include extra.ini\n';
  const files = { 'extra.ini': 'listen_port = 1\nnot_a_setting = 1\nalso_not = 2\n' };
  assert.deepEqual(run([includeSummary], text, { files }), []);
  const findings = run([mainSettingNames, includeSummary], text, { files });
  assert.deepEqual(codes(findings), ['unknown-setting', 'unknown-setting', 'include-has-errors']);
  const summary = findings[2];
  assert.equal(summary.file, FILE);
  assert.equal(covered(text, summary), 'extra.ini');
  assert.match(
    summary.message,
    /2 errors that stop PgBouncer; the first is on .*extra\.ini:2 \(unknown setting\)/,
  );
});

test('section headers: unknown, newer than the target, reset, missing [pgbouncer]', () => {
  const unknown = run([sectionHeaders], '[pgbouncer]\n[Databases]\n[databse]\n');
  assert.deepEqual(codes(unknown), ['unknown-section', 'unknown-section']);
  assert.match(unknown[0].message, /case-sensitive: write \[databases\]/);
  assert.match(unknown[1].message, /Did you mean \[databases\]\?/);

  assert.deepEqual(codes(run([sectionHeaders], '[pgbouncer]\n[peers]\n')), ['newer-than-target']);
  assert.deepEqual(run([sectionHeaders], '[pgbouncer]\n[peers]\n', { target: '1.19' }), []);

  const reset = run([sectionHeaders], '[pgbouncer]\nlisten_port = 1\npool_mode = session\n[pgbouncer]\n');
  assert.deepEqual(codes(reset), ['section-reset']);
  assert.match(reset[0].message, /The 2 settings made above \(listen_port, pool_mode\) are lost\./);
  assert.deepEqual(
    reset[0].related?.map((r) => r.message),
    ['listen_port is reset here', 'pool_mode is reset here'],
  );

  assert.deepEqual(codes(run([sectionHeaders], '[databases]\nx = host=h\n')), ['missing-pgbouncer-section']);
});

test('entries before any section header', () => {
  const text = 'listen_port = 6432\n[pgbouncer]\n';
  const findings = run([entriesBeforeSections], text);
  assert.deepEqual(codes(findings), ['key-outside-section']);
  assert.equal(covered(text, findings[0]), 'listen_port');
});

// ---------------------------------------------------------------------------------------------
// [pgbouncer]

test('setting names: unknown (with a rename), case, misplaced, platform, newer, deprecated', () => {
  const text =
    '[pgbouncer]\nmax_client_con = 10\nPool_Mode = session\nmydb = host=h dbname=x\njob_name = x\nservice_name = x\n';
  const findings = run([mainSettingNames], text);
  assert.deepEqual(codes(findings), [
    'unknown-setting',
    'unknown-setting',
    'misplaced-setting',
    'deprecated',
    'platform-specific',
  ]);
  assert.match(findings[0].message, /Did you mean 'max_client_conn'\?/);
  assert.deepEqual(findings[0].fixes?.[0]?.edits[0].newText, 'max_client_conn');
  assert.match(findings[1].message, /Keys are case-sensitive/);
  assert.deepEqual(findings[3].tags, ['deprecated']);

  assert.deepEqual(codes(run([mainSettingNames], '[pgbouncer]\nmax_prepared_statements = 10\n')), [
    'newer-than-target',
  ]);
  assert.deepEqual(
    run([mainSettingNames], '[pgbouncer]\nmax_prepared_statements = 10\n', { target: '1.21' }),
    [],
  );
});

test('a setting given twice: the earlier line can go', () => {
  const text = '[pgbouncer]\nlisten_port = 1\nlisten_port = 2\n';
  const [duplicate, ...rest] = run([mainSettingNames], text);
  assert.deepEqual(rest, []);
  assert.equal(duplicate.code, 'duplicate-setting');
  assert.match(duplicate.message, /already set on line 2/);
  assert.deepEqual(duplicate.fixes?.[0].edits, [{ file: FILE, span: { start: 12, end: 28 }, newText: '' }]);
  // A [pgbouncer] header in between resets the first: no duplicate.
  assert.deepEqual(
    run([mainSettingNames], '[pgbouncer]\nlisten_port = 1\n[pgbouncer]\nlisten_port = 2\n'),
    [],
  );
});

test('setting values: booleans, octal, unsigned, overflow, ports, times', () => {
  const value = (line: string, target?: string) =>
    run([mainSettingValues], `[pgbouncer]\n${line}\n`, { target });
  const yes = value('disable_pqexec = yes');
  assert.deepEqual(codes(yes), ['invalid-value']);
  assert.match(yes[0].message, /Booleans are numbers in PgBouncer: write 1\./);
  assert.deepEqual(
    yes[0].fixes?.map((f) => f.title),
    ['Write 1'],
  );
  assert.deepEqual(codes(value('disable_pqexec = 2')), ['bool-not-0-or-1']);
  const octal = value('max_client_conn = 010');
  assert.deepEqual(codes(octal), ['octal-number']);
  assert.match(octal[0].message, /max_client_conn becomes 8/);
  assert.deepEqual(codes(value('listen_port = 70000')), ['port-out-of-range']);
  assert.deepEqual(codes(value('max_client_conn = 99999999999')), ['integer-overflow']);
  const unit = value('server_lifetime = 1h');
  assert.deepEqual(codes(unit), ['invalid-value']);
  assert.match(unit[0].message, /write 3600/);
  assert.deepEqual(value('server_lifetime = 3600'), []);
});

test('setting values: enums, removed values, strings with comments or quotes, reserved names', () => {
  const value = (line: string, target?: string) =>
    run([mainSettingValues], `[pgbouncer]\n${line}\n`, { target });
  const pool = value('pool_mode = sesion');
  assert.deepEqual(codes(pool), ['invalid-value']);
  assert.match(pool[0].message, /Did you mean 'session'\? Allowed: session, transaction, statement\./);
  assert.deepEqual(
    pool[0].fixes?.map((f) => [f.title, f.kind]),
    [["Change to 'session'", 'suggestion']],
  );
  assert.deepEqual(codes(value('pool_mode = session')), []);
  const removed = value('server_tls_sslmode = disabled');
  assert.deepEqual(codes(removed), ['removed-value']);
  assert.deepEqual(
    removed[0].fixes?.map((f) => f.edits[0].newText),
    ['disable'],
  );
  const comment = value('admin_users = alice ; the DBA');
  assert.deepEqual(codes(comment), ['inline-comment']);
  assert.equal(comment[0].fixes?.[0].kind, 'recommended');
  assert.deepEqual(codes(value("admin_users = 'alice'")), ['ignored-text']);
  assert.equal(value("admin_users = 'alice'")[0].severity, 'warning');
  assert.deepEqual(codes(value('auth_dbname = pgbouncer', '1.25')), ['reserved-name']);
});

test('paths: files and directories that are not there', () => {
  const text =
    '[pgbouncer]\nauth_file = users.txt\nlogfile = /nowhere/pgbouncer.log\nunix_socket_dir = sockets\n';
  const missing = run([settingPaths, listeners], text);
  assert.deepEqual(codes(missing), ['file-not-found', 'file-not-found', 'file-not-found']);
  assert.match(
    missing[0].message,
    /auth_file: \/virtual\/checks\/users\.txt does not exist on this machine \(relative to/,
  );
  assert.match(missing[1].message, /The directory for logfile does not exist here: \/nowhere\./);
  const present = run([settingPaths, listeners], text, {
    files: { 'users.txt': '' },
    directories: ['sockets'],
  });
  assert.deepEqual(codes(present), ['file-not-found']);
  // The other way round: a file where a directory is wanted.
  assert.match(
    run([listeners], '[pgbouncer]\nunix_socket_dir = users.txt\n', { files: { 'users.txt': '' } })[0].message,
    /is a regular file, not a directory/,
  );
});

// ---------------------------------------------------------------------------------------------
// [databases], [users], [peers] and their parameters

test('database names: reserved, too long, a [pgbouncer] setting, defined twice', () => {
  const long = 'd'.repeat(64);
  const text = `[pgbouncer]\n[databases]\npgbouncer = host=h\n${long} = host=h\nmax_client_conn = 100\napp = host=a\napp = host=b\n`;
  const findings = run([databaseEntries], text);
  assert.deepEqual(codes(findings), [
    'reserved-name',
    'name-too-long',
    'misplaced-setting',
    'duplicate-database',
  ]);
  assert.deepEqual(
    findings[2].fixes?.map((f) => f.title),
    ['Move max_client_conn to [pgbouncer]'],
  );
  assert.match(findings[3].message, /Database 'app' is already defined on line 6/);
});

test('connection parameters: unknown, twice, ignored text, a port of 0, the fallback database', () => {
  const text =
    '[databases]\na = host=h portt=5432\nb = host=h port=1 port=2\nc = host=h pool_size=5x\nd = host=h port=0\n* = host=h pool_mode=nonsense\n';
  const findings = run([databaseEntries], text);
  assert.deepEqual(codes(findings), [
    'unknown-parameter',
    'duplicate-parameter',
    'ignored-text',
    'invalid-port',
    'autodb-connection-string',
  ]);
  assert.match(findings[0].message, /Did you mean 'port'\?/);
  assert.equal(covered(text, findings[2]), 'x');
  // What would refuse an entry is a warning for '*': PgBouncer starts and refuses its connections.
  assert.equal(findings[4].severity, 'warning');
  assert.match(findings[4].message, /^Invalid value 'nonsense' for pool_mode\./);
});

test('connection parameters found clean are remembered for the context they were checked in', () => {
  const target = resolveTargetVersion('1.18');
  const newer = resolveTargetVersion('1.25');
  assert.ok(target && newer);
  const context = cleanContext('databases', false, target);
  // The same text for an equal target (another object): the same interned string.
  assert.equal(cleanContext('databases', false, { ...target }), context);
  assert.notEqual(cleanContext('databases', true, target), context);
  assert.notEqual(cleanContext('databases', false, newer), context);
  // Only a connection string a document's cache keeps is worth remembering (the CLI's are not).
  const once = parseConnString('host=h port=5432', 0);
  rememberClean(once, context);
  assert.equal(isKnownClean(once, context), false);
  const cache = new ConnStringCache();
  cache.startAnalysis();
  const connString = cache.take('host=h port=5432', 0);
  assert.equal(isKnownClean(connString, context), false);
  rememberClean(connString, context);
  assert.equal(isKnownClean(connString, context), true);
  assert.equal(isKnownClean(connString, cleanContext('users', false, target)), false);
});

test('users: auth_user= names and [users] keys share PgBouncer user list, cut to 127 bytes', () => {
  const long = 'u'.repeat(127);
  const text = `[databases]\na = host=h auth_user=${long}x\n[users]\n${long}y = pool_mode=session\n`;
  const findings = run([databaseEntries, userEntries], text);
  assert.deepEqual(codes(findings), ['name-too-long']);
  assert.match(findings[0].message, /which are those of the user on line 2/);
  // Names that fit are looked up whole, and may repeat.
  assert.deepEqual(
    run([databaseEntries, userEntries], '[databases]\na = auth_user=x\nb = auth_user=x\n[users]\nx =\n'),
    [],
  );
});

test('users: a user listed twice, an unknown parameter, a syntax error', () => {
  const text =
    "[users]\nalice = pool_mode=session\nalice = max_user_connections=2\nbob = pool_sise=3\ncarol = pool_mode='x\n";
  const findings = run([userEntries], text);
  assert.deepEqual(codes(findings), ['duplicate-user', 'unknown-parameter', 'connection-string-syntax']);
  assert.match(findings[1].message, /Unknown user parameter 'pool_sise'/);
});

test('peers: ids, a connection string PgBouncer refuses, a required host', () => {
  const text = "[peers]\n0 = host=h\n1 = host='h\n2 = port=6432\n3 = host=h port=6432\n";
  const findings = run([peerEntries], text, { target: '1.19' });
  assert.deepEqual(codes(findings), [
    'invalid-peer-id',
    'connection-string-syntax',
    'missing-required-parameter',
  ]);
  assert.match(findings[2].message, /Peer 2 has no host/);
});

// ---------------------------------------------------------------------------------------------
// After the pass: TLS and listeners

test('TLS: files an sslmode needs, auth_type = cert, ciphers, protocols', () => {
  const tls = (lines: string) => run([tlsSettings], `[pgbouncer]\n${lines}\n`);
  const files = tls('client_tls_sslmode = require');
  assert.deepEqual(codes(files), ['tls-files-required']);
  assert.match(files[0].message, /client_tls_key_file and client_tls_cert_file are not set/);
  assert.deepEqual(
    tls('client_tls_sslmode = require\nclient_tls_key_file = k\nclient_tls_cert_file = c'),
    [],
  );
  const cert = tls('auth_type = cert');
  assert.deepEqual(codes(cert), ['tls-files-required']);
  assert.match(cert[0].message, /needs client_tls_sslmode = verify-full/);
  const ciphers = tls('server_tls_sslmode = require\nserver_tls_ciphers = HIGH:NOPE');
  assert.deepEqual(codes(ciphers), ['ignored-text']);
  assert.match(ciphers[0].message, /OpenSSL does not know 'NOPE'/);
  assert.deepEqual(codes(tls('server_tls_sslmode = require\nserver_tls_protocols = tlsv9')), [
    'invalid-tls-setting',
  ]);
  // Without [pgbouncer] there is nothing to judge (missing-pgbouncer-section says it).
  assert.deepEqual(run([tlsSettings], '[databases]\n'), []);
});

test('TLS reads the settings in force: a second [pgbouncer] header resets the first', () => {
  const text = '[pgbouncer]\nclient_tls_sslmode = require\n[pgbouncer]\nlisten_port = 1\n';
  assert.deepEqual(run([tlsSettings], text), []);
  const unknown =
    '[pgbouncer]\nclient_tls_sslmode = require\nclient_tls_key_file = k\nclient_tls_cert_fil = c\n';
  // A key PgBouncer refused does not count as set (mainSettingNames refuses it).
  assert.deepEqual(codes(run([mainSettingNames, tlsSettings], unknown)), [
    'unknown-setting',
    'tls-files-required',
  ]);
});

test('listeners: nowhere to listen, a negative port', () => {
  const listen = (lines: string) => run([listeners], `[pgbouncer]\n${lines}\n`);
  const nowhere = listen('listen_addr =\nunix_socket_dir =');
  assert.deepEqual(codes(nowhere), ['nowhere-to-listen']);
  assert.match(nowhere[0].message, /Neither listen_addr nor unix_socket_dir is set/);
  assert.deepEqual(listen('listen_addr =\nunix_socket_dir = .'), []);
  assert.deepEqual(codes(listen('listen_addr = *\nlisten_port = -1')), ['invalid-port']);
  // Without listen_addr PgBouncer does not resolve an address with the port.
  assert.deepEqual(listen('listen_port = -1'), []);
});

test('users: from 1.23 a forced user= joins the user list, so two long ones collide', () => {
  const long = 'u'.repeat(200);
  const text = `[databases]\na = user=${long}\nb = user=${long}\n`;
  assert.deepEqual(codes(run([databaseEntries], text, { target: '1.21' })), []);
  const findings = run([databaseEntries], text, { target: '1.23' });
  assert.deepEqual(codes(findings), ['name-too-long']);
  assert.match(findings[0].message, /which are those of the user on line 2/);
});
