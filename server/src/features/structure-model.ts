// What the editing features need to know about the open file beyond its syntax: the section
// PgBouncer files each of its entries under (sections carry across %include), and where its
// sections end. Only the analysed file itself is looked at: included files are not in it.

import { pathToFileURL } from 'node:url';
import type { ConfigEvent, ConfigModel, LoadedFile } from '../model/config';
import type { Entry, Include, Item, ParsedFile, Span } from '../syntax/syntax';

/** The section of every entry of the main file, as PgBouncer reads it (null: before any header). */
export function rootSections(model: ConfigModel): Map<Entry, string | null> {
  const sections = new Map<Entry, string | null>();
  for (const event of model.events) {
    if (event.kind === 'entry' && event.file === model.root) sections.set(event.entry, event.section);
  }
  return sections;
}

export type IncludeEvent = Extract<ConfigEvent, { kind: 'include' }>;

/** The include events of the main file, by their %include line. */
export function rootIncludes(model: ConfigModel): Map<Include, IncludeEvent> {
  const includes = new Map<Include, IncludeEvent>();
  for (const event of model.events) {
    if (event.kind === 'include' && event.file === model.root) includes.set(event.include, event);
  }
  return includes;
}

/** Where an item ends, including the rest of the line for a syntax error. */
export function itemEnd(item: Item): number {
  return item.kind === 'error' ? Math.max(item.span.end, item.lineSpan.end) : item.span.end;
}

export interface SectionBlock {
  /** Index of the header in the file's items. */
  index: number;
  /** Offset where the section's last non-blank line ends (the header's end when it is empty). */
  end: number;
}

/** Each section header of a file and the end of its last non-blank line before the next header. */
export function sectionBlocks(parsed: ParsedFile): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  parsed.items.forEach((item, index) => {
    const current = blocks[blocks.length - 1];
    if (item.kind === 'section') blocks.push({ index, end: item.span.end });
    else if (current) current.end = Math.max(current.end, itemEnd(item));
  });
  return blocks;
}

/** A file: URI for a file of the configuration; the open document keeps the URI it was opened with. */
export function uriOf(file: LoadedFile, model: ConfigModel, documentUri?: string): string {
  if (file === model.root && documentUri) return documentUri;
  return pathToFileURL(file.path).toString();
}

/** True when the offset is in the span or right at its end (where the cursor is after a word). */
export function touches(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}
