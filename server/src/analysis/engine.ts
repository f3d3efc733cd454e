// The whole analysis of one configuration file, shared by the language server and the CLI:
// PgBouncer's own checks, then the audit rules, then severities and suppression comments.

import { fileKind, readRegularFile } from '../files/guarded-read';
import { budgetedFileSystem, MAX_ANALYSIS_BYTES, MAX_INCLUDED_LINES, ReadBudget } from '../files/read-budget';
import type { UnreadFile } from '../files/read-budget';
import type { LoadedRcFile } from './lint-config';
import { applySeverities, KNOWN_IDS, loadedRunDirectory, resolveOptions, ruleSeverity } from './options';
import type { OptionSources, ResolvedOptions } from './options';
import { DESCRIPTIONS_BY_ID } from './descriptions';
import { withholdTainted } from './dependencies';
import { verifyGuesses, verifyLater } from './verify';
import { discloseFindings, knownSecrets, Redactor } from './disclosure';
import { applySuppressions } from './suppressions';
import { loadConfig } from '../model/config';
import { databaseNamesFor } from '../model/names';
import { DocumentCache } from '../incremental/document-cache';

export { DocumentCache };
export { KNOWN_IDS };
import type { ConfigModel, LoadedFile } from '../model/config';
import type { FileSystem } from '../files/file-system';
import type { Include } from '../syntax/syntax';
import { effectiveConfig } from '../model/effective';
import type { EffectiveConfig } from '../model/effective';
import { RULES } from '../rules';
import { RuleContext } from '../rules/rule';
import type { Version } from '../catalog/catalog';
import type { Finding } from '../findings/finding';
import { validate } from '../checks/validate';

/** The sources of the options (see analysis/options.ts), and how files are read. */
export interface LintOptions extends OptionSources {
  /** Internal: set while checking a guessed fix, so that checking does not recurse. */
  skipFixVerification?: boolean;
  /**
   * Check guessed fixes when a fix is first asked for (verifyFixes), not now: the language server's
   * analyses, which run at every keystroke. Fixes are read through fixesToApply, the code actions
   * and the report, which ask for it.
   */
  deferFixVerification?: boolean;
  fileSystem?: FileSystem;
  /**
   * What earlier analyses of the same document keep for the next one (the language server has one
   * per open document). Results of earlier analyses must not be used once a later one has started.
   */
  cache?: DocumentCache;
}

export interface LintResult {
  model: ConfigModel;
  target: Version;
  /** Everything the analysis was run with (see analysis/options.ts). */
  config: ResolvedOptions;
  effective: EffectiveConfig;
  projectFile: LoadedRcFile | null;
  /** Findings in the main file and in included files (see Finding.file). */
  findings: Finding[];
  /**
   * Files this analysis did not read because of a limit (too large, past the read budget, still being
   * read): the analysis is incomplete, which the CLI reports with exit code 2.
   */
  unread: readonly UnreadFile[];
  /** Masks the secrets this configuration holds in text to be shown (findings are masked already). */
  redactor: Redactor;
}

/** The machine's files, read synchronously through the guarded reader (the CLI). */
export const nodeFileSystem: FileSystem = {
  readFile(filePath, maxBytes) {
    const read = readRegularFile(filePath, maxBytes);
    return 'problem' in read ? read : { text: read.text };
  },
  stat: fileKind,
};

