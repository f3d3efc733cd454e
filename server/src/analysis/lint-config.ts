// Lint configuration: the profile, per-rule severities and the facts rules need about the
// deployment. It comes from editor settings or CLI flags and from a project file,
// .pgbouncerlintrc.json next to the configuration, which the editor and the CLI read alike.

import * as path from 'node:path';
import { describeProblem } from '../files/guarded-read';
import type { FileSystem } from '../files/file-system';
import { DEFAULT_RULE_OPTIONS, PROFILES } from '../rules/rule';
import type { Profile, RuleOptions, RuleSeverity } from '../rules/rule';
import { resolveTargetVersion } from '../catalog/catalog';

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
  /** This is the machine PgBouncer runs on: files it needs and cannot open are errors. */
  deployedHere?: boolean;
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

/** A project file is a few lines; anything much larger is not one. */
const MAX_RC_FILE_BYTES = 1024 * 1024;

/**
 * The nearest .pgbouncerlintrc.json: in the configuration file's folder or the closest folder above.
 * Anything by that name but a folder counts (a FIFO, a link to /dev/zero): reading it is refused
 * with a problem the user sees, instead of looking further up as if it were not there.
 */
export function findRcFile(configPath: string, fileSystem: FileSystem): string | null {
  let folder = path.dirname(path.resolve(configPath));
  for (;;) {
    const candidate = path.join(folder, RC_FILE_NAME);
    const kind = fileSystem.stat(candidate);
    if (kind !== null && kind !== 'directory') return candidate;
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
  const read = fileSystem.readFile(rcPath, MAX_RC_FILE_BYTES);
  if ('problem' in read) {
    return { path: rcPath, rc: {}, problems: [`cannot read it: ${describeProblem(read.problem)}`] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(read.text);
  } catch {
    // JSON.parse's own message quotes the text, and the file may be anything (a link to /etc/shadow).
    return { path: rcPath, rc: {}, problems: [`it is not valid JSON (${jsonErrorPlace(read.text)})`] };
  }
  const { rc, problems } = checkRc(raw, knownIds);
  return { path: rcPath, rc, problems };
}

/** Where JSON.parse gives up, as "line L, column C", found without quoting the text. */
export function jsonErrorPlace(text: string): string {
  // The longest prefix that is still the start of some JSON value is where the error is; a small
  // scanner is enough to find it for messages.
  const offset = firstJsonError(text);
  if (offset < 0) return 'nested too deeply';
  if (offset >= text.length) return 'it ends too early';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, column ${column}`;
}

/**
 * Offset of the first character that cannot continue a JSON text: text.length if it ends too early,
 * -1 if it nests deeper than this scanner follows.
 */
function firstJsonError(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail();
      }
    }
    if (ch === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(i, i + 400),
    );
    if (!literal) return fail();
    i += literal[0].length;
  };
  const string = (): void => {
    i++;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') {
        i++;
        return;
      }
      if (ch < ' ') fail();
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i++;
            fail();
          }
          i += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) {
          i++;
          fail();
        }
        i += 2;
        continue;
      }
      i++;
    }
    fail();
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length + 1;
  } catch (offset) {
    return typeof offset === 'number' ? Math.min(offset, text.length) : -1;
  }
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
      case 'deployedHere':
        if (typeof value === 'boolean') rc.deployedHere = value;
        else problems.push('"deployedHere" must be true or false');
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
