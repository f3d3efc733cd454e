// The pgbouncer.ini and userlist.txt that the edoburu/pgbouncer image writes from its environment.
//
// Read from github:edoburu/docker-pgbouncer, entrypoint.sh (blob 7e6ae1a, commit 91a581b, 2026-06;
// and, for older images, the entrypoint.sh of tags v1.24.1-p1 (a30c859), v1.24.0-p0 (4ceca7a),
// v1.23.1-p1 (e447c0f) and of commits 6591cb9 (3e744e3) and 97267c1 (f06320a)). Dockerfile: the
// image ships an empty /etc/pgbouncer/userlist.txt, EXPOSEs 5432 and runs
// `pgbouncer /etc/pgbouncer/pgbouncer.ini`.
//
// What the script does, in our words:
// - userlist first, always (even when a pgbouncer.ini is mounted): DATABASE_URL (or each of the
//   comma-separated DATABASE_URLS) is cut into DB_USER, DB_PASSWORD, DB_HOST, DB_PORT, DB_NAME with
//   grep/sed/cut; when user and password are both there and the user is not yet in the file, the
//   line `"user" "secret"` is appended, the secret being the password itself for AUTH_TYPE plain or
//   scram-sha-256 and "md5" + md5(password + user) otherwise;
// - then, only when /etc/pgbouncer/pgbouncer.ini is not a file (`[ ! -f … ]`), one printf writes the
//   whole ini: a fixed skeleton where `${X:-default}` fills a few lines and every `${X:+key = X\n}`
//   adds a line only when X is set and not empty. The environment's values are part of printf's
//   format string, so `%` and `\` sequences in them are interpreted.

import { createHash } from 'node:crypto';
import type { EnvVar } from '../types';
import { Environment, assemble, portOf } from './common';
import type { GeneratedConfig, GeneratedFile, Piece, StartupError } from './common';

export const EDOBURU_INI = '/etc/pgbouncer/pgbouncer.ini';
const CONFIG_DIR = '/etc/pgbouncer';
const DEFAULT_AUTH_FILE = '/etc/pgbouncer/userlist.txt';

/** The entrypoints that differ in what they write, newest first. */
interface Era {
  /** The upstream blob and where it was read. */
  modelledOn: string;
  /** PgBouncer releases of images built with it: from this one up to the next era's. */
  from: string;
  /** DATABASE_URLS (comma-separated) and the per-URL functions (blob a30c859 on). */
  multiUrl: boolean;
  /** LOGFILE, and an extra empty line after the log settings (blob 7e6ae1a). */
  logfile: boolean;
  /** AUTH_DBNAME (blob 4ceca7a on). */
  authDbname: boolean;
  /** MAX_PREPARED_STATEMENTS (blob 52dd03e on). */
  maxPrepared: boolean;
  /** The database line's user option: `auth_user=` from blob 3e744e3 (#56), `user=` before. */
  dbUserKey: 'auth_user' | 'user';
}

const ERAS: readonly Era[] = [
  {
    modelledOn: 'edoburu/docker-pgbouncer entrypoint.sh at 91a581b (blob 7e6ae1a)',
    from: '1.25.0',
    multiUrl: true,
    logfile: true,
    authDbname: true,
    maxPrepared: true,
    dbUserKey: 'auth_user',
  },
  {
    modelledOn: 'edoburu/docker-pgbouncer entrypoint.sh at v1.24.1-p1 (blob a30c859)',
    from: '1.24.1',
    multiUrl: true,
    logfile: false,
    authDbname: true,
    maxPrepared: true,
    dbUserKey: 'auth_user',
  },
  {
    modelledOn: 'edoburu/docker-pgbouncer entrypoint.sh at v1.24.0-p0 (blob 4ceca7a)',
    from: '1.23.1',
    multiUrl: false,
    logfile: false,
    authDbname: true,
    maxPrepared: true,
    dbUserKey: 'auth_user',
  },
  {
    modelledOn: 'edoburu/docker-pgbouncer entrypoint.sh at 6591cb9 (blob 3e744e3)',
    from: '1.21.0',
    multiUrl: false,
    logfile: false,
    authDbname: false,
    maxPrepared: true,
    dbUserKey: 'auth_user',
  },
  {
    modelledOn: 'edoburu/docker-pgbouncer entrypoint.sh at 97267c1 (blob f06320a)',
    from: '0',
    multiUrl: false,
    logfile: false,
    authDbname: false,
    maxPrepared: false,
    dbUserKey: 'user',
  },
];

