// What the client reads of a pgbouncer.ini itself, without the engine's types: the section headers
// and entries of a text (the offer to treat an .ini file as a PgBouncer configuration, the pool
// hover on a [databases] entry), and whether the catalog knows a name.

import { setting } from '../catalog/catalog';
import { parseConnString } from '../syntax/connstring';
import { parse } from '../syntax/parser';

/** Offsets into the text, [start, end). */
export interface TextSpan {
  start: number;
  end: number;
}

export type OutlineItem =
  /** A section header; `name` is the text between the brackets, untrimmed, as PgBouncer compares it. */
  | { kind: 'section'; name: string; span: TextSpan }
  /** A `key = value` line; `span` runs from the key through the end of the value. */
  | { kind: 'entry'; key: string; keySpan: TextSpan; value: string; span: TextSpan };

/** The section headers and entries of `text` in file order; comments, %include lines and lines with errors left out. */
export function configOutline(text: string): OutlineItem[] {
  const outline: OutlineItem[] = [];
  for (const item of parse(text).items) {
    if (item.kind === 'section') {
      outline.push({ kind: 'section', name: item.name, span: { ...item.span } });
    } else if (item.kind === 'entry') {
      outline.push({
        kind: 'entry',
        key: item.key.text,
        keySpan: { ...item.key.span },
        value: item.value.text,
        span: { ...item.span },
      });
    }
  }
  return outline;
}

/** Whether the settings catalog has `key` in the section. */
export function isKnownSetting(section: 'pgbouncer' | 'databases', key: string): boolean {
  return setting(section, key) !== undefined;
}

/** The parameter names of a connection string (a [databases] value), or null when PgBouncer rejects it. */
export function connectionStringKeys(value: string): string[] | null {
  const { params, error } = parseConnString(value, 0);
  return error ? null : params.map((param) => param.key);
}
