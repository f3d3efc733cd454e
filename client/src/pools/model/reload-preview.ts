// The reload-safety preview: what a RELOAD of a pgbouncer.ini would change on a running PgBouncer
// (SHOW CONFIG, SHOW DATABASES), and the preview as Markdown. What PgBouncer would read from the file
// comes from the project's own engine (reloadFacts).

import { parameterInteger, reloadFacts, sameConfigValue, settingInteger } from '../../../../server/src/api';
import type { ConfigFileSystem, ReloadFacts } from '../../../../server/src/api';
import { plural } from './format';
import { ADMIN_DATABASE } from './snapshot';
import type { ConfigRow, DatabaseRow } from './snapshot';

export interface SettingChange {
  key: string;
  running: string;
  /** The value after RELOAD: the file's, or the default when the file does not set it. */
  file: string;
  /** Not set in the file: a RELOAD resets it to its default. */
  fromDefault: boolean;
  /** 1-based line in the file, when set there. */
  line?: number;
  /** The file the line is in (the main file or an included one). */
  path?: string;
}

export interface DatabaseChange {
  name: string;
  change: 'added' | 'removed' | 'changed';
  details: string[];
  line?: number;
}

export interface FileError {
  message: string;
  line: number;
  path: string;
}

export interface ReloadPreview {
  instance: string;
  version: string;
  /** The file PgBouncer reads on RELOAD (SHOW CONFIG conffile). */
  conffile: string;
  /** The file compared. */
  filePath: string;
  /** Changed settings a RELOAD applies. */
  changes: SettingChange[];
  /** Changed settings a RELOAD does not apply (changeable = no): they need a restart. */
  needRestart: SettingChange[];
  /** Settings of the file the running PgBouncer does not know: a RELOAD fails there. */
  unknown: { key: string; line: number; path: string }[];
  databases: DatabaseChange[];
  /** PgBouncer errors in the file. */
  errors: FileError[];
  /**
   * With errors: the settings whose value after the RELOAD would differ from the file's, because
   * PgBouncer stops reading at the first error and leaves every later setting at its default.
   */
  partial: { stopsAt: FileError; settings: SettingChange[] } | null;
  /** Sentences for the reader, most important first. */
  warnings: string[];
  /** A RELOAD from the editor is offered only when the file has no error. */
  reloadAllowed: boolean;
}

export interface ReloadPreviewInput {
  instance: string;
  text: string;
  filePath: string;
  /** SHOW CONFIG and SHOW DATABASES of the running PgBouncer, SHOW VERSION's text. */
  config: ConfigRow[];
  databases: DatabaseRow[];
  version: string;
  /** Directory PgBouncer runs in (relative paths, %include); default the file's folder. */
  runDirectory?: string;
  /** Where included files are read from; default the machine's (read synchronously). */
  fileSystem?: ConfigFileSystem;
}

/** Keys SHOW CONFIG lists that the file does not control (set by PgBouncer or its command line). */
const NOT_FROM_FILE = new Set(['conffile', 'user', 'service_name']);

