// Fixes that rest on a line with an error are held back. A rule's reasoning is only as good as the
// lines it reads: with `pool_mode=sesion` in a [databases] entry no pool seems to use session
// pooling, and removing server_reset_query looks harmless, until the typo is corrected. So every
// fix says what its reason reads (Fix.dependsOn: recorded by RuleContext for rules, given by the
// checks for their own fixes, plus the line of the fix's own finding), every error of PgBouncer's
// own checks taints what its line is part of, and a fix that reads something tainted is marked
// withheld: "Fix all" and --fix skip it, the light bulb shows it with the reason.
//
// What an error taints, by where it is:
//   - a [pgbouncer] line: that setting; a key PgBouncer does not know every setting (it may be the
//     misspelling of any, and "not set" is what a rule would read); a database definition written
//     in [pgbouncer] the [databases] entries instead;
//   - a [databases], [users] or [peers] entry: that section (a [pgbouncer] setting written in
//     [databases] also that setting);
//   - its own line, always;
//   - anywhere else (a syntax error, an %include, a section header, a key before any section, a
//     whole-file problem such as no [pgbouncer] section): everything. The byte order mark is the
//     exception: it hides nothing, the rest of the file reads the same once it is removed.
// The linter's view is also incomplete, and everything tainted, past a NUL followed by more text
// (PgBouncer stops reading there) and past %include lines it did not follow.
// Errors count as PgBouncer's checks report them, whatever severity the user shows them with.

import type { ConfigModel, LoadedFile } from '../model/config';
import { setting } from '../catalog/catalog';
import type { Finding } from '../findings/finding';
import { lineDependency } from '../findings/fix';
import type { Dependency, Fix } from '../findings/fix';

interface Taint {
  /** Identifies the finding, so that it does not hold back its own fixes. */
  key: string;
  reason: string;
}

/** Which finding it is, for the engine's copies of it too (the message is left out: it can be long). */
function findingKey(finding: Finding): string {
  return `${finding.code}\0${finding.span.start}\0${finding.span.end}\0${finding.file}`;
}

/** Tainted by a [pgbouncer] key PgBouncer does not know: every setting may be the one it meant. */
const ANY_SETTING: Dependency = 'section:pgbouncer';

/** Where a line is, for a reason: "line 3", or "conf/extra.ini:3" in an included file. */
function lineLabel(model: ConfigModel, file: LoadedFile, offset: number): string {
  const line = file.parsed.lineIndex.lineNumberAt(offset);
  return file.path === model.root.path ? `line ${line}` : `${file.path}:${line}`;
}

class Taints {
  readonly byDependency = new Map<Dependency, Taint[]>();
  readonly everything: Taint[] = [];
  /** Every taint, for fixes that depend on everything ('*'). */
  readonly all: Taint[] = [];

  add(dependencies: readonly Dependency[] | 'everything', taint: Taint): void {
    this.all.push(taint);
    if (dependencies === 'everything') {
      this.everything.push(taint);
      return;
    }
    for (const dependency of dependencies) {
      const list = this.byDependency.get(dependency);
      if (list) list.push(taint);
      else this.byDependency.set(dependency, [taint]);
    }
  }

  /** Why `fix` of the finding `own` (its findingKey) must not be applied, or null. */
  against(fix: Fix, own: string, ownLine: Dependency | null): string | null {
    const other = (list: readonly Taint[] | undefined): Taint | undefined =>
      list?.find((taint) => taint.key !== own);
    let found = other(this.everything);
    const dependencies = ownLine ? [...(fix.dependsOn ?? []), ownLine] : (fix.dependsOn ?? []);
    for (const dependency of dependencies) {
      if (found) break;
      if (dependency === '*') found = other(this.all);
      else {
        found = other(this.byDependency.get(dependency));
        if (!found && dependency.startsWith('setting:')) found = other(this.byDependency.get(ANY_SETTING));
      }
    }
    return found ? found.reason : null;
  }
}

