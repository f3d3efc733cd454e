// Asks the real PgBouncer binary whether it starts with a configuration.
//
// PgBouncer has no "check the config" flag. On a fatal config error it exits at once (status 1,
// last line "FATAL ..."); a config it accepts makes it run until killed, and it logs
// "LOG process up: ..." once config, TLS, sockets and pidfile are done. So we start it in the
// foreground, watch its log for either event, and SIGTERM it once it is up.
//
// Sandbox mode (the default): the config is written to a fresh temporary directory and, at the
// end of every [pgbouncer] section of the top-level file, these overrides are appended
//   listen_addr = 127.0.0.1 / listen_port = <free port> / unix_socket_dir = <temp dir> /
//   pidfile = / logfile =
// PgBouncer keeps the last value of a duplicated key, so the user's own values are still parsed
// and type-checked, but the environment (port in use, foreign address, stale pidfile) cannot make
// it refuse the config. `asIs` runs the text untouched (after placeholder substitution).
//
// Placeholders, replaced in the config and in every extra file before anything runs (and by
// `fillPlaceholders` for whoever lints the same text):
//   {{dir}}        the temporary directory (PgBouncer's working directory)
//   {{port}}       a free TCP port on 127.0.0.1
//   {{port+N}}     that port plus N (e.g. {{port+65536}}: PgBouncer does not range-check
//                  listen_port and truncates it to 16 bits, so this binds {{port}})
//
// As root, PgBouncer refuses to run, so it gets "-u postgres": it reads the config as root and
// then drops privileges. The temp directory is owned by that user (it creates its Unix socket
// there). Checks run at most `ORACLE_CONCURRENCY` at a time (default 3).

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, installExitHook, liveChildren, liveDirs } from './processes';
import { encodeText } from '../../server/src/files/text-codec';

export type Verdict = 'accept' | 'reject';

export interface AskOptions {
  /** Run the config exactly as given (placeholders aside): no sandbox overrides. */
  asIs?: boolean;
  /** Files written into the temp dir next to the config (relative names, subfolders allowed). */
  extraFiles?: Record<string, string>;
  /** Working directory of the process (default: the temp dir, where extraFiles live). */
  cwd?: string;
  /** Give up (and throw) when PgBouncer neither exits nor comes up within this time. Default 10 s. */
  timeoutMs?: number;
}

export interface OracleAnswer {
  verdict: Verdict;
  /**
   * PgBouncer's log lines, timestamp and pid removed; the temp dir is shown as "$DIR" and, in
   * sandbox mode, line numbers of the config are mapped back to the text that was passed in.
   */
  log: string[];
  /** The port that {{port}} stood for (useful in asIs mode). */
  port: number;
}

/** Name of the config file inside the temp dir (relative %include of it works, e.g. self-include). */
export const CONFIG_NAME = 'pgbouncer.ini';

const INSTALL_COMMAND = 'apt-get install -y pgbouncer';
const CANDIDATES = [
  '/usr/sbin/pgbouncer',
  '/usr/bin/pgbouncer',
  '/usr/local/sbin/pgbouncer',
  '/usr/local/bin/pgbouncer',
];
const RUN_AS = process.env.PGB_USER || 'postgres';

let located: string | undefined;

/**
 * The release the oracle suites judge against, "major.minor": $PGBOUNCER_TARGET, default Debian's
 * 1.18 (what `npm test` requires). `npm run test:releases` sets it with PGBOUNCER_BIN for each build.
 */
export const ORACLE_TARGET: string = (() => {
  const given = (process.env.PGBOUNCER_TARGET ?? '').trim();
  if (given === '') return '1.18';
  if (!/^\d+\.\d+$/.test(given)) {
    throw new Error(
      `PGBOUNCER_TARGET must be a release as major.minor (e.g. 1.21), not ${JSON.stringify(given)}`,
    );
  }
  return given;
})();

