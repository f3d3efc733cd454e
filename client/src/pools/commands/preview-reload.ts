// pgbouncer.pools.previewReload: shows what a RELOAD of the active pgbouncer.ini would change on an
// instance, and offers the RELOAD when the file allows it and the user is an admin.

import * as vscode from 'vscode';
import type { CommandFactory, PoolsContext } from '../context';
import { reloadPreviewMarkdown } from '../model/reload-preview';
import { activeConfig, previewFor } from '../reload-check';
import { reloadFromEditor } from './reload-from-editor';

async function previewReload(ctx: PoolsContext): Promise<void> {
  const document = activeConfig();
  if (!document) return;
  const instance = await ctx.pickInstance('Compare with the running configuration of');
  if (!instance) return;
  const preview = await previewFor(ctx, document, instance);
  if (!preview) return;
  const report = await vscode.workspace.openTextDocument({
    language: 'markdown',
    content: reloadPreviewMarkdown(preview),
  });
  await vscode.window.showTextDocument(report, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  if (preview.reloadAllowed && ctx.monitor.state(instance.name)?.snapshot?.rights === 'admin') {
    const reload = `RELOAD ${instance.name}`;
    const answer = await vscode.window.showInformationMessage(
      `RELOAD preview for ${instance.name}: ${preview.changes.length} change(s) a RELOAD applies, ${preview.needRestart.length} that need a restart.`,
      reload,
    );
    if (answer === reload) await reloadFromEditor(ctx, instance, document);
  } else if (!preview.reloadAllowed) {
    void vscode.window.showWarningMessage(
      `RELOAD preview for ${instance.name}: ${preview.warnings[0] ?? 'the file has errors.'}`,
    );
  }
}

export const previewReloadCommand: CommandFactory = (ctx) => () => previewReload(ctx);
