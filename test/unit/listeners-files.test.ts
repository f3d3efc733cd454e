// Listeners, process files and paths as PgBouncer opens them after reading the file (issue #13):
// the verdicts per release and with deployedHere, on an in-memory file system. The oracle cases of
// test/oracle/startup/listeners.ts measure the same against the real binaries.

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { lintText } from '../../server/src/analysis/engine';
import { resolveOptions } from '../../server/src/analysis/options';
import { parseCliArgs, optionSources } from '../../server/src/cli/args';
import { unresolvableAddress } from '../../server/src/checks/listeners';
import type { Finding } from '../../server/src/findings/finding';
import { loadConfig, pathWalkProblem } from '../../server/src/model/config';
import { memoryFileSystem } from '../support/memory-fs';

const DIR = path.resolve('/virtual/listeners');
const FILE = path.join(DIR, 'pgbouncer.ini');

interface Options {
  target?: string;
  deployedHere?: boolean;
  files?: Record<string, string>;
  directories?: string[];
}

function lint(text: string, options: Options = {}): Finding[] {
  const files = Object.fromEntries(
    Object.entries(options.files ?? {}).map(([name, content]) => [path.join(DIR, name), content]),
  );
  const fileSystem = memoryFileSystem(files, [
    DIR,
    '/',
    ...(options.directories ?? []).map((d) => path.join(DIR, d)),
  ]);
  return lintText(text, {
    filePath: FILE,
    targetVersion: options.target ?? '1.18',
    deployedHere: options.deployedHere,
    fileSystem,
    useProjectFile: false,
  }).findings;
}

/** code:severity of the findings of PgBouncer's own checks that are about where it listens or writes. */
function verdicts(findings: Finding[]): string[] {
  const ours = new Set([
    'nowhere-to-listen',
    'unresolvable-listen-addr',
    'socket-option-refused',
    'unix-socket-path-too-long',
    'file-not-found',
    'pidfile-unusable',
    'inline-comment',
    'include-not-found',
    'invalid-port',
  ]);
  return findings.filter((f) => ours.has(f.code)).map((f) => `${f.code}:${f.severity}`);
}

const BOTH = '[pgbouncer]\nlisten_addr = 127.0.0.1\nunix_socket_dir = .\n';
const TCP = '[pgbouncer]\nlisten_addr = 127.0.0.1\nunix_socket_dir =\n';
const UNIX = '[pgbouncer]\nlisten_addr =\nunix_socket_dir = .\n';

test('listen_addr words getaddrinfo cannot resolve', () => {
  for (const word of ['127.0.0.1 ::1', '127.0.0.1;::1', '127.0.0.1:6432', '[::1]', '127.0.0.0/8', 'tcp://x'])
    assert.ok(unresolvableAddress(word), word);
  for (const word of [
    '*',
    '127.1',
    '2130706433',
    'localhost',
    '::1',
    'fe80::1%eth0',
    'db_host.example',
    '::ffff:1.2.3.4',
  ])
    assert.ok(!unresolvableAddress(word), word);
  const found = lint('[pgbouncer]\nlisten_addr = 127.0.0.1, 127.0.0.1 ::1\n');
  const bad = found.filter((f) => f.code === 'unresolvable-listen-addr');
  assert.equal(bad.length, 1);
  assert.equal(bad[0].severity, 'error');
  assert.match(bad[0].message, /comma-separated/);
  const text = '[pgbouncer]\nlisten_addr = 127.0.0.1, 127.0.0.1 ::1\n';
  assert.equal(text.slice(bad[0].span.start, bad[0].span.end), '127.0.0.1 ::1');
  // Blank words are skipped; only commas is no TCP listener at all.
  assert.deepEqual(verdicts(lint('[pgbouncer]\nlisten_addr = 127.0.0.1, , ::1\n')), []);
  assert.deepEqual(verdicts(lint('[pgbouncer]\nlisten_addr = ,\nunix_socket_dir =\n')), [
    'nowhere-to-listen:error',
  ]);
});

