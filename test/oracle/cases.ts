// The oracle cases: configurations the real PgBouncer binary judges (starts / refuses to start) and
// our engine must judge the same way at that binary's target version: Debian's 1.18 by default,
// another release under `npm run test:releases` (PGBOUNCER_TARGET, see test/support/pgbouncer-oracle.ts).
//
// Hand-written cases cover every row of the two tables of /work/shared/reference/
// pgbouncer-facts.md and every grammar quirk of the catalog's "ini_parser" section; generated
// cases cover every setting of schemas/pgbouncer-settings.json (a valid value for each
// [pgbouncer] setting and each value of every enum, an invalid one for every int/uint/bool/time/
// enum setting, and one entry per [databases]/[users]/[peers] parameter).
//
// `expect` is what the 1.18.0 binary was measured to do, `expectBy` what other releases do (the test
// checks that the binary still does, so a case cannot silently stop testing what its name says).
// The generated cases are built for the target release: settings and values it has are valid,
// newer ones refused. Placeholders ({{dir}}, {{port}}, {{port+N}}) are explained in
// test/support/pgbouncer-oracle.ts.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import schema from '../../schemas/pgbouncer-settings.json';
import { ORACLE_TARGET, compareVersions } from '../support/pgbouncer-oracle';
import { STARTUP_CASES } from './startup';

export interface OracleCase {
  name: string;
  config: string;
  /** Run untouched (no sandbox overrides of listen_addr/listen_port/unix_socket_dir/pidfile/logfile). */
  asIs?: boolean;
  /** Files written next to the config (the process's working directory). */
  extraFiles?: Record<string, string>;
  note?: string;
  /** PgBouncer 1.18.0's measured verdict. */
  expect?: 'accept' | 'reject';
  /**
   * Verdicts measured on other releases, by "major.minor" (e.g. { '1.21': 'reject' }). On a release
   * without an entry the case only checks that our engine agrees with the binary.
   */
  expectBy?: Record<string, 'accept' | 'reject'>;
  /** The releases the case is about (at least this "major.minor"); older ones leave it out. */
  since?: string;
}

/** The measured verdict a case expects from release `target` ("major.minor"), if it has one. */
export function expectedVerdict(c: OracleCase, target: string): 'accept' | 'reject' | undefined {
  return c.expectBy?.[target] ?? (target === '1.18' ? c.expect : undefined);
}

/** False when the case is about later releases than `target` (its `since`). */
export function appliesTo(c: OracleCase, target: string): boolean {
  return !c.since || compareVersions(target, c.since) >= 0;
}

interface SchemaSetting {
  name: string;
  section: 'pgbouncer' | 'databases' | 'users' | 'peers';
  type: string;
  default: string | null;
  addedIn: string;
  platform?: string;
  values?: { name: string; addedIn: string; removedIn?: string }[];
}

export const SETTINGS: SchemaSetting[] = (schema as unknown as { settings: SchemaSetting[] }).settings;

/** The release the generated cases are built for ("major.minor"). */
const TARGET = ORACLE_TARGET;

const minorOf = (version: string): string => version.split('.').slice(0, 2).join('.');

/** True when a setting/value added in `addedIn` exists in the target release (any patch level). */
export function inTarget(addedIn: string): boolean {
  return addedIn !== 'unreleased' && compareVersions(minorOf(addedIn), TARGET) <= 0;
}

/** True when something removed in `removedIn` is gone in the target release. */
function removedByTarget(removedIn: string | undefined): boolean {
  return removedIn !== undefined && compareVersions(minorOf(removedIn), TARGET) <= 0;
}

/** A generated case's verdict: `expect` when the target is 1.18, else the target's `expectBy`. */
function verdictAt(verdict: 'accept' | 'reject'): Pick<OracleCase, 'expect' | 'expectBy'> {
  return TARGET === '1.18' ? { expect: verdict } : { expectBy: { [TARGET]: verdict } };
}

// ---------------------------------------------------------------------------------------------
// Files the cases use

