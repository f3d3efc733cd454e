// Extension settings: the single source of truth. package.json's contributes.configuration
// is checked against SETTINGS_SPEC by a test.

import * as path from 'node:path';
import { NEWEST_RELEASE, RELEASES, resolveTargetVersion } from './schema/catalog';

export interface Settings {
  /** PgBouncer version the configuration is for, e.g. "1.18"; "unreleased" for the development branch. */
  targetVersion: string;
  /** Directory PgBouncer runs in; relative paths and %include resolve against it. Empty: the config file's folder. */
  runDirectory: string;
}

export const DEFAULT_SETTINGS: Settings = {
  targetVersion: NEWEST_RELEASE,
  runDirectory: '',
};

/** Minor versions offered in the settings UI, newest first. */
export const TARGET_VERSION_CHOICES: string[] = [
  ...new Set(RELEASES.map((release) => release.split('.').slice(0, 2).join('.'))),
]
  .reverse()
  .concat('unreleased');

export interface SettingSpec {
  type: 'string';
  default: string;
  description: string;
  enum?: string[];
  scope: 'resource' | 'machine-overridable' | 'window';
}

export const SETTINGS_SPEC: Record<`pgbouncer.${keyof Settings}`, SettingSpec> = {
  'pgbouncer.targetVersion': {
    type: 'string',
    default: DEFAULT_SETTINGS.targetVersion,
    enum: TARGET_VERSION_CHOICES,
    description:
      'PgBouncer version the configuration is written for. Settings, sections and values newer than this are errors, as that version would refuse them.',
    scope: 'resource',
  },
  'pgbouncer.runDirectory': {
    type: 'string',
    default: DEFAULT_SETTINGS.runDirectory,
    description:
      "Directory PgBouncer runs in (its working directory). Relative paths and %include files are resolved against it. A relative value is taken from the workspace folder. Empty means the config file's folder.",
    scope: 'resource',
  },
};

/** Messages for values that normalizeSettings had to replace, so users learn about them. */
export function settingsProblems(raw: unknown): string[] {
  const input = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof Settings, unknown>>;
  const problems: string[] = [];
  if (
    input.targetVersion !== undefined &&
    input.targetVersion !== '' &&
    (typeof input.targetVersion !== 'string' || !resolveTargetVersion(input.targetVersion))
  ) {
    problems.push(
      `pgbouncer.targetVersion "${String(input.targetVersion)}" is not a PgBouncer release; checking against ${DEFAULT_SETTINGS.targetVersion} instead. Use a version such as 1.18 or 1.25, or "unreleased".`,
    );
  }
  return problems;
}

/**
 * The directory PgBouncer runs in for a document: an absolute runDirectory as is, a relative one
 * against the workspace folder holding the document, and by default the document's own folder.
 */
export function resolveRunDirectory(
  runDirectory: string,
  documentPath: string,
  workspaceFolders: readonly string[],
): string | undefined {
  if (runDirectory === '') return undefined;
  if (path.isAbsolute(runDirectory)) return runDirectory;
  const folder = workspaceFolders
    .filter((f) => documentPath === f || documentPath.startsWith(f.endsWith(path.sep) ? f : f + path.sep))
    .sort((a, b) => b.length - a.length)[0];
  return path.resolve(folder ?? path.dirname(documentPath), runDirectory);
}

/** Accepts whatever the client sent and returns complete, valid settings. */
export function normalizeSettings(raw: unknown): Settings {
  const input = (raw && typeof raw === 'object' ? raw : {}) as Partial<Record<keyof Settings, unknown>>;
  const targetVersion =
    typeof input.targetVersion === 'string' && resolveTargetVersion(input.targetVersion)
      ? input.targetVersion
      : DEFAULT_SETTINGS.targetVersion;
  const runDirectory =
    typeof input.runDirectory === 'string' ? input.runDirectory : DEFAULT_SETTINGS.runDirectory;
  return { targetVersion, runDirectory };
}
