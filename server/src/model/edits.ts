// The edits fixes are made of, built from the loaded configuration: replace a value, delete a line,
// add a setting to the [pgbouncer] section in force.

import { eventsWhere } from './config';
import type { ConfigEvent, ConfigModel, LoadedFile } from './config';
import type { Entry, Span } from '../syntax/syntax';
import { lineBreakAt, lineSpan } from '../findings/fix';
import type { TextEdit } from '../findings/fix';

export function replace(file: LoadedFile, span: Span, newText: string): TextEdit {
  return { file: file.path, span, newText };
}

export function deleteEntry(file: LoadedFile, entry: Entry): TextEdit {
  const text = file.parsed.text;
  const line = lineSpan(text, entry.span.start);
  // Only delete the whole line when the entry is alone on it (not "[pgbouncer] key = v").
  const before = text.slice(text.lastIndexOf('\n', entry.span.start - 1) + 1, entry.span.start);
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
  const isMainLine = (event: ConfigEvent): boolean =>
    event.file === root &&
    ((event.kind === 'section' && event.header.name === 'pgbouncer') ||
      (event.kind === 'entry' && event.section === 'pgbouncer'));
  // The main file's [pgbouncer] headers and settings: few among thousands of databases.
  for (const event of eventsWhere(model, 'model: [pgbouncer] lines of the main file', isMainLine)) {
    if (event.kind === 'section') {
      found.header = event.header;
      found.lastEntry = null;
    } else if (event.kind === 'entry' && found.header) {
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
  const after = lastEntry ? lastEntry.span.end : header.span.end;
  const eol = lineBreakAt(text, after);
  // PgBouncer reads nothing after a NUL: a line added there would be ignored.
  const limit = root.parsed.nulOffset ?? text.length;
  const lineEnd = text.indexOf('\n', after);
  if (lineEnd === -1 || lineEnd >= limit) {
    // The last line has no line break: the new line gets none either, and the file still ends as it did.
    return { file: root.path, span: { start: limit, end: limit }, newText: `${eol}${name} = ${value}` };
  }
  const insertAt = lineEnd + 1;
  return { file: root.path, span: { start: insertAt, end: insertAt }, newText: `${name} = ${value}${eol}` };
}