/** A self-signed key/certificate pair made with openssl, or null when openssl is not available. */
function makeTlsPair(): { key: string; cert: string } | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgb-oracle-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore', timeout: 30_000 },
    );
    return {
      key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } catch {
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const TLS_PAIR = makeTlsPair();

/** server.key / server.crt / ca.crt (the self-signed certificate doubles as its own CA). */
const TLS_FILES: Record<string, string> | null = TLS_PAIR
  ? { 'server.key': TLS_PAIR.key, 'server.crt': TLS_PAIR.cert, 'ca.crt': TLS_PAIR.cert }
  : null;

const CLIENT_TLS = 'client_tls_key_file = server.key\nclient_tls_cert_file = server.crt\n';
const CLIENT_CA = 'client_tls_ca_file = ca.crt\n';

const USERLIST = '"postgres" "secret"\n"app" "md5d4c9d0e7c2d0e8f0a4b3c2d1e0f9a8b7"\n';
const HBA = 'local all all trust\nhost all all 127.0.0.1/32 md5\n';
const RESOLV = 'nameserver 127.0.0.1\n';

const MAIN = '[pgbouncer]\n';
const DB = '[pgbouncer]\n\n[databases]\n';

// ---------------------------------------------------------------------------------------------
// Hand-written cases

const cases: OracleCase[] = [];
const add = (c: OracleCase): void => {
  cases.push(c);
};
const accept = (name: string, config: string, extra: Partial<OracleCase> = {}): void =>
  add({ name, config, expect: 'accept', ...extra });
const reject = (name: string, config: string, extra: Partial<OracleCase> = {}): void =>
  add({ name, config, expect: 'reject', ...extra });

// --- facts.md: "Error behaviour on 1.18.0" -----------------------------------------------------
reject('facts: unknown key foo_bar in [pgbouncer]', MAIN + 'foo_bar = 1\n');
reject('facts: unknown connection parameter foo in [databases]', DB + 'db2 = host=127.0.0.1 foo=bar\n');
reject('facts: bad int max_client_conn = abc', MAIN + 'max_client_conn = abc\n');
accept('facts: negative int max_client_conn = -5', MAIN + 'max_client_conn = -5\n');
accept('facts: negative int default_pool_size = -1', MAIN + 'default_pool_size = -1\n');
reject('facts: bad bool maybe', MAIN + 'server_reset_query_always = maybe\n');
reject('facts: bad bool yes', MAIN + 'server_reset_query_always = yes\n');
reject('facts: bad bool true', MAIN + 'server_reset_query_always = true\n');
accept('facts: bool 2 is on', MAIN + 'server_reset_query_always = 2\n');
accept('facts: bool -1 is on', MAIN + 'server_reset_query_always = -1\n');
reject('facts: bad enum pool_mode = foo', MAIN + 'pool_mode = foo\n');
accept('facts: enum pool_mode = TRANSACTION (case-insensitive)', MAIN + 'pool_mode = TRANSACTION\n');
reject('facts: time with unit server_lifetime = 10s', MAIN + 'server_lifetime = 10s\n');
for (const value of ['1.5', '.5', '1e3', '0x10', 'inf', 'nan']) {
  accept(`facts: time server_lifetime = ${value}`, MAIN + `server_lifetime = ${value}\n`);
}
reject('facts: time server_lifetime = -1', MAIN + 'server_lifetime = -1\n');
reject('facts: time server_lifetime = 1,5', MAIN + 'server_lifetime = 1,5\n');
accept('facts: duplicate key, last wins', MAIN + 'max_client_conn = 10\nmax_client_conn = 20\n');
accept('facts: duplicate database name, last wins', DB + 'db1 = host=127.0.0.1\ndb1 = host=127.0.0.2\n');
reject('facts: [pgbouncer] key in [databases] (pool_mode = session)', DB + 'pool_mode = session\n');
reject('facts: database entry in [pgbouncer]', MAIN + 'db1 = host=127.0.0.1 dbname=app\n');
reject('facts: missing [pgbouncer] section', '[databases]\ndb1 = host=127.0.0.1\n');
reject('facts: empty file', '');
reject('facts: unknown section [foo]', '[foo]\n[pgbouncer]\n');
reject('facts: %include of a missing file', MAIN + '%include missing.ini\n');
accept('facts: auth_type = hba without auth_hba_file', MAIN + 'auth_type = hba\n', {
  note: 'PgBouncer logs "ERROR could not open hba config file" but starts.',
});
reject('facts: client_tls_sslmode = require without key/cert', MAIN + 'client_tls_sslmode = require\n');
accept(
  'facts: listen_port = 70000 (wraps to 16 bits)',
  MAIN + 'listen_addr = 127.0.0.1\nlisten_port = {{port+65536}}\nunix_socket_dir = {{dir}}\n',
  {
    asIs: true,
    note: 'As-is run. 70000 would bind 4464 (70000 - 65536), which may be busy here, so the port is a free port + 65536: PgBouncer binds the free port.',
  },
);
accept(
  'facts: listen_port = 111111 (wraps to 16 bits)',
  MAIN + 'listen_addr = 127.0.0.1\nlisten_port = {{port+131072}}\nunix_socket_dir = {{dir}}\n',
  {
    asIs: true,
    note: 'As-is run; 111111 binds 45575 (111111 - 65536); a free port + 131072 binds the free port.',
  },
);
accept(
  'facts: listen_port = 0 (ephemeral port)',
  MAIN + 'listen_addr = 127.0.0.1\nlisten_port = 0\nunix_socket_dir = {{dir}}\n',
  {
    asIs: true,
  },
);
reject(
  'facts: listen_port = -1 (getaddrinfo fails)',
  MAIN + 'listen_addr = 127.0.0.1\nlisten_port = -1\nunix_socket_dir = {{dir}}\n',
  {
    asIs: true,
    note: "FATAL getaddrinfo('127.0.0.1', '-1'): refused after the config is loaded, when binding.",
  },
);
accept(
  'listen_port = -1 without listen_addr (no TCP socket to resolve)',
  MAIN + 'listen_addr =\nlisten_port = -1\nunix_socket_dir = {{dir}}\n',
  {
    asIs: true,
    note: 'Only a Unix socket .s.PGSQL.-1 is created.',
  },
);
reject(
  'listen_port = 4294967295 (stored as -1)',
  MAIN + 'listen_addr = 127.0.0.1\nlisten_port = 4294967295\nunix_socket_dir = {{dir}}\n',
  {
    asIs: true,
  },
);
accept(
  'listen_port = 65536 (stored as 65536, binds an ephemeral port)',
  MAIN + 'listen_addr = 127.0.0.1\nlisten_port = 65536\nunix_socket_dir = {{dir}}\n',
  {
    asIs: true,
  },
);
reject(
  'nowhere to listen: listen_addr and unix_socket_dir both empty',
  MAIN + 'listen_addr =\nunix_socket_dir =\n',
  {
    asIs: true,
    note: 'FATAL nowhere to listen on.',
  },
);
accept(
  'listen_addr with blanks around the comma',
  MAIN + 'listen_addr = 127.0.0.1 , 127.0.0.2\nlisten_port = {{port}}\nunix_socket_dir = {{dir}}\n',
  {
    asIs: true,
  },
);
accept(
  'the same listen_addr twice (second bind only warned)',
  MAIN + 'listen_addr = 127.0.0.1,127.0.0.1\nlisten_port = {{port}}\nunix_socket_dir = {{dir}}\n',
  {
    asIs: true,
    note: 'WARNING cannot listen on 127.0.0.1:PORT: bind(): Address already in use, but it starts.',
  },
);
accept('resolv_conf pointing to a missing file', MAIN + 'resolv_conf = nothere.conf\n');
accept(
  'conffile pointing to a missing file (read only by RELOAD)',
  MAIN + 'conffile = /nonexistent/pgbouncer.ini\n',
);
accept('auth_file with broken content (non-fatal)', MAIN + 'auth_file = users.txt\n', {
  extraFiles: { 'users.txt': 'garbage "x\n' },
  note: 'ERROR broken auth file, but it starts.',
});
accept(
  'auth_hba_file with broken content (non-fatal)',
  MAIN + 'auth_type = hba\nauth_hba_file = hba.conf\n',
  {
    extraFiles: { 'hba.conf': 'garbage line here\nhost all\n' },
    note: 'WARNING could not parse hba config line 1/2, but it starts.',
  },
);
accept(
  'negative and zero sizes are accepted',
  MAIN + 'pkt_buf = -1\nsbuf_loopcnt = -1\nmax_client_conn = 0\nstats_period = 0\nunix_socket_mode = -1\n',
);
accept('facts: missing auth_file', MAIN + 'auth_file = missing-userlist.txt\n', {
  note: 'PgBouncer logs "ERROR could not open auth_file" but starts; our file check is a warning.',
});
reject('facts: line without =', MAIN + 'max_client_conn\n');

// --- facts.md: parser quirks / catalog ini_parser ----------------------------------------------
accept(
  'comment lines with ; and #',
  '; comment\n# comment\n[pgbouncer]\n  ; indented comment\n\t# tab-indented comment\n',
);
reject('inline ; comment after an int value', MAIN + 'max_client_conn = 10 ; comment\n');
reject('inline # comment after an int value', MAIN + 'max_client_conn = 10 # comment\n');
reject('inline ; comment after a time value', MAIN + 'server_lifetime = 10 ; seconds\n');
reject('inline # comment after an enum value', MAIN + 'pool_mode = session # default\n');
accept(
  'inline ; comment after a string value is kept in the value',
  MAIN + 'server_check_query = select 1 ; not a comment\n',
);
accept(
  'inline # comment after a string value is kept in the value',
  MAIN + 'server_reset_query = DISCARD ALL # comment\n',
);
accept(
  'inline comment in a connection string value (quoted)',
  DB + "db1 = host=127.0.0.1 dbname='app ; x'\n",
);
reject('inline ; comment in a connection string', DB + 'db1 = host=127.0.0.1 ; comment\n', {
  note: '";" is read as a parameter without "=".',
});
reject('quoted enum value is not unquoted', MAIN + 'pool_mode = "session"\n');
reject('single-quoted enum value is not unquoted', MAIN + "pool_mode = 'session'\n");
accept('quoted string value keeps its quotes', MAIN + 'server_reset_query = "DISCARD ALL"\n');
reject('quoted int value', MAIN + 'max_client_conn = "10"\n');
reject('quoted bool value', MAIN + 'log_connections = "1"\n');
reject('quoted time value', MAIN + 'server_lifetime = "10"\n');
reject(
  'no line continuation: backslash line then a line without =',
  MAIN + 'server_reset_query = DISCARD \\\nALL\n',
);
accept(
  'no line continuation: trailing backslash stays in a string value',
  MAIN + 'server_reset_query = DISCARD ALL \\\nmax_client_conn = 10\n',
);
reject('keys are case-sensitive: Max_Client_Conn', MAIN + 'Max_Client_Conn = 10\n');
reject('keys are case-sensitive: POOL_MODE', MAIN + 'POOL_MODE = session\n');
reject('sections are case-sensitive: [PGBOUNCER]', '[PGBOUNCER]\n');
reject('sections are case-sensitive: [Databases]', MAIN + '[Databases]\ndb1 = host=127.0.0.1\n');
reject('section name is not trimmed: [ pgbouncer ]', '[ pgbouncer ]\n');
reject('empty section name []', MAIN + '[]\n');
reject('section header missing ]', '[pgbouncer\n');
reject('section header missing ] after a valid section', MAIN + '[databases\ndb1 = host=127.0.0.1\n');
accept(
  'text after ] of a section header: [pgbouncer] key = v on one line',
  '[pgbouncer] max_client_conn = 50\n',
);
accept('two sections and a key on one line', '[databases] [pgbouncer] max_client_conn = 50\n');
accept('[databases] db = ... on one line', MAIN + '[databases] db1 = host=127.0.0.1\n', {
  note: 'After "]" parsing simply continues: db1 is an entry of [databases].',
});
reject('text after a section header that is not key = value', '[pgbouncer] garbage\n');
reject('section header with a second ]', '[pgbouncer]]\n');
reject('section name containing [', '[pgb[ouncer]\n');
accept('comment after a section header on the same line (;)', '[pgbouncer] ; comment\n');
accept('comment after a section header on the same line (#)', '[pgbouncer] # comment\n');
accept(
  'CRLF line endings',
  '[pgbouncer]\r\nmax_client_conn = 10\r\npool_mode = session\r\n\r\n[databases]\r\ndb1 = host=127.0.0.1 port=5432\r\n',
);
accept('CR-only line endings, one setting', '[pgbouncer]\rmax_client_conn = 10\r');
reject(
  'CR-only line endings: the value runs on to the end of the file',
  '[pgbouncer]\rmax_client_conn = 10\rpool_mode = session\r',
  {
    note: 'Only \\n ends a line: the value of max_client_conn is "10\\rpool_mode = session".',
  },
);
accept(
  'CR-only line endings: a string value swallows the rest',
  '[pgbouncer]\rserver_reset_query = DISCARD ALL\rpool_mode = nonsense\r',
);
accept('form feed and vertical tab are blanks', '[pgbouncer]\n\fmax_client_conn = 10\n\v\n');
reject('BOM in the middle of the file', MAIN + '\uFEFFmax_client_conn = 10\n');
reject('key with a non-ASCII letter', MAIN + 'm\u00e4x_client_conn = 10\n');
accept('non-ASCII text in a string value', MAIN + 'server_reset_query = caf\u00e9\n');
accept('string value starting with ;', MAIN + 'server_reset_query = ;x\n');
accept('string value containing =', MAIN + 'server_reset_query = a=b\n');
reject('int value after == (value starts with =)', MAIN + 'max_client_conn == 10\n');
reject('; between key and =', MAIN + 'max_client_conn ; = 10\n');
accept(
  'NUL character: PgBouncer stops reading there',
  MAIN +
    'listen_addr = 127.0.0.1\nlisten_port = {{port}}\nunix_socket_dir = {{dir}}\nmax_client_conn = 10\0garbage\nfoo_bar = 1\n[foo]\n',
  {
    asIs: true,
    note: 'As-is run: the sandbox overrides would be appended after the NUL, where PgBouncer does not read.',
  },
);
reject('UTF-8 BOM at the start', '\uFEFF[pgbouncer]\nmax_client_conn = 10\n');
accept('blank and whitespace-only lines', '\n\n   \n\t\n[pgbouncer]\n\n  \t  \nmax_client_conn = 10\n   \n');
accept('tabs around key, = and value', '[pgbouncer]\n\tmax_client_conn\t=\t10\t\n\tpool_mode=\tsession\n');
accept('no spaces around =', '[pgbouncer]\nmax_client_conn=10\n');
accept(
  'database names with . - * characters',
  DB + 'my.db = host=127.0.0.1\nmy-db = host=127.0.0.1\nmy*db = host=127.0.0.1\n_db9 = host=127.0.0.1\n',
);
reject('key with . in [pgbouncer] is an unknown setting', MAIN + 'max.client.conn = 10\n');
reject('key with $ is a syntax error', DB + 'my$db = host=127.0.0.1\n');
reject('key with a space is a syntax error', DB + 'my db = host=127.0.0.1\n');
reject('key followed by : instead of =', MAIN + 'max_client_conn: 10\n');
reject('single-quoted key is a syntax error in 1.18 (1.25+ only)', DB + "'my db' = host=127.0.0.1\n");
reject('single-quoted plain key is a syntax error in 1.18', DB + "'db1' = host=127.0.0.1\n");
reject('double-quoted database name is a syntax error', DB + '"my db" = host=127.0.0.1\n');
reject('line that is only =', MAIN + '= 10\n');
accept('empty value for a string setting', MAIN + 'server_reset_query =\n');
reject('empty value for an int setting', MAIN + 'max_client_conn =\n');
reject('empty value for a time setting', MAIN + 'server_lifetime =\n');
reject('empty value for a bool setting', MAIN + 'log_connections =\n');
reject('empty value for an enum setting', MAIN + 'pool_mode =\n');
reject('key before any section', 'max_client_conn = 10\n[pgbouncer]\n');
reject('unknown section [foo] after [pgbouncer]', MAIN + '[foo]\nbar = 1\n');
reject('unknown section [pgbouncer.extra]', MAIN + '[pgbouncer.extra]\n');
accept('[users] section exists in 1.18', MAIN + '[users]\n');
reject('[peers] section is unknown in 1.18 (1.19+)', MAIN + '[peers]\n');
reject('[peers] with an entry in 1.18', MAIN + '[peers]\n1 = host=127.0.0.1\n');
accept('sections may repeat', DB + 'db1 = host=127.0.0.1\n[users]\n[databases]\ndb2 = host=127.0.0.1\n');
accept(
  'second [pgbouncer] header (settings above it are reset)',
  MAIN + 'max_client_conn = 10\n[databases]\n[pgbouncer]\npool_mode = session\n',
);
accept(
  'second [pgbouncer] header resets an earlier fatal TLS setting',
  MAIN + 'client_tls_sslmode = require\n[pgbouncer]\nmax_client_conn = 10\n',
  { note: "The reset happens before TLS setup, so the first section's client_tls_sslmode is forgotten." },
);
reject(
  'second [pgbouncer] header does not undo an earlier invalid value',
  MAIN + 'max_client_conn = abc\n[pgbouncer]\nmax_client_conn = 10\n',
);
reject(
  '[pgbouncer] setting after a second [databases] header',
  DB + '[pgbouncer]\n[databases]\npool_mode = session\n',
);
reject('%INCLUDE in upper case is a syntax error', MAIN + '%INCLUDE extra.ini\n', {
  extraFiles: { 'extra.ini': 'max_client_conn = 10\n' },
});
reject('%include without a path', MAIN + '%include\n');
reject('%include with only blanks after it', MAIN + '%include   \n');

// --- %include ---------------------------------------------------------------------------------
accept('%include of a present file', MAIN + '%include extra.ini\n', {
  extraFiles: { 'extra.ini': 'max_client_conn = 10\n' },
});
accept('%include of a present file by absolute path', MAIN + '%include {{dir}}/extra.ini\n', {
  extraFiles: { 'extra.ini': 'max_client_conn = 10\n' },
});
accept('%include indented', MAIN + '   %include extra.ini\n', {
  extraFiles: { 'extra.ini': 'max_client_conn = 10\n' },
});
reject('%include of a file with an invalid value', MAIN + '%include extra.ini\n', {
  extraFiles: { 'extra.ini': 'max_client_conn = abc\n' },
});
reject('%include of a file starting with a UTF-8 BOM', MAIN + '%include extra.ini\n', {
  extraFiles: { 'extra.ini': '\uFEFFmax_client_conn = 10\n' },
});
reject('%include of a file with a syntax error', MAIN + '%include extra.ini\n', {
  extraFiles: { 'extra.ini': 'max_client_conn\n' },
});
accept('%include nested two levels', MAIN + '%include a.ini\n', {
  extraFiles: { 'a.ini': 'max_client_conn = 10\n%include b.ini\n', 'b.ini': 'pool_mode = transaction\n' },
});
reject('%include nested file is missing', MAIN + '%include a.ini\n', {
  extraFiles: { 'a.ini': 'max_client_conn = 10\n%include nothere.ini\n' },
});
reject('%include of itself (nesting too deep)', MAIN + '%include pgbouncer.ini\n');
reject('%include loop between two files', MAIN + '%include a.ini\n', {
  extraFiles: { 'a.ini': '%include b.ini\n', 'b.ini': '%include a.ini\n' },
});
{
  // A chain main -> f1 -> ... -> fN: measured where PgBouncer's limit of 10 nesting levels lies.
  const chain = (n: number): Record<string, string> => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= n; i++)
      files[`f${i}.ini`] = i < n ? `%include f${i + 1}.ini\n` : 'max_client_conn = 10\n';
    return files;
  };
  accept('%include chain of 9 files', MAIN + '%include f1.ini\n', { extraFiles: chain(9) });
  accept('%include chain of 10 files', MAIN + '%include f1.ini\n', { extraFiles: chain(10) });
  reject('%include chain of 11 files (too deep)', MAIN + '%include f1.ini\n', { extraFiles: chain(11) });
}
accept(
  '%include path is relative to the working directory, not the including file',
  MAIN + '%include sub/a.ini\n',
  {
    extraFiles: { 'sub/a.ini': '%include b.ini\n', 'b.ini': 'max_client_conn = 10\n' },
  },
);
reject('%include relative to the including file is not found', MAIN + '%include sub/a.ini\n', {
  extraFiles: { 'sub/a.ini': '%include b.ini\n', 'sub/b.ini': 'max_client_conn = 10\n' },
});
accept(
  '%include: section opened in the included file carries back',
  MAIN + '%include dbs.ini\ndb2 = host=127.0.0.1\n',
  {
    extraFiles: { 'dbs.ini': '[databases]\ndb1 = host=127.0.0.1\n' },
  },
);
reject(
  '%include: [pgbouncer] key after an include that opened [databases]',
  MAIN + '%include dbs.ini\npool_mode = session\n',
  {
    extraFiles: { 'dbs.ini': '[databases]\ndb1 = host=127.0.0.1\n' },
  },
);
accept("%include: the includer's section carries into the included file", DB + '%include dbs.ini\n', {
  extraFiles: { 'dbs.ini': 'db1 = host=127.0.0.1\n' },
});
reject('%include: database entries in a file included from [pgbouncer]', MAIN + '%include dbs.ini\n', {
  extraFiles: { 'dbs.ini': 'db1 = host=127.0.0.1\n' },
});
accept(
  '%include: included file opens [pgbouncer]',
  '[databases]\ndb1 = host=127.0.0.1\n%include main.ini\n',
  {
    extraFiles: { 'main.ini': '[pgbouncer]\nmax_client_conn = 10\n' },
  },
);
accept('%include of an empty file', MAIN + '%include empty.ini\n', { extraFiles: { 'empty.ini': '' } });
accept('%include twice of the same file', MAIN + '%include extra.ini\n%include extra.ini\n', {
  extraFiles: { 'extra.ini': 'max_client_conn = 10\n' },
});
accept('%include of a directory', MAIN + '%include sub\n', {
  extraFiles: { 'sub/x.ini': 'max_client_conn = abc\n' },
  note: 'Measured: PgBouncer 1.18 silently reads a directory as an empty file (no log line) and starts.',
});
reject('%include path with quotes (no quote removal)', MAIN + '%include "extra.ini"\n', {
  extraFiles: { 'extra.ini': 'max_client_conn = 10\n' },
});
reject(
  '%include path with a trailing ; comment (part of the path)',
  MAIN + '%include extra.ini ; comment\n',
  {
    extraFiles: { 'extra.ini': 'max_client_conn = 10\n' },
  },
);
accept('%include separated by a tab, trailing blanks trimmed', MAIN + '%include\textra.ini   \n', {
  extraFiles: { 'extra.ini': 'max_client_conn = 10\n' },
});
accept('%include ~/x.ini: no ~ expansion, relative to the working directory', MAIN + '%include ~/x.ini\n', {
  extraFiles: { '~/x.ini': 'max_client_conn = 10\n' },
});
reject('%include= is not an include', MAIN + '%include=extra.ini\n');
reject('key starting with %', MAIN + '%foo = 1\n');
accept('TLS key/cert given in an included file', MAIN + 'client_tls_sslmode = require\n%include tls.ini\n', {
  extraFiles: { ...(TLS_FILES ?? {}), 'tls.ini': CLIENT_TLS },
});