/** -1, 0 or 1 as version `a` ("1.21", "1.21.3") is older than, the same as or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Path of the pgbouncer binary: $PGBOUNCER_BIN (or the older $PGBOUNCER) if set, else the usual
 * Debian locations, then $PATH. Throws when it is missing: this project's tests require it
 * (scripts/ensure-system-deps.sh installs Debian's).
 */
export function findPgBouncer(): string {
  if (located) return located;
  const fromEnv = process.env.PGBOUNCER_BIN || process.env.PGBOUNCER;
  const searchPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  // An explicit binary is the only candidate (so a wrong one is reported, not papered over).
  const candidates = fromEnv
    ? [fromEnv]
    : [...CANDIDATES, ...searchPath.map((dir) => path.join(dir, 'pgbouncer'))];
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return (located = candidate);
    } catch {
      // try the next one
    }
  }
  const where = process.env.CI ? ' (CI is set: the oracle tests must not be skipped)' : '';
  const how = fromEnv
    ? 'Check PGBOUNCER_BIN (build a release with: bash scripts/build-pgbouncer.sh VERSION).'
    : `Install it with: ${INSTALL_COMMAND}  (as root; or run: bash scripts/ensure-system-deps.sh).`;
  throw new Error(
    `The pgbouncer binary was not found${where}; the oracle tests need the real PgBouncer ${ORACLE_TARGET}. ` +
      `${how} Looked at ${candidates.join(', ')}.`,
  );
}

/** Version line of the binary, e.g. "PgBouncer 1.18.0". */
export function pgBouncerVersion(): string {
  const result = spawnSync(findPgBouncer(), ['--version'], { encoding: 'utf8' });
  return (result.stdout ?? '').split('\n')[0].trim();
}

// ---------------------------------------------------------------------------------------------
// Concurrency limit

const MAX_PARALLEL = Math.max(1, Math.min(4, Number(process.env.ORACLE_CONCURRENCY) || 3));
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

// ---------------------------------------------------------------------------------------------
// Placeholders and the sandbox rewrite

export function fillPlaceholders(text: string, values: { dir: string; port: number }): string {
  return text.replace(/\{\{(dir|port)(?:\+(\d+))?\}\}/g, (_match, name: string, plus: string | undefined) =>
    name === 'dir' ? values.dir : String(values.port + (plus ? Number(plus) : 0)),
  );
}

// Section header at the start of a line (after blanks): its name, else null.
function sectionOf(line: string): string | null {
  const match = /^[ \t\r\f\v]*\[([^\]\n]*)\]/.exec(line);
  return match ? match[1] : null;
}

function includeOf(line: string): string | null {
  const match = /^[ \t\r\f\v]*%include[ \t]+(.*?)[ \t\r\f\v]*$/.exec(line);
  return match && match[1] !== '' ? match[1] : null;
}

/** The last section header opened by `file` and whatever it includes (null if none). */
function lastSectionIn(file: string, baseDir: string, depth: number, busy: Set<string>): string | null {
  const resolved = path.resolve(baseDir, file);
  if (depth > 10 || busy.has(resolved)) return null;
  let text: string;
  try {
    text = fs.readFileSync(resolved, 'utf8');
  } catch {
    return null;
  }
  busy.add(resolved);
  let last: string | null = null;
  for (const line of text.split('\n')) {
    const include = includeOf(line);
    const header = include !== null ? lastSectionIn(include, baseDir, depth + 1, busy) : sectionOf(line);
    if (header !== null) last = header;
  }
  busy.delete(resolved);
  return last;
}

/** What sandbox mode appends to each [pgbouncer] section (see the top of this file). */
function sandboxOverrides(dir: string, port: number): string[] {
  return [
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    `unix_socket_dir = ${dir}`,
    'pidfile =',
    'logfile =',
  ];
}

