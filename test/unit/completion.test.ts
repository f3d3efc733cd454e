// Completion at many positions, as plain function calls: section names, keys, values,
// connection-string parameters, database names and paths, for the target version.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { CompletionItemTag, InsertTextFormat } from 'vscode-languageserver';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lintText } from '../../server/src/analysis/engine';
import { completion } from '../../server/src/features/completion';
import { DEFAULT_SETTINGS } from '../../server/src/settings';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'completion');
const MAIN = path.join(FIXTURES, 'pgbouncer.ini');
const MAIN_TEXT = fs.readFileSync(MAIN, 'utf8');

interface Options {
  target?: string;
  trigger?: string;
  filePath?: string;
}

/** Completion at the offset `at` of `text`. */
function completeAt(text: string, at: number, options: Options = {}): CompletionList {
  const filePath = options.filePath ?? '/nonexistent/pgbouncer.ini';
  const analysis = lintText(text, {
    filePath,
    targetVersion: options.target ?? '1.25',
    useProjectFile: false,
  });
  const document = TextDocument.create(`file://${filePath}`, 'pgbouncer-ini', 1, text);
  return completion(
    document,
    analysis,
    {
      textDocument: { uri: document.uri },
      position: document.positionAt(at),
      context: options.trigger ? { triggerKind: 2, triggerCharacter: options.trigger } : { triggerKind: 1 },
    },
    DEFAULT_SETTINGS,
  );
}

/** Completion where '|' marks the cursor in `marked`. */
function complete(marked: string, options: Options = {}): CompletionList {
  const at = marked.indexOf('|');
  assert.ok(at >= 0, 'the text marks the cursor with |');
  return completeAt(marked.slice(0, at) + marked.slice(at + 1), at, options);
}

/** Completion in the fixture, `delta` characters after the start of `needle`. */
function completeInFixture(needle: string, delta: number, options: Options = {}): CompletionList {
  const at = MAIN_TEXT.indexOf(needle);
  assert.ok(at >= 0, `fixture contains ${needle}`);
  return completeAt(MAIN_TEXT, at + delta, { filePath: MAIN, ...options });
}

/** Completion on a new empty line inserted in the fixture after the line holding `needle`. */
function completeOnNewLineAfter(needle: string, options: Options = {}): CompletionList {
  const lineEnd = MAIN_TEXT.indexOf('\n', MAIN_TEXT.indexOf(needle));
  const text = `${MAIN_TEXT.slice(0, lineEnd + 1)}\n${MAIN_TEXT.slice(lineEnd + 1)}`;
  return completeAt(text, lineEnd + 1, { filePath: MAIN, ...options });
}

const labels = (list: CompletionList): string[] => list.items.map((item) => item.label);
const byLabel = (list: CompletionList, label: string): CompletionItem => {
  const item = list.items.find((i) => i.label === label);
  assert.ok(item, `${label} is offered among ${labels(list).slice(0, 20).join(', ')}…`);
  return item;
};
const newText = (item: CompletionItem): string => (item.textEdit as TextEdit).newText;
const docs = (item: CompletionItem): string =>
  typeof item.documentation === 'string' ? item.documentation : (item.documentation?.value ?? '');

