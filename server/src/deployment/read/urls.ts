// PostgreSQL connection strings as the client libraries read them: libpq URIs and keyword/value
// strings (PostgreSQL docs, "Connection Strings"; fe-connect.c conninfo_uri_parse_options and
// conninfo_parse), pgjdbc URLs (pgjdbc Driver.parseURL), SQLAlchemy's `postgresql+driver://` (its
// url.py and dialects/postgresql/*), Rails' `postgis://`. What matters to a pooler in front of the
// database: hosts and ports, database, user, TLS mode, startup parameters, prepared statements.
//
// Conventions of ParsedUrl as produced here:
// - hosts: [] when the string names no host nor port (libpq and asyncpg then use the local socket,
//   pgjdbc uses localhost); an entry's host is '' when only a port was written for it; a host that
//   starts with '/' is a Unix-socket directory.
// - params: every parameter, decoded, except passwords (`password`, `sslpassword`): those only set
//   hasPassword, so that nothing downstream can show them.
// - problems: plain words that quote no value a user wrote except known keywords and numbers.

import type { ParsedUrl } from './types';

/** libpq's keywords (PostgreSQL 18 fe-connect.c PQconninfoOptions). */
const LIBPQ_KEYWORDS = new Set([
  'service',
  'servicefile',
  'user',
  'password',
  'passfile',
  'channel_binding',
  'connect_timeout',
  'dbname',
  'host',
  'hostaddr',
  'port',
  'client_encoding',
  'options',
  'application_name',
  'fallback_application_name',
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
  'replication',
  'sslmode',
  'sslnegotiation',
  'sslcompression',
  'sslcert',
  'sslkey',
  'sslcertmode',
  'sslpassword',
  'sslrootcert',
  'sslcrl',
  'sslcrldir',
  'sslsni',
  'sslkeylogfile',
  'requirepeer',
  'require_auth',
  'min_protocol_version',
  'max_protocol_version',
  'ssl_min_protocol_version',
  'ssl_max_protocol_version',
  'gssencmode',
  'krbsrvname',
  'gsslib',
  'gssdelegation',
  'target_session_attrs',
  'load_balance_hosts',
  'scram_client_key',
  'scram_server_key',
  'oauth_issuer',
  'oauth_client_id',
  'oauth_client_secret',
  'oauth_scope',
]);

const SSLMODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** Never kept in params: the caller learns only that one is there. */
const SECRET_PARAMS = new Set(['password', 'sslpassword', 'oauth_client_secret']);

/** Longer strings are not read (a value this long is not a connection string anyone wrote). */
const MAX_LENGTH = 64 * 1024;
/** More hosts than this in one string are not read. */
const MAX_HOSTS = 64;

const URI_SCHEME = /^(postgres(?:ql)?|postgis)(?:\+([A-Za-z0-9_]+))?:\/\//i;
const JDBC_PREFIX = /^jdbc:postgres(?:ql)?:/i;

interface Builder {
  form: ParsedUrl['form'];
  driver?: string;
  hosts: { host: string; port?: number }[];
  database?: string;
  user?: string;
  hasPassword: boolean;
  params: Map<string, string>;
  problems: string[];
}

function builder(form: ParsedUrl['form'], driver?: string): Builder {
  return { form, driver, hosts: [], hasPassword: false, params: new Map(), problems: [] };
}

function done(b: Builder): ParsedUrl {
  const url: ParsedUrl = {
    form: b.form,
    hosts: b.hosts,
    hasPassword: b.hasPassword,
    params: b.params,
    problems: b.problems,
  };
  if (b.driver !== undefined) url.driver = b.driver;
  if (b.database !== undefined) url.database = b.database;
  if (b.user !== undefined) url.user = b.user;
  return url;
}

/**
 * A PostgreSQL connection string read as its client reads it, or undefined when the text is not one
 * (another scheme, plain words, a `KEY=value` that is no libpq keyword).
 */
