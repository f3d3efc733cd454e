// The files of a deployment in a folder: what `pgbouncer-lint DIR` and the language server's workspace
// scan read. Repositories come from strangers, so the walk is bounded and never leaves the folder:
//   - node_modules, .git and what the folder's .gitignore files ignore are not entered (root and nested
//     files, deeper ones first, `!` re-includes as git does; an ignored folder is never entered, so as
//     in git nothing under it can be re-included);
//   - a symbolic link is followed only when it resolves inside the folder, and a folder is entered once
//     (by device and inode), so links and bind mounts cannot loop;
//   - only regular files are returned (named pipes, sockets and devices are reported, never opened),
//     and a file past `maxBytes` is reported, not read;
//   - at most `maxFiles` entries are visited; past that the result says it is truncated.
// The walk is written once, as a generator of file system requests, and run by a synchronous driver
// (the CLI) and an asynchronous one (the language server, whose event loop must not block), so both
// give the same result.

import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
import {
  describeFileKind,
  describeProblem,
  kindOfStats,
  readRegularFile,
  readRegularFileAsync,
} from '../../files/guarded-read';
import type { FileKind, FileRead } from '../../files/guarded-read';

export type DeploymentFileKind =
  | 'pgbouncer-ini'
  | 'userlist'
  | 'compose'
  | 'compose-override'
  | 'env'
  /** Kubernetes manifests, Helm output, CI files, ...: the caller tells Kubernetes by content. */
  | 'yaml'
  | 'prisma'
  | 'spring-properties'
  | 'spring-yaml'
  | 'rails-database'
  /** An .ini not named for PgBouncer: discovery returns it as 'pgbouncer-ini' when its text has a PgBouncer section, else not at all. */
  | 'ini';

export interface DeploymentFile {
  /** Absolute path, under the folder as it was given (symbolic links not resolved). */
  path: string;
  kind: DeploymentFileKind;
  /** Bytes, from the file's status. */
  size: number;
}

export interface DiscoverOptions {
  /** Entries (files and folders) visited at most; default 20,000. */
  maxFiles?: number;
  /** A larger file is skipped, with a reason; default 2 MB. */
  maxBytes?: number;
}

export interface DiscoveredFiles {
  /** Sorted by path. */
  files: DeploymentFile[];
  /** Files of the deployment (by name) that were not taken, and folders that could not be read; sorted by path. */
  skipped: { path: string; why: string }[];
  /** True when maxFiles entries were visited before the walk ended. */
  truncated: boolean;
}

export const DEFAULT_MAX_FILES = 20_000;
export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
/** An .ini is a PgBouncer configuration when a section header of it within this many bytes says so. */
const INI_SNIFF_CHARS = 64 * 1024;
/** A .gitignore is read up to this size; a larger one is not used (and reported). */
const MAX_GITIGNORE_BYTES = 1024 * 1024;
/** Never entered, whatever .gitignore says. */
const NEVER_ENTERED = new Set(['node_modules', '.git']);

// ---------------------------------------------------------------------------------------------
// Names

const COMPOSE_NAME = /^(docker-)?compose([.\-_].*)?\.ya?ml$/;
const SPRING_PROPERTIES = /^application([.\-_].*)?\.properties$/;
const SPRING_YAML = /^application([.\-_].*)?\.ya?ml$/;

/**
 * What a file is by its path alone. 'ini' is an .ini not named for PgBouncer (its content decides:
 * isPgBouncerIniText); undefined for a file the deployment audit does not read.
 */
export function deploymentKindOfPath(filePath: string): DeploymentFileKind | undefined {
  const name = path.basename(filePath);
  if (name === '.env' || name.startsWith('.env.') || (name.endsWith('.env') && name.length > 4)) return 'env';
  if (COMPOSE_NAME.test(name)) return name.includes('.override.') ? 'compose-override' : 'compose';
  if (name.endsWith('.ini')) {
    return name.startsWith('pgbouncer') || name.endsWith('.pgbouncer.ini') ? 'pgbouncer-ini' : 'ini';
  }
  if (name === 'userlist.txt') return 'userlist';
  // Prisma's multi-file schemas (prisma/schema/*.prisma) may hold the datasource in any file.
  if (name.endsWith('.prisma')) return 'prisma';
  if (SPRING_PROPERTIES.test(name)) return 'spring-properties';
  if (SPRING_YAML.test(name)) return 'spring-yaml';
  if (name === 'database.yml' && path.basename(path.dirname(filePath)) === 'config') return 'rails-database';
  if (name.endsWith('.yml') || name.endsWith('.yaml')) return 'yaml';
  return undefined;
}

/** A section header [pgbouncer] or [databases] (PgBouncer compares section names without case). */
const PGBOUNCER_SECTION = /^[ \t]*\[[ \t]*(pgbouncer|databases)[ \t]*\]/im;

/** Whether an .ini's text (its first 64 KiB) has a [pgbouncer] or [databases] section. */
export function isPgBouncerIniText(text: string): boolean {
  return PGBOUNCER_SECTION.test(text.length > INI_SNIFF_CHARS ? text.slice(0, INI_SNIFF_CHARS) : text);
}

