// A real PostgreSQL + PgBouncer for the pool tests and the pool benchmark: both on 127.0.0.1 with free
// ports, in a fresh temporary directory, and always torn down (after the tests, and by an exit hook if
// the test process dies early).
//
//   const stack = await startStack();          // PostgreSQL 15 + PgBouncer 1.18, SCRAM everywhere
//   stack.pgbouncer.port, stack.users.admin    // what an instance setting would name
//   await stack.stop();
//
// Users (passwords are random per stack, so a test can check that none leaks into a message):
//   app      PostgreSQL login role; its SCRAM secret is copied into PgBouncer's auth_file
//   admin    in admin_users: every admin console command
//   stats    in stats_users: SHOW commands only
//   outsider in auth_file but in neither list: PgBouncer refuses it at login with "not allowed"
//
// As root, initdb, postgres and pgbouncer run as the system user "postgres" (they refuse root).
// `stack.startPgBouncer({...})` starts further PgBouncers on the same PostgreSQL (a standby pooler,
// one that requires TLS, ...); they are stopped with the stack.
//
// Missing binaries: `stackUnavailable()` says why (the caller skips), except with CI=true, where it
// throws: in CI these tests must fail, never skip.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { InstanceSettings } from '../../client/src/pools/instance';
import { findPgBouncer } from './pgbouncer-oracle';
import { freePort, installExitHook, liveChildren, liveDirs } from './processes';

export { freePort };

const RUN_AS = process.env.PGB_USER || 'postgres';
const INSTALL_HINT =
  'apt-get install -y pgbouncer postgresql  (as root; or: bash scripts/ensure-system-deps.sh)';

export interface Credentials {
  user: string;
  password: string;
}

export interface PgBouncerOptions {
  /** Extra or overriding [pgbouncer] settings (written after the defaults: the last one wins). */
  settings?: Record<string, string | number>;
  /** Extra [databases] lines, name -> connection string ("{pg}" stands for host=... port=... of PostgreSQL). */
  databases?: Record<string, string>;
  /** Adds db0001 .. dbNNNN, all pointing at appdb (for the benchmark). */
  generatedDatabases?: number;
  /** client_tls_sslmode = require with a generated self-signed key and certificate. */
  requireTls?: boolean;
  /**
   * Client TLS with your own key and certificate (e.g. signed by a test CA, see tls.ts): copied into the
   * stack directory where PgBouncer can read them. `sslmode` is client_tls_sslmode (default require;
   * allow or prefer offer TLS without requiring it). Wins over requireTls.
   */
  clientTls?: { keyFile: string; certFile: string; sslmode?: 'allow' | 'prefer' | 'require' };
  /** Written to this file name in the stack directory (default pgbouncer-<n>.ini). */
  configName?: string;
}

export interface PgBouncerProcess {
  readonly host: string;
  readonly port: number;
  readonly configPath: string;
  /** Its unix_socket_dir: an instance with this as its host connects over the Unix socket. */
  readonly socketDir: string;
  /** The process id while it runs, else null. */
  pid(): number | null;
  /** Everything it logged (stderr/stdout) since it was created. */
  log(): string;
  /** Rewrites its configuration file (same port and sockets); the text is what PgBouncer reads on RELOAD. */
  writeConfig(text: string): void;
  /** The configuration text it was started with (without any writeConfig change). */
  readonly baseConfig: string;
  /** Stops it (SIGTERM: immediate shutdown) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the current config file. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a PgBouncer that accepts TCP connections but answers nothing. */
  freeze(): void;
  thaw(): void;
}

export interface Stack {
  readonly dir: string;
  readonly postgres: { host: string; port: number; socketDir: string } | null;
  readonly pgbouncer: PgBouncerProcess;
  readonly users: { app: Credentials; admin: Credentials; stats: Credentials; outsider: Credentials };
  /** Starts one more PgBouncer with the same users and PostgreSQL, on a new free port. */
  startPgBouncer(options?: PgBouncerOptions): Promise<PgBouncerProcess>;
  /** A pg client connected through `bouncer` (default the main one) to `database` as app. */
  connectApp(database?: string, bouncer?: PgBouncerProcess): Promise<Client>;
  /** Stops every process and deletes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StackOptions extends PgBouncerOptions {
  /** Start PostgreSQL too (default true); without it the databases point at a closed port. */
  postgres?: boolean;
  /** PostgreSQL max_connections (default 50). */
  maxConnections?: number;
}

// ---------------------------------------------------------------------------------------------
// Binaries