function compareReleases(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function edoburuEra(release: string | undefined, notes: string[]): Era {
  if (release === undefined || !/^\d+\.\d+(\.\d+)?$/.test(release)) return ERAS[0];
  const era = ERAS.find((candidate) => compareReleases(release, candidate.from) >= 0) ?? ERAS[0];
  if (compareReleases(release, '1.19.0') < 0) {
    notes.push(
      `Images of PgBouncer ${release} are modelled with the entrypoint of the 1.19/1.20 images; older entrypoints differ in details (POOL_SIZE, TIMEZONE, UNIX_SOCKET_DIR, scram-sha-256 passwords).`,
    );
  }
  if (release === '1.23.1') {
    notes.push('AUTH_DBNAME is written from the v1.23.1-p2 image on; v1.23.1-p0/p1 ignore it.');
  }
  return era;
}

// ---------------------------------------------------------------------------------------------
// The shell's part

/** `echo $X` unquoted: the words of X joined by single spaces (globs are assumed to match nothing). */
function echoUnquoted(text: string): string {
  return text
    .split(/[ \t\n]+/)
    .filter((word) => word !== '')
    .join(' ');
}

/** `cut -d C -f N` of one line (1-based N; the whole line when it has no delimiter). */
function cutField(text: string, delimiter: string, field: number): string {
  if (!text.includes(delimiter)) return text;
  return text.split(delimiter)[field - 1] ?? '';
}

/**
 * What printf makes of a format string with no arguments: escapes and `%` conversions are
 * interpreted (bash and busybox agree on these). Adds a note when the value changed.
 */
export function printfFormat(text: string): { text: string; changed: boolean } {
  if (!/[%\\]/.test(text)) return { text, changed: false };
  const escapes: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    a: '\x07',
    b: '\b',
    f: '\f',
    v: '\v',
    '\\': '\\',
    '"': '"',
  };
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      const next = text[i + 1];
      const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1));
      if (octal) {
        out += String.fromCharCode(parseInt(octal[0], 8) & 0xff);
        i += octal[0].length;
      } else if (next in escapes) {
        out += escapes[next];
        i++;
      } else out += c;
    } else if (c === '%') {
      const spec = /^%([-+ #0]*)(\d*)(?:\.(\d*))?([diouxXcsb%])/.exec(text.slice(i));
      if (!spec) {
        out += c;
        continue;
      }
      const [whole, flags, width, , conversion] = spec;
      const body = conversion === '%' ? '%' : 'csb'.includes(conversion) ? '' : '0';
      const w = Number(width || '0');
      out += flags.includes('-')
        ? body.padEnd(w)
        : body.padStart(w, flags.includes('0') && body === '0' ? '0' : ' ');
      i += whole.length - 1;
    } else out += c;
  }
  return { text: out, changed: out !== text };
}

interface Value {
  text: string;
  source?: EnvVar;
}

interface UrlState {
  user: Value;
  password: Value;
  host: Value;
  port: Value;
  name: Value;
}

/** Characters that make the entrypoint's `sed s,X,,g` (X a regex built from the URL) go wrong. */
const SED_UNSAFE = /[,\\[\]*^$.]/;

/**
 * The entrypoint's parse_url: the same cuts, in the same order, with their quirks (the database
 * keeps any `?query`, a password stops at its first `:`, DB_PORT is kept when the URL has none).
 * Returns false when the script would stop (its sed fails on a URL without `://`).
 */
function parseUrl(
  raw: string,
  source: EnvVar,
  state: UrlState,
  notes: string[],
  errors: StartupError[],
): boolean {
  const input = echoUnquoted(raw);
  const schemeEnd = input.lastIndexOf('://');
  const proto = schemeEnd >= 0 ? input.slice(0, schemeEnd + 3) : '';
  if (proto === '') {
    errors.push({
      message: `${source.name} has no scheme such as postgres://: the entrypoint's sed fails on it and the container stops.`,
      cause: source,
    });
    return false;
  }
  if (SED_UNSAFE.test(proto))
    notes.push(`The scheme of ${source.name} holds characters sed reads as a pattern: modelled literally.`);
  const url = input.split(proto).join('');
  const at = url.lastIndexOf('@');
  const userpass = at >= 0 ? url.slice(0, at) : '';
  const password = userpass.includes(':') ? cutField(userpass, ':', 2) : '';
  const user = password !== '' ? cutField(userpass, ':', 1) : userpass;
  if (userpass.includes(':') && userpass.split(':').length > 2) {
    notes.push(`The password in ${source.name} holds ':': the entrypoint keeps only the part before it.`);
  }
  if (SED_UNSAFE.test(userpass) || /\s/.test(userpass)) {
    notes.push(
      `The user or password in ${source.name} holds characters the entrypoint's sed reads as a pattern: the host is modelled as if they were plain.`,
    );
  }
  const hostport = cutField(url.split(`${userpass}@`).join(''), '/', 1);
  const port = hostport.includes(':') ? cutField(hostport, ':', 2) : '';
  const host = port !== '' ? cutField(hostport, ':', 1) : hostport;
  const name = url.includes('/') ? url.slice(url.indexOf('/') + 1) : '';
  state.user = { text: user, source };
  state.password = { text: password, source };
  state.host = { text: host, source };
  if (port !== '') state.port = { text: port, source };
  state.name = { text: name, source };
  return true;
}

