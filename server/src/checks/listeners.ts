// Where PgBouncer listens, after the pass (pooler.c's pooler_setup): each word of listen_addr goes
// to getaddrinfo, which must resolve it; each TCP socket then gets the keepalive and user-timeout
// options, which Linux refuses outside its range (the socket is dropped with a warning); the Unix
// socket goes in unix_socket_dir. Up to 1.18 PgBouncer stops only when nothing is left ("nowhere to
// listen on"); from 1.19 it also stops when no listen_addr address could be opened, or the Unix
// socket could not be created.

import { isIPv4, isIPv6 } from 'node:net';
import { availableIn } from '../catalog/catalog';
import { readCInt } from '../catalog/values';
import { pathWalkProblem, resolvePath } from '../model/config';
import type { Located } from '../model/effective';
import type { Span } from '../syntax/syntax';
import { describeFileKind } from '../files/guarded-read';
import type { Check, CheckContext } from './check';
import { describeWalk } from './includes';
import { INLINE_COMMENT } from './main-values';
import { escalateInlineComment } from './paths';

/** Linux's bounds (net/ipv4/tcp.c); 0 leaves the option unset. */
const KEEPALIVE_LIMITS: Record<string, number> = { tcp_keepidle: 32767, tcp_keepintvl: 32767 };
const MAX_KEEPCNT = 127;
/** sizeof(sun_path) on Linux, its last byte the terminating NUL. */
const SUN_PATH_BYTES = 108;

export const listeners: Check = {
  name: 'listeners',
  reports: [
    'invalid-port',
    'nowhere-to-listen',
    'unresolvable-listen-addr',
    'socket-option-refused',
    'unix-socket-path-too-long',
    'file-not-found',
  ],
  afterPass(context) {
    const port = context.mainSettings.get('listen_port');
    const words = listenWords(context);
    if (port) {
      const reading = readCInt(port.entry.value.text);
      if (reading.ok && reading.stored < 0 && words.length > 0) {
        context.report(
          port.file,
          port.entry.value.span,
          'invalid-port',
          `listen_port ${reading.stored} is negative; PgBouncer cannot resolve the listen address with it and refuses to start.`,
        );
      }
    }
    if (context.mainHeaderCount === 0) return;
    const since119 = availableIn('1.19', context.target);
    const unresolved = reportUnresolvable(words, context);
    const socketDir = context.mainValue('unix_socket_dir');
    if (words.length === 0 && socketDir === '') {
      const at = context.mainSettings.get('unix_socket_dir') ?? context.mainSettings.get('listen_addr');
      const message =
        context.mainValue('listen_addr') === ''
          ? 'Neither listen_addr nor unix_socket_dir is set, so PgBouncer has nowhere to listen and refuses to start.'
          : 'listen_addr names no address (only commas and blanks) and unix_socket_dir is empty, so PgBouncer has nowhere to listen and refuses to start.';
      if (at) context.report(at.file, at.entry.key.span, 'nowhere-to-listen', message);
      else context.report(context.model.root, { start: 0, end: 0 }, 'nowhere-to-listen', message);
      return;
    }
    // getaddrinfo's failure stops PgBouncer before anything else is tried.
    if (unresolved) return;
    const refused = words.length > 0 ? refusedOptions(context) : [];
    const unix = unixSocket(context);
    const tcpLost = refused.length > 0;
    const unixLost = socketDir !== '' && unix.fails;
    // What PgBouncer still listens on decides, up to 1.18; from 1.19 each failure stops it.
    const nothingLeft = (tcpLost || words.length === 0) && (unixLost || socketDir === '');
    for (const option of refused) {
      const fatal = since119 || nothingLeft;
      context.report(
        option.at.file,
        option.at.entry.value.span,
        'socket-option-refused',
        `${option.reason} Linux refuses it, so PgBouncer cannot open any listen_addr socket; ` +
          (fatal
            ? since119
              ? 'from 1.19 it then refuses to start.'
              : 'with no Unix socket either, it has nowhere to listen and refuses to start.'
            : 'it starts on the Unix socket only.'),
        { severity: fatal ? 'error' : 'warning' },
      );
    }
    if (unix.at && unix.fails) {
      const fatal = since119 || nothingLeft;
      const consequence = fatal
        ? since119
          ? 'PgBouncer cannot create its Unix socket and refuses to start.'
          : 'PgBouncer cannot create its Unix socket and has nowhere else to listen, so it refuses to start.'
        : 'PgBouncer cannot create its Unix socket and listens on TCP only.';
      if (unix.comment) escalateOrWarn(context, unix.at, consequence, fatal);
      else if (unix.problem !== null)
        context.report(
          unix.at.file,
          unix.at.entry.value.span,
          'file-not-found',
          `unix_socket_dir: ${unix.problem}. ${consequence}`,
          { severity: fatal ? 'error' : 'warning' },
        );
    } else if (unix.at && unix.problem !== null) {
      // Not this machine: the directory may exist where PgBouncer runs.
      context.report(
        unix.at.file,
        unix.at.entry.value.span,
        'file-not-found',
        `unix_socket_dir: ${unix.problem}.`,
      );
    }
    if (unix.at && !unix.fails) checkSocketPathLength(unix.at, socketDir, context);
  },
};

