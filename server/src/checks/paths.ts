// [pgbouncer] settings that name a file or a directory on this machine, which PgBouncer opens:
// judged after the pass, on the values in force (an earlier line that a later one overrides is
// never opened). unix_socket_dir is the listeners' (./listeners.ts).
//
// A file that is missing here is a warning: the configuration may be edited away from the machine
// PgBouncer runs on. With deployedHere it is that machine, and a file PgBouncer needs and cannot
// open is an error where PgBouncer refuses to start. An inline comment that PgBouncer takes as part
// of a path is reported once, by main-values.ts; where it makes PgBouncer refuse on any machine,
// that finding becomes an error here.

import { describeFileKind } from '../files/guarded-read';
import type { FileKind } from '../files/guarded-read';
import { setting } from '../catalog/catalog';
import type { Setting } from '../catalog/catalog';
import { pathWalkProblem, resolvePath } from '../model/config';
import type { Located } from '../model/effective';
import type { Check, CheckContext } from './check';
import { describeWalk } from './includes';
import { INLINE_COMMENT, isReserved } from './main-values';

export const settingPaths: Check = {
  name: '[pgbouncer] paths',
  reports: ['file-not-found', 'pidfile-unusable'],
  afterPass(context) {
    for (const [name, at] of context.mainSettings) {
      if (name === 'unix_socket_dir') continue;
      const known = setting('pgbouncer', name);
      const value = at.entry.value.text;
      // A reserved value is refused already (main-values.ts): where it points does not matter.
      if (!known || known.type !== 'path' || value === '' || isReserved(known, value, context)) continue;
      const kind = known.pathKind ?? 'input-file';
      if (kind === 'input-file') checkInputFile(at, known, context);
      else if (kind === 'output-file') checkOutputFile(at, known, context);
    }
  },
};

/** The input files PgBouncer refuses to start without, given the rest of the configuration. */
function neededAtStart(name: string, context: CheckContext): boolean {
  // Client TLS is set up at start-up; server TLS files are read when a server connection is made.
  if (name === 'client_tls_key_file' || name === 'client_tls_cert_file')
    return context.mainValue('client_tls_sslmode') !== 'disable';
  return false;
}

/** Where the kernel stops on the path, or what is at its end (null: nothing). */
function lookUp(
  value: string,
  context: CheckContext,
): { resolved: string; walk: string | null; found: FileKind | null } {
  const resolved = resolvePath(value, context.model.runDirectory);
  const walk = pathWalkProblem(value, context.model.runDirectory, context.fileSystem);
  if (walk) return { resolved, walk: describeWalk(walk), found: null };
  return { resolved, walk: null, found: context.fileSystem.stat(resolved) };
}

function checkInputFile(at: Located, known: Setting, context: CheckContext): void {
  const value = at.entry.value.text;
  const needed = neededAtStart(known.name, context);
  if (INLINE_COMMENT.test(value)) {
    // No file is named like that: PgBouncer cannot open it anywhere.
    if (needed) escalateInlineComment(context, at, `PgBouncer cannot open that file and refuses to start.`);
    return;
  }
  const { resolved, walk, found } = lookUp(value, context);
  if (!walk && found === 'file') return;
  const consequence = needed
    ? context.deployedHere
      ? ' PgBouncer needs it at start-up and refuses to start without it.'
      : ' PgBouncer needs it at start-up: where it is missing, PgBouncer refuses to start.'
    : known.name === 'auth_file' || known.name === 'auth_hba_file'
      ? ' PgBouncer logs an error and starts without it.'
      : '';
  context.report(
    at.file,
    at.entry.value.span,
    'file-not-found',
    walk
      ? `${known.name}: ${value} cannot be opened: ${walk}.${consequence}`
      : found === null
        ? `${known.name}: ${resolved} does not exist on this machine${context.runDirectoryNote(value)}.${consequence}`
        : `${known.name}: ${resolved} is ${describeFileKind(found)}, not ${describeFileKind('file')}.${consequence}`,
    { severity: needed && context.deployedHere ? 'error' : 'warning' },
  );
}

/** pidfile and logfile: PgBouncer creates or appends to them, and stops when it cannot. */
function checkOutputFile(at: Located, known: Setting, context: CheckContext): void {
  const value = at.entry.value.text;
  const comment = value.search(INLINE_COMMENT);
  if (comment >= 0 && value.slice(comment).includes('/')) {
    // The comment holds a '/': PgBouncer looks for a directory named after part of it.
    escalateInlineComment(
      context,
      at,
      `Its '/' makes PgBouncer look for a directory that has that name, so it cannot create the ${known.name} and refuses to start.`,
    );
    return;
  }
  const severity = context.deployedHere ? 'error' : 'warning';
  const stops = context.deployedHere
    ? ' PgBouncer cannot create it and refuses to start.'
    : ' Where PgBouncer runs, it must be able to create it, or it refuses to start.';
  const { resolved, walk, found } = lookUp(value, context);
  if (walk) {
    context.report(
      at.file,
      at.entry.value.span,
      'file-not-found',
      `${known.name}: ${value} cannot be created: ${walk}.${stops}`,
      { severity },
    );
    return;
  }
  const dir = resolved.replace(/\/[^/]*$/, '') || '/';
  if (found === null && context.fileSystem.stat(dir) !== 'directory') {
    context.report(
      at.file,
      at.entry.value.span,
      'file-not-found',
      `The directory for ${known.name} does not exist here: ${dir}${context.runDirectoryNote(value)}.${stops}`,
      { severity },
    );
    return;
  }
  if (found !== null && found !== 'file') {
    context.report(
      at.file,
      at.entry.value.span,
      'file-not-found',
      `${known.name}: ${resolved} is ${describeFileKind(found)}, not a file PgBouncer can write; it refuses to start.`,
      { severity },
    );
    return;
  }
  if (found === 'file' && known.name === 'pidfile' && context.deployedHere)
    checkPidfile(at, resolved, context);
}

/**
 * An existing pidfile on the machine PgBouncer runs on: it reads the process id there before it
 * starts. No id (empty, text, 0) stops it; a live process stops it too, which is the normal state
 * of a running PgBouncer and not the configuration's fault, so it is left alone; a stale id is
 * removed.
 */
function checkPidfile(at: Located, resolved: string, context: CheckContext): void {
  const read = context.fileSystem.readFile(resolved, 128);
  if ('problem' in read) return;
  // atol: blanks, a sign, digits; anything else ends the number.
  const pid = Number(/^[ \t\n\v\f\r]*([+-]?\d*)/.exec(read.text)?.[1] || '0');
  if (read.text.length > 0 && pid > 0) return;
  context.report(
    at.file,
    at.entry.value.span,
    'pidfile-unusable',
    read.text.length === 0
      ? `pidfile ${resolved} exists and is empty: PgBouncer cannot read a process id from it and refuses to start. Remove the file.`
      : `pidfile ${resolved} holds no process id: PgBouncer takes it for another instance's and refuses to start. Remove the file.`,
  );
}

/**
 * Makes the inline-comment finding main-values.ts reported at this entry an error: the comment is
 * part of a path PgBouncer cannot use, wherever it runs.
 */
export function escalateInlineComment(context: CheckContext, at: Located, why: string): void {
  const { start, end } = at.entry.value.span;
  const finding = context.findings.find(
    (f) => f.code === 'inline-comment' && f.origin === at.file && f.span.start >= start && f.span.end <= end,
  );
  if (!finding) return;
  finding.severity = 'error';
  finding.message = `${finding.message} ${why}`;
}
