// A multi-root workspace over stdio against the built server: two folders, each with its own
// pgbouncer.ini, .pgbouncerlintrc.json, pgbouncer.runDirectory and target version, the editor
// answering workspace/configuration per scopeUri as VS Code does with folder settings. Each file is
// judged by its own folder's settings, the audit report names the folder, and a folder added at run
// time gets its deployment audit.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidChangeWorkspaceFoldersNotification, RequestType } from 'vscode-languageserver-protocol';
import type { ConfigurationItem, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { AUDIT_REPORT_REQUEST } from '../../server/src/protocol';
import type { AuditReportParams, AuditReportResult } from '../../server/src/protocol';
import { DEPLOYMENT_FIXTURES } from '../support/deployment-fixtures';
import { LspClient } from '../support/lsp-client';

const auditReport = new RequestType<AuditReportParams, AuditReportResult, void>(AUDIT_REPORT_REQUEST);

// max_prepared_statements came with PgBouncer 1.21; auth_type trust is the audit's warning.
const INI = `[databases]
appdb = host=127.0.0.1 port=5432 dbname=app

[pgbouncer]
listen_addr = 127.0.0.1
auth_type = trust
auth_file = userlist.txt
max_prepared_statements = 100
`;

let root: string;
let legacy: string;
let current: string;
let added: string;
let client: LspClient;
/** Folder settings, as a .code-workspace or each folder's .vscode/settings.json gives them. */
const folderSettings = new Map<string, Record<string, unknown>>();

const uriOf = (file: string) => pathToFileURL(file).toString();
const codes = (params: PublishDiagnosticsParams) => params.diagnostics.map((d) => String(d.code));

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'multi-root-lsp-'));
  legacy = path.join(root, 'legacy');
  current = path.join(root, 'current');
  added = path.join(root, 'added');
  // legacy: PgBouncer 1.20, run from legacy/run where its userlist.txt is; its project file turns
  // the trust warning off.
  fs.mkdirSync(path.join(legacy, 'run'), { recursive: true });
  fs.writeFileSync(path.join(legacy, 'pgbouncer.ini'), INI);
  fs.writeFileSync(path.join(legacy, 'run', 'userlist.txt'), '"app" "secret"\n');
  fs.writeFileSync(
    path.join(legacy, '.pgbouncerlintrc.json'),
    JSON.stringify({ rules: { 'auth-type-insecure': 'off' } }),
  );
  // current: PgBouncer 1.22, run from its own folder, which has no userlist.txt; no project file.
  fs.mkdirSync(current);
  fs.writeFileSync(path.join(current, 'pgbouncer.ini'), INI);
  fs.cpSync(path.join(DEPLOYMENT_FIXTURES, 'compose-edoburu'), added, { recursive: true });
  folderSettings.set(legacy, { targetVersion: '1.20', runDirectory: 'run' });
  folderSettings.set(current, { targetVersion: '1.22', runDirectory: '' });
  client = await LspClient.start({ workspaceFolders: [legacy, current], folderChanges: true });
  client.settingsFor = (item: ConfigurationItem) => {
    const scope = item.scopeUri === undefined ? undefined : new URL(item.scopeUri).pathname;
    for (const [folder, settings] of folderSettings)
      if (scope === folder || scope?.startsWith(folder + path.sep)) return settings;
    return {};
  };
});

after(async () => {
  assert.equal(await client.stop(), 0);
  fs.rmSync(root, { recursive: true, force: true });
});

test('the same setting: an error in the folder targeting 1.20, none in the one targeting 1.22', async () => {
  const old = await client.open(uriOf(path.join(legacy, 'pgbouncer.ini')), INI);
  const now = await client.open(uriOf(path.join(current, 'pgbouncer.ini')), INI);
  const newer = old.diagnostics.find((d) => d.code === 'newer-than-target');
  assert.ok(newer, `no newer-than-target in ${codes(old).join(', ')}`);
  assert.equal(newer.severity, 1);
  assert.match(String(newer.message), /max_prepared_statements.*1\.21.*1\.20/);
  assert.ok(!codes(now).includes('newer-than-target'), codes(now).join(', '));
});

test("each folder's project file and run directory apply to its own file only", async () => {
  const last = (file: string) => client.published.filter((p) => p.uri === uriOf(file)).at(-1);
  const old = last(path.join(legacy, 'pgbouncer.ini'));
  const now = last(path.join(current, 'pgbouncer.ini'));
  assert.ok(old && now);
  // legacy/.pgbouncerlintrc.json turns the warning off there only
  assert.ok(!codes(old).includes('auth-type-insecure'), codes(old).join(', '));
  assert.ok(codes(now).includes('auth-type-insecure'), codes(now).join(', '));
  // runDirectory "run" is relative to the legacy folder, where userlist.txt is
  assert.ok(!codes(old).includes('file-not-found'), codes(old).join(', '));
  const missing = now.diagnostics.find((d) => d.code === 'file-not-found');
  assert.ok(missing, codes(now).join(', '));
  const message = String(missing.message);
  assert.ok(message.includes(path.join(current, 'userlist.txt')), message);
});

test('the audit report names the workspace folder and the target of that folder', async () => {
  const { markdown } = await client.connection.sendRequest(auditReport, {
    uri: uriOf(path.join(legacy, 'pgbouncer.ini')),
  });
  assert.match(markdown, /^- \*\*Workspace folder:\*\* legacy$/m);
  assert.match(markdown, /^- \*\*Target PgBouncer version:\*\* 1\.20/m);
  const other = await client.connection.sendRequest(auditReport, {
    uri: uriOf(path.join(current, 'pgbouncer.ini')),
  });
  assert.match(other.markdown, /^- \*\*Workspace folder:\*\* current$/m);
});

test('a folder added at run time gets its deployment diagnostics; removed, they are cleared', async () => {
  const composeUri = uriOf(path.join(added, 'docker-compose.yml'));
  assert.ok(!client.published.some((p) => p.uri === composeUri));
  const found = client.nextDiagnostics(
    composeUri,
    (p) => codes(p).includes('deployment-bypasses-pooler'),
    30_000,
  );
  await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
    event: { added: [{ uri: uriOf(added), name: 'added' }], removed: [] },
  });
  await found;
  const cleared = client.nextDiagnostics(composeUri, (p) => p.diagnostics.length === 0, 30_000);
  await client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
    event: { added: [], removed: [{ uri: uriOf(added), name: 'added' }] },
  });
  await cleared;
});
