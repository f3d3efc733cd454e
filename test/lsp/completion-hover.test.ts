// Completion and hover over stdio against the built server (run `npm run build` first), with the
// target version and the run directory taken from the client's settings.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CompletionRequest, HoverRequest } from 'vscode-languageserver-protocol';
import type { CompletionItem, CompletionList, MarkupContent, TextEdit } from 'vscode-languageserver-protocol';
import { LspClient } from '../support/lsp-client';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'completion', 'pgbouncer.ini');
const TEXT = fs.readFileSync(FIXTURE, 'utf8');
const URI = pathToFileURL(FIXTURE).toString();
let client: LspClient;

/** Line and character of `needle` in the fixture, `delta` characters in. */
function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `fixture contains ${needle}`);
  const before = text.slice(0, at + delta).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

function itemsOf(result: CompletionItem[] | CompletionList | null): CompletionItem[] {
  if (!result) return [];
  return Array.isArray(result) ? result : result.items;
}

before(async () => {
  client = await LspClient.start();
  client.settingsFor = () => ({ targetVersion: '1.25' });
  await client.open(URI, TEXT, 1);
});

after(async () => {
  await client.close(URI);
  assert.equal(await client.stop(), 0);
});

test('the server advertises completion with its trigger characters, and hover', () => {
  const capabilities = client.initializeResult?.capabilities;
  assert.deepEqual(capabilities?.completionProvider?.triggerCharacters, ['[', '=', ' ', '/']);
  assert.equal(capabilities?.hoverProvider, true);
});

test('completion over stdio: values after = and connection-string parameters', async () => {
  const values = itemsOf(
    await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: URI },
      position: positionOf(TEXT, 'pool_mode = transaction', 'pool_mode = '.length),
    }),
  );
  assert.deepEqual(
    values.map((item) => item.label),
    ['session', 'transaction', 'statement'],
  );
  const params = itemsOf(
    await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: URI },
      position: positionOf(TEXT, 'app = host=db.internal', 'app = '.length),
      context: { triggerKind: 1 },
    }),
  );
  const poolMode = params.find((item) => item.label === 'pool_mode');
  assert.ok(!poolMode, 'pool_mode is already given in this entry');
  // The cursor is on 'host=': the name alone is replaced, and 'host' itself is offered.
  const host = params.find((item) => item.label === 'host');
  assert.equal((host?.textEdit as TextEdit).newText, 'host');
  assert.ok(params.some((item) => item.label === 'user'));
});

test('completion over stdio: section names after [', async () => {
  const uri = 'file:///tmp/pgbouncer-lsp-completion/pgbouncer.ini';
  await client.open(uri, '[pgbouncer]\nlisten_port = 6432\n[', 1);
  const result = await client.connection.sendRequest(CompletionRequest.type, {
    textDocument: { uri },
    position: { line: 2, character: 1 },
    context: { triggerKind: 2, triggerCharacter: '[' },
  });
  assert.deepEqual(
    itemsOf(result)
      .map((item) => item.label)
      .sort(),
    ['databases', 'peers', 'pgbouncer', 'users'],
  );
  await client.close(uri);
});

test('hover over stdio: a key and a value', async () => {
  const onKey = await client.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: URI },
    position: positionOf(TEXT, 'server_idle_timeout = 900', 3),
  });
  assert.match((onKey?.contents as MarkupContent).value, /^\*\*server_idle_timeout\*\*/);
  const onValue = await client.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: URI },
    position: positionOf(TEXT, 'server_idle_timeout = 900', 'server_idle_timeout = '.length + 1),
  });
  assert.match((onValue?.contents as MarkupContent).value, /15 min/);
  const line = positionOf(TEXT, 'server_idle_timeout = 900').line;
  assert.deepEqual(onValue?.range, {
    start: { line, character: 22 },
    end: { line, character: 25 },
  });
});

test('hover over stdio follows the target version of the client settings', async () => {
  const uri = 'file:///tmp/pgbouncer-lsp-hover-118/pgbouncer.ini';
  const previous = client.settingsFor;
  client.settingsFor = (item) => (item.scopeUri === uri ? { targetVersion: '1.18' } : previous(item));
  try {
    await client.open(uri, '[pgbouncer]\nmax_prepared_statements = 100\n', 1);
    const result = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 1, character: 3 },
    });
    assert.match((result?.contents as MarkupContent).value, /Not in PgBouncer 1\.18/);
    await client.close(uri);
  } finally {
    client.settingsFor = previous;
  }
});

test('nothing to say is null, not an error', async () => {
  const result = await client.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: URI },
    position: { line: 0, character: 3 },
  });
  assert.equal(result, null);
});
