// pgbouncer.pools.reloadFromEditor: RELOAD after checking the open file, refused while it has errors
// or unsaved changes. The RELOAD preview offers it too, for the instance and file it previewed.

import * as vscode from 'vscode';
import type { InstanceSettings } from '../instance';
import type { CommandFactory, PoolsContext } from '../context';
import { actionSentence } from '../model/actions';
import { activeConfig, previewFor } from '../reload-check';

/** RELOAD of `given` (else one the user picks) with `givenDocument` (else the active pgbouncer.ini). */
export async function reloadFromEditor(
  ctx: PoolsContext,
  given?: InstanceSettings,
  givenDocument?: vscode.TextDocument,
): Promise<void> {
  const document = givenDocument ?? activeConfig();
  if (!document) return;
  const instance = given ?? (await ctx.pickInstance('Instance to RELOAD'));
  if (!instance) return;
  if (document.isDirty) {
    const save = 'Save';
    const answer = await vscode.window.showWarningMessage(
      'PgBouncer reads the file from disk on RELOAD: save it first.',
      { modal: true },
      save,
    );
    if (answer !== save || !(await document.save())) return;
  }
  const preview = await previewFor(ctx, document, instance);
  if (!preview) return;
  if (!preview.reloadAllowed) {
    void vscode.window.showErrorMessage(
      `RELOAD not run: ${preview.warnings[0] ?? 'the file has errors.'} Run "PgBouncer: Preview RELOAD" for the details.`,
    );
    return;
  }
  const summary = `${preview.changes.length} setting change(s)${
    preview.needRestart.length ? `, ${preview.needRestart.length} that only a restart applies` : ''
  }${preview.databases.length ? `, ${preview.databases.length} database change(s)` : ''}.`;
  const conffileNote = preview.warnings.find((warning) => warning.startsWith('PgBouncer reads'));
  const label = `RELOAD ${instance.name}`;
  const answer = await vscode.window.showWarningMessage(
    `${actionSentence('RELOAD', { instance: instance.name })} ${summary}${conffileNote ? ` ${conffileNote}` : ''}`,
    { modal: true },
    label,
  );
  if (answer !== label) return;
  try {
    await ctx.monitor.run(instance.name, 'RELOAD');
    void vscode.window.showInformationMessage(`PgBouncer ${instance.name}: RELOAD done.`);
  } catch (error) {
    ctx.showError(`RELOAD on ${instance.name}`, error);
  }
}

// Not the tree item: run from the palette or the editor, the command asks for the instance.
export const reloadFromEditorCommand: CommandFactory = (ctx) => () => reloadFromEditor(ctx);
