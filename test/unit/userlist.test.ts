// userlist.txt (auth_file): the reader, the secret checks, the findings, the cross-check with a
// pgbouncer.ini next to it, and, when the pgbouncer binary is installed, where the real PgBouncer
// stops reading tricky files.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseVersion } from '../../server/src/catalog/catalog';
import type { Finding } from '../../server/src/findings/finding';
import { userlistFormat } from '../../server/src/syntax/userlist-format';
import type { UserlistFormat } from '../../server/src/syntax/userlist-format';
import { lintUserlist } from '../../server/src/userlist/lint';
import { parseUserlist } from '../../server/src/syntax/userlist-parser';
import type { ParsedUserlist } from '../../server/src/syntax/userlist-parser';
import {
  base64DecodedLength,
  md5Mistake,
  readScramSecret,
  secretKind,
} from '../../server/src/userlist/secrets';
import { askPgBouncer, findPgBouncer, pgBouncerVersion } from '../support/pgbouncer-oracle';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'userlist');
const ROOT = path.resolve(__dirname, '..', '..');
const KEY = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='; // 32 zero bytes
const SCRAM = `SCRAM-SHA-256$4096:c2FtcGxlc2FsdHNhbXBsZQ==$${KEY}:${KEY}`;
const MD5 = 'md545f2603610af569b6155c45067268c6b';

function format(version: string): UserlistFormat {
  const target = parseVersion(version);
  assert.ok(target, version);
  return userlistFormat(target);
}

function read(text: string, version = '1.25'): ParsedUserlist {
  return parseUserlist(text, format(version));
}

/** Findings as `line:col code` (1-based), sorted, for compact assertions. */
function lint(text: string, filePath = '/nowhere/userlist.txt', version = '1.25'): Finding[] {
  return lintUserlist(text, { filePath, targetVersion: version, runDirectory: '', crossCheck: false })
    .findings;
}

function codesAt(text: string, findings: Finding[]): string[] {
  const parsed = read(text);
  return findings
    .map((finding) => {
      const at = parsed.lineIndex.positionAt(finding.span.start);
      return `${at.line + 1}:${at.character + 1} ${finding.code}`;
    })
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function slice(text: string, span: { start: number; end: number }): string {
  return text.slice(span.start, span.end);
}

// --- the reader ------------------------------------------------------------------------------

test('reads "user" "secret" lines with exact ranges, "" escapes and ignored extra fields', () => {
  const text = '\n  "al""ice" "pa""ss" "valid until" 2030\n\t"bob"\t"x"\r\n';
  const parsed = read(text);
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.stoppedAt, null);
  const [alice, bob] = parsed.entries;
  assert.equal(alice.user.value, 'al"ice');
  assert.equal(alice.user.raw, 'al""ice');
  assert.equal(slice(text, alice.user.span), '"al""ice"');
  assert.equal(slice(text, alice.user.contentSpan), 'al""ice');
  assert.equal(alice.secret.value, 'pa"ss');
  assert.equal(slice(text, alice.secret.span), '"pa""ss"');
  assert.equal(alice.loaded, true);
  assert.equal(alice.skipped, undefined);
  assert.equal(bob.user.value, 'bob');
  assert.equal(bob.secret.value, 'x');
  assert.deepEqual(parsed.lineIndex.rangeOf(bob.secret.span), {
    start: { line: 2, character: 7 },
    end: { line: 2, character: 10 },
  });
});

test('; starts a comment where a line starts, from 1.6 on; # never does', () => {
  assert.deepEqual(read('; note\n  ;; indented\n"a" "b"\n').errors, []);
  assert.equal(read('; note\n  ;; indented\n"a" "b"\n').comments.length, 2);
  const old = read('; note\n"a" "b"\n', '1.5');
  assert.equal(old.errors[0].code, 'userlist-broken-line');
  assert.equal(old.entries[0].loaded, false);
  const hash = read('"a" "b"\n# note\n"c" "d"\n');
  assert.equal(hash.errors[0].code, 'userlist-broken-line');
  assert.match(hash.errors[0].message, /start with ';'/);
  assert.equal(hash.stoppedAt, hash.text.indexOf('#'));
  assert.deepEqual(
    hash.entries.map((e) => [e.user.value, e.loaded]),
    [
      ['a', true],
      ['c', false],
    ],
  );
});

