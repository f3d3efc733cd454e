// %include lines: files PgBouncer cannot read or would not read as meant, and, after the pass, one
// finding at the %include of a file that has errors (the file may not be open in the editor).

import { describeFileKind, describeProblem } from '../files/guarded-read';
import type { FileProblem } from '../files/guarded-read';
import type { LoadedFile, PathWalkProblem } from '../model/config';
import { MAX_INCLUSIONS } from '../model/config';
import type { Include, Span } from '../syntax/syntax';
import { CHECKS } from './check-list';
import type { Check, CheckContext, ReportedFinding } from './check';

export const includeProblems: Check = {
  name: '%include lines',
  reports: ['include-too-deep', 'include-is-directory', 'include-not-found', 'file-not-read'],
  include(event, context) {
    const { include, problem } = event;
    if (!problem) return;
    if (problem.kind === 'too-deep') {
      context.report(
        event.file,
        include.span,
        'include-too-deep',
        `Includes are nested more than 10 levels deep (does a file include itself?); PgBouncer stops here.`,
      );
    } else if (problem.kind === 'directory') {
      context.report(
        event.file,
        include.pathSpan,
        'include-is-directory',
        `${event.resolvedPath} is a directory: PgBouncer reads it as an empty file, so this includes nothing.`,
      );
    } else if (problem.kind === 'not-followed') {
      // After a too-deep include PgBouncer reads nothing more: that error says it all.
      if (problem.reason === 'too-many') {
        context.report(
          event.file,
          include.span,
          'include-too-deep',
          `More than ${MAX_INCLUSIONS} files are included (a file included twice counts twice); the linter does not follow further %include lines.`,
          { severity: 'warning' },
        );
      }
    } else if (problem.kind === 'walk') {
      context.report(
        event.file,
        include.pathSpan,
        'include-not-found',
        `Cannot read included file ${include.path}: ${describeWalk(problem.problem)}${context.runDirectoryNote(include.path)}.`,
      );
    } else if (problem.kind === 'empty-path') {
      context.report(event.file, include.span, 'include-not-found', '%include has no file name.');
    } else {
      reportUnreadInclude(event.file, include, event.resolvedPath, problem.problem, context);
    }
  },
};

/** Why open() does not reach a path that reads as a file's name once normalised. */
export function describeWalk(problem: PathWalkProblem): string {
  return problem.kind === 'missing'
    ? `${problem.at} does not exist, and the kernel resolves each part of the path in turn (a '..' after a missing directory does not cancel it)`
    : `${problem.at} is not a directory, so the kernel cannot go through it ('/', '.' or '..' after a file name)`;
}

function reportUnreadInclude(
  file: LoadedFile,
  include: Include,
  resolvedPath: string,
  problem: FileProblem,
  context: CheckContext,
): void {
  const span = include.pathSpan;
  switch (problem.kind) {
    case 'missing':
    case 'permission':
    case 'error':
      context.report(
        file,
        span,
        'include-not-found',
        `Cannot read included file ${resolvedPath}: ${describeProblem(problem)}${context.runDirectoryNote(include.path)}.`,
      );
      return;
    case 'not-regular':
      if (problem.fileKind === 'socket') {
        // PgBouncer's open() fails on a socket, as on a missing file.
        context.report(
          file,
          span,
          'include-not-found',
          `Cannot read included file ${resolvedPath}: it is a socket.`,
        );
      } else {
        const consequence =
          problem.fileKind === 'fifo'
            ? 'PgBouncer would wait at start-up until something writes to it.'
            : problem.fileKind === 'character-device' || problem.fileKind === 'block-device'
              ? 'PgBouncer reads a device until it ends: /dev/null includes nothing, but /dev/zero or /dev/urandom never end and PgBouncer does not start.'
              : 'PgBouncer would try to read it as a file.';
        context.report(
          file,
          span,
          'file-not-read',
          `${resolvedPath} is ${describeFileKind(problem.fileKind)}, not a regular file; the linter does not read it. ${consequence}`,
        );
      }
      return;
    case 'too-large':
      context.report(
        file,
        span,
        'file-not-read',
        `Included file ${resolvedPath}: ${describeProblem(problem)}.`,
      );
      return;
    case 'over-budget':
      // The engine reports the read budget once for the whole analysis.
      return;
    case 'pending':
      context.report(
        file,
        span,
        'file-not-read',
        `Included file ${resolvedPath} is still being read (the file system is slow); the findings are updated once it is read.`,
        { severity: 'information' },
      );
      return;
  }
}

/** Last in ./index.ts: it counts the errors every other check found in included files. */
export const includeSummary: Check = {
  name: 'errors in included files',
  reports: ['include-has-errors'],
  afterPass(context) {
    const errorsByInclude = new Map<
      string,
      { file: LoadedFile; span: Span; count: number; first: ReportedFinding }
    >();
    for (const finding of context.findings) {
      if (finding.origin.depth === 0 || finding.severity !== 'error') continue;
      let top = finding.origin;
      while (top.includedFrom && top.includedFrom.file.depth > 0) top = top.includedFrom.file;
      const from = top.includedFrom;
      if (!from) continue;
      const key = `${from.include.span.start}`;
      const known = errorsByInclude.get(key);
      if (known) known.count++;
      else
        errorsByInclude.set(key, { file: from.file, span: from.include.pathSpan, count: 1, first: finding });
    }
    for (const { file, span, count, first } of errorsByInclude.values()) {
      const line = first.origin.parsed.lineIndex.lineNumberAt(first.span.start);
      // The kind of problem, not its message: that quotes the included file, which is not shown.
      const kind = CHECKS.get(first.code)?.title.toLowerCase() ?? first.code;
      context.report(
        file,
        span,
        'include-has-errors',
        `The included file has ${count === 1 ? 'an error that stops' : `${count} errors that stop`} PgBouncer; the first is on ${first.file}:${line} (${kind}).`,
        { related: [{ file: first.file, span: first.span, message: first.message }] },
      );
    }
  },
};
