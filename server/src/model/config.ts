// Reads a configuration the way PgBouncer loads it: the main file, then every %include in
// place (paths relative to the directory PgBouncer runs in, at most 10 levels deep), with the
// current section carried across files. The result is the sequence of events PgBouncer sees.

import * as path from 'node:path';
import type { FileSystem } from '../files/file-system';
import type { FileProblem } from '../files/guarded-read';
import { MAX_INCLUDED_LINES } from '../files/read-budget';
import type { ReadBudget } from '../files/read-budget';
import { parse } from '../syntax/parser';
import { CachePart } from '../incremental/document-cache';
import type { DocumentCache } from '../incremental/document-cache';
import { SideTable } from '../incremental/side-table';
import { collectOnce, KeptSelections, selectOnce } from '../incremental/kept-selections';
import { parseDocument, parseIncluded } from '../syntax/document';
import type { Entry, Include, ParsedFile, SectionHeader, SyntaxError } from '../syntax/syntax';

export const MAX_INCLUDE_DEPTH = 10;
/**
 * Most files read through %include in one load (a file included twice counts twice). Files that
 * include each other several times multiply: ten files each including the next five times are
 * millions of inclusions. Beyond this the linter stops following %include.
 */
export const MAX_INCLUSIONS = 1000;

export interface LoadedFile {
  path: string;
  parsed: ParsedFile;
  /** 0 for the main file. */
  depth: number;
  /** The %include that pulled this file in; absent for the main file. */
  includedFrom?: { file: LoadedFile; include: Include };
}

export type ConfigEvent =
  | { kind: 'section'; file: LoadedFile; header: SectionHeader }
  | { kind: 'entry'; file: LoadedFile; entry: Entry; section: string | null }
  | { kind: 'error'; file: LoadedFile; error: SyntaxError }
  | {
      kind: 'include';
      file: LoadedFile;
      include: Include;
      resolvedPath: string;
      problem: IncludeProblem | null;
    };

export type IncludeProblem =
  | { kind: 'unreadable'; problem: FileProblem }
  | { kind: 'too-deep' }
  | { kind: 'empty-path' }
  /** PgBouncer reads a directory as an empty file. */
  | { kind: 'directory' }
  /** The kernel's walk of the path stops before the file (see pathWalkProblem). */
  | { kind: 'walk'; problem: PathWalkProblem }
  /**
   * Not read by the linter: PgBouncer has already stopped at an include nested too deep
   * (reason 'stopped'), more than MAX_INCLUSIONS files were included (reason 'too-many'), or the
   * analysis has read all it may (reason 'budget': an earlier include says so).
   */
  | { kind: 'not-followed'; reason: 'stopped' | 'too-many' | 'budget' };

export interface ConfigModel {
  root: LoadedFile;
  /** Every file read, the main one first; an included file appears once per inclusion. */
  files: LoadedFile[];
  events: ConfigEvent[];
  /** Directory relative paths are resolved against. */
  runDirectory: string;
  runDirectorySource: 'setting' | 'config-folder';
}

export interface LoadOptions {
  filePath: string;
  /** Directory PgBouncer runs in; defaults to the config file's folder. */
  runDirectory?: string;
  fileSystem: FileSystem;
  /** What the previous analysis of this document kept (the language server has one per document). */
  cache?: DocumentCache;
  /** Where an include left out for the analysis' budget is noted (see ReadBudget). */
  budget?: ReadBudget;
}

export function resolvePath(filePath: string, runDirectory: string): string {
  return path.isAbsolute(filePath) ? path.normalize(filePath) : path.resolve(runDirectory, filePath);
}

/**
 * Where open() stops on a path that resolvePath's lexical reading says names a file: the kernel
 * walks the path one component at a time, so what comes before a '.' or '..' must be a directory
 * (missing-dir/../x does not cancel out), and a trailing '/' needs the file itself to be one.
 */
export interface PathWalkProblem {
  /** 'missing': nothing is at `at`; 'not-directory': something is, but not a directory. */
  kind: 'missing' | 'not-directory';
  /** The path, resolved, the walk stops at. */
  at: string;
}

/**
 * How the kernel's walk of `filePath` differs from resolvePath's, or null when it does not.
 * Symbolic links are followed by stat as the kernel follows them, but a '..' after one is taken
 * lexically (the FileSystem has no readlink): the linter may then name the wrong directory.
 */