/**
 * The text PgBouncer gets in sandbox mode, for whoever lints what PgBouncer judged: what the overrides
 * change (a TCP listener, a Unix socket) decides some verdicts, e.g. socket options that make
 * 1.19 and later drop every TCP listener and stop.
 */
export function sandboxedText(text: string, dir: string, port: number): string {
  return sandbox(text, sandboxOverrides(dir, port), dir).text;
}

/**
 * Appends the overrides at the end of every [pgbouncer] section of the top-level text (sections
 * opened by included files count, since PgBouncer carries the section across %include).
 * Returns the new text and, per new line (0-based), the original 1-based line number.
 */
function sandbox(text: string, overrides: string[], baseDir: string): { text: string; lineMap: number[] } {
  // Lines with their terminators, so that nothing (not even a blank line) is added or lost.
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let out = '';
  const lineMap: number[] = [];
  let inMain = false;
  let lastOriginal = 1;
  const flush = (): void => {
    if (out !== '' && !out.endsWith('\n')) out += '\n';
    for (const line of overrides) {
      out += `${line}\n`;
      lineMap.push(lastOriginal);
    }
  };
  lines.forEach((line, index) => {
    const include = includeOf(line.replace(/\n$/, ''));
    const header = include !== null ? lastSectionIn(include, baseDir, 1, new Set()) : sectionOf(line);
    if (header !== null) {
      if (inMain) flush();
      inMain = header === 'pgbouncer';
    }
    out += line;
    lineMap.push(index + 1);
    lastOriginal = index + 1;
  });
  if (inMain) flush();
  return { text: out, lineMap };
}

// ---------------------------------------------------------------------------------------------
// Free ports

// ---------------------------------------------------------------------------------------------
// Running the binary

let runAsIds: { uid: number; gid: number } | null | undefined;

function runAsUser(): { uid: number; gid: number } | null {
  if (runAsIds !== undefined) return runAsIds;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return (runAsIds = null);
  const result = spawnSync('id', ['-u', RUN_AS], { encoding: 'utf8' });
  const group = spawnSync('id', ['-g', RUN_AS], { encoding: 'utf8' });
  if (result.status !== 0 || group.status !== 0) {
    throw new Error(
      `Running as root, PgBouncer must drop privileges to the system user '${RUN_AS}', which does not exist. ` +
        `Install the packages that create it: apt-get install -y pgbouncer postgresql`,
    );
  }
  return (runAsIds = { uid: Number(result.stdout.trim()), gid: Number(group.stdout.trim()) });
}

// Whatever is still running or on disk when the test process exits (e.g. killed by a test
// timeout) is cleaned up synchronously here.

const PROCESS_UP = / LOG process up:/;
const RETRYABLE = /Address already in use|unix socket is in use/;
const LOG_PREFIX = /^\d{4}-\d{2}-\d{2} [0-9:.]+ [A-Z]+ \[\d+\] /;

interface RunResult {
  up: boolean;
  raw: string;
}

function runOnce(binary: string, configPath: string, cwd: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const args = runAsUser() ? ['-u', RUN_AS, configPath] : [configPath];
    const child = spawn(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    liveChildren.add(child);
    let raw = '';
    let up = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let againTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // From 1.23 the first SIGTERM only starts a shutdown that waits for the next timer tick; a
      // second one while it waits makes PgBouncer exit at once (older releases are gone by then).
      againTimer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      }, 20);
      killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
    };
    const clearTimers = (): void => {
      if (againTimer) clearTimeout(againTimer);
      if (killTimer) clearTimeout(killTimer);
    };
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      stop();
      // Wait for the exit so that nothing is left running, then report.
      child.once('close', () =>
        reject(new Error(`PgBouncer gave no verdict within ${timeoutMs} ms. Its log:\n${raw}`)),
      );
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      raw += chunk.toString('utf8');
      if (!up && PROCESS_UP.test(raw)) {
        up = true;
        stop();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      liveChildren.delete(child);
      clearTimeout(timer);
      clearTimers();
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
    child.on('close', () => {
      liveChildren.delete(child);
      clearTimeout(timer);
      clearTimers();
      if (settled) return;
      settled = true;
      // It may have logged "process up" right before exiting.
      resolve({ up: up || PROCESS_UP.test(raw), raw });
    });
  });
}

