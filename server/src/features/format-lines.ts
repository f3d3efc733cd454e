// The formatter's core, on offsets: which lines it may touch and what they become. It works on
// PgBouncer's lines (ended by \n) and renders each line from its parsed items, so a value is
// copied as PgBouncer reads it and only the blanks PgBouncer skips are changed. Lines it cannot
// be sure about are left as they are: syntax errors, a NUL and what follows it, a lone \r
// (a line break for the editor, not for PgBouncer), an %include without a file name.

import { parseConnString } from '../syntax/connstring';
import { isCSpace } from '../syntax/parser';
import type { Entry, Item, ParsedFile } from '../syntax/syntax';
import { sectionInfo } from '../catalog/catalog';

export interface FormatOptions {
  /** Align the '=' of consecutive entries. */
  alignValues: boolean;
  /** Align the parameters of consecutive connection strings into columns. */
  alignParameters: boolean;
  /** Only lines that overlap [start, end] (offsets); the whole file when absent. */
  range?: { start: number; end: number };
  /** Document formatting only: end the file with exactly one line break / with a line break. */
  trimFinalNewlines?: boolean;
  insertFinalNewline?: boolean;
}

export interface Replacement {
  start: number;
  end: number;
  newText: string;
}

interface Line {
  start: number;
  /** Where the line's content ends: before its \n or \r\n. */
  contentEnd: number;
  /** After its line break. */
  end: number;
  items: Item[];
}

/** What a line holds, once rendered. */
interface Rendered {
  /** Null: the line is left exactly as it is. */
  text: string | null;
  /** Set when the line is one entry and nothing else: alignment may pad it. */
  entry?: { key: string; value: string; params: string[] | null; section: string | null };
  /** A line holding only a comment: it does not end a block of entries. */
  comment?: boolean;
}

function splitLines(parsed: ParsedFile): Line[] {
  const { text } = parsed;
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      lines.push({ start, contentEnd: text.length, end: text.length, items: [] });
      break;
    }
    const contentEnd = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    lines.push({ start, contentEnd, end: nl + 1, items: [] });
    start = nl + 1;
  }
  let line = 0;
  for (const item of parsed.items) {
    const at = item.kind === 'error' ? item.lineSpan.start : item.span.start;
    while (line + 1 < lines.length && lines[line + 1].start <= at) line++;
    lines[line].items.push(item);
  }
  return lines;
}

/** Whether the line's connection strings are re-spaced: in [databases], [users] and [peers]. */
function isConnectionStringSection(section: string | null): boolean {
  return section !== null && sectionInfo(section)?.kind === 'connection-strings';
}

/**
 * The parameters of a connection string as written ("key=value", quotes kept), or null when it
 * must stay as it is: PgBouncer refuses it, or drops a character after a closing quote.
 */
export function connectionParams(value: string): string[] | null {
  const parsed = parseConnString(value, 0);
  if (parsed.error || parsed.params.some((param) => param.droppedAfterQuote)) return null;
  return parsed.params.map(
    (param) =>
      value.slice(param.keySpan.start, param.keySpan.end) +
      '=' +
      value.slice(param.valueSpan.start, param.valueSpan.end),
  );
}

function entryLine(key: string, value: string): string {
  const left = key === '' ? '=' : `${key} =`;
  return value === '' ? left : `${left} ${value}`;
}

function renderLine(line: Line, parsed: ParsedFile, sectionOf: (entry: Entry) => string | null): Rendered {
  const { text } = parsed;
  const content = text.slice(line.start, line.contentEnd);
  if (content.includes('\r')) return { text: null };
  if (parsed.nulOffset !== null && parsed.nulOffset < line.end) return { text: null };
  const parts: string[] = [];
  let covered = line.start;
  let single: Rendered['entry'];
  for (const item of line.items) {
    if (item.kind === 'error') return { text: null };
    if (item.span.end > line.contentEnd) return { text: null };
    // Only blanks may sit between items; anything else means this line is not what we think.
    for (let i = covered; i < item.span.start; i++) if (!isCSpace(text.charCodeAt(i))) return { text: null };
    covered = item.span.end;
    switch (item.kind) {
      case 'section':
        parts.push(text.slice(item.span.start, item.span.end));
        break;
      case 'comment':
        parts.push(item.text);
        break;
      case 'include':
        // "%include" needs a blank and a name after it, or it is no longer an include.
        if (item.path === '') return { text: null };
        parts.push(`%include ${item.path}`);
        break;
      case 'entry': {
        const key = text.slice(item.key.span.start, item.key.span.end);
        const section = sectionOf(item);
        const params = isConnectionStringSection(section) ? connectionParams(item.value.text) : null;
        const value = params ? params.join(' ') : item.value.text;
        parts.push(entryLine(key, value));
        if (line.items.length === 1) single = { key, value, params, section };
        break;
      }
    }
  }
  for (let i = covered; i < line.contentEnd; i++) if (!isCSpace(text.charCodeAt(i))) return { text: null };
  const rendered: Rendered = { text: parts.join(' ') };
  if (single) rendered.entry = single;
  if (line.items.length === 1 && line.items[0].kind === 'comment') rendered.comment = true;
  return rendered;
}

/** Code points, which is what a monospace editor shows for the names and values in a config. */
function width(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}

