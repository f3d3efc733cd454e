// The pgbouncer.ini and userlist.txt that the bitnami/pgbouncer image writes from its environment.
//
// Read from github:bitnami/containers, bitnami/pgbouncer/1/debian-12/rootfs/opt/bitnami/scripts/:
// libpgbouncer.sh at a3df972 (pgbouncer_validate, pgbouncer_initialize), pgbouncer-env.sh at
// 043f89c (the defaults), pgbouncer/setup.sh and run.sh at 774d035 (PGBOUNCER_EXTRA_FLAGS), for the
// image of PgBouncer 1.24.1 (Dockerfile at 04296e7). The ini is written key by key with Bitnami's
// `ini-file set` (github:bitnami/ini-file ini.go at fe1c826, on go-ini v1.67.0): each call loads the
// file, sets the key in place or appends it to its section, and writes the whole file back as
// `key=value`, an empty line between sections.
//
// What the script does, in our words: unless /bitnami/pgbouncer/conf/pgbouncer.ini is mounted, one
// [databases] entry PGBOUNCER_DATABASE = "host=POSTGRESQL_HOST port=POSTGRESQL_PORT" (plus user,
// password, dbname, auth_user, connect_query as asked), then PGBOUNCER_DSN_0, _1, … as `name=value`,
// then a fixed list of [pgbouncer] keys, each written when its value is not empty (values are cut
// at their first ':' by `awk -F:`), then the TLS files when TLS is on. Unless
// /bitnami/pgbouncer/conf/userlist.txt is mounted, the userlist is POSTGRESQL_USERNAME and
// POSTGRESQL_PASSWORD (quotes doubled) and then PGBOUNCER_USERLIST.

import type { EnvVar } from '../types';
import { Environment, assemble, portOf } from './common';
import type { GeneratedConfig, GeneratedFile, Piece, StartupError } from './common';

const CONF_DIR = '/opt/bitnami/pgbouncer/conf';
export const BITNAMI_INI = `${CONF_DIR}/pgbouncer.ini`;
const AUTH_FILE = `${CONF_DIR}/userlist.txt`;
const MOUNTED_CONF_DIR = '/bitnami/pgbouncer/conf';
const PID_FILE = '/opt/bitnami/pgbouncer/tmp/pgbouncer.pid';
const MODELLED_ON =
  'bitnami/containers bitnami/pgbouncer/1/debian-12 libpgbouncer.sh at a3df972, pgbouncer-env.sh at 043f89c';
/** Past this many PGBOUNCER_DSN_<i>, stop (the script has no bound; we need one). */
const MAX_DSNS = 1000;

interface Value {
  text: string;
  source?: EnvVar;
}

/** `${NAME:-fallback}` of pgbouncer-env.sh. */
function withDefault(env: Environment, name: string, fallback: string): Value {
  const variable = env.nonEmpty(name);
  return variable ? { text: variable.value.text, source: variable } : { text: fallback };
}

/** The variables pgbouncer-env.sh gives a default to (the others default to ''). */
const DEFAULTS: Record<string, string> = {
  PGBOUNCER_DATABASE: 'postgres',
  PGBOUNCER_PORT: '6432',
  PGBOUNCER_LISTEN_ADDRESS: '0.0.0.0',
  PGBOUNCER_AUTH_TYPE: 'scram-sha-256',
  PGBOUNCER_SERVER_FAST_CLOSE: '0',
  PGBOUNCER_IGNORE_STARTUP_PARAMETERS: 'extra_float_digits',
  PGBOUNCER_STATS_PERIOD: '60',
  PGBOUNCER_SERVER_ROUND_ROBIN: '0',
  PGBOUNCER_CLIENT_TLS_SSLMODE: 'disable',
  PGBOUNCER_CLIENT_TLS_CIPHERS: 'fast',
  PGBOUNCER_SERVER_TLS_SSLMODE: 'disable',
  PGBOUNCER_SERVER_TLS_PROTOCOLS: 'secure',
  PGBOUNCER_SERVER_TLS_CIPHERS: 'fast',
  POSTGRESQL_USERNAME: 'postgres',
  POSTGRESQL_HOST: 'postgresql',
  POSTGRESQL_PORT: '5432',
  PGBOUNCER_SET_DATABASE_USER: 'no',
  PGBOUNCER_SET_DATABASE_PASSWORD: 'no',
  PGBOUNCER_SOCKET_DIR: '/tmp/',
  PGBOUNCER_SOCKET_MODE: '0777',
};

