// The words every layer speaks: a finding, its severity and related places. A finding is located by
// text offsets in one file; the editor and the CLI turn them into lines and columns.

import type { Span } from '../syntax/syntax';
import type { Fix } from './fix';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface CheckInfo {
  id: string;
  severity: Severity;
  title: string;
  /** Why it matters and what to do, in a sentence or two. */
  help: string;
}

export interface RelatedInfo {
  file: string;
  span: Span;
  message: string;
}

/** A problem found in one file, located by text offsets in that file. */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  /** Path of the file the span refers to (the main file or an included one). */
  file: string;
  span: Span;
  related?: RelatedInfo[];
  /** Marks text that has no effect (faded in editors) or that is deprecated (struck through). */
  tags?: ('unnecessary' | 'deprecated')[];
  /** Ways to fix it, best first. */
  fixes?: Fix[];
  /** A page about this particular finding, e.g. a security advisory (LSP codeDescription). */
  href?: string;
}
