// Checks a loaded configuration against the settings schema and PgBouncer's real behaviour.
// Errors are exactly what makes PgBouncer refuse to start; warnings are what it accepts but
// almost certainly does not do what the author meant.
//
// The checks are in ./index.ts; this reads the events once, in the order PgBouncer reads them,
// hands each one to the checks that take it, and moves the reading state on (context.ts).

import type { SectionName, Version } from '../catalog/catalog';
import type { Finding } from '../findings/finding';
import type { ConfigModel } from '../model/config';
import type { FileSystem } from '../files/file-system';
import { REFUSED } from './check';
import type { Check, ReportedFinding } from './check';
import { ValidationContext } from './context';
import { CHECKS_IN_ORDER } from './index';
import { isPlainDatabaseEntry } from './databases';
import { eventsWhere } from '../model/config';
import { startValidationPass } from './memo';
import { NameTable } from '../model/names';

export interface ValidateOptions {
  target: Version;
  fileSystem: FileSystem;
  /** The analysis' table of database names (the effective configuration uses the same); one of its own by default. */
  names?: NameTable;
  /** The files named are the ones PgBouncer opens (see ResolvedOptions.deployedHere). */
  deployedHere?: boolean;
  /**
   * Every [databases] name is written once (EffectiveConfig.someDatabaseNameRepeats is false): the
   * pass leaves out the entries in which the checks find and note nothing (isPlainDatabaseEntry),
   * which a document's next analysis then tests only where its edit changed them.
   */
  databaseNamesOnce?: boolean;
}

type EntryHook = NonNullable<Check['entry']>;

/** The checks by the events they take, each list in the order of the checks. */
interface CheckPlan {
  syntaxErrors: Check[];
  includes: Check[];
  sectionHeaders: Check[];
  entriesBeforeSections: EntryHook[];
  entriesIn: Record<SectionName, EntryHook[]>;
  afterPass: Check[];
}

function planFor(checks: readonly Check[]): CheckPlan {
  const entryHooks = (section: SectionName | null): EntryHook[] =>
    checks.flatMap((check) => (check.entry && check.entriesIn?.includes(section) ? [check.entry] : []));
  return {
    syntaxErrors: checks.filter((check) => check.syntaxError),
    includes: checks.filter((check) => check.include),
    sectionHeaders: checks.filter((check) => check.sectionHeader),
    entriesBeforeSections: entryHooks(null),
    entriesIn: {
      pgbouncer: entryHooks('pgbouncer'),
      databases: entryHooks('databases'),
      users: entryHooks('users'),
      peers: entryHooks('peers'),
    },
    afterPass: checks.filter((check) => check.afterPass),
  };
}

const PLAN = planFor(CHECKS_IN_ORDER);
const NO_HOOKS: EntryHook[] = [];

export function validate(model: ConfigModel, options: ValidateOptions): Finding[] {
  return dedupe(runPlan(model, options, PLAN));
}

/** Some checks only, in the order given (tests: a check on its own). */
export function validateWith(
  model: ConfigModel,
  options: ValidateOptions,
  checks: readonly Check[],
): Finding[] {
  return dedupe(runPlan(model, options, planFor(checks)));
}

function runPlan(model: ConfigModel, options: ValidateOptions, plan: CheckPlan): ReportedFinding[] {
  const context = new ValidationContext(
    model,
    options.target,
    options.fileSystem,
    startValidationPass(options.names ?? new NameTable()),
    options.deployedHere ?? false,
  );
  /** The entry hooks of the section being read: none in a section PgBouncer refused. */
  let entryHooks = plan.entriesBeforeSections;
  const { target } = options;
  const events = options.databaseNamesOnce
    ? eventsWhere(
        model,
        `checks: events besides plain [databases] entries, ${target.label} ${target.unreleased}`,
        (event) => !isPlainDatabaseEntry(event, target),
      )
    : model.events;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    switch (event.kind) {
      case 'error':
        for (const check of plan.syntaxErrors) check.syntaxError?.(event, context);
        break;
      case 'include':
        for (const check of plan.includes) check.include?.(event, context);
        break;
      case 'section':
        for (const check of plan.sectionHeaders) check.sectionHeader?.(event, context);
        context.enterSection(event.header);
        entryHooks = context.section === null ? NO_HOOKS : plan.entriesIn[context.section];
        break;
      case 'entry': {
        let refused = false;
        for (let h = 0; h < entryHooks.length && !refused; h++)
          refused = entryHooks[h](event, context) === REFUSED;
        if (!refused) context.accept(event);
        break;
      }
    }
  }
  for (const check of plan.afterPass) check.afterPass?.(context);
  return context.findings;
}

function dedupe(findings: ReportedFinding[]): Finding[] {
  const seen = new Set<string>();
  const result: Finding[] = [];
  for (const { origin: _origin, ...finding } of findings) {
    const key = `${finding.file}\0${finding.span.start}\0${finding.span.end}\0${finding.code}\0${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(finding);
  }
  return result;
}
