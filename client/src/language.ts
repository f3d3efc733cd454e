// Language tools of the client: the "Treat This File as a PgBouncer Configuration" command, and
// the offer to do so for an .ini file that looks like one. The look is detect.ts, a bundle of its own
// (dist/detect.js, with the parser and the settings catalog) loaded when the first .ini file shows up.
import * as vscode from 'vscode';
import type { ExtensionContext, TextDocument } from 'vscode';
import { LANGUAGE_ID } from '../../server/src/api';
import type * as DetectBundle from './detect';
import { lazyBundle } from './lazy';

export const USE_FOR_FILE_COMMAND = 'pgbouncer.useForFile';

const detect = lazyBundle<typeof DetectBundle>('detect.js');

/** Files whose offer was refused with "No", by URI; kept per workspace. */
const DECLINED_KEY = 'pgbouncer.declinedFiles';
/** Enough to remember every refusal anyone makes; the oldest are forgotten beyond it. */
const MAX_DECLINED = 500;

const OFFER = 'This looks like a PgBouncer configuration. Use PgBouncer Config for it?';
const YES = 'Yes';
const ALWAYS = 'Always for this workspace';
const NO = 'No';

async function switchLanguage(document: TextDocument): Promise<boolean> {
  if (document.languageId === LANGUAGE_ID) return true;
  if (document.isClosed) return false;
  try {
    await vscode.languages.setTextDocumentLanguage(document, LANGUAGE_ID);
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`PgBouncer: could not switch the file's language: ${reason}`);
    return false;
  }
}

/** Maps the file's name to pgbouncer-ini in the workspace's files.associations. */
async function associateInWorkspace(document: TextDocument): Promise<void> {
  const files = vscode.workspace.getConfiguration('files', document.uri);
  const current = files.inspect<Record<string, string>>('associations')?.workspaceValue;
  const updated = detect().withAssociation(current, document.uri.path, LANGUAGE_ID);
  try {
    await files.update('associations', updated, vscode.ConfigurationTarget.Workspace);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(`PgBouncer: could not update files.associations: ${reason}`);
  }
}

async function useForFile(uri?: unknown): Promise<void> {
  const document =
    uri instanceof vscode.Uri
      ? await vscode.workspace.openTextDocument(uri)
      : vscode.window.activeTextEditor?.document;
  if (!document) {
    void vscode.window.showErrorMessage(
      'PgBouncer: open the file to treat as a PgBouncer configuration first.',
    );
    return;
  }
  await switchLanguage(document);
}

export function registerLanguageTools(context: ExtensionContext): void {
  // Offered once per file and session; a "No" is remembered for good.
  const offered = new Set<string>();

  const offer = async (document: TextDocument): Promise<void> => {
    if (document.languageId !== 'ini') return;
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return;
    const key = document.uri.toString();
    if (offered.has(key)) return;
    const declined = context.workspaceState.get<string[]>(DECLINED_KEY, []);
    if (declined.includes(key) || !detect().looksLikePgBouncerConfig(document.getText())) return;
    offered.add(key);
    const choices = vscode.workspace.workspaceFolders?.length ? [YES, ALWAYS, NO] : [YES, NO];
    const choice = await vscode.window.showInformationMessage(OFFER, ...choices);
    if (choice === YES) {
      await switchLanguage(document);
    } else if (choice === ALWAYS) {
      await associateInWorkspace(document);
      await switchLanguage(document);
    } else if (choice === NO) {
      const kept = context.workspaceState.get<string[]>(DECLINED_KEY, []).filter((uri) => uri !== key);
      await context.workspaceState.update(DECLINED_KEY, [...kept, key].slice(-MAX_DECLINED));
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(USE_FOR_FILE_COMMAND, useForFile),
    vscode.workspace.onDidOpenTextDocument((document) => void offer(document)),
    // Switching a pgbouncer-ini file back to ini closes and reopens it: that is no time to ask.
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (document.languageId === LANGUAGE_ID) offered.add(document.uri.toString());
    }),
  );
  // The document that activated the extension is already open.
  for (const document of vscode.workspace.textDocuments) void offer(document);
}
