// Outline, folding, links, navigation, rename, inlay hints and formatting over stdio against the
// built server (run `npm run build` first), with the settings taken from the client.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentLinkRequest,
  DocumentRangeFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  InlayHintRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
} from 'vscode-languageserver-protocol';
import type { DocumentSymbol, Location, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from '../support/lsp-client';

const EDITING = path.resolve(__dirname, '..', 'fixtures', 'editing');
const OUTLINE = path.join(EDITING, 'outline.ini');
const TEXT = fs.readFileSync(OUTLINE, 'utf8');
const URI = pathToFileURL(OUTLINE).toString();
const FORMAT_INPUT = fs.readFileSync(path.join(EDITING, 'format.ini'), 'utf8');
/** Documents the tests open besides the fixture, each with its own settings. */
const PLAIN_URI = pathToFileURL(path.join(EDITING, 'format.ini')).toString();
const ALIGNED_URI = pathToFileURL(path.join(EDITING, 'aligned', 'format.ini')).toString();
const NO_HINTS_URI = pathToFileURL(path.join(EDITING, 'no-hints', 'outline.ini')).toString();
let client: LspClient;

/** Line and character of `needle` in `text`, `delta` characters in. */
function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `the text contains ${needle}`);
  const lines = text.slice(0, at + delta).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

function applied(text: string, edits: TextEdit[] | null): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.ini', 'pgbouncer-ini', 1, text), edits ?? []);
}

before(async () => {
  client = await LspClient.start();
  client.settingsFor = (item) => ({
    rules: { '*': 'off' },
    format: { alignValues: item.scopeUri === ALIGNED_URI, alignParameters: item.scopeUri === ALIGNED_URI },
    inlayHints: { enabled: item.scopeUri !== NO_HINTS_URI },
  });
  await client.open(URI, TEXT, 1);
});

after(async () => {
  await client.close(URI);
  assert.equal(await client.stop(), 0);
});

test('the server advertises the editing features', () => {
  const capabilities = client.initializeResult?.capabilities;
  assert.ok(capabilities?.documentSymbolProvider);
  assert.equal(capabilities?.foldingRangeProvider, true);
  assert.deepEqual(capabilities?.documentLinkProvider, { resolveProvider: false });
  assert.equal(capabilities?.definitionProvider, true);
  assert.equal(capabilities?.referencesProvider, true);
  assert.deepEqual(capabilities?.renameProvider, { prepareProvider: true });
  assert.equal(capabilities?.inlayHintProvider, true);
  assert.equal(capabilities?.documentFormattingProvider, true);
  assert.equal(capabilities?.documentRangeFormattingProvider, true);
});

test('document symbols over stdio: sections with their entries', async () => {
  const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, {
    textDocument: { uri: URI },
  })) as DocumentSymbol[];
  assert.deepEqual(
    symbols.map((s) => [s.name, s.children?.length]),
    [
      ['[pgbouncer]', 18],
      ['[databases]', 4],
      ['[users]', 3],
      ['[peers]', 1],
    ],
  );
  assert.equal(
    symbols[1].children?.[0].detail,
    'host=10.0.0.1 port=5432 dbname=shop auth_user=pgbouncer_auth',
  );
});

test('folding ranges over stdio', async () => {
  const ranges = await client.connection.sendRequest(FoldingRangeRequest.type, {
    textDocument: { uri: URI },
  });
  assert.deepEqual(
    ranges?.map((r) => [r.startLine, r.endLine, r.kind]),
    [
      [0, 1, 'comment'],
      [3, 21, undefined],
      [23, 28, undefined],
      [30, 33, undefined],
      [35, 36, undefined],
    ],
  );
});

test('document links over stdio: to files that exist', async () => {
  const links = await client.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: URI } });
  assert.deepEqual(
    links?.map((link) => link.target),
    [
      pathToFileURL(path.join(EDITING, 'userlist.txt')).toString(),
      pathToFileURL(path.join(EDITING, 'included.ini')).toString(),
    ],
  );
});