// --- ints --------------------------------------------------------------------------------------
accept('int octal 010', MAIN + 'max_client_conn = 010\n');
reject('int 08 (invalid octal)', MAIN + 'max_client_conn = 08\n');
reject('int 0999 (invalid octal)', MAIN + 'max_client_conn = 0999\n');
accept('int hex 0x10', MAIN + 'max_client_conn = 0x10\n');
accept('int hex 0X1f upper-case', MAIN + 'max_client_conn = 0X1f\n');
reject('int 0x without digits', MAIN + 'max_client_conn = 0x\n');
accept('int +5', MAIN + 'max_client_conn = +5\n');
accept('int -5', MAIN + 'max_client_conn = -5\n');
accept('int -0x10', MAIN + 'default_pool_size = -0x10\n');
accept('int overflow 4294967297 (truncated to 1)', MAIN + 'max_client_conn = 4294967297\n');
accept('int overflow 2147483648', MAIN + 'default_pool_size = 2147483648\n');
accept('int beyond long range 99999999999999999999', MAIN + 'default_pool_size = 99999999999999999999\n', {
  note: 'strtol clamps to LONG_MAX and sets ERANGE, which PgBouncer ignores (stored as -1).',
});
reject('int empty', MAIN + 'max_client_conn =\n');
reject('int with a space inside (1 0)', MAIN + 'max_client_conn = 1 0\n');
reject('int with a unit (100k)', MAIN + 'pkt_buf = 4k\n');
reject('int with a decimal point', MAIN + 'max_client_conn = 10.0\n');
accept('int -0', MAIN + 'default_pool_size = -0\n');
accept('int -2147483649 (truncated)', MAIN + 'default_pool_size = -2147483649\n');
reject('int 0b101 (no binary literals in strtol here)', MAIN + 'default_pool_size = 0b101\n');
accept('max_packet_size beyond unsigned long range', MAIN + 'max_packet_size = 99999999999999999999999\n');
accept('bool 0x0 is off', MAIN + 'log_connections = 0x0\n');
reject('enum with trailing ;', MAIN + 'pool_mode = session;\n');
reject('int ++5', MAIN + 'max_client_conn = ++5\n');
accept('int 0', MAIN + 'default_pool_size = 0\n');
accept('unix_socket_mode octal 0777', MAIN + 'unix_socket_mode = 0777\n');
accept('unix_socket_mode decimal 511', MAIN + 'unix_socket_mode = 511\n');
reject('unix_socket_mode 0999', MAIN + 'unix_socket_mode = 0999\n');
accept('max_packet_size (unsigned) -1', MAIN + 'max_packet_size = -1\n');
accept('max_packet_size (unsigned) 4294967295', MAIN + 'max_packet_size = 4294967295\n');
accept('max_packet_size 4294967296', MAIN + 'max_packet_size = 4294967296\n');
reject('max_packet_size abc', MAIN + 'max_packet_size = abc\n');
accept('pkt_buf = 0', MAIN + 'pkt_buf = 0\n');
accept('max_client_conn very large (fd limit only warned)', MAIN + 'max_client_conn = 1000000\n');

