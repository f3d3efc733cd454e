// Completion: section names, keys, values, connection-string parameters, database names, paths.
// The context comes from the item at the cursor (a binary search over the root file's items)
// and the text of the cursor's line; everything about settings comes from the catalog.

import { CompletionItemKind, CompletionItemTag, InsertTextFormat, MarkupKind } from 'vscode-languageserver';
import type { CompletionItem, CompletionList, CompletionParams, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintResult } from '../analysis/engine';
import { parseConnString } from '../syntax/connstring';
import type { Entry } from '../syntax/syntax';
import { allSections, availableIn, defaultFor, setting, settingsOf } from '../catalog/catalog';
import type { SectionName, Setting, Version } from '../catalog/catalog';
import type { Settings } from '../settings';
import { databaseNames, itemIndexAt, mainBlockAfter, positionIndex, sectionAfter } from './completion-index';
import type { PositionIndex } from './completion-index';
import { pathCompletions } from './completion-paths';
import {
  currentValues,
  enumValueMarkdown,
  isDeprecatedIn,
  sectionMarkdown,
  settingMarkdown,
  takesDatabaseName,
  valueMeaning,
} from './hover-text';

/** Database names beyond this are left to further typing (the list is marked incomplete). */
const MAX_NAMES = 1000;

const CONNECTION_SECTIONS: ReadonlySet<string> = new Set(
  allSections()
    .filter((s) => s.kind === 'connection-strings')
    .map((s) => s.name),
);

const EMPTY: CompletionList = { isIncomplete: false, items: [] };

interface Request {
  index: PositionIndex;
  text: string;
  offset: number;
  lineStart: number;
  lineEnd: number;
  target: Version;
  trigger: string | undefined;
}

export function completion(
  _document: TextDocument,
  analysis: LintResult,
  params: CompletionParams,
  _settings: Settings,
): CompletionList {
  const index = positionIndex(analysis);
  const { lineIndex, text } = index.parsed;
  const offset = lineIndex.offsetAt(params.position);
  const line = lineIndex.positionAt(offset).line;
  const request: Request = {
    index,
    text,
    offset,
    lineStart: lineIndex.lineStart(line),
    lineEnd: lineIndex.lineEnd(line),
    target: analysis.target,
    trigger: params.context?.triggerCharacter,
  };
  return complete(request) ?? EMPTY;
}

function complete(r: Request): CompletionList | null {
  const { index, offset, lineStart } = r;
  const i = itemIndexAt(index, offset);
  const item = i >= 0 ? index.items[i] : undefined;
  if (!item || item.span.start < lineStart) {
    return inRegion(r, lineStart, sectionAfter(index, i), mainBlockAfter(index, i));
  }
  switch (item.kind) {
    case 'section':
      if (offset > item.span.start && offset <= item.nameSpan.end) {
        return sectionNames(r, item.nameSpan.start, item.nameSpan.end, true);
      }
      if (offset >= item.span.end) return inRegion(r, item.span.end, item.name, mainBlockAfter(index, i));
      return null;
    case 'entry': {
      const section = index.sectionBefore[i];
      if (offset <= item.key.span.end) {
        if (item.key.quoted) return null;
        return keys(r, item.key.span.start, section, index.mainBlockBefore[i], item);
      }
      if (offset <= item.equalsOffset) return null;
      if (section !== null && CONNECTION_SECTIONS.has(section))
        return connection(r, item, section as SectionName);
      return section === 'pgbouncer' ? mainValue(r, item) : null;
    }
    case 'include':
      if (offset < item.keywordSpan.end) return null;
      return includePath(r, Math.min(item.pathSpan.start, offset));
    case 'comment':
      return null;
    case 'error': {
      // A broken line: read what was typed since the previous item on the same line.
      const previous = i > 0 ? index.items[i - 1] : undefined;
      const start = previous && previous.span.end >= lineStart ? previous.span.end : lineStart;
      return inRegion(r, start, index.sectionBefore[i], index.mainBlockBefore[i]);
    }
  }
}

