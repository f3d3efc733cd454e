// Language tools of the client: switching an .ini file to pgbouncer-ini, and offering to.
import type { ExtensionContext } from 'vscode';

export function registerLanguageTools(_context: ExtensionContext): void {}