/** The [pgbouncer] keys in the order libpgbouncer.sh sets them; a string is a fixed value. */
const MAIN_KEYS: readonly [string, string | { fixed: string }][] = [
  ['listen_port', 'PGBOUNCER_PORT'],
  ['listen_addr', 'PGBOUNCER_LISTEN_ADDRESS'],
  ['unix_socket_dir', 'PGBOUNCER_SOCKET_DIR'],
  ['unix_socket_mode', 'PGBOUNCER_SOCKET_MODE'],
  ['unix_socket_group', 'PGBOUNCER_SOCKET_GROUP'],
  ['auth_file', { fixed: AUTH_FILE }],
  ['auth_type', 'PGBOUNCER_AUTH_TYPE'],
  ['auth_hba_file', 'PGBOUNCER_AUTH_HBA_FILE'],
  ['auth_ident_file', 'PGBOUNCER_AUTH_IDENT_FILE'],
  ['auth_query', 'PGBOUNCER_AUTH_QUERY'],
  ['pidfile', { fixed: PID_FILE }],
  ['logfile', 'PGBOUNCER_LOG_FILE'],
  ['admin_users', 'POSTGRESQL_USERNAME'],
  ['stats_users', 'PGBOUNCER_STATS_USERS'],
  ['client_tls_sslmode', 'PGBOUNCER_CLIENT_TLS_SSLMODE'],
  ['server_tls_sslmode', 'PGBOUNCER_SERVER_TLS_SSLMODE'],
  ['server_tls_ca_file', 'PGBOUNCER_SERVER_TLS_CA_FILE'],
  ['server_tls_cert_file', 'PGBOUNCER_SERVER_TLS_CERT_FILE'],
  ['server_tls_key_file', 'PGBOUNCER_SERVER_TLS_KEY_FILE'],
  ['query_wait_timeout', 'PGBOUNCER_QUERY_WAIT_TIMEOUT'],
  ['pool_mode', 'PGBOUNCER_POOL_MODE'],
  ['max_client_conn', 'PGBOUNCER_MAX_CLIENT_CONN'],
  ['max_db_connections', 'PGBOUNCER_MAX_DB_CONNECTIONS'],
  ['idle_transaction_timeout', 'PGBOUNCER_IDLE_TRANSACTION_TIMEOUT'],
  ['server_idle_timeout', 'PGBOUNCER_SERVER_IDLE_TIMEOUT'],
  ['server_reset_query', 'PGBOUNCER_SERVER_RESET_QUERY'],
  ['default_pool_size', 'PGBOUNCER_DEFAULT_POOL_SIZE'],
  ['min_pool_size', 'PGBOUNCER_MIN_POOL_SIZE'],
  ['reserve_pool_size', 'PGBOUNCER_RESERVE_POOL_SIZE'],
  ['reserve_pool_timeout', 'PGBOUNCER_RESERVE_POOL_TIMEOUT'],
  ['ignore_startup_parameters', 'PGBOUNCER_IGNORE_STARTUP_PARAMETERS'],
  ['log_connections', 'PGBOUNCER_LOG_CONNECTIONS'],
  ['log_disconnections', 'PGBOUNCER_LOG_DISCONNECTIONS'],
  ['log_pooler_errors', 'PGBOUNCER_LOG_POOLER_ERRORS'],
  ['log_stats', 'PGBOUNCER_LOG_STATS'],
  ['stats_period', 'PGBOUNCER_STATS_PERIOD'],
  ['server_round_robin', 'PGBOUNCER_SERVER_ROUND_ROBIN'],
  ['server_fast_close', 'PGBOUNCER_SERVER_FAST_CLOSE'],
  ['server_lifetime', 'PGBOUNCER_SERVER_LIFETIME'],
  ['server_idle_timeout', 'PGBOUNCER_SERVER_IDLE_TIMEOUT'],
  ['server_connect_timeout', 'PGBOUNCER_SERVER_CONNECT_TIMEOUT'],
  ['server_login_retry', 'PGBOUNCER_SERVER_LOGIN_RETRY'],
  ['client_login_timeout', 'PGBOUNCER_CLIENT_LOGIN_TIMEOUT'],
  ['autodb_idle_timeout', 'PGBOUNCER_AUTODB_IDLE_TIMEOUT'],
  ['query_timeout', 'PGBOUNCER_QUERY_TIMEOUT'],
  ['query_wait_timeout', 'PGBOUNCER_QUERY_WAIT_TIMEOUT'],
  ['client_idle_timeout', 'PGBOUNCER_CLIENT_IDLE_TIMEOUT'],
  ['max_prepared_statements', 'PGBOUNCER_MAX_PREPARED_STATEMENTS'],
  ['application_name_add_host', 'PGBOUNCER_APPLICATION_NAME_ADD_HOST'],
];