export function parseConnectionUrl(text: string): ParsedUrl | undefined {
  const trimmed = text.trim();
  if (trimmed.length > MAX_LENGTH) {
    if (!URI_SCHEME.test(trimmed.slice(0, 40)) && !JDBC_PREFIX.test(trimmed.slice(0, 40))) return undefined;
    const b = builder(JDBC_PREFIX.test(trimmed) ? 'jdbc' : 'uri');
    b.problems.push(`The connection string is longer than ${MAX_LENGTH} characters and was not read.`);
    return done(b);
  }
  let url: ParsedUrl | undefined;
  const scheme = URI_SCHEME.exec(trimmed);
  if (JDBC_PREFIX.test(trimmed)) url = parseJdbc(trimmed);
  else if (scheme) url = parseUri(trimmed, scheme[1].toLowerCase(), scheme[2]?.toLowerCase());
  else if (looksLikeKeywordString(trimmed)) url = parseKeywordString(trimmed);
  if (url) url.problems.push(...clientProblems(url));
  return url;
}

// ---------------------------------------------------------------------------------------------
// Percent-decoding

/**
 * Decodes %XX escapes as libpq's conninfo_uri_decode does: a '%' not followed by two hex digits and
 * %00 are errors (undefined). With plusIsSpace, '+' is a space (Java's URLDecoder, Python's parse_qsl).
 */
function percentDecode(text: string, plusIsSpace = false): string | undefined {
  if (!text.includes('%') && !(plusIsSpace && text.includes('+'))) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      const byte = parseInt(hex, 16);
      if (byte === 0) return undefined;
      bytes.push(byte);
      i += 2;
    } else if (plusIsSpace && c === 0x2b) {
      bytes.push(0x20);
    } else {
      bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodePart(b: Builder, text: string, what: string, plusIsSpace = false): string {
  const decoded = percentDecode(text, plusIsSpace);
  if (decoded === undefined) {
    b.problems.push(
      `The ${what} has a bad percent-encoding ('%' must be followed by two hex digits, and %00 is not allowed).`,
    );
    return text;
  }
  return decoded;
}

// ---------------------------------------------------------------------------------------------
// Ports

/** A port as libpq and pgjdbc read it, with a problem (naming the host's place, not its text). */
function readPort(b: Builder, text: string, place: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^\d+$/.test(trimmed)) {
    b.problems.push(
      `The port ${place} is not a number${/[@:]/.test(trimmed) ? ' (is there an unencoded "@" or ":" in the user name or password? write them as %40 and %3A)' : ''}.`,
    );
    return undefined;
  }
  const port = Number(trimmed);
  if (port < 1 || port > 65535) {
    b.problems.push(
      `The port ${place} is ${trimmed.length > 8 ? 'a very large number' : port}, outside 1-65535.`,
    );
    return undefined;
  }
  return port;
}

function place(index: number, count: number): string {
  return count > 1 ? `of host ${index + 1}` : 'of the host';
}

// ---------------------------------------------------------------------------------------------
// URIs (libpq, and the clients that read the same shape)

function setParam(b: Builder, key: string, value: string): void {
  if (SECRET_PARAMS.has(key)) {
    if (key === 'password') b.hasPassword = true;
    return;
  }
  b.params.set(key, value);
}

