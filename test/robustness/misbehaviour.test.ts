// The language server survives a misbehaving client: requests for documents it never opened,
// positions past the end (and negative ones), cancelled requests, malformed parameters, unknown
// methods, edits to unknown documents, a 20 MB document (refused politely with one diagnostic),
// and a client that goes away without shutdown/exit (it exits promptly). Over stdio, against
// dist/server.js (npm run build).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import {
  createProtocolConnection,
  ExitNotification,
  InitializeRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import {
  CancellationTokenSource,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
} from 'vscode-languageserver-protocol';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, SERVER_BUNDLE } from '../support/lsp-client';

let client: LspClient;

before(async () => {
  client = await LspClient.start();
  client.settingsFor = () => ({ targetVersion: '1.21', rules: { '*': 'off' } });
});

after(async () => {
  const code = await client.stop();
  assert.equal(code, 0, 'after all this, a polite shutdown still ends with exit code 0');
  assert.doesNotMatch(
    client.stderr,
    /Error|at .*\(.*:\d+:\d+\)/,
    `the server wrote errors:\n${client.stderr}`,
  );
});

const KNOWN_DOC = 'file:///tmp/pgb-misbehaviour/pgbouncer.ini';
const TEXT =
  '[pgbouncer]\nlisten_port = 6432\npool_mode = transaction\n\n[databases]\napp = host=127.0.0.1 dbname=app\n';

/** Requests that take a document (and a position or range where they need one). */
function requests(
  uri: string,
  position: { line: number; character: number },
): [method: string, params: unknown][] {
  const textDocument = { uri };
  const range = { start: position, end: position };
  return [
    ['textDocument/hover', { textDocument, position }],
    ['textDocument/completion', { textDocument, position }],
    ['textDocument/definition', { textDocument, position }],
    ['textDocument/references', { textDocument, position, context: { includeDeclaration: true } }],
    ['textDocument/prepareRename', { textDocument, position }],
    ['textDocument/rename', { textDocument, position, newName: 'other' }],
    ['textDocument/documentSymbol', { textDocument }],
    ['textDocument/foldingRange', { textDocument }],
    ['textDocument/documentLink', { textDocument }],
    ['textDocument/inlayHint', { textDocument, range }],
    ['textDocument/formatting', { textDocument, options: { tabSize: 4, insertSpaces: true } }],
    ['textDocument/rangeFormatting', { textDocument, range, options: { tabSize: 4, insertSpaces: true } }],
    ['textDocument/codeAction', { textDocument, range, context: { diagnostics: [] } }],
    ['pgbouncer/auditReport', { uri }],
  ];
}

/** The answer, or the error the server sent back; never a dropped connection. */
async function ask(
  method: string,
  params: unknown,
): Promise<{ result?: unknown; error?: ResponseError<unknown> }> {
  try {
    return { result: await client.connection.sendRequest(method, params) };
  } catch (error) {
    if (error instanceof ResponseError) return { error };
    throw error;
  }
}

/** The server still works: a new document gets its diagnostics. */
async function stillAlive(label: string): Promise<void> {
  const uri = `file:///tmp/pgb-misbehaviour/alive-${label.replace(/\W+/g, '-')}.ini`;
  const published = await client.open(uri, '[pgbouncer]\nmax_client_conn = abc\n', 1);
  assert.deepEqual(
    published.diagnostics.map((d) => d.code),
    ['invalid-value'],
    `the server answers normally after: ${label}`,
  );
  await client.close(uri);
}

test(
  'requests about a document that was never opened get empty answers, not crashes',
  { timeout: 120_000 },
  async () => {
    for (const [method, params] of requests('file:///nowhere/never-opened.ini', { line: 0, character: 0 })) {
      const answer = await ask(method, params);
      if (answer.error) {
        // Only the audit report refuses explicitly: it has nothing to report on.
        assert.equal(method, 'pgbouncer/auditReport', `${method}: ${answer.error.message}`);
        assert.equal(answer.error.code, ErrorCodes.InvalidParams);
      } else {
        const empty = answer.result === null || (Array.isArray(answer.result) && answer.result.length === 0);
        assert.ok(
          empty,
          `${method} answers null or [] for an unknown document: ${JSON.stringify(answer.result)}`,
        );
      }
    }
    await stillAlive('unknown documents');
  },
);