/** The variables pgbouncer-env.sh lets a `<NAME>_FILE` override (those the model reads). */
const FILE_OVERRIDABLE = new Set([
  ...MAIN_KEYS.flatMap(([, from]) => (typeof from === 'string' ? [from] : [])),
  'PGBOUNCER_DATABASE',
  'PGBOUNCER_AUTH_USER',
  'PGBOUNCER_EXTRA_FLAGS',
  'PGBOUNCER_CLIENT_TLS_CA_FILE',
  'PGBOUNCER_CLIENT_TLS_CERT_FILE',
  'PGBOUNCER_CLIENT_TLS_KEY_FILE',
  'PGBOUNCER_CLIENT_TLS_CIPHERS',
  'PGBOUNCER_SERVER_TLS_PROTOCOLS',
  'PGBOUNCER_SERVER_TLS_CIPHERS',
  'POSTGRESQL_PASSWORD',
  'POSTGRESQL_DATABASE',
  'POSTGRESQL_HOST',
  'POSTGRESQL_PORT',
  'PGBOUNCER_SET_DATABASE_USER',
  'PGBOUNCER_SET_DATABASE_PASSWORD',
  'PGBOUNCER_USERLIST',
  'PGBOUNCER_CONNECT_QUERY',
]);

// ---------------------------------------------------------------------------------------------
// go-ini as ini-file drives it

interface IniKey {
  key: string;
  value: string;
  /** The variables its value came from, with the text each gave. */
  parts: Value[];
}

