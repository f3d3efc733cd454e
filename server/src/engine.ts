// The whole analysis of one configuration file, shared by the language server and the CLI.

import * as fs from 'node:fs';
import { loadConfig } from './model/config';
import type { ConfigModel, FileSystem } from './model/config';
import { DEFAULT_TARGET, resolveTargetVersion } from './schema/catalog';
import type { Version } from './schema/catalog';
import type { Finding } from './validation/checks';
import { validate } from './validation/validate';

export interface LintOptions {
  /** Path of the file (used to resolve relative paths and to name the file in findings). */
  filePath: string;
  /** PgBouncer version to check against, e.g. "1.18"; default the newest release. */
  targetVersion?: string | Version;
  /** Directory PgBouncer runs in (relative paths and %include); default the file's folder. */
  runDirectory?: string;
  fileSystem?: FileSystem;
}

export interface LintResult {
  model: ConfigModel;
  target: Version;
  /** Findings in the main file and in included files (see Finding.file). */
  findings: Finding[];
}

export const nodeFileSystem: FileSystem = {
  readFile(filePath) {
    try {
      return { text: fs.readFileSync(filePath, 'utf8') };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reasons: Record<string, string> = {
        ENOENT: 'No such file or directory',
        EACCES: 'Permission denied',
        EISDIR: 'Is a directory',
      };
      return { error: (code && reasons[code]) ?? (error as Error).message };
    }
  },
  stat(filePath) {
    try {
      const stat = fs.statSync(filePath);
      return stat.isDirectory() ? 'directory' : 'file';
    } catch {
      return null;
    }
  },
};

export function targetFrom(value: string | Version | undefined): Version {
  if (value === undefined || value === '') return DEFAULT_TARGET;
  if (typeof value !== 'string') return value;
  return resolveTargetVersion(value) ?? DEFAULT_TARGET;
}

export function lintText(text: string, options: LintOptions): LintResult {
  const target = targetFrom(options.targetVersion);
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const model = loadConfig(text, {
    filePath: options.filePath,
    runDirectory: options.runDirectory,
    fileSystem,
  });
  const findings = validate(model, { target, fileSystem });
  return { model, target, findings };
}
