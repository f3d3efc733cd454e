// "Fix all": the fixes of a file that can be applied together, as the editor's source.fixAll action
// (safe fixes) and `pgbouncer-lint --fix` (safe) or `--fix=all` (safe and recommended) apply them.

import type { LintResult } from './engine';
import { verifyFixes } from './verify';
import { decodeBytes, encodeText } from '../files/text-codec';
import type { Finding } from '../findings/finding';
import { applyEdits, compatibleFixes } from '../findings/fix';
import type { Fix, FixKind } from '../findings/fix';

/** `safe`: fixes that keep what PgBouncer does; `all`: recommended fixes as well. */
export type FixMode = 'safe' | 'all';

export const FIX_MODES: readonly FixMode[] = ['safe', 'all'];

/** Whether a mode applies fixes of a class: suggestions never are. */
export function modeApplies(mode: FixMode, kind: FixKind): boolean {
  return kind === 'safe' || (mode === 'all' && kind === 'recommended');
}

/**
 * The one fix of a finding that may ever be applied without asking: its first safe fix, else its
 * first recommended one. The editor marks it as preferred.
 */
export function primaryFix(finding: Finding): Fix | undefined {
  const fixes = finding.fixes ?? [];
  return fixes.find((fix) => fix.kind === 'safe') ?? fixes.find((fix) => fix.kind === 'recommended');
}

/**
 * The primary fix of each finding in the main file that `mode` applies and that no error holds
 * back (Fix.withheld), keeping only fixes that do not collide.
 */
export function fixesToApply(result: LintResult, mode: FixMode): Fix[] {
  verifyFixes(result);
  const path = result.model.root.path;
  const candidates: Fix[] = [];
  for (const finding of result.findings) {
    if (finding.file !== path) continue;
    const fix = primaryFix(finding);
    if (!fix || fix.withheld || !modeApplies(mode, fix.kind)) continue;
    if (fix.edits.every((edit) => edit.file === path)) candidates.push(fix);
  }
  return compatibleFixes(candidates);
}

/**
 * Events (lines of the file and of everything it includes) the rounds of fixText may analyse in all:
 * each round is a whole lint, and a file that includes a large one a hundred times is seconds per lint.
 */
const MAX_EVENTS_OF_ALL_ROUNDS = 2_000_000;
/** A file with more findings than this gets one round: the pool rules' fix searches make each lint slow. */
const MAX_FINDINGS_FOR_MORE_ROUNDS = 2000;

export interface FixedText {
  text: string;
  result: LintResult;
  /** Every fix applied, over all rounds. */
  applied: Fix[];
}

/** Applies the fixes of `mode` until none is left (a fix can make room for another), at most 10 rounds. */
export function fixText(
  text: string,
  first: LintResult,
  lint: (text: string) => LintResult,
  mode: FixMode,
): FixedText {
  let result = first;
  let current = text;
  const applied: Fix[] = [];
  let events = first.model.events.length;
  for (let round = 0; round < 10; round++) {
    if (round > 0 && events + result.model.events.length > MAX_EVENTS_OF_ALL_ROUNDS) break;
    if (round > 0 && result.findings.length > MAX_FINDINGS_FOR_MORE_ROUNDS) break;
    const chosen = fixesToApply(result, mode);
    if (chosen.length === 0) break;
    const next = applyEdits(
      current,
      chosen.flatMap((fix) => fix.edits),
    );
    if (next === current) break;
    applied.push(...chosen);
    current = next;
    result = lint(current);
    events += result.model.events.length;
  }
  return { text: current, result, applied };
}

/**
 * The fixes of a file's bytes: decoded losslessly (text-codec.ts), fixed, encoded again. Bytes no
 * fix touches come back as they were, whatever they are (a Latin-1 comment, a NUL, a BOM, CRLF).
 */
export function fixBytes(
  bytes: Uint8Array,
  lint: (text: string) => LintResult,
  mode: FixMode,
  first?: LintResult,
): FixedText & { bytes: Uint8Array } {
  const text = decodeBytes(bytes);
  const fixed = fixText(text, first ?? lint(text), lint, mode);
  return { ...fixed, bytes: fixed.text === text ? bytes : encodeText(fixed.text) };
}

/**
 * What is left in the main file after fixing: primary fixes `mode` would apply but an error holds
 * back, and primary fixes `mode` does not apply (held back or not).
 */
export function fixesLeft(result: LintResult, mode: FixMode): { withheld: Fix[]; notInMode: Fix[] } {
  verifyFixes(result);
  const path = result.model.root.path;
  const withheld: Fix[] = [];
  const notInMode: Fix[] = [];
  // Two findings may offer the same change (client_tls_sslmode = require): it counts once.
  const seen = new Set<string>();
  for (const finding of result.findings) {
    if (finding.file !== path) continue;
    const fix = primaryFix(finding);
    if (!fix || !fix.edits.every((edit) => edit.file === path)) continue;
    const change = fix.edits.map((edit) => `${edit.span.start}:${edit.span.end}:${edit.newText}`).join('\0');
    if (seen.has(change)) continue;
    seen.add(change);
    if (!modeApplies(mode, fix.kind)) notInMode.push(fix);
    else if (fix.withheld) withheld.push(fix);
  }
  return { withheld, notInMode };
}