// --- bools -------------------------------------------------------------------------------------
for (const value of ['0', '1', '2', '-1', '0x1', '010']) {
  accept(`bool log_connections = ${value}`, MAIN + `log_connections = ${value}\n`);
}
for (const value of ['yes', 'no', 'true', 'false', 'on', 'off', '1.0']) {
  reject(`bool log_connections = ${value}`, MAIN + `log_connections = ${value}\n`);
}

// --- enums -------------------------------------------------------------------------------------
accept('enum upper case SESSION', MAIN + 'pool_mode = SESSION\n');
accept('enum mixed case Statement', MAIN + 'pool_mode = Statement\n');
accept('enum auth_type upper case SCRAM-SHA-256', MAIN + 'auth_type = SCRAM-SHA-256\n');
accept('enum with blanks around it (trimmed by the ini reader)', MAIN + 'pool_mode =    transaction   \t\n');
reject('enum with a space inside', MAIN + 'pool_mode = session mode\n');
reject('enum with an underscore instead of a dash', MAIN + 'auth_type = scram_sha_256\n');
reject('enum double-quoted', MAIN + 'auth_type = "md5"\n');
reject('auth_type crypt (removed in 1.7)', MAIN + 'auth_type = crypt\n');
reject('client_tls_sslmode disabled (1.7 only)', MAIN + 'client_tls_sslmode = disabled\n');
reject('auth_type ldap (1.25+)', MAIN + 'auth_type = ldap\n');

// --- times -------------------------------------------------------------------------------------
for (const value of ['nan(1)', '-nan', '+inf', '1e+3', '0x.8', '1.e3']) {
  accept(`time query_timeout = ${value}`, MAIN + `query_timeout = ${value}\n`);
}
for (const value of ['1e', '.', '+', 'e5', '1e3s']) {
  reject(`time query_timeout = ${value}`, MAIN + `query_timeout = ${value}\n`);
}
for (const value of [
  '0',
  '10',
  '1.5',
  '.5',
  '5.',
  '1e3',
  '1E3',
  '0x10',
  '0x1p3',
  'inf',
  'INF',
  'infinity',
  'nan',
  'NaN',
  '+5',
  '-0',
  '1e-7',
  '  7',
]) {
  accept(`time server_idle_timeout = ${value}`, MAIN + `server_idle_timeout = ${value}\n`);
}
for (const value of [
  '10s',
  '10ms',
  '1min',
  '-1',
  '-0.5',
  '-inf',
  '1,5',
  '1e999',
  '1e-400',
  'abc',
  '1.5.5',
  '0x',
  '5 s',
]) {
  reject(`time server_idle_timeout = ${value}`, MAIN + `server_idle_timeout = ${value}\n`);
}

