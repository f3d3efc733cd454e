// The language server's view of the files its documents name. The engine reads files synchronously,
// but a read in the server must never hold up its event loop: a slow network mount or a file that is
// being written must not freeze completion in the open document. So the server analyses a document
// against this snapshot, which answers from memory only; what an analysis asked for and the snapshot
// did not have is read off the event loop (guarded like every read), and the analysis runs again.
// A read that takes longer than the analysis may wait stays 'pending' (a finding says so) and the
// documents that wanted it are analysed again when it arrives.

import * as fs from 'node:fs';
import type { FileSystem } from './file-system';
import type { FileKind, FileProblem } from './guarded-read';
import { kindOfStats, MAX_FILE_BYTES, readRegularFileAsync } from './guarded-read';

/** What a file looked like when last looked at: any change means it is read again. */
export interface Stamp {
  kind: FileKind;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

interface Entry {
  /** null: nothing there. */
  stamp: Stamp | null;
  /** Set once read (regular files only), with the limit it was read with. */
  read?: { text: string; maxBytes: number } | { problem: FileProblem; maxBytes: number };
  /** When the stamp was last taken (Date.now()). */
  checkedAt: number;
}

export interface SnapshotOptions {
  /** How long an analysis waits for the reads it needs before it goes on without them. */
  waitMs?: number;
  /** A stamp younger than this is trusted without looking at the disk again. */
  freshMs?: number;
  /** Called with the paths whose reads finished after the analysis that wanted them stopped waiting. */
  onLateRead?: (paths: readonly string[]) => void;
  /** Where the files come from: this machine's file system unless told (the browser server's is the editor's). */
  source?: SnapshotSource;
}

/** How the snapshot looks at and reads a path, off the event loop. */
export interface SnapshotSource {
  /** What is at the path, or null when nothing is (or it cannot be looked at). */
  stamp(filePath: string): Promise<Stamp | null>;
  /** A regular file's text, at most maxBytes of it (files/guarded-read.ts's rules). */
  read(filePath: string, maxBytes: number): Promise<{ text: string } | { problem: FileProblem }>;
}

/** The machine's file system: stat, and the guarded read. */
export const NODE_SNAPSHOT_SOURCE: SnapshotSource = {
  stamp: (filePath) => stampOf(filePath),
  read: (filePath, maxBytes) => readRegularFileAsync(filePath, maxBytes),
};

/** What one analysis asked of the snapshot. */
export class SnapshotView implements FileSystem {
  /** Paths asked for (stat or read) that the snapshot could not answer from memory. */
  readonly missing = new Map<string, { stat: boolean; maxBytes?: number }>();
  /** Every path asked for, to check again before the next analysis. */
  readonly used = new Set<string>();

  constructor(private readonly snapshot: FileSnapshot) {}

  stat(filePath: string): FileKind | null {
    this.used.add(filePath);
    const entry = this.snapshot.entry(filePath);
    if (!entry) {
      this.want(filePath, { stat: true });
      return null;
    }
    return entry.stamp?.kind ?? null;
  }

  readFile(filePath: string, maxBytes = MAX_FILE_BYTES): { text: string } | { problem: FileProblem } {
    this.used.add(filePath);
    const entry = this.snapshot.entry(filePath);
    if (entry && entry.stamp === null) return { problem: { kind: 'missing' } };
    if (entry?.stamp && entry.stamp.kind !== 'file') {
      return { problem: { kind: 'not-regular', fileKind: entry.stamp.kind } };
    }
    const read = entry?.read;
    if (read && read.maxBytes >= maxBytes) {
      if ('text' in read) {
        return read.text.length > maxBytes
          ? { problem: { kind: 'too-large', size: read.text.length, limit: maxBytes } }
          : { text: read.text };
      }
      return { problem: read.problem };
    }
    this.want(filePath, { stat: false, maxBytes });
    return { problem: { kind: 'pending' } };
  }

  private want(filePath: string, wanted: { stat: boolean; maxBytes?: number }): void {
    const known = this.missing.get(filePath);
    if (!known) this.missing.set(filePath, wanted);
    else if (!wanted.stat)
      this.missing.set(filePath, {
        stat: false,
        maxBytes: Math.max(known.maxBytes ?? 0, wanted.maxBytes ?? 0),
      });
  }
}

export class FileSnapshot {
  private readonly entries = new Map<string, Entry>();
  /** Reads under way, by path. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly waitMs: number;
  private readonly freshMs: number;
  private readonly source: SnapshotSource;

  constructor(private readonly options: SnapshotOptions = {}) {
    this.waitMs = options.waitMs ?? 2000;
    this.freshMs = options.freshMs ?? 1000;
    this.source = options.source ?? NODE_SNAPSHOT_SOURCE;
  }

  entry(filePath: string): Entry | undefined {
    return this.entries.get(filePath);
  }

  /** A view for one analysis. */
  view(): SnapshotView {
    return new SnapshotView(this);
  }

