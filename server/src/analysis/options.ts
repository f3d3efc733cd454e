// The options of one analysis (target version, run directory, profile, severities, rule options),
// resolved in this one place for the language server, the CLI and userlist.txt, so that they cannot
// disagree. Precedence: CLI flags (or a caller's explicit choice) > .pgbouncerlintrc.json > editor
// settings > defaults; only for severities and rule options does the project file win over the flags.

import { DEPLOYMENT_IDS } from '../findings/deployment-codes';
import * as path from 'node:path';
import { DEFAULT_TARGET, resolveTargetVersion } from '../catalog/catalog';
import type { Version } from '../catalog/catalog';
import { CHECKS } from '../checks/check-list';
import type { Finding } from '../findings/finding';
import type { FileSystem } from '../files/file-system';
import { RULES } from '../rules';
import type { Profile, Rule, RuleOptions, RuleSeverity } from '../rules/rule';
import { ALL_RULES, DEFAULT_LINT_CONFIG, loadRcFile, mergeLintConfig } from './lint-config';
import type { LintConfig, LoadedRcFile } from './lint-config';

const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.id));

/** Every id a finding can have: PgBouncer checks and audit rules. */
export const KNOWN_IDS: ReadonlySet<string> = new Set([...CHECKS.keys(), ...RULE_IDS, ...DEPLOYMENT_IDS]);

/** CLI flags, or what a caller sets explicitly (tests, the reload preview). */
export interface OptionFlags {
  /** PgBouncer version to check against, e.g. "1.18". Wins over the project file. */
  targetVersion?: string | Version;
  /** Directory PgBouncer runs in; relative to the file's folder. Wins over the project file. */
  runDirectory?: string;
  /** Rule profile. Wins over the project file. */
  profile?: Profile;
  /** This is the machine PgBouncer runs on (--deployed-here). Wins over the project file. */
  deployedHere?: boolean;
  /** Severity overrides; the project file's rules are applied after them. */
  rules?: Record<string, RuleSeverity>;
  /** The project file's values are applied after these. */
  ruleOptions?: Partial<RuleOptions>;
}

/** The editor settings an analysis depends on (a part of Settings); the project file wins over each. */
export interface EditorOptions {
  targetVersion?: string;
  /** Relative: to the workspace folder that holds the file. Empty: the file's folder. */
  runDirectory?: string;
  profile?: Profile;
  deployedHere?: boolean;
  rules?: Record<string, RuleSeverity>;
  postgresMaxConnections?: number;
  fileDescriptorLimit?: number;
}

/** Where the options of the analysis of one file come from. */
export interface OptionSources extends OptionFlags {
  /** The file analysed: relative paths and the project file are looked for from its folder. */
  filePath: string;
  /** Editor settings (the language server). */
  settings?: EditorOptions;
  /** Workspace folder paths, for a relative settings.runDirectory. */
  workspaceFolders?: readonly string[];
  /** Read .pgbouncerlintrc.json next to the file or in a folder above (default true). */
  useProjectFile?: boolean;
}

export type RunDirectorySource = 'explicit' | 'project-file' | 'settings' | 'config-folder';

export interface ResolvedOptions extends LintConfig {
  target: Version;
  /** Absolute, as the model will have it. */
  runDirectory: string;
  runDirectorySource: RunDirectorySource;
  /**
   * The files the configuration names are the ones PgBouncer will open: a file it needs and
   * cannot open is an error (by default a warning: the file may be edited away from that machine).
   */
  deployedHere: boolean;
  projectFile: LoadedRcFile | null;
}

function targetFrom(value: string | Version | undefined): Version {
  if (value === undefined || value === '') return DEFAULT_TARGET;
  if (typeof value !== 'string') return value;
  return resolveTargetVersion(value) ?? DEFAULT_TARGET;
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

export function resolveOptions(sources: OptionSources, fileSystem: FileSystem): ResolvedOptions {
  const projectFile =
    sources.useProjectFile === false ? null : loadRcFile(sources.filePath, fileSystem, KNOWN_IDS);
  const rc = projectFile?.rc ?? {};
  const settings = sources.settings ?? {};
  const config = mergeLintConfig(
    { ...DEFAULT_LINT_CONFIG, profile: settings.profile ?? DEFAULT_LINT_CONFIG.profile },
    {
      rules: settings.rules,
      postgresMaxConnections: settings.postgresMaxConnections,
      fileDescriptorLimit: settings.fileDescriptorLimit,
    },
    { rules: sources.rules, ...sources.ruleOptions },
    rc,
    sources.profile ? { profile: sources.profile } : undefined,
  );
  return {
    ...config,
    target: targetFrom(sources.targetVersion ?? rc.targetVersion ?? settings.targetVersion),
    ...runDirectoryOf(sources, projectFile),
    deployedHere: sources.deployedHere ?? rc.deployedHere ?? settings.deployedHere ?? false,
    projectFile,
  };
}

function runDirectoryOf(
  sources: OptionSources,
  projectFile: LoadedRcFile | null,
): Pick<ResolvedOptions, 'runDirectory' | 'runDirectorySource'> {
  const folder = path.dirname(path.resolve(sources.filePath));
  // An explicit empty one is the file's folder, as loadConfig takes it, and is not looked for further.
  if (sources.runDirectory !== undefined) {
    return sources.runDirectory === ''
      ? { runDirectory: folder, runDirectorySource: 'config-folder' }
      : { runDirectory: path.resolve(folder, sources.runDirectory), runDirectorySource: 'explicit' };
  }
  if (projectFile && projectFile.rc.runDirectory !== undefined) {
    return {
      runDirectory: path.resolve(path.dirname(projectFile.path), projectFile.rc.runDirectory),
      runDirectorySource: 'project-file',
    };
  }
  const setting = resolveRunDirectory(
    sources.settings?.runDirectory ?? '',
    sources.filePath,
    sources.workspaceFolders ?? [],
  );
  if (setting !== undefined) return { runDirectory: path.resolve(setting), runDirectorySource: 'settings' };
  return { runDirectory: folder, runDirectorySource: 'config-folder' };
}

/** What loadConfig takes as its runDirectory: none for the file's folder, so that the model says so. */
export function loadedRunDirectory(options: ResolvedOptions): string | undefined {
  return options.runDirectorySource === 'config-folder' ? undefined : options.runDirectory;
}

/** An audit rule's severity: its own override, then '*', then its default in the profile. */
export function ruleSeverity(config: LintConfig, rule: Rule): RuleSeverity {
  return config.rules[rule.id] ?? config.rules[ALL_RULES] ?? rule.severity[config.profile];
}

/**
 * The findings with the severity overrides applied, 'off' ones dropped: a PgBouncer check's by its
 * own id ('*' is for audit rules only); audit rules' findings already have ruleSeverity.
 */
export function applySeverities(findings: readonly Finding[], config: LintConfig): Finding[] {
  const adjusted: Finding[] = [];
  for (const finding of findings) {
    const override = config.rules[finding.code];
    if (override === 'off') continue;
    adjusted.push(override && !RULE_IDS.has(finding.code) ? { ...finding, severity: override } : finding);
  }
  return adjusted;
}