describe('completion: keys of [pgbouncer]', () => {
  test('an empty line offers the settings not yet set in the block, as snippets with their default', () => {
    const list = completeOnNewLineAfter('job_name = pgbouncer');
    const names = labels(list);
    for (const set of ['listen_port', 'auth_type', 'pool_mode', 'client_idle_timeout']) {
      assert.ok(!names.includes(set), `${set} is already set`);
    }
    assert.ok(!names.includes('stats_period'), 'set in the included file, in the same block');
    const pool = byLabel(list, 'default_pool_size');
    assert.equal(newText(pool), 'default_pool_size = ${1:20}');
    assert.equal(pool.insertTextFormat, InsertTextFormat.Snippet);
    assert.match(docs(pool), /Default in PgBouncer 1\.25: `20`/);
    assert.match(docs(pool), /RELOAD/);
    assert.match(docs(pool), /https:\/\/www\.pgbouncer\.org\/config\.html#default_pool_size/);
  });

  test('enums and booleans insert a choice, the recommended value first', () => {
    const list = completeOnNewLineAfter('job_name = pgbouncer');
    assert.equal(
      newText(byLabel(list, 'server_tls_sslmode')),
      'server_tls_sslmode = ${1|verify-full,disable,allow,prefer,require,verify-ca|}',
    );
    assert.equal(newText(byLabel(list, 'log_stats')), 'log_stats = ${1|1,0|}');
    assert.equal(newText(byLabel(list, 'max_prepared_statements')), 'max_prepared_statements = ${1:200}');
    // A '$' in a default is escaped so that the snippet inserts it literally.
    assert.match(newText(byLabel(list, 'auth_query')), /rolname=\\\$1/);
  });

  test('the documentation says when a restart is needed and gives the unit', () => {
    const list = completeOnNewLineAfter('job_name = pgbouncer');
    const item = byLabel(list, 'pkt_buf');
    assert.match(docs(item), /needs a restart/);
    assert.match(docs(item), /Unit: bytes/);
    assert.match(item.detail ?? '', /default 4096/);
  });

  test('deprecated settings are sorted last and tagged; platform-only settings are left out', () => {
    const text = '[pgbouncer]\n|\n';
    const list = complete(text);
    const job = byLabel(list, 'job_name');
    assert.deepEqual(job.tags, [CompletionItemTag.Deprecated]);
    const normal = byLabel(list, 'listen_port');
    assert.ok((job.sortText ?? '') > (normal.sortText ?? ''), 'deprecated after the others');
    assert.ok(!labels(list).includes('service_name'));
  });

  test('settings newer than the target version are not offered', () => {
    const newer = labels(complete('[pgbouncer]\n|\n', { target: '1.18' }));
    assert.ok(!newer.includes('max_prepared_statements'));
    assert.ok(newer.includes('listen_port'));
    assert.ok(labels(complete('[pgbouncer]\n|\n', { target: '1.21' })).includes('max_prepared_statements'));
  });

  test('a new line also offers section headers and %include, after the keys', () => {
    const list = complete('[pgbouncer]\n|\n');
    const header = byLabel(list, '[databases]');
    assert.equal(newText(header), '[databases]');
    assert.equal(newText(byLabel(list, '%include')), '%include ${1:file.ini}');
    assert.ok((header.sortText ?? '') > (byLabel(list, 'listen_port').sortText ?? ''));
  });

  test('on the key of an existing entry only the name is replaced, and its own key is offered', () => {
    const list = complete('[pgbouncer]\nlisten_po|rt = 6432\n');
    const item = byLabel(list, 'listen_port');
    assert.equal(newText(item), 'listen_port');
    assert.equal(item.insertTextFormat, undefined);
    assert.deepEqual(item.textEdit && 'range' in item.textEdit ? item.textEdit.range : null, {
      start: { line: 1, character: 0 },
      end: { line: 1, character: 11 },
    });
    assert.ok(!labels(list).includes('[databases]'), 'no headers inside an entry');
  });

  test('a second [pgbouncer] header resets the block: keys of the first one are offered again', () => {
    const names = labels(complete('[pgbouncer]\nlisten_port = 1\n[databases]\n[pgbouncer]\n|\n'));
    assert.ok(names.includes('listen_port'));
    const same = labels(
      complete('[pgbouncer]\nlisten_port = 1\n[databases]\na = host=x\n[pgbouncer]\nlisten_addr = *\n|'),
    );
    assert.ok(same.includes('listen_port'));
    assert.ok(!same.includes('listen_addr'));
  });

  test('a key typed right after a header on the same line', () => {
    const list = complete('[pgbouncer] listen_p|\n');
    assert.equal(newText(byLabel(list, 'listen_port')), 'listen_port = ${1:6432}');
    const edit = byLabel(list, 'listen_port').textEdit as TextEdit;
    assert.deepEqual(edit.range, { start: { line: 0, character: 12 }, end: { line: 0, character: 20 } });
  });

  test('a broken line: the name alone is offered, the rest of the line is kept', () => {
    const list = complete('[pgbouncer]\nlisten_po|rt: 6432\n');
    assert.equal(newText(byLabel(list, 'listen_port')), 'listen_port');
  });

  test('a key being typed without = yet gets the whole snippet', () => {
    const list = complete('[pgbouncer]\nlisten_po|\n');
    assert.equal(newText(byLabel(list, 'listen_port')), 'listen_port = ${1:6432}');
  });

  test('CRLF line ends, and the blanks before the text of a line', () => {
    const list = complete('[pgbouncer]\r\nlisten_po|\r\npool_mode = session\r\n');
    assert.equal(newText(byLabel(list, 'listen_port')), 'listen_port = ${1:6432}');
    assert.ok(!labels(list).includes('pool_mode'));
    assert.equal(complete('[pgbouncer]\n|  listen_port = 1\n').items.length, 0);
  });

  test('before any section only headers and %include are offered', () => {
    assert.deepEqual(labels(complete('|')), ['[pgbouncer]', '[databases]', '[users]', '[peers]', '%include']);
  });

  test('[databases] keys are database names: nothing but headers is offered', () => {
    const list = completeOnNewLineAfter('* = host=fallback.internal');
    assert.ok(labels(list).every((label) => label.startsWith('[') || label === '%include'));
  });

  test('the section carried out of an %include decides what follows it', () => {
    const file = path.join(FIXTURES, 'switch.ini');
    const text = fs.readFileSync(file, 'utf8');
    const at = text.indexOf('%include conf/to-databases.ini\n') + '%include conf/to-databases.ini\n'.length;
    const list = completeAt(text, at, { filePath: file });
    assert.ok(!labels(list).includes('listen_addr'), 'the included file switched to [databases]');
  });

  test('trigger characters do not open key completion', () => {
    assert.equal(complete('[pgbouncer]\n |\n', { trigger: ' ' }).items.length, 0);
    assert.equal(complete('[pgbouncer]\nlisten_port =|\n', { trigger: '[' }).items.length, 0);
  });

  test('comments get nothing', () => {
    assert.equal(complete('[pgbouncer]\n; listen_|\n').items.length, 0);
  });
});

describe('completion: section names', () => {
  test('after [ every section of the target version, closing the bracket', () => {
    const list = complete('[|', { trigger: '[' });
    assert.deepEqual(labels(list), ['pgbouncer', 'databases', 'users', 'peers']);
    assert.equal(newText(byLabel(list, 'users')), 'users]');
    assert.match(docs(byLabel(list, 'peers')), /peer_id/);
    assert.deepEqual(labels(complete('[|', { target: '1.5' })), ['pgbouncer', 'databases']);
  });

  test('inside an existing header the name is replaced and the bracket kept', () => {
    const list = complete('[pgbouncer]\n[data|bases]\n');
    const item = byLabel(list, 'databases');
    assert.equal(newText(item), 'databases');
    assert.deepEqual((item.textEdit as TextEdit).range, {
      start: { line: 1, character: 1 },
      end: { line: 1, character: 10 },
    });
  });

  test('a second [pgbouncer] is offered last, with a warning', () => {
    const list = complete('[pgbouncer]\nlisten_port = 1\n[|');
    const item = byLabel(list, 'pgbouncer');
    assert.match(item.detail ?? '', /resets/);
    const sorted = [...list.items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''));
    assert.equal(sorted.at(-1)?.label, 'pgbouncer');
    assert.doesNotMatch(byLabel(complete('[|'), 'pgbouncer').detail ?? '', /resets/);
  });
});