function parseUri(text: string, scheme: string, driver: string | undefined): ParsedUrl {
  const b = builder('uri', driver ?? (scheme === 'postgis' ? 'postgis' : undefined));
  if (driver !== undefined && scheme === 'postgres')
    b.problems.push(
      `SQLAlchemy 1.4 and later know this dialect only as "postgresql": "postgres+${driver}://" fails to load; write "postgresql+${driver}://".`,
    );
  // SQLAlchemy reads the query with parse_qsl ('+' is a space); libpq does not.
  const plusIsSpace = driver !== undefined;
  let rest = text.slice(text.indexOf('://') + 3);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);

  // User information: libpq looks for '@' before the first '/' (fe-connect.c), so '?' and ':' in a
  // password are fine but '/' and a second '@' are not.
  let userEnd = 0;
  while (userEnd < rest.length && rest[userEnd] !== '@' && rest[userEnd] !== '/') userEnd++;
  if (rest[userEnd] === '@') {
    const userinfo = rest.slice(0, userEnd);
    rest = rest.slice(userEnd + 1);
    const colon = userinfo.indexOf(':');
    const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    if (user !== '') b.user = decodePart(b, user, 'user name');
    if (colon >= 0) {
      b.hasPassword = true;
      if (percentDecode(userinfo.slice(colon + 1)) === undefined)
        b.problems.push(`The password has a bad percent-encoding ('%' must be followed by two hex digits).`);
    }
  }

  // libpq takes the first '@': the rest of a password with an unencoded '@' would land in the host
  // list. Read the hosts after the last '@' (what the author meant, and no piece of the password).
  const authorityEnd = rest.search(/[/?]/);
  const lastAt = rest.slice(0, authorityEnd < 0 ? rest.length : authorityEnd).lastIndexOf('@');
  if (lastAt >= 0) {
    b.problems.push(
      'The host list holds "@": libpq takes the first "@" as the end of the user name and password, so an "@" in them must be written %40.',
    );
    rest = rest.slice(lastAt + 1);
  }

  // Hosts, each with an optional port, up to '/' or '?'.
  let i = 0;
  const rawHosts: { host: string; port: string }[] = [];
  let broken = false;
  for (;;) {
    let host = '';
    if (rest[i] === '[') {
      const close = rest.indexOf(']', i);
      if (close < 0) {
        b.problems.push('An IPv6 address in the URI has no closing "]".');
        broken = true;
        break;
      }
      host = rest.slice(i + 1, close);
      if (host === '') b.problems.push('An IPv6 address in the URI is empty ("[]").');
      i = close + 1;
      if (i < rest.length && !':/?,'.includes(rest[i])) {
        b.problems.push('Unexpected text after an IPv6 address in the URI (expected ":", "/", "?" or ",").');
        broken = true;
        break;
      }
    } else {
      const start = i;
      while (i < rest.length && !':/?,'.includes(rest[i])) i++;
      host = rest.slice(start, i);
    }
    let port = '';
    if (rest[i] === ':') {
      const start = ++i;
      while (i < rest.length && !'/?,'.includes(rest[i])) i++;
      port = rest.slice(start, i);
    }
    rawHosts.push({ host, port });
    if (rest[i] !== ',' || rawHosts.length >= MAX_HOSTS) break;
    i++;
  }

  const written =
    rawHosts.length > 1 || (rawHosts.length === 1 && (rawHosts[0].host !== '' || rawHosts[0].port !== ''));
  if (written && !broken) {
    rawHosts.forEach((h, index) => {
      const host = decodePart(b, h.host, 'host');
      const port = readPort(b, decodePart(b, h.port, 'port'), place(index, rawHosts.length));
      b.hosts.push(port === undefined ? { host } : { host, port });
    });
  }
  if (broken) return done(b);

  // The database, up to '?'.
  if (rest[i] === '/') {
    const start = ++i;
    while (i < rest.length && rest[i] !== '?') i++;
    const database = rest.slice(start, i);
    if (database !== '') b.database = decodePart(b, database, 'database name');
  }
  if (rest[i] === '?') readQuery(b, rest.slice(i + 1), plusIsSpace);
  else if (i < rest.length) b.problems.push('Unexpected text after the host list of the URI.');
  return done(b);
}

function readQuery(b: Builder, query: string, plusIsSpace: boolean): void {
  const hostParams: { host?: string; port?: string } = {};
  let count = 0;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    if (++count > 256) break;
    const eq = pair.indexOf('=');
    if (eq < 0) {
      b.problems.push('A query parameter has no "=" (libpq refuses such a URI).');
      continue;
    }
    if (pair.indexOf('=', eq + 1) >= 0 && b.driver === undefined)
      b.problems.push('A query parameter value holds a second "=": libpq refuses it; write it as %3D.');
    const key = decodePart(b, pair.slice(0, eq), 'name of a query parameter', plusIsSpace);
    const value = decodePart(
      b,
      pair.slice(eq + 1),
      `value of the query parameter "${safeKey(key)}"`,
      plusIsSpace,
    );
    if (key === 'host' || key === 'hostaddr') hostParams.host = value;
    else if (key === 'port') hostParams.port = value;
    else if (key === 'dbname' || key === 'database') b.database = value;
    else if (key === 'user') b.user = value;
    // libpq's "special keyword handling for improved JDBC compatibility" (fe-connect.c).
    if (key === 'ssl' && value === 'true' && b.driver === undefined && !b.params.has('sslmode'))
      b.params.set('sslmode', 'require');
    setParam(b, key, value);
  }
  // Query host and port replace those of the authority (libpq: the later setting wins).
  if (hostParams.host !== undefined || hostParams.port !== undefined)
    applyHostLists(b, hostParams.host, hostParams.port);
}