// ---------------------------------------------------------------------------------------------
// The requests the walk makes, and the two drivers that answer them

type Request =
  | { op: 'readdir'; dir: string }
  | { op: 'stat'; path: string }
  | { op: 'realpath'; path: string }
  | { op: 'read'; path: string; maxBytes: number };

interface Entry {
  name: string;
  /** From the directory listing, without following links. */
  kind: FileKind | 'symlink';
}

type Listing = Entry[] | { error: string };
type Walk<T> = Generator<Request, T, unknown>;

function* readdir(dir: string): Walk<Listing> {
  return (yield { op: 'readdir', dir }) as Listing;
}
function* stat(filePath: string): Walk<fs.Stats | null> {
  return (yield { op: 'stat', path: filePath }) as fs.Stats | null;
}
function* realpath(filePath: string): Walk<string | null> {
  return (yield { op: 'realpath', path: filePath }) as string | null;
}
function* read(filePath: string, maxBytes: number): Walk<FileRead> {
  return (yield { op: 'read', path: filePath, maxBytes }) as FileRead;
}

function entryOf(dirent: fs.Dirent): Entry {
  const kind: Entry['kind'] = dirent.isSymbolicLink()
    ? 'symlink'
    : dirent.isDirectory()
      ? 'directory'
      : dirent.isFile()
        ? 'file'
        : dirent.isFIFO()
          ? 'fifo'
          : dirent.isSocket()
            ? 'socket'
            : dirent.isCharacterDevice()
              ? 'character-device'
              : dirent.isBlockDevice()
                ? 'block-device'
                : 'other';
  return { name: dirent.name, kind };
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'EIO';
}

function answerSync(request: Request): unknown {
  switch (request.op) {
    case 'readdir':
      try {
        return fs.readdirSync(request.dir, { withFileTypes: true }).map(entryOf);
      } catch (error) {
        return { error: errorCode(error) };
      }
    case 'stat':
      try {
        return fs.statSync(request.path);
      } catch {
        return null;
      }
    case 'realpath':
      try {
        return fs.realpathSync.native(request.path);
      } catch {
        return null;
      }
    case 'read':
      return readRegularFile(request.path, request.maxBytes);
  }
}

async function answerAsync(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'readdir':
      try {
        return (await fs.promises.readdir(request.dir, { withFileTypes: true })).map(entryOf);
      } catch (error) {
        return { error: errorCode(error) };
      }
    case 'stat':
      return fs.promises.stat(request.path).catch(() => null);
    case 'realpath':
      return fs.promises.realpath(request.path).catch(() => null);
    case 'read':
      return readRegularFileAsync(request.path, request.maxBytes);
  }
}

/** The deployment's files under root, read synchronously (the CLI). */
export function discoverDeploymentFiles(root: string, options: DiscoverOptions = {}): DiscoveredFiles {
  const walk = discover(root, options);
  let step = walk.next();
  while (!step.done) step = walk.next(answerSync(step.value));
  return step.value;
}

/** discoverDeploymentFiles off the event loop (the language server): the same result. */
export async function discoverDeploymentFilesAsync(
  root: string,
  options: DiscoverOptions = {},
): Promise<DiscoveredFiles> {
  const walk = discover(root, options);
  let step = walk.next();
  while (!step.done) step = walk.next(await answerAsync(step.value));
  return step.value;
}

// ---------------------------------------------------------------------------------------------
// The walk

interface Matcher {
  /** The folder of the .gitignore, relative to root ('' for root itself), posix separators. */
  base: string;
  /** The .gitignore, relative to root, for the reason a file is skipped. */
  file: string;
  rules: Ignore;
}

interface Folder {
  abs: string;
  /** Relative to root, posix separators; '' for root. */
  rel: string;
  matchers: Matcher[];
}

/** The .gitignore (and pattern) that ignores rel, deepest .gitignore first, as git decides; null when none does. */
function ignoredBy(rel: string, isDirectory: boolean, matchers: Matcher[]): string | null {
  for (let i = matchers.length - 1; i >= 0; i--) {
    const matcher = matchers[i];
    const own = matcher.base === '' ? rel : rel.slice(matcher.base.length + 1);
    let result: ReturnType<Ignore['test']>;
    try {
      result = matcher.rules.test(isDirectory ? `${own}/` : own);
    } catch {
      continue; // a name the ignore package cannot take as a relative path: no rule can apply
    }
    if (result.ignored) return `${matcher.file}: ${result.rule?.pattern ?? ''}`.trim();
    if (result.unignored) return null;
  }
  return null;
}

