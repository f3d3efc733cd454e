// The client's RELOAD preview reads a configuration's included files the way the language server
// does: off the extension host's event loop (see files/file-snapshot.ts), so that a slow mount does
// not freeze the editor.

import { FileSnapshot } from '../files/file-snapshot';
import type { FileSystem } from '../files/file-system';

/**
 * Runs `analyse` against a fresh snapshot of the files it reads, reading what it asked for and
 * running it again until it has all it needs (or the wait is over); the last run's result.
 */
export async function analyseWithFileSnapshot<T>(analyse: (fileSystem: FileSystem) => T): Promise<T> {
  const { result } = await new FileSnapshot().analyse(analyse);
  return result;
}