export function pathWalkProblem(
  filePath: string,
  runDirectory: string,
  fileSystem: Pick<FileSystem, 'stat'>,
): PathWalkProblem | null {
  if (!/(^|\/)\.\.?(\/|$)|\/$/.test(filePath)) return null;
  const parts = filePath.split('/');
  let walked = path.isAbsolute(filePath) ? '/' : runDirectory;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part === '') {
      // A trailing '/': what it ends in must be a directory (open() gives ENOTDIR otherwise).
      if (i === parts.length - 1 && i > 0) {
        const kind = fileSystem.stat(walked);
        if (kind !== null && kind !== 'directory') return { kind: 'not-directory', at: walked };
      }
      continue;
    }
    if (part === '.' || part === '..') {
      const kind = fileSystem.stat(walked);
      if (kind === null) return { kind: 'missing', at: walked };
      if (kind !== 'directory') return { kind: 'not-directory', at: walked };
    }
    walked = path.resolve(walked, part);
  }
  return null;
}

export type EntryEvent = Extract<ConfigEvent, { kind: 'entry' }>;

/**
 * What the model keeps of a document between analyses: the main file's LoadedFile (the same object
 * from one analysis to the next: events name their file). An entry kept from the previous parse
 * keeps its event (keptEvents) when its file and section are the same, so that its effective
 * configuration entry, and what is derived from that, can be kept too.
 */
interface ModelMemory {
  root: LoadedFile | null;
  /** What later layers select among the events (eventsWhere). */
  selections: KeptSelections<ConfigEvent>;
}

const MODEL = new CachePart<ModelMemory>('model: the main file', () => ({
  root: null,
  selections: new KeptSelections(),
}));

/** The event of an entry in the previous analysis (its file is the document's own: see ModelMemory). */
const keptEvents = new SideTable<Entry, EntryEvent>('model: the event of an entry');

function keptEvent(file: LoadedFile, entry: Entry, section: string | null): EntryEvent {
  const event = keptEvents.get(entry);
  if (event !== undefined && event.file === file && event.section === section) return event;
  const made: EntryEvent = { kind: 'entry', file, entry, section };
  keptEvents.set(entry, made);
  return made;
}

type SectionEvent = Extract<ConfigEvent, { kind: 'section' }>;

/** The event of a section header in the previous analysis (a parse keeps the headers before an edit). */
const keptSectionEvents = new WeakMap<SectionHeader, SectionEvent>();

function keptSectionEvent(file: LoadedFile, header: SectionHeader): SectionEvent {
  const event = keptSectionEvents.get(header);
  if (event !== undefined && event.file === file) return event;
  const made: SectionEvent = { kind: 'section', file, header };
  keptSectionEvents.set(header, made);
  return made;
}

/** The selections of each model's events, kept by its document (see eventsWhere). */
const selectionsOf = new WeakMap<ConfigModel, KeptSelections<ConfigEvent>>();

/**
 * The events of the model that pass `test`, in order. The test must depend on the event alone: a
 * document's next analysis has the same event objects for what its edit did not touch, and tests
 * only the others (incremental/kept-selections.ts). `key` names the test; one key, one test.
 */
export function eventsWhere(
  model: ConfigModel,
  key: string,
  test: (event: ConfigEvent) => boolean,
): readonly ConfigEvent[] {
  const selections = selectionsOf.get(model);
  return selections ? selections.select(model.events, key, test) : selectOnce(model.events, test);
}

/**
 * What `make` gives for each event of the model, in order, leaving out undefined; like eventsWhere,
 * `make` depends on the event alone and gives the same thing for the same event, which a document's
 * next analysis keeps for the events its edit did not touch.
 */
export function eventsCollect<R>(
  model: ConfigModel,
  key: string,
  make: (event: ConfigEvent) => R | undefined,
): readonly R[] {
  const selections = selectionsOf.get(model);
  return selections ? selections.collect(model.events, key, make) : collectOnce(model.events, make);
}

