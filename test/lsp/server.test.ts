import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest } from 'vscode-languageserver-protocol';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  loadFixtures,
  portableMessage,
  relevant,
  runDirectoryOf,
  sortDiagnostics,
} from '../support/fixtures';
import type { ExpectedDiagnostic, Fixture } from '../support/fixtures';
import { LspClient } from '../support/lsp-client';

const SEVERITY = ['', 'error', 'warning', 'information', 'hint'] as const;

function asExpected(diagnostics: Diagnostic[]): ExpectedDiagnostic[] {
  return sortDiagnostics(
    diagnostics.map((d) => ({
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      endLine: d.range.end.line + 1,
      endColumn: d.range.end.character + 1,
      severity: SEVERITY[d.severity ?? 1] as ExpectedDiagnostic['severity'],
      code: String(d.code),
      message: portableMessage(typeof d.message === 'string' ? d.message : d.message.value),
    })),
  );
}

const fixtures = loadFixtures();
const byUri = new Map<string, Fixture>(fixtures.map((f) => [pathToFileURL(f.iniPath).toString(), f]));
let client: LspClient;

before(async () => {
  client = await LspClient.start();
  client.settingsFor = (item) => {
    const fixture = item.scopeUri ? byUri.get(item.scopeUri) : undefined;
    return {
      targetVersion: fixture?.expected.targetVersion ?? '',
      runDirectory: fixture ? (runDirectoryOf(fixture) ?? '') : '',
      // Documents made up by the tests below check PgBouncer's own checks only.
      rules: fixture ? {} : { '*': 'off' },
    };
  };
});

after(async () => {
  const code = await client.stop();
  assert.equal(code, 0, 'the server exits with 0 after shutdown and exit');
});

test('the server announces incremental text sync', () => {
  assert.equal(
    client.initializeResult?.capabilities.textDocumentSync &&
      typeof client.initializeResult.capabilities.textDocumentSync === 'object'
      ? client.initializeResult.capabilities.textDocumentSync.change
      : undefined,
    2,
  );
});

for (const fixture of fixtures) {
  test(`diagnostics over stdio match fixture ${fixture.name}`, async () => {
    const uri = pathToFileURL(fixture.iniPath).toString();
    const published = await client.open(uri, fixture.text, 1);
    assert.equal(published.version, 1);
    assert.deepEqual(relevant(fixture, asExpected(published.diagnostics)), fixture.expected.diagnostics);
    await client.close(uri);
  });
}

test('an edit publishes diagnostics for the new version, and closing clears them', async () => {
  const uri = 'file:///tmp/pgbouncer-lsp-edit/pgbouncer.ini';
  const opened = await client.open(uri, '[pgbouncer]\nmax_client_conn = 100\n', 1);
  assert.deepEqual(opened.diagnostics, []);
  // Replace "100" with "10s": an invalid integer.
  const changed = await client.change(uri, 2, [
    { range: { start: { line: 1, character: 18 }, end: { line: 1, character: 21 } }, text: '10s' },
  ]);
  assert.equal(changed.version, 2);
  assert.equal(changed.diagnostics.length, 1);
  assert.equal(changed.diagnostics[0].code, 'invalid-value');
  assert.deepEqual(changed.diagnostics[0].range, {
    start: { line: 1, character: 18 },
    end: { line: 1, character: 21 },
  });
  const fixed = await client.change(uri, 3, [
    { range: { start: { line: 1, character: 20 }, end: { line: 1, character: 21 } }, text: '' },
  ]);
  assert.deepEqual(fixed.diagnostics, []);
  const closed = await client.close(uri);
  assert.deepEqual(closed.diagnostics, []);
});

test('the target version comes from the client settings of each document', async () => {
  const uri = 'file:///tmp/pgbouncer-lsp-target/pgbouncer.ini';
  const previous = client.settingsFor;
  client.settingsFor = (item) =>
    item.scopeUri === uri ? { targetVersion: '1.18', rules: { '*': 'off' } } : previous(item);
  try {
    const published = await client.open(uri, '[pgbouncer]\nmax_prepared_statements = 100\n', 1);
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      ['newer-than-target'],
    );
    await client.close(uri);
  } finally {
    client.settingsFor = previous;
  }
});

