// Which pgbouncer.ini files next to a userlist.txt use it as their auth_file, and which users they
// expect to find in it: admin_users, stats_users, and auth_user ([pgbouncer] and per database).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { KNOWN_IDS, nodeFileSystem, targetFrom } from '../analysis/engine';
import { loadRcFile } from '../analysis/lint-config';
import { loadConfig, resolvePath } from '../model/config';
import type { LoadedFile } from '../model/config';
import type { FileSystem } from '../files/file-system';
import { effectiveConfig } from '../model/effective';
import { namesInList } from '../model/names-in-list';
import type { Located } from '../model/effective';
import type { Span } from '../syntax/syntax';
import type { Version } from '../catalog/catalog';
import { resolveRunDirectory } from '../settings';

/** The names the extension gives pgbouncer-ini files (package.json filenamePatterns). */
const CONFIG_NAME = /^(?:pgbouncer\.ini|.+\.pgbouncer\.ini|pgbouncer[-_].+\.ini)$/;

export type ExpectedRole = 'admin_users' | 'stats_users' | 'auth_user';

export interface ExpectedUser {
  name: string;
  role: ExpectedRole;
  /** The [databases] entry whose auth_user this is; absent for [pgbouncer] settings. */
  database?: string;
  /** Where the name is written. */
  file: LoadedFile;
  span: Span;
}

export interface ConfigReference {
  /** The configuration that names the userlist as its auth_file. */
  configPath: string;
  authFile: Located;
  /** auth_type in force, lower case. */
  authType: string;
  target: Version;
  expected: ExpectedUser[];
}

export interface ReferenceOptions {
  /** Defaults for configurations without a .pgbouncerlintrc.json saying otherwise. */
  targetVersion: string;
  runDirectory: string;
  fileSystem?: FileSystem;
  /** Lists a folder; defaults to the real one. */
  listFolder?: (folder: string) => string[];
}

function listFolder(folder: string): string[] {
  try {
    return fs.readdirSync(folder);
  } catch {
    return [];
  }
}

/** Configurations in the userlist's folder whose auth_file is the userlist. */
export function findReferences(userlistPath: string, options: ReferenceOptions): ConfigReference[] {
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const folder = path.dirname(path.resolve(userlistPath));
  const wanted = path.resolve(userlistPath);
  const references: ConfigReference[] = [];
  for (const name of (options.listFolder ?? listFolder)(folder).sort()) {
    if (!CONFIG_NAME.test(name)) continue;
    const configPath = path.join(folder, name);
    if (fileSystem.stat(configPath) !== 'file') continue;
    const read = fileSystem.readFile(configPath);
    if ('problem' in read) continue;
    // The same choices as the linter: the project file first, then the editor settings.
    const projectFile = loadRcFile(configPath, fileSystem, KNOWN_IDS);
    const rc = projectFile?.rc ?? {};
    const target = targetFrom(rc.targetVersion ?? options.targetVersion);
    const runDirectory =
      rc.runDirectory !== undefined && projectFile
        ? path.resolve(path.dirname(projectFile.path), rc.runDirectory)
        : resolveRunDirectory(options.runDirectory, configPath, []);
    const model = loadConfig(read.text, { filePath: configPath, runDirectory, fileSystem });
    const effective = effectiveConfig(model, target);
    const authFile = effective.main.get('auth_file');
    if (!authFile || authFile.entry.value.text === '') continue;
    if (resolvePath(authFile.entry.value.text, model.runDirectory) !== wanted) continue;

    const expected: ExpectedUser[] = [];
    for (const role of ['admin_users', 'stats_users', 'auth_user'] as const) {
      const at = effective.main.get(role);
      if (!at) continue;
      // auth_user is one name, the whole value; the other two are lists.
      const names =
        role === 'auth_user' ? [{ name: at.entry.value.text, span: at.entry.value.span }] : namesInList(at);
      for (const { name, span } of names) {
        if (name === '') continue;
        expected.push({ name, role, file: at.file, span });
      }
    }
    for (const database of effective.databases.values()) {
      const params = database.connString.params.filter((param) => param.key === 'auth_user');
      const param = params[params.length - 1];
      if (!param || param.value === '') continue;
      expected.push({
        name: param.value,
        role: 'auth_user',
        database: database.name,
        file: database.at.file,
        span: param.valueSpan,
      });
    }
    references.push({
      configPath,
      authFile,
      authType: effective.value('auth_type').toLowerCase(),
      target,
      expected,
    });
  }
  return references;
}
