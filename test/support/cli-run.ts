// Runs the built CLI (dist/cli.js) the way a user's shell does, but hermetically: variables that
// change its output (colours, debug, dates, Node options) come only from the test.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  input?: string;
  env?: Record<string, string>;
  /** Default: the repository root. */
  cwd?: string;
  /** Arguments to node itself, before the script. */
  nodeArgs?: string[];
  /** A file to connect to standard input instead of `input` (e.g. /dev/zero). */
  stdinFile?: string;
  /** Run as this user and group (the tests run as root). */
  uid?: number;
  gid?: number;
}

export function runCli(args: string[], options: CliOptions = {}): CliRun {
  const {
    FORCE_COLOR: _force,
    NO_COLOR: _no,
    PGBOUNCER_LINT_DEBUG: _debug,
    NODE_OPTIONS: _node,
    SOURCE_DATE_EPOCH: _epoch,
    ...env
  } = process.env;
  const stdin = options.stdinFile === undefined ? null : fs.openSync(options.stdinFile, 'r');
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    ...(stdin === null ? { input: options.input ?? '' } : { stdio: [stdin, 'pipe', 'pipe'] }),
    encoding: 'utf8',
    env: { ...env, ...options.env },
    timeout: 60_000,
    uid: options.uid,
    gid: options.gid,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (stdin !== null) fs.closeSync(stdin);
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