function inside(real: string, rootReal: string): boolean {
  return real === rootReal || real.startsWith(rootReal.endsWith(path.sep) ? rootReal : rootReal + path.sep);
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function* discover(rootArgument: string, options: DiscoverOptions): Walk<DiscoveredFiles> {
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const root = path.resolve(rootArgument);
  const files: DeploymentFile[] = [];
  const skipped: { path: string; why: string }[] = [];
  const done = (truncated: boolean): DiscoveredFiles => ({
    files: files.sort(byPath),
    skipped: skipped.sort(byPath),
    truncated,
  });

  const rootStats = yield* stat(root);
  const rootReal = yield* realpath(root);
  if (!rootStats || !rootReal || !rootStats.isDirectory()) {
    const why = rootStats
      ? `it is ${describeFileKind(kindOfStats(rootStats))}, not a folder`
      : 'No such folder';
    skipped.push({ path: root, why });
    return done(false);
  }
  const entered = new Set<string>([`${rootStats.dev}:${rootStats.ino}`]);
  // Depth first, in name order: which entries a truncated walk saw does not depend on the file system.
  const pending: Folder[] = [{ abs: root, rel: '', matchers: [] }];
  let visited = 0;

  for (let folder = pending.pop(); folder; folder = pending.pop()) {
    // A folder counts when it is entered, so a cut-short walk has whole folders, first by name.
    if (folder.rel !== '' && ++visited > maxFiles) return done(true);
    const listing = yield* readdir(folder.abs);
    if (!Array.isArray(listing)) {
      skipped.push({ path: folder.abs, why: `the folder cannot be read (${listing.error})` });
      continue;
    }
    listing.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const matchers = folder.matchers.slice();
    const gitignore = listing.find((entry) => entry.name === '.gitignore');
    if (gitignore && (gitignore.kind === 'file' || gitignore.kind === 'symlink')) {
      const file = path.join(folder.abs, '.gitignore');
      const relFile = folder.rel === '' ? '.gitignore' : `${folder.rel}/.gitignore`;
      const real = gitignore.kind === 'symlink' ? yield* realpath(file) : file;
      const text = real && inside(real, rootReal) ? yield* read(file, MAX_GITIGNORE_BYTES) : null;
      if (text && 'text' in text) {
        try {
          matchers.push({ base: folder.rel, file: relFile, rules: ignore().add(text.text) });
        } catch {
          skipped.push({ path: file, why: 'its patterns could not be read; it is not applied' });
        }
      } else {
        const why = text ? describeProblem(text.problem) : 'a symbolic link out of the folder';
        skipped.push({ path: file, why: `not applied: ${why}` });
      }
    }

    const subfolders: Folder[] = [];
    for (const entry of listing) {
      if (NEVER_ENTERED.has(entry.name)) continue;
      const abs = path.join(folder.abs, entry.name);
      const rel = folder.rel === '' ? entry.name : `${folder.rel}/${entry.name}`;
      let kind: FileKind = entry.kind === 'symlink' ? 'other' : entry.kind;
      let stats: fs.Stats | null = null;
      if (entry.kind === 'symlink') {
        stats = yield* stat(abs);
        kind = stats ? kindOfStats(stats) : 'other';
      }
      const named = kind === 'directory' ? undefined : deploymentKindOfPath(abs);
      const ignoredRule = ignoredBy(rel, kind === 'directory', matchers);
      if (ignoredRule !== null) {
        if (named) skipped.push({ path: abs, why: `ignored by ${ignoredRule}` });
        continue;
      }
      if (kind !== 'directory' && ++visited > maxFiles) return done(true);

      if (entry.kind === 'symlink') {
        if (!stats) {
          if (named) skipped.push({ path: abs, why: 'a symbolic link to nothing' });
          continue;
        }
        if (kind === 'directory' || named) {
          const real = yield* realpath(abs);
          if (!real || !inside(real, rootReal)) {
            skipped.push({ path: abs, why: 'a symbolic link out of the folder; not followed' });
            continue;
          }
        }
      }
      if (kind === 'directory') {
        stats ??= yield* stat(abs);
        if (!stats) continue; // removed while the folder was read
        const id = `${stats.dev}:${stats.ino}`;
        if (entered.has(id)) {
          if (entry.kind === 'symlink')
            skipped.push({
              path: abs,
              why: 'a link to a folder already walked (a loop, or a second way in); not followed',
            });
          continue;
        }
        entered.add(id);
        subfolders.push({ abs, rel, matchers });
        continue;
      }
      if (!named) continue;
      if (kind !== 'file') {
        skipped.push({ path: abs, why: `it is ${describeFileKind(kind)}, not a regular file` });
        continue;
      }
      stats ??= yield* stat(abs);
      if (!stats) {
        skipped.push({ path: abs, why: 'it disappeared while the folder was read' });
        continue;
      }
      if (stats.size > maxBytes) {
        skipped.push({
          path: abs,
          why: describeProblem({ kind: 'too-large', size: stats.size, limit: maxBytes }),
        });
        continue;
      }
      if (named === 'ini') {
        const content = yield* read(abs, maxBytes);
        if ('problem' in content) {
          skipped.push({ path: abs, why: describeProblem(content.problem) });
          continue;
        }
        if (isPgBouncerIniText(content.text))
          files.push({ path: abs, kind: 'pgbouncer-ini', size: stats.size });
        continue;
      }
      files.push({ path: abs, kind: named, size: stats.size });
    }
    // Reversed onto the stack, so the first subfolder by name is walked next.
    for (let i = subfolders.length - 1; i >= 0; i--) pending.push(subfolders[i]);
  }
  return done(false);
}
