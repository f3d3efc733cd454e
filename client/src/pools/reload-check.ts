// What both RELOAD commands start from: the active pgbouncer.ini, and its RELOAD preview against the
// running configuration of one instance.

import * as vscode from 'vscode';
import {
  analyseWithFileSnapshot,
  LANGUAGE_ID,
  resolveRunDirectory,
  SETTINGS_SECTION,
} from '../../../server/src/api';
import type { InstanceSettings } from './instance';
import type { PoolsContext } from './context';
import { reloadPreview } from './model/reload-preview';
import type { ReloadPreview } from './model/reload-preview';
import { readRunningConfig } from './monitor';

/** The active editor's pgbouncer.ini; says so and gives undefined when it is something else. */
export function activeConfig(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== LANGUAGE_ID) {
    void vscode.window.showErrorMessage(
      'PgBouncer: open a pgbouncer.ini (language "PgBouncer config") first.',
    );
    return undefined;
  }
  return document;
}

/** The preview of a RELOAD of the document on one instance (null when it cannot be built). */
export async function previewFor(
  ctx: PoolsContext,
  document: vscode.TextDocument,
  instance: InstanceSettings,
): Promise<ReloadPreview | null> {
  const client = ctx.monitor.client(instance.name);
  if (!client) return null;
  try {
    const running = await readRunningConfig(client);
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    const runDirectorySetting = vscode.workspace
      .getConfiguration(SETTINGS_SECTION, document.uri)
      .get<string>('runDirectory', '');
    // Included files are read off the extension host's event loop, as in the language server.
    const text = document.getText();
    const runDirectory = resolveRunDirectory(runDirectorySetting, document.uri.fsPath, folders);
    return await analyseWithFileSnapshot((fileSystem) =>
      reloadPreview({
        instance: instance.name,
        text,
        filePath: document.uri.fsPath,
        config: running.config,
        databases: running.databases,
        version: running.version,
        runDirectory,
        fileSystem,
      }),
    );
  } catch (error) {
    ctx.showError(`Reading ${instance.name}'s configuration`, error);
    return null;
  }
}
