// What PgBouncer would read from a pgbouncer.ini on RELOAD, for the client's RELOAD preview: the
// errors it would stop at, the [pgbouncer] settings and [databases] entries in force, and what it
// would have applied when it stops at the first error. The preview compares these with the running
// PgBouncer's SHOW CONFIG and SHOW DATABASES (client/src/pools/model/reload-preview.ts).

import { lintText } from '../analysis/engine';
import type { LintResult } from '../analysis/engine';
import { resolveTargetVersion } from '../catalog/catalog';
import { CHECKS } from '../checks/check-list';
import type { LoadedFile } from '../model/config';
import type { FileSystem } from '../files/file-system';
import { effectiveConfig } from '../model/effective';

/** A PgBouncer error in the file or in one it includes; `line` is 1-based. */
export interface FileError {
  message: string;
  line: number;
  path: string;
}

/** A [pgbouncer] setting as the file sets it: its value and the (1-based) line of its key. */
export interface FileSetting {
  value: string;
  line: number;
  path: string;
}

/** A [databases] entry in force: the (1-based) line of its name, and its parameters, the last one winning. */
export interface FileDatabase {
  line: number;
  param(name: string): string | undefined;
}

export interface ReloadFacts {
  /** PgBouncer's errors (not the audit rules'), in the order the engine reports them. */
  errors: FileError[];
  /** The [pgbouncer] settings the file sets and that are in force, by name. */
  settings: ReadonlyMap<string, FileSetting>;
  /** The [databases] entries in force by name, '*' included, in the order of their first definition. */
  databases: ReadonlyMap<string, FileDatabase>;
  /**
   * With errors: where PgBouncer stops reading (the first error in load order), and the values of the
   * [pgbouncer] settings it has applied by then; every other setting keeps its default.
   */
  stop: { at: FileError; settings: ReadonlyMap<string, string> } | null;
}

export interface ReloadFactsOptions {
  filePath: string;
  /** SHOW VERSION's text: the file is checked against that release when the catalog knows it. */
  runningVersion: string;
  /** Directory PgBouncer runs in (relative paths, %include); default the file's folder. */
  runDirectory?: string;
  /** Where included files are read from; default the machine's (read synchronously). */
  fileSystem?: FileSystem;
}

/** The release of "PgBouncer 1.18.0", as a target version label the catalog knows. */
export function versionOf(text: string): string | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  const full = match[0];
  const minor = `${match[1]}.${match[2]}`;
  if (resolveTargetVersion(full)) return full;
  if (resolveTargetVersion(minor)) return minor;
  return undefined;
}

function lineOf(file: LoadedFile, offset: number): number {
  return file.parsed.lineIndex.lineNumberAt(offset);
}

export function reloadFacts(text: string, options: ReloadFactsOptions): ReloadFacts {
  const lint = lintText(text, {
    filePath: options.filePath,
    targetVersion: versionOf(options.runningVersion),
    runDirectory: options.runDirectory,
    // PgBouncer knows nothing of .pgbouncerlintrc.json: the preview follows its reading alone.
    useProjectFile: false,
    fileSystem: options.fileSystem,
  });
  const { model, effective } = lint;
  const files = new Map(model.files.map((file) => [file.path, file]));
  const errorFindings = lint.findings.filter(
    (finding) => finding.severity === 'error' && CHECKS.has(finding.code),
  );
  const errors = errorFindings.map((finding) => {
    const file = files.get(finding.file) ?? model.root;
    return { message: finding.message, line: lineOf(file, finding.span.start), path: file.path };
  });

  const settings = new Map<string, FileSetting>();
  for (const [key, at] of effective.main) {
    settings.set(key, {
      value: at.entry.value.text,
      line: lineOf(at.file, at.entry.key.span.start),
      path: at.file.path,
    });
  }
  const databases = new Map<string, FileDatabase>();
  for (const [name, entry] of effective.databases) {
    databases.set(name, {
      line: lineOf(entry.at.file, entry.at.entry.key.span.start),
      param: (key) => entry.params.get(key)?.value,
    });
  }

  let stop: ReloadFacts['stop'] = null;
  const first = firstErrorEvent(model, errorFindings);
  if (first) {
    const truncated = effectiveConfig({ ...model, events: model.events.slice(0, first.index) }, lint.target);
    stop = {
      at: { message: first.message, line: lineOf(first.file, first.offset), path: first.file.path },
      settings: new Map([...truncated.main].map(([key, at]) => [key, at.entry.value.text])),
    };
  }
  return { errors, settings, databases, stop };
}

/** Where PgBouncer stops reading: the load event holding the first error (in load order). */
function firstErrorEvent(
  model: LintResult['model'],
  errors: LintResult['findings'],
): { index: number; file: LoadedFile; offset: number; message: string } | null {
  let best: { index: number; file: LoadedFile; offset: number; message: string } | null = null;
  for (const finding of errors) {
    const index = model.events.findIndex((event) => {
      if (event.file.path !== finding.file) return false;
      const span =
        event.kind === 'entry'
          ? event.entry.span
          : event.kind === 'error'
            ? event.error.lineSpan
            : event.kind === 'section'
              ? event.header.span
              : event.include.span;
      return finding.span.start >= span.start && finding.span.start <= Math.max(span.end, span.start);
    });
    if (index >= 0 && (!best || index < best.index)) {
      best = { index, file: model.events[index].file, offset: finding.span.start, message: finding.message };
    }
  }
  return best;
}
