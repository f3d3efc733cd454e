// An in-memory FileSystem for tests: the given files, and the given folders as directories.
import type { FileSystem } from '../../server/src/files/file-system';

export function memoryFileSystem(
  files: Record<string, string>,
  directories: readonly string[] = [],
): FileSystem {
  return {
    readFile: (filePath) =>
      filePath in files ? { text: files[filePath] } : { problem: { kind: 'missing' } },
    stat: (filePath) => (filePath in files ? 'file' : directories.includes(filePath) ? 'directory' : null),
  };
}
