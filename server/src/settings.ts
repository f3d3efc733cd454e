// Extension settings: the single source of truth. package.json's contributes.configuration
// is checked against SETTINGS_SPEC by a test.

import { RULE_SEVERITIES } from './analysis/lint-config';
import { DEFAULT_RULE_OPTIONS, PROFILES } from './rules/rule';
import type { Profile, RuleSeverity } from './rules/rule';
import { NEWEST_RELEASE, RELEASES, resolveTargetVersion } from './catalog/catalog';

// The client (pools/controller.ts) takes it from here.
export { resolveRunDirectory } from './analysis/options';

export interface Settings {
  /** PgBouncer version the configuration is for, e.g. "1.18"; "unreleased" for the development branch. */
  targetVersion: string;
  /** Directory PgBouncer runs in; relative paths and %include resolve against it. Empty: the config file's folder. */
  runDirectory: string;
  /** This is the machine PgBouncer runs on: files it needs and cannot open are errors. */
  deployedHere: boolean;
  /** Audit rule profile. */
  profile: Profile;
  /** Severity per rule or check id ('*': every audit rule). */
  rules: Record<string, RuleSeverity>;
  /** max_connections of the PostgreSQL servers behind PgBouncer. */
  postgresMaxConnections: number;
  /** Open-files limit PgBouncer runs with (ulimit -n). */
  fileDescriptorLimit: number;
  /** Inlay hints: durations, effective values, effective pool sizes. */
  inlayHints: { enabled: boolean };
  /** Formatting: align the values of consecutive settings, and the parameters of connection strings. */
  format: { alignValues: boolean; alignParameters: boolean };
}

export const DEFAULT_SETTINGS: Settings = {
  targetVersion: NEWEST_RELEASE,
  runDirectory: '',
  deployedHere: false,
  profile: 'production',
  rules: {},
  postgresMaxConnections: DEFAULT_RULE_OPTIONS.postgresMaxConnections,
  fileDescriptorLimit: DEFAULT_RULE_OPTIONS.fileDescriptorLimit,
  inlayHints: { enabled: true },
  format: { alignValues: false, alignParameters: false },
};

/** Minor versions offered in the settings UI, newest first. */
export const TARGET_VERSION_CHOICES: string[] = [
  ...new Set(RELEASES.map((release) => release.split('.').slice(0, 2).join('.'))),
]
  .reverse()
  .concat('unreleased');

export interface SettingSpec {
  type: 'string' | 'object' | 'integer' | 'boolean' | 'number' | 'array';
  default: unknown;
  description: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  additionalProperties?: { type: 'string'; enum: string[] };
  items?: object;
  markdownDescription?: string;
  scope: 'resource' | 'machine-overridable' | 'window' | 'application';
}

/** Settings of the server, by their full name: pgbouncer.<path>. */
type SettingName =
  | `pgbouncer.${Exclude<keyof Settings, 'inlayHints' | 'format'>}`
  | 'pgbouncer.inlayHints.enabled'
  | 'pgbouncer.format.alignValues'
  | 'pgbouncer.format.alignParameters';

const PROJECT_FILE_NOTE =
  ' A .pgbouncerlintrc.json next to the configuration (or in a folder above it) takes precedence.';

