// Replacing a file that others rely on (PgBouncer reads it; an editor or a colleague may be
// changing it) without ever leaving it half written or overwriting someone else's change:
//   - the new bytes go to a temporary file in the same directory (created exclusively, under a
//     random name, with the original's mode), are flushed to disk, get the original's owner and
//     group, and are renamed over the original: a reader sees the old file or the new one;
//   - a symlink is followed first, so the link stays a link and its target is replaced;
//   - right before the rename the original is read again: if its bytes are no longer the ones the
//     new content was computed from, nothing is written;
//   - the file must be writable by the caller (a rename would otherwise replace a file its
//     permissions protect), and the owner and group must be kept: as root chown always works;
//     a user who may not give the file its owner back (another user's file, writable through
//     its group) gets an error and the file is left as it was;
//   - on any failure the temporary file is removed and the original is untouched.
// Not kept: extended attributes and ACLs, and hard links (a second name of the file keeps the old
// content).

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeProblem, MAX_FILE_BYTES, readRegularFile } from './guarded-read';

/** Why a file was not replaced; `changed`: it is no longer what was read. */
export class AtomicWriteError extends Error {
  constructor(
    readonly reason: 'changed' | 'not-regular' | 'owner' | 'io',
    message: string,
  ) {
    super(message);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function errorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'Permission denied';
  if (code === 'EROFS') return 'Read-only file system';
  if (code === 'ENOSPC') return 'No space left on device';
  return (error as Error).message;
}

/**
 * Replaces the file at `filePath` (or the target of the symlink there) with `bytes`, provided its
 * content is still `expected`. Throws AtomicWriteError; the file is then as it was.
 */
export function writeFileAtomically(filePath: string, expected: Uint8Array, bytes: Uint8Array): void {
  let target: string;
  let stats: fs.Stats;
  try {
    target = fs.realpathSync(filePath);
    stats = fs.statSync(target);
  } catch (error) {
    throw new AtomicWriteError('io', errorText(error));
  }
  if (!stats.isFile()) throw new AtomicWriteError('not-regular', 'it is not a regular file');
  try {
    fs.accessSync(target, fs.constants.W_OK);
  } catch (error) {
    throw new AtomicWriteError('io', errorText(error));
  }
  const mode = stats.mode & 0o7777;
  const temporary = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let fd: number | null = null;
  let created = false;
  try {
    fd = fs.openSync(
      temporary,
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0),
      0o600,
    );
    created = true;
    for (let offset = 0; offset < bytes.length;) {
      offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    }
    if (stats.uid !== process.getuid?.() || stats.gid !== process.getgid?.()) {
      try {
        fs.fchownSync(fd, stats.uid, stats.gid);
      } catch {
        throw new AtomicWriteError(
          'owner',
          `it belongs to uid ${stats.uid} and gid ${stats.gid}, which this user cannot give the new file; ` +
            'run as its owner or as root',
        );
      }
    }
    // After chown, which may clear the set-id bits; and not limited by the umask.
    fs.fchmodSync(fd, mode);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = null;
    const now = readRegularFile(target, Math.max(MAX_FILE_BYTES, expected.length));
    if ('problem' in now)
      throw new AtomicWriteError('io', `cannot read it again: ${describeProblem(now.problem)}`);
    if (!sameBytes(now.bytes, expected)) {
      throw new AtomicWriteError('changed', 'it changed on disk since it was read');
    }
    fs.renameSync(temporary, target);
    created = false;
  } catch (error) {
    if (fd !== null) fs.closeSync(fd);
    if (created) fs.rmSync(temporary, { force: true });
    if (error instanceof AtomicWriteError) throw error;
    throw new AtomicWriteError('io', errorText(error));
  }
  syncDirectory(path.dirname(target));
}

/** Makes the rename itself durable; some file systems cannot, which is no reason to fail. */
function syncDirectory(directory: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(directory, fs.constants.O_RDONLY);
    fs.fsyncSync(fd);
  } catch {
    // The rename is done; only its durability across a crash is left to the file system.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
