// Syntax tree of one pgbouncer.ini file. Offsets index the text (UTF-16 code units);
// `LineIndex` turns them into line/character positions. No LSP imports here.

import type { Keyed } from '../incremental/side-table';

export interface Position {
  /** 0-based line, counting \n, \r\n and a lone \r as line breaks (as editors do). */
  line: number;
  /** 0-based UTF-16 code unit offset in the line. */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Half-open interval [start, end) of text offsets. */
export interface Span {
  start: number;
  end: number;
}

export interface SectionHeader {
  kind: 'section';
  /** From '[' through ']'. */
  span: Span;
  /** The text between the brackets, untrimmed: PgBouncer compares it exactly. */
  name: string;
  nameSpan: Span;
}

export interface Key {
  text: string;
  span: Span;
  /** 'quoted key' form, accepted from PgBouncer 1.25 on. */
  quoted: boolean;
}

export interface Value {
  /** Value as PgBouncer sees it: leading blanks and trailing whitespace removed, nothing else. */
  text: string;
  span: Span;
  /** span.start, without making the span. */
  readonly start: number;
}

export interface Entry extends Keyed {
  kind: 'entry';
  /** From the key through the end of the value. */
  span: Span;
  key: Key;
  equalsOffset: number;
  value: Value;
}

export interface Comment {
  kind: 'comment';
  span: Span;
  text: string;
}

export interface Include {
  kind: 'include';
  span: Span;
  keywordSpan: Span;
  /** Path exactly as written (trailing whitespace removed, no quote handling). */
  path: string;
  pathSpan: Span;
}

export type SyntaxErrorCode =
  | 'missing-equals'
  | 'missing-bracket'
  | 'invalid-key-character'
  | 'unterminated-quoted-key'
  | 'empty-quoted-key'
  | 'byte-order-mark';

export interface SyntaxError {
  kind: 'error';
  code: SyntaxErrorCode;
  /** Where the problem is; the rest of the line is skipped. */
  span: Span;
  /** Whole line that was skipped (for context). */
  lineSpan: Span;
  message: string;
}

export type Item = SectionHeader | Entry | Comment | Include | SyntaxError;

export interface ParsedFile {
  text: string;
  items: Item[];
  lineIndex: LineIndex;
  /** Offset of the first NUL character: PgBouncer reads nothing after it. */
  nulOffset: number | null;
}

/** Maps text offsets to positions with the line breaks an editor uses. */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(
    private readonly text: string,
    lineStarts?: number[],
  ) {
    if (lineStarts) {
      this.lineStarts = lineStarts;
      return;
    }
    const starts = [0];
    if (text.indexOf('\r') === -1) {
      // Only \n breaks: indexOf finds them much faster than a look at every character.
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
      this.lineStarts = starts;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (ch === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  /**
   * The index of `text`, an edit of this index's text that kept its first `prefix` characters and
   * its characters from `sameFrom` on (in `text`; moved by `delta`). This index must not be used
   * afterwards: its array is changed in place.
   */
  afterEdit(text: string, prefix: number, sameFrom: number, delta: number): LineIndex {
    // With \r, a break can be two characters across the edges of the edit: count again.
    if (text.indexOf('\r') !== -1 || this.text.indexOf('\r') !== -1) return new LineIndex(text);
    const starts = this.lineStarts;
    const kept = firstAbove(starts, prefix);
    const firstMoved = firstAbove(starts, sameFrom - delta);
    const added: number[] = [];
    for (let nl = text.indexOf('\n', prefix); nl !== -1 && nl < sameFrom; nl = text.indexOf('\n', nl + 1)) {
      added.push(nl + 1);
      if (added.length > 1000) return new LineIndex(text);
    }
    starts.splice(kept, firstMoved - kept, ...added);
    for (let i = kept + added.length; i < starts.length; i++) starts[i] += delta;
    return new LineIndex(text, starts);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }

  /** End of the line's content, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    let end = this.lineStarts[line + 1];
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    // An offset between the \r and the \n of a line break belongs to the end of the line.
    const inBreak =
      clamped > this.lineStarts[low] &&
      this.text.charCodeAt(clamped) === 10 &&
      this.text.charCodeAt(clamped - 1) === 13;
    return { line: low, character: clamped - this.lineStarts[low] - (inBreak ? 1 : 0) };
  }

  /** The 1-based line number of an offset, as messages and reports write it. */
  lineNumberAt(offset: number): number {
    return this.positionAt(offset).line + 1;
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    return Math.min(start + Math.max(0, position.character), this.lineEnd(position.line));
  }

  rangeOf(span: Span): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }
}

/** Index of the first number above `value` in an ascending array (its length if none). */
function firstAbove(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