export function reloadPreview(input: ReloadPreviewInput): ReloadPreview {
  const file = reloadFacts(input.text, {
    filePath: input.filePath,
    runningVersion: input.version,
    runDirectory: input.runDirectory,
    fileSystem: input.fileSystem,
  });
  const errors: FileError[] = file.errors;

  const running = new Map(input.config.map((row) => [row.key, row]));
  const defaults = new Map(input.config.map((row) => [row.key, row.default]));
  const changes: SettingChange[] = [];
  const needRestart: SettingChange[] = [];
  for (const row of input.config) {
    if (NOT_FROM_FILE.has(row.key) && !file.settings.has(row.key)) continue;
    const change = settingAfterReload(row, file.settings);
    if (!change) continue;
    (row.changeable ? changes : needRestart).push(change);
  }
  const unknown = [...file.settings.entries()]
    .filter(([key]) => !running.has(key))
    .map(([key, at]) => ({ key, line: at.line, path: at.path }));

  // The [pgbouncer] values the file would give, for the databases' defaults (pool_size, ...).
  const fileValue = (key: string): string => {
    const at = file.settings.get(key);
    return at ? at.value : (defaults.get(key) ?? '');
  };
  const databases = databaseChanges(file.databases, input.databases, fileValue);

  let partial: ReloadPreview['partial'] = null;
  const stop = file.stop;
  if (stop) {
    const settings: SettingChange[] = [];
    for (const row of input.config) {
      const intended = file.settings.get(row.key);
      if (!row.changeable || !intended) continue;
      const applied = stop.settings.get(row.key);
      const after = applied ?? row.default;
      if (!sameConfigValue(row.key, after, intended.value)) {
        settings.push({
          key: row.key,
          running: row.value,
          file: after,
          fromDefault: applied === undefined,
          line: intended.line,
          path: intended.path,
        });
      }
    }
    partial = { stopsAt: stop.at, settings };
  }

  const conffile = running.get('conffile')?.value ?? '';
  const warnings: string[] = [];
  if (errors.length > 0) {
    warnings.push(
      `The file has ${plural(errors.length, 'error')}. A RELOAD of a file with an error is applied only partly: PgBouncer applies the lines before the bad one and resets every later setting to its default, yet answers RELOAD as if all went well. Fix the errors first; RELOAD from the editor is not offered.`,
    );
  }
  if (unknown.length > 0) {
    warnings.push(
      `${input.version || 'The running PgBouncer'} does not know ${unknown.map((u) => u.key).join(', ')}: a RELOAD stops there.`,
    );
  }
  if (needRestart.length > 0) {
    warnings.push(
      `${plural(needRestart.length, 'changed setting')} (${needRestart.map((c) => c.key).join(', ')}) ${
        needRestart.length === 1 ? 'needs' : 'need'
      } a restart: a RELOAD leaves ${needRestart.length === 1 ? 'it' : 'them'} as they are.`,
    );
  }
  if (conffile && normalizePath(conffile) !== normalizePath(input.filePath)) {
    warnings.push(
      `PgBouncer reads ${conffile}, not ${input.filePath}: a RELOAD applies ${conffile}. This preview assumes the open file is what will be there.`,
    );
  }
  return {
    instance: input.instance,
    version: input.version,
    conffile,
    filePath: input.filePath,
    changes,
    needRestart,
    unknown,
    databases,
    errors,
    partial,
    warnings,
    reloadAllowed: errors.length === 0 && unknown.length === 0,
  };
}

function normalizePath(file: string): string {
  return file.replace(/\\/g, '/').replace(/\/+$/, '');
}

function settingAfterReload(row: ConfigRow, fileSettings: ReloadFacts['settings']): SettingChange | null {
  const at = fileSettings.get(row.key);
  const file = at ? at.value : row.default;
  if (sameConfigValue(row.key, row.value, file)) return null;
  return {
    key: row.key,
    running: row.value,
    file,
    fromDefault: !at,
    line: at ? at.line : undefined,
    path: at?.path,
  };
}

function databaseChanges(
  fileDatabases: ReloadFacts['databases'],
  running: DatabaseRow[],
  fileValue: (key: string) => string,
): DatabaseChange[] {
  const out: DatabaseChange[] = [];
  const runningByName = new Map(running.map((row) => [row.name, row]));
  const int = (text: string): number => settingInteger(text.trim());
  for (const [name, entry] of fileDatabases) {
    if (name === '*') continue;
    const line = entry.line;
    const row = runningByName.get(name);
    if (!row) {
      out.push({ name, change: 'added', details: ['new: a RELOAD adds it'], line });
      continue;
    }
    const param = (key: string): string | undefined => entry.param(key);
    // a number parameter of the entry (atoi, as PgBouncer), else the [pgbouncer] setting it defaults to
    const number = (keys: string[], fallback: number): number => {
      const text = keys.map(param).find((value) => value !== undefined);
      return text === undefined ? fallback : parameterInteger(text);
    };
    const expected: [string, string | number | null, string | number | null][] = [
      ['host', param('host') ?? null, row.host],
      ['port', number(['port'], 5432), row.port],
      ['dbname', param('dbname') ?? name, row.database],
      ['user', param('user') ?? null, row.forceUser],
      ['pool_size', number(['pool_size'], int(fileValue('default_pool_size'))), row.poolSize],
      ['min_pool_size', number(['min_pool_size'], int(fileValue('min_pool_size'))), row.minPoolSize],
      [
        'reserve_pool',
        number(['reserve_pool_size', 'reserve_pool'], int(fileValue('reserve_pool_size'))),
        row.reservePool,
      ],
      ['pool_mode', param('pool_mode')?.toLowerCase() ?? null, row.poolMode],
      [
        'max_db_connections',
        number(['max_db_connections'], int(fileValue('max_db_connections'))),
        row.maxConnections,
      ],
    ];
    const details = expected
      .filter(([, want, have]) => String(want ?? '') !== String(have ?? ''))
      .map(([key, want, have]) => `${key}: ${have ?? '(none)'} → ${want ?? '(none)'}`);
    if (details.length) out.push({ name, change: 'changed', details, line });
  }
  const hasWildcard = fileDatabases.has('*');
  for (const row of running) {
    if (row.name === ADMIN_DATABASE || fileDatabases.has(row.name)) continue;
    out.push({
      name: row.name,
      change: 'removed',
      details: [
        hasWildcard
          ? 'not in the file (perhaps created by the * fallback entry): a RELOAD may drop it'
          : 'not in the file: a RELOAD drops it and disconnects its clients',
      ],
    });
  }
  return out;
}