// --- connection strings ----------------------------------------------------------------------
accept('connstr: single-quoted value with spaces', DB + "db1 = host=127.0.0.1 dbname='my db'\n");
accept("connstr: '' escape inside quotes", DB + "db1 = host=127.0.0.1 dbname='app''db'\n");
reject("connstr: quoted empty value ''", DB + "db1 = host=127.0.0.1 password=''\n", {
  note: 'A quoted empty value is an empty value: syntax error in connection string.',
});
reject('connstr: unterminated quote', DB + "db1 = host=127.0.0.1 dbname='app\n");
accept('connstr: spaces around =', DB + 'db1 = host = 127.0.0.1  port = 5432\n');
accept('connstr: several spaces between pairs', DB + 'db1 =   host=127.0.0.1     port=5432   \n');
reject('connstr: empty value dbname=', DB + 'db1 = host=127.0.0.1 dbname=\n');
accept(
  'connstr: "dbname= host=x" takes host=x as the value of dbname',
  DB + 'db1 = dbname= host=127.0.0.1\n',
  {
    note: 'Blanks after "=" are skipped, so the next word is the value.',
  },
);
accept('connstr: empty connection string', DB + 'db1 =\n');
reject('connstr: unknown key', DB + 'db1 = host=127.0.0.1 foo=bar\n');
reject('connstr: key case matters (Host)', DB + 'db1 = Host=127.0.0.1\n');
reject('connstr: key case matters (DBNAME)', DB + 'db1 = DBNAME=app\n');
reject('connstr: port 0', DB + 'db1 = host=127.0.0.1 port=0\n');
reject('connstr: port abc', DB + 'db1 = host=127.0.0.1 port=abc\n');
accept('connstr: port 10abc (atoi reads 10)', DB + 'db1 = host=127.0.0.1 port=10abc\n');
accept('connstr: port 70000', DB + 'db1 = host=127.0.0.1 port=70000\n');
accept('connstr: port -1', DB + 'db1 = host=127.0.0.1 port=-1\n', { note: 'Measured.' });
accept('connstr: quoted port', DB + "db1 = host=127.0.0.1 port='5432'\n");
accept('connstr: tab as separator (tab is part of the value)', DB + 'db1 = host=127.0.0.1\tport=5432\n', {
  note: 'The host becomes "127.0.0.1\\tport=5432"; PgBouncer does not resolve hosts at startup.',
});
accept('connstr: tab then an unknown key (tab is not a separator)', DB + 'db1 = host=127.0.0.1\tfoo=bar\n');
reject('connstr: tab between key and =', DB + 'db1 = dbname\t=app\n', {
  note: 'The key becomes "dbname<TAB>": unrecognized connection parameter.',
});
accept('connstr: quote inside an unquoted value', DB + "db1 = host=127.0.0.1 password=a'b\n");
accept('connstr: pool_size 5x (atoi)', DB + 'db1 = host=127.0.0.1 pool_size=5x\n');
accept('connstr: host list and port list', DB + 'db1 = host=127.0.0.1,127.0.0.2 port=5432,5433\n');
accept(
  'connstr: long values (user name truncated with a warning)',
  DB +
    `db1 = host=127.0.0.1 user=${'u'.repeat(200)} password=${'p'.repeat(3000)} dbname=${'d'.repeat(300)}\n`,
);
accept('database with an empty name', DB + '= host=127.0.0.1\n', {
  note: 'Measured: a database named "" is accepted.',
});
accept('database name of 63 characters', DB + `${'d'.repeat(63)} = host=127.0.0.1\n`);
reject('database name of 64 characters (too long)', DB + `${'d'.repeat(64)} = host=127.0.0.1\n`, {
  note: 'WARNING too long db name / ERROR cannot create database, no memory? (names are limited to 63 bytes).',
});
reject('database name of 100 characters with an empty connstring', DB + `${'d'.repeat(100)} =\n`);
reject('database name with non-ASCII letters is a syntax error', DB + 'd\u00e9b = host=127.0.0.1\n');
accept('connstr: tab before the first pair', DB + 'db1 =\thost=127.0.0.1 port=5432\n');
accept(
  'connstr: character right after a closing quote is dropped',
  DB + "db1 = dbname='app'x host=127.0.0.1\n",
);
reject(
  "connstr: no space after a closing quote eats the next key's first letter",
  DB + "db1 = dbname='app'host=127.0.0.1\n",
  {
    note: '"h" is dropped and "ost=127.0.0.1" is an unknown parameter.',
  },
);
reject("connstr: unterminated after an escaped quote ('a'')", DB + "db1 = host=127.0.0.1 dbname='a''\n");
accept("connstr: escaped quote at the end ('a''')", DB + "db1 = host=127.0.0.1 dbname='a'''\n");
reject('connstr: backslash does not escape a space', DB + 'db1 = host=127.0.0.1 password=a\\ b\n');
reject('connstr: double quotes are not quotes', DB + 'db1 = host=127.0.0.1 dbname="my db"\n');
accept(
  'connstr: tab right after a closing quote is dropped',
  DB + "db1 = dbname='app'\tport=5432 host=127.0.0.1\n",
);
accept('connstr: # inside a value', DB + 'db1 = host=127.0.0.1 password=abc#def\n');
reject('connstr: port 0x10 (atoi reads 0: invalid port)', DB + 'db1 = host=127.0.0.1 port=0x10\n');
reject('connstr: key without = ', DB + 'db1 = host=127.0.0.1 dbname\n');
reject('connstr: = without a key', DB + 'db1 = =app\n');
accept('connstr: duplicate key, last wins', DB + 'db1 = host=127.0.0.1 host=127.0.0.2\n');
accept('connstr: pool_size abc (atoi reads 0)', DB + 'db1 = host=127.0.0.1 pool_size=abc\n');
accept('connstr: pool_size -5', DB + 'db1 = host=127.0.0.1 pool_size=-5\n');
reject('connstr: pool_mode foo', DB + 'db1 = host=127.0.0.1 pool_mode=foo\n');
accept('connstr: pool_mode upper case', DB + 'db1 = host=127.0.0.1 pool_mode=TRANSACTION\n');
accept('connstr: value with = inside', DB + 'db1 = host=127.0.0.1 password=a=b\n');
accept(
  'connstr: database names are case-sensitive (D1 and d1)',
  DB + 'D1 = host=127.0.0.1\nd1 = host=127.0.0.2\n',
);
reject('reserved database name pgbouncer', DB + 'pgbouncer = host=127.0.0.1\n');
accept('database name PGBOUNCER (reservation is case-sensitive?)', DB + 'PGBOUNCER = host=127.0.0.1\n', {
  note: 'Measured.',
});
accept('fallback database * with a valid connstring', DB + '* = host=127.0.0.1\n');
accept('fallback database * with an unknown parameter', DB + '* = host=127.0.0.1 foo=bar\n', {
  note: 'The autodb connection string is only parsed when a client asks for an unlisted database.',
});
accept('fallback database * with an unterminated quote', DB + "* = dbname='x\n");
accept('fallback database * with pool_mode=foo', DB + '* = host=127.0.0.1 pool_mode=foo\n');
accept('fallback database * with port=0', DB + '* = host=127.0.0.1 port=0\n');

// --- [users] -----------------------------------------------------------------------------------
accept('[users] pool_mode = transaction', MAIN + '[users]\npostgres = pool_mode=transaction\n');
accept('[users] max_user_connections = 10', MAIN + '[users]\napp = max_user_connections=10\n');
accept(
  '[users] both parameters, spaces around =',
  MAIN + '[users]\napp = pool_mode = session  max_user_connections = 5\n',
);
accept('[users] empty value', MAIN + '[users]\napp =\n');
reject('[users] invalid pool_mode', MAIN + '[users]\napp = pool_mode=foo\n');
reject('[users] unknown parameter', MAIN + '[users]\napp = foo=bar\n');
reject('[users] [databases] parameter host', MAIN + '[users]\napp = host=127.0.0.1\n');
accept('[users] max_user_connections abc (atoi)', MAIN + '[users]\napp = max_user_connections=abc\n');
reject('[users] unterminated quote', MAIN + "[users]\napp = pool_mode='session\n");
reject('[users] empty value of a parameter', MAIN + '[users]\napp = pool_mode=\n');
accept('[users] user named pgbouncer', MAIN + '[users]\npgbouncer = pool_mode=session\n');
accept('[users] user named *', MAIN + '[users]\n* = pool_mode=session\n');
accept('[users] user with an empty name', MAIN + '[users]\n= pool_mode=session\n');
accept(
  '[users] user name of 200 characters (truncated with a warning)',
  MAIN + `[users]\n${'u'.repeat(200)} = pool_mode=session\n`,
);
reject('[users] pool_size (1.23+)', MAIN + '[users]\napp = pool_size=5\n');

