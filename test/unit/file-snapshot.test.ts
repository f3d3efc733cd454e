// The language server's snapshot of the files its documents name, on real files: analyses see them,
// notice changes on disk, never wait on a FIFO, and an analysis that stops waiting is told when the
// files it lacked have arrived.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { FileSnapshot } from '../../server/src/files/file-snapshot';
import type { FileSystem } from '../../server/src/files/file-system';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-snapshot-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const MAIN = '[pgbouncer]\nlisten_port = 6432\n%include extra.ini\nauth_file = users.txt\n';

function lint(fileSystem: FileSystem, text = MAIN) {
  return lintText(text, { filePath: path.join(dir, 'pgbouncer.ini'), fileSystem, targetVersion: '1.21' });
}

const codes = (result: ReturnType<typeof lint>) => result.findings.map((finding) => finding.code);

test('an analysis gets every file it names, in rounds, and reports which ones it used', async () => {
  fs.writeFileSync(path.join(dir, 'extra.ini'), 'no_such_setting = 1\n%include nested.ini\n');
  fs.writeFileSync(path.join(dir, 'nested.ini'), 'max_client_conn = 0100\n');
  fs.writeFileSync(path.join(dir, 'users.txt'), '"app" "secret"\n');
  const snapshot = new FileSnapshot();
  const { result, used } = await snapshot.analyse((fileSystem) => lint(fileSystem));
  assert.deepEqual(
    result.model.files.map((file) => path.basename(file.path)),
    ['pgbouncer.ini', 'extra.ini', 'nested.ini'],
  );
  assert.ok(codes(result).includes('unknown-setting'), 'the include was read');
  assert.ok(codes(result).includes('octal-number'), 'the nested include was read');
  assert.ok(!codes(result).includes('file-not-read'), 'nothing left pending');
  for (const name of ['extra.ini', 'nested.ini', 'users.txt'])
    assert.ok(used.has(path.join(dir, name)), name);
  // The same result as the CLI's synchronous reads.
  assert.deepEqual(
    codes(result),
    codes(lintText(MAIN, { filePath: path.join(dir, 'pgbouncer.ini'), targetVersion: '1.21' })),
  );
});

test('a file changed on disk is read again by the next analysis', async () => {
  fs.writeFileSync(path.join(dir, 'extra.ini'), 'max_client_conn = 10\n');
  const snapshot = new FileSnapshot({ freshMs: 0 });
  const first = await snapshot.analyse((fileSystem) => lint(fileSystem));
  assert.ok(!codes(first.result).includes('unknown-setting'));
  fs.writeFileSync(path.join(dir, 'extra.ini'), 'max_client_conn = 10\nbogus_key = 1\n');
  const second = await snapshot.analyse((fileSystem) => lint(fileSystem), first.used);
  assert.ok(codes(second.result).includes('unknown-setting'), 'the change was seen');
  fs.rmSync(path.join(dir, 'extra.ini'));
  const third = await snapshot.analyse((fileSystem) => lint(fileSystem), second.used);
  assert.ok(codes(third.result).includes('include-not-found'), 'the removal was seen');
});

test('an analysis that cannot wait says the file is still being read, and hears when it has arrived', async () => {
  fs.writeFileSync(path.join(dir, 'extra.ini'), 'bogus_key = 1\n');
  const arrived: string[][] = [];
  const snapshot = new FileSnapshot({ waitMs: 0, onLateRead: (paths) => arrived.push([...paths]) });
  const first = await snapshot.analyse((fileSystem) => lint(fileSystem));
  const pending = first.result.findings.find((finding) => finding.code === 'file-not-read');
  assert.ok(pending, 'the include is reported as not read yet');
  assert.match(pending.message, /still being read/);
  for (let i = 0; i < 100 && arrived.length === 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(arrived.flat().includes(path.join(dir, 'extra.ini')), 'told when it arrived');
  const second = await snapshot.analyse((fileSystem) => lint(fileSystem), first.used);
  assert.ok(codes(second.result).includes('unknown-setting'), 'the next analysis has it');
});

test('a FIFO, /dev/zero and a missing file are answered without waiting', async () => {
  execFileSync('mkfifo', [path.join(dir, 'pipe')]);
  const text = '[pgbouncer]\n%include pipe\n%include /dev/zero\n%include missing.ini\nauth_file = pipe\n';
  const started = Date.now();
  const { result } = await new FileSnapshot().analyse((fileSystem) => lint(fileSystem, text));
  assert.ok(Date.now() - started < 5000);
  const messages = result.findings.map((finding) => finding.message).join('\n');
  assert.match(messages, /pipe is a named pipe \(FIFO\), not a regular file/);
  assert.match(messages, /\/dev\/zero is a character device/);
  assert.match(messages, /missing\.ini: No such file or directory/);
});
