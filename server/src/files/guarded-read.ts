// The one way the linter reads a file it was not handed as text: the FILE arguments of the CLI, every
// %include, auth_file, auth_hba_file, TLS file and .pgbouncerlintrc.json. Configurations come from
// strangers (a pull request, a repository someone cloned), so a path may name anything:
//   - only regular files are read, after following symlinks. The file is opened without blocking
//     (O_NONBLOCK: opening a FIFO with no writer would wait forever) and its type is taken from the open
//     descriptor, so a file swapped between a check and the read cannot slip through;
//   - at most `maxBytes` are read, whatever the file says its size is (/proc files say 0), so
//     /dev/zero-like sources and huge files cost nothing.

import * as fs from 'node:fs';
import { decodeBytes } from './text-codec';

/** What is at a path, after following symlinks. */
export type FileKind =
  'file' | 'directory' | 'fifo' | 'socket' | 'character-device' | 'block-device' | 'other';

export type FileProblem =
  | { kind: 'missing' }
  | { kind: 'permission' }
  | { kind: 'not-regular'; fileKind: Exclude<FileKind, 'file'> }
  /** Larger than a file may be (`limit` bytes); `size` is at least what was seen. */
  | { kind: 'too-large'; size: number; limit: number }
  /** Not read: the files read for one analysis would pass their budget of `limit` bytes. */
  | { kind: 'over-budget'; limit: number; unit: 'bytes' | 'lines' }
  /** The language server is still reading it (a slow file system); the analysis is repeated once it is read. */
  | { kind: 'pending' }
  | { kind: 'error'; code: string };

export type FileRead = { text: string; bytes: Uint8Array } | { problem: FileProblem };

/** A file (bytes of which are read at most this many) is "too large" beyond this. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export function kindOfStats(stats: fs.Stats): FileKind {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'directory';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'character-device';
  if (stats.isBlockDevice()) return 'block-device';
  return 'other';
}

/** What is at the path (following symlinks), or null when nothing is (or it cannot be looked at). */
export function fileKind(filePath: string): FileKind | null {
  try {
    return kindOfStats(fs.statSync(filePath));
  } catch {
    return null;
  }
}

export async function fileKindAsync(filePath: string): Promise<FileKind | null> {
  try {
    return kindOfStats(await fs.promises.stat(filePath));
  } catch {
    return null;
  }
}

const FILE_KIND_WORDS: Record<FileKind, string> = {
  file: 'a regular file',
  directory: 'a directory',
  fifo: 'a named pipe (FIFO)',
  socket: 'a socket',
  'character-device': 'a character device',
  'block-device': 'a block device',
  other: 'not a regular file',
};

/** "a named pipe (FIFO)", "a directory", ... */
export function describeFileKind(kind: FileKind): string {
  return FILE_KIND_WORDS[kind];
}

function megabytes(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return `${Number.isInteger(value) ? value : value.toFixed(1)} MB`;
}

/** Why a file was not read, in a few words: "No such file or directory", "a named pipe (FIFO), not a regular file". */
export function describeProblem(problem: FileProblem): string {
  switch (problem.kind) {
    case 'missing':
      return 'No such file or directory';
    case 'permission':
      return 'Permission denied';
    case 'not-regular':
      return `it is ${describeFileKind(problem.fileKind)}, not a regular file`;
    case 'too-large':
      return `it is larger than ${megabytes(problem.limit)} (at least ${megabytes(problem.size)}), so it is not read`;
    case 'over-budget':
      return problem.unit === 'bytes'
        ? `not read: the files of this analysis already reach the ${megabytes(problem.limit)} the linter reads in one analysis`
        : `not read: the included files of this analysis already reach the ${problem.limit} lines the linter reads in one analysis`;
    case 'pending':
      return 'still being read';
    case 'error':
      return `cannot be read (${problem.code})`;
  }
}

function problemOfError(error: unknown): FileProblem {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
  if (code === 'EACCES' || code === 'EPERM') return { kind: 'permission' };
  if (code === 'EISDIR') return { kind: 'not-regular', fileKind: 'directory' };
  // Opening a socket fails with ENXIO; the path exists, it is just not a file.
  if (code === 'ENXIO' || code === 'ENODEV') return { kind: 'not-regular', fileKind: 'socket' };
  if (code === 'ELOOP') return { kind: 'error', code: 'too many levels of symbolic links' };
  return { kind: 'error', code };
}

const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (fs.constants.O_NOCTTY ?? 0);
const CHUNK = 64 * 1024;

/** The bytes read so far, in chunks of CHUNK; one byte more than allowed tells "grew past the limit". */
class Chunks {
  private readonly list: Uint8Array[] = [];
  private current: Uint8Array | null = null;
  total = 0;
  constructor(private readonly maxBytes: number) {}

  next(): Uint8Array {
    this.current = new Uint8Array(Math.min(CHUNK, this.maxBytes + 1 - this.total));
    return this.current;
  }

  /** Keeps `count` bytes of the chunk last handed out; false past the limit. */
  add(count: number): boolean {
    if (this.current) this.list.push(this.current.subarray(0, count));
    this.total += count;
    return this.total <= this.maxBytes;
  }

  bytes(): Uint8Array {
    const all = new Uint8Array(this.total);
    let offset = 0;
    for (const chunk of this.list) {
      all.set(chunk, offset);
      offset += chunk.length;
    }
    return all;
  }
}

/** Reads a regular file (following symlinks) of at most maxBytes. */
export function readRegularFile(filePath: string, maxBytes = MAX_FILE_BYTES): FileRead {
  let fd: number;
  try {
    fd = fs.openSync(filePath, OPEN_FLAGS);
  } catch (error) {
    return { problem: problemOfError(error) };
  }
  try {
    const stats = fs.fstatSync(fd);
    const kind = kindOfStats(stats);
    if (kind !== 'file') return { problem: { kind: 'not-regular', fileKind: kind } };
    if (stats.size > maxBytes) return { problem: { kind: 'too-large', size: stats.size, limit: maxBytes } };
    const chunks = new Chunks(maxBytes);
    for (;;) {
      const chunk = chunks.next();
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      if (!chunks.add(read)) return { problem: { kind: 'too-large', size: chunks.total, limit: maxBytes } };
    }
    const bytes = chunks.bytes();
    return { text: decodeBytes(bytes), bytes };
  } catch (error) {
    return { problem: problemOfError(error) };
  } finally {
    fs.closeSync(fd);
  }
}

/** readRegularFile off the event loop (the language server): the same guards. */
export async function readRegularFileAsync(filePath: string, maxBytes = MAX_FILE_BYTES): Promise<FileRead> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(filePath, OPEN_FLAGS);
  } catch (error) {
    return { problem: problemOfError(error) };
  }
  try {
    const stats = await handle.stat();
    const kind = kindOfStats(stats);
    if (kind !== 'file') return { problem: { kind: 'not-regular', fileKind: kind } };
    if (stats.size > maxBytes) return { problem: { kind: 'too-large', size: stats.size, limit: maxBytes } };
    const chunks = new Chunks(maxBytes);
    for (;;) {
      const chunk = chunks.next();
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      if (!chunks.add(bytesRead)) {
        return { problem: { kind: 'too-large', size: chunks.total, limit: maxBytes } };
      }
    }
    const bytes = chunks.bytes();
    return { text: decodeBytes(bytes), bytes };
  } catch (error) {
    return { problem: problemOfError(error) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}
