// Command-line arguments of pgbouncer-lint, parsed with node:util's parseArgs and checked without
// touching the file system (cli.ts checks that files and --run-dir exist).
//
// Every option is one entry of OPTIONS: its parseArgs type, its help line and how its value is read into
// CliOptions. A new option (e.g. --fix, or --report FILE) is one more entry there plus its field in
// CliOptions; the parser and the help text pick it up.

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { NEWEST_RELEASE, RELEASES, resolveTargetVersion, UNRELEASED } from '../catalog/catalog';
import type { Version } from '../catalog/catalog';
import { RULE_SEVERITIES } from '../analysis/lint-config';
import { FIX_MODES } from '../analysis/fix-all';
import type { OptionSources } from '../analysis/options';
import type { FixMode } from '../analysis/fix-all';
import { PROFILES } from '../rules/rule';
import { percentProblem, selectorProblem } from '../monitoring/alerts';
import type { Profile, RuleSeverity } from '../rules/rule';

export const PROGRAM = 'pgbouncer-lint';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export const ALERT_FORMATS = ['rules', 'prometheus-rule'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export interface CliOptions {
  format: OutputFormat;
  /** The resolved --target-version; absent: the project file's, else the newest release. */
  target?: Version;
  /** --profile; absent: the project file's, else production. */
  profile?: Profile;
  /** --rule ID=SEVERITY, in order; later ones win. */
  rules: Record<string, RuleSeverity>;
  /** --run-dir exactly as given (relative to the current directory); absent: each file's own folder. */
  runDirectory?: string;
  /** --deployed-here: this is the machine PgBouncer runs on; absent: the project file's, else false. */
  deployedHere?: boolean;
  /** false with --no-color; undefined lets the environment and the terminal decide. */
  color?: boolean;
  /** Report errors only. */
  quiet: boolean;
  /** --fix (safe) or --fix=all: rewrite the files with these fixes, then report what is left. */
  fix: FixMode | null;
  /** Print the Markdown audit report of each file instead of the findings. */
  report: boolean;
  /** --dashboard: print a Grafana dashboard (JSON model) for the FILE instead of the findings. */
  dashboard: boolean;
  /** --alerts: print Prometheus alerting rules for each FILE instead of the findings. */
  alerts: boolean;
  /** --alerts-format; absent: rules. */
  alertsFormat?: (typeof ALERT_FORMATS)[number];
  /** --alerts-selector: PromQL label matchers of the exporter's series. */
  alertsSelector?: string;
  /** --warning-percent, --critical-percent. */
  warningPercent?: number;
  criticalPercent?: number;
  /** --check RULES.yml (with --alerts): say whether that file still matches the configuration. */
  check?: string;
  help: boolean;
  version: boolean;
  /** FILE arguments in the order given; '-' is standard input. */
  files: string[];
}

export type ParseOutcome = { ok: true; options: CliOptions } | { ok: false; message: string };

/** A bad command line: the message is one line, without the program name. */
export class UsageError extends Error {}

interface OptionSpec {
  /** Long name without the dashes. */
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  /** Shown in the help for string options, e.g. FORMAT. */
  valueName?: string;
  /** A boolean option that also takes `--name=VALUE` (never a separate argument, which is a FILE). */
  optionalValue?: { name: string };
  description: string;
  /** Reads the (last) value into the options; throws UsageError for a bad value. */
  apply(options: CliOptions, value: string | boolean): void;
}

function oneOf<T extends string>(option: string, allowed: readonly T[], value: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`invalid ${option} '${value}': use ${listOf(allowed)}`);
}

function percentOf(option: string, value: string): number {
  const number = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!(number > 0 && number <= 100))
    throw new UsageError(`invalid ${option} '${value}': write a number above 0 and at most 100`);
  return number;
}