function fromEnv(env: Environment, name: string): Value {
  const variable = env.set(name);
  return variable ? { text: variable.value.text, source: variable } : { text: '' };
}

/** DATABASE_URLS split as `echo … | tr , '\n' | while read url` does (read trims, drops `\`). */
function urlsOf(text: string): string[] {
  const lines = `${text}\n`.replace(/,/g, '\n').split('\n');
  lines.pop();
  return lines.map((line) => line.replace(/\\(.)/g, '$1').replace(/\\$/, '').trim());
}

// ---------------------------------------------------------------------------------------------
// The userlist

function md5Secret(password: string, user: string): string {
  return `md5${createHash('md5').update(`${password}${user}`, 'utf8').digest('hex')}`;
}

function userlistOf(
  env: Environment,
  era: Era,
  mounted: (path: string) => boolean,
  notes: string[],
): GeneratedFile | undefined {
  const authFile = env.text('AUTH_FILE') || DEFAULT_AUTH_FILE;
  // Before a30c859 the line goes to /etc/pgbouncer/userlist.txt whatever AUTH_FILE says.
  const written = era.multiUrl ? authFile : DEFAULT_AUTH_FILE;
  if (mounted(authFile) || mounted(written)) {
    notes.push(
      `${written} is mounted: the entrypoint appends credentials to it only for users it does not list, and a read-only mount makes it stop.`,
    );
    return undefined;
  }
  if (written !== authFile) {
    notes.push(
      `AUTH_FILE is set, but this image writes the generated credentials to ${DEFAULT_AUTH_FILE}, not to the auth_file it configures.`,
    );
  }
  const pieces: Piece[] = [];
  const users = new Set<string>();
  const authType = env.text('AUTH_TYPE');
  const add = (state: UrlState): void => {
    if (state.user.text === '' || state.password.text === '' || users.has(state.user.text)) return;
    users.add(state.user.text);
    const plain = authType === 'plain' || authType === 'scram-sha-256';
    const secret = plain ? state.password.text : md5Secret(state.password.text, state.user.text);
    pieces.push({ text: '"' }, { text: state.user.text, source: state.user.source });
    pieces.push({ text: '" "' }, { text: secret, source: state.password.source }, { text: '"\n' });
  };
  const state = initialState(env);
  const urls = env.nonEmpty('DATABASE_URLS');
  const url = env.nonEmpty('DATABASE_URL');
  // A URL the script cannot parse stops it here already; the ini's own parse of it reports that.
  const ignored: StartupError[] = [];
  if (era.multiUrl && urls) {
    for (const one of urlsOf(urls.value.text)) {
      if (!parseUrl(one, urls, state, [], ignored)) break;
      add(state);
    }
  } else if (!url || parseUrl(url.value.text, url, state, [], ignored)) add(state);
  return { path: written, ...assemble(pieces) };
}

function initialState(env: Environment): UrlState {
  return {
    user: fromEnv(env, 'DB_USER'),
    password: fromEnv(env, 'DB_PASSWORD'),
    host: fromEnv(env, 'DB_HOST'),
    port: fromEnv(env, 'DB_PORT'),
    name: fromEnv(env, 'DB_NAME'),
  };
}

// ---------------------------------------------------------------------------------------------
// The ini