/** Pads the entries of one block: '=' in one column, and connection-string parameters in columns. */
function alignBlock(block: Rendered[], options: FormatOptions): void {
  const entries = block.flatMap((line) => (line.entry ? [{ line, entry: line.entry }] : []));
  if (entries.length < 2) return;
  const columns = options.alignParameters && isConnectionStringSection(entries[0].entry.section);
  if (!options.alignValues && !columns) return;
  const keyWidth = Math.max(...entries.map(({ entry }) => width(entry.key)));
  const widths: number[] = [];
  if (columns) {
    for (const { entry } of entries) {
      entry.params?.forEach((param, i) => (widths[i] = Math.max(widths[i] ?? 0, width(param))));
    }
  }
  for (const { line, entry } of entries) {
    let value = entry.value;
    if (columns && entry.params) {
      const params = entry.params;
      value = params.map((param, i) => (i < params.length - 1 ? pad(param, widths[i]) : param)).join(' ');
    }
    line.text = entryLine(pad(entry.key, keyWidth), value);
  }
}

/** The replacements that format the file (or the lines of options.range). */
export function formatReplacements(
  parsed: ParsedFile,
  sectionOf: (entry: Entry) => string | null,
  options: FormatOptions,
): Replacement[] {
  const { text } = parsed;
  const lines = splitLines(parsed);
  const rendered = lines.map((line) => renderLine(line, parsed, sectionOf));

  // Blocks: runs of lines that are each one entry; comment lines do not interrupt a run.
  let block: Rendered[] = [];
  for (const line of [...rendered, { text: null }]) {
    if (line.entry || (line.comment && block.length > 0)) {
      block.push(line);
      continue;
    }
    alignBlock(block, options);
    block = [];
  }

  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const whole = options.range === undefined;
  const replacements: Replacement[] = [];
  // Lines from `keep` on are the blank lines at the end of the file, removed when trimming.
  let keep = lines.length;
  if (whole && options.trimFinalNewlines) {
    let last = -1;
    rendered.forEach((line, i) => {
      if (line.text !== '') last = i;
    });
    keep = last + 1;
    const tail = last === -1 ? 0 : lines[last].end;
    if (tail < text.length) replacements.push({ start: tail, end: text.length, newText: '' });
  }
  const inRange = (line: Line): boolean => {
    if (!options.range) return true;
    const { start, end } = options.range;
    // A selection of whole lines ends at the start of the next line, which is not part of it.
    return line.contentEnd >= start && (line.start < end || (line.start === end && start === end));
  };
  for (let i = 0; i < keep; i++) {
    const line = lines[i];
    const out = rendered[i].text;
    if (out === null || !inRange(line) || out === text.slice(line.start, line.contentEnd)) continue;
    replacements.push({ start: line.start, end: line.contentEnd, newText: out });
  }
  const final = lines[keep - 1];
  // Not after a line left as it is: a lone \r before the new \n would turn into a CRLF.
  const add = whole && options.insertFinalNewline && keep === lines.length && final !== undefined;
  if (add && rendered[keep - 1].text !== null && final.end === final.contentEnd) {
    const own = replacements.find((r) => r.start === final.start && r.end === final.contentEnd);
    const content = own ? own.newText : text.slice(final.start, final.contentEnd);
    if (content !== '') {
      if (own) own.newText += eol;
      else replacements.push({ start: text.length, end: text.length, newText: eol });
    }
  }
  return replacements;
}

export function applyReplacements(text: string, replacements: readonly Replacement[]): string {
  let out = '';
  let at = 0;
  for (const r of [...replacements].sort((a, b) => a.start - b.start)) {
    out += text.slice(at, r.start) + r.newText;
    at = r.end;
  }
  return out + text.slice(at);
}

/**
 * True when two parses of the same file mean the same to PgBouncer: the same items in the same
 * order, the same keys, values and comments, and the same connection-string parameters where
 * only their spacing may differ. `sectionOf` gives the section of the i-th item.
 */
export function sameMeaning(
  before: ParsedFile,
  after: ParsedFile,
  sectionOf: (index: number) => string | null,
): boolean {
  if (before.items.length !== after.items.length) return false;
  if ((before.nulOffset === null) !== (after.nulOffset === null)) return false;
  return before.items.every((a, i) => {
    const b = after.items[i];
    if (a.kind !== b.kind) return false;
    switch (a.kind) {
      case 'section':
        return b.kind === 'section' && a.name === b.name;
      case 'comment':
        return b.kind === 'comment' && a.text === b.text;
      case 'include':
        return b.kind === 'include' && a.path === b.path;
      case 'error':
        return (
          b.kind === 'error' &&
          a.code === b.code &&
          before.text.slice(a.lineSpan.start, a.lineSpan.end) ===
            after.text.slice(b.lineSpan.start, b.lineSpan.end)
        );
      case 'entry': {
        if (b.kind !== 'entry' || a.key.text !== b.key.text || a.key.quoted !== b.key.quoted) return false;
        if (a.value.text === b.value.text) return true;
        if (!isConnectionStringSection(sectionOf(i))) return false;
        const x = parseConnString(a.value.text, 0);
        const y = parseConnString(b.value.text, 0);
        if (x.error || y.error || x.params.length !== y.params.length) return false;
        return x.params.every((p, j) => {
          const q = y.params[j];
          return (
            p.key === q.key &&
            p.value === q.value &&
            p.quoted === q.quoted &&
            !p.droppedAfterQuote &&
            !q.droppedAfterQuote
          );
        });
      }
    }
  });
}
