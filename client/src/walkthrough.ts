// The commands of the "Get Started with PgBouncer Config" walkthrough (contributes.walkthroughs).
// Its buttons are clicked on the walkthrough page, where no text editor is active, while the commands
// they stand for (audit, Fix All, alert rules) work on the active pgbouncer.ini: each button's command
// brings the last pgbouncer.ini editor back first, then runs the real one. The walkthrough's steps
// complete on these commands and on the real ones (run from the palette or the editor's title bar);
// Fix All also on the command its code action runs after its edit (fix-all-applied.ts).
import * as vscode from 'vscode';
import type { ExtensionContext, TextEditor } from 'vscode';
import { FIX_ALL_APPLIED_COMMAND, FIX_ALL_KIND } from './fix-all-applied';

export const OPEN_EXAMPLE_COMMAND = 'pgbouncer.openExample';
export const WALKTHROUGH_AUDIT_COMMAND = 'pgbouncer.walkthrough.audit';
export const WALKTHROUGH_FIX_ALL_COMMAND = 'pgbouncer.walkthrough.fixAll';
export const WALKTHROUGH_ALERTS_COMMAND = 'pgbouncer.walkthrough.generateAlertRules';

const LANGUAGE = 'pgbouncer-ini';

export function registerWalkthrough(
  context: ExtensionContext,
  commands: { audit: string; generateAlertRules: string },
): void {
  let last: TextEditor | undefined = [
    vscode.window.activeTextEditor,
    ...vscode.window.visibleTextEditors,
  ].find((editor) => editor?.document.languageId === LANGUAGE);
  const remember = (editor: TextEditor | undefined) => {
    if (editor?.document.languageId === LANGUAGE) last = editor;
  };

  /** The pgbouncer.ini to work on, shown and active; undefined (and said) when none is open. */
  const configurationEditor = async (): Promise<TextEditor | undefined> => {
    const active = vscode.window.activeTextEditor;
    if (active?.document.languageId === LANGUAGE) return active;
    const document =
      last && !last.document.isClosed
        ? last.document
        : vscode.workspace.textDocuments.find((d) => d.languageId === LANGUAGE);
    if (!document) {
      const open = 'Open the Example';
      const answer = await vscode.window.showInformationMessage(
        'PgBouncer: open a pgbouncer.ini first, or the bundled example.',
        open,
      );
      if (answer === open) await vscode.commands.executeCommand(OPEN_EXAMPLE_COMMAND);
      return undefined;
    }
    return vscode.window.showTextDocument(document, {
      viewColumn: last?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: false,
    });
  };

  const inConfiguration = (run: () => Thenable<unknown>) => async () => {
    if (await configurationEditor()) await run();
  };

  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(remember),
    vscode.commands.registerCommand(OPEN_EXAMPLE_COMMAND, async () => {
      // An untitled document: nothing is written into the workspace until the user saves it. With a
      // folder open it is named after a free path in it, so that saving asks nothing.
      const example = vscode.Uri.joinPath(context.extensionUri, 'examples', 'pgbouncer.ini');
      const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(example));
      const target = await freeFileIn(vscode.workspace.workspaceFolders?.[0]?.uri);
      const document = target
        ? await vscode.workspace.openTextDocument(target.with({ scheme: 'untitled' }))
        : await vscode.workspace.openTextDocument({ language: LANGUAGE, content });
      const editor = await vscode.window.showTextDocument(document, { preview: false });
      if (target) {
        await vscode.languages.setTextDocumentLanguage(document, LANGUAGE);
        await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), content));
      }
      remember(vscode.window.activeTextEditor);
    }),
    vscode.commands.registerCommand(
      WALKTHROUGH_AUDIT_COMMAND,
      inConfiguration(() => vscode.commands.executeCommand(commands.audit)),
    ),
    vscode.commands.registerCommand(
      WALKTHROUGH_FIX_ALL_COMMAND,
      inConfiguration(() =>
        vscode.commands.executeCommand('editor.action.sourceAction', { kind: FIX_ALL_KIND, apply: 'first' }),
      ),
    ),
    // The server's Fix All was applied, from wherever: the step completes on this command's run.
    vscode.commands.registerCommand(FIX_ALL_APPLIED_COMMAND, () => undefined),
    vscode.commands.registerCommand(WALKTHROUGH_ALERTS_COMMAND, async () => {
      const editor = await configurationEditor();
      if (!editor) return;
      if (editor.document.isUntitled) {
        // The rules are written beside the configuration: it needs a place on disk first.
        const save = 'Save';
        const answer = await vscode.window.showInformationMessage(
          'PgBouncer: the alert rules are written beside the configuration. Save it first?',
          save,
        );
        if (answer !== save || !(await editor.document.save())) return;
        const saved = vscode.window.activeTextEditor;
        if (saved?.document.languageId !== LANGUAGE || saved.document.isUntitled) return;
      }
      await vscode.commands.executeCommand(commands.generateAlertRules);
    }),
  );
}

/** pgbouncer.ini in the folder, or pgbouncer-example.ini, pgbouncer-example-2.ini… if taken. */
async function freeFileIn(folder: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (!folder || folder.scheme !== 'file') return undefined;
  for (let n = 1; n < 100; n++) {
    const name =
      n === 1 ? 'pgbouncer.ini' : n === 2 ? 'pgbouncer-example.ini' : `pgbouncer-example-${n - 1}.ini`;
    const candidate = vscode.Uri.joinPath(folder, name);
    const taken = await vscode.workspace.fs.stat(candidate).then(
      () => true,
      () => false,
    );
    const open = vscode.workspace.textDocuments.some((d) => d.uri.path === candidate.path);
    if (!taken && !open) return candidate;
  }
  return undefined;
}