test('socket options Linux refuses: 1.18 starts on the Unix socket, 1.19+ refuses', () => {
  for (const line of [
    'tcp_keepcnt = 128',
    'tcp_keepidle = 32768',
    'tcp_keepintvl = -5',
    'tcp_user_timeout = -1',
  ]) {
    assert.deepEqual(verdicts(lint(`${TCP}${line}\n`)), ['socket-option-refused:error'], line);
    assert.deepEqual(verdicts(lint(`${BOTH}${line}\n`)), ['socket-option-refused:warning'], line);
    assert.deepEqual(
      verdicts(lint(`${BOTH}${line}\n`, { target: '1.21' })),
      ['socket-option-refused:error'],
      line,
    );
    // No TCP listener: the options are never set.
    assert.deepEqual(verdicts(lint(`${UNIX}${line}\n`, { target: '1.25' })), [], line);
  }
  for (const line of [
    'tcp_keepcnt = 127',
    'tcp_keepcnt = -1',
    'tcp_keepidle = 32767',
    'tcp_user_timeout = 2147483647',
  ])
    assert.deepEqual(verdicts(lint(`${TCP}${line}\n`, { target: '1.25' })), [], line);
  // Keepalive off: its options are not set.
  assert.deepEqual(verdicts(lint(`${TCP}tcp_keepalive = 0\ntcp_keepidle = -1\n`)), []);
});

test('unix_socket_dir: a warning away from the machine, per release with deployedHere', () => {
  const missing = (head: string) => `${head}unix_socket_dir = /srv/sockets\n`;
  assert.deepEqual(verdicts(lint(missing(TCP))), ['file-not-found:warning']);
  assert.deepEqual(verdicts(lint(missing(UNIX))), ['file-not-found:warning']);
  assert.deepEqual(verdicts(lint(missing(TCP), { deployedHere: true })), ['file-not-found:warning']);
  assert.deepEqual(verdicts(lint(missing(UNIX), { deployedHere: true })), ['file-not-found:error']);
  assert.deepEqual(verdicts(lint(missing(TCP), { deployedHere: true, target: '1.21' })), [
    'file-not-found:error',
  ]);
  // An abstract socket needs no directory.
  assert.deepEqual(verdicts(lint(`${UNIX}unix_socket_dir = @pgbouncer\n`, { deployedHere: true })), []);
  // Too long: PgBouncer cuts the path and creates the socket anyway.
  const long = lint(`${TCP}unix_socket_dir = /${'d'.repeat(100)}\n`, {
    directories: [`../../${'d'.repeat(100)}`],
  });
  assert.ok(verdicts(long).includes('unix-socket-path-too-long:warning'), verdicts(long).join());
});

test('inline comments in paths: one finding, an error where PgBouncer refuses on any machine', () => {
  // 1.19+ cannot create the socket; 1.18 still has TCP.
  assert.deepEqual(verdicts(lint(`${TCP}unix_socket_dir =  # disable sockets\n`, { target: '1.21' })), [
    'inline-comment:error',
  ]);
  assert.deepEqual(verdicts(lint(`${TCP}unix_socket_dir =  # disable sockets\n`)), [
    'inline-comment:warning',
  ]);
  assert.deepEqual(verdicts(lint(`${UNIX}unix_socket_dir = ; none\n`)), ['inline-comment:error']);
  const onlyComment = lint(`${TCP}unix_socket_dir = # off\n`).find((f) => f.code === 'inline-comment');
  assert.ok(onlyComment?.fixes?.length, 'the move-the-comment fix leaves the value empty');
  // A pidfile named with the comment can be created; with a '/' in the comment it cannot.
  assert.deepEqual(verdicts(lint(`${BOTH}pidfile = /pgbouncer.pid   # PID file\n`)), [
    'inline-comment:warning',
  ]);
  assert.deepEqual(verdicts(lint(`${BOTH}pidfile = /pgbouncer.pid # see /etc\n`)), ['inline-comment:error']);
  assert.deepEqual(verdicts(lint(`${BOTH}listen_addr = 127.0.0.1  # local only\n`)), [
    'inline-comment:error',
  ]);
});

test('pidfile and logfile with deployedHere', () => {
  const at = (line: string, options: Options = {}) => verdicts(lint(`${BOTH}${line}\n`, options));
  assert.deepEqual(at('pidfile = run/pgbouncer.pid'), ['file-not-found:warning']);
  assert.deepEqual(at('pidfile = run/pgbouncer.pid', { deployedHere: true }), ['file-not-found:error']);
  assert.deepEqual(at('logfile = logs', { deployedHere: true, directories: ['logs'] }), [
    'file-not-found:error',
  ]);
  assert.deepEqual(at('pidfile = run/../pgbouncer.pid', { deployedHere: true }), ['file-not-found:error']);
  assert.deepEqual(at('pidfile = pgbouncer.pid', { deployedHere: true }), []);
  const pid = (content: string) =>
    at('pidfile = pgbouncer.pid', { deployedHere: true, files: { 'pgbouncer.pid': content } });
  assert.deepEqual(pid(''), ['pidfile-unusable:error']);
  assert.deepEqual(pid('hello\n'), ['pidfile-unusable:error']);
  assert.deepEqual(pid('0\n'), ['pidfile-unusable:error']);
  // A live or a stale process id: PgBouncer removes a stale one; a live one is a running PgBouncer.
  assert.deepEqual(pid('12345\n'), []);
  // Away from the machine the pidfile's content means nothing.
  assert.deepEqual(at('pidfile = pgbouncer.pid', { files: { 'pgbouncer.pid': '' } }), []);
});