/** Completion from the text typed between `start` and the cursor, on a line no item explains. */
function inRegion(r: Request, start: number, section: string | null, block: number): CompletionList | null {
  const typed = r.text.slice(start, r.offset);
  const header = /^[^\S\n]*\[([^\]\n]*)$/.exec(typed);
  if (header) return sectionNames(r, r.offset - header[1].length, wordEnd(r, r.offset, /[\w-]/), false);
  const include = /^[^\S\n]*%include[ \t]+(.*)$/.exec(typed);
  if (include) return includePath(r, r.offset - include[1].length);
  const key = /^[^\S\n]*([A-Za-z0-9_.*-]*)$/.exec(typed);
  if (key) return keys(r, r.offset - key[1].length, section, block, undefined);
  return null;
}

/** End of the word the cursor is in: characters matching `pattern` after the cursor. */
function wordEnd(r: Request, from: number, pattern: RegExp): number {
  let end = from;
  while (end < r.lineEnd && pattern.test(r.text[end])) end++;
  return end;
}

function rangeOf(r: Request, start: number, end: number): Range {
  return r.index.parsed.lineIndex.rangeOf({ start, end });
}

function markdown(value: string): { kind: typeof MarkupKind.Markdown; value: string } {
  return { kind: MarkupKind.Markdown, value };
}

// ---------------------------------------------------------------------------------------------
// Section names

function sectionNames(r: Request, start: number, end: number, closed: boolean): CompletionList | null {
  if (r.trigger !== undefined && r.trigger !== '[') return null;
  const range = rangeOf(r, start, end);
  const mainHeader = r.index.analysis.effective.mainHeader;
  const items = allSections()
    .filter((s) => availableIn(s.addedIn, r.target))
    .map((s, order): CompletionItem => {
      // A second [pgbouncer] header resets every setting above it: offer it last, and say so.
      const again =
        s.name === 'pgbouncer' && mainHeader !== null && mainHeader.header.nameSpan.start !== start;
      return {
        label: s.name,
        kind: CompletionItemKind.Module,
        detail: again ? 'already in the file: a second header resets its settings' : 'section',
        documentation: markdown(sectionMarkdown(s, r.target)),
        sortText: `${again ? 1 : 0}${order}`,
        textEdit: { range, newText: closed ? s.name : `${s.name}]` },
      };
    });
  return { isIncomplete: false, items };
}

/** `[section]` headers and %include, offered where a new line's first word is being typed. */
function lineStarters(r: Request, range: Range): CompletionItem[] {
  const items: CompletionItem[] = allSections()
    .filter((s) => availableIn(s.addedIn, r.target))
    .map((s, order) => ({
      label: `[${s.name}]`,
      kind: CompletionItemKind.Module,
      detail: 'section header',
      documentation: markdown(sectionMarkdown(s, r.target)),
      filterText: s.name,
      sortText: `2${order}`,
      textEdit: { range, newText: `[${s.name}]` },
    }));
  items.push({
    label: '%include',
    kind: CompletionItemKind.Keyword,
    detail: 'read another file here',
    documentation: markdown(
      'Reads the named file at this point, as if its lines were written here; the section in force carries over into it and back. A relative name is taken from the directory PgBouncer runs in, not from the folder of this file.',
    ),
    filterText: 'include',
    sortText: '3',
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: '%include ${1:file.ini}' },
  });
  return items;
}

// ---------------------------------------------------------------------------------------------
// Keys of [pgbouncer]

/** Escapes text for a snippet placeholder (`${1:text}`) or, with `choice`, a choice (`${1|a,b|}`). */
function snippetText(text: string, choice = false): string {
  return text.replace(choice ? /[$}\\,|]/g : /[$}\\]/g, '\\$&');
}

/** The value a new setting starts with: a choice of enum values, else the recommended or default value. */
function valueSnippet(s: Setting, target: Version, inConnString: boolean): string {
  const preferred =
    s.recommended ??
    (inConnString && s.defaultNote !== undefined ? undefined : (defaultFor(s, target) ?? undefined));
  let choices: string[] | null = null;
  if (s.type === 'enum') choices = currentValues(s, target).map((v) => v.name);
  else if (s.type === 'bool') choices = ['0', '1'];
  if (choices && choices.length > 0) {
    const first = choices.find((c) => c.toLowerCase() === preferred?.toLowerCase());
    const ordered = first ? [first, ...choices.filter((c) => c !== first)] : choices;
    return `\${1|${ordered.map((c) => snippetText(c, true)).join(',')}|}`;
  }
  return preferred ? `\${1:${snippetText(preferred)}}` : '$1';
}