/** A parameter name fit to quote in a message: known keywords only. */
function safeKey(key: string): string {
  return LIBPQ_KEYWORDS.has(key) || /^[A-Za-z_]{1,40}$/.test(key) ? key : '…';
}

/** Comma-separated host and port lists (libpq keyword form, query parameters). */
function applyHostLists(b: Builder, hostList: string | undefined, portList: string | undefined): void {
  const hosts = hostList !== undefined ? hostList.split(',').slice(0, MAX_HOSTS) : b.hosts.map((h) => h.host);
  if (hosts.length === 0) hosts.push('');
  const ports =
    portList !== undefined
      ? portList.split(',').slice(0, MAX_HOSTS)
      : b.hosts.map((h) => (h.port === undefined ? '' : String(h.port)));
  if (ports.length > 1 && ports.length !== hosts.length)
    b.problems.push(
      `There are ${ports.length} ports for ${hosts.length} hosts: libpq needs one port, or one per host.`,
    );
  b.hosts = hosts.map((host, index) => {
    const portText = ports.length === 1 ? ports[0] : (ports[index] ?? '');
    const port = readPort(b, portText, place(index, hosts.length));
    return port === undefined ? { host } : { host, port };
  });
}

// ---------------------------------------------------------------------------------------------
// libpq keyword/value strings

function looksLikeKeywordString(text: string): boolean {
  const match = /^([A-Za-z_]+)\s*=/.exec(text);
  return match !== null && LIBPQ_KEYWORDS.has(match[1]);
}

