// Text edits that fixes are made of, located by offsets in one file, and the helpers that build
// them from the syntax tree: replace a value, rename a key, delete a line, add a setting.

import type { ConfigModel, LoadedFile } from '../model/config';
import type { Entry, Span } from '../parser/syntax';

export interface TextEdit {
  file: string;
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Safe fixes are applied by "fix all" and `pgbouncer-lint --fix`; others only on request. */
  safe: boolean;
  /** The fix an editor should offer first. */
  preferred?: boolean;
  /**
   * A guess (a "did you mean" rename, another enum value) that can collide with the rest of the
   * file; the engine lints the result and drops the fix if it would add a finding.
   */
  verify?: boolean;
}

export function replace(file: LoadedFile, span: Span, newText: string): TextEdit {
  return { file: file.path, span, newText };
}

function lineBreakOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The whole line holding `offset`, with its line break, as a span to delete. */
export function lineSpan(text: string, offset: number): Span {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const newline = text.indexOf('\n', offset);
  return { start, end: newline === -1 ? text.length : newline + 1 };
}

export function deleteEntry(file: LoadedFile, entry: Entry): TextEdit {
  const text = file.parsed.text;
  const line = lineSpan(text, entry.span.start);
  // Only delete the whole line when the entry is alone on it (not "[pgbouncer] key = v").
  const before = text.slice(line.start, entry.span.start);
  if (/^[ \t]*$/.test(before)) return { file: file.path, span: line, newText: '' };
  return { file: file.path, span: { start: entry.span.start, end: entry.span.end }, newText: '' };
}

/**
 * An edit that adds `name = value` to the [pgbouncer] section that is in force: after its last
 * entry in the main file, or right after its header.
 */
interface MainSectionEnd {
  header: { span: Span } | null;
  lastEntry: Entry | null;
}

/** Where each model's last [pgbouncer] section of the main file ends: rules ask for many fixes. */
const mainSectionEnds = new WeakMap<ConfigModel, MainSectionEnd>();

function mainSectionEnd(model: ConfigModel): MainSectionEnd {
  let found = mainSectionEnds.get(model);
  if (found) return found;
  const root = model.root;
  found = { header: null, lastEntry: null };
  const events = model.events;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (event.kind === 'section') {
      if (event.header.name === 'pgbouncer' && event.file === root) {
        found.header = event.header;
        found.lastEntry = null;
      }
    } else if (
      event.kind === 'entry' &&
      event.file === root &&
      event.section === 'pgbouncer' &&
      found.header
    ) {
      found.lastEntry = event.entry;
    }
  }
  mainSectionEnds.set(model, found);
  return found;
}

export function insertMainSetting(model: ConfigModel, name: string, value: string): TextEdit | null {
  const root = model.root;
  const { header, lastEntry } = mainSectionEnd(model);
  if (!header) return null;
  const text = root.parsed.text;
  const eol = lineBreakOf(text);
  const after = lastEntry ? lastEntry.span.end : header.span.end;
  const lineEnd = text.indexOf('\n', after);
  if (lineEnd === -1) {
    return {
      file: root.path,
      span: { start: text.length, end: text.length },
      newText: `${eol}${name} = ${value}${eol}`,
    };
  }
  const insertAt = lineEnd + 1;
  return { file: root.path, span: { start: insertAt, end: insertAt }, newText: `${name} = ${value}${eol}` };
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
