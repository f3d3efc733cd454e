// writeFileAtomically (server/src/files/atomic-write.ts) on real files: the content is replaced
// with its mode, owner and symlink kept, a file changed since it was read is left alone, and no
// temporary file is ever left behind. test/cli/fix-files.test.ts runs the same through --fix.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { AtomicWriteError, writeFileAtomically } from '../../server/src/files/atomic-write';

/** Bytes of a string whose characters are bytes (Latin-1). */
function latin1(text: string): Uint8Array {
  return Uint8Array.from([...text].map((ch) => ch.charCodeAt(0)));
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

function onDisk(file: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(file));
}

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-atomic-'));
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const OLD = latin1('[pgbouncer]\r\n; caf\xe9\n');
const NEW = utf8('[pgbouncer]\r\nlisten_addr = *\n');

function fileIn(name: string, mode = 0o644): string {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  const file = path.join(dir, 'pgbouncer.ini');
  fs.writeFileSync(file, OLD);
  fs.chmodSync(file, mode);
  return file;
}

function others(file: string): string[] {
  return fs.readdirSync(path.dirname(file)).filter((name) => name !== path.basename(file));
}

test('replaces the bytes, keeps mode 0640 whatever the umask, leaves nothing beside the file', () => {
  const file = fileIn('mode', 0o640);
  const umask = process.umask(0o077);
  try {
    writeFileAtomically(file, OLD, NEW);
  } finally {
    process.umask(umask);
  }
  assert.deepEqual(onDisk(file), NEW);
  assert.equal(fs.statSync(file).mode & 0o7777, 0o640);
  assert.deepEqual(others(file), []);
});

test('keeps the owner and the group', { skip: process.getuid?.() !== 0 && 'needs root to chown' }, () => {
  const file = fileIn('owner');
  fs.chownSync(file, 65534, 65534);
  writeFileAtomically(file, OLD, NEW);
  const stats = fs.statSync(file);
  assert.deepEqual([stats.uid, stats.gid], [65534, 65534]);
  assert.deepEqual(onDisk(file), NEW);
});

test('through a symlink: the link stays, its target gets the new bytes', () => {
  const file = fileIn('link');
  const link = path.join(tmp, `link-${path.basename(path.dirname(file))}.ini`);
  fs.symlinkSync(file, link);
  writeFileAtomically(link, OLD, NEW);
  assert.ok(fs.lstatSync(link).isSymbolicLink());
  assert.equal(fs.readlinkSync(link), file);
  assert.deepEqual(onDisk(file), NEW);
  assert.deepEqual(others(file), []);
});

test('a file changed on disk since it was read is not overwritten', () => {
  const file = fileIn('changed');
  const read = onDisk(file);
  const theirs = concat(read, utf8('max_client_conn = 10\n'));
  fs.writeFileSync(file, theirs);
  assert.throws(
    () => writeFileAtomically(file, read, NEW),
    (error: unknown) => error instanceof AtomicWriteError && error.reason === 'changed',
  );
  assert.deepEqual(onDisk(file), theirs);
  assert.deepEqual(others(file), []);
});

test('not a regular file, or gone: an error, nothing written', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'dir-'));
  assert.throws(
    () => writeFileAtomically(dir, OLD, NEW),
    (error: unknown) => error instanceof AtomicWriteError && error.reason === 'not-regular',
  );
  assert.throws(() => writeFileAtomically(path.join(dir, 'missing.ini'), OLD, NEW), AtomicWriteError);
  assert.deepEqual(fs.readdirSync(dir), []);
});
