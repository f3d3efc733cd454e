// `pgbouncer-lint --fix` on real files, through the built CLI: what it must never do to a file.
//   - remove or change a line because of an error elsewhere (pool_mode=sesion and server_reset_query);
//   - change a byte no fix is about: Latin-1 comments, a NUL, a BOM, CRLF and mixed line endings, a
//     missing final line break, tabs and trailing blanks come back as they were;
//   - leave the file half written, lose its mode, owner or symlink, overwrite a change made on disk
//     since it was read, or leave a temporary file behind.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../support/cli-run';
import type { CliOptions, CliRun } from '../support/cli-run';

let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-lint-fix-files-'));
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

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

function fresh(name: string, bytes: Uint8Array | string, mode = 0o644): string {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  const file = path.join(dir, 'pgbouncer.ini');
  fs.writeFileSync(file, bytes);
  fs.chmodSync(file, mode);
  return file;
}

function cli(args: string[], options: CliOptions = {}): CliRun {
  return runCli(args, options);
}

/** Only the rules a test is about, so that what --fix does is exactly what it expects. */
const RULES = ['--target-version', '1.18', '--rule', '*=off'];

function leftovers(file: string): string[] {
  return fs.readdirSync(path.dirname(file)).filter((name) => name !== path.basename(file));
}

test('--fix keeps server_reset_query when a database has a misspelt pool_mode', () => {
  const text =
    '[databases]\napp = host=127.0.0.1 dbname=app pool_mode=sesion\n\n' +
    '[pgbouncer]\nlisten_addr = 127.0.0.1\nauth_type = scram-sha-256\npool_mode = transaction\n' +
    'server_reset_query = DISCARD ALL\n';
  for (const mode of ['--fix', '--fix=all']) {
    const file = fresh('sesion', text);
    const run = cli([mode, '--target-version', '1.21', file]);
    assert.equal(run.status, 1, run.stderr);
    const after = fs.readFileSync(file, 'utf8');
    assert.match(after, /^server_reset_query = DISCARD ALL$/m, `${mode} removed server_reset_query`);
    assert.match(after, /pool_mode=sesion/);
    // Nor is anything added that rests on the pool modes.
    assert.doesNotMatch(after, /idle_transaction_timeout|max_prepared_statements/);
    assert.doesNotMatch(run.stdout, /reset-query-ignored/);
    if (mode === '--fix=all')
      assert.match(run.stderr, / held back while line 2 has an error: invalid-value;/);
  }
});

test('--fix leaves the audited configuration as it is: each of its fixes changes what PgBouncer does', () => {
  const example = fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'pgbouncer.ini'));
  const file = fresh('audited', new Uint8Array(example));
  const run = cli(['--fix', '--target-version', '1.21', file]);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(onDisk(file), new Uint8Array(example));
  assert.match(
    run.stderr,
    /: no fix applied; 6 recommended fixes not applied: they change what PgBouncer does, --fix=all applies them\n$/,
  );
  const all = cli(['--fix=all', '--target-version', '1.21', file]);
  assert.match(
    all.stderr,
    /: 6 recommended fixes applied \(recommended fixes change what PgBouncer does\)\n$/,
  );
  const fixed = fs.readFileSync(file, 'utf8');
  assert.match(fixed, /^client_idle_timeout = 900$/m);
  // Suggestions stay suggestions: authentication and the listen address are for the user.
  assert.match(fixed, /^auth_type = md5$/m);
  assert.match(fixed, /^listen_addr = 0\.0\.0\.0$/m);
});

test('--fix writes back every byte no fix is about: Latin-1, a NUL, CRLF and LF, tabs, trailing blanks', () => {
  const lines = [
    latin1('; caf\xe9 \xff\xfe not UTF-8\r\n'),
    utf8('[pgbouncer]\n'),
    utf8('listen_addr\t=\t127.0.0.1  \r\n'),
    utf8('max_client_conn = 100\r\n'),
    latin1(';\t\xe9t\xe9 \t \n'),
    utf8('max_client_conn = 200   \r\n'),
    utf8('\0'),
  ];
  const file = fresh('bytes', concat(...lines));
  const run = cli(['--fix', ...RULES, file]);
  assert.equal(run.status, 0, run.stderr);
  const expected = concat(...lines.slice(0, 3), ...lines.slice(4));
  assert.deepEqual(onDisk(file), expected);
  assert.deepEqual(leftovers(file), []);
});

test('--fix=all adds a line with the line break of its neighbours, and keeps a missing final one missing', () => {
  const original = latin1(
    '; \xe9\n[pgbouncer]\r\nlisten_addr = 127.0.0.1\r\nmax_client_conn = 100\r\nmax_client_conn = 200',
  );
  const file = fresh('no-final-newline', original);
  const run = cli(['--fix=all', ...RULES, '--rule', 'syslog-disabled=warning', file]);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(
    onDisk(file),
    latin1('; \xe9\n[pgbouncer]\r\nlisten_addr = 127.0.0.1\r\nmax_client_conn = 200\r\nsyslog = 1'),
  );
});