/** Directory with postgres, initdb (PostgreSQL server binaries), or null. */
function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(base).sort((a, b) => Number(b) - Number(a));
  } catch {
    return null;
  }
  for (const version of versions) {
    const dir = path.join(base, version, 'bin');
    if (['postgres', 'initdb'].every((name) => isExecutable(path.join(dir, name)))) return dir;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Why the stack cannot start on this machine (a reason to skip), or undefined when it can.
 * With CI=true a missing binary throws instead: CI must fail, never skip.
 */
export function stackUnavailable(options: { postgres?: boolean } = {}): string | undefined {
  const missing: string[] = [];
  try {
    findPgBouncer();
  } catch {
    missing.push('pgbouncer');
  }
  if (options.postgres !== false && !postgresBinDir()) missing.push('PostgreSQL server (initdb, postgres)');
  if (runAsUser() === undefined) missing.push(`system user ${RUN_AS}`);
  if (missing.length === 0) return undefined;
  const reason = `${missing.join(', ')} not installed; install with: ${INSTALL_HINT}`;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`CI is set, so the pool tests must run, not skip: ${reason}`);
  }
  return reason;
}

/** uid/gid to run the servers as (root only), null when not root, undefined when the user is missing. */
function runAsUser(): { uid: number; gid: number } | null | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const uid = spawnSync('id', ['-u', RUN_AS], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', RUN_AS], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

// ---------------------------------------------------------------------------------------------
// Cleanup when the test process ends without stop() (a crash, a test-runner timeout)

// ---------------------------------------------------------------------------------------------
// Helpers

function secret(): string {
  return randomBytes(12).toString('base64url');
}

function chownToRunAs(file: string): void {
  const ids = runAsUser();
  if (ids) fs.chownSync(file, ids.uid, ids.gid);
}

function writeOwned(file: string, text: string, mode = 0o644): void {
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  chownToRunAs(file);
}

interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnServer(binary: string, args: string[], cwd: string, logFile: string): Spawned {
  const ids = runAsUser();
  const child = spawn(binary, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' },
    // postgres refuses root: run it as the system user (pgbouncer drops root itself with -u)
    ...(ids && !binary.endsWith('pgbouncer') ? { uid: ids.uid, gid: ids.gid } : {}),
  });
  liveChildren.add(child);
  let text = '';
  const onData = (chunk: Buffer): void => {
    const piece = chunk.toString('utf8');
    text += piece;
    if (text.length > 2_000_000) text = text.slice(-1_000_000);
    fs.appendFileSync(logFile, piece);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      liveChildren.delete(child);
      resolve(code);
    });
  });
  return { child, output: () => text, exited };
}