function listOf(words: readonly string[]): string {
  return words.length <= 1
    ? words.join('')
    : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/** The oldest and newest minor releases, e.g. ['1.0', '1.25']. */
function releaseRange(): [string, string] {
  const minor = (release: string) => release.split('.').slice(0, 2).join('.');
  return [minor(RELEASES[0]), NEWEST_RELEASE];
}

export function targetVersionHint(): string {
  const [oldest, newest] = releaseRange();
  const newestFull = RELEASES[RELEASES.length - 1];
  return `use a PgBouncer release from ${oldest} to ${newest} such as 1.18, ${newest} or ${newestFull}, or '${UNRELEASED}'`;
}

export const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'format',
    type: 'string',
    valueName: 'FORMAT',
    description: `output format: ${listOf(FORMATS)} (default text)`,
    apply(options, value) {
      options.format = oneOf('--format', FORMATS, String(value));
    },
  },
  {
    name: 'target-version',
    type: 'string',
    valueName: 'X.Y',
    description: `PgBouncer release the configuration is for (default ${NEWEST_RELEASE}, the newest); '${UNRELEASED}' for the development version`,
    apply(options, value) {
      const target = resolveTargetVersion(String(value));
      if (!target)
        throw new UsageError(`invalid --target-version '${String(value)}': ${targetVersionHint()}`);
      options.target = target;
    },
  },
  {
    name: 'profile',
    type: 'string',
    valueName: 'NAME',
    description: `rule profile: ${listOf(PROFILES)} (default production)`,
    apply(options, value) {
      options.profile = oneOf('--profile', PROFILES, String(value));
    },
  },
  {
    name: 'rule',
    type: 'string',
    valueName: 'ID=SEVERITY',
    description: `set a rule's severity: ${listOf(RULE_SEVERITIES)}; ID '*' means every audit rule (repeatable)`,
    apply(options, value) {
      const match = /^([^=]+)=(.*)$/.exec(String(value));
      if (!match)
        throw new UsageError(
          `invalid --rule '${String(value)}': write ID=SEVERITY, e.g. syslog-disabled=off`,
        );
      options.rules[match[1].trim()] = oneOf('--rule', RULE_SEVERITIES, match[2].trim());
    },
  },
  {
    name: 'run-dir',
    type: 'string',
    valueName: 'DIR',
    description:
      "directory PgBouncer runs in: relative paths and %include are resolved from it (default each file's folder)",
    apply(options, value) {
      if (value === '') throw new UsageError('invalid --run-dir: the directory name is empty');
      options.runDirectory = String(value);
    },
  },
  {
    name: 'deployed-here',
    type: 'boolean',
    description:
      'this is the machine PgBouncer runs on: files it needs and cannot open here are errors where it would refuse to start (default: warnings)',
    apply(options) {
      options.deployedHere = true;
    },
  },
  {
    name: 'no-color',
    type: 'boolean',
    description: 'no colours in text output (also NO_COLOR=1; FORCE_COLOR=1 forces them)',
    apply(options) {
      options.color = false;
    },
  },
  {
    name: 'fix',
    type: 'boolean',
    optionalValue: { name: FIX_MODES.join('|') },
    description:
      'rewrite the files with their safe fixes (PgBouncer behaves as before, or starts as the file meant), then ' +
      'report what is left; --fix=all also applies recommended fixes, which change what PgBouncer does',
    apply(options, value) {
      options.fix = value === true ? 'safe' : oneOf('--fix', FIX_MODES, String(value));
    },
  },
  {
    name: 'report',
    type: 'boolean',
    description:
      'print a Markdown audit report of each file (scores, priorities, fixes) instead of the findings',
    apply(options) {
      options.report = true;
    },
  },
  {
    name: 'dashboard',
    type: 'boolean',
    description:
      "print a Grafana dashboard (JSON) for pgbouncer_exporter's metrics of the FILE, thresholds from its settings",
    apply(options) {
      options.dashboard = true;
    },
  },
  {
    name: 'alerts',
    type: 'boolean',
    description:
      "print Prometheus alerting rules for pgbouncer_exporter's metrics, derived from each FILE, instead of the findings",
    apply(options) {
      options.alerts = true;
    },
  },
  {
    name: 'alerts-format',
    type: 'string',
    valueName: 'FORMAT',
    description: `with --alerts: ${listOf(ALERT_FORMATS)} (a Kubernetes PrometheusRule; default rules)`,
    apply(options, value) {
      options.alertsFormat = oneOf('--alerts-format', ALERT_FORMATS, String(value));
    },
  },
  {
    name: 'alerts-selector',
    type: 'string',
    valueName: 'MATCHERS',
    description: 'PromQL label matchers of the exporter\'s series (default job="pgbouncer")',
    apply(options, value) {
      const problem = selectorProblem(String(value));
      if (problem) throw new UsageError(`invalid --alerts-selector '${String(value)}': ${problem}`);
      options.alertsSelector = String(value);
    },
  },
  {
    name: 'warning-percent',
    type: 'string',
    valueName: 'N',
    description: 'use of a limit that makes a warning (default 80)',
    apply(options, value) {
      options.warningPercent = percentOf('--warning-percent', String(value));
    },
  },
  {
    name: 'critical-percent',
    type: 'string',
    valueName: 'N',
    description: 'use of a limit that makes it critical (default 95)',
    apply(options, value) {
      options.criticalPercent = percentOf('--critical-percent', String(value));
    },
  },
  {
    name: 'check',
    type: 'string',
    valueName: 'RULES.yml',
    description:
      'with --alerts: compare RULES.yml with the rules FILE gives now; exit 1 and say what drifted, 0 when in sync',
    apply(options, value) {
      if (value === '') throw new UsageError('invalid --check: the file name is empty');
      options.check = String(value);
    },
  },
  {
    name: 'quiet',
    type: 'boolean',
    description: 'report errors only, no warnings, information or hints',
    apply(options) {
      options.quiet = true;
    },
  },
  {
    name: 'help',
    short: 'h',
    type: 'boolean',
    description: 'show this help',
    apply(options) {
      options.help = true;
    },
  },
  {
    name: 'version',
    type: 'boolean',
    description: 'show the version',
    apply(options) {
      options.version = true;
    },
  },
];