test('the secret is the next quoted text, even on a later line; the rest of that line is skipped', () => {
  const text = '"orphan"\n"bob" "secret"\n"carol" "x"\n';
  const parsed = read(text);
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(
    parsed.entries.map((e) => [e.user.value, e.secret.value]),
    [
      ['orphan', 'bob'],
      ['carol', 'x'],
    ],
  );
  const skipped = read('"dave" = "pw"\n').entries[0].skipped;
  assert.ok(skipped);
  assert.equal(slice('"dave" = "pw"\n', skipped), '=');
});

test('a quote left open runs on to the next quote, possibly lines below', () => {
  const parsed = read('"alice "pw"\n"bob" "x"\n');
  // The user is 'alice ', the secret the text between the next two quotes.
  assert.equal(parsed.entries[0].user.value, 'alice ');
  assert.equal(parsed.entries[0].secret.value, '\n');
});

test('where PgBouncer stops: unquoted or single-quoted lines, open quotes, a missing secret', () => {
  const cases: [string, string, RegExp][] = [
    ['alice "x"\n', 'userlist-broken-line', /double quotes/],
    ["'alice' 'x'\n", 'userlist-broken-line', /not single quotes/],
    ['"alice\n', 'userlist-unterminated-quote', /user name has no closing quote/],
    ['"alice" "x\n', 'userlist-unterminated-quote', /secret of alice has no closing quote/],
    ['"a" "b"\n"alice"\n', 'userlist-missing-secret', /alice has no secret/],
    ['\uFEFF"a" "b"\n', 'userlist-broken-line', /byte order mark/],
  ];
  for (const [text, code, message] of cases) {
    const parsed = read(text);
    assert.equal(parsed.errors[0]?.code, code, JSON.stringify(text));
    assert.match(parsed.errors[0].message, message);
    assert.notEqual(parsed.stoppedAt, null);
  }
});

test('length limits count bytes as written, per release', () => {
  assert.deepEqual(
    ['1.0', '1.8', '1.11', '1.16', '1.17', '1.25', 'unreleased'].map((v) => [
      format(v).userBytes,
      format(v).secretBytes,
    ]),
    [
      [64, 64],
      [64, 128],
      [64, 160],
      [128, 996],
      [128, 2048],
      [128, 2048],
      [128, 65531],
    ],
  );
  assert.deepEqual(read(`"${'x'.repeat(127)}" "p"\n`).errors, []);
  assert.equal(read(`"${'x'.repeat(128)}" "p"\n`).errors[0].code, 'userlist-user-too-long');
  // An escaped quote takes two bytes, a non-ASCII letter two or more.
  assert.equal(read(`"${'x'.repeat(126)}""" "p"\n`).errors[0].code, 'userlist-user-too-long');
  assert.equal(read(`"${'é'.repeat(64)}" "p"\n`).errors[0].code, 'userlist-user-too-long');
  assert.deepEqual(read(`"u" "${'s'.repeat(2047)}"\n`).errors, []);
  assert.equal(read(`"u" "${'s'.repeat(2048)}"\n`).errors[0].code, 'userlist-secret-too-long');
  // A SCRAM secret (133 bytes) was too long for 1.10.
  assert.equal(read(`"u" "${SCRAM}"\n`, '1.10').errors[0].code, 'userlist-secret-too-long');
});

test('nothing after a NUL character is read', () => {
  const parsed = read('"a" "b"\n\0"c" "d"\n');
  assert.equal(parsed.nulOffset, 8);
  assert.deepEqual(
    parsed.entries.map((e) => e.user.value),
    ['a'],
  );
});

// --- secrets ---------------------------------------------------------------------------------