export function lintText(text: string, options: LintOptions): LintResult {
  const budget = new ReadBudget();
  budget.charge(text.length);
  const fileSystem = budgetedFileSystem(options.fileSystem ?? nodeFileSystem, budget);
  const config = resolveOptions(options, fileSystem);
  const { target, projectFile } = config;
  const runDirectory = loadedRunDirectory(config);

  const model = loadConfig(text, {
    filePath: options.filePath,
    runDirectory,
    fileSystem,
    budget,
    // A guessed fix is checked by a lint of its own, in the middle of this one: it must not move
    // what this one has taken from the cache.
    cache: options.skipFixVerification ? undefined : options.cache,
  });
  // One table of database names for validation and the effective configuration: the document's,
  // whose entries keep their slots, or this analysis' own.
  const names = databaseNamesFor(options.skipFixVerification ? undefined : options.cache);
  const effective = effectiveConfig(
    model,
    target,
    names,
    options.skipFixVerification ? undefined : options.cache,
  );
  const findings = validate(model, {
    target,
    fileSystem,
    names,
    deployedHere: config.deployedHere,
    databaseNamesOnce: effective.documentCache !== undefined && !effective.someDatabaseNameRepeats,
  });
  // PgBouncer's own verdicts, before severities are changed: what errors hold fixes back.
  const checkFindings = options.skipFixVerification ? [] : [...findings];
  const context = new RuleContext(model, effective, target, config.profile, config.options, fileSystem);
  for (const rule of RULES) {
    const severity = ruleSeverity(config, rule);
    if (severity === 'off') continue;
    context.startRecording();
    const found = rule.check(context);
    // What the check read is what its fixes' reasons rest on.
    const reads = context.stopRecording();
    for (const one of found) {
      const finding: Finding = {
        code: rule.id,
        severity,
        message: one.message,
        file: one.file.path,
        span: one.span,
      };
      if (one.fixes)
        finding.fixes = one.fixes.map((fix) => ({ ...fix, dependsOn: [...(fix.dependsOn ?? []), ...reads] }));
      if (one.related) finding.related = one.related;
      if (one.link) finding.href = one.link;
      findings.push(finding);
    }
  }

  const adjusted = applySeverities(findings, config);
  for (const problem of projectFile?.problems ?? []) {
    adjusted.push({
      code: 'invalid-lint-config',
      severity: 'warning',
      message: `${projectFile?.path}: ${problem}.`,
      file: model.root.path,
      span: { start: 0, end: 0 },
    });
  }
  const budgetFinding = unreadFinding(model, budget.unread);
  if (budgetFinding && config.rules[budgetFinding.code] !== 'off') adjusted.push(budgetFinding);
  const suppressed = applySuppressions(adjusted, model, KNOWN_IDS);
  if (!options.skipFixVerification) withholdTainted(suppressed, checkFindings, model);
  const redactor = new Redactor(knownSecrets(model));
  const findingsOut = discloseFindings(suppressed, model, redactor, { titleOf });
  const result: LintResult = {
    model,
    target,
    config,
    effective,
    projectFile,
    findings: findingsOut,
    unread: budget.unread,
    redactor,
  };
  if (!options.skipFixVerification) {
    const relint = (changed: string) => lintText(changed, { ...options, skipFixVerification: true });
    if (options.deferFixVerification) verifyLater(result, text, options.filePath, findingsOut, relint);
    else verifyGuesses(text, options.filePath, findingsOut, relint);
  }
  return result;
}

function titleOf(code: string): string | undefined {
  return DESCRIPTIONS_BY_ID.get(code)?.title;
}

/**
 * One finding for everything the read budget kept out, at the first %include it stopped (or the top of
 * the file when it was another file).
 */
function unreadFinding(model: ConfigModel, unread: readonly UnreadFile[]): Finding | null {
  const skipped = unread.filter((file) => file.problem.kind === 'over-budget');
  if (skipped.length === 0) return null;
  const first = skipped[0];
  const include = model.events.find(
    (event) =>
      event.kind === 'include' &&
      event.problem?.kind === 'unreadable' &&
      event.problem.problem.kind === 'over-budget',
  );
  const skippedInclusions = model.events.filter(
    (event) =>
      event.kind === 'include' &&
      ((event.problem?.kind === 'unreadable' && event.problem.problem.kind === 'over-budget') ||
        (event.problem?.kind === 'not-followed' && event.problem.reason === 'budget')),
  ).length;
  const others = skipped.length - 1;
  const parts = [
    `The linter reads at most ${MAX_ANALYSIS_BYTES / 1024 / 1024} MB per analysis (this file and everything it includes or names), and ${MAX_INCLUDED_LINES.toLocaleString('en-US')} lines of included files; ${first.path} was not read`,
  ];
  if (skippedInclusions > 1)
    parts.push(`, nor ${skippedInclusions - 1} further %include line${skippedInclusions === 2 ? '' : 's'}`);
  if (others > 0 && skippedInclusions <= 1)
    parts.push(`, nor ${others} other file${others === 1 ? '' : 's'}`);
  parts.push('. Findings that depend on them are missing.');
  // On the line of the main file that led to it, where the user can see it.
  let span = { start: 0, end: 0 };
  if (include && include.kind === 'include') {
    let from: { file: LoadedFile; include: Include } = include;
    while (from.file.includedFrom) from = from.file.includedFrom;
    span = from.include.pathSpan;
  }
  return { code: 'file-not-read', severity: 'warning', message: parts.join(''), file: model.root.path, span };
}