describe('completion: values of [pgbouncer] settings', () => {
  test('enum values of the target version, with their description; a blank after =', () => {
    const list = complete('[pgbouncer]\npool_mode =|\n', { trigger: '=' });
    assert.deepEqual(labels(list), ['session', 'transaction', 'statement']);
    assert.equal(newText(byLabel(list, 'session')), ' session');
    assert.match(docs(byLabel(list, 'transaction')), /transaction ends/);
    assert.equal(byLabel(list, 'session').detail, 'default');
  });

  test('a value being typed is replaced as a whole', () => {
    const list = complete('[pgbouncer]\npool_mode = tr|ans\n');
    const item = byLabel(list, 'transaction');
    assert.equal(newText(item), 'transaction');
    assert.deepEqual((item.textEdit as TextEdit).range, {
      start: { line: 1, character: 12 },
      end: { line: 1, character: 17 },
    });
  });

  test('values added later or removed are not offered; the recommended one is preselected', () => {
    assert.ok(!labels(complete('[pgbouncer]\nauth_type = |\n', { target: '1.18' })).includes('ldap'));
    const list = complete('[pgbouncer]\nauth_type = |\n', { target: '1.25' });
    assert.ok(labels(list).includes('ldap'));
    assert.ok(!labels(list).includes('crypt'), 'removed in 1.7');
    assert.equal(byLabel(list, 'scram-sha-256').preselect, true);
    assert.ok(!labels(complete('[pgbouncer]\nclient_tls_sslmode = |\n')).includes('disabled'));
  });

  test('booleans offer 0 and 1', () => {
    const list = complete('[pgbouncer]\nso_reuseport = |\n');
    assert.deepEqual(labels(list), ['0', '1']);
    assert.match(byLabel(list, '1').detail ?? '', /on/);
    assert.match(byLabel(list, '0').detail ?? '', /off, default/);
  });

  test('a setting with a recommended value offers it, and its default', () => {
    const list = complete('[pgbouncer]\nmax_prepared_statements = |\n');
    assert.deepEqual(labels(list), ['200']);
    assert.equal(byLabel(list, '200').preselect, true);
    assert.match(byLabel(list, '200').detail ?? '', /recommended, default/);
    const older = complete('[pgbouncer]\nmax_prepared_statements = |\n', { target: '1.21' });
    assert.deepEqual(labels(older), ['200', '0']);
    const wait = complete('[pgbouncer]\nquery_wait_timeout = |\n');
    assert.match(docs(byLabel(wait, '120')), /2 min/);
  });

  test('auth_dbname offers the databases of [databases], without the fallback', () => {
    const list = completeInFixture('auth_dbname = app', 'auth_dbname = '.length);
    assert.deepEqual(labels(list), ['app', 'reporting', 'secret']);
  });

  test('typing a space inside a value does not pop up values', () => {
    assert.equal(complete('[pgbouncer]\nserver_reset_query = DISCARD |\n', { trigger: ' ' }).items.length, 0);
  });

  test('unknown keys get no values', () => {
    assert.equal(complete('[pgbouncer]\nno_such_setting = |\n').items.length, 0);
  });
});

