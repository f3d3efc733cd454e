// What a configuration from a stranger can name, tried on the built CLI and language server with real
// files and real processes: FIFOs, devices, sockets, a symlink to /dev/zero, one file included a
// thousand times, a 200 MB include, secrets in included files, control characters in names. Each must
// end quickly with a clear finding, bounded memory and nothing echoed that the user did not open.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { runCli } from '../support/cli-run';
import type { CliRun } from '../support/cli-run';
import { LspClient } from '../support/lsp-client';

/** Node's heap for the CLI in these tests: a file read without bounds would exhaust it, not the machine. */
const HEAP = ['--max-old-space-size=1024'];

let dir: string;
let socketServer: net.Server;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-hostile-'));
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  // A listening Unix socket, as a path can name one.
  socketServer = net.createServer();
  await new Promise<void>((resolve) => socketServer.listen(path.join(dir, 'socket'), resolve));
  const lines = ['[databases]'];
  for (let i = 0; i < 25_000; i++) lines.push(`db${i} = host=pg${i % 50}.internal port=5432 dbname=db${i}`);
  fs.writeFileSync(path.join(dir, 'big.inc'), lines.join('\n') + '\n'); // about 1.2 MB
  // 200 MB, sparse: costs no disk, and a reader that trusts the size would still read it all.
  fs.closeSync(fs.openSync(path.join(dir, 'huge.inc'), 'w'));
  fs.truncateSync(path.join(dir, 'huge.inc'), 200 * 1024 * 1024);
});

