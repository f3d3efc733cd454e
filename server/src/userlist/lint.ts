// The whole analysis of one auth_file (userlist.txt), for the language server and the tests.

import { nodeFileSystem } from '../analysis/engine';
import { applySeverities, resolveOptions } from '../analysis/options';
import type { EditorOptions, ResolvedOptions } from '../analysis/options';
import type { FileSystem } from '../files/file-system';
import type { LineIndex } from '../syntax/syntax';
import type { Version } from '../catalog/catalog';
import type { Finding } from '../findings/finding';
import { checkUserlist } from './checks';
import { userlistFormat } from '../syntax/userlist-format';
import { parseUserlist } from '../syntax/userlist-parser';
import type { ParsedUserlist } from '../syntax/userlist-parser';
import { findReferences } from './references';
import type { ConfigReference } from './references';

/**
 * The editor settings (targetVersion, runDirectory, rules...): for the userlist and for each
 * configuration next to it, the project file wins over them, as it does for pgbouncer.ini.
 */
export interface UserlistLintOptions extends EditorOptions {
  filePath: string;
  /** Workspace folder paths, for a relative runDirectory. */
  workspaceFolders?: readonly string[];
  /** Look for pgbouncer.ini files next to the file that use it (default true). */
  crossCheck?: boolean;
  fileSystem?: FileSystem;
  listFolder?: (folder: string) => string[];
}

export interface UserlistLintResult {
  parsed: ParsedUserlist;
  target: Version;
  /** The options resolved for the userlist itself (its severities; its target if no configuration uses it). */
  options: ResolvedOptions;
  references: ConfigReference[];
  findings: Finding[];
  /** Line indexes of the files findings point into (the userlist and the configurations). */
  lineIndexOf(file: string): LineIndex | undefined;
}

export function lintUserlist(text: string, options: UserlistLintOptions): UserlistLintResult {
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const { filePath, workspaceFolders } = options;
  const resolved = resolveOptions({ filePath, settings: options, workspaceFolders }, fileSystem);
  const references =
    options.crossCheck === false
      ? []
      : findReferences(filePath, {
          settings: options,
          workspaceFolders,
          fileSystem,
          listFolder: options.listFolder,
        });
  // The release of the configuration that loads the file decides how it is read.
  const target = references[0]?.options.target ?? resolved.target;
  const format = userlistFormat(target);
  const parsed = parseUserlist(text, format);
  const findings = applySeverities(checkUserlist(parsed, { filePath, format, references }), resolved);
  const indexes = new Map<string, LineIndex>([[filePath, parsed.lineIndex]]);
  for (const reference of references) {
    for (const expected of reference.expected)
      indexes.set(expected.file.path, expected.file.parsed.lineIndex);
  }
  return {
    parsed,
    target,
    options: resolved,
    references,
    findings,
    lineIndexOf: (file) => indexes.get(file),
  };
}
