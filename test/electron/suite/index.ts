// The end-to-end scenarios of test/e2e, through the VS Code extension API instead of the DOM: runs inside
// the extension host of a VS Code that @vscode/test-electron downloaded (see ../run.ts). VS Code calls
// run(); a rejected promise fails the run. No test framework: node:assert and a list of scenarios.
//
// The workspace (broken/pgbouncer.ini, duplicate/pgbouncer.ini, edit/pgbouncer.ini) is written by run.ts,
// with the same contents as test/e2e/editor.test.ts.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'pgbouncer-config.pgbouncer-config';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something truthy. */
async function waitFor<T>(
  what: string,
  probe: () => T | PromiseLike<T>,
  timeoutMs = 60_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await sleep(100);
  }
}

function file(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, relative);
}

async function open(relative: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(file(relative));
  const editor = await vscode.window.showTextDocument(document);
  assert.equal(document.languageId, 'pgbouncer-ini', `${relative} is a PgBouncer config`);
  return editor;
}

function lineOf(document: vscode.TextDocument, text: string): number {
  for (let line = 0; line < document.lineCount; line++) {
    if (document.lineAt(line).text.includes(text)) return line;
  }
  throw new Error(`no line with ${text} in ${document.uri.fsPath}`);
}

function markdownText(contents: (vscode.MarkdownString | vscode.MarkedString)[]): string {
  return contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')).join('\n');
}

const scenarios: [string, () => Promise<void>][] = [
  [
    'a broken pgbouncer.ini gets an error diagnostic',
    async () => {
      const editor = await open('broken/pgbouncer.ini');
      const error = await waitFor('the inline-comment error', () =>
        vscode.languages
          .getDiagnostics(editor.document.uri)
          .find((d) => d.severity === vscode.DiagnosticSeverity.Error && d.code === 'invalid-value'),
      );
      assert.equal(error.source, 'pgbouncer');
      assert.equal(error.range.start.line, lineOf(editor.document, 'server_idle_timeout'));
      assert.match(error.message, /Invalid value '600 # ten minutes' for server_idle_timeout/);
    },
  ],
  [
    'a warning whose quick fix makes it go away',
    async () => {
      const editor = await open('duplicate/pgbouncer.ini');
      const uri = editor.document.uri;
      const warning = await waitFor('the duplicate-setting warning', () =>
        vscode.languages.getDiagnostics(uri).find((d) => d.code === 'duplicate-setting'),
      );
      assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        warning.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const fix = actions.find((a) => a.title.startsWith('Remove the earlier max_client_conn line'));
      assert.ok(fix?.edit, `quick fixes offered: ${actions.map((a) => a.title).join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      await waitFor('the warning to go away', () =>
        vscode.languages.getDiagnostics(uri).every((d) => d.code !== 'duplicate-setting'),
      );
      assert.equal(editor.document.getText().match(/^max_client_conn = /gm)?.length, 1);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    },
  ],
  [
    'completion of a key in [pgbouncer]',
    async () => {
      const editor = await open('edit/pgbouncer.ini');
      const empty = lineOf(editor.document, 'query_timeout') + 1;
      assert.equal(editor.document.lineAt(empty).text, '');
      const list = await waitFor('completion items', async () => {
        const result = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          editor.document.uri,
          new vscode.Position(empty, 0),
        );
        return result.items.length > 0 ? result : undefined;
      });
      const labels = list.items.map((item) =>
        typeof item.label === 'string' ? item.label : item.label.label,
      );
      assert.ok(labels.includes('ignore_startup_parameters'), `labels: ${labels.slice(0, 20).join(', ')}`);
    },
  ],
  [
    'hover over a key shows what it means',
    async () => {
      const editor = await open('edit/pgbouncer.ini');
      const line = lineOf(editor.document, 'listen_port');
      const hovers = await waitFor('a hover', async () => {
        const result = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          editor.document.uri,
          new vscode.Position(line, 3),
        );
        return result.length > 0 ? result : undefined;
      });
      const text = hovers.map((h) => markdownText(h.contents)).join('\n');
      assert.match(text, /listen_port/);
      assert.match(text, /Port for TCP connections/);
      assert.match(text, /6432/);
    },
  ],
  [
    'the outline lists the sections and their entries',
    async () => {
      const editor = await open('edit/pgbouncer.ini');
      const symbols = await waitFor('document symbols', () =>
        vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
          'vscode.executeDocumentSymbolProvider',
          editor.document.uri,
        ),
      );
      const names = symbols.map((s) => s.name);
      const databases = symbols.find((s) => /databases/.test(s.name));
      const pgbouncer = symbols.find((s) => /pgbouncer/.test(s.name));
      assert.ok(databases && pgbouncer, `sections: ${names.join(', ')}`);
      assert.deepEqual(
        databases.children.map((c) => c.name),
        ['appdb', 'reports'],
      );
      assert.ok(pgbouncer.children.some((c) => c.name === 'listen_port'));
    },
  ],
  [
    '"PgBouncer: Audit Configuration" opens the Markdown report',
    async () => {
      await open('broken/pgbouncer.ini');
      await vscode.commands.executeCommand('pgbouncer.auditConfiguration');
      const report = await waitFor('the report', () =>
        vscode.window.visibleTextEditors.find(
          (e) =>
            e.document.languageId === 'markdown' &&
            e.document.getText().startsWith('# PgBouncer configuration audit'),
        ),
      );
      assert.match(report.document.getText(), /would refuse to start/);
    },
  ],
  [
    'the Pool Status view connects to the configured PgBouncer',
    async () => {
      // run.ts configured pgbouncer.instances for a PgBouncer that trusts the admin user (no password:
      // SecretStorage cannot be filled through the API) and checks PgBouncer's log afterwards.
      if (!process.env.E2E_POOL_INSTANCE) return;
      await vscode.commands.executeCommand('pgbouncer.pools.show');
      await vscode.commands.executeCommand('pgbouncer.pools.refresh');
      await sleep(3000); // the view refreshes every second; run.ts reads PgBouncer's log
    },
  ],
];

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  const failures: string[] = [];
  for (const [name, scenario] of scenarios) {
    const started = Date.now();
    try {
      await scenario();
      console.log(`ok - ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failures.push(name);
      console.log(`not ok - ${name}\n${error instanceof Error ? error.stack : String(error)}`);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }
  console.log(`${scenarios.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length > 0) throw new Error(`failed: ${failures.join('; ')}`);
}