/** How go-ini writes a value (ini-file loads with IgnoreInlineComment, so `#` and `;` stay bare). */
function writtenValue(value: string): string {
  if (/[\n`]/.test(value)) return `"""${value}"""`;
  if (value.trim() !== value) return `"${value}"`;
  return value;
}

function writtenKey(key: string): string {
  if (/["=:]/.test(key)) return `\`${key}\``;
  if (key.includes('`')) return `"""${key}"""`;
  return key;
}

/** What go-ini reads back from a value it wrote: it strips one pair of surrounding quotes. */
function readBack(written: string): string {
  const line = written.replace(/^\s+/, '');
  if (line.length > 3 && line.startsWith('"""')) {
    const end = line.lastIndexOf('"""');
    return end > 2 ? line.slice(3, end) : line.slice(3);
  }
  if (line.startsWith('`')) {
    const end = line.lastIndexOf('`');
    return end > 0 ? line.slice(1, end) : line.slice(1);
  }
  const trimmed = line.trim();
  for (const quote of ["'", '"']) {
    if (
      trimmed.length >= 2 &&
      trimmed.startsWith(quote) &&
      trimmed.endsWith(quote) &&
      trimmed.indexOf(quote, 1) === trimmed.length - 1
    ) {
      return trimmed.slice(1, -1);
    }
  }
  return trimmed;
}

class IniFile {
  private readonly sections: { name: string; keys: IniKey[] }[] = [];

  constructor(private readonly notes: string[]) {}

  /** One `ini-file set --ignore-inline-comments`: load (values read back), set or append, save. */
  set(section: string, key: string, value: string, parts: Value[]): void {
    for (const s of this.sections) for (const k of s.keys) k.value = readBack(writtenValue(k.value));
    if (/\\\s*$/.test(value)) {
      this.notes.push(
        `The value of ${key} ends with a backslash: go-ini would join the next line to it when the file is next loaded.`,
      );
    }
    let target = this.sections.find((s) => s.name === section);
    if (!target) {
      target = { name: section, keys: [] };
      this.sections.push(target);
    }
    const existing = target.keys.find((k) => k.key === key.trim());
    if (existing) {
      existing.value = value;
      existing.parts = parts;
    } else target.keys.push({ key: key.trim(), value, parts });
  }

  pieces(): Piece[] {
    const pieces: Piece[] = [];
    this.sections.forEach((section, index) => {
      if (index > 0) pieces.push({ text: '\n' });
      pieces.push({ text: `[${section.name}]\n` });
      for (const key of section.keys) {
        const written = `${writtenKey(key.key)}=${writtenValue(key.value)}`;
        // Place each variable's text where it is in the line (ini-file may have quoted around it).
        let cursor = 0;
        for (const part of key.parts) {
          if (!part.source || part.text === '') continue;
          const at = written.indexOf(part.text, cursor);
          if (at < 0) continue;
          if (at > cursor) pieces.push({ text: written.slice(cursor, at) });
          pieces.push({ text: part.text, source: part.source });
          cursor = at + part.text.length;
        }
        pieces.push({ text: `${written.slice(cursor)}\n` });
      }
    });
    return pieces;
  }

  get(section: string, key: string): string | undefined {
    return this.sections.find((s) => s.name === section)?.keys.find((k) => k.key === key)?.value;
  }
}

// ---------------------------------------------------------------------------------------------

/** What `awk -F: '{print $2}' <<<"key:value"` prints: per line, the text between its first and second ':'. */
function awkSecondField(key: string, value: string): string {
  const lines = `${key}:${value}`.split('\n').map((line) => line.split(':')[1] ?? '');
  return lines.join('\n').replace(/\n+$/, '');
}

/** `is_boolean_yes` of Bitnami's libvalidations.sh: 1, yes or true, in any case. */
function isYes(text: string): boolean {
  return /^(1|yes|true)$/i.test(text);
}

function validate(env: Environment, get: (name: string) => Value, errors: StartupError[]): void {
  const fail = (message: string, name?: string): void => {
    errors.push({ message, cause: name ? env.set(name) : undefined });
  };
  const port = get('PGBOUNCER_PORT').text;
  if (!/^\d+$/.test(port) || Number(port) > 65535) {
    fail('PGBOUNCER_PORT is not a port number: the image refuses to start.', 'PGBOUNCER_PORT');
  }
  const authType = get('PGBOUNCER_AUTH_TYPE').text;
  if (!['any', 'cert', 'md5', 'hba', 'pam', 'plain', 'scram-sha-256', 'trust'].includes(authType)) {
    fail(
      'PGBOUNCER_AUTH_TYPE must be one of any, cert, md5, hba, pam, plain, scram-sha-256, trust.',
      'PGBOUNCER_AUTH_TYPE',
    );
  }
  const poolMode = get('PGBOUNCER_POOL_MODE').text;
  if (poolMode !== '' && !['session', 'statement', 'transaction'].includes(poolMode)) {
    fail('PGBOUNCER_POOL_MODE must be session, statement or transaction.', 'PGBOUNCER_POOL_MODE');
  }
  if (authType !== 'trust') {
    const password = get('POSTGRESQL_PASSWORD').text;
    if (password === '') fail('POSTGRESQL_PASSWORD must be set unless PGBOUNCER_AUTH_TYPE is trust.');
    else if (password.length > 100)
      fail('POSTGRESQL_PASSWORD is longer than 100 characters: the image refuses it.', 'POSTGRESQL_PASSWORD');
  }
  if (authType === 'hba' && get('PGBOUNCER_AUTH_HBA_FILE').text === '') {
    fail('PGBOUNCER_AUTH_TYPE is hba but PGBOUNCER_AUTH_HBA_FILE is not set.', 'PGBOUNCER_AUTH_TYPE');
  }
  if (get('PGBOUNCER_CLIENT_TLS_SSLMODE').text !== 'disable') {
    if (get('PGBOUNCER_CLIENT_TLS_CERT_FILE').text === '') {
      fail('Client TLS is on but PGBOUNCER_CLIENT_TLS_CERT_FILE is not set.', 'PGBOUNCER_CLIENT_TLS_SSLMODE');
    }
    if (get('PGBOUNCER_CLIENT_TLS_KEY_FILE').text === '') {
      fail('Client TLS is on but PGBOUNCER_CLIENT_TLS_KEY_FILE is not set.', 'PGBOUNCER_CLIENT_TLS_SSLMODE');
    }
  }
  const serverMode = get('PGBOUNCER_SERVER_TLS_SSLMODE').text;
  if (
    (serverMode === 'verify-ca' || serverMode === 'verify-full') &&
    get('PGBOUNCER_SERVER_TLS_CA_FILE').text === ''
  ) {
    fail(
      `PGBOUNCER_SERVER_TLS_SSLMODE is ${serverMode} but PGBOUNCER_SERVER_TLS_CA_FILE is not set.`,
      'PGBOUNCER_SERVER_TLS_SSLMODE',
    );
  }
}

/** `pgbouncer_escape_auth`: every `"` doubled (via echo | sed, so trailing newlines go). */
function escapeAuth(text: string): string {
  return text.replace(/"/g, '""').replace(/\n+$/, '');
}

function userlistOf(get: (name: string) => Value): GeneratedFile {
  const user = get('POSTGRESQL_USERNAME');
  const password = get('POSTGRESQL_PASSWORD');
  const extra = get('PGBOUNCER_USERLIST');
  const pieces: Piece[] = [
    { text: '"' },
    { text: escapeAuth(user.text), source: user.source },
    { text: '" "' },
    { text: escapeAuth(password.text), source: password.source },
    { text: '"\n' },
    { text: extra.text, source: extra.source },
    { text: '\n' },
  ];
  return { path: AUTH_FILE, ...assemble(pieces) };
}

export function bitnamiConfig(
  envVars: readonly EnvVar[],
  mountedTargets: readonly string[],
): GeneratedConfig | undefined {
  const notes: string[] = [];
  const errors: StartupError[] = [];
  const env = new Environment(envVars);
  const targets = new Set(mountedTargets.map((target) => target.replace(/\/+$/, '')));
  // pgbouncer_is_file_external: a file in the mounted conf dir is used instead of generating one.
  if (targets.has(`${MOUNTED_CONF_DIR}/pgbouncer.ini`)) return undefined;
  if (targets.has(MOUNTED_CONF_DIR) || targets.has('/bitnami/pgbouncer') || targets.has('/bitnami')) {
    notes.push(
      `${MOUNTED_CONF_DIR} is mounted: when it holds pgbouncer.ini (or userlist.txt) the image copies that file and generates nothing for it.`,
    );
  }
  if (targets.has(BITNAMI_INI) || targets.has(CONF_DIR)) {
    notes.push(
      `A file is mounted over ${CONF_DIR}: the image deletes and rewrites pgbouncer.ini there at every start; mount it under ${MOUNTED_CONF_DIR} instead.`,
    );
  }
  for (const variable of envVars) {
    const base = variable.name.replace(/_FILE$/, '');
    if (
      base !== variable.name &&
      (FILE_OVERRIDABLE.has(base) || /^PGBOUNCER_DSN_\d+$/.test(base)) &&
      variable.value.text !== ''
    ) {
      notes.push(`${variable.name} names a file whose content replaces ${base}: not modelled.`);
    }
  }
  const get = (name: string): Value => withDefault(env, name, DEFAULTS[name] ?? '');
  validate(env, get, errors);

  const ini = new IniFile(notes);
  const database = get('PGBOUNCER_DATABASE');
  const host = get('POSTGRESQL_HOST');
  const port = get('POSTGRESQL_PORT');
  const parts: Value[] = [{ text: 'host=' }, host, { text: ' port=' }, port];
  if (isYes(get('PGBOUNCER_SET_DATABASE_USER').text))
    parts.push({ text: ' user=' }, get('POSTGRESQL_USERNAME'));
  if (isYes(get('PGBOUNCER_SET_DATABASE_PASSWORD').text))
    parts.push({ text: ' password=' }, get('POSTGRESQL_PASSWORD'));
  if (database.text !== '*') {
    // POSTGRESQL_DATABASE defaults to PGBOUNCER_DATABASE.
    const dbname = env.nonEmpty('POSTGRESQL_DATABASE');
    parts.push({ text: ' dbname=' }, dbname ? { text: dbname.value.text, source: dbname } : database);
  }
  const authUser = get('PGBOUNCER_AUTH_USER');
  if (authUser.text !== '') parts.push({ text: ' auth_user=' }, authUser);
  const connectQuery = get('PGBOUNCER_CONNECT_QUERY');
  if (connectQuery.text !== '') parts.push({ text: " connect_query='" }, connectQuery, { text: "'" });
  ini.set('databases', database.text, parts.map((part) => part.text).join(''), [database, ...parts]);

  for (let i = 0; i < MAX_DSNS; i++) {
    const dsn = env.nonEmpty(`PGBOUNCER_DSN_${i}`);
    if (!dsn) break;
    const text = dsn.value.text;
    const eq = text.indexOf('=');
    // `cut -d = -f 1` and `-f 2-`: without '=' both give the whole text.
    const name = eq < 0 ? text : text.slice(0, eq);
    const value = eq < 0 ? text : text.slice(eq + 1);
    if (eq < 0)
      notes.push(`${dsn.name} has no '=': the image writes it as both the name and the connection string.`);
    ini.set('databases', name, value, [
      { text: name, source: dsn },
      { text: value, source: dsn },
    ]);
  }

  for (const [key, from] of MAIN_KEYS) {
    const raw = typeof from === 'string' ? get(from) : { text: from.fixed };
    const value = awkSecondField(key, raw.text);
    if (value !== raw.text && typeof from === 'string') {
      notes.push(`${from} holds ':': the image keeps only the text before it for ${key}.`);
    }
    if (value !== '') ini.set('pgbouncer', key, value, [{ text: value, source: raw.source }]);
  }
  if (get('PGBOUNCER_CLIENT_TLS_SSLMODE').text !== 'disable') {
    const set = (key: string, name: string): void => {
      const value = get(name);
      ini.set('pgbouncer', key, value.text, [value]);
    };
    set('client_tls_cert_file', 'PGBOUNCER_CLIENT_TLS_CERT_FILE');
    set('client_tls_key_file', 'PGBOUNCER_CLIENT_TLS_KEY_FILE');
    if (get('PGBOUNCER_CLIENT_TLS_CA_FILE').text !== '')
      set('client_tls_ca_file', 'PGBOUNCER_CLIENT_TLS_CA_FILE');
    set('client_tls_ciphers', 'PGBOUNCER_CLIENT_TLS_CIPHERS');
  }
  if (
    get('PGBOUNCER_SERVER_TLS_SSLMODE').text !== 'disable' ||
    get('PGBOUNCER_SERVER_TLS_CERT_FILE').text !== '' ||
    get('PGBOUNCER_SERVER_TLS_KEY_FILE').text !== ''
  ) {
    const ciphers = get('PGBOUNCER_SERVER_TLS_CIPHERS');
    const protocols = get('PGBOUNCER_SERVER_TLS_PROTOCOLS');
    ini.set('pgbouncer', 'server_tls_ciphers', ciphers.text, [ciphers]);
    ini.set('pgbouncer', 'server_tls_protocols', protocols.text, [protocols]);
  }

  const file = assemble(ini.pieces());
  const userlistMounted = targets.has(`${MOUNTED_CONF_DIR}/userlist.txt`);
  const extra = env.nonEmpty('PGBOUNCER_EXTRA_FLAGS');
  return {
    iniPath: BITNAMI_INI,
    ...file,
    listenPort: portOf(ini.get('pgbouncer', 'listen_port') ?? '6432', 6432, notes, 'PGBOUNCER_PORT'),
    userlist: userlistMounted ? undefined : userlistOf(get),
    extraFlags: extra ? { text: extra.value.text, source: extra } : undefined,
    startupErrors: errors,
    notes,
    modelledOn: MODELLED_ON,
  };
}