describe('completion: connection strings', () => {
  test('parameters of [databases] after a space, without the ones already given', () => {
    const text = '[databases]\napp = host=x port=5432 |\n';
    const list = complete(text, { trigger: ' ' });
    const names = labels(list);
    assert.ok(!names.includes('host') && !names.includes('port'));
    assert.ok(names.includes('pool_mode') && names.includes('dbname'));
    assert.equal(newText(byLabel(list, 'pool_mode')), 'pool_mode=${1|session,transaction,statement|}');
    assert.equal(newText(byLabel(list, 'pool_size')), 'pool_size=$1', 'an "inherit" default is not inserted');
    assert.equal(
      newText(byLabel(list, 'load_balance_hosts')),
      'load_balance_hosts=${1|round-robin,disable|}',
    );
    assert.deepEqual(byLabel(list, 'reserve_pool').tags, [CompletionItemTag.Deprecated]);
  });

  test('at the start of the value, and on a parameter being typed', () => {
    const list = complete('[databases]\napp = |\n');
    assert.equal(newText(byLabel(list, 'host')), 'host=$1');
    assert.equal(newText(byLabel(list, 'port')), 'port=${1:5432}');
    const typing = complete('[databases]\napp = host=x po|\n');
    const item = byLabel(typing, 'port');
    assert.deepEqual((item.textEdit as TextEdit).range, {
      start: { line: 1, character: 13 },
      end: { line: 1, character: 15 },
    });
  });

  test('renaming a parameter keeps its value', () => {
    const list = complete('[databases]\napp = host=x pool_mo|de=session\n');
    assert.equal(newText(byLabel(list, 'pool_mode')), 'pool_mode');
  });

  test('parameters follow the target version', () => {
    assert.ok(!labels(complete('[databases]\napp = |\n', { target: '1.21' })).includes('load_balance_hosts'));
    assert.equal(complete('[databases]\napp = load_balance_hosts=|\n', { target: '1.21' }).items.length, 0);
  });

  test('values after param=: pool_mode and load_balance_hosts; host and dbname offer nothing', () => {
    assert.deepEqual(labels(complete('[databases]\napp = host=x pool_mode=|\n', { trigger: '=' })), [
      'session',
      'transaction',
      'statement',
    ]);
    assert.deepEqual(labels(complete('[databases]\napp = load_balance_hosts=r|\n')), [
      'disable',
      'round-robin',
    ]);
    assert.equal(complete('[databases]\napp = host=|\n', { trigger: '=' }).items.length, 0);
    assert.equal(complete('[databases]\napp = host=x dbname=|\n', { trigger: '=' }).items.length, 0);
  });

  test('auth_dbname= offers database names', () => {
    const list = completeInFixture('auth_dbname=app', 'auth_dbname='.length);
    assert.deepEqual(labels(list), ['app', 'reporting', 'secret']);
    const edit = byLabel(list, 'app').textEdit as TextEdit;
    const line = MAIN_TEXT.slice(0, MAIN_TEXT.indexOf('auth_dbname=app')).split('\n').length - 1;
    const column = MAIN_TEXT.split('\n')[line].indexOf('auth_dbname=app') + 'auth_dbname='.length;
    assert.deepEqual(edit.range, {
      start: { line, character: column },
      end: { line, character: column + 3 },
    });
  });

  test('[users] and [peers] have their own parameters', () => {
    const users = labels(complete('[users]\nbob = pool_mode=session |\n', { trigger: ' ' }));
    assert.ok(users.includes('max_user_connections'));
    assert.ok(!users.includes('host'));
    const peers = labels(complete('[peers]\n1 = |\n'));
    assert.deepEqual(peers.sort(), ['host', 'pool_size', 'port']);
    assert.equal(newText(byLabel(complete('[peers]\n1 = |\n'), 'port')), 'port=${1:6432}');
  });

  test('nothing inside a quoted value or between a name and its =', () => {
    assert.equal(complete("[databases]\napp = connect_query='SELECT |\n", { trigger: ' ' }).items.length, 0);
    assert.equal(complete('[databases]\napp = host |\n', { trigger: ' ' }).items.length, 0);
  });

  test('a quoted value, then the next parameter', () => {
    const names = labels(complete("[databases]\napp = connect_query='SELECT 1' |\n", { trigger: ' ' }));
    assert.ok(names.includes('host') && !names.includes('connect_query'));
  });

  test('a long list of databases is narrowed by what was typed and marked incomplete', () => {
    const entries = Array.from({ length: 1500 }, (_, i) => `db${i} = host=x`).join('\n');
    const list = complete(`[databases]\n${entries}\n[pgbouncer]\nauth_dbname = db149|\n`);
    assert.equal(list.isIncomplete, true);
    assert.ok(list.items.length <= 1000 && list.items.length > 0);
    assert.ok(list.items.every((item) => /^db.*1.*4.*9/.test(item.label)));
  });
});