export function loadConfig(text: string, options: LoadOptions): ConfigModel {
  const runDirectory = options.runDirectory
    ? path.resolve(path.dirname(options.filePath), options.runDirectory)
    : path.dirname(path.resolve(options.filePath));
  const cache = options.cache;
  const memory = cache ? cache.part(MODEL) : null;
  const parsedText = cache ? parseDocument(text, cache) : parse(text);
  const parseFile = (fileText: string): ParsedFile =>
    cache ? parseIncluded(fileText, cache) : parse(fileText);
  let root: LoadedFile = { path: options.filePath, parsed: parsedText, depth: 0 };
  if (memory) {
    if (memory.root?.path === options.filePath) memory.root.parsed = parsedText;
    else memory.root = root;
    root = memory.root;
  }
  const entryEvent = (file: LoadedFile, entry: Entry, at: string | null): EntryEvent =>
    memory ? keptEvent(file, entry, at) : { kind: 'entry', file, entry, section: at };
  const files: LoadedFile[] = [root];
  const events: ConfigEvent[] = [];
  const parseCache = new Map<string, { text: string; parsed: ParsedFile }>();
  let section: string | null = null;
  let inclusions = 0;
  /** PgBouncer refuses the configuration at the first include nested too deep and reads no further. */
  let stopped = false;
  /** An include was not read for the analysis' read budget: the later ones are not tried. */
  let outOfBudget = false;
  let includedLines = 0;

  const walk = (file: LoadedFile): void => {
    for (const item of file.parsed.items) {
      switch (item.kind) {
        case 'section':
          section = item.name;
          events.push(memory ? keptSectionEvent(file, item) : { kind: 'section', file, header: item });
          break;
        case 'entry':
          events.push(entryEvent(file, item, section));
          break;
        case 'error':
          events.push({ kind: 'error', file, error: item });
          break;
        case 'include': {
          const resolvedPath = item.path === '' ? '' : resolvePath(item.path, runDirectory);
          let problem: IncludeProblem | null = null;
          let included: LoadedFile | null = null;
          if (stopped) {
            problem = { kind: 'not-followed', reason: 'stopped' };
          } else if (file.depth >= MAX_INCLUDE_DEPTH) {
            problem = { kind: 'too-deep' };
            stopped = true;
          } else if (item.path === '') {
            problem = { kind: 'empty-path' };
          } else if (inclusions >= MAX_INCLUSIONS) {
            problem = { kind: 'not-followed', reason: 'too-many' };
          } else if (outOfBudget) {
            problem = { kind: 'not-followed', reason: 'budget' };
          } else {
            let parsed: ParsedFile | undefined;
            const walkProblem = pathWalkProblem(item.path, runDirectory, options.fileSystem);
            if (walkProblem) {
              problem = { kind: 'walk', problem: walkProblem };
            } else if (options.fileSystem.stat(resolvedPath) === 'directory') {
              problem = { kind: 'directory' };
              parsed = parseCache.get('')?.parsed;
              if (!parsed) parseCache.set('', { text: '', parsed: (parsed = parse('')) });
            } else {
              // Read for every inclusion: the file system charges each to the analysis' budget.
              const read = options.fileSystem.readFile(resolvedPath);
              if ('problem' in read) {
                problem = { kind: 'unreadable', problem: read.problem };
                if (read.problem.kind === 'over-budget') outOfBudget = true;
              } else {
                const known = parseCache.get(resolvedPath);
                if (known && known.text === read.text) parsed = known.parsed;
                else
                  parseCache.set(resolvedPath, { text: read.text, parsed: (parsed = parseFile(read.text)) });
              }
            }
            if (parsed && includedLines + parsed.lineIndex.lineCount > MAX_INCLUDED_LINES) {
              const tooMuch: FileProblem = {
                kind: 'over-budget',
                limit: MAX_INCLUDED_LINES,
                unit: 'lines',
              };
              problem = { kind: 'unreadable', problem: tooMuch };
              options.budget?.noteUnread(resolvedPath, tooMuch);
              outOfBudget = true;
              parsed = undefined;
            }
            if (parsed) {
              inclusions++;
              includedLines += parsed.lineIndex.lineCount;
              included = {
                path: resolvedPath,
                parsed,
                depth: file.depth + 1,
                includedFrom: { file, include: item },
              };
            }
          }
          events.push({ kind: 'include', file, include: item, resolvedPath, problem });
          if (included) {
            files.push(included);
            walk(included);
          }
          break;
        }
        case 'comment':
          break;
      }
    }
  };
  walk(root);

  const model: ConfigModel = {
    root,
    files,
    events,
    runDirectory,
    runDirectorySource: options.runDirectory ? 'setting' : 'config-folder',
  };
  if (memory) {
    memory.selections.next(events);
    selectionsOf.set(model, memory.selections);
  }
  return model;
}