// --- TLS ----------------------------------------------------------------------------------------
reject('tls: client_tls_sslmode allow without key/cert', MAIN + 'client_tls_sslmode = allow\n');
reject('tls: client_tls_sslmode prefer without key/cert', MAIN + 'client_tls_sslmode = prefer\n');
reject('tls: client_tls_sslmode verify-full without key/cert', MAIN + 'client_tls_sslmode = verify-full\n');
accept(
  'tls: client_tls_sslmode disable with TLS garbage settings',
  MAIN +
    'client_tls_protocols = bogus\nclient_tls_dheparams = bogus\nclient_tls_ciphers = bogus\nclient_tls_ecdhcurve = bogus\n',
);
reject('tls: auth_type cert with client_tls_sslmode disable', MAIN + 'auth_type = cert\n');
accept(
  'tls: server_tls_sslmode disable with bad server_tls_protocols',
  MAIN + 'server_tls_sslmode = disable\nserver_tls_protocols = tlsv9\n',
);
accept(
  'tls: default server_tls_sslmode (disable in 1.18) with bad server_tls_protocols',
  MAIN + 'server_tls_protocols = tlsv9\n',
);
reject(
  'tls: server_tls_sslmode require with bad server_tls_protocols',
  MAIN + 'server_tls_sslmode = require\nserver_tls_protocols = tlsv9\n',
);
reject(
  'tls: server_tls_sslmode prefer with bad server_tls_protocols',
  MAIN + 'server_tls_sslmode = prefer\nserver_tls_protocols = tlsv9\n',
);
reject(
  'tls: server_tls_sslmode allow with bad server_tls_protocols',
  MAIN + 'server_tls_sslmode = allow\nserver_tls_protocols = tlsv9\n',
);
accept(
  'tls: server_tls_sslmode require with server_tls_protocols list',
  MAIN + 'server_tls_sslmode = require\nserver_tls_protocols = tlsv1.2,tlsv1.3\n',
);
accept(
  'tls: server_tls_protocols legacy',
  MAIN + 'server_tls_sslmode = require\nserver_tls_protocols = legacy\n',
);
accept(
  'tls: server_tls_protocols all,!tlsv1',
  MAIN + 'server_tls_sslmode = require\nserver_tls_protocols = all,!tlsv1\n',
);
accept(
  'tls: server_tls_protocols colon list',
  MAIN + 'server_tls_sslmode = require\nserver_tls_protocols = tlsv1.2:tlsv1.3\n',
);
reject(
  'tls: server_tls_protocols space-separated list',
  MAIN + 'server_tls_sslmode = require\nserver_tls_protocols = tlsv1.2 tlsv1.3\n',
);
accept('tls: server_tls_protocols empty', MAIN + 'server_tls_sslmode = require\nserver_tls_protocols =\n');
accept(
  'tls: server_tls_protocols upper case TLSV1.2',
  MAIN + 'server_tls_sslmode = require\nserver_tls_protocols = TLSV1.2\n',
);
accept(
  'tls: server TLS off, client TLS off: bad server_tls_protocols and ciphers',
  MAIN + 'server_tls_protocols = tlsv9\nserver_tls_ciphers = nonsense\nclient_tls_protocols = tlsv9\n',
);
reject(
  'tls: second [pgbouncer] header loses client TLS files set above it',
  MAIN +
    'client_tls_key_file = server.key\nclient_tls_cert_file = server.crt\n[pgbouncer]\nclient_tls_sslmode = require\n',
  {
    extraFiles: TLS_FILES ?? {},
  },
);
reject(
  'tls: server_tls_ciphers with a TLS 1.3 suite name only',
  MAIN + 'server_tls_sslmode = require\nserver_tls_ciphers = TLS_AES_256_GCM_SHA384\n',
  {
    note: "OpenSSL's cipher list covers TLS <= 1.2 only; a TLS 1.3 suite name selects nothing.",
  },
);
reject(
  'tls: server_tls_sslmode require with bad server_tls_ciphers',
  MAIN + 'server_tls_sslmode = require\nserver_tls_ciphers = nonsense\n',
);
accept(
  'tls: server_tls_sslmode require with empty server_tls_ciphers',
  MAIN + 'server_tls_sslmode = require\nserver_tls_ciphers =\n',
);
accept('tls: server_tls_sslmode verify-ca without CA file', MAIN + 'server_tls_sslmode = verify-ca\n');
accept(
  'tls: server_tls_sslmode require with cipher list',
  MAIN + 'server_tls_sslmode = require\nserver_tls_ciphers = HIGH:!aNULL\n',
);
accept('tls: server_tls_sslmode verify-full without CA file', MAIN + 'server_tls_sslmode = verify-full\n', {
  note: 'Server side uses the system CA store.',
});
accept(
  'tls: server_tls_sslmode require with missing server key/cert files',
  MAIN + 'server_tls_sslmode = require\nserver_tls_key_file = nokey.key\nserver_tls_cert_file = nocert.crt\n',
  {
    note: 'Server-side key/cert files are not loaded at startup (missing files are judged separately anyway).',
  },
);
if (TLS_FILES) {
  const t = { extraFiles: TLS_FILES };
  accept(
    'tls: client_tls_sslmode require with key/cert',
    MAIN + 'client_tls_sslmode = require\n' + CLIENT_TLS,
    t,
  );
  accept(
    'tls: client_tls_sslmode allow with key/cert',
    MAIN + 'client_tls_sslmode = allow\n' + CLIENT_TLS,
    t,
  );
  reject(
    'tls: client_tls_sslmode require with only a cert file',
    MAIN + 'client_tls_sslmode = require\nclient_tls_cert_file = server.crt\n',
    t,
  );
  reject(
    'tls: client_tls_sslmode require with only a key file',
    MAIN + 'client_tls_sslmode = require\nclient_tls_key_file = server.key\n',
    t,
  );
  accept(
    'tls: client_tls_sslmode verify-ca without CA file',
    MAIN + 'client_tls_sslmode = verify-ca\n' + CLIENT_TLS,
    t,
  );
  reject(
    'tls: client_tls_sslmode verify-full without CA file',
    MAIN + 'client_tls_sslmode = verify-full\n' + CLIENT_TLS,
    t,
  );
  accept(
    'tls: client_tls_sslmode verify-full with CA file',
    MAIN + 'client_tls_sslmode = verify-full\n' + CLIENT_TLS + CLIENT_CA,
    t,
  );
  reject(
    'tls: auth_type cert with client_tls_sslmode require',
    MAIN + 'auth_type = cert\nclient_tls_sslmode = require\n' + CLIENT_TLS + CLIENT_CA,
    t,
  );
  reject(
    'tls: auth_type cert with client_tls_sslmode verify-ca',
    MAIN + 'auth_type = cert\nclient_tls_sslmode = verify-ca\n' + CLIENT_TLS + CLIENT_CA,
    t,
  );
  accept(
    'tls: auth_type cert with verify-full and CA',
    MAIN + 'auth_type = cert\nclient_tls_sslmode = verify-full\n' + CLIENT_TLS + CLIENT_CA,
    t,
  );
  reject(
    'tls: auth_type cert with verify-full without CA',
    MAIN + 'auth_type = cert\nclient_tls_sslmode = verify-full\n' + CLIENT_TLS,
    t,
  );
  reject(
    'tls: bad client_tls_dheparams with client TLS on',
    MAIN + 'client_tls_sslmode = require\n' + CLIENT_TLS + 'client_tls_dheparams = bogus\n',
    t,
  );
  for (const value of ['none', 'auto', 'legacy', 'AUTO']) {
    accept(
      `tls: client_tls_dheparams ${value}`,
      MAIN + 'client_tls_sslmode = require\n' + CLIENT_TLS + `client_tls_dheparams = ${value}\n`,
      t,
    );
  }
  reject(
    'tls: bad client_tls_ecdhcurve with client TLS on',
    MAIN + 'client_tls_sslmode = require\n' + CLIENT_TLS + 'client_tls_ecdhcurve = bogus\n',
    t,
  );
  accept(
    'tls: client_tls_ecdhcurve prime256v1',
    MAIN + 'client_tls_sslmode = require\n' + CLIENT_TLS + 'client_tls_ecdhcurve = prime256v1\n',
    t,
  );
  reject(
    'tls: bad client_tls_ciphers with client TLS on',
    MAIN + 'client_tls_sslmode = require\n' + CLIENT_TLS + 'client_tls_ciphers = bogus\n',
    t,
  );
  reject(
    'tls: bad client_tls_protocols with client TLS on',
    MAIN + 'client_tls_sslmode = require\n' + CLIENT_TLS + 'client_tls_protocols = tlsv9\n',
    t,
  );
  accept(
    'tls: client_tls_protocols legacy',
    MAIN + 'client_tls_sslmode = require\n' + CLIENT_TLS + 'client_tls_protocols = legacy\n',
    t,
  );
  const on = MAIN + 'client_tls_sslmode = require\n' + CLIENT_TLS;
  for (const value of [
    'tlsv1.2, tlsv1.3',
    'tlsv1.2,\ttlsv1.3',
    'tlsv1',
    'tlsv1.0',
    'tlsv1.1',
    'SECURE',
    'default',
    'all',
    '!all',
    '',
  ]) {
    accept(`tls: client_tls_protocols ${JSON.stringify(value)}`, on + `client_tls_protocols = ${value}\n`, t);
  }
  for (const value of ['all,-tlsv1', '+tlsv1.2', 'tlsv1.2,', 'tlsv1.2,,tlsv1.3', 'sslv3']) {
    reject(`tls: client_tls_protocols ${JSON.stringify(value)}`, on + `client_tls_protocols = ${value}\n`, t);
  }
  for (const value of [
    '',
    'fast',
    'normal',
    'secure',
    'compat',
    'legacy',
    'insecure',
    'all',
    'default',
    'DEFAULT',
    'HIGH:bogus',
  ]) {
    accept(`tls: client_tls_ciphers ${JSON.stringify(value)}`, on + `client_tls_ciphers = ${value}\n`, t);
  }
  reject('tls: client_tls_ciphers "!bogus"', on + 'client_tls_ciphers = !bogus\n', t);
  for (const value of ['', 'none', 'AUTO', 'secp384r1']) {
    accept(`tls: client_tls_ecdhcurve ${JSON.stringify(value)}`, on + `client_tls_ecdhcurve = ${value}\n`, t);
  }
  for (const value of ['X25519:P-256', 'X25519,P-256']) {
    reject(
      `tls: client_tls_ecdhcurve list ${JSON.stringify(value)} (one curve only in 1.18)`,
      on + `client_tls_ecdhcurve = ${value}\n`,
      t,
    );
  }
  accept('tls: client_tls_dheparams empty', on + 'client_tls_dheparams =\n', t);
  // Cipher lists go to OpenSSL (3.0 here) after libtls maps its keywords (default/secure, compat/legacy,
  // normal, fast, insecure/all); OpenSSL refuses a list that selects no TLS <= 1.2 cipher.
  const openssl = {
    ...t,
    note: 'Depends on the OpenSSL library PgBouncer is linked with (Debian 12: OpenSSL 3.0).',
  };
  for (const value of [
    'HIGH',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'bogus:HIGH',
    'HIGH bogus',
    'HIGH,MEDIUM',
    'DEFAULT:@SECLEVEL=0',
  ]) {
    accept(
      `tls: client_tls_ciphers ${JSON.stringify(value)}`,
      on + `client_tls_ciphers = ${value}\n`,
      openssl,
    );
  }
  for (const value of ['high', 'TLS_AES_256_GCM_SHA384', 'RC4', '!aNULL:bogus', '+HIGH']) {
    reject(
      `tls: client_tls_ciphers ${JSON.stringify(value)}`,
      on + `client_tls_ciphers = ${value}\n`,
      openssl,
    );
  }
  // One curve name for OBJ_txt2nid (case-sensitive short/long names or a numeric OID) that
  // EC_KEY_new_by_curve_name accepts; none/auto case-insensitively.
  for (const value of ['secp521r1', 'brainpoolP256r1', '1.2.840.10045.3.1.7']) {
    accept(
      `tls: client_tls_ecdhcurve ${JSON.stringify(value)}`,
      on + `client_tls_ecdhcurve = ${value}\n`,
      openssl,
    );
  }
  for (const value of ['X25519', 'P-256', 'PRIME256V1', 'sha256']) {
    reject(
      `tls: client_tls_ecdhcurve ${JSON.stringify(value)}`,
      on + `client_tls_ecdhcurve = ${value}\n`,
      openssl,
    );
  }
  for (const value of ['tlsv1.3', 'TLSV1.3', 'tlsv1.3,!tlsv1.3', 'tlsv1.2 ']) {
    accept(`tls: client_tls_protocols ${JSON.stringify(value)}`, on + `client_tls_protocols = ${value}\n`, t);
  }
  for (const value of ['tlsv1.2 ,tlsv1.3', '!', 'all,!', 'tlsv1.4']) {
    reject(`tls: client_tls_protocols ${JSON.stringify(value)}`, on + `client_tls_protocols = ${value}\n`, t);
  }
  accept(
    'tls: second [pgbouncer] header forgets the TLS files (sslmode reset too)',
    MAIN + 'client_tls_sslmode = require\n' + CLIENT_TLS + '[pgbouncer]\n',
    t,
  );
}

