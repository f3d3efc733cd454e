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

/**
 * Events (lines of the file and of everything it includes) the rounds of fixText may analyse in all:
 * each round is a whole lint, and a file that includes a large one a hundred times is seconds per lint.
 */
const MAX_EVENTS_OF_ALL_ROUNDS = 2_000_000;
/** A file with more findings than this gets one round: the pool rules' fix searches make each lint slow. */
const MAX_FINDINGS_FOR_MORE_ROUNDS = 2000;

/** Applies safe fixes until none is left (a fix can make room for another), at most 10 rounds. */
export function fixText(
  text: string,
  first: LintResult,
  lint: (text: string) => LintResult,
): { text: string; result: LintResult } {
  let result = first;
  let current = text;
  let events = first.model.events.length;
  for (let round = 0; round < 10; round++) {
    if (round > 0 && events + result.model.events.length > MAX_EVENTS_OF_ALL_ROUNDS) break;
    if (round > 0 && result.findings.length > MAX_FINDINGS_FOR_MORE_ROUNDS) break;
    const chosen = safeFixes(result);
    if (chosen.length === 0) break;
    const next = applyEdits(
      current,
      chosen.flatMap((fix) => fix.edits),
    );
    if (next === current) break;
    current = next;
    result = lint(current);
    events += result.model.events.length;
  }
  return { text: current, result };
}