/** The optional lines, in the order the printf writes them; each is `key = $VAR`. */
const MAIN_OPTIONAL_1 = [
  'AUTH_USER',
  'AUTH_QUERY',
  'AUTH_DBNAME',
  'POOL_MODE',
  'MAX_CLIENT_CONN',
  'POOL_SIZE',
];
const MAIN_OPTIONAL_2 = [
  'DEFAULT_POOL_SIZE',
  'MIN_POOL_SIZE',
  'RESERVE_POOL_SIZE',
  'RESERVE_POOL_TIMEOUT',
  'MAX_DB_CONNECTIONS',
  'MAX_USER_CONNECTIONS',
  'SERVER_ROUND_ROBIN',
];
const AFTER_IGNORE = ['DISABLE_PQEXEC', 'APPLICATION_NAME_ADD_HOST', 'TIMEZONE', 'MAX_PREPARED_STATEMENTS'];
const LOG_SETTINGS = [
  'LOG_CONNECTIONS',
  'LOG_DISCONNECTIONS',
  'LOG_POOLER_ERRORS',
  'LOG_STATS',
  'STATS_PERIOD',
  'VERBOSE',
];
const SANITY = [
  'SERVER_RESET_QUERY',
  'SERVER_RESET_QUERY_ALWAYS',
  'SERVER_CHECK_DELAY',
  'SERVER_CHECK_QUERY',
  'SERVER_LIFETIME',
  'SERVER_IDLE_TIMEOUT',
  'SERVER_CONNECT_TIMEOUT',
  'SERVER_LOGIN_RETRY',
  'CLIENT_LOGIN_TIMEOUT',
  'AUTODB_IDLE_TIMEOUT',
  'DNS_MAX_TTL',
  'DNS_NXDOMAIN_TTL',
];
const TLS = [
  'CLIENT_TLS_SSLMODE',
  'CLIENT_TLS_KEY_FILE',
  'CLIENT_TLS_CERT_FILE',
  'CLIENT_TLS_CA_FILE',
  'CLIENT_TLS_PROTOCOLS',
  'CLIENT_TLS_CIPHERS',
  'CLIENT_TLS_ECDHCURVE',
  'CLIENT_TLS_DHEPARAMS',
  'SERVER_TLS_SSLMODE',
  'SERVER_TLS_CA_FILE',
  'SERVER_TLS_KEY_FILE',
  'SERVER_TLS_CERT_FILE',
  'SERVER_TLS_PROTOCOLS',
  'SERVER_TLS_CIPHERS',
];
const DANGEROUS = [
  'QUERY_TIMEOUT',
  'QUERY_WAIT_TIMEOUT',
  'CLIENT_IDLE_TIMEOUT',
  'IDLE_TRANSACTION_TIMEOUT',
  'PKT_BUF',
  'MAX_PACKET_SIZE',
  'LISTEN_BACKLOG',
  'SBUF_LOOPCNT',
  'SUSPEND_TIMEOUT',
  'TCP_DEFER_ACCEPT',
  'TCP_KEEPALIVE',
  'TCP_KEEPCNT',
  'TCP_KEEPIDLE',
  'TCP_KEEPINTVL',
  'TCP_USER_TIMEOUT',
];

class IniWriter {
  readonly pieces: Piece[] = [];
  private readonly noted = new Set<string>();

  constructor(
    private readonly env: Environment,
    private readonly notes: string[],
  ) {}

  literal(text: string): void {
    this.pieces.push({ text });
  }

  /** A value from the environment, as printf prints it. */
  value(value: Value, what: string): void {
    const printed = printfFormat(value.text);
    if (printed.changed && !this.noted.has(what)) {
      this.noted.add(what);
      this.notes.push(`${what} holds % or \\ : the entrypoint's printf interprets them (modelled).`);
    }
    this.pieces.push({ text: printed.text, source: value.source });
  }

  /** `${NAME:-fallback}` */
  orDefault(name: string, fallback: string): void {
    const variable = this.env.nonEmpty(name);
    if (variable) this.value({ text: variable.value.text, source: variable }, name);
    else this.literal(fallback);
  }

  /** `${NAME:+key = ${NAME}\n}` */
  optional(name: string, key = name.toLowerCase()): void {
    const variable = this.env.nonEmpty(name);
    if (!variable) return;
    this.literal(`${key} = `);
    this.value({ text: variable.value.text, source: variable }, name);
    this.literal('\n');
  }
}

function databaseLine(
  w: IniWriter,
  env: Environment,
  era: Era,
  state: UrlState,
  errors: StartupError[],
): boolean {
  if (state.host.text === '') {
    errors.push({
      message:
        'DB_HOST is not set (nor a host in DATABASE_URL): the entrypoint stops with "You must set DB_HOST env".',
    });
    return false;
  }
  const orDefault = (value: Value, fallback: string, what: string): void => {
    if (value.text !== '') w.value(value, what);
    else w.literal(fallback);
  };
  orDefault(state.name, '*', 'DB_NAME');
  w.literal(' = host=');
  w.value(state.host, 'DB_HOST');
  w.literal(' port=');
  orDefault(state.port, '5432', 'DB_PORT');
  w.literal(` ${era.dbUserKey}=`);
  orDefault(state.user, 'postgres', 'DB_USER');
  w.literal('\n');
  w.optional('CLIENT_ENCODING');
  return true;
}