function cleanLog(raw: string, dir: string, configPath: string, lineMap: number[] | null): string[] {
  const escapedConfig = configPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const position = new RegExp(`\\(${escapedConfig}:(\\d+)\\)`, 'g');
  return raw
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      let text = line.replace(LOG_PREFIX, '');
      if (lineMap) {
        text = text.replace(position, (_m, n: string) => `(${CONFIG_NAME}:${lineMap[Number(n) - 1] ?? n})`);
      }
      return text.split(dir).join('$DIR');
    });
}

function writeFiles(dir: string, files: Record<string, string>, fill: (text: string) => string): void {
  for (const [name, content] of Object.entries(files)) {
    if (path.isAbsolute(name) || name.split(/[\\/]/).includes('..')) {
      throw new Error(`extraFiles names must be relative and stay inside the temp dir: ${name}`);
    }
    if (name === CONFIG_NAME)
      throw new Error(`extraFiles may not contain ${CONFIG_NAME} (that is the config itself)`);
    const target = path.join(dir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
    fs.writeFileSync(target, encodeText(fill(content)), { mode: 0o644 });
  }
}

/**
 * Starts PgBouncer with `configText` and reports whether it came up ("accept") or exited
 * before that ("reject"). Throws when the binary is missing or gives no verdict in time.
 */
export async function askPgBouncer(configText: string, opts: AskOptions = {}): Promise<OracleAnswer> {
  const binary = findPgBouncer();
  const ids = runAsUser();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  installExitHook();
  return withSlot(async () => {
    let lastLog: string[] = [];
    let lastPort = 0;
    for (let attempt = 1; attempt <= 4; attempt++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-oracle-'));
      liveDirs.add(dir);
      try {
        fs.chmodSync(dir, 0o755);
        if (ids) fs.chownSync(dir, ids.uid, ids.gid);
        const port = await freePort();
        const fill = (text: string): string => fillPlaceholders(text, { dir, port });
        writeFiles(dir, opts.extraFiles ?? {}, fill);
        const configPath = path.join(dir, CONFIG_NAME);
        const cwd = opts.cwd ?? dir;
        let text = fill(configText);
        let lineMap: number[] | null = null;
        if (!opts.asIs) ({ text, lineMap } = sandbox(text, sandboxOverrides(dir, port), cwd));
        // As bytes: a config may hold bytes that are not UTF-8 (lone U+DC80..U+DCFF, see text-codec.ts).
        fs.writeFileSync(configPath, encodeText(text), { mode: 0o644 });
        const result = await runOnce(binary, configPath, cwd, timeoutMs);
        lastLog = cleanLog(result.raw, dir, configPath, lineMap);
        lastPort = port;
        if (!result.up && RETRYABLE.test(result.raw)) continue;
        return { verdict: result.up ? 'accept' : 'reject', log: lastLog, port };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        liveDirs.delete(dir);
      }
    }
    return { verdict: 'reject', log: lastLog, port: lastPort };
  });
}

/**
 * Log lines showing that a rejection came from the environment (ports, permissions, users),
 * not from the configuration. Empty when the rejection is about the config.
 */
export function environmentProblems(log: string[], asIs = false): string[] {
  const patterns = [
    /Address already in use/,
    /unix socket is in use/,
    /Cannot assign requested address/,
    /should not run as root/,
    /could not find user/,
    /setuid|setgid|initgroups/,
    // An as-is case names its own pidfile (in its temporary directory).
    ...(asIs ? [] : [/pidfile/i]),
    /Permission denied/,
    /Too many open files/,
  ];
  return log.filter((line) => patterns.some((pattern) => pattern.test(line)));
}
