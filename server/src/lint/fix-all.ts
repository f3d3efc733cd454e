// "Fix all": every safe fix of a file that can be applied together, as the editor's
// source.fixAll action and `pgbouncer-lint --fix` use it.

import type { LintResult } from '../engine';
import { applyEdits, compatibleFixes } from './edits';
import type { Fix } from './edits';

/** The first safe fix of each finding in the main file, keeping only fixes that do not collide. */
export function safeFixes(result: LintResult): Fix[] {
  const path = result.model.root.path;
  const candidates = result.findings
    .filter((finding) => finding.file === path)
    .flatMap((finding) => (finding.fixes ?? []).filter((fix) => fix.safe).slice(0, 1))
    .filter((fix) => fix.edits.every((edit) => edit.file === path));
  return compatibleFixes(candidates);
}

/** Applies safe fixes until none is left (a fix can make room for another), at most 10 rounds. */
export function fixText(
  text: string,
  first: LintResult,
  lint: (text: string) => LintResult,
): { text: string; result: LintResult } {
  let result = first;
  let current = text;
  for (let round = 0; round < 10; round++) {
    const chosen = safeFixes(result);
    if (chosen.length === 0) break;
    const next = applyEdits(
      current,
      chosen.flatMap((fix) => fix.edits),
    );
    if (next === current) break;
    current = next;
    result = lint(current);
  }
  return { text: current, result };
}