/** The preview as a Markdown document. */
export function reloadPreviewMarkdown(preview: ReloadPreview): string {
  const out: string[] = [];
  const where = (line?: number, file?: string): string =>
    line ? ` (line ${line}${file && file !== preview.filePath ? ` of ${file}` : ''})` : '';
  const value = (text: string): string => (text === '' ? '(empty)' : `\`${text}\``);
  out.push(`# RELOAD preview: ${preview.instance}`, '');
  out.push(
    `Compares \`${preview.filePath}\` with the running ${preview.version || 'PgBouncer'} (SHOW CONFIG, SHOW DATABASES).`,
    '',
  );
  if (preview.warnings.length) {
    out.push('## Warnings', '');
    for (const warning of preview.warnings) out.push(`- ⚠️ ${warning}`);
    out.push('');
  }
  if (preview.errors.length) {
    out.push('## Errors in the file', '');
    for (const error of preview.errors)
      out.push(`- line ${error.line}${where(undefined, error.path)}: ${error.message}`);
    out.push('');
  }
  if (preview.partial) {
    const { stopsAt, settings } = preview.partial;
    out.push(
      '## If you RELOAD anyway',
      '',
      `PgBouncer stops reading at line ${stopsAt.line}${stopsAt.path !== preview.filePath ? ` of ${stopsAt.path}` : ''} (${stopsAt.message}).`,
    );
    if (settings.length) {
      out.push('', 'These settings would not get the file’s value:', '');
      for (const change of settings) {
        out.push(
          `- \`${change.key}\`${where(change.line, change.path)}: ${value(change.file)} instead of the file’s value`,
        );
      }
    }
    out.push('');
  }
  out.push('## What a RELOAD changes', '');
  if (preview.changes.length === 0) out.push('No setting changes.');
  for (const change of preview.changes) {
    out.push(
      `- \`${change.key}\`${where(change.line, change.path)}: ${value(change.running)} → ${value(change.file)}${
        change.fromDefault ? ' (not in the file: back to the default)' : ''
      }`,
    );
  }
  out.push('');
  if (preview.needRestart.length) {
    out.push('## Changed, but only a restart applies them (changeable = no)', '');
    for (const change of preview.needRestart) {
      out.push(
        `- \`${change.key}\`${where(change.line, change.path)}: ${value(change.running)} → ${value(change.file)}`,
      );
    }
    out.push('');
  }
  if (preview.unknown.length) {
    out.push('## Unknown to the running PgBouncer', '');
    for (const u of preview.unknown) out.push(`- \`${u.key}\`${where(u.line, u.path)}`);
    out.push('');
  }
  out.push('## Databases', '');
  if (preview.databases.length === 0) out.push('No database changes.');
  for (const db of preview.databases) {
    out.push(`- \`${db.name}\` ${db.change}${where(db.line)}: ${db.details.join('; ')}`);
  }
  out.push('');
  out.push(
    preview.reloadAllowed
      ? 'RELOAD is safe to run: the file has no errors.'
      : 'RELOAD from the editor is not offered until the file has no errors.',
  );
  return out.join('\n') + '\n';
}
