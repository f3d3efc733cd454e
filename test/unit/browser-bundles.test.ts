// The web extension's bundles (dist/browser/, built by esbuild.mjs; `npm test` builds first): no Node
// built-in left in them (their size budget is test/package's), and the server runs in a worker-like context that
// has no require, process or Buffer, answering LSP over postMessage and reading its files by asking
// the client (pgbouncer/readFile).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import * as vm from 'node:vm';

const ROOT = path.resolve(__dirname, '..', '..');
const CLIENT_BUNDLE = path.join(ROOT, 'dist', 'browser', 'extension.js');
const SERVER_BUNDLE = path.join(ROOT, 'dist', 'browser', 'server.js');

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Every module a bundle asks for at run time: require('…'), import('…'), import … from '…'. Run on the
 * development build (`npm test`) and on the minified one (`npm run package`); a specifier is a
 * module name (no `,` `=` `$` or spaces: minified code holds strings such as "import",n.$export=). */
function requested(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\b(?:require|import)\s*\(\s*(['"`])([\w@./:+-]+)\1\s*\)/g))
    found.push(match[2]);
  // import 'x', import a from 'x', import { a } from 'x' (not `from` alone: minified code has Array.from(",")).
  for (const match of text.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*\bfrom\s*)?(['"])([\w@./:+-]+)\1/g)) {
    found.push(match[2]);
  }
  return found;
}

test('the web bundles ask for no Node built-in: the client only for vscode, the server for nothing', () => {
  const client = requested(fs.readFileSync(CLIENT_BUNDLE, 'utf8'));
  const server = requested(fs.readFileSync(SERVER_BUNDLE, 'utf8'));
  assert.deepEqual([...new Set(client)], ['vscode']);
  assert.deepEqual(server, []);
  for (const name of [...client, ...server]) assert.ok(!BUILTINS.has(name), name);
});

interface Message {
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

/**
 * dist/browser/server.js in a fresh context with what a dedicated worker has (no require, process,
 * Buffer or module): `self` with postMessage and onmessage.
 */
function startWorker(answerFile: (uri: string) => unknown) {
  const received: Message[] = [];
  const waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  const self: Record<string, unknown> = {
    postMessage(message: Message) {
      if (message.method === 'pgbouncer/readFile' && message.id !== undefined) {
        const { uri } = message.params as { uri: string };
        setImmediate(() => deliver({ jsonrpc: '2.0', id: message.id, result: answerFile(uri) }));
        received.push(message);
        return;
      }
      if (message.method === 'workspace/configuration' && message.id !== undefined) {
        setImmediate(() => deliver({ jsonrpc: '2.0', id: message.id, result: [{}] }));
      } else if (message.method === 'client/registerCapability' && message.id !== undefined) {
        setImmediate(() => deliver({ jsonrpc: '2.0', id: message.id, result: null }));
      }
      received.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.match(message)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    },
    addEventListener() {},
    removeEventListener() {},
  };
  const deliver = (data: unknown) => (self.onmessage as (event: { data: unknown }) => void)({ data });
  const context = vm.createContext({
    self,
    console,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    queueMicrotask,
    TextEncoder,
    TextDecoder,
    URL,
    atob,
    btoa,
  });
  vm.runInContext(fs.readFileSync(SERVER_BUNDLE, 'utf8'), context, { filename: SERVER_BUNDLE });
  for (const name of ['require', 'process', 'Buffer', 'module']) {
    assert.equal(vm.runInContext(`typeof ${name}`, context), 'undefined', name);
  }
  const next = (match: (m: Message) => boolean, ms = 10_000) =>
    new Promise<Message>((resolve, reject) => {
      const seen = received.find(match);
      if (seen) return resolve(seen);
      const timer = setTimeout(
        () =>
          reject(new Error(`no such message in ${ms} ms; got ${JSON.stringify(received).slice(0, 3000)}`)),
        ms,
      );
      waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  const send = (message: Message) => deliver({ jsonrpc: '2.0', ...message });
  return { send, next, received };
}

test('the web-worker server lints an open document and reads its %include through the client', async () => {
  const folder = 'vscode-vfs://github/example/repo';
  const files: Record<string, string> = {
    [`${folder}/common.ini`]: 'listen_port = 6432\npool_mode = sometimes\n',
  };
  const worker = startWorker((uri) => {
    const text = files[uri];
    if (text === undefined) return { kind: 'missing' };
    return { kind: 'file', size: text.length, mtime: 1, ctime: 1, base64: btoa(text) };
  });
  worker.send({
    id: 'init',
    method: 'initialize',
    params: {
      processId: null,
      rootUri: folder,
      capabilities: { workspace: { configuration: true } },
      workspaceFolders: [{ uri: folder, name: 'repo' }],
    },
  });
  const initialized = await worker.next((m) => m.id === 'init');
  assert.ok((initialized.result as { capabilities: { hoverProvider?: unknown } }).capabilities.hoverProvider);
  worker.send({ method: 'initialized', params: {} });
  const uri = `${folder}/pgbouncer.ini`;
  worker.send({
    method: 'textDocument/didOpen',
    params: {
      textDocument: {
        uri,
        languageId: 'pgbouncer-ini',
        version: 1,
        text: '[databases]\napp = host=db dbname=app\n\n[pgbouncer]\n%include common.ini\nauth_type = md5\n',
      },
    },
  });
  const published = await worker.next(
    (m) =>
      m.method === 'textDocument/publishDiagnostics' &&
      (m.params as { uri: string }).uri === uri &&
      (m.params as { diagnostics: { code: string }[] }).diagnostics.some(
        (d) => d.code === 'include-has-errors',
      ),
  );
  // Related information points into the included file, by its URI on the same file system.
  const related = JSON.stringify(published.params);
  assert.ok(related.includes(`"${folder}/common.ini"`), related);
  // The included file was asked for by its URI in the workspace's own file system.
  const asked = worker.received
    .filter((m) => m.method === 'pgbouncer/readFile')
    .map((m) => (m.params as { uri: string }).uri);
  assert.ok(asked.includes(`${folder}/common.ini`), asked.join(', '));
  // Hover answers from the same analysis.
  worker.send({
    id: 'hover',
    method: 'textDocument/hover',
    params: { textDocument: { uri }, position: { line: 5, character: 2 } },
  });
  const hover = await worker.next((m) => m.id === 'hover');
  assert.match(JSON.stringify(hover.result), /auth_type/);
  // The %include is a link to the file it read, by its URI on the same file system (the machine's disk,
  // which the worker cannot see, has no say in it).
  worker.send({ id: 'links', method: 'textDocument/documentLink', params: { textDocument: { uri } } });
  const links = (await worker.next((m) => m.id === 'links')).result as {
    target: string;
    range: { start: { line: number } };
  }[];
  // (the answer's arrays are the worker context's own: compared by value, as JSON)
  assert.equal(
    JSON.stringify(links.map((link) => [link.range.start.line, link.target])),
    JSON.stringify([[4, `${folder}/common.ini`]]),
  );
});
