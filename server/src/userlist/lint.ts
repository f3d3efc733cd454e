// The whole analysis of one auth_file (userlist.txt), for the language server and the tests.

import { KNOWN_IDS, nodeFileSystem, targetFrom } from '../analysis/engine';
import { loadRcFile } from '../analysis/lint-config';
import type { FileSystem } from '../files/file-system';
import type { LineIndex } from '../syntax/syntax';
import type { Version } from '../catalog/catalog';
import type { RuleSeverity } from '../rules/rule';
import type { Finding } from '../findings/finding';
import { checkUserlist } from './checks';
import { userlistFormat } from '../syntax/userlist-format';
import { parseUserlist } from '../syntax/userlist-parser';
import type { ParsedUserlist } from '../syntax/userlist-parser';
import { findReferences } from './references';
import type { ConfigReference } from './references';

export interface UserlistLintOptions {
  filePath: string;
  /** Default target version, when neither a configuration using the file nor a project file names one. */
  targetVersion: string;
  /** Default run directory of the configurations next to the file (editor setting). */
  runDirectory: string;
  /** Severity overrides by code; 'off' drops a finding. */
  rules?: Record<string, RuleSeverity>;
  /** Look for pgbouncer.ini files next to the file that use it (default true). */
  crossCheck?: boolean;
  fileSystem?: FileSystem;
  listFolder?: (folder: string) => string[];
}

export interface UserlistLintResult {
  parsed: ParsedUserlist;
  target: Version;
  references: ConfigReference[];
  findings: Finding[];
  /** Line indexes of the files findings point into (the userlist and the configurations). */
  lineIndexOf(file: string): LineIndex | undefined;
}

export function lintUserlist(text: string, options: UserlistLintOptions): UserlistLintResult {
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const references =
    options.crossCheck === false
      ? []
      : findReferences(options.filePath, {
          targetVersion: options.targetVersion,
          runDirectory: options.runDirectory,
          fileSystem,
          listFolder: options.listFolder,
        });
  // The release of the configuration that loads the file decides how it is read.
  const target =
    references[0]?.target ??
    targetFrom(
      loadRcFile(options.filePath, fileSystem, KNOWN_IDS)?.rc.targetVersion ?? options.targetVersion,
    );
  const format = userlistFormat(target);
  const parsed = parseUserlist(text, format);
  const findings: Finding[] = [];
  for (const finding of checkUserlist(parsed, { filePath: options.filePath, format, references })) {
    const override = options.rules?.[finding.code];
    if (override === 'off') continue;
    findings.push(override ? { ...finding, severity: override } : finding);
  }
  const indexes = new Map<string, LineIndex>([[options.filePath, parsed.lineIndex]]);
  for (const reference of references) {
    for (const expected of reference.expected)
      indexes.set(expected.file.path, expected.file.parsed.lineIndex);
  }
  return { parsed, target, references, findings, lineIndexOf: (file) => indexes.get(file) };
}