test('the server never crashes on binary or broken text', async () => {
  const uri = 'file:///tmp/pgbouncer-lsp-binary/pgbouncer.ini';
  const junk = "\uFEFF\0\x01[\r[pg\n%include \n'=\n= =\n" + 'x'.repeat(10000) + "\n[databases]\n*='";
  const published = await client.open(uri, junk, 1);
  assert.ok(published.diagnostics.length > 0);
  for (const d of published.diagnostics) assert.ok(d.range.start.line >= 0 && d.range.end.line < 20);
  await client.close(uri);
});

test('a target version that is no release is reported to the user once, and the newest release is used', async () => {
  const uri = 'file:///tmp/pgbouncer-lsp-badtarget/pgbouncer.ini';
  const previous = client.settingsFor;
  client.settingsFor = (item) =>
    item.scopeUri === uri ? { targetVersion: '7.7', rules: { '*': 'off' } } : previous(item);
  try {
    const published = await client.open(uri, '[pgbouncer]\nmax_prepared_statements = 100\n', 1);
    assert.deepEqual(published.diagnostics, []);
    const warnings = client.messages.filter((m) => m.message.includes('"7.7"'));
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].type, 2);
    await client.close(uri);
  } finally {
    client.settingsFor = previous;
  }
});

test('a quick fix from the light bulb removes its warning; fix-all applies the safe fixes only', async () => {
  const uri = 'file:///tmp/pgbouncer-lsp-fixes/pgbouncer.ini';
  const previous = client.settingsFor;
  // Only the rules this test is about, so that the text stays small.
  const rules = {
    '*': 'off',
    'client-idle-timeout-disabled': 'warning',
    'unused-suppression': 'information',
  };
  client.settingsFor = (item) => (item.scopeUri === uri ? { targetVersion: '1.18', rules } : previous(item));
  try {
    const text = '[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 0\n';
    const opened = await client.open(uri, text, 1);
    const warning = opened.diagnostics.find((d) => d.code === 'client-idle-timeout-disabled');
    assert.ok(warning, 'the warning is published');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: warning.range,
      context: { diagnostics: [warning] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind]),
      [
        ['Set client_idle_timeout = 900 (15 minutes) (changes behaviour)', 'quickfix'],
        ['Disable client-idle-timeout-disabled for this line', 'quickfix'],
      ],
    );
    assert.equal(actions[0].isPreferred, true);
    const edits = actions[0].edit?.changes?.[uri] ?? [];
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'pgbouncer-ini', 1, text), edits);
    assert.equal(fixed, '[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 900\n');
    const after = await client.change(uri, 2, [{ text: fixed }]);
    assert.deepEqual(after.diagnostics, []);

    // "Fix all" on save asks for source.fixAll only, and changes nothing PgBouncer does: it removes
    // the line without effect and leaves the recommended timeout to the user.
    const twice = '[pgbouncer]\nlisten_addr = 127.0.0.1\nclient_idle_timeout = 0\nclient_idle_timeout = 0\n';
    await client.change(uri, 3, [{ text: twice }]);
    const fixAll = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    assert.deepEqual(
      fixAll.map((a) => a.kind),
      ['source.fixAll.pgbouncer'],
    );
    const all = TextDocument.applyEdits(
      TextDocument.create(uri, 'pgbouncer-ini', 3, twice),
      fixAll[0].edit?.changes?.[uri] ?? [],
    );
    assert.equal(all, text);
    await client.close(uri);
  } finally {
    client.settingsFor = previous;
  }
});

test('a suppression comment hides a warning, and an unused one is reported', async () => {
  const uri = 'file:///tmp/pgbouncer-lsp-suppress/pgbouncer.ini';
  const previous = client.settingsFor;
  client.settingsFor = (item) =>
    item.scopeUri === uri
      ? { targetVersion: '1.18', rules: { '*': 'off', 'client-idle-timeout-disabled': 'warning' } }
      : previous(item);
  try {
    const text =
      '[pgbouncer]\n; pgbouncer-lint: disable-next-line client-idle-timeout-disabled\nclient_idle_timeout = 0\n' +
      '; pgbouncer-lint: disable-next-line octal-number\nmax_client_conn = 100\n';
    const published = await client.open(uri, text, 1);
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.range.start.line]),
      [['unused-suppression', 3]],
    );
    await client.close(uri);
  } finally {
    client.settingsFor = previous;
  }
});