test('definition and references over stdio', async () => {
  const target = (await client.connection.sendRequest(DefinitionRequest.type, {
    textDocument: { uri: URI },
    position: positionOf(TEXT, 'auth_dbname = shop', 'auth_dbname = '.length + 1),
  })) as Location;
  assert.equal(target.uri, URI);
  assert.deepEqual(target.range.start, positionOf(TEXT, 'shop = host'));
  const references = await client.connection.sendRequest(ReferencesRequest.type, {
    textDocument: { uri: URI },
    position: positionOf(TEXT, 'shop = host'),
    context: { includeDeclaration: true },
  });
  assert.deepEqual(
    references?.map((r) => [path.basename(new URL(r.uri).pathname), r.range.start.line + 1]),
    [
      ['outline.ini', 9],
      ['outline.ini', 26],
      ['outline.ini', 27],
      ['included.ini', 2],
    ],
  );
});

test('rename over stdio: prepare, rename, and a refusal with its reason', async () => {
  const position = positionOf(TEXT, 'auth_dbname=shop', 'auth_dbname='.length);
  const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, {
    textDocument: { uri: URI },
    position,
  });
  assert.deepEqual(prepared, {
    range: { start: position, end: { ...position, character: position.character + 4 } },
    placeholder: 'shop',
  });
  const none = await client.connection.sendRequest(PrepareRenameRequest.type, {
    textDocument: { uri: URI },
    position: positionOf(TEXT, 'listen_addr'),
  });
  assert.equal(none, null);
  const edit = (await client.connection.sendRequest(RenameRequest.type, {
    textDocument: { uri: URI },
    position,
    newName: 'store',
  })) as WorkspaceEdit;
  assert.equal(edit.changes?.[URI]?.length, 3);
  assert.equal(edit.changes?.[pathToFileURL(path.join(EDITING, 'included.ini')).toString()]?.length, 1);
  await assert.rejects(
    client.connection.sendRequest(RenameRequest.type, {
      textDocument: { uri: URI },
      position,
      newName: 'reports',
    }),
    /A database named 'reports' is already defined/,
  );
});

test('inlay hints over stdio, within the range asked for, and none when turned off', async () => {
  const range = { start: { line: 13, character: 0 }, end: { line: 14, character: 100 } };
  const hints = await client.connection.sendRequest(InlayHintRequest.type, {
    textDocument: { uri: URI },
    range,
  });
  assert.deepEqual(
    hints?.map((h) => [h.position.line + 1, h.label]),
    [
      [14, '15 min'],
      [15, '1 h'],
    ],
  );
  await client.open(NO_HINTS_URI, TEXT, 1);
  try {
    const off = await client.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: NO_HINTS_URI },
      range,
    });
    assert.deepEqual(off, []);
  } finally {
    await client.close(NO_HINTS_URI);
  }
});

test('formatting over stdio: document and range, plain and aligned', async () => {
  await client.open(PLAIN_URI, FORMAT_INPUT, 1);
  await client.open(ALIGNED_URI, FORMAT_INPUT, 1);
  try {
    const options = { tabSize: 4, insertSpaces: true };
    const plain = await client.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri: PLAIN_URI },
      options,
    });
    assert.equal(
      applied(FORMAT_INPUT, plain),
      fs.readFileSync(path.join(EDITING, 'format.formatted.ini'), 'utf8'),
    );
    const aligned = await client.connection.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri: ALIGNED_URI },
      options,
    });
    assert.equal(
      applied(FORMAT_INPUT, aligned),
      fs.readFileSync(path.join(EDITING, 'format.aligned.ini'), 'utf8'),
    );
    const line = positionOf(FORMAT_INPUT, 'app=host').line;
    const ranged = await client.connection.sendRequest(DocumentRangeFormattingRequest.type, {
      textDocument: { uri: PLAIN_URI },
      range: { start: { line, character: 0 }, end: { line, character: 5 } },
      options,
    });
    assert.deepEqual(
      ranged?.map((edit) => [edit.range.start.line, edit.newText]),
      [[line, 'app = host=10.0.0.1 port=5432 dbname=app']],
    );
  } finally {
    await client.close(PLAIN_URI);
    await client.close(ALIGNED_URI);
  }
});