interface Word {
  text: string;
  span: Span;
}

/** listen_addr's words as parse_word_list splits them (on commas, blanks trimmed), empty ones left out. */
function listenWords(context: CheckContext): Word[] {
  const value = context.mainValue('listen_addr');
  const at = context.mainSettings.get('listen_addr');
  const base = at && at.entry.value.text === value ? at.entry.value.span.start : null;
  const words: Word[] = [];
  let offset = 0;
  for (const raw of value.split(',')) {
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text !== '') {
      const start = base === null ? 0 : base + offset + lead;
      words.push({ text, span: base === null ? { start: 0, end: 0 } : { start, end: start + text.length } });
    }
    offset += raw.length + 1;
  }
  return words;
}

/**
 * Whether getaddrinfo certainly fails on the word: an IP literal or '*' resolves; a name made of the
 * characters host names have may be in DNS or /etc/hosts; anything else (blanks, ';', ':' outside
 * IPv6, brackets, '/') names no host.
 */
export function unresolvableAddress(word: string): boolean {
  if (word === '*' || isIPv4(word)) return false;
  if (word.includes(':')) return !isIPv6(word.replace(/%[^%]+$/, ''));
  return !/^[A-Za-z0-9._-]+$/.test(word) && !word.includes('%');
}

function reportUnresolvable(words: Word[], context: CheckContext): boolean {
  const at = context.mainSettings.get('listen_addr');
  let found = false;
  for (const word of words) {
    if (!unresolvableAddress(word.text)) continue;
    found = true;
    if (!at) continue;
    if (INLINE_COMMENT.test(word.text)) {
      escalateInlineComment(
        context,
        at,
        'getaddrinfo cannot resolve that address, so PgBouncer refuses to start.',
      );
      continue;
    }
    const hint = /[ \t;]/.test(word.text)
      ? ' listen_addr is a comma-separated list.'
      : word.text.startsWith('[') || /^[^:]*:\d+$/.test(word.text)
        ? ' listen_addr takes bare addresses; the port is listen_port.'
        : word.text.includes('/')
          ? ' listen_addr takes addresses to bind, not networks.'
          : '';
    context.report(
      at.file,
      word.span.start === word.span.end ? at.entry.value.span : word.span,
      'unresolvable-listen-addr',
      `getaddrinfo cannot resolve '${word.text}' as an address to listen on, so PgBouncer refuses to start.${hint}`,
    );
  }
  return found;
}