// ---------------------------------------------------------------------------------------------
// Generated: one config per setting of the schema

/** A value of each [pgbouncer] setting that PgBouncer accepts (when the release knows the setting). */
/**
 * The user and group PgBouncer runs as in the oracle: as root it drops to postgres (-u postgres);
 * otherwise it stays the user running the tests, and `user =` or `unix_socket_group =` naming anyone
 * else stops it (setuid and chown are refused), whatever the configuration says.
 */
const RUNS_AS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
const PROCESS_USER = RUNS_AS_ROOT ? 'postgres' : os.userInfo().username;
const PROCESS_GROUP = RUNS_AS_ROOT
  ? 'postgres'
  : execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim() || String(os.userInfo().gid);

const VALID_MAIN: Record<string, { value: string; extra?: string; files?: Record<string, string> }> = {
  admin_users: { value: 'postgres' },
  stats_users: { value: 'postgres, app' },
  auth_file: { value: 'userlist.txt', files: { 'userlist.txt': USERLIST } },
  auth_hba_file: { value: 'hba.conf', files: { 'hba.conf': HBA } },
  auth_ident_file: { value: 'ident.conf', files: { 'ident.conf': 'map postgres postgres\n' } },
  auth_user: { value: 'postgres' },
  auth_dbname: { value: 'postgres' },
  auth_query: { value: 'SELECT usename, passwd FROM pg_shadow WHERE usename=$1' },
  auth_ldap_options: { value: 'host=127.0.0.1 basedn="dc=example,dc=com"' },
  conffile: { value: 'pgbouncer.ini' },
  job_name: { value: 'pgbouncer' },
  service_name: { value: 'pgbouncer' },
  user: { value: PROCESS_USER },
  logfile: { value: '{{dir}}/pgbouncer.log' },
  pidfile: { value: '{{dir}}/pgbouncer.pid' },
  unix_socket_dir: { value: '{{dir}}' },
  unix_socket_group: { value: PROCESS_GROUP },
  unix_socket_mode: { value: '0777' },
  listen_addr: { value: '127.0.0.1' },
  listen_port: { value: '6432' },
  resolv_conf: { value: 'resolv.conf', files: { 'resolv.conf': RESOLV } },
  ignore_startup_parameters: { value: 'extra_float_digits, search_path' },
  track_extra_parameters: { value: 'IntervalStyle' },
  server_reset_query: { value: 'DISCARD ALL' },
  server_check_query: { value: 'select 1' },
  syslog_facility: { value: 'local0' },
  syslog_ident: { value: 'pgbouncer' },
  client_tls_ciphers: { value: 'HIGH:!aNULL' },
  server_tls_ciphers: { value: 'HIGH:!aNULL' },
  client_tls13_ciphers: { value: 'TLS_AES_256_GCM_SHA384' },
  server_tls13_ciphers: { value: 'TLS_AES_256_GCM_SHA384' },
  client_tls_protocols: { value: 'tlsv1.2,tlsv1.3' },
  server_tls_protocols: { value: 'tlsv1.2,tlsv1.3' },
  client_tls_dheparams: { value: 'auto' },
  client_tls_ecdhcurve: { value: 'auto' },
  login_notify_message: { value: 'hello' },
  verbose: { value: '1' },
  pkt_buf: { value: '4096' },
  max_packet_size: { value: '2147483647' },
  peer_id: { value: '1' },
  query_wait_notify: { value: '5' },
  scram_iterations: { value: '4096' },
};
for (const name of ['client_tls_key_file', 'client_tls_cert_file', 'client_tls_ca_file']) {
  const file =
    name === 'client_tls_key_file' ? 'server.key' : name === 'client_tls_ca_file' ? 'ca.crt' : 'server.crt';
  VALID_MAIN[name] = { value: file, files: TLS_FILES ?? { [file]: 'placeholder (TLS off, not read)\n' } };
  const server = name.replace('client_', 'server_');
  VALID_MAIN[server] = { value: file, files: TLS_FILES ?? { [file]: 'placeholder (TLS off, not read)\n' } };
}

/** Extra settings some enum values need to be accepted (null: cannot be built here). */
function enumContext(
  setting: string,
  value: string,
): { extra: string; files?: Record<string, string> } | null {
  const lower = value.toLowerCase();
  if (setting === 'client_tls_sslmode' && lower !== 'disable' && lower !== 'disabled') {
    if (!TLS_FILES) return null;
    return { extra: CLIENT_TLS + (lower === 'verify-full' ? CLIENT_CA : ''), files: TLS_FILES };
  }
  if (setting === 'auth_type' && lower === 'cert') {
    if (!TLS_FILES) return null;
    return { extra: 'client_tls_sslmode = verify-full\n' + CLIENT_TLS + CLIENT_CA, files: TLS_FILES };
  }
  return { extra: '' };
}

function validValueFor(s: SchemaSetting): string {
  if (VALID_MAIN[s.name]) return VALID_MAIN[s.name].value;
  switch (s.type) {
    case 'int':
    case 'uint':
      return s.default !== null && /^-?\d+$/.test(s.default) ? s.default : '5';
    case 'bool':
      return '1';
    case 'time':
      return s.default !== null && /^\d+(\.\d+)?$/.test(s.default) ? s.default : '30';
    case 'enum': {
      const byDefault = (s.values ?? []).find(
        (v) => v.name === s.default && inTarget(v.addedIn) && !removedByTarget(v.removedIn),
      );
      if (byDefault) return byDefault.name;
      const value = (s.values ?? []).find((v) => inTarget(v.addedIn) && !removedByTarget(v.removedIn));
      return value?.name ?? s.values?.[0]?.name ?? 'x';
    }
    default:
      return 'x';
  }
}

const INVALID: Record<string, string> = {
  int: 'abc',
  uint: 'abc',
  bool: 'yes',
  time: '10s',
  enum: 'nonsense',
};