test(
  'positions past the end, and negative ones, are answered without an internal error',
  { timeout: 120_000 },
  async () => {
    await client.open(KNOWN_DOC, TEXT, 1);
    const positions = [
      { line: 1_000_000, character: 0 },
      { line: 1, character: 1_000_000 },
      { line: 2 ** 31 - 1, character: 2 ** 31 - 1 },
      { line: 5, character: 25 },
      { line: 7, character: 0 },
      { line: -1, character: -1 },
    ];
    for (const position of positions) {
      for (const [method, params] of requests(KNOWN_DOC, position)) {
        const answer = await ask(method, params);
        assert.notEqual(
          answer.error?.code,
          ErrorCodes.InternalError,
          `${method} at ${JSON.stringify(position)} failed inside the server: ${answer.error?.message}`,
        );
      }
    }
    await client.close(KNOWN_DOC);
    await stillAlive('positions past the end');
  },
);

test(
  'cancelled requests: an answer or RequestCancelled, and the server carries on',
  { timeout: 120_000 },
  async () => {
    await client.open(KNOWN_DOC, TEXT, 1);
    for (const [method, params] of requests(KNOWN_DOC, { line: 1, character: 3 })) {
      const source = new CancellationTokenSource();
      const pending = client.connection.sendRequest(method, params, source.token);
      source.cancel();
      try {
        await pending;
      } catch (error) {
        assert.ok(error instanceof ResponseError, `${method}: ${String(error)}`);
        assert.ok(
          [LSPErrorCodes.RequestCancelled, LSPErrorCodes.ServerCancelled].includes(error.code) ||
            method === 'textDocument/rename' ||
            method === 'textDocument/prepareRename',
          `${method} after a cancel: ${error.code} ${error.message}`,
        );
      }
    }
    // A cancel for a request that does not exist is ignored.
    await client.connection.sendNotification('$/cancelRequest', { id: 987654 });
    await client.close(KNOWN_DOC);
    await stillAlive('cancelled requests');
  },
);

test(
  'malformed requests and notifications: errors for the requests, nothing for the notifications',
  { timeout: 120_000 },
  async () => {
    const unknown = await ask('textDocument/noSuchMethod', {});
    assert.equal(unknown.error?.code, ErrorCodes.MethodNotFound);
    for (const params of [{}, null, { textDocument: null }, { textDocument: { uri: 42 }, position: 'x' }]) {
      for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/documentSymbol']) {
        // Whatever the answer, the server must still be there afterwards.
        await ask(method, params);
      }
    }
    // Edits and closes for documents that are not open, and an unknown notification.
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: 'file:///nowhere/x.ini', version: 5 },
      contentChanges: [
        { range: { start: { line: 3, character: 0 }, end: { line: 9, character: 9 } }, text: 'x' },
      ],
    });
    await client.connection.sendNotification(DidCloseTextDocumentNotification.type, {
      textDocument: { uri: 'file:///nowhere/y.ini' },
    });
    await client.connection.sendNotification('pgbouncer/noSuchNotification', { anything: true });
    await stillAlive('malformed requests');
  },
);

