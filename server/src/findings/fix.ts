// What a fix is: text edits located by offsets in one file, its class, and what its reason rests on;
// and the text-level helpers edits are made with and applied by.

import type { Span } from '../syntax/syntax';

export interface TextEdit {
  file: string;
  span: Span;
  newText: string;
}

/**
 * How far a fix may be trusted (docs/fixes.md lists the class of every fix):
 * - safe: PgBouncer does what it did before, or a file it refuses starts as it evidently meant.
 *   `pgbouncer-lint --fix`, fix on save and "Fix all" apply these, and only these.
 * - recommended: changes what PgBouncer does, on the audit's advice. `--fix=all` applies them too.
 * - suggestion: a decision only the user can make (an authentication method, a listen address, a
 *   guessed value). Offered in the editor, never applied by any `--fix`.
 */
export type FixKind = 'safe' | 'recommended' | 'suggestion';

export const FIX_KINDS: readonly FixKind[] = ['safe', 'recommended', 'suggestion'];

/**
 * What a fix's reason reads, so that a fix resting on a line with an error is withheld
 * (analysis/engine.ts, analysis/dependencies.ts): `setting:NAME` (a [pgbouncer] setting), `section:NAME` (the
 * entries of [databases], [users] or [peers]), `line:START:PATH` (one line), `*` (everything).
 */
export type Dependency = `setting:${string}` | `section:${string}` | `line:${number}:${string}` | '*';

export interface Fix {
  title: string;
  edits: TextEdit[];
  kind: FixKind;
  /**
   * A guess (a "did you mean" rename, another enum value) that can collide with the rest of the
   * file; the engine lints the result and drops the fix if it would add a finding.
   */
  verify?: boolean;
  /** Set by the engine: what the fix's reason reads besides the line of its own finding. */
  dependsOn?: readonly Dependency[];
  /**
   * Set by the engine when the fix rests on a line with an error, saying which: "line 2 has an
   * error: invalid-value". No "Fix all" or --fix applies it.
   */
  withheld?: string;
}

/**
 * The line break for a line inserted at `offset`: the one that ends the line there (the last line
 * break of the file when that line has none), so that a file with mixed line endings gets what
 * its neighbours have.
 */
export function lineBreakAt(text: string, offset: number): string {
  let newline = text.indexOf('\n', offset);
  if (newline === -1) newline = text.lastIndexOf('\n', offset - 1);
  if (newline === -1) return '\n';
  return newline > 0 && text.charCodeAt(newline - 1) === 13 ? '\r\n' : '\n';
}

/**
 * The whole line holding `offset`, with its line break, as a span to delete. The last line of a
 * file without a final line break takes the break before it instead, so that the file still ends
 * without one.
 */
export function lineSpan(text: string, offset: number): Span {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const newline = text.indexOf('\n', offset);
  if (newline !== -1) return { start, end: newline + 1 };
  if (start === 0) return { start, end: text.length };
  const before = start >= 2 && text.charCodeAt(start - 2) === 13 ? start - 2 : start - 1;
  return { start: before, end: text.length };
}

/** Applies edits of one file; overlapping edits after the first are left out. */
export function applyEdits(text: string, edits: readonly { span: Span; newText: string }[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  let result = '';
  let position = 0;
  for (const edit of sorted) {
    if (edit.span.start < position) continue;
    result += text.slice(position, edit.span.start) + edit.newText;
    position = edit.span.end;
  }
  return result + text.slice(position);
}

/**
 * Chooses fixes whose edits do not overlap each other (first come, first served), for applying
 * many fixes at once.
 */
export function compatibleFixes(fixes: readonly Fix[]): Fix[] {
  const taken: TextEdit[] = [];
  const chosen: Fix[] = [];
  // Insertions at the same place do not overlap: both apply, in order; the same insertion twice
  // (two findings offering the same line) counts once.
  const collides = (a: TextEdit, b: TextEdit): boolean =>
    (a.span.start < b.span.end && b.span.start < a.span.end) ||
    (a.span.start === b.span.start && a.span.end === b.span.end && a.newText === b.newText);
  for (const fix of fixes) {
    if (fix.edits.some((edit) => taken.some((other) => collides(other, edit)))) continue;
    chosen.push(fix);
    taken.push(...fix.edits);
  }
  return chosen;
}

/** The dependency on the line of `offset` in a file. */
export function lineDependency(file: { path: string; parsed: { text: string } }, offset: number): Dependency {
  return `line:${file.parsed.text.lastIndexOf('\n', offset - 1) + 1}:${file.path}`;
}