test('secret kinds as get_password_type sees them', () => {
  assert.equal(secretKind(MD5, true), 'md5');
  assert.equal(secretKind(SCRAM, true), 'scram');
  assert.equal(secretKind(SCRAM, false), 'plain');
  assert.equal(secretKind('hunter2', true), 'plain');
  assert.equal(secretKind(MD5.toUpperCase(), true), 'plain');
  assert.equal(secretKind('', true), 'plain');
});

test('base64 decoding follows pg_b64_decode', () => {
  assert.equal(base64DecodedLength(KEY), 32);
  assert.equal(base64DecodedLength('c2FsdA=='), 4);
  assert.equal(base64DecodedLength('c2FsdA='), -1, 'missing padding');
  assert.equal(base64DecodedLength('c2 FsdA=='), -1, 'whitespace');
  assert.equal(base64DecodedLength('c2F*dA=='), -1, 'not in the alphabet');
  assert.equal(base64DecodedLength('=AAA'), -1, '= too early');
  assert.equal(base64DecodedLength(''), 0);
});

test('SCRAM secrets: every part is checked, with the reason it is refused', () => {
  assert.deepEqual(readScramSecret(SCRAM), { ok: true, iterations: 4096 });
  const refused: [string, RegExp][] = [
    ['SCRAM-SHA-256$4096:abc', /form/],
    [SCRAM.replace('SCRAM-SHA-256', 'scram-sha-256'), /capitals/],
    [SCRAM.replace('SCRAM-SHA-256', 'SCRAM-SHA-1'), /scheme is 'SCRAM-SHA-1'/],
    [SCRAM.replace('4096', 'many'), /iteration count 'many'/],
    [SCRAM.replace('c2FtcGxlc2FsdHNhbXBsZQ==', 'c2F*'), /salt/],
    [SCRAM.replace(`$${KEY}:`, '$AAAA:'), /StoredKey is 3 bytes long/],
    [`${SCRAM.slice(0, -KEY.length)}AAA`, /ServerKey is not valid base64/],
  ];
  for (const [secret, reason] of refused) {
    const reading = readScramSecret(secret);
    assert.equal(reading.ok, false, secret);
    if (!reading.ok) assert.match(reading.reason, reason, secret);
  }
  // strtok skips delimiters before a token (only '$' can stand first), and strtol takes a sign and blanks.
  assert.equal(readScramSecret(`$$${SCRAM}`).ok, true);
  assert.equal(readScramSecret(SCRAM.replace('4096:', '4096::')).ok, false);
  assert.deepEqual(readScramSecret(SCRAM.replace('4096', ' -1')), { ok: true, iterations: -1 });
});

test('MD5 hashes that PgBouncer does not take for one', () => {
  assert.equal(md5Mistake(MD5), null);
  assert.equal(md5Mistake('hunter2'), null);
  assert.match(md5Mistake(MD5.toUpperCase().replace('MD5', 'md5')) ?? '', /lower case/);
  assert.match(md5Mistake(MD5.replace('md5', 'MD5')) ?? '', /start with 'md5'/);
  assert.match(md5Mistake(MD5.slice(0, -1)) ?? '', /31 hex digits/);
});

// --- findings --------------------------------------------------------------------------------