/** fe-connect.c conninfo_parse: blanks around '=', values in single quotes, '\' escapes everywhere. */
function parseKeywordString(text: string): ParsedUrl {
  const b = builder('keyword');
  let i = 0;
  let hostList: string | undefined;
  let hostaddrList: string | undefined;
  let portList: string | undefined;
  let count = 0;
  const isBlank = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
  while (i < text.length && ++count <= 512) {
    while (isBlank(text[i])) i++;
    if (i >= text.length) break;
    const keyStart = i;
    while (i < text.length && text[i] !== '=' && !isBlank(text[i])) i++;
    const key = text.slice(keyStart, i);
    while (isBlank(text[i])) i++;
    if (text[i] !== '=') {
      b.problems.push(
        `Missing "=" after ${LIBPQ_KEYWORDS.has(key) ? `"${key}"` : 'a word'} in the connection string.`,
      );
      break;
    }
    i++;
    while (isBlank(text[i])) i++;
    let value = '';
    if (text[i] === "'") {
      i++;
      let closed = false;
      while (i < text.length) {
        if (text[i] === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (text[i] === "'") {
          closed = true;
          i++;
          break;
        } else value += text[i++];
      }
      if (!closed) {
        b.problems.push(
          `The value of ${LIBPQ_KEYWORDS.has(key) ? `"${key}"` : 'a parameter'} has an opening quote and no closing one.`,
        );
        break;
      }
    } else {
      while (i < text.length && !isBlank(text[i])) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
    }
    if (!LIBPQ_KEYWORDS.has(key))
      b.problems.push(`libpq does not know the parameter "${safeKey(key)}" and refuses the string.`);
    if (key === 'host') hostList = value;
    else if (key === 'hostaddr') hostaddrList = value;
    else if (key === 'port') portList = value;
    else if (key === 'dbname') b.database = value;
    else if (key === 'user') b.user = value;
    setParam(b, key, value);
  }
  const hosts = hostList ?? hostaddrList;
  if (hosts !== undefined || portList !== undefined) applyHostLists(b, hosts, portList);
  return done(b);
}

// ---------------------------------------------------------------------------------------------
// pgjdbc URLs (Driver.parseURL)

function parseJdbc(text: string): ParsedUrl {
  const b = builder('jdbc');
  const q = text.indexOf('?');
  let server = q >= 0 ? text.slice(0, q) : text;
  const args = q >= 0 ? text.slice(q + 1) : '';
  if (!/^jdbc:postgresql:/.test(server)) {
    b.problems.push(
      'pgjdbc only takes URLs that start with "jdbc:postgresql:" (lower case, "postgresql" in full).',
    );
    server = server.replace(JDBC_PREFIX, 'jdbc:postgresql:');
  }
  server = server.slice('jdbc:postgresql:'.length);
  if (server === '//' || server === '///') {
    // Host and database both default (localhost, the user's name).
  } else if (server.startsWith('//')) {
    server = server.slice(2);
    if ((server.match(/\//g) ?? []).length > 1)
      b.problems.push('pgjdbc refuses a URL with more than one "/" after the hosts.');
    let slash = server.indexOf('/');
    if (slash < 0) {
      b.problems.push('pgjdbc needs a "/" after the host and port (write "…:5432/" or "…:5432/database").');
      slash = server.length;
    } else if (slash + 1 < server.length) {
      b.database = decodePart(b, server.slice(slash + 1), 'database name', true);
    }
    const addresses = server.slice(0, slash);
    if (addresses.includes('@'))
      b.problems.push(
        'pgjdbc does not read "user:password@" in the URL: give user= and password= as parameters.',
      );
    const list = addresses.split(',').slice(0, MAX_HOSTS);
    list.forEach((address, index) => {
      const colon = address.lastIndexOf(':');
      let host = address;
      let port: number | undefined;
      if (colon >= 0 && address.lastIndexOf(']') < colon) {
        host = address.slice(0, colon);
        port = readPort(b, address.slice(colon + 1), place(index, list.length));
      }
      if (host === '') host = 'localhost'; // pgjdbc's PGHOST default
      if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
      b.hosts.push(port === undefined ? { host } : { host, port });
    });
  } else if (server.startsWith('/')) {
    b.problems.push('pgjdbc refuses "jdbc:postgresql:/…": write "jdbc:postgresql://host/database".');
  } else if (server !== '') {
    b.database = decodePart(b, server, 'database name', true);
  }
  let count = 0;
  for (const token of args.split('&')) {
    if (token === '') continue;
    if (++count > 256) break;
    const eq = token.indexOf('=');
    const key = eq < 0 ? token : token.slice(0, eq);
    const value =
      eq < 0 ? '' : decodePart(b, token.slice(eq + 1), `value of the parameter "${safeKey(key)}"`, true);
    if (key === 'user') b.user = value;
    setParam(b, key, value);
  }
  const sslmode = b.params.get('sslmode');
  if (sslmode !== undefined && !SSLMODES.includes(sslmode.toLowerCase()))
    b.problems.push(`pgjdbc does not know sslmode "${safeKey(sslmode)}" (${SSLMODES.join(', ')}).`);
  return done(b);
}

// ---------------------------------------------------------------------------------------------
// What the client does with it

/** Which client library reads the URL, as far as its form tells. */
export function clientOf(url: ParsedUrl): 'pgjdbc' | 'asyncpg' | 'psycopg' | 'psycopg2' | 'pg8000' | 'libpq' {
  if (url.form === 'jdbc') return 'pgjdbc';
  switch (url.driver) {
    case 'asyncpg':
      return 'asyncpg';
    case 'psycopg':
    case 'psycopg_async':
      return 'psycopg';
    case 'psycopg2':
    case 'psycopg2cffi':
      return 'psycopg2';
    case 'pg8000':
      return 'pg8000';
    default:
      return 'libpq';
  }
}

/** Whether a host is a Unix-socket directory (libpq: an absolute path, or '@' for Linux's abstract namespace). */
export function isUnixSocket(host: string): boolean {
  return host.startsWith('/') || host.startsWith('@');
}

/**
 * The sslmode the client will use. libpq and the psycopg drivers (SQLAlchemy passes the query to
 * psycopg's connect, which hands it to libpq): `sslmode`, default 'prefer' (PGSSLMODE not looked at).
 * pgjdbc (SslMode.of): `sslmode`, else `ssl` (true or empty) means 'verify-full', else 'prefer'.
 * asyncpg under SQLAlchemy: the query becomes keyword arguments of asyncpg.connect(), whose TLS
 * argument is `ssl` (a mode name); its default is 'prefer' for TCP hosts and none over a socket
 * (asyncpg connect_utils.py).
 */
export function effectiveSslmode(url: ParsedUrl): string {
  const sslmode = url.params.get('sslmode');
  if (url.form === 'jdbc') {
    if (sslmode !== undefined) return sslmode.toLowerCase();
    const ssl = url.params.get('ssl');
    if (ssl !== undefined && (ssl === '' || ssl.toLowerCase() === 'true')) return 'verify-full';
    return 'prefer';
  }
  if (clientOf(url) === 'asyncpg') {
    const ssl = url.params.get('ssl');
    if (ssl !== undefined) return ssl.toLowerCase();
    if (url.hosts.length > 0 && url.hosts.every((h) => isUnixSocket(h.host))) return 'disable';
    return 'prefer';
  }
  return sslmode ?? 'prefer';
}

/** Problems that come from the client that reads the string rather than from its text. */
function clientProblems(url: ParsedUrl): string[] {
  const problems: string[] = [];
  if (clientOf(url) === 'asyncpg' && url.params.has('sslmode'))
    problems.push(
      'SQLAlchemy hands the query to asyncpg.connect(), which has no "sslmode" argument and fails: write ssl=require (or another mode) instead.',
    );
  const ssl = url.params.get('ssl');
  if (clientOf(url) === 'asyncpg' && ssl !== undefined && !SSLMODES.includes(ssl.toLowerCase()))
    problems.push(
      `asyncpg reads "ssl" as a mode name (${SSLMODES.join(', ')}); "${safeKey(ssl)}" is not one.`,
    );
  return problems;
}

function versionAtLeast(version: string | undefined, wanted: number[]): boolean | undefined {
  if (version === undefined) return undefined;
  const parts = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!parts) return undefined;
  const have = [Number(parts[1]), Number(parts[2] ?? 0), Number(parts[3] ?? 0)];
  for (let i = 0; i < 3; i++) if (have[i] !== wanted[i]) return have[i] > wanted[i];
  return true;
}

/**
 * The startup parameters the client sends besides user and database, by name.
 * - pgjdbc (ConnectionFactoryImpl.getParametersForStartup): client_encoding, DateStyle, TimeZone
 *   always; extra_float_digits too up to 42.7.4 (42.7.5 moved it to a SET after connecting); with
 *   assumeMinServerVersion >= 9.0 application_name (its default is the driver's name), except in
 *   42.7.5; search_path for currentSchema, options, replication. Without a version, 42.7.4's
 *   behaviour is assumed (what most deployed applications run).
 * - asyncpg (coreproto.pyx): client_encoding; server_settings, which a SQLAlchemy URL cannot set.
 * - libpq and the drivers on it (fe-connect.c build_startup_packet): options, application_name
 *   (or fallback_application_name), client_encoding and replication, each when set.
 */
export function sendsStartupParameters(url: ParsedUrl, options: { pgjdbcVersion?: string } = {}): string[] {
  const p = url.params;
  if (url.form === 'jdbc') {
    const sent = ['client_encoding', 'DateStyle', 'TimeZone'];
    const atLeast = (v: number[]): boolean => versionAtLeast(options.pgjdbcVersion, v) ?? false;
    if (!atLeast([42, 7, 5])) sent.push('extra_float_digits');
    const assumed = p.get('assumeMinServerVersion');
    if (assumed !== undefined && (versionAtLeast(assumed, [9, 0, 0]) ?? false)) {
      const is4275 = atLeast([42, 7, 5]) && !atLeast([42, 7, 6]);
      if (!is4275) sent.push('application_name');
    }
    if (p.has('replication')) sent.push('replication');
    if (p.has('currentSchema')) sent.push('search_path');
    if (p.has('options')) sent.push('options');
    return sent;
  }
  if (clientOf(url) === 'asyncpg') return ['client_encoding'];
  const sent: string[] = [];
  if (p.has('options')) sent.push('options');
  if (p.has('application_name') || p.has('fallback_application_name')) sent.push('application_name');
  if (p.has('client_encoding')) sent.push('client_encoding');
  if (p.has('replication')) sent.push('replication');
  return sent;
}

/** Parameters that only Prisma reads (Prisma docs, "PostgreSQL connection URL arguments"). */
const PRISMA_PARAMS = [
  'pgbouncer',
  'connection_limit',
  'pool_timeout',
  'schema',
  'statement_cache_size',
  'socket_timeout',
];

/** Whether a URL carries parameters only Prisma reads. */
export function looksLikePrisma(url: ParsedUrl): boolean {
  return url.form === 'uri' && url.driver === undefined && PRISMA_PARAMS.some((name) => url.params.has(name));
}

/**
 * Whether the client keeps named server-side prepared statements on this connection, and why; undefined
 * when the URL does not tell (a plain URL whose client is unknown).
 * - pgjdbc: prepareThreshold (default 5; 0 turns server-side statements off).
 * - SQLAlchemy + asyncpg: asyncpg prepares every statement; off only with both
 *   prepared_statement_cache_size=0 (SQLAlchemy's cache) and statement_cache_size=0 (asyncpg's).
 * - SQLAlchemy + psycopg (3): prepare_threshold (default 5; "None" turns it off).
 * - psycopg2, pg8000: no named prepared statements.
 * - Prisma (when client is 'prisma' or the URL has Prisma-only parameters): on unless pgbouncer=true.
 */
export function preparedStatementsOf(
  url: ParsedUrl,
  client?: 'prisma',
): { on: boolean; why: string } | undefined {
  const p = url.params;
  if (url.form === 'jdbc') {
    const threshold = p.get('prepareThreshold');
    if (threshold === undefined)
      return {
        on: true,
        why: 'pgjdbc prepares a statement on the server from its 5th use (prepareThreshold defaults to 5)',
      };
    const n = Number(threshold);
    if (n === 0)
      return { on: false, why: 'prepareThreshold=0 keeps pgjdbc from preparing statements on the server' };
    return {
      on: true,
      why: `pgjdbc prepares statements on the server (prepareThreshold=${Number.isFinite(n) ? n : '…'})`,
    };
  }
  const kind = clientOf(url);
  if (kind === 'asyncpg') {
    const sqlalchemyOff = p.get('prepared_statement_cache_size') === '0';
    const asyncpgOff = p.get('statement_cache_size') === '0';
    if (sqlalchemyOff && asyncpgOff)
      return {
        on: false,
        why: 'prepared_statement_cache_size=0 and statement_cache_size=0 turn off the statement caches of SQLAlchemy and asyncpg',
      };
    const missing = [
      sqlalchemyOff ? '' : 'prepared_statement_cache_size=0',
      asyncpgOff ? '' : 'statement_cache_size=0',
    ].filter(Boolean);
    return {
      on: true,
      why: `asyncpg prepares its statements on the server and caches them (no ${missing.join(' and ')} in the URL)`,
    };
  }
  if (kind === 'psycopg') {
    const threshold = p.get('prepare_threshold');
    if (threshold !== undefined && (threshold === '' || threshold.toLowerCase() === 'none'))
      return { on: false, why: 'prepare_threshold=None keeps psycopg from preparing statements' };
    return {
      on: true,
      why: `psycopg 3 prepares a statement on the server after ${threshold ?? '5'} uses (prepare_threshold)`,
    };
  }
  if (kind === 'psycopg2' || kind === 'pg8000')
    return { on: false, why: `${kind} does not keep named prepared statements` };
  if (client === 'prisma' || looksLikePrisma(url)) {
    if (p.get('pgbouncer') === 'true')
      return { on: false, why: 'pgbouncer=true makes Prisma use unnamed statements' };
    return { on: true, why: 'Prisma uses named prepared statements unless the URL has pgbouncer=true' };
  }
  return undefined;
}

/** Prisma's connection_limit, or undefined when absent (Prisma's default is num_cpus * 2 + 1: unknown here). */
export function prismaConnectionLimit(url: ParsedUrl): number | undefined {
  const limit = url.params.get('connection_limit');
  if (limit === undefined || !/^\d+$/.test(limit)) return undefined;
  return Number(limit);
}