describe('completion: paths', () => {
  test('path settings list the run directory, folders first, continuing into them', () => {
    const list = completeInFixture('auth_file = certs/userlist.txt', 'auth_file = '.length, { trigger: ' ' });
    const names = labels(list);
    assert.ok(names.includes('certs/') && names.includes('conf/') && names.includes('pgbouncer.ini'));
    assert.equal(byLabel(list, 'certs/').command?.command, 'editor.action.triggerSuggest');
    assert.ok(names.indexOf('certs/') < names.indexOf('pgbouncer.ini'));
  });

  test('inside a folder, only the segment after the last / is replaced', () => {
    const list = completeInFixture(
      'client_tls_key_file = certs/server.key',
      'client_tls_key_file = certs/'.length,
      {
        trigger: '/',
      },
    );
    assert.deepEqual(labels(list).sort(), ['server.crt', 'server.key', 'userlist.txt']);
    const edit = byLabel(list, 'server.crt').textEdit as TextEdit;
    assert.equal(edit.range.end.character - edit.range.start.character, 'server.key'.length);
  });

  test('a directory setting lists directories only; absolute paths are listed as typed', () => {
    const text = `[pgbouncer]\nunix_socket_dir = ${FIXTURES}/|\n`;
    assert.deepEqual(labels(complete(text)).sort(), ['certs/', 'conf/']);
  });

  test('%include paths are relative to the run directory', () => {
    const text = MAIN_TEXT.replace('%include conf/extra.ini', '%include conf/');
    const at = text.indexOf('%include conf/') + '%include conf/'.length;
    const list = completeAt(text, at, { filePath: MAIN, trigger: '/' });
    assert.deepEqual(labels(list).sort(), ['extra.ini', 'to-databases.ini']);
  });

  test('a missing folder lists nothing', () => {
    assert.equal(complete('[pgbouncer]\nauth_file = /no/such/folder/|\n').items.length, 0);
  });
});
