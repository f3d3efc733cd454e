// Fix All is applied from the palette (editor.action.fixAll), the Source Action menu, the editor's
// context menu or on save (editor.codeActionsOnSave with source.fixAll). Only the palette command is
// an event the walkthrough sees; VS Code runs a code action's command after its edit wherever the
// action is applied, so the server's Fix All action gets a command that tells the walkthrough.
import type { CodeAction, Command } from 'vscode';

/** The server's Fix All code action kind (FIX_ALL_KIND in server/src/features/codeActions.ts). */
export const FIX_ALL_KIND = 'source.fixAll.pgbouncer';
/** Run after the server's Fix All edit; the walkthrough's Fix All step completes on it. */
export const FIX_ALL_APPLIED_COMMAND = 'pgbouncer.walkthrough.fixAllApplied';

/**
 * The actions of a provideCodeActions answer, the server's Fix All action given the command above.
 * An action that already has a command keeps it (a second one cannot be added).
 */
export function withFixAllApplied<T extends Command | CodeAction>(
  actions: T[] | null | undefined,
): T[] | null | undefined {
  for (const action of actions ?? []) {
    // (a Command's `command` is its id: never undefined)
    if (action.command !== undefined) continue;
    if ((action as CodeAction).kind?.value !== FIX_ALL_KIND) continue;
    (action as CodeAction).command = { command: FIX_ALL_APPLIED_COMMAND, title: 'Fix All applied' };
  }
  return actions;
}