test('the mixed fixture: every problem found once, on its line', () => {
  const file = path.join(FIXTURES, 'mixed.txt');
  const text = fs.readFileSync(file, 'utf8');
  const findings = lint(text, file);
  assert.deepEqual(codesAt(text, findings), [
    '2:1 userlist-duplicate-user',
    '3:13 userlist-md5-secret',
    '4:10 userlist-plain-text-secret',
    '5:9 userlist-ignored-text',
    '5:11 userlist-malformed-md5-secret',
    '6:7 userlist-malformed-scram-secret',
    '7:12 userlist-empty-secret',
    '8:1 userlist-secret-on-next-line',
    '10:1 userlist-broken-line',
    '11:1 userlist-not-read',
  ]);
  const byCode = new Map(findings.map((f) => [f.code, f]));
  assert.equal(byCode.get('userlist-broken-line')!.severity, 'error');
  assert.match(
    byCode.get('userlist-broken-line')!.message,
    /stops reading the file here: the user below is not loaded/,
  );
  assert.deepEqual(byCode.get('userlist-not-read')!.tags, ['unnecessary']);
  assert.equal(byCode.get('userlist-not-read')!.severity, 'hint');
  const duplicate = byCode.get('userlist-duplicate-user')!;
  assert.match(duplicate.message, /app is listed again on line 6/);
  assert.equal(duplicate.related?.[0].file, file);
  assert.equal(byCode.get('userlist-plain-text-secret')!.severity, 'warning');
  assert.equal(byCode.get('userlist-md5-secret')!.severity, 'information');
  assert.match(byCode.get('userlist-malformed-scram-secret')!.message, /ServerKey is 3 bytes long/);
  assert.match(byCode.get('userlist-secret-on-next-line')!.message, /on line 9/);
});

test('a clean file with SCRAM secrets has no findings', () => {
  assert.deepEqual(lint(`; comment\n"app" "${SCRAM}"\n\n"ops" "${SCRAM}"\n`), []);
});

test('SCRAM secrets for a release without SCRAM, plain text without SCRAM to recommend', () => {
  const text = `"app" "${SCRAM.slice(0, 20)}"\n"b" "pw"\n`;
  const findings = lint(text, '/nowhere/userlist.txt', '1.10');
  assert.deepEqual(codesAt(text, findings), [
    '1:7 userlist-scram-unsupported',
    '2:5 userlist-plain-text-secret',
  ]);
  assert.match(findings[0].message, /arrived in 1\.11\.0/);
  assert.match(findings[1].message, /MD5 hash instead/);
});

test('severity overrides from the editor settings; off drops a finding', () => {
  const result = lintUserlist('"a" "pw"\n"b" "' + MD5 + '"\n', {
    filePath: '/nowhere/userlist.txt',
    targetVersion: '1.25',
    runDirectory: '',
    crossCheck: false,
    rules: { 'userlist-plain-text-secret': 'off', 'userlist-md5-secret': 'warning' },
  });
  assert.deepEqual(
    result.findings.map((f) => [f.code, f.severity]),
    [['userlist-md5-secret', 'warning']],
  );
});

test('severity overrides from the project file win over the editor settings, as for pgbouncer.ini', () => {
  const rc = '/etc/pgbouncer/.pgbouncerlintrc.json';
  const result = lintUserlist('"a" "pw"\n"b" "' + MD5 + '"\n"c" ""\n', {
    filePath: '/etc/pgbouncer/userlist.txt',
    targetVersion: '1.25',
    runDirectory: '',
    crossCheck: false,
    rules: { 'userlist-plain-text-secret': 'error', 'userlist-empty-secret': 'hint' },
    fileSystem: {
      readFile: (file) =>
        file === rc
          ? { text: '{ "rules": { "userlist-plain-text-secret": "off", "userlist-md5-secret": "warning" } }' }
          : { problem: { kind: 'missing' } },
      stat: (file) => (file === rc ? 'file' : null),
    },
  });
  assert.deepEqual(
    result.findings.map((f) => [f.code, f.severity]),
    [
      ['userlist-md5-secret', 'warning'],
      ['userlist-empty-secret', 'hint'],
    ],
  );
});

test('a duplicate after the point where PgBouncer stops is not a duplicate', () => {
  const text = '"a" "x"\n# stop\n"a" "y"\n';
  assert.ok(!lint(text).some((f) => f.code === 'userlist-duplicate-user'));
});

// --- the cross-check with pgbouncer.ini ------------------------------------------------------

