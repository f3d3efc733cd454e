// userlist.txt (auth_file): diagnostics for its "user" "secret" lines, and for the users that a
// pgbouncer.ini next to it expects in it.
import type { Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FileSystem } from '../files/file-system';
import type { Settings } from '../settings';
import { lintUserlist } from '../userlist/lint';
import { documentPath, isTooLarge, toDiagnostic, tooLargeDiagnostics } from './diagnostics';

export { USERLIST_LANGUAGE_ID } from '../protocol';

export function userlistDiagnostics(
  document: TextDocument,
  settings: Settings,
  fileSystem?: FileSystem,
  workspaceFolders: readonly string[] = [],
): Diagnostic[] {
  if (isTooLarge(document)) return tooLargeDiagnostics();
  const result = lintUserlist(document.getText(), {
    ...settings,
    filePath: documentPath(document.uri),
    workspaceFolders,
    // An unsaved document has no folder of its own to find a pgbouncer.ini in.
    crossCheck: document.uri.startsWith('file:'),
    fileSystem,
  });
  return result.findings.map((finding) =>
    toDiagnostic(finding, result.parsed.lineIndex, (file) => result.lineIndexOf(file)),
  );
}
