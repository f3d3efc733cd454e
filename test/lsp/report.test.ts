// The pgbouncer/auditReport request of the built language server (dist/server.js), over stdio.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, RequestType, ResponseError } from 'vscode-languageserver-protocol';
import { AUDIT_REPORT_REQUEST } from '../../server/src/protocol';
import type { AuditReportParams, AuditReportResult } from '../../server/src/protocol';
import { escapeMarkdown } from '../../server/src/report/audit-report';
import { LspClient } from '../support/lsp-client';

const auditReport = new RequestType<AuditReportParams, AuditReportResult, void>(AUDIT_REPORT_REQUEST);

// Not on disk: the server reports on the open document's text.
const FOLDER = path.join(os.tmpdir(), 'pgbouncer-lsp-report');
const FILE = path.join(FOLDER, 'pgbouncer.ini');
const URI = pathToFileURL(FILE).toString();
const TEXT = '[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 0\nbogus = 1\n';

let client: LspClient;

before(async () => {
  client = await LspClient.start();
  client.settingsFor = () => ({
    targetVersion: '1.21',
    rules: { '*': 'off', 'client-idle-timeout-disabled': 'warning' },
  });
});

after(async () => {
  assert.equal(await client.stop(), 0);
});

function request(uri: string): Promise<AuditReportResult> {
  return client.connection.sendRequest(auditReport, { uri });
}

test('pgbouncer/auditReport returns the Markdown report of an open document, with file: line links', async () => {
  const published = await client.open(URI, TEXT, 1);
  const { markdown } = await request(URI);
  // No workspace folder: the file is named by its full path.
  assert.ok(markdown.startsWith(`# PgBouncer configuration audit: ${escapeMarkdown(FILE)}\n`), markdown);
  assert.match(markdown, /\n- \*\*Target PgBouncer version:\*\* 1\.21\n/);
  assert.match(markdown, /\n- \*\*Date:\*\* \d{4}-\d{2}-\d{2}\n/);
  assert.match(markdown, /> \*\*PgBouncer would refuse to start with this configuration\*\*/);
  assert.match(markdown, /\n## Scores\n/);
  assert.match(markdown, /\n\| Timeouts +\| 8\/10 +\|/);
  assert.match(markdown, /\n\| PgBouncer acceptance +\| 6\/10 +\|/);

  // One link per finding, to the line of its diagnostic.
  const links = [...markdown.matchAll(/\]\(<([^>#]+)#L(\d+)>\)/g)];
  assert.ok(links.length > 0);
  for (const [, target] of links) assert.equal(target, URI);
  const diagnosticLines = new Set(published.diagnostics.map((d) => d.range.start.line + 1));
  assert.deepEqual(diagnosticLines, new Set([3, 4]));
  assert.deepEqual(new Set(links.map(([, , line]) => Number(line))), diagnosticLines);

  // The unknown key may be a misspelt client_idle_timeout: the recommended fix waits for it.
  assert.match(
    markdown,
    /\n {2}- Fix \(recommended, changes behaviour: --fix=all; held back while line 4 has an error: unknown-setting\): Set client_idle_timeout = 900 \(15 minutes\)\n/,
  );
  assert.doesNotMatch(markdown, /## Changes --fix makes|## Further changes with --fix=all/);
  assert.match(markdown, /## Needs a human decision\n[\s\S]*`unknown-setting`/);
});

test('pgbouncer/auditReport follows edits: the report is of the current version', async () => {
  await client.change(URI, 2, [
    { text: '[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 600\n' },
  ]);
  const { markdown } = await request(URI);
  assert.match(markdown, /\*\*Overall rating: 10\/10, Production-ready\.\*\*/);
  assert.doesNotMatch(markdown, /## Changes --fix makes|would refuse to start with this configuration/);
  await client.close(URI);
});

test('pgbouncer/auditReport of a document that is not open is an InvalidParams error', async () => {
  await assert.rejects(request(pathToFileURL(path.join(FOLDER, 'other.ini')).toString()), (error) => {
    assert.ok(error instanceof ResponseError);
    assert.equal(error.code, ErrorCodes.InvalidParams);
    assert.match(error.message, /is not open/);
    return true;
  });
});

test('pgbouncer/auditReport of an untitled document has no links', async () => {
  const uri = 'untitled:Untitled-1';
  await client.open(uri, '[pgbouncer]\nbogus = 1\n', 1);
  const { markdown } = await request(uri);
  assert.match(markdown, /^# PgBouncer configuration audit: untitled:Untitled-1\n/);
  assert.match(markdown, /\n- untitled:Untitled-1:2: Unknown setting 'bogus'/);
  assert.doesNotMatch(markdown, /#L\d/);
  await client.close(uri);
});

test('pgbouncer/auditReport of a workspace deployment pgbouncer.ini is followed by the deployment sections', async () => {
  const folder = path.resolve(__dirname, '..', 'fixtures', 'deployments', 'report-ini');
  const ini = path.join(folder, 'pgbouncer', 'pgbouncer.ini');
  const uri = pathToFileURL(ini).toString();
  const workspace = await LspClient.start({ workspaceFolders: [folder] });
  try {
    await workspace.open(uri, fs.readFileSync(ini, 'utf8'), 1);
    const { markdown } = await workspace.connection.sendRequest(auditReport, { uri });
    assert.match(markdown, /^# PgBouncer configuration audit: pgbouncer\/pgbouncer\.ini\n/);
    assert.match(markdown, /\n---\n\n# PgBouncer deployment audit: report-ini\n/);
    assert.match(
      markdown,
      /\n## Services bypassing the pooler\n[\s\S]*\| billing +\| `DATABASE_URL` \| `postgres:5432` /,
    );
    assert.match(markdown, /\(pgbouncer\): this file, reported above/);
    assert.doesNotMatch(markdown, /correct-horse-battery-staple|Tr0ub4dor|plain-userlist-secret/);
  } finally {
    assert.equal(await workspace.stop(), 0);
  }
});
