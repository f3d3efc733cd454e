// Hover at many positions, as plain function calls: keys, values, section headers,
// connection-string parameters, %include, and the audit advice of the line.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText } from '../../server/src/analysis/engine';
import { hover } from '../../server/src/features/hover';
import { DEFAULT_SETTINGS } from '../../server/src/settings';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'completion');
const MAIN = path.join(FIXTURES, 'pgbouncer.ini');
const MAIN_TEXT = fs.readFileSync(MAIN, 'utf8');

function hoverAt(
  text: string,
  at: number,
  target = '1.25',
  filePath = '/nonexistent/pgbouncer.ini',
): Hover | null {
  const analysis = lintText(text, { filePath, targetVersion: target, useProjectFile: false });
  const document = TextDocument.create(`file://${filePath}`, 'pgbouncer-ini', 1, text);
  return hover(
    document,
    analysis,
    { textDocument: { uri: document.uri }, position: document.positionAt(at) },
    DEFAULT_SETTINGS,
  );
}

/** Markdown of the hover where '|' marks the cursor, or null. */
function md(marked: string, target = '1.25'): string | null {
  const at = marked.indexOf('|');
  const h = hoverAt(marked.slice(0, at) + marked.slice(at + 1), at, target);
  return h ? (h.contents as MarkupContent).value : null;
}

/** Hover in the fixture, `delta` characters into `needle`. */
function inFixture(needle: string, delta = 0, target = '1.25'): Hover | null {
  const at = MAIN_TEXT.indexOf(needle);
  assert.ok(at >= 0, `fixture contains ${needle}`);
  return hoverAt(MAIN_TEXT, at + delta, target, MAIN);
}

function fixtureMd(needle: string, delta = 0, target = '1.25'): string {
  const h = inFixture(needle, delta, target);
  assert.ok(h, `a hover at ${needle}+${delta}`);
  return (h.contents as MarkupContent).value;
}