/** The entries of each file by position, to find the line an error is on. */
function entryLocator(
  model: ConfigModel,
): (file: string, offset: number) => { section: string | null; key: string } | null {
  const byFile = new Map<string, { start: number; end: number; section: string | null; key: string }[]>();
  for (const event of model.events) {
    if (event.kind !== 'entry') continue;
    let list = byFile.get(event.file.path);
    if (!list) byFile.set(event.file.path, (list = []));
    list.push({
      start: event.entry.span.start,
      end: event.entry.span.end,
      section: event.section,
      key: event.entry.key.text,
    });
  }
  for (const list of byFile.values()) list.sort((a, b) => a.start - b.start);
  return (file, offset) => {
    const list = byFile.get(file);
    if (!list) return null;
    // The last entry starting at or before the offset, if the offset is inside it.
    let low = 0;
    let high = list.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (list[middle].start <= offset) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    const entry = found === -1 ? null : list[found];
    return entry && offset <= entry.end ? entry : null;
  };
}

/** What an error of PgBouncer's checks taints (see the top of this file). */
function taintedBy(
  finding: Finding,
  file: LoadedFile,
  locate: ReturnType<typeof entryLocator>,
): Dependency[] | 'everything' {
  const line = lineDependency(file, finding.span.start);
  const text = file.parsed.text;
  if (finding.span.start === 0 && finding.span.end === 1 && text.charCodeAt(0) === 0xfeff) return [line];
  const entry = locate(file.path, finding.span.start);
  if (!entry || entry.section === null) return 'everything';
  if (entry.section === 'pgbouncer') {
    if (finding.code === 'misplaced-setting') return [line, 'section:databases'];
    return [line, setting('pgbouncer', entry.key) ? `setting:${entry.key}` : ANY_SETTING];
  }
  if (entry.section === 'databases' || entry.section === 'users' || entry.section === 'peers') {
    const dependencies: Dependency[] = [line, `section:${entry.section}`];
    if (finding.code === 'misplaced-setting') dependencies.push(`setting:${entry.key}`);
    return dependencies;
  }
  return 'everything';
}

/** Findings that leave the linter blind to part of what PgBouncer reads, errors or not. */
function hidesPartOfTheFile(finding: Finding, file: LoadedFile): boolean {
  if (finding.code === 'include-too-deep') return true;
  if (finding.code === 'nul-character') return /[^\s\0]/.test(file.parsed.text.slice(finding.span.end));
  return false;
}

/**
 * Marks withheld (Fix.withheld) every fix in `findings` whose reason reads a line with an error
 * among `checkFindings` (PgBouncer's own checks, with the severities they report).
 */
export function withholdTainted(
  findings: Finding[],
  checkFindings: readonly Finding[],
  model: ConfigModel,
): void {
  if (!findings.some((finding) => finding.fixes && finding.fixes.length > 0)) return;
  const files = new Map<string, LoadedFile>();
  for (const file of model.files) if (!files.has(file.path)) files.set(file.path, file);
  const taints = new Taints();
  let locate: ReturnType<typeof entryLocator> | null = null;
  for (const finding of checkFindings) {
    const file = files.get(finding.file);
    if (!file) continue;
    const blind = hidesPartOfTheFile(finding, file);
    if (finding.severity !== 'error' && !blind) continue;
    const where = lineLabel(model, file, finding.span.start);
    const key = findingKey(finding);
    if (blind) {
      taints.add('everything', { key, reason: `${where} hides part of the configuration: ${finding.code}` });
      continue;
    }
    locate ??= entryLocator(model);
    const tainted = taintedBy(finding, file, locate);
    const reason =
      tainted === 'everything'
        ? `${where} has an error that affects the whole file: ${finding.code}`
        : `${where} has an error: ${finding.code}`;
    taints.add(tainted, { key, reason });
  }
  if (taints.all.length === 0) return;
  for (const finding of findings) {
    if (!finding.fixes || finding.fixes.length === 0) continue;
    const file = files.get(finding.file);
    const ownLine = file ? lineDependency(file, finding.span.start) : null;
    const own = findingKey(finding);
    finding.fixes = finding.fixes.map((fix) => {
      const reason = taints.against(fix, own, ownLine);
      return reason === null ? fix : { ...fix, withheld: reason };
    });
  }
}