/** Valid values of connection-string parameters ([databases], [users], [peers]). */
const VALID_PARAM: Record<string, string> = {
  application_name: 'app',
  auth_dbname: 'postgres',
  auth_query: "'SELECT usename, passwd FROM pg_shadow WHERE usename=$1'",
  auth_user: 'postgres',
  client_encoding: 'UTF8',
  connect_query: "'SELECT 1'",
  datestyle: 'ISO',
  dbname: 'app',
  host: '127.0.0.1',
  load_balance_hosts: 'round-robin',
  password: 'secret',
  pool_mode: 'transaction',
  port: '5432',
  timezone: 'UTC',
  user: 'postgres',
};

function paramValue(s: SchemaSetting): string {
  if (VALID_PARAM[s.name]) return VALID_PARAM[s.name];
  switch (s.type) {
    case 'int':
      return '5';
    case 'time':
      return '30';
    case 'enum':
      return s.values?.[0]?.name ?? 'x';
    default:
      return 'x';
  }
}

function settingCases(): OracleCase[] {
  const out: OracleCase[] = [];
  for (const s of SETTINGS) {
    const known = inTarget(s.addedIn) && !s.platform;
    const why = known
      ? ''
      : s.platform
        ? ` (${s.platform}-only: unknown on Linux)`
        : ` (added in ${s.addedIn}: unknown to ${TARGET})`;
    if (s.section === 'pgbouncer') {
      const valid = VALID_MAIN[s.name];
      const value = validValueFor(s);
      const context = s.type === 'enum' ? enumContext(s.name, value) : { extra: valid?.extra ?? '' };
      out.push({
        name: `setting ${s.name}: valid value ${JSON.stringify(value)}${why}`,
        config: MAIN + `${s.name} = ${value}\n` + (context?.extra ?? ''),
        extraFiles: { ...(valid?.files ?? {}), ...(context?.files ?? {}) },
        ...verdictAt(known ? 'accept' : 'reject'),
      });
      if (INVALID[s.type]) {
        const bad = INVALID[s.type];
        out.push({
          name: `setting ${s.name}: invalid value ${JSON.stringify(bad)}${why}`,
          config: MAIN + `${s.name} = ${bad}\n`,
          ...verdictAt('reject'),
        });
      }
      if (s.type === 'enum') {
        for (const v of s.values ?? []) {
          if (v.name === value) continue;
          const ctx = enumContext(s.name, v.name);
          if (!ctx) continue;
          const ok = known && inTarget(v.addedIn) && !removedByTarget(v.removedIn);
          out.push({
            name: `setting ${s.name}: enum value ${v.name}${ok ? '' : ` (not in ${TARGET}: ${v.removedIn ? 'removed in ' + v.removedIn : 'added in ' + v.addedIn})`}`,
            config: MAIN + `${s.name} = ${v.name}\n` + ctx.extra,
            extraFiles: ctx.files,
            // pam and ldap are build options: Debian's binary has PAM, scripts/build-pgbouncer.sh
            // builds PAM and (from 1.25) LDAP in, as the catalog assumes.
            ...verdictAt(ok ? 'accept' : 'reject'),
          });
        }
      }
      continue;
    }
    const param = `${s.name}=${paramValue(s)}`;
    if (s.section === 'databases') {
      const connstr = s.name === 'host' ? param : `host=127.0.0.1 ${param}`;
      out.push({
        name: `[databases] parameter ${s.name}${why}`,
        config: DB + `db1 = ${connstr}\n`,
        ...verdictAt(known ? 'accept' : 'reject'),
      });
    } else if (s.section === 'users') {
      out.push({
        name: `[users] parameter ${s.name}${why}`,
        config: MAIN + `[users]\npostgres = ${param}\n`,
        ...verdictAt(known ? 'accept' : 'reject'),
      });
    } else if (s.section === 'peers') {
      const connstr = s.name === 'host' ? param : `host=127.0.0.1 ${param}`;
      out.push({
        name: `[peers] parameter ${s.name}${why}`,
        config: MAIN + `[peers]\n1 = ${connstr}\n`,
        ...verdictAt(known ? 'accept' : 'reject'),
        ...(inTarget('1.19') ? {} : { note: `[peers] is an invalid section in ${TARGET} (1.19+).` }),
      });
    }
  }
  return out;
}

export const CASES: OracleCase[] = [...cases, ...settingCases(), ...STARTUP_CASES];

/** The case names that exercise each schema setting ("section/name" -> names). */
export function casesPerSetting(): Map<string, OracleCase[]> {
  const result = new Map<string, OracleCase[]>();
  for (const s of SETTINGS) {
    const id = `${s.section}/${s.name}`;
    const prefix = s.section === 'pgbouncer' ? `setting ${s.name}: ` : `[${s.section}] parameter ${s.name}`;
    result.set(
      id,
      CASES.filter(
        (c) =>
          c.name.startsWith(prefix) &&
          (s.section === 'pgbouncer' || /^( |$)/.test(c.name.slice(prefix.length))),
      ),
    );
  }
  return result;
}

export default CASES;

// ---------------------------------------------------------------------------------------------
// Found by the differential test (test/oracle/differential.test.ts): each disagreement it found,
// kept as a case, and run by that test before the generated configurations. They are not in CASES:
// PgBouncer's refusal here ("put_in_order: found existing elem") is not among the refusal reasons
// oracle.test.ts recognises (CONFIG_REASONS); once it is, they can join CASES as they are.
//
// PgBouncer 1.18 keeps user names in 128-byte buffers (127 bytes and a NUL) in one sorted list fed
// by [users] keys and [databases] auth_user=; it looks a name up uncut, so a longer name is never
// found and is added again, and PgBouncer stops when its cut name is already in the list.

const LONG_USER = 'w'.repeat(200);
export const DIFFERENTIAL_CASES: OracleCase[] = [
  {
    name: 'differential: [users] name of 200 bytes twice (cut to 127, added twice)',
    config: `${MAIN}[users]\n${LONG_USER} = pool_mode=session\n${LONG_USER} = pool_mode=transaction\n`,
    expect: 'reject',
  },
  {
    name: 'differential: [users] names of 128 bytes twice',
    config: `${MAIN}[users]\n${'w'.repeat(128)} = pool_mode=session\n${'w'.repeat(128)} = pool_mode=session\n`,
    expect: 'reject',
  },
  {
    name: 'differential: [users] names of 127 bytes twice (fit, the later entry wins)',
    config: `${MAIN}[users]\n${'w'.repeat(127)} = pool_mode=session\n${'w'.repeat(127)} = pool_mode=session\n`,
    expect: 'accept',
  },
  {
    name: 'differential: [users] two long names with the same first 127 bytes',
    config: `${MAIN}[users]\n${'w'.repeat(127)}a = pool_mode=session\n${'w'.repeat(127)}b = pool_mode=session\n`,
    expect: 'reject',
  },
  {
    name: 'differential: [users] 127-byte name, then a 200-byte name starting with it',
    config: `${MAIN}[users]\n${'w'.repeat(127)} = pool_mode=session\n${LONG_USER} = pool_mode=session\n`,
    expect: 'reject',
  },
  {
    name: 'differential: [users] 200-byte name, then its first 127 bytes (found, not added)',
    config: `${MAIN}[users]\n${LONG_USER} = pool_mode=session\n${'w'.repeat(127)} = pool_mode=session\n`,
    expect: 'accept',
  },
  {
    name: 'differential: [users] one name of 200 bytes (cut, starts)',
    config: `${MAIN}[users]\n${LONG_USER} = pool_mode=session\n`,
    expect: 'accept',
  },
  {
    name: 'differential: auth_user= of 200 bytes in two [databases] entries',
    config: `${DB}a = auth_user=${LONG_USER}\nb = auth_user=${LONG_USER}\n`,
    expect: 'reject',
  },
  {
    name: 'differential: [users] name of 200 bytes and the same auth_user= in [databases]',
    config: `${MAIN}[users]\n${LONG_USER} = pool_mode=session\n[databases]\na = auth_user=${LONG_USER}\n`,
    expect: 'reject',
  },
  {
    name: 'differential: auth_user= of 200 bytes in the fallback * entry and in another (* adds no user)',
    config: `${DB}* = auth_user=${LONG_USER}\nb = auth_user=${LONG_USER}\n`,
    expect: 'accept',
  },
  {
    name: 'differential: forced user= of 200 bytes in two [databases] entries (another list)',
    config: `${DB}a = user=${LONG_USER}\nb = user=${LONG_USER}\n`,
    expect: 'accept',
    // From 1.23 forced users join the user list (objects.c force_user_credentials): the cut names collide.
    expectBy: { '1.21': 'accept', '1.24': 'reject', '1.25': 'reject' },
  },
  {
    name: 'differential: global auth_user of 200 bytes and the same auth_user= in [databases]',
    config: `${MAIN}auth_user = ${LONG_USER}\n[databases]\na = auth_user=${LONG_USER}\n`,
    expect: 'accept',
  },
];