test(
  'a 20 MB document gets one diagnostic saying it is too large, until it shrinks',
  { timeout: 120_000 },
  async () => {
    const uri = 'file:///tmp/pgb-misbehaviour/huge.ini';
    const line = 'db = host=127.0.0.1 port=5432 dbname=app pool_size=20 pool_mode=transaction\n';
    const huge = `[pgbouncer]\n[databases]\n${line.repeat(Math.ceil((20 * 1024 * 1024 + 1) / line.length))}`;
    const started = Date.now();
    const opened = await client.open(uri, huge, 1);
    const expectTooLarge = (diagnostics: Diagnostic[], when: string): void => {
      assert.equal(diagnostics.length, 1, when);
      assert.equal(diagnostics[0].code, 'document-too-large', when);
      assert.match(String(diagnostics[0].message), /larger than 20 MB/, when);
    };
    expectTooLarge(opened.diagnostics, 'when opened');
    for (const [method, params] of requests(uri, { line: 3, character: 5 })) {
      const answer = await ask(method, params);
      if (method === 'pgbouncer/auditReport') {
        assert.equal(answer.error?.code, LSPErrorCodes.RequestFailed);
        assert.match(answer.error?.message ?? '', /too large/);
      } else {
        assert.equal(answer.error, undefined, `${method}: ${answer.error?.message}`);
      }
    }
    // One character typed: still too large, still one diagnostic.
    const typed = await client.change(uri, 2, [
      { range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '#' },
    ]);
    expectTooLarge(typed.diagnostics, 'after typing');
    // Most of it deleted: analysed normally again.
    const shrunk = await client.change(uri, 3, [{ text: '[pgbouncer]\nmax_client_conn = abc\n' }]);
    assert.deepEqual(
      shrunk.diagnostics.map((d) => d.code),
      ['invalid-value'],
    );
    await client.close(uri);
    assert.ok(Date.now() - started < 60_000, `the 20 MB document took ${Date.now() - started} ms`);
    await stillAlive('a 20 MB document');
  },
);

test('a second initialize is refused, and the first settings stay', { timeout: 60_000 }, async () => {
  const answer = await ask('initialize', {
    processId: null,
    rootUri: null,
    capabilities: {},
    initializationOptions: { settings: { targetVersion: '1.0' } },
  });
  assert.equal(answer.error?.code, ErrorCodes.InvalidRequest);
  assert.match(answer.error?.message ?? '', /already initialized/);
  // Still the client's settings (target 1.21): max_db_connections is known there, not in 1.0.
  const uri = 'file:///tmp/pgb-misbehaviour/second-initialize.ini';
  const published = await client.open(uri, '[pgbouncer]\nmax_db_connections = 5\n', 1);
  assert.deepEqual(
    published.diagnostics.map((d) => d.code),
    [],
  );
  await client.close(uri);
});

test(
  'the server exits promptly and quietly when the client goes away without shutdown/exit',
  { timeout: 120_000 },
  async () => {
    const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const send = (message: object): void => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    send({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    send({ method: 'initialized', params: {} });
    send({
      method: 'textDocument/didOpen',
      params: { textDocument: { uri: KNOWN_DOC, languageId: 'pgbouncer-ini', version: 1, text: TEXT } },
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closedAt = Date.now();
    child.stdin.end();
    const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const { code, signal } = await exited;
    clearTimeout(timeout);
    assert.equal(signal, null, 'the server exits by itself, it is not killed');
    // The protocol asks for exit code 1 when there was no shutdown request.
    assert.equal(code, 1);
    assert.ok(Date.now() - closedAt < 5000, `exited ${Date.now() - closedAt} ms after stdin closed`);
    assert.equal(stderr, '', 'nothing on stderr');
  },
);

test('requests before initialize get ServerNotInitialized (-32002), and the server then initializes normally', async () => {
  const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  connection.listen();
  try {
    const textDocument = { uri: KNOWN_DOC };
    const position = { line: 0, character: 1 };
    for (const [method, params] of [
      ['textDocument/hover', { textDocument, position }],
      ['textDocument/completion', { textDocument, position }],
      ['textDocument/documentSymbol', { textDocument }],
      ['pgbouncer/auditReport', { uri: KNOWN_DOC }],
      ['workspace/noSuchMethod', {}],
    ] as const) {
      await assert.rejects(
        connection.sendRequest(method, params),
        (error: ResponseError<unknown>) => error.code === ErrorCodes.ServerNotInitialized,
        `${method} before initialize`,
      );
    }
    const result = await connection.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: null,
      capabilities: {},
    });
    assert.ok(result.capabilities.hoverProvider);
    await assert.rejects(
      connection.sendRequest('workspace/noSuchMethod', {}),
      (error: ResponseError<unknown>) => error.code === ErrorCodes.MethodNotFound,
      'after initialize an unknown method is just unknown',
    );
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
  } finally {
    connection.dispose();
    child.kill();
  }
});