after(() => {
  socketServer.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const MAIN = '[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = 6432\nauth_type = scram-sha-256\n';

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function lint(
  args: string[],
  cwd = dir,
): CliRun & { json: { code: string; message: string; file: string }[] } {
  const run = runCli(['--format', 'json', ...args], { cwd, nodeArgs: HEAP });
  let json: { code: string; message: string; file: string }[] = [];
  try {
    json = (JSON.parse(run.stdout) as { diagnostics: typeof json }).diagnostics;
  } catch {
    // no JSON (every file unreadable): the caller checks stderr
  }
  return { ...run, json };
}

/** A normal ending: exit 0, 1 or 2, no V8 abort (134), no signal, nothing like a stack on stderr. */
function assertCleanEnd(run: CliRun): void {
  assert.ok(
    run.status === 0 || run.status === 1 || run.status === 2,
    `exit status ${run.status}\n${run.stderr}`,
  );
  assert.doesNotMatch(run.stderr, /heap out of memory|FATAL ERROR|internal error|\n\s+at /);
}

describe('the CLI reads only regular files', () => {
  const cases: [label: string, target: string, expected: RegExp][] = [
    ['%include /dev/zero', '/dev/zero', /\/dev\/zero is a character device, not a regular file/],
    ['%include /dev/urandom', '/dev/urandom', /\/dev\/urandom is a character device/],
    ['%include of a FIFO nobody writes to', 'fifo', /fifo is a named pipe \(FIFO\), not a regular file/],
  ];
  for (const [label, target, expected] of cases) {
    test(label, () => {
      const file = write(`include-${path.basename(target)}.ini`, `${MAIN}%include ${target}\n`);
      const run = lint([file]);
      assertCleanEnd(run);
      const finding = run.json.find((d) => d.code === 'file-not-read');
      assert.ok(finding, run.stdout);
      assert.match(finding.message, expected);
    });
  }

  test('%include of a socket: PgBouncer cannot open it, an error', () => {
    const file = write('include-socket.ini', `${MAIN}%include socket\n`);
    const run = lint([file]);
    assertCleanEnd(run);
    assert.equal(run.status, 1);
    assert.match(run.json.find((d) => d.code === 'include-not-found')!.message, /it is a socket/);
  });

  test('auth_file, auth_hba_file and a TLS file that are a FIFO: named, not read', () => {
    const file = write(
      'auth-fifo.ini',
      `${MAIN}auth_file = ${dir}/fifo\nauth_hba_file = ${dir}/fifo\nclient_tls_ca_file = ${dir}/fifo\n`,
    );
    const run = lint([file]);
    assertCleanEnd(run);
    const notFiles = run.json.filter((d) => /is a named pipe \(FIFO\), not a regular file/.test(d.message));
    assert.equal(notFiles.length, 3, run.stdout);
  });

  test('a .pgbouncerlintrc.json that is a FIFO, or a symlink to /dev/zero, in a parent folder', () => {
    const config = write('rc-fifo/deep/pgbouncer.ini', MAIN);
    execFileSync('mkfifo', [path.join(dir, 'rc-fifo', '.pgbouncerlintrc.json')]);
    let run = lint([config]);
    assertCleanEnd(run);
    assert.match(
      run.json.find((d) => d.code === 'invalid-lint-config')!.message,
      /cannot read it: it is a named pipe \(FIFO\), not a regular file/,
    );
    write('rc-zero/deep/pgbouncer.ini', MAIN);
    fs.symlinkSync('/dev/zero', path.join(dir, 'rc-zero', '.pgbouncerlintrc.json'));
    run = lint([path.join(dir, 'rc-zero/deep/pgbouncer.ini')]);
    assertCleanEnd(run);
    assert.match(
      run.json.find((d) => d.code === 'invalid-lint-config')!.message,
      /cannot read it: it is a character device/,
    );
  });

  test('a FILE that is a committed symlink to /dev/zero: exit 2 with a message, no read', () => {
    fs.symlinkSync('/dev/zero', path.join(dir, 'evil.ini'));
    const run = lint(['evil.ini']);
    assert.equal(run.status, 2);
    assert.match(
      run.stderr,
      /^pgbouncer-lint: cannot read 'evil\.ini': it is a character device, not a regular file\n/,
    );
  });
});

describe('the CLI keeps to its read budget', () => {
  test('a thousand %include lines of a 1.2 MB file: one finding, exit 2, no crash', () => {
    const file = write('amplified.ini', `${MAIN}${'%include big.inc\n'.repeat(1000)}`);
    const run = lint([file]);
    assertCleanEnd(run);
    assert.equal(run.status, 2);
    const budget = run.json.filter((d) => d.code === 'file-not-read');
    assert.equal(budget.length, 1, 'one finding says what was not read');
    assert.match(
      budget[0].message,
      /reads at most 24 MB per analysis.*big\.inc was not read, nor \d+ further %include lines/,
    );
    assert.match(run.stderr, /'.*amplified\.ini': not every file it names was read/);
  });

  test('%include of a 200 MB file: not read, exit 2, at once', () => {
    const file = write('huge.ini', `${MAIN}%include huge.inc\n`);
    const started = Date.now();
    const run = lint([file]);
    assertCleanEnd(run);
    assert.equal(run.status, 2);
    assert.match(
      run.json.find((d) => d.code === 'file-not-read')!.message,
      /larger than 8 MB \(at least 200 MB\)/,
    );
    assert.ok(Date.now() - started < 20_000);
  });

  test('standard input that never ends (/dev/zero) stops at the document limit', () => {
    const run = runCli(['-'], { nodeArgs: HEAP, cwd: dir, stdinFile: '/dev/zero' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /cannot read '<stdin>': it is larger than 20 MB/);
  });
});

describe('nothing of a file the user did not open is shown', () => {
  const SECRET = 'S3cretPassw0rd';
  const formats = ['text', 'json', 'sarif'];

  function allOutputs(file: string): string {
    const outputs = formats.map((format) => runCli(['--format', format, file], { cwd: dir }));
    outputs.push(runCli(['--report', file], { cwd: dir }));
    for (const run of outputs) assertCleanEnd(run);
    return outputs.map((run) => run.stdout + run.stderr).join('\n');
  }

  test('%include .env in [databases]: the URL and its password appear nowhere', () => {
    write('secrets/.env', `DATABASE_URL=postgres://app:${SECRET}@db:5432/app\nPGPASSWORD=${SECRET}\n`);
    const file = write('secrets/pgbouncer.ini', `[databases]\n%include .env\n${MAIN}`);
    const shown = allOutputs(file);
    assert.ok(!shown.includes(SECRET), shown);
    assert.ok(!shown.includes('postgres://'), 'no text of .env at all');
    assert.match(shown, /\.env, line 1/, 'the file and line are named');
  });

  test('an included PEM key: no line of it is shown', () => {
    const key = execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519'], { encoding: 'utf8' });
    write('pem/key.pem', key);
    const file = write('pem/pgbouncer.ini', `${MAIN}%include key.pem\n`);
    const shown = allOutputs(file);
    for (const line of key.split('\n').filter((l) => l.length > 8)) {
      for (let i = 0; i + 8 <= line.length; i += 4) {
        assert.ok(
          !shown.includes(line.slice(i, i + 8)),
          `a piece of the key (${line.slice(i, i + 8)}) is shown`,
        );
      }
    }
  });

  test('a project file that is a link to a secret file: its parse error shows no byte of it', () => {
    const secretFile = write('shadowlike', `root:$6$${SECRET}:19000:0:99999:7:::\n`);
    write('rc-secret/pgbouncer.ini', MAIN);
    fs.symlinkSync(secretFile, path.join(dir, 'rc-secret', '.pgbouncerlintrc.json'));
    const shown = allOutputs(path.join(dir, 'rc-secret/pgbouncer.ini'));
    assert.match(shown, /it is not valid JSON \(line 1, column 1\)/);
    assert.ok(!shown.includes('root:'), shown);
    assert.ok(!shown.includes(SECRET), shown);
  });

  test('a password in the open file is masked in every message, the report and its diff', () => {
    const file = write(
      'own/pgbouncer.ini',
      `[databases]\napp = host=db dbname=app password=${SECRET} pool_mode=sesion\n${MAIN}max_client_conn = 100\nmax_client_conn = 200\n`,
    );
    const shown = allOutputs(file);
    assert.ok(!shown.includes(SECRET), shown);
  });
});

describe('terminal output escapes control characters', () => {
  test('the "cannot read" line on stderr', () => {
    const run = runCli(['no-such-\u001b[31mred.ini'], { cwd: dir });
    assert.equal(run.status, 2);
    assert.ok(!run.stderr.includes('\u001b'), JSON.stringify(run.stderr));
    assert.match(run.stderr, /no-such-\\x1b\[31mred\.ini/);
  });

  test('--report of a file with escape sequences in it', () => {
    const file = write(
      'escapes.ini',
      `${MAIN}unix_socket_dir = /tmp/\u001b]0;owned\u0007x\nmax_client_conn = 100 # \u001b[2J\n`,
    );
    const run = runCli(['--report', file], { cwd: dir });
    assertCleanEnd(run);
    const controls = [...run.stdout].filter((ch) => {
      const code = ch.charCodeAt(0);
      return (code < 0x20 && ch !== '\n' && ch !== '\t') || (code >= 0x7f && code <= 0x9f);
    });
    assert.deepEqual(controls, [], JSON.stringify(run.stdout));
    assert.match(run.stdout, /\\x1b/);
  });
});

describe('the language server neither hangs nor floods', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
    client.settingsFor = () => ({ targetVersion: '1.21' });
  });
  after(async () => {
    assert.equal(await client.stop(), 0);
    assert.doesNotMatch(client.stderr, /heap out of memory|FATAL|Error/);
  });

  const hover = (uri: string) =>
    client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 1, character: 2 },
    });

  async function openAndAsk(name: string, text: string): Promise<Diagnostic[]> {
    const file = write(name, text);
    const uri = pathToFileURL(file).toString();
    const started = Date.now();
    const published = await client.open(uri, text, 1);
    assert.ok(await hover(uri), 'hover answers');
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
    return published.diagnostics;
  }

  test('%include of a FIFO, /dev/zero and a socket: diagnostics, and hover still answers', async () => {
    const diagnostics = await openAndAsk(
      'server-special.ini',
      `${MAIN}%include fifo\n%include /dev/zero\n%include socket\nauth_file = ${dir}/fifo\n`,
    );
    const messages = diagnostics.map((d) => String(d.message)).join('\n');
    assert.match(messages, /fifo is a named pipe \(FIFO\)/);
    assert.match(messages, /\/dev\/zero is a character device/);
    assert.match(messages, /it is a socket/);
  });

  test('%include of a 200 MB file and a thousand inclusions: the server answers and says what it did not read', async () => {
    const diagnostics = await openAndAsk(
      'server-budget.ini',
      `${MAIN}%include huge.inc\n${'%include big.inc\n'.repeat(1000)}`,
    );
    const notRead = diagnostics.filter((d) => d.code === 'file-not-read');
    assert.equal(notRead.length, 2, notRead.map((d) => String(d.message)).join('\n'));
    assert.match(String(notRead[0].message), /larger than 8 MB/);
    assert.match(String(notRead[1].message), /reads at most 24 MB per analysis/);
  });

  test('hundreds of thousands of findings: a bounded list, the most severe first, and a count of the rest', async () => {
    // Every line a duplicate of the one before (a warning each) and a few unknown settings (errors).
    const lines = [MAIN.trimEnd(), 'not_a_setting = 1'];
    for (let i = 0; i < 200_000; i++) lines.push(`max_client_conn = ${i + 1}`);
    lines.push('another_unknown = 2');
    const text = lines.join('\n') + '\n';
    const file = write('server-flood.ini', text);
    const uri = pathToFileURL(file).toString();
    // Bounded generously: 200,000 findings take seconds to make on a busy machine; a hang never ends.
    const arrived = client.nextDiagnostics(uri, (p) => p.version === 1, 60_000);
    await client.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'pgbouncer-ini', version: 1, text },
    });
    const published = await arrived;
    const { diagnostics } = published;
    assert.ok(diagnostics.length <= 1000, `${diagnostics.length} diagnostics published`);
    assert.ok(JSON.stringify(published).length < 2_000_000, 'the notification stays small');
    const errors = diagnostics.filter((d) => d.severity === 1);
    assert.equal(errors.length, 2, 'both errors are kept although they are far apart');
    const summary = diagnostics.find((d) => d.code === 'too-many-findings');
    assert.ok(summary);
    assert.match(
      String(summary.message),
      /^\d{6} findings \(2 error, \d{6} warning.*\); the 999 most severe are shown and \d{6} more are not/,
    );
  });
});