  /**
   * Runs `analyse` against the snapshot until it asks for nothing the snapshot lacks (or the wait is
   * over): each round reads what the last one missed. Returns the last round's result.
   */
  async analyse<T>(
    analyse: (fileSystem: SnapshotView) => T,
    previouslyUsed: Iterable<string> = [],
  ): Promise<{ result: T; used: ReadonlySet<string> }> {
    const deadline = Date.now() + this.waitMs;
    await this.withinDeadline(this.refresh(previouslyUsed), deadline);
    // Includes nest at most 10 deep and each round reads the next level: a few rounds at most.
    for (let round = 0; ; round++) {
      const view = this.view();
      const result = analyse(view);
      if (view.missing.size === 0) return { result, used: view.used };
      const loads = this.loadMissing(view);
      if (round >= 12 || Date.now() >= deadline) {
        this.tellWhenLoaded(loads, [...view.missing.keys()]);
        return { result, used: view.used };
      }
      if (!(await this.withinDeadline(Promise.all(loads), deadline))) {
        // Out of time: one last round with what is there; the rest is 'pending' until it arrives.
        const late = this.view();
        const lateResult = analyse(late);
        this.tellWhenLoaded(this.loadMissing(late), [...late.missing.keys()]);
        return { result: lateResult, used: late.used };
      }
    }
  }

  /** Starts reading what a view missed; a path only looked at (stat) is not read, e.g. a pidfile's directory. */
  private loadMissing(view: SnapshotView): Promise<void>[] {
    return [...view.missing].map(([filePath, wanted]) =>
      this.load(filePath, wanted.stat ? 0 : wanted.maxBytes),
    );
  }

  private tellWhenLoaded(loads: Promise<void>[], paths: string[]): void {
    if (paths.length === 0) return;
    void Promise.all(loads).then(() => this.options.onLateRead?.(paths));
  }

  /** Forgets everything (a configuration change). */
  clear(): void {
    this.entries.clear();
  }

  /** Forgets the files no open document uses any more. */
  retainOnly(paths: ReadonlySet<string>): void {
    for (const filePath of this.entries.keys()) if (!paths.has(filePath)) this.entries.delete(filePath);
  }

  /** Looks again at paths whose stamp is older than freshMs; changed ones are forgotten (read again when asked). */
  private async refresh(paths: Iterable<string>): Promise<void> {
    const now = Date.now();
    const checks: Promise<void>[] = [];
    for (const filePath of paths) {
      const entry = this.entries.get(filePath);
      if (!entry || now - entry.checkedAt < this.freshMs || this.inFlight.has(filePath)) continue;
      checks.push(
        this.source.stamp(filePath).then((stamp) => {
          const current = this.entries.get(filePath);
          if (current !== entry) return;
          if (sameStamp(stamp, entry.stamp)) entry.checkedAt = Date.now();
          else this.entries.delete(filePath);
        }),
      );
    }
    await Promise.all(checks);
  }

  private load(filePath: string, maxBytes = MAX_FILE_BYTES): Promise<void> {
    const running = this.inFlight.get(filePath);
    if (running) return running;
    const loading = (async () => {
      const stamp = await this.source.stamp(filePath);
      const entry: Entry = { stamp, checkedAt: Date.now() };
      if (stamp?.kind === 'file' && maxBytes > 0) {
        const read = await this.source.read(filePath, maxBytes);
        entry.read = 'problem' in read ? { problem: read.problem, maxBytes } : { text: read.text, maxBytes };
      }
      this.entries.set(filePath, entry);
    })().finally(() => this.inFlight.delete(filePath));
    this.inFlight.set(filePath, loading);
    return loading;
  }

  private async withinDeadline(work: Promise<unknown>, deadline: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([work.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function stampOf(filePath: string): Promise<Stamp | null> {
  try {
    const stats = await fs.promises.stat(filePath);
    return {
      kind: kindOfStats(stats),
      dev: stats.dev,
      ino: stats.ino,
      size: stats.size,
      mtimeMs: stats.mtimeMs,
      ctimeMs: stats.ctimeMs,
    };
  } catch {
    return null;
  }
}

function sameStamp(a: Stamp | null, b: Stamp | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.kind === b.kind &&
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.ctimeMs === b.ctimeMs
  );
}
