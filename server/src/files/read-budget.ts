// How much one analysis may read. A configuration can name the same large file a thousand times
// (`%include big.inc` on every line), and each inclusion is parsed and walked again; without a budget
// that is gigabytes of events from a few lines. Every file read for an analysis is charged here, once
// per read (an included file twice counts twice), the open document first.

import type { FileProblem } from './guarded-read';
import { MAX_FILE_BYTES } from './guarded-read';
import type { FileSystem } from './file-system';

/** The open document plus everything read for it, in UTF-16 units (at most its bytes in UTF-8). */
export const MAX_ANALYSIS_BYTES = 24 * 1024 * 1024;
/**
 * Lines of included files one analysis goes through (a file included twice counts twice). Short lines
 * are cheap to read but not to check: 24 MB of `db1 = host=h` lines are a million entries.
 */
export const MAX_INCLUDED_LINES = 200_000;

/** A path the analysis did not read because of a limit (not because of what is there). */
export interface UnreadFile {
  path: string;
  problem: Extract<FileProblem, { kind: 'too-large' | 'over-budget' | 'pending' }>;
}

export class ReadBudget {
  private used = 0;
  /** Every read refused for a limit, in order (one entry per path). */
  readonly unread: UnreadFile[] = [];
  private readonly unreadPaths = new Set<string>();

  constructor(readonly limit: number = MAX_ANALYSIS_BYTES) {}

  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  charge(units: number): void {
    this.used += units;
  }

  noteUnread(path: string, problem: UnreadFile['problem']): void {
    if (this.unreadPaths.has(path)) return;
    this.unreadPaths.add(path);
    this.unread.push({ path, problem });
  }
}

/**
 * The file system an analysis reads through: every read is charged to the budget, a file larger than
 * what is left is not read (and noted), and a file read once is not read from disk again in the same
 * analysis (a thousand inclusions of one file are one read, but a thousand charges).
 */
export function budgetedFileSystem(inner: FileSystem, budget: ReadBudget): FileSystem {
  const texts = new Map<string, string>();
  const refuse = (path: string, problem: UnreadFile['problem']) => {
    budget.noteUnread(path, problem);
    return { problem };
  };
  return {
    stat: (filePath) => inner.stat(filePath),
    readFile(filePath, maxBytes = MAX_FILE_BYTES) {
      const overBudget = { kind: 'over-budget', limit: budget.limit, unit: 'bytes' } as const;
      const known = texts.get(filePath);
      if (known !== undefined) {
        if (known.length > budget.remaining) return refuse(filePath, overBudget);
        budget.charge(known.length);
        return { text: known };
      }
      if (budget.remaining === 0) return refuse(filePath, overBudget);
      const allowed = Math.min(maxBytes, budget.remaining);
      const read = inner.readFile(filePath, allowed);
      if ('problem' in read) {
        const problem = read.problem;
        if (problem.kind === 'too-large') {
          // Within the file limit but more than the budget has left: the budget's doing.
          return problem.size <= maxBytes
            ? refuse(filePath, overBudget)
            : refuse(filePath, { ...problem, limit: maxBytes });
        }
        if (problem.kind === 'pending' || problem.kind === 'over-budget') return refuse(filePath, problem);
        return read;
      }
      if (read.text.length > budget.remaining) return refuse(filePath, overBudget);
      budget.charge(read.text.length);
      texts.set(filePath, read.text);
      return { text: read.text };
    },
  };
}
