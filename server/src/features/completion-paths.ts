// File and directory names for path settings and %include, listed from the directory PgBouncer
// runs in (relative paths) or from the absolute path typed so far.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompletionItemKind } from 'vscode-languageserver';
import type { CompletionItem, Range } from 'vscode-languageserver';

/** Listing more than this is of no use in a completion list, and slow on huge directories. */
const MAX_ENTRIES = 500;

/**
 * Entries of the directory named by `typed` up to its last '/', to replace the segment after it
 * (`range`). `typed` is the path from its start to the cursor.
 */
export function pathCompletions(
  typed: string,
  runDirectory: string,
  directoriesOnly: boolean,
  range: Range,
): CompletionItem[] {
  const slash = typed.lastIndexOf('/');
  const folderPart = typed.slice(0, slash + 1);
  const segment = typed.slice(slash + 1);
  const folder = folderPart === '' ? runDirectory : path.resolve(runDirectory, folderPart);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  const showHidden = segment.startsWith('.');
  const items: CompletionItem[] = [];
  for (const entry of entries) {
    if (items.length >= MAX_ENTRIES) break;
    if (!showHidden && entry.name.startsWith('.')) continue;
    let isDirectory = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      try {
        isDirectory = fs.statSync(path.join(folder, entry.name)).isDirectory();
      } catch {
        continue; // a dangling link
      }
    }
    if (directoriesOnly && !isDirectory) continue;
    const name = isDirectory ? `${entry.name}/` : entry.name;
    const item: CompletionItem = {
      label: name,
      kind: isDirectory ? CompletionItemKind.Folder : CompletionItemKind.File,
      detail: path.join(folder, entry.name),
      sortText: `${isDirectory ? 0 : 1}${entry.name}`,
      textEdit: { range, newText: name },
    };
    // Typing on inside the folder is the likely next step.
    if (isDirectory) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
    items.push(item);
  }
  return items;
}
