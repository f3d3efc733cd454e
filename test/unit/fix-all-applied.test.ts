// The client's provideCodeActions middleware (client/src/fix-all-applied.ts): the server's Fix All
// action gets the command that completes the walkthrough's Fix All step, wherever VS Code applies it
// (Source Action menu, on save). The end-to-end check is test/e2e/walkthrough.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeAction, Command } from 'vscode';
import { FIX_ALL_APPLIED_COMMAND, FIX_ALL_KIND, withFixAllApplied } from '../../client/src/fix-all-applied';
import { FIX_ALL_KIND as SERVER_FIX_ALL_KIND } from '../../server/src/features/codeActions';

/** A CodeAction as vscode-languageclient hands it over: its kind is a CodeActionKind, with `value`. */
function action(title: string, kind: string, command?: Command): CodeAction {
  return { title, kind: { value: kind }, edit: undefined, command } as unknown as CodeAction;
}

test('the client knows the server’s Fix All kind', () => {
  assert.equal(FIX_ALL_KIND, SERVER_FIX_ALL_KIND);
});

test('the Fix All action gets the command; quick fixes, commands and an action with a command do not', () => {
  const fixAll = action('Fix all PgBouncer problems that have a safe fix', FIX_ALL_KIND);
  const quickFix = action('Remove the earlier max_client_conn line', 'quickfix');
  const other = action('Fix all of another extension', 'source.fixAll.other');
  const own: Command = { command: 'someone.else', title: 'theirs' };
  const withCommand = action('Fix all, with a command of its own', FIX_ALL_KIND, own);
  const bare: Command = { command: 'pgbouncer.openExample', title: 'a command' };
  const answer = withFixAllApplied<CodeAction | Command>([quickFix, fixAll, other, withCommand, bare]);
  assert.deepEqual(
    answer?.map((a) => a.command),
    [undefined, { command: FIX_ALL_APPLIED_COMMAND, title: 'Fix All applied' }, undefined, own, bare.command],
  );
  assert.equal(withFixAllApplied(undefined), undefined);
  assert.equal(withFixAllApplied(null), null);
});