export const SETTINGS_SPEC: Record<SettingName, SettingSpec> = {
  'pgbouncer.targetVersion': {
    type: 'string',
    default: DEFAULT_SETTINGS.targetVersion,
    enum: TARGET_VERSION_CHOICES,
    description:
      'PgBouncer version the configuration is written for. Settings, sections and values newer than this are errors, as that version would refuse them.' +
      PROJECT_FILE_NOTE,
    scope: 'resource',
  },
  'pgbouncer.runDirectory': {
    type: 'string',
    default: DEFAULT_SETTINGS.runDirectory,
    description:
      "Directory PgBouncer runs in (its working directory). Relative paths and %include files are resolved against it. A relative value is taken from the workspace folder. Empty means the config file's folder." +
      PROJECT_FILE_NOTE,
    scope: 'resource',
  },
  'pgbouncer.deployedHere': {
    type: 'boolean',
    default: DEFAULT_SETTINGS.deployedHere,
    description:
      'This is the machine PgBouncer runs on: a file it needs and cannot open here (pidfile or logfile directory, Unix socket directory, TLS key, %include) is an error where PgBouncer would refuse to start, not a warning. Leave it off when the configuration is edited away from that machine.' +
      PROJECT_FILE_NOTE,
    scope: 'machine-overridable',
  },
  'pgbouncer.profile': {
    type: 'string',
    default: DEFAULT_SETTINGS.profile,
    enum: [...PROFILES],
    description:
      'Audit rule profile. production: every finding at full strength. development: TLS and network exposure findings become information.' +
      PROJECT_FILE_NOTE,
    scope: 'resource',
  },
  'pgbouncer.rules': {
    type: 'object',
    default: DEFAULT_SETTINGS.rules,
    additionalProperties: { type: 'string', enum: [...RULE_SEVERITIES] },
    description:
      'Severity of individual rules and checks by id, e.g. { "syslog-disabled": "off" }; "*" sets every audit rule. Rules named in .pgbouncerlintrc.json win.',
    scope: 'resource',
  },
  'pgbouncer.postgresMaxConnections': {
    type: 'integer',
    default: DEFAULT_SETTINGS.postgresMaxConnections,
    minimum: 1,
    description:
      'max_connections of the PostgreSQL servers behind PgBouncer, to check that the pools fit.' +
      PROJECT_FILE_NOTE,
    scope: 'resource',
  },
  'pgbouncer.fileDescriptorLimit': {
    type: 'integer',
    default: DEFAULT_SETTINGS.fileDescriptorLimit,
    minimum: 1,
    description:
      'Open-files limit (ulimit -n) PgBouncer runs with, to check max_client_conn against it.' +
      PROJECT_FILE_NOTE,
    scope: 'resource',
  },
  'pgbouncer.inlayHints.enabled': {
    type: 'boolean',
    default: DEFAULT_SETTINGS.inlayHints.enabled,
    description:
      'Show inlay hints: durations after time values, the effective value where a later line overrides a setting, and the effective pool size of each database.',
    scope: 'resource',
  },
  'pgbouncer.format.alignValues': {
    type: 'boolean',
    default: DEFAULT_SETTINGS.format.alignValues,
    description: "Formatting aligns the '=' of consecutive settings in a block.",
    scope: 'resource',
  },
  'pgbouncer.format.alignParameters': {
    type: 'boolean',
    default: DEFAULT_SETTINGS.format.alignParameters,
    description: 'Formatting aligns the connection-string parameters of consecutive [databases] entries.',
    scope: 'resource',
  },
};

type RawSettings = Partial<Record<keyof Settings, unknown>>;
type RawObject = Record<string, unknown> | undefined;

function flag(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function asObject(raw: unknown): RawSettings {
  return (raw && typeof raw === 'object' ? raw : {}) as RawSettings;
}

/** Messages for values that normalizeSettings had to replace, so users learn about them. */
export function settingsProblems(raw: unknown): string[] {
  const input = asObject(raw);
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
  if (input.rules && typeof input.rules === 'object') {
    for (const [id, severity] of Object.entries(input.rules as Record<string, unknown>)) {
      if (!RULE_SEVERITIES.includes(severity as RuleSeverity)) {
        problems.push(
          `pgbouncer.rules: "${id}" has severity ${JSON.stringify(severity)}; use ${RULE_SEVERITIES.join(', ')}.`,
        );
      }
    }
  }
  return problems;
}

/** Accepts whatever the client sent and returns complete, valid settings. */
export function normalizeSettings(raw: unknown): Settings {
  const input = asObject(raw);
  const positive = (value: unknown, fallback: number): number =>
    typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
  const rules: Record<string, RuleSeverity> = {};
  if (input.rules && typeof input.rules === 'object' && !Array.isArray(input.rules)) {
    for (const [id, severity] of Object.entries(input.rules as Record<string, unknown>)) {
      if (RULE_SEVERITIES.includes(severity as RuleSeverity)) rules[id] = severity as RuleSeverity;
    }
  }
  return {
    targetVersion:
      typeof input.targetVersion === 'string' && resolveTargetVersion(input.targetVersion)
        ? input.targetVersion
        : DEFAULT_SETTINGS.targetVersion,
    runDirectory: typeof input.runDirectory === 'string' ? input.runDirectory : DEFAULT_SETTINGS.runDirectory,
    deployedHere: flag(input.deployedHere, DEFAULT_SETTINGS.deployedHere),
    profile: PROFILES.includes(input.profile as Profile)
      ? (input.profile as Profile)
      : DEFAULT_SETTINGS.profile,
    rules,
    postgresMaxConnections: positive(input.postgresMaxConnections, DEFAULT_SETTINGS.postgresMaxConnections),
    fileDescriptorLimit: positive(input.fileDescriptorLimit, DEFAULT_SETTINGS.fileDescriptorLimit),
    inlayHints: {
      enabled: flag((input.inlayHints as RawObject)?.enabled, DEFAULT_SETTINGS.inlayHints.enabled),
    },
    format: {
      alignValues: flag((input.format as RawObject)?.alignValues, DEFAULT_SETTINGS.format.alignValues),
      alignParameters: flag(
        (input.format as RawObject)?.alignParameters,
        DEFAULT_SETTINGS.format.alignParameters,
      ),
    },
  };
}