function short(text: string): string {
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

interface KeyTemplate {
  setting: Setting;
  detail: string;
  documentation: { kind: typeof MarkupKind.Markdown; value: string };
  deprecated: boolean;
  value: string;
}

/** Catalog-derived parts of key items, per section and target version (they never change). */
const keyTemplates = new Map<string, KeyTemplate[]>();

function templatesFor(section: SectionName, target: Version): KeyTemplate[] {
  const cacheKey = `${section}\0${target.label}`;
  let templates = keyTemplates.get(cacheKey);
  if (!templates) {
    const inConnString = section !== 'pgbouncer';
    templates = settingsOf(section)
      .filter((s) => availableIn(s.addedIn, target) && !s.platform)
      .map((s) => {
        const fallback = defaultFor(s, target);
        return {
          setting: s,
          detail: `${s.type}${fallback !== null && fallback !== '' ? ` · default ${short(fallback)}` : ''}${s.unit ? ` · ${s.unit}` : ''}`,
          documentation: markdown(settingMarkdown(s, target)),
          deprecated: isDeprecatedIn(s, target),
          value: valueSnippet(s, target, inConnString),
        };
      });
    keyTemplates.set(cacheKey, templates);
  }
  return templates;
}

function keyItem(t: KeyTemplate, range: Range, newText: string, snippet: boolean): CompletionItem {
  const item: CompletionItem = {
    label: t.setting.name,
    kind: CompletionItemKind.Property,
    detail: t.detail,
    documentation: t.documentation,
    sortText: `${t.deprecated ? 1 : 0}${t.setting.name}`,
    textEdit: { range, newText },
  };
  if (snippet) item.insertTextFormat = InsertTextFormat.Snippet;
  if (t.deprecated) item.tags = [CompletionItemTag.Deprecated];
  return item;
}

function keys(
  r: Request,
  start: number,
  section: string | null,
  block: number,
  entry: Entry | undefined,
): CompletionList | null {
  // Trigger characters typed here ('=', ' ', '/') do not start a key.
  if (r.trigger !== undefined) return null;
  const end = wordEnd(r, r.offset, /[A-Za-z0-9_.*-]/);
  const range = rangeOf(r, start, end);
  // The rest of the line decides between a whole "key = value" and the name alone.
  const rest = r.text.slice(end, r.lineEnd);
  // In the blanks before a line's text there is nothing to complete.
  if (start === end && rest.trim() !== '') return null;
  const wholeLine = entry === undefined && rest.trim() === '';
  const items: CompletionItem[] = [];
  if (section === 'pgbouncer') {
    const set = r.index.mainKeys.get(block);
    for (const t of templatesFor('pgbouncer', r.target)) {
      const count = set?.get(t.setting.name) ?? 0;
      if (count > (entry?.key.text === t.setting.name ? 1 : 0)) continue;
      items.push(
        wholeLine
          ? keyItem(t, range, `${t.setting.name} = ${t.value}`, true)
          : keyItem(t, range, t.setting.name, false),
      );
    }
  }
  if (wholeLine && r.text.slice(r.lineStart, start).trim() === '') items.push(...lineStarters(r, range));
  return items.length > 0 ? { isIncomplete: false, items } : null;
}

// ---------------------------------------------------------------------------------------------
// Values of [pgbouncer] settings

function valueItem(
  label: string,
  range: Range,
  newText: string,
  sortText: string,
  documentation: string,
  detail?: string,
): CompletionItem {
  const item: CompletionItem = {
    label,
    kind: CompletionItemKind.Value,
    sortText,
    documentation: markdown(documentation),
    textEdit: { range, newText },
  };
  if (detail) item.detail = detail;
  return item;
}

/** Enum values, 0/1, the recommended and default values, or database names for a setting. */
function valueItems(
  r: Request,
  s: Setting,
  range: Range,
  typed: string,
  prefix: string,
  inConnString: boolean,
): CompletionList | null {
  const { target } = r;
  const fallback = defaultFor(s, target);
  const same = (a: string | null | undefined, b: string): boolean =>
    a !== null && a !== undefined && a.toLowerCase() === b.toLowerCase();
  const marks = (value: string): string =>
    [same(s.recommended, value) ? 'recommended' : '', same(fallback, value) ? 'default' : '']
      .filter(Boolean)
      .join(', ');
  const items: CompletionItem[] = [];
  if (s.type === 'enum') {
    currentValues(s, target).forEach((v, order) => {
      const item = valueItem(
        v.name,
        range,
        prefix + v.name,
        `${same(s.recommended, v.name) ? 0 : 1}${String(order).padStart(3, '0')}`,
        enumValueMarkdown(s, v, target),
        marks(v.name) || undefined,
      );
      if (v.deprecated) item.tags = [CompletionItemTag.Deprecated];
      if (same(s.recommended, v.name)) item.preselect = true;
      items.push(item);
    });
  } else if (s.type === 'bool') {
    for (const value of ['0', '1']) {
      const meaning = value === '1' ? 'on' : 'off';
      items.push(
        valueItem(
          value,
          range,
          prefix + value,
          value,
          `**${meaning}**`,
          [meaning, marks(value)].filter(Boolean).join(', '),
        ),
      );
    }
  } else if (takesDatabaseName(s)) {
    return databaseItems(r, range, typed, prefix);
  } else {
    const context = { target, runDirectory: r.index.analysis.model.runDirectory, databases: new Map() };
    const offered = new Set<string>();
    for (const value of [s.recommended, inConnString && s.defaultNote ? null : fallback]) {
      if (value === undefined || value === null || value === '' || offered.has(value)) continue;
      offered.add(value);
      const item = valueItem(
        value,
        range,
        prefix + value,
        String(offered.size),
        valueMeaning(s, value, inConnString, context).join('\n\n'),
        marks(value),
      );
      if (same(s.recommended, value)) item.preselect = true;
      items.push(item);
    }
  }
  return items.length > 0 ? { isIncomplete: false, items } : null;
}

/** Whether the characters of `typed` appear in `name` in order (case-insensitive). */
function subsequence(typed: string, name: string): boolean {
  let j = 0;
  for (let k = 0; k < name.length && j < typed.length; k++) {
    if (name[k].toLowerCase() === typed[j]) j++;
  }
  return j === typed.length;
}

function databaseItems(r: Request, range: Range, typed: string, prefix: string): CompletionList | null {
  const names = databaseNames(r.index);
  // A long list is narrowed here by what was typed, and asked for again as typing goes on.
  const incomplete = names.length > MAX_NAMES;
  let chosen = names;
  if (incomplete) {
    const wanted = typed.toLowerCase();
    chosen = [];
    for (const name of names) {
      if (chosen.length >= MAX_NAMES) break;
      if (subsequence(wanted, name)) chosen.push(name);
    }
  }
  const items = chosen.map((name): CompletionItem => ({
    label: name,
    kind: CompletionItemKind.Reference,
    detail: 'database in [databases]',
    textEdit: { range, newText: prefix + name },
  }));
  return items.length > 0 || incomplete ? { isIncomplete: incomplete, items } : null;
}

function mainValue(r: Request, entry: Entry): CompletionList | null {
  const s = setting('pgbouncer', entry.key.text);
  if (!s) return null;
  const valueStart = entry.value.span.start;
  const start = Math.min(valueStart, r.offset);
  const typed = r.text.slice(start, r.offset);
  if (r.trigger === ' ' && typed.trim() !== '') return null;
  if (r.trigger === '[' || (r.trigger === '/' && s.type !== 'path')) return null;
  if (s.type === 'path') {
    const segmentStart = start + typed.lastIndexOf('/') + 1;
    const range = rangeOf(r, segmentStart, wordEnd(r, r.offset, /[^\s/]/));
    const items = pathCompletions(
      typed,
      r.index.analysis.model.runDirectory,
      s.pathKind === 'directory',
      range,
    );
    return items.length > 0 ? { isIncomplete: false, items } : null;
  }
  const range = rangeOf(r, start, Math.max(r.offset, entry.value.span.end));
  // Right after '=' the value gets its blank, as in "key = value".
  const prefix = start === entry.equalsOffset + 1 ? ' ' : '';
  return valueItems(r, s, range, typed, prefix, false);
}

// ---------------------------------------------------------------------------------------------
// Connection strings of [databases], [users] and [peers]

type ConnCursor =
  | { kind: 'key'; start: number }
  | { kind: 'value'; key: string; start: number; quoted: boolean }
  | { kind: 'none' };

/**
 * Where the cursor is in a connection string, reading it as PgBouncer does (pairs separated by
 * spaces, blanks around '=', quoted values) but leniently: a word without '=' is skipped.
 */
function connCursor(text: string, base: number, offset: number): ConnCursor {
  const s = text.slice(base, offset);
  const n = s.length;
  let p = 0;
  for (;;) {
    while (p < n && s[p] === ' ') p++;
    if (p >= n) return { kind: 'key', start: base + p };
    const keyStart = p;
    while (p < n && s[p] !== '=' && s[p] !== ' ') p++;
    if (p >= n) return { kind: 'key', start: base + keyStart };
    const key = s.slice(keyStart, p);
    while (p < n && s[p] === ' ') p++;
    if (p >= n) return { kind: 'none' };
    if (s[p] !== '=') continue;
    p++;
    while (p < n && s[p] === ' ') p++;
    if (p >= n) return { kind: 'value', key, start: base + p, quoted: false };
    const valueStart = p;
    if (s[p] === "'") {
      p++;
      for (;;) {
        if (p >= n) return { kind: 'value', key, start: base + valueStart, quoted: true };
        if (s[p] === "'") {
          if (s[p + 1] === "'") {
            p += 2;
            continue;
          }
          break;
        }
        p++;
      }
      p += 2; // the closing quote and the character after it, which PgBouncer always consumes
      if (p > n) return { kind: 'none' };
      continue;
    }
    while (p < n && s[p] !== ' ') p++;
    if (p >= n) return { kind: 'value', key, start: base + valueStart, quoted: false };
    p++;
  }
}

function connection(r: Request, entry: Entry, section: SectionName): CompletionList | null {
  const base = Math.min(entry.value.span.start, r.offset);
  const cursor = connCursor(r.text, base, r.offset);
  if (cursor.kind === 'none') return null;
  if (r.trigger === '[' || r.trigger === '/') return null;
  if (cursor.kind === 'key') {
    if (r.trigger === '=') return null;
    const end = wordEnd(r, r.offset, /[^ =]/);
    const range = rangeOf(r, cursor.start, end);
    const followedByEquals = /^ *=/.test(r.text.slice(end, r.lineEnd));
    const present = new Set(
      parseConnString(entry.value.text, entry.value.span.start)
        .params.filter((p) => !(p.keySpan.start <= r.offset && r.offset <= p.keySpan.end))
        .map((p) => p.key),
    );
    const items = templatesFor(section, r.target)
      .filter((t) => !present.has(t.setting.name))
      .map((t) =>
        followedByEquals
          ? keyItem(t, range, t.setting.name, false)
          : keyItem(t, range, `${t.setting.name}=${t.value}`, true),
      );
    for (const item of items) item.kind = CompletionItemKind.Field;
    return items.length > 0 ? { isIncomplete: false, items } : null;
  }
  if (cursor.quoted) return null;
  const s = setting(section, cursor.key);
  if (!s || !availableIn(s.addedIn, r.target)) return null;
  const typed = r.text.slice(cursor.start, r.offset);
  const range = rangeOf(r, cursor.start, wordEnd(r, r.offset, /[^ ]/));
  return valueItems(r, s, range, typed, '', true);
}

// ---------------------------------------------------------------------------------------------
// %include

function includePath(r: Request, pathStart: number): CompletionList | null {
  if (r.trigger === '[' || r.trigger === '=') return null;
  const typed = r.text.slice(pathStart, r.offset);
  const segmentStart = pathStart + typed.lastIndexOf('/') + 1;
  const range = rangeOf(r, segmentStart, wordEnd(r, r.offset, /[^\s/]/));
  const items = pathCompletions(typed, r.index.analysis.model.runDirectory, false, range);
  return items.length > 0 ? { isIncomplete: false, items } : null;
}