test('cross-check: the users the pgbouncer.ini next to the file needs', () => {
  const file = path.join(FIXTURES, 'crosscheck', 'userlist.txt');
  const text = fs.readFileSync(file, 'utf8');
  const result = lintUserlist(text, { filePath: file, targetVersion: '1.25', runDirectory: '' });
  assert.equal(result.references.length, 1);
  assert.equal(result.references[0].authType, 'scram-sha-256');
  const findings = result.findings.filter(
    (f) => f.code.includes('expected-user') || f.code.includes('scram-auth'),
  );
  assert.deepEqual(
    findings.map((f) => [f.code, f.severity, f.message.split(':')[0]]),
    [
      [
        'userlist-md5-with-scram-auth',
        'warning',
        'pgbouncer.ini sets auth_type = scram-sha-256, and an MD5 hash cannot answer a SCRAM login',
      ],
      [
        'userlist-expected-user-missing',
        'warning',
        'admin_users in pgbouncer.ini names ops, but PgBouncer stops reading this file at line 3, before this line',
      ],
      [
        'userlist-expected-user-missing',
        'warning',
        'stats_users in pgbouncer.ini names ops, but PgBouncer stops reading this file at line 3, before this line',
      ],
      [
        'userlist-expected-user-missing',
        'information',
        'auth_user of database app in pgbouncer.ini names lookup, but this file has no line for lookup',
      ],
    ],
  );
  // 'pgbouncer' in admin_users can log in over the Unix socket without a line; auth_user is there.
  assert.ok(!findings.some((f) => /names (pgbouncer|pgbouncer_auth)\b/.test(f.message)));
  const ini = path.join(FIXTURES, 'crosscheck', 'pgbouncer.ini');
  const related = findings[1].related![0];
  assert.equal(related.file, ini);
  assert.equal(slice(fs.readFileSync(ini, 'utf8'), related.span), 'ops');
  assert.ok(result.lineIndexOf(ini), 'the related location can be turned into a range');
});

test('cross-check: the examples are consistent', () => {
  const file = path.join(ROOT, 'examples', 'userlist.txt');
  const result = lintUserlist(fs.readFileSync(file, 'utf8'), {
    filePath: file,
    targetVersion: '1.21',
    runDirectory: '',
  });
  assert.deepEqual(
    result.references.map((r) => path.basename(r.configPath)),
    ['pgbouncer-secure.ini'],
  );
  assert.deepEqual(result.findings, []);
});

/** A folder held in memory: one pgbouncer.ini next to userlist.txt. */
function memoryFolder(ini: string): Pick<Parameters<typeof lintUserlist>[1], 'fileSystem' | 'listFolder'> {
  const files = new Map([['/etc/pgbouncer/pgbouncer.ini', ini]]);
  return {
    fileSystem: {
      readFile: (file) => (files.has(file) ? { text: files.get(file)! } : { problem: { kind: 'missing' } }),
      stat: (file) => (files.has(file) ? 'file' : null),
    },
    listFolder: (folder) =>
      folder === '/etc/pgbouncer' ? ['pgbouncer.ini', 'userlist.txt', 'other.ini'] : [],
  };
}

function crossCheck(ini: string, userlist: string): Finding[] {
  return lintUserlist(userlist, {
    filePath: '/etc/pgbouncer/userlist.txt',
    targetVersion: '1.25',
    runDirectory: '',
    ...memoryFolder(ini),
  }).findings.filter((f) => f.code === 'userlist-expected-user-missing');
}

test('cross-check: severity follows auth_type; any, pam and ldap need no lines', () => {
  const userlist = `"someone" "${SCRAM}"\n`;
  const severities = (authType: string): string[] =>
    crossCheck(
      `[pgbouncer]\nauth_type = ${authType}\nauth_file = userlist.txt\nadmin_users = ops\n`,
      userlist,
    ).map((f) => f.severity);
  assert.deepEqual(severities('md5'), ['warning']);
  assert.deepEqual(severities('trust'), ['warning']);
  assert.deepEqual(severities('hba'), ['information']);
  assert.deepEqual(severities('any'), []);
  assert.deepEqual(severities('pam'), []);
  // The default auth_type is md5.
  assert.deepEqual(
    crossCheck('[pgbouncer]\nauth_file = /etc/pgbouncer/userlist.txt\nstats_users = a,b c\n', userlist).map(
      (f) => f.message.split(',')[0],
    ),
    [
      'stats_users in pgbouncer.ini names a',
      'stats_users in pgbouncer.ini names b',
      'stats_users in pgbouncer.ini names c',
    ],
  );
});

