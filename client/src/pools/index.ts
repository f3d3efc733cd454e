// The live pool-status view: instances, tree, status bar, admin commands.
import type { ExtensionContext } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export function registerPools(
  _context: ExtensionContext,
  _languageClient: () => LanguageClient | undefined,
): void {}
