// The packaged extension (.vsix) for the packaging and end-to-end tests, built once per content.
//
// `npm run package` rewrites dist/ with production bundles, and other test files run dist/server.js at
// the same time: so the package is built from a copy of the checkout (.test-tmp/vsix/stage-*, with
// node_modules linked), never in the checkout itself. The .vsix is named after a hash of everything
// copied (sources, manifest, .vscodeignore, lock file), so the test files of one run share one build,
// and a later run reuses it while nothing changed. A lock directory keeps two test processes from
// building the same one at once.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const VSIX_DIR = path.join(ROOT, '.test-tmp', 'vsix');

/** Top-level entries never copied: version control, installed packages, build and test output. */
const SKIP_TOP = new Set(['.git', 'node_modules', 'dist', '.test-tmp', 'coverage']);

function copied(relative: string): boolean {
  const top = relative.split(path.sep)[0];
  return !SKIP_TOP.has(top) && !relative.endsWith('.vsix');
}

/** Every file of the checkout that goes into the staging copy, sorted, relative to ROOT. */
function stagedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const relative = dir ? path.join(dir, entry.name) : entry.name;
      if (!copied(relative)) continue;
      if (entry.isDirectory()) walk(relative);
      else if (entry.isFile()) out.push(relative);
    }
  };
  walk('');
  return out.sort();
}

function contentHash(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file);
    hash.update('\0');
    const bytes = fs.readFileSync(path.join(ROOT, file));
    hash.update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

export interface PackagedVsix {
  /** absolute path of the .vsix */
  path: string;
  /** false when a build of the same content was reused */
  built: boolean;
  /** how long `npm run package` took, when it ran (ms) */
  buildMs?: number;
  /** output of `npm run package` (the build that made the file) */
  log: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function build(hash: string, files: string[], vsix: string): PackagedVsix {
  const stage = path.join(VSIX_DIR, `stage-${hash}`);
  fs.rmSync(stage, { recursive: true, force: true });
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(stage, file));
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
  const partial = `${vsix}.partial.vsix`;
  const started = Date.now();
  // npm appends the arguments after `--` to the script's last command: vsce package ... --out FILE
  const result = spawnSync('npm', ['run', 'package', '--', '--out', partial], {
    cwd: stage,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', NO_COLOR: '1' },
    timeout: 180_000,
  });
  const buildMs = Date.now() - started;
  const log = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  fs.writeFileSync(`${vsix}.log`, log);
  if (result.status !== 0) {
    throw new Error(
      `npm run package failed (exit ${result.status ?? result.signal}${result.error ? `, ${result.error.message}` : ''}) in ${stage}:\n${log}`,
    );
  }
  fs.renameSync(partial, vsix);
  fs.rmSync(stage, { recursive: true, force: true });
  return { path: vsix, built: true, buildMs, log };
}

/** The .vsix of the checkout as it is now: built with `npm run package`, or reused from this content. */
export async function packagedVsix(): Promise<PackagedVsix> {
  fs.mkdirSync(VSIX_DIR, { recursive: true });
  const files = stagedFiles();
  const hash = contentHash(files);
  const vsix = path.join(VSIX_DIR, `pgbouncer-config-${hash}.vsix`);
  const lock = `${vsix}.lock`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (fs.existsSync(vsix)) {
      const logFile = `${vsix}.log`;
      return {
        path: vsix,
        built: false,
        log: fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '',
      };
    }
    try {
      fs.mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Another test process is building it; a lock older than 5 minutes was left by a killed run.
      const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })!.mtimeMs;
      if (age > 300_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 5 minutes for ${lock} to go away`);
      await sleep(250);
      continue;
    }
    try {
      // Builds of older content are of no use any more.
      for (const old of fs.readdirSync(VSIX_DIR)) {
        if (old.startsWith('pgbouncer-config-') && !old.startsWith(`pgbouncer-config-${hash}`))
          fs.rmSync(path.join(VSIX_DIR, old), { recursive: true, force: true });
      }
      return build(hash, files, vsix);
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** The entries of a zip file (a .vsix), from `unzip -Z1`, with their uncompressed sizes from `unzip -l`. */
export function zipEntries(zipFile: string): { name: string; size: number }[] {
  const result = spawnSync('unzip', ['-l', zipFile], { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      'unzip is not installed: run `bash scripts/install-e2e-deps.sh` (or apt-get install -y unzip)',
    );
  }
  if (result.status !== 0) throw new Error(`unzip -l ${zipFile} failed: ${result.stderr}`);
  // "  Length      Date    Time    Name" / "---------  ---------- -----   ----" / rows / "---" / total
  const entries: { name: string; size: number }[] = [];
  for (const line of result.stdout.split('\n')) {
    const match = /^\s*(\d+)\s+\d{2,4}-\d{2}-\d{2,4}\s+\d{2}:\d{2}\s+(.+)$/.exec(line);
    if (match) entries.push({ name: match[2], size: Number(match[1]) });
  }
  return entries;
}