test('--fix keeps a byte order mark and CRLF', () => {
  const file = fresh(
    'bom',
    '\ufeff[pgbouncer]\r\nlisten_addr = 127.0.0.1\r\nmax_client_conn = 100\r\nmax_client_conn = 200\r\n',
  );
  const run = cli(['--fix', ...RULES, file]);
  // PgBouncer refuses the BOM: still an error, but no reason to hold the other fixes back.
  assert.equal(run.status, 1, run.stderr);
  assert.deepEqual(
    onDisk(file),
    utf8('\ufeff[pgbouncer]\r\nlisten_addr = 127.0.0.1\r\nmax_client_conn = 200\r\n'),
  );
});

const DUPLICATE = '[pgbouncer]\nlisten_addr = 127.0.0.1\nmax_client_conn = 100\nmax_client_conn = 200\n';
const FIXED = '[pgbouncer]\nlisten_addr = 127.0.0.1\nmax_client_conn = 200\n';

test('--fix keeps the mode, the owner and the group of the file, and a symlink stays a link', () => {
  const file = fresh('mode', DUPLICATE, 0o640);
  if (isRoot) fs.chownSync(file, NOBODY, NOBODY);
  const link = path.join(path.dirname(file), 'link.ini');
  fs.symlinkSync('pgbouncer.ini', link);
  const run = cli(['--fix', ...RULES, link]);
  assert.equal(run.status, 0, run.stderr);
  assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.equal(fs.readlinkSync(link), 'pgbouncer.ini');
  assert.equal(fs.readFileSync(file, 'utf8'), FIXED);
  const stats = fs.statSync(file);
  assert.equal(stats.mode & 0o7777, 0o640);
  if (isRoot) {
    assert.equal(stats.uid, NOBODY);
    assert.equal(stats.gid, NOBODY);
  }
  assert.deepEqual(leftovers(file).sort(), ['link.ini']);
});

test('--fix refuses to overwrite a file changed on disk while it was being fixed', () => {
  const file = fresh('changed', DUPLICATE);
  // Another writer, simulated inside the CLI's process: it appends to the file as soon as the
  // new content has been flushed, that is after the CLI read the file and before it replaces it.
  const writer = [
    "import fs from 'node:fs';",
    'const fsync = fs.fsyncSync;',
    'let done = false;',
    'fs.fsyncSync = (fd) => {',
    '  fsync(fd);',
    "  if (!done) { done = true; fs.appendFileSync(process.env.OTHER_WRITER_FILE, '; edited meanwhile\\n'); }",
    '};',
  ].join('\n');
  const run = cli(['--fix', ...RULES, file], {
    nodeArgs: [`--import=data:text/javascript,${encodeURIComponent(writer)}`],
    env: { OTHER_WRITER_FILE: file },
  });
  assert.equal(run.status, 2);
  assert.equal(
    run.stderr,
    `pgbouncer-lint: cannot write '${file}': it changed on disk since it was read; the file is left as it was\n`,
  );
  assert.equal(fs.readFileSync(file, 'utf8'), `${DUPLICATE}; edited meanwhile\n`);
  assert.deepEqual(leftovers(file), []);
});

test(
  '--fix in a directory it may not write: exit 2, the file intact, nothing left behind',
  { skip: !isRoot && 'needs root to run the CLI as nobody' },
  () => {
    const file = fresh('read-only', DUPLICATE, 0o666);
    const dir = path.dirname(file);
    fs.chmodSync(tmp, 0o755);
    fs.chmodSync(dir, 0o755);
    const run = cli(['--fix', ...RULES, file], { uid: NOBODY, gid: NOBODY, cwd: dir });
    assert.equal(run.status, 2, run.stderr);
    assert.equal(
      run.stderr,
      `pgbouncer-lint: cannot write '${file}': Permission denied; the file is left as it was\n`,
    );
    assert.equal(fs.readFileSync(file, 'utf8'), DUPLICATE);
    assert.deepEqual(leftovers(file), []);
  },
);

test(
  '--fix by a user who could not give the file its owner back: exit 2, the file intact',
  { skip: !isRoot && 'needs root to run the CLI as nobody' },
  () => {
    // Root's file, writable by everybody, in a directory everybody may write: a rename would make it nobody's.
    const file = fresh('owner', DUPLICATE, 0o666);
    const dir = path.dirname(file);
    fs.chmodSync(tmp, 0o755);
    fs.chmodSync(dir, 0o777);
    const run = cli(['--fix', ...RULES, file], { uid: NOBODY, gid: NOBODY, cwd: dir });
    assert.equal(run.status, 2, run.stderr);
    assert.match(
      run.stderr,
      /^pgbouncer-lint: cannot write '.*': it belongs to uid 0 and gid 0, which this user cannot give the new file; run as its owner or as root; the file is left as it was\n$/,
    );
    assert.equal(fs.readFileSync(file, 'utf8'), DUPLICATE);
    assert.equal(fs.statSync(file).uid, 0);
    assert.deepEqual(leftovers(file), []);
  },
);
