// Checks a loaded configuration against the settings schema and PgBouncer's real behaviour.
// Errors are exactly what makes PgBouncer refuse to start; warnings are what it accepts but
// almost certainly does not do what the author meant.
//
// The checks are in ./index.ts; this reads the events once, in the order PgBouncer reads them,
// hands each one to the checks that take it, and moves the reading state on (context.ts).

import type { SectionName, Version } from '../catalog/catalog';
import type { Finding } from '../findings/finding';
import type { ConfigModel, FileSystem } from '../model/config';
import { REFUSED } from './check';
import type { Check, CheckContext, EntryEvent, EntryVerdict, ReportedFinding } from './check';
import { ValidationContext } from './context';
import { CHECKS_IN_ORDER } from './index';
import { startValidationPass } from './memo';

export interface ValidateOptions {
  target: Version;
  fileSystem: FileSystem;
}

type EntryHandler = (at: EntryEvent, context: CheckContext) => EntryVerdict;

/** The checks by the events they take, each list in the order of the checks. */
interface CheckPlan {
  syntaxErrors: Check[];
  includes: Check[];
  sectionHeaders: Check[];
  entriesBeforeSections: EntryHandler[];
  entriesIn: Record<SectionName, EntryHandler[]>;
  afterPass: Check[];
}

function planFor(checks: readonly Check[]): CheckPlan {
  const entryHandlers = (section: SectionName | null): EntryHandler[] =>
    checks.flatMap((check) =>
      check.entry && check.entriesIn?.includes(section) ? [check.entry.bind(check)] : [],
    );
  return {
    syntaxErrors: checks.filter((check) => check.syntaxError),
    includes: checks.filter((check) => check.include),
    sectionHeaders: checks.filter((check) => check.sectionHeader),
    entriesBeforeSections: entryHandlers(null),
    entriesIn: {
      pgbouncer: entryHandlers('pgbouncer'),
      databases: entryHandlers('databases'),
      users: entryHandlers('users'),
      peers: entryHandlers('peers'),
    },
    afterPass: checks.filter((check) => check.afterPass),
  };
}

const PLAN = planFor(CHECKS_IN_ORDER);
const NO_HANDLERS: EntryHandler[] = [];

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
  const context = new ValidationContext(model, options.target, options.fileSystem, startValidationPass());
  const events = model.events;
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
        break;
      case 'entry': {
        // Most events are entries of [databases]: indexed loops, no allocation.
        const section = context.section;
        const handlers =
          event.section === null
            ? plan.entriesBeforeSections
            : section === null
              ? NO_HANDLERS
              : plan.entriesIn[section];
        let refused = false;
        for (let h = 0; h < handlers.length && !refused; h++)
          refused = handlers[h](event, context) === REFUSED;
        if (!refused && section !== null) context.accept(event);
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