describe('hover: keys', () => {
  test('a [pgbouncer] key: description, type, default, values with descriptions, reload, link', () => {
    const text = fixtureMd('pool_mode = transaction', 2);
    assert.match(text, /^\*\*pool_mode\*\* · `\[pgbouncer\]` setting/);
    assert.match(text, /Decides when a server connection goes back to the pool/);
    assert.match(text, /Default in PgBouncer 1\.25: `session`/);
    assert.match(text, /- `statement`: The server connection returns to the pool after every statement/);
    assert.match(text, /a RELOAD \(or SIGHUP\) applies a change/);
    assert.match(
      text,
      /\[PgBouncer documentation\]\(https:\/\/www\.pgbouncer\.org\/config\.html#pool_mode\)/,
    );
  });

  test('the range is the key', () => {
    const h = inFixture('listen_port = 6432', 3);
    const line = MAIN_TEXT.slice(0, MAIN_TEXT.indexOf('listen_port = 6432')).split('\n').length - 1;
    assert.deepEqual(h?.range, { start: { line, character: 0 }, end: { line, character: 11 } });
  });

  test('a setting that needs a restart, with a unit and a range', () => {
    const text = md('[pgbouncer]\nlisten_p|ort = 6432\n') ?? '';
    assert.match(text, /needs a restart of PgBouncer/);
    assert.match(text, /Range: 1 to 65535/);
    assert.match(text, /Default over time: `6000` from 1\.0, `6432` from 1\.3/);
  });

  test('the default of the target version, the history and the reload history', () => {
    const old = md('[pgbouncer]\nserver_tls_ss|lmode = prefer\n', '1.18') ?? '';
    assert.match(old, /Default in PgBouncer 1\.18: `disable`/);
    assert.match(
      old,
      /Default over time: `disabled` from 1\.7, `disable` from 1\.7\.1, `prefer` from 1\.20\.0/,
    );
    assert.match(old, /Recommended: `verify-full`/);
    assert.match(old, /restart from 1\.7, RELOAD from 1\.16\.0/);
    assert.match(old, /`disabled`: .*removed in 1\.7\.1, use `disable`/);
  });

  test('a setting newer than the target, a deprecated one, and what 0 means', () => {
    assert.match(
      md('[pgbouncer]\nmax_prepared|_statements = 100\n', '1.18') ?? '',
      /\*\*Not in PgBouncer 1\.18\*\*: added in 1\.21\.0/,
    );
    assert.match(md('[pgbouncer]\njob_n|ame = x\n') ?? '', /\*\*Deprecated\*\* since 1\.0/);
    assert.match(md('[pgbouncer]\nquery_|timeout = 5\n') ?? '', /0 means: no limit/);
  });

  test('a key overridden later in the file is marked as not in effect', () => {
    const text = md('[pgbouncer]\nlisten_p|ort = 1\nlisten_port = 2\n') ?? '';
    assert.match(text, /\*\*Not in effect\*\*: PgBouncer uses the value set again on line 3/);
    assert.doesNotMatch(md('[pgbouncer]\nlisten_port = 1\nlisten_p|ort = 2\n') ?? '', /Not in effect/);
    assert.match(
      md('[pgbouncer]\nlisten_p|ort = 1\n[pgbouncer]\n') ?? '',
      /a later `\[pgbouncer\]` header resets it/,
    );
  });

  test('an unknown key says so', () => {
    assert.match(md('[pgbouncer]\nlisten_p|rt = 1\n') ?? '', /`listen_prt` is not a `\[pgbouncer\]` setting/);
  });

  test('audit advice of the line: the rule message and its link', () => {
    const text = fixtureMd('client_idle_timeout = 0', 3);
    assert.match(text, /\*\*Audit\*\* \(warning\): client_idle_timeout is 0/);
    assert.match(
      text,
      /\[More about `client-idle-timeout-disabled`\]\(https:\/\/www\.pgbouncer\.org\/config\.html#client_idle_timeout\)/,
    );
    assert.doesNotMatch(fixtureMd('listen_port = 6432', 3), /Audit/);
  });
});

describe('hover: values', () => {
  test('a time in seconds is read in minutes', () => {
    const text = fixtureMd('server_idle_timeout = 900', 'server_idle_timeout = '.length + 1);
    assert.match(text, /\*\*server_idle_timeout\*\* = `900`/);
    assert.match(text, /900 seconds = \*\*15 min\*\*/);
    assert.match(fixtureMd('server_check_delay = 0.5', 'server_check_delay = '.length), /\*\*500 ms\*\*/);
  });

  test('a leading zero is octal', () => {
    assert.match(
      fixtureMd('max_client_conn = 0100', 'max_client_conn = '.length),
      /as \*\*octal\*\*: the value is 64/,
    );
    assert.match(
      fixtureMd('unix_socket_mode = 0777', 'unix_socket_mode = '.length),
      /permissions \*\*rwxrwxrwx\*\*/,
    );
  });

  test('zero explains itself; the default is named', () => {
    const text = fixtureMd('client_idle_timeout = 0', 'client_idle_timeout = '.length);
    assert.match(text, /0 means: idle clients are never disconnected/);
    assert.match(text, /This is the default/);
  });

  test('enum values and booleans', () => {
    assert.match(
      fixtureMd('pool_mode = transaction', 'pool_mode = '.length + 2),
      /`transaction`: The server connection returns to the pool when each transaction ends/,
    );
    assert.match(
      fixtureMd('so_reuseport = 2', 'so_reuseport = '.length),
      /\*\*on\*\*: any number other than 0 counts as on/,
    );
    assert.match(md('[pgbouncer]\nlog_stats = |0\n') ?? '', /\*\*off\*\*/);
    assert.match(
      md('[pgbouncer]\nauth_type = |ldap\n', '1.21') ?? '',
      /PgBouncer 1\.21 does not accept it yet/,
    );
  });

  test('a path is resolved against the run directory and checked', () => {
    const text = fixtureMd('auth_file = certs/userlist.txt', 'auth_file = '.length);
    assert.match(
      text,
      new RegExp(
        `Resolves to \`${path.join(FIXTURES, 'certs', 'userlist.txt').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``,
      ),
    );
    assert.match(text, /The file exists/);
    assert.match(md('[pgbouncer]\nauth_file = /no/such/|file\n') ?? '', /does not exist on this machine/);
  });

  test('a database name is checked against [databases]', () => {
    assert.match(
      fixtureMd('auth_dbname = app', 'auth_dbname = '.length),
      /Database `app` is defined in \[databases\]/,
    );
  });

  test('a text value without more to say shows the setting', () => {
    assert.match(
      fixtureMd('listen_addr = 127.0.0.1', 'listen_addr = '.length),
      /\*\*listen_addr\*\* · `\[pgbouncer\]` setting/,
    );
  });
});

describe('hover: sections, connection strings and %include', () => {
  test('a section header gives the section description', () => {
    assert.match(fixtureMd('[peers]', 2), /\*\*\[peers\]\*\* section[\s\S]*peer_id/);
    assert.match(
      md('[pgbouncer]\nlisten_port = 1\n[pgb|ouncer]\n') ?? '',
      /not the first `\[pgbouncer\]` header/,
    );
    assert.match(md('[fo|o]\n') ?? '', /`\[foo\]` is not a section PgBouncer knows/);
  });

  test('a header where audit rules anchor what is missing shows their advice', () => {
    assert.match(md('[pgb|ouncer]\nlisten_port = 6432\n') ?? '', /\*\*Audit\*\*/);
  });

  test('a connection-string parameter name is described like a setting', () => {
    const text = fixtureMd('pool_mode=transaction', 2);
    assert.match(text, /\*\*pool_mode\*\* · `\[databases\]` parameter/);
    assert.match(text, /- `session`: /);
  });

  test('connection-string values: enums, decimal numbers, inherited defaults, database names', () => {
    assert.match(fixtureMd('pool_mode=transaction', 'pool_mode='.length), /`transaction`: /);
    assert.match(
      fixtureMd('port=05432', 'port='.length),
      /Read as decimal 5432: connection strings have no octal numbers/,
    );
    assert.match(
      fixtureMd('pool_size=-1', 'pool_size='.length),
      /A negative value means: uses default_pool_size/,
    );
    assert.match(fixtureMd('auth_dbname=app', 'auth_dbname='.length), /Database `app` is defined/);
    assert.match(
      fixtureMd('max_user_connections=5', 2),
      /\*\*max_user_connections\*\* · `\[users\]` parameter/,
    );
  });

  test('database, user and peer names', () => {
    assert.match(fixtureMd('app = host=db.internal', 1), /\*\*Database `app`\*\*/);
    assert.match(fixtureMd('* = host=fallback.internal', 0), /\*\*Fallback database `\*`\*\*/);
    assert.match(fixtureMd('batch = pool_mode=session', 1), /\*\*User `batch`\*\*/);
    assert.match(fixtureMd('1 = host=/var/run', 0), /\*\*Peer `1`\*\*/);
  });

  test('audit advice on a parameter shows where it applies, and on the entry name', () => {
    const onPassword = fixtureMd('password=hunter2', 2);
    assert.match(onPassword, /\*\*Audit\*\*.*password/);
    assert.match(fixtureMd('secret = host', 1), /\*\*Audit\*\*/);
    assert.doesNotMatch(fixtureMd('host=db.internal password', 1), /Audit/);
  });

  test('%include: the resolved path and whether it exists', () => {
    const text = fixtureMd('%include conf/extra.ini', '%include '.length + 2);
    assert.match(
      text,
      new RegExp(
        `Resolves to \`${path.join(FIXTURES, 'conf', 'extra.ini').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``,
      ),
    );
    assert.match(text, /The file exists and is read here/);
    assert.match(fixtureMd('%include conf/extra.ini', 2), /reads another file at this point/);
    assert.match(
      md('[pgbouncer]\n%include /no/such/fi|le.ini\n') ?? '',
      /cannot be read: No such file or directory/,
    );
  });

  test('nothing on comments, blank lines and past the end of a line', () => {
    assert.equal(md(';; a com|ment\n[pgbouncer]\n'), null);
    assert.equal(md('[pgbouncer]\n|\nlisten_port = 1\n'), null);
    assert.equal(md('|'), null);
  });
});

test('angle brackets in descriptions survive Markdown rendering', () => {
  const text = md('[pgbouncer]\nlisten_p|ort = 6432\n');
  assert.ok(text);
  assert.doesNotMatch(text, /<[a-z]+>/, 'a raw <word> would be read as an HTML tag and vanish');
});