test('needed input files are errors with deployedHere, the others warnings', () => {
  const tls = 'client_tls_sslmode = require\nclient_tls_key_file = k.pem\nclient_tls_cert_file = c.pem\n';
  assert.deepEqual(verdicts(lint(`${BOTH}${tls}`)), ['file-not-found:warning', 'file-not-found:warning']);
  assert.deepEqual(verdicts(lint(`${BOTH}${tls}`, { deployedHere: true })), [
    'file-not-found:error',
    'file-not-found:error',
  ]);
  // auth_file missing: PgBouncer logs an error and starts.
  assert.deepEqual(verdicts(lint(`${BOTH}auth_file = users.txt\n`, { deployedHere: true })), [
    'file-not-found:warning',
  ]);
  // The kernel's walk: users.txt/ is not a directory.
  assert.deepEqual(
    verdicts(lint(`${BOTH}auth_file = users.txt/\n`, { deployedHere: true, files: { 'users.txt': '' } })),
    ['file-not-found:warning'],
  );
});

test('%include paths as the kernel walks them', () => {
  const files = { [path.join(DIR, 'extra.ini')]: 'max_client_conn = 10\n' };
  const fileSystem = memoryFileSystem(files, [DIR, path.join(DIR, 'sub')]);
  assert.deepEqual(pathWalkProblem('extra.ini/', DIR, fileSystem), {
    kind: 'not-directory',
    at: path.join(DIR, 'extra.ini'),
  });
  assert.equal(pathWalkProblem('extra.ini/.', DIR, fileSystem)?.kind, 'not-directory');
  assert.deepEqual(pathWalkProblem('missing-dir/../extra.ini', DIR, fileSystem), {
    kind: 'missing',
    at: path.join(DIR, 'missing-dir'),
  });
  assert.equal(pathWalkProblem('sub/../extra.ini', DIR, fileSystem), null);
  assert.equal(pathWalkProblem('./extra.ini', DIR, fileSystem), null);
  assert.equal(pathWalkProblem('sub//../extra.ini', DIR, fileSystem), null);
  assert.equal(pathWalkProblem('extra.ini', DIR, fileSystem), null);
  for (const include of ['extra.ini/', 'extra.ini/.', 'missing-dir/../extra.ini']) {
    const model = loadConfig(`[pgbouncer]\n%include ${include}\n`, { filePath: FILE, fileSystem });
    assert.equal(model.files.length, 1, include);
    const found = lintText(`[pgbouncer]\n%include ${include}\n`, {
      filePath: FILE,
      fileSystem,
      useProjectFile: false,
    });
    assert.ok(
      found.findings.some((f) => f.code === 'include-not-found' && f.severity === 'error'),
      include,
    );
  }
});

test('deployedHere: the CLI flag, the project file and the editor setting, resolved in one place', () => {
  const rc = memoryFileSystem({ [path.join(DIR, '.pgbouncerlintrc.json')]: '{ "deployedHere": true }' }, [
    DIR,
  ]);
  const none = memoryFileSystem({}, [DIR]);
  assert.equal(resolveOptions({ filePath: FILE }, none).deployedHere, false);
  assert.equal(resolveOptions({ filePath: FILE }, rc).deployedHere, true);
  assert.equal(resolveOptions({ filePath: FILE, settings: { deployedHere: true } }, none).deployedHere, true);
  assert.equal(resolveOptions({ filePath: FILE, deployedHere: false }, rc).deployedHere, false);
  const parsed = parseCliArgs(['--deployed-here', 'pgbouncer.ini']);
  assert.ok(parsed.ok);
  if (parsed.ok) assert.equal(optionSources(FILE, parsed.options, DIR).deployedHere, true);
  const bad = memoryFileSystem({ [path.join(DIR, '.pgbouncerlintrc.json')]: '{ "deployedHere": "yes" }' }, [
    DIR,
  ]);
  assert.match(resolveOptions({ filePath: FILE }, bad).projectFile?.problems.join() ?? '', /deployedHere/);
});
