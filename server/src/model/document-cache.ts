// What the analyses of one document keep for the next one, so that an edit costs about what it
// changes: the parse of the unchanged lines (see parse with a previous parse) and the connection
// strings already read, with what validation learnt about them (see ConnStringCache).

import { ConnStringCache } from '../parser/connstring';
import { EntryNode, parse } from '../parser/parser';
import type { ParsedFile } from '../parser/syntax';

export class DocumentCache {
  private readonly connStrings = new ConnStringCache();
  private previous: ParsedFile | null = null;

  /**
   * Parses the document's new text, starting an analysis. The results of earlier analyses must
   * not be used from now on: their entries and connection strings may have moved.
   */
  parseDocument(text: string): ParsedFile {
    this.connStrings.startAnalysis();
    const parsed = parse(text, this.previous ?? undefined);
    for (const item of parsed.items) {
      // Entries taken from the previous parse keep their connection strings: none may be given
      // to another entry with the same value.
      if (item instanceof EntryNode && item.connString) this.connStrings.keep(item.connString);
    }
    parsed.connStrings = this.connStrings;
    this.previous = parsed;
    return parsed;
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
  }
}
