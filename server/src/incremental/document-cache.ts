// What the analyses of one document keep for the next one, so that an edit costs about what it
// changes: the parse of the unchanged lines (see parse with a previous parse) and the connection
// strings already read, with what validation learnt about them (see ConnStringCache).

import { ConnStringCache } from '../syntax/connstring';
import { EntryNode, parse } from '../syntax/parser';
import type { ParsedFile } from '../syntax/syntax';
import type { LoadedFile } from '../model/config';
import { NameTable } from '../model/names';

export class DocumentCache {
  private readonly connStrings = new ConnStringCache();
  private previous: ParsedFile | null = null;
  private root: LoadedFile | null = null;
  /** The names of [databases] entries of the document (see NameTable). */
  readonly databaseNames = new NameTable(true);

  /**
   * Parses the document's new text, starting an analysis. The results of earlier analyses must
   * not be used from now on: their entries and connection strings may have moved.
   */
  parseDocument(text: string): ParsedFile {
    this.connStrings.startAnalysis();
    this.databaseNames.startAnalysis();
    const parsed = parse(text, { previous: this.previous ?? undefined, reusable: true });
    const items = parsed.items;
    for (let i = 0; i < items.length; i++) {
      // Entries taken from the previous parse keep their connection strings: none may be given
      // to another entry with the same value. (Indexed: this loop runs once, unoptimized, and
      // for-of would make an iterator result per item.)
      const item = items[i];
      if (item instanceof EntryNode && item.connString) this.connStrings.keep(item.connString);
    }
    parsed.connStrings = this.connStrings;
    this.previous = parsed;
    return parsed;
  }

  /**
   * The document as a loaded file: the same object from one analysis to the next (entries keep
   * their events, which name their file), with the new parse.
   */
  rootFile(path: string, parsed: ParsedFile): LoadedFile {
    if (this.root?.path !== path) this.root = { path, parsed, depth: 0 };
    this.root.parsed = parsed;
    return this.root;
  }

  /** Parses a file the document includes. */
  parseIncluded(text: string): ParsedFile {
    const parsed = parse(text);
    parsed.connStrings = this.connStrings;
    return parsed;
  }

  /** Forgets everything (after an analysis that failed half way). */
  clear(): void {
    this.previous = null;
    this.root = null;
  }
}
