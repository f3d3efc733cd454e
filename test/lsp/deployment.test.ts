// The deployment audit in the language server, over stdio against the built server: diagnostics in
// a workspace folder's compose file without opening it, kept current as the file is edited in the
// editor and on disk, nothing of pgbouncer.ini's features on it, and the Deployment view's summary.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CompletionRequest,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  HoverRequest,
  RequestType,
} from 'vscode-languageserver-protocol';
import type { CodeAction, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEPLOYMENT_REQUEST } from '../../server/src/protocol';
import type { DeploymentParams, DeploymentSummary } from '../../server/src/protocol';
import { LspClient } from '../support/lsp-client';
import { DEPLOYMENT_FIXTURES } from '../support/deployment-fixtures';

const deploymentRequest = new RequestType<DeploymentParams, DeploymentSummary[], void>(DEPLOYMENT_REQUEST);
let folder: string;
let empty: string;
let client: LspClient;
let composePath: string;
let composeUri: string;

const codes = (params: PublishDiagnosticsParams) => params.diagnostics.map((d) => String(d.code));

before(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'deployment-lsp-'));
  fs.cpSync(path.join(DEPLOYMENT_FIXTURES, 'compose-edoburu'), folder, { recursive: true });
  empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-pooler-lsp-'));
  fs.writeFileSync(
    path.join(empty, 'docker-compose.yml'),
    'services:\n  api:\n    image: node:20\n    environment:\n      DATABASE_URL: postgres://u:p@db:5432/app\n',
  );
  composePath = path.join(folder, 'docker-compose.yml');
  composeUri = pathToFileURL(composePath).toString();
  client = await LspClient.start({ workspaceFolders: [folder, empty] });
});

after(async () => {
  assert.equal(await client.stop(), 0);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.rmSync(empty, { recursive: true, force: true });
});

test('a compose file of the workspace gets its findings without being opened', async () => {
  const published = client.published.find(
    (p) => p.uri === composeUri && codes(p).includes('deployment-bypasses-pooler'),
  );
  const params =
    published ??
    (await client.nextDiagnostics(composeUri, (p) => codes(p).includes('deployment-bypasses-pooler')));
  const bypass = params.diagnostics.find((d) => d.code === 'deployment-bypasses-pooler');
  assert.equal(bypass?.range.start.line, 48, 'on the worker’s DATABASE_URL line');
  assert.match(
    typeof bypass?.message === 'string' ? bypass.message : '',
    /worker \(DATABASE_URL\) connects to db:5432 directly/,
  );
  assert.ok(codes(params).includes('deployment-no-such-database'));
  assert.ok(!JSON.stringify(params).includes('change-me'), 'no password in a diagnostic');
});

test('the Deployment view gets the pooler and the services, and nothing for a folder without a PgBouncer', async () => {
  const summaries = await client.connection.sendRequest(deploymentRequest, {});
  assert.equal(summaries.length, 1);
  const [summary] = summaries;
  assert.equal(summary?.folder, folder);
  assert.deepEqual(
    summary?.poolers.map((pooler) => [pooler.name, pooler.kind, pooler.release, pooler.listenPort]),
    [['pgbouncer', 'edoburu', '1.23.1', 5432]],
  );
  const worker = summary?.clients.find((one) => one.name === 'worker');
  assert.equal(worker?.route, 'bypass');
  assert.equal(worker?.problem, true);
  assert.equal(worker?.location.uri, composeUri);
  assert.equal(summary?.clients.find((one) => one.name === 'api')?.route, 'pooler');
  assert.equal(summary?.clients.find((one) => one.name === 'migrate')?.purpose, 'migration');
  assert.equal(client.published.filter((p) => p.uri.startsWith(pathToFileURL(empty).toString())).length, 0);
});

test('editing the compose file in the editor updates its findings; pgbouncer.ini features stay off it', async () => {
  const text = fs.readFileSync(composePath, 'utf8');
  await client.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri: composeUri, languageId: 'dockercompose', version: 1, text },
  });
  const fixed = text.replace('@db:5432/shop\n', '@pgbouncer:5432/shop\n');
  assert.notEqual(fixed, text);
  const next = client.nextDiagnostics(composeUri, (p) => !codes(p).includes('deployment-bypasses-pooler'));
  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri: composeUri, version: 2 },
    contentChanges: [{ text: fixed }],
  });
  const after = await next;
  assert.ok(codes(after).includes('deployment-no-such-database'), 'the other finding stays');
  const completion = await client.connection.sendRequest(CompletionRequest.type, {
    textDocument: { uri: composeUri },
    position: { line: 20, character: 8 },
  });
  assert.deepEqual(completion, []);
  const hover = await client.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: composeUri },
    position: { line: 20, character: 8 },
  });
  assert.equal(hover, null);
  await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: composeUri } });
});

test('a file changed on disk (a watched file) updates the findings', async () => {
  // The editor closed it: the audit reads the file as it is on disk again, then the change.
  const text = fs.readFileSync(composePath, 'utf8');
  fs.writeFileSync(composePath, text.replace('@pgbouncer:5432/reports', '@pgbouncer:5432/shop'));
  const next = client.nextDiagnostics(composeUri, (p) => !codes(p).includes('deployment-no-such-database'));
  await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
    changes: [{ uri: composeUri, type: FileChangeType.Changed }],
  });
  const after = await next;
  assert.ok(codes(after).includes('deployment-bypasses-pooler'), 'the file on disk still has the bypass');
});

test('a quick fix in the compose file: publish the pooler’s port on loopback only', async () => {
  const text = fs.readFileSync(composePath, 'utf8');
  await client.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri: composeUri, languageId: 'dockercompose', version: 1, text },
  });
  await client.connection.sendRequest(deploymentRequest, {});
  const line = text.split('\n').findIndex((one) => one.includes('"6432:5432"'));
  assert.ok(line > 0);
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: composeUri },
    range: { start: { line, character: 0 }, end: { line, character: 20 } },
    context: { diagnostics: [] },
  })) as CodeAction[];
  const fix = actions.find((action) => action.title === 'Publish the port on 127.0.0.1 only');
  assert.ok(fix, `a fix among ${actions.map((action) => action.title).join(', ')}`);
  const edits = fix.edit?.changes?.[composeUri] ?? [];
  const document = TextDocument.create(composeUri, 'dockercompose', 1, text);
  const fixed = TextDocument.applyEdits(document, edits);
  assert.equal(fixed, text.replace('"6432:5432"', '"127.0.0.1:6432:5432"'));
  await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: composeUri } });
});
