// The file system the linter reads through: the machine's (the CLI), a snapshot read off the event
// loop (the language server), or files in memory (tests).

import type { FileKind, FileProblem } from './guarded-read';

/**
 * How the linter reads the files a configuration names. Implementations read regular files only
 * (files/guarded-read.ts), never more than maxBytes of one.
 */
export interface FileSystem {
  /** The file's text, or why it was not read. */
  readFile(filePath: string, maxBytes?: number): { text: string } | { problem: FileProblem };
  /** What is at the path after following symlinks, or null when nothing is there. */
  stat(filePath: string): FileKind | null;
}
