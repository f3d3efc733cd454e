// userlist.txt (auth_file): diagnostics for its "user" "secret" lines.
import type { Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Settings } from '../settings';

export { USERLIST_LANGUAGE_ID } from '../protocol';

export function userlistDiagnostics(_document: TextDocument, _settings: Settings): Diagnostic[] {
  return [];
}