/** Resolves when `ready` matches the output, rejects when the process exits or the time is up. */
async function waitForOutput(
  spawned: Spawned,
  ready: RegExp,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const started = Date.now();
  let exited = false;
  void spawned.exited.then(() => (exited = true));
  while (!ready.test(spawned.output())) {
    if (exited) throw new Error(`${what} exited before it was ready. Its output:\n${spawned.output()}`);
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${what} was not ready within ${timeoutMs} ms. Its output:\n${spawned.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function stopChild(spawned: Spawned, signal: NodeJS.Signals): Promise<void> {
  const { child } = spawned;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGCONT'); // a frozen process cannot handle its stop signal
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await spawned.exited;
  clearTimeout(timer);
}

function run(binary: string, args: string[], cwd: string): void {
  const ids = runAsUser();
  const result = spawnSync(binary, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' },
    ...(ids ? { uid: ids.uid, gid: ids.gid } : {}),
  });
  if (result.status !== 0) {
    throw new Error(`${path.basename(binary)} failed (${result.status}): ${result.stderr}${result.stdout}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The stack

const ADDRESS_IN_USE = /Address already in use|could not bind|could not create any TCP\/IP sockets/;

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const reason = stackUnavailable({ postgres: options.postgres });
  if (reason) throw new Error(reason);
  installExitHook();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-stack-'));
  liveDirs.add(dir);
  fs.chmodSync(dir, 0o755);
  chownToRunAs(dir);
  const socketDir = path.join(dir, 'run');
  fs.mkdirSync(socketDir, { mode: 0o755 });
  chownToRunAs(socketDir);

  const users = {
    app: { user: 'app', password: secret() },
    admin: { user: 'pgb_admin', password: secret() },
    stats: { user: 'pgb_stats', password: secret() },
    outsider: { user: 'outsider', password: secret() },
  };
  const bouncers: PgBouncerProcess[] = [];
  let postgres: Spawned | null = null;
  let pgPort = 0;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(bouncers.map((bouncer) => bouncer.stop()));
    if (postgres) await stopChild(postgres, 'SIGINT'); // fast shutdown
    fs.rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };

  try {
    let appSecret = users.app.password;
    if (options.postgres !== false) {
      ({ postgres, port: pgPort } = await startPostgres(dir, socketDir, options.maxConnections ?? 50));
      appSecret = await createRoles(socketDir, pgPort, users.app);
    } else {
      pgPort = await freePort(); // nothing listens there
    }
    writeOwned(
      path.join(dir, 'userlist.txt'),
      [
        `"${users.app.user}" "${appSecret}"`,
        `"${users.admin.user}" "${users.admin.password}"`,
        `"${users.stats.user}" "${users.stats.password}"`,
        `"${users.outsider.user}" "${users.outsider.password}"`,
      ].join('\n') + '\n',
      0o600,
    );

    let count = 0;
    const startPgBouncer = async (bouncerOptions: PgBouncerOptions = {}): Promise<PgBouncerProcess> => {
      count++;
      const bouncer = await launchPgBouncer(dir, socketDir, pgPort, users, bouncerOptions, count);
      bouncers.push(bouncer);
      return bouncer;
    };
    const pgbouncer = await startPgBouncer(options);
    return {
      dir,
      postgres: options.postgres === false ? null : { host: '127.0.0.1', port: pgPort, socketDir },
      pgbouncer,
      users,
      startPgBouncer,
      async connectApp(database = 'appdb', bouncer = pgbouncer) {
        const client = new Client({
          host: bouncer.host,
          port: bouncer.port,
          database,
          user: users.app.user,
          password: users.app.password,
          ssl: false,
        });
        client.on('error', () => undefined); // a KILL or a stopped PgBouncer ends it; the test looks at that
        await client.connect();
        return client;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startPostgres(
  dir: string,
  socketDir: string,
  maxConnections: number,
): Promise<{ postgres: Spawned; port: number }> {
  const bin = postgresBinDir()!;
  const data = path.join(dir, 'pgdata');
  run(
    path.join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '-N'],
    dir,
  );
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const spawned = spawnServer(
      path.join(bin, 'postgres'),
      [
        '-D',
        data,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `port=${port}`,
        '-c',
        `unix_socket_directories=${socketDir}`,
        '-c',
        'password_encryption=scram-sha-256',
        '-c',
        `max_connections=${maxConnections}`,
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'shared_buffers=16MB',
      ],
      dir,
      path.join(dir, 'postgres.log'),
    );
    try {
      await waitForOutput(spawned, /database system is ready to accept connections/, 'PostgreSQL');
      return { postgres: spawned, port };
    } catch (error) {
      await stopChild(spawned, 'SIGQUIT');
      if (attempt < 4 && ADDRESS_IN_USE.test(spawned.output())) continue;
      throw error;
    }
  }
}

/** Creates the app role and database; returns app's SCRAM secret for PgBouncer's auth_file. */
async function createRoles(socketDir: string, port: number, app: Credentials): Promise<string> {
  const client = new Client({ host: socketDir, port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    // No parameters in utility commands: the password is random base64url, safe inside quotes.
    await client.query(`CREATE ROLE ${app.user} LOGIN PASSWORD '${app.password}'`);
    await client.query(`CREATE DATABASE appdb OWNER ${app.user}`);
    const result = await client.query<{ rolpassword: string }>(
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [app.user],
    );
    return result.rows[0].rolpassword;
  } finally {
    await client.end();
  }
}

function generateTls(dir: string): { key: string; cert: string } {
  const key = path.join(dir, 'tls.key');
  const cert = path.join(dir, 'tls.crt');
  if (!fs.existsSync(cert)) {
    const result = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2'].concat([
        '-subj',
        '/CN=localhost',
      ]),
      { encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`openssl could not make a test certificate: ${result.stderr}`);
    fs.chmodSync(key, 0o600);
    chownToRunAs(key);
    chownToRunAs(cert);
  }
  return { key, cert };
}

function pgbouncerConfig(
  dir: string,
  socketDir: string,
  pgPort: number,
  port: number,
  users: Stack['users'],
  options: PgBouncerOptions,
): string {
  const pg = `host=127.0.0.1 port=${pgPort}`;
  const databases: Record<string, string> = {
    appdb: `${pg} dbname=appdb`,
    postgres: `${pg} dbname=postgres`,
  };
  for (const [name, value] of Object.entries(options.databases ?? {}))
    databases[name] = value.replace('{pg}', pg);
  const lines = ['[databases]'];
  for (const [name, value] of Object.entries(databases)) lines.push(`${name} = ${value}`);
  for (let i = 1; i <= (options.generatedDatabases ?? 0); i++) {
    lines.push(`db${String(i).padStart(4, '0')} = ${pg} dbname=appdb`);
  }
  const settings: Record<string, string | number> = {
    listen_addr: '127.0.0.1',
    listen_port: port,
    unix_socket_dir: socketDir,
    auth_type: 'scram-sha-256',
    auth_file: path.join(dir, 'userlist.txt'),
    admin_users: users.admin.user,
    stats_users: users.stats.user,
    pool_mode: 'transaction',
    default_pool_size: 2,
    max_client_conn: 200,
    logfile: '',
    pidfile: '',
  };
  if (options.clientTls) {
    // PgBouncer drops root: it reads its key as RUN_AS, from a copy it owns
    const key = path.join(dir, `client-tls-${port}.key`);
    const cert = path.join(dir, `client-tls-${port}.crt`);
    writeOwned(key, fs.readFileSync(options.clientTls.keyFile, 'utf8'), 0o600);
    writeOwned(cert, fs.readFileSync(options.clientTls.certFile, 'utf8'));
    Object.assign(settings, {
      client_tls_sslmode: options.clientTls.sslmode ?? 'require',
      client_tls_key_file: key,
      client_tls_cert_file: cert,
    });
  } else if (options.requireTls) {
    const { key, cert } = generateTls(dir);
    Object.assign(settings, {
      client_tls_sslmode: 'require',
      client_tls_key_file: key,
      client_tls_cert_file: cert,
    });
  }
  Object.assign(settings, options.settings);
  lines.push('', '[pgbouncer]');
  for (const [key, value] of Object.entries(settings)) lines.push(`${key} = ${value}`);
  return lines.join('\n') + '\n';
}

async function launchPgBouncer(
  dir: string,
  socketDir: string,
  pgPort: number,
  users: Stack['users'],
  options: PgBouncerOptions,
  serial: number,
): Promise<PgBouncerProcess> {
  const binary = findPgBouncer();
  const configPath = path.join(dir, options.configName ?? `pgbouncer-${serial}.ini`);
  const logPath = path.join(dir, `pgbouncer-${serial}.log`);
  // Each PgBouncer needs its own Unix socket directory (the socket file is named after the port only
  // when ports differ, but a restart must find it free).
  const ownSocketDir = path.join(socketDir, `pgbouncer-${serial}`);
  fs.mkdirSync(ownSocketDir, { mode: 0o755 });
  chownToRunAs(ownSocketDir);
  const args = runAsUser() ? ['-u', RUN_AS, configPath] : [configPath];
  let spawned: Spawned | null = null;
  let earlierOutput = '';
  let port = 0;
  let baseConfig = '';

  const start = async (): Promise<void> => {
    const current = spawnServer(binary, args, dir, logPath);
    spawned = current;
    try {
      await waitForOutput(current, / LOG process up:/, 'PgBouncer');
    } catch (error) {
      await stopChild(current, 'SIGKILL');
      earlierOutput += current.output();
      spawned = null;
      throw error;
    }
  };

  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    baseConfig = pgbouncerConfig(dir, ownSocketDir, pgPort, port, users, options);
    writeOwned(configPath, baseConfig);
    try {
      await start();
      break;
    } catch (error) {
      // another process took the free port between the check and the bind: try another one
      if (attempt < 4 && ADDRESS_IN_USE.test(String(error))) continue;
      throw error;
    }
  }

  return {
    host: '127.0.0.1',
    port,
    configPath,
    socketDir: ownSocketDir,
    baseConfig,
    pid: () => {
      const child = (spawned as Spawned | null)?.child;
      return child && child.exitCode === null && child.signalCode !== 'SIGKILL' ? (child.pid ?? null) : null;
    },
    log: () => earlierOutput + ((spawned as Spawned | null)?.output() ?? ''),
    writeConfig: (text) => writeOwned(configPath, text),
    async stop() {
      const current = spawned as Spawned | null;
      if (!current) return;
      await stopChild(current, 'SIGTERM');
      earlierOutput += current.output();
      spawned = null;
    },
    async start() {
      if (spawned) return;
      await start();
    },
    freeze() {
      (spawned as Spawned | null)?.child.kill('SIGSTOP');
    },
    thaw() {
      (spawned as Spawned | null)?.child.kill('SIGCONT');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Test helpers

/** The instance setting that points at `bouncer`'s admin console as `credentials.user`. */
export function instanceFor(
  bouncer: PgBouncerProcess,
  credentials: Credentials,
  overrides: Partial<InstanceSettings> = {},
): InstanceSettings {
  return {
    name: 'primary',
    host: bouncer.host,
    port: bouncer.port,
    user: credentials.user,
    database: 'pgbouncer',
    sslmode: 'disable',
    ...overrides,
  };
}

/**
 * Polls `probe` until it returns something truthy (which it resolves to), or fails after `timeoutMs`
 * naming `what` and the last value seen. No fixed sleeps in the tests: they wait for what matters.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 15_000,
  everyMs = 25,
): Promise<NonNullable<T>> {
  const started = Date.now();
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`waited ${timeoutMs} ms for ${what}; last seen: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
