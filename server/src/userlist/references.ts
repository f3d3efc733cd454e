// Which pgbouncer.ini files next to a userlist.txt use it as their auth_file, and which users they
// expect to find in it: admin_users, stats_users, and auth_user ([pgbouncer] and per database).

import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeFileSystem } from '../analysis/engine';
import { loadedRunDirectory, resolveOptions } from '../analysis/options';
import type { EditorOptions, ResolvedOptions } from '../analysis/options';
import { loadConfig, resolvePath } from '../model/config';
import type { LoadedFile } from '../model/config';
import type { FileSystem } from '../files/file-system';
import { effectiveConfig } from '../model/effective';
import { namesInList } from '../model/names-in-list';
import type { Located } from '../model/effective';
import type { Span } from '../syntax/syntax';

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
  /** What the configuration is analysed with (its target version...), as its own diagnostics have it. */
  options: ResolvedOptions;
  expected: ExpectedUser[];
}

export interface ReferenceOptions {
  /** Editor settings; a configuration's .pgbouncerlintrc.json wins over them. */
  settings: EditorOptions;
  /** Workspace folder paths, for a relative runDirectory. */
  workspaceFolders?: readonly string[];
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
    // The same options as the diagnostics of that configuration.
    const resolved = resolveOptions(
      { filePath: configPath, settings: options.settings, workspaceFolders: options.workspaceFolders },
      fileSystem,
    );
    const model = loadConfig(read.text, {
      filePath: configPath,
      runDirectory: loadedRunDirectory(resolved),
      fileSystem,
    });
    const effective = effectiveConfig(model, resolved.target);
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
      options: resolved,
      expected,
    });
  }
  return references;
}