export function edoburuConfig(
  envVars: readonly EnvVar[],
  mountedTargets: readonly string[],
  release?: string,
): GeneratedConfig | undefined {
  const notes: string[] = [];
  const errors: StartupError[] = [];
  const env = new Environment(envVars);
  const era = edoburuEra(release, notes);
  const targets = new Set(mountedTargets.map((target) => target.replace(/\/+$/, '')));
  const mounted = (path: string): boolean => targets.has(path);
  const userlist = userlistOf(env, era, mounted, notes);
  // The entrypoint writes the ini only when `[ ! -f /etc/pgbouncer/pgbouncer.ini ]`.
  if (mounted(EDOBURU_INI)) return undefined;
  if (mounted(CONFIG_DIR)) {
    notes.push(
      `${CONFIG_DIR} is mounted: when it holds a pgbouncer.ini the image uses that file and generates nothing.`,
    );
  }

  const w = new IniWriter(env, notes);
  w.literal('################## Auto generated ##################\n[databases]\n');
  const urls = era.multiUrl ? env.nonEmpty('DATABASE_URLS') : undefined;
  const url = env.nonEmpty('DATABASE_URL');
  const state = initialState(env);
  let ok = true;
  if (urls) {
    for (const one of urlsOf(urls.value.text)) {
      ok = parseUrl(one, urls, state, notes, errors) && databaseLine(w, env, era, state, errors);
      if (!ok) break;
    }
  } else {
    if (url) ok = parseUrl(url.value.text, url, state, notes, errors);
    ok = ok && databaseLine(w, env, era, state, errors);
  }
  // Older entrypoints wrote the whole file in one printf, with an empty line before [pgbouncer].
  if (!era.multiUrl) w.literal('\n');
  if (ok) writeMain(w, env, era);
  const file = assemble(w.pieces);
  const listen = env.nonEmpty('LISTEN_PORT');
  const listenPort = listen ? portOf(printfFormat(listen.value.text).text, 5432, notes, 'LISTEN_PORT') : 5432;
  if (env.nonEmpty('DATABASE_URL') && urls) notes.push('DATABASE_URLS is set: DATABASE_URL is ignored.');
  return {
    iniPath: EDOBURU_INI,
    ...file,
    listenPort,
    userlist,
    startupErrors: errors,
    notes,
    modelledOn: era.modelledOn,
  };
}

function writeMain(w: IniWriter, env: Environment, era: Era): void {
  const authFile = env.nonEmpty('AUTH_FILE');
  w.literal('[pgbouncer]\nlisten_addr = ');
  w.orDefault('LISTEN_ADDR', '0.0.0.0');
  w.literal('\nlisten_port = ');
  w.orDefault('LISTEN_PORT', '5432');
  w.literal('\nunix_socket_dir = ');
  w.orDefault('UNIX_SOCKET_DIR', '');
  w.literal('\nuser = postgres\nauth_file = ');
  if (authFile) w.value({ text: authFile.value.text, source: authFile }, 'AUTH_FILE');
  else w.literal(DEFAULT_AUTH_FILE);
  w.literal('\n');
  w.optional('AUTH_HBA_FILE');
  w.literal('auth_type = ');
  w.orDefault('AUTH_TYPE', 'md5');
  w.literal('\n');
  for (const name of MAIN_OPTIONAL_1) if (name !== 'AUTH_DBNAME' || era.authDbname) w.optional(name);
  for (const name of MAIN_OPTIONAL_2) w.optional(name);
  w.literal('ignore_startup_parameters = ');
  w.orDefault('IGNORE_STARTUP_PARAMETERS', 'extra_float_digits');
  w.literal('\n');
  for (const name of AFTER_IGNORE)
    if (name !== 'MAX_PREPARED_STATEMENTS' || era.maxPrepared) w.optional(name);
  w.literal('\n# Log settings\n');
  for (const name of LOG_SETTINGS) w.optional(name);
  w.literal('admin_users = ');
  w.orDefault('ADMIN_USERS', 'postgres');
  w.literal('\n');
  w.optional('STATS_USERS');
  if (era.logfile) {
    w.optional('LOGFILE');
    w.literal('\n\n');
  }
  w.literal('\n# Connection sanity checks, timeouts\n');
  for (const name of SANITY) w.optional(name);
  w.literal('\n# TLS settings\n');
  for (const name of TLS) w.optional(name);
  w.literal('\n# Dangerous timeouts\n');
  for (const name of DANGEROUS) w.optional(name);
  w.literal('################## end file ##################\n');
}