/** The socket options tune_socket sets on every TCP listener that Linux refuses. */
function refusedOptions(context: CheckContext): { at: Located; reason: string }[] {
  const refused: { at: Located; reason: string }[] = [];
  const stored = (name: string): { at: Located; value: number } | null => {
    const at = context.mainSettings.get(name);
    if (!at) return null;
    const reading = readCInt(at.entry.value.text);
    return reading.ok ? { at, value: reading.stored } : null;
  };
  const keepalive = stored('tcp_keepalive');
  if (!keepalive || keepalive.value !== 0) {
    for (const [name, max] of Object.entries(KEEPALIVE_LIMITS)) {
      const option = stored(name);
      if (option && option.value !== 0 && (option.value < 1 || option.value > max))
        refused.push({ at: option.at, reason: `${name} = ${option.value} is outside 1..${max} seconds:` });
    }
    // libusual sets TCP_KEEPCNT only when it is positive.
    const count = stored('tcp_keepcnt');
    if (count && count.value > MAX_KEEPCNT)
      refused.push({
        at: count.at,
        reason: `tcp_keepcnt = ${count.value} is more than ${MAX_KEEPCNT} probes:`,
      });
  }
  const timeout = stored('tcp_user_timeout');
  if (timeout && timeout.value < 0)
    refused.push({ at: timeout.at, reason: `tcp_user_timeout = ${timeout.value} is negative:` });
  return refused;
}

interface UnixSocket {
  /** The unix_socket_dir line, when one is written. */
  at: Located | null;
  /** Certainly cannot be created: the value holds a comment, or (deployedHere) no such directory here. */
  fails: boolean;
  comment: boolean;
  /** What is wrong with the directory on this machine, or null. */
  problem: string | null;
}

function unixSocket(context: CheckContext): UnixSocket {
  const at = context.mainSettings.get('unix_socket_dir') ?? null;
  const none: UnixSocket = { at, fails: false, comment: false, problem: null };
  if (!at) return none;
  const value = at.entry.value.text;
  // '@name' is an abstract socket (Linux): no directory is involved.
  if (value === '' || value.startsWith('@')) return none;
  if (INLINE_COMMENT.test(value)) return { at, fails: true, comment: true, problem: null };
  const runDirectory = context.model.runDirectory;
  const walk = pathWalkProblem(value, runDirectory, context.fileSystem);
  const resolved = resolvePath(value, runDirectory);
  const found = walk ? null : context.fileSystem.stat(resolved);
  const problem = walk
    ? `${value} cannot be reached: ${describeWalk(walk)}`
    : found === null
      ? `${resolved} does not exist on this machine${context.runDirectoryNote(value)}`
      : found !== 'directory'
        ? `${resolved} is ${describeFileKind(found)}, not a directory`
        : null;
  return { at, fails: problem !== null && context.deployedHere, comment: false, problem };
}

function escalateOrWarn(context: CheckContext, at: Located, consequence: string, fatal: boolean): void {
  if (fatal) escalateInlineComment(context, at, `No directory has that name: ${consequence}`);
}

/** PgBouncer cuts the socket's path to fit sun_path: the socket is then made under another name. */
function checkSocketPathLength(at: Located, dir: string, context: CheckContext): void {
  const port = readCInt(context.mainValue('listen_port'));
  const socketPath = `${dir}/.s.PGSQL.${port.ok ? port.stored : context.mainValue('listen_port')}`;
  const bytes = Buffer.byteLength(socketPath);
  if (bytes < SUN_PATH_BYTES) return;
  context.report(
    at.file,
    at.entry.value.span,
    'unix-socket-path-too-long',
    `The socket path ${socketPath} is ${bytes} bytes; a Unix socket path holds at most ${SUN_PATH_BYTES - 1}. PgBouncer cuts it and creates the socket as '${Buffer.from(
      socketPath,
    )
      .subarray(0, SUN_PATH_BYTES - 1)
      .toString()}', where clients do not look for it.`,
  );
}
