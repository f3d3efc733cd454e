// userlist.txt over the protocol: documents of language pgbouncer-userlist get their diagnostics
// from the built server, with related locations in the pgbouncer.ini that uses the file.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DiagnosticTag, DocumentSymbolRequest, HoverRequest } from 'vscode-languageserver-protocol';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient } from '../support/lsp-client';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'userlist');
const LANGUAGE = 'pgbouncer-userlist';
const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];

let client: LspClient;

before(async () => {
  client = await LspClient.start();
  client.settingsFor = () => ({ targetVersion: '1.25' });
});

after(async () => {
  assert.equal(await client.stop(), 0);
});

const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

/** `line:column severity code`, 1-based, in the order of the text. */
function summary(diagnostics: Diagnostic[]): string[] {
  return [...diagnostics]
    .sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    )
    .map(
      (d) =>
        `${d.range.start.line + 1}:${d.range.start.character + 1} ${SEVERITY[d.severity ?? 1]} ${String(d.code)}`,
    );
}

test('a userlist.txt gets its diagnostics, with ranges, severities, tags and source', async () => {
  const file = path.join(FIXTURES, 'mixed.txt');
  const uri = pathToFileURL(file).toString();
  const published = await client.open(uri, fs.readFileSync(file, 'utf8'), 1, LANGUAGE);
  assert.deepEqual(summary(published.diagnostics), [
    '2:1 warning userlist-duplicate-user',
    '3:13 information userlist-md5-secret',
    '4:10 warning userlist-plain-text-secret',
    '5:9 warning userlist-ignored-text',
    '5:11 warning userlist-malformed-md5-secret',
    '6:7 error userlist-malformed-scram-secret',
    '7:12 warning userlist-empty-secret',
    '8:1 error userlist-secret-on-next-line',
    '10:1 error userlist-broken-line',
    '11:1 hint userlist-not-read',
  ]);
  for (const diagnostic of published.diagnostics) assert.equal(diagnostic.source, 'pgbouncer');
  const notRead = published.diagnostics.find((d) => d.code === 'userlist-not-read')!;
  assert.deepEqual(notRead.tags, [DiagnosticTag.Unnecessary]);
  const plain = published.diagnostics.find((d) => d.code === 'userlist-plain-text-secret')!;
  assert.deepEqual(plain.range, { start: { line: 3, character: 9 }, end: { line: 3, character: 18 } });
  const duplicate = published.diagnostics.find((d) => d.code === 'userlist-duplicate-user')!;
  assert.equal(duplicate.relatedInformation?.[0].location.uri, uri);
  assert.equal(duplicate.relatedInformation?.[0].location.range.start.line, 5);
  await client.close(uri);
});

test('the users a pgbouncer.ini next to the file needs, with a link to where it names them', async () => {
  const file = path.join(FIXTURES, 'crosscheck', 'userlist.txt');
  const uri = pathToFileURL(file).toString();
  const published = await client.open(uri, fs.readFileSync(file, 'utf8'), 1, LANGUAGE);
  const missing = published.diagnostics.filter((d) => d.code === 'userlist-expected-user-missing');
  assert.equal(missing.length, 3);
  const admin = missing.find((d) => messageOf(d).startsWith('admin_users'))!;
  assert.equal(admin.severity, 2);
  assert.deepEqual(admin.range.start, { line: 3, character: 0 }, 'on the unread line of ops');
  const ini = pathToFileURL(path.join(FIXTURES, 'crosscheck', 'pgbouncer.ini')).toString();
  assert.deepEqual(admin.relatedInformation?.[0].location, {
    uri: ini,
    range: { start: { line: 9, character: 14 }, end: { line: 9, character: 17 } },
  });
  assert.ok(published.diagnostics.some((d) => d.code === 'userlist-md5-with-scram-auth'));

  // Fixing the file clears them: the '#' line becomes a comment.
  const fixed = await client.change(uri, 2, [
    { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } }, text: ';' },
  ]);
  assert.deepEqual(
    fixed.diagnostics.map((d) => [d.code, messageOf(d).split(',')[0]]),
    [
      ['userlist-md5-with-scram-auth', 'pgbouncer.ini sets auth_type = scram-sha-256'],
      ['userlist-expected-user-missing', 'auth_user of database app in pgbouncer.ini names lookup'],
    ],
  );
  await client.close(uri);
});

test('severities follow the pgbouncer.rules setting; an unsaved file is checked on its own', async () => {
  const uri = 'untitled:Untitled-7';
  const previous = client.settingsFor;
  client.settingsFor = (item) =>
    item.scopeUri === uri
      ? { targetVersion: '1.25', rules: { 'userlist-plain-text-secret': 'error' } }
      : previous(item);
  try {
    const published = await client.open(uri, '"app" "hunter2"\n', 1, LANGUAGE);
    assert.deepEqual(summary(published.diagnostics), ['1:7 error userlist-plain-text-secret']);
    // Editor features of pgbouncer.ini answer nothing for a userlist rather than failing.
    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 0, character: 2 },
    });
    assert.equal(hover, null);
    const symbols = await client.connection.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri },
    });
    assert.deepEqual(symbols, []);
    await client.close(uri);
  } finally {
    client.settingsFor = previous;
  }
});

test('a relative pgbouncer.runDirectory is taken from the workspace folder by the cross-check too', async () => {
  // <workspace>/deploy/pgbouncer.ini names auth_file = userlist.txt, with pgbouncer.runDirectory
  // "deploy": from the workspace folder that is <workspace>/deploy, where userlist.txt is; from the
  // config file's folder it would be <workspace>/deploy/deploy, where it is not.
  const workspace = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-workspace-')));
  const folder = path.join(workspace, 'deploy');
  fs.mkdirSync(folder);
  const ini = path.join(folder, 'pgbouncer.ini');
  const iniText = '[pgbouncer]\nauth_type = md5\nauth_file = userlist.txt\nadmin_users = ops\n';
  fs.writeFileSync(ini, iniText);
  const userlist = path.join(folder, 'userlist.txt');
  const userlistText = '"someone" "md5' + '0'.repeat(32) + '"\n';
  fs.writeFileSync(userlist, userlistText);
  const editor = await LspClient.start({ workspaceFolders: [workspace] });
  editor.settingsFor = () => ({ targetVersion: '1.25', runDirectory: 'deploy' });
  try {
    const iniUri = pathToFileURL(ini).toString();
    const diagnostics = await editor.open(iniUri, iniText);
    assert.deepEqual(
      diagnostics.diagnostics.filter((d) => d.code === 'file-not-found').map(messageOf),
      [],
      'the diagnostics find auth_file in <workspace>/deploy',
    );
    await editor.close(iniUri);
    const userlistUri = pathToFileURL(userlist).toString();
    const crossCheck = await editor.open(userlistUri, userlistText, 1, LANGUAGE);
    const missing = crossCheck.diagnostics.filter((d) => d.code === 'userlist-expected-user-missing');
    assert.deepEqual(
      missing.map((d) => messageOf(d).split(',')[0]),
      ['admin_users in pgbouncer.ini names ops'],
      'the cross-check finds that pgbouncer.ini uses this file, in the same run directory',
    );
    assert.equal(missing[0].relatedInformation?.[0].location.uri, iniUri);
    await editor.close(userlistUri);
  } finally {
    assert.equal(await editor.stop(), 0);
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});