test('cross-check: only a configuration whose auth_file is this file counts', () => {
  const userlist = `"someone" "${SCRAM}"\n`;
  assert.deepEqual(crossCheck('[pgbouncer]\nauth_file = other.txt\nadmin_users = ops\n', userlist), []);
  assert.deepEqual(crossCheck('[pgbouncer]\nadmin_users = ops\n', userlist), []);
  assert.equal(
    crossCheck('[pgbouncer]\nauth_file = ./userlist.txt\nadmin_users = ops\n', userlist).length,
    1,
  );
});

test('cross-check: the release of the configuration decides how the file is read', () => {
  const result = lintUserlist('; comment\n"a" "b"\n', {
    filePath: '/etc/pgbouncer/userlist.txt',
    targetVersion: '1.25',
    runDirectory: '',
    ...memoryFolder('[pgbouncer]\nauth_file = userlist.txt\n'),
  });
  assert.equal(result.target.label, '1.25');
  const old = lintUserlist('; comment\n"a" "b"\n', {
    filePath: '/etc/pgbouncer/userlist.txt',
    targetVersion: '1.5',
    runDirectory: '',
    ...memoryFolder('[pgbouncer]\nauth_file = userlist.txt\n'),
  });
  assert.equal(old.findings[0].code, 'userlist-broken-line');
});

// --- the real PgBouncer ----------------------------------------------------------------------

let binary: string | null = null;
try {
  binary = findPgBouncer();
} catch (error) {
  if (process.env.CI) throw error;
}

/** What PgBouncer logs when load_auth_file stops, by the code of our first error. */
const STOP_LOG: Record<string, string> = {
  'userlist-broken-line': 'ERROR broken auth file',
  'userlist-unterminated-quote': 'ERROR broken auth file',
  'userlist-missing-secret': 'ERROR broken auth file',
  'userlist-user-too-long': 'ERROR username too long in auth file',
  'userlist-secret-too-long': 'ERROR password too long in auth file',
};

test(
  'the real PgBouncer stops reading exactly where the reader says, and for the same reason',
  { skip: binary ? false : 'the pgbouncer binary is not installed' },
  async () => {
    const cases = [
      `; comment\n\n  ;; indented comment\n"a" "${MD5}"\n"b" "${SCRAM}" extra fields\r\n"c""d" "x""y"\n`,
      '"a" "b"\n# hash\n"c" "d"\n',
      'alice "x"\n',
      "'alice' 'x'\n",
      '"a" "b"\n"alice\n',
      '"a" "b"\n"alice" "x\n',
      '"a" "b"\n"alice"\n',
      '"orphan"\n"bob" "secret"\n',
      '"dave" = "pw"\n',
      `"${'x'.repeat(127)}" "p"\n`,
      `"${'x'.repeat(126)}""" "p"\n`,
      `"${'é'.repeat(64)}" "p"\n`,
      `"u" "${'s'.repeat(2047)}"\n`,
      `"u" "${'s'.repeat(2048)}"\n`,
      '\uFEFF"a" "b"\n',
      '"a" "b"\n\0garbage\n',
    ];
    const version = /PgBouncer (\d+\.\d+)/.exec(pgBouncerVersion())?.[1] ?? '1.18';
    const config =
      '[databases]\n* = host=127.0.0.1\n[pgbouncer]\nauth_type = md5\nauth_file = userlist.txt\n';
    for (const text of cases) {
      const parsed = read(text, version);
      const expected = parsed.errors[0] ? [STOP_LOG[parsed.errors[0].code]] : [];
      const answer = await askPgBouncer(config, { extraFiles: { 'userlist.txt': text } });
      const logged = answer.log.filter((line) => /auth file/.test(line));
      assert.deepEqual(logged, expected, JSON.stringify(text.slice(0, 80)));
    }
  },
);
