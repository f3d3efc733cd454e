// The names of a list-valued setting (admin_users, stats_users, ...), as PgBouncer's
// strlist_contains separates them: by commas and blanks.

import type { Span } from '../syntax/syntax';
import type { Located } from './effective';

/** Each name of the setting's value, with its place in the file. */
export function namesInList(at: Located): { name: string; span: Span }[] {
  const { text, span } = at.entry.value;
  const names: { name: string; span: Span }[] = [];
  for (const match of text.matchAll(/[^\s,]+/g)) {
    const start = span.start + (match.index ?? 0);
    names.push({ name: match[0], span: { start, end: start + match[0].length } });
  }
  return names;
}
