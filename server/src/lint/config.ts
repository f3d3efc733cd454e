// Lint configuration: the profile, per-rule severities and the facts rules need about the
// deployment. It comes from editor settings or CLI flags and from a project file,
// .pgbouncerlintrc.json next to the configuration, which the editor and the CLI read alike.

import * as path from 'node:path';
import type { FileSystem } from '../model/config';
import { DEFAULT_RULE_OPTIONS, PROFILES } from '../rules/rule';
import type { Profile, RuleOptions, RuleSeverity } from '../rules/rule';
import { resolveTargetVersion } from '../schema/catalog';

export const RC_FILE_NAME = '.pgbouncerlintrc.json';

/** In `rules`, the severity of every audit rule not named on its own. */
export const ALL_RULES = '*';

export const RULE_SEVERITIES: readonly RuleSeverity[] = ['off', 'hint', 'information', 'warning', 'error'];

export interface LintConfig {
  profile: Profile;
  /** Severity overrides by rule or check id. */
  rules: Record<string, RuleSeverity>;
  options: RuleOptions;
}

export const DEFAULT_LINT_CONFIG: LintConfig = {
  profile: 'production',
  rules: {},
  options: DEFAULT_RULE_OPTIONS,
};

/** What a project file may say; every field is optional. */
export interface RcFile {
  profile?: Profile;
  targetVersion?: string;
  runDirectory?: string;
  rules?: Record<string, RuleSeverity>;
  postgresMaxConnections?: number;
  fileDescriptorLimit?: number;
}

export interface LoadedRcFile {
  path: string;
  rc: RcFile;
  /** Problems found in the file; the valid parts are still used. */
  problems: string[];
}

/** The nearest .pgbouncerlintrc.json: in the configuration file's folder or the closest folder above. */
export function findRcFile(configPath: string, fileSystem: FileSystem): string | null {
  let folder = path.dirname(path.resolve(configPath));
  for (;;) {
    const candidate = path.join(folder, RC_FILE_NAME);
    if (fileSystem.stat(candidate) === 'file') return candidate;
    const parent = path.dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

/** Reads the nearest .pgbouncerlintrc.json, if there is one. */
export function loadRcFile(
  configPath: string,
  fileSystem: FileSystem,
  knownIds: ReadonlySet<string>,
): LoadedRcFile | null {
  const rcPath = findRcFile(configPath, fileSystem);
  if (!rcPath) return null;
  const read = fileSystem.readFile(rcPath);
  if ('error' in read) return { path: rcPath, rc: {}, problems: [`cannot read it: ${read.error}`] };
  let raw: unknown;
  try {
    raw = JSON.parse(read.text);
  } catch (error) {
    return { path: rcPath, rc: {}, problems: [`it is not valid JSON: ${(error as Error).message}`] };
  }
  const { rc, problems } = checkRc(raw, knownIds);
  return { path: rcPath, rc, problems };
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Keeps the valid parts of a project file and says what was wrong with the rest. */
export function checkRc(raw: unknown, knownIds: ReadonlySet<string>): { rc: RcFile; problems: string[] } {
  const problems: string[] = [];
  const rc: RcFile = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { rc, problems: ['it must hold a JSON object'] };
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    switch (key) {
      case '$schema':
        break;
      case 'profile':
        if (PROFILES.includes(value as Profile)) rc.profile = value as Profile;
        else problems.push(`"profile" must be one of ${PROFILES.join(', ')}`);
        break;
      case 'targetVersion':
        if (typeof value === 'string' && resolveTargetVersion(value)) rc.targetVersion = value;
        else
          problems.push(`"targetVersion" ${JSON.stringify(value)} is not a PgBouncer release (e.g. "1.18")`);
        break;
      case 'runDirectory':
        if (typeof value === 'string') rc.runDirectory = value;
        else problems.push('"runDirectory" must be a string');
        break;
      case 'postgresMaxConnections':
      case 'fileDescriptorLimit':
        if (isPositiveInteger(value)) rc[key] = value;
        else problems.push(`"${key}" must be a positive whole number`);
        break;
      case 'rules': {
        if (!value || typeof value !== 'object' || Array.isArray(value)) {
          problems.push('"rules" must be an object of rule ids and severities');
          break;
        }
        const rules: Record<string, RuleSeverity> = {};
        for (const [id, severity] of Object.entries(value as Record<string, unknown>)) {
          if (!knownIds.has(id) && id !== ALL_RULES) problems.push(`unknown rule "${id}"`);
          else if (!RULE_SEVERITIES.includes(severity as RuleSeverity)) {
            problems.push(`rule "${id}": severity must be one of ${RULE_SEVERITIES.join(', ')}`);
          } else rules[id] = severity as RuleSeverity;
        }
        rc.rules = rules;
        break;
      }
      default:
        problems.push(`unknown field "${key}"`);
    }
  }
  return { rc, problems };
}

/** Later layers win: defaults, then editor settings or CLI flags, then the project file. */
export function mergeLintConfig(base: LintConfig, ...layers: (Partial<RcFile> | undefined)[]): LintConfig {
  const merged: LintConfig = {
    profile: base.profile,
    rules: { ...base.rules },
    options: { ...base.options },
  };
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.profile) merged.profile = layer.profile;
    if (layer.rules) Object.assign(merged.rules, layer.rules);
    if (layer.postgresMaxConnections) merged.options.postgresMaxConnections = layer.postgresMaxConnections;
    if (layer.fileDescriptorLimit) merged.options.fileDescriptorLimit = layer.fileDescriptorLimit;
  }
  return merged;
}