export function defaultOptions(): CliOptions {
  return {
    format: 'text',
    rules: {},
    quiet: false,
    fix: null,
    report: false,
    dashboard: false,
    alerts: false,
    help: false,
    version: false,
    files: [],
  };
}

/**
 * Reads the command line (without the node and script arguments). --help and --version are answered even
 * when something else is wrong with the values; an unknown option or a missing value never is.
 */
export function parseCliArgs(argv: readonly string[]): ParseOutcome {
  try {
    return { ok: true, options: parseOrThrow(argv) };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, message: error.message };
    throw error;
  }
}

function parseOrThrow(argv: readonly string[]): CliOptions {
  const specs = new Map(OPTIONS.map((spec) => [spec.name, spec]));
  const config = Object.fromEntries(
    OPTIONS.map((spec) => [
      spec.name,
      spec.short ? { type: spec.type, short: spec.short } : { type: spec.type },
    ]),
  );
  // strict: false keeps unknown options and missing values as tokens, so the messages here can be short
  // and say exactly what is wrong.
  const { tokens } = parseArgs({
    args: [...argv],
    options: config,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const options = defaultOptions();
  const given: { spec: OptionSpec; value: string | boolean }[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      options.files.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue; // the '--' terminator
    const spec = specs.get(token.name);
    if (!spec) {
      throw new UsageError(`unknown option '${token.rawName}'`);
    }
    if (spec.type === 'string') {
      // parseArgs (non-strict) leaves the value out when the option is last, and takes the next argument
      // even when it is another option; neither is meant as a value here.
      if (token.value === undefined || (token.inlineValue !== true && token.value.startsWith('--'))) {
        throw new UsageError(
          `option '${token.rawName}' needs a value (${token.rawName} ${spec.valueName ?? 'VALUE'})`,
        );
      }
      given.push({ spec, value: token.value });
    } else if (token.inlineValue && token.value !== undefined) {
      if (!spec.optionalValue) throw new UsageError(`option '${token.rawName}' takes no value`);
      given.push({ spec, value: token.value });
    } else {
      given.push({ spec, value: true });
    }
  }
  // Help and version first: `--help` answers even next to a bad value.
  for (const { spec, value } of given)
    if (spec.name === 'help' || spec.name === 'version') spec.apply(options, value);
  if (options.help || options.version) return options;
  for (const { spec, value } of given) spec.apply(options, value);
  if (options.files.length === 0) throw new UsageError('no FILE given');
  if (options.fix && options.files.includes('-')) throw new UsageError('--fix cannot rewrite standard input');
  if (options.report && options.format !== 'text')
    throw new UsageError(`--report prints Markdown; it cannot be combined with --format ${options.format}`);
  if (options.report && options.quiet)
    throw new UsageError('--report shows every finding; it cannot be combined with --quiet');
  if (options.dashboard) checkDashboard(options);
  checkAlertOptions(options);
  return options;
}

/** --dashboard prints one JSON document: one FILE, nothing else printed instead. */
function checkDashboard(options: CliOptions): void {
  if (options.files.length !== 1 || options.files[0] === '-')
    throw new UsageError('--dashboard needs exactly one FILE (not standard input)');
  const other = options.report
    ? '--report'
    : options.fix
      ? '--fix'
      : options.format !== 'text'
        ? '--format'
        : null;
  if (other) throw new UsageError(`--dashboard cannot be combined with ${other}`);
}

function checkAlertOptions(options: CliOptions): void {
  if (!options.alerts) {
    if (options.alertsFormat !== undefined) throw new UsageError('--alerts-format needs --alerts');
    if (options.check !== undefined) throw new UsageError('--check needs --alerts');
    return;
  }
  for (const [flag, on] of [
    ['--report', options.report],
    ['--fix', options.fix !== null],
    ['--quiet', options.quiet],
    [`--format ${options.format}`, options.format !== 'text'],
  ] as const) {
    if (on) throw new UsageError(`--alerts prints rules; it cannot be combined with ${flag}`);
  }
  const problem = percentProblem(options.warningPercent ?? 80, options.criticalPercent ?? 95);
  if (problem) throw new UsageError(`invalid --warning-percent/--critical-percent: ${problem}`);
  if (options.check !== undefined && options.files.length > 1)
    throw new UsageError('--check compares one rule file with one FILE; give one FILE');
}

export function usageText(): string {
  const lines = [
    `Usage: ${PROGRAM} [OPTION]... FILE...`,
    '',
    "Checks PgBouncer configuration files (pgbouncer.ini) the way PgBouncer reads them. FILE '-' reads standard input.",
    '',
    'Options:',
  ];
  const labels = OPTIONS.map((spec) => {
    const value =
      spec.type === 'string'
        ? ` ${spec.valueName ?? 'VALUE'}`
        : spec.optionalValue
          ? `[=${spec.optionalValue.name}]`
          : '';
    const long = `--${spec.name}${value}`;
    return spec.short ? `-${spec.short}, ${long}` : `    ${long}`;
  });
  const width = Math.max(...labels.map((label) => label.length));
  OPTIONS.forEach((spec, index) => lines.push(`  ${labels[index].padEnd(width)}  ${spec.description}`));
  lines.push(
    '',
    'Exit status: 0 no error found (warnings may have been reported), 1 an error found,',
    '2 a usage error, a file that cannot be read (or, with --fix, written) or an internal error.',
    'With --alerts --check: 0 the rules match the configuration, 1 they have drifted, 2 a file cannot be read.',
  );
  return lines.join('\n') + '\n';
}

/** The options of the analysis of one FILE as the flags give them (see analysis/options.ts). */
export function optionSources(filePath: string, options: CliOptions, cwd: string): OptionSources {
  return {
    filePath,
    targetVersion: options.target,
    profile: options.profile,
    rules: options.rules,
    runDirectory: runDirectoryOf(options, cwd),
    deployedHere: options.deployedHere,
  };
}

/** --run-dir from the current directory. */
export function runDirectoryOf(options: CliOptions, cwd: string): string | undefined {
  return options.runDirectory === undefined ? undefined : path.resolve(cwd, options.runDirectory);
}
