// Hand-made oracle cases: what PgBouncer checks at start-up (listeners, process files, %include
// paths as the kernel resolves them). See ./index.ts.
//
// Most run as-is: the sandbox would replace the very settings these cases are about. {{dir}} is the
// process's working directory (owned by the user PgBouncer drops to), {{port}} a free port.

import type { OracleCase } from '../cases';

/** TCP on 127.0.0.1 and a Unix socket in the working directory. */
const BOTH = '[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {{port}}\nunix_socket_dir = {{dir}}\n';
/** TCP on 127.0.0.1 only. */
const TCP = '[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {{port}}\nunix_socket_dir =\n';
/** The Unix socket only. */
const UNIX = '[pgbouncer]\nlisten_addr =\nlisten_port = {{port}}\nunix_socket_dir = {{dir}}\n';
/** listen_addr and listen_port as written by the case, the Unix socket off. */
const PORT_NO_UNIX = '[pgbouncer]\nlisten_port = {{port}}\nunix_socket_dir =\n';
const PORT_UNIX = '[pgbouncer]\nlisten_port = {{port}}\nunix_socket_dir = {{dir}}\n';

/** A directory name that makes {{dir}}/NAME/.s.PGSQL.<port> longer than a socket path may be. */
const LONG_NAME = 'd'.repeat(90);

/** The releases measured besides Debian's 1.18 (all built from their tags, see ../releases.md). */
const NEWER = ['1.21', '1.24', '1.25'];

/** An as-is case; `newer` is the verdict of 1.21, 1.24 and 1.25 where it differs from 1.18's. */
function asIs(c: Omit<OracleCase, 'asIs'> & { newer?: 'accept' | 'reject' }): OracleCase {
  const { newer, ...rest } = c;
  const verdict = newer ?? rest.expect;
  return {
    asIs: true,
    ...rest,
    expectBy: verdict ? Object.fromEntries(NEWER.map((release) => [release, verdict])) : undefined,
  };
}

export const LISTENERS_CASES: OracleCase[] = [
  // listen_addr words getaddrinfo cannot resolve
  ...[
    ['listen_addr with a space-separated list', '127.0.0.1 ::1'],
    ['listen_addr with a ;-separated list', '127.0.0.1;::1'],
    ['listen_addr as host:port', '127.0.0.1:6432'],
    ['listen_addr as localhost:port', 'localhost:6432'],
    ['listen_addr with bracketed IPv6', '[::1]'],
    ['listen_addr as a CIDR', '127.0.0.0/8'],
    ['listen_addr as a URL', 'tcp://127.0.0.1'],
    ['listen_addr with one bad word in a comma list', '127.0.0.1, 127.0.0.1:6432'],
  ].map(([name, value]) =>
    asIs({ name: `listeners: ${name}`, config: `${PORT_UNIX}listen_addr = ${value}\n`, expect: 'reject' }),
  ),
  ...[
    ['listen_addr = *', '*'],
    ['listen_addr as a comma list with blanks', '127.0.0.1, , ::1'],
    ['listen_addr with a trailing comma', '127.0.0.1,'],
    ['listen_addr as IPv4 in short form', '127.1'],
    ['listen_addr as an IPv4 number', '2130706433'],
    ['listen_addr = localhost', 'localhost'],
    ['listen_addr = ::1', '::1'],
    ['listen_addr = 0.0.0.0', '0.0.0.0'],
  ].map(([name, value]) =>
    asIs({ name: `listeners: ${name}`, config: `${PORT_UNIX}listen_addr = ${value}\n`, expect: 'accept' }),
  ),
  asIs({
    name: 'listeners: listen_addr of commas only, no Unix socket',
    config: `${PORT_NO_UNIX}listen_addr = ,\n`,
    expect: 'reject',
  }),
  asIs({
    name: 'listeners: listen_addr of commas only, with a Unix socket',
    config: `${PORT_UNIX}listen_addr = , ,\n`,
    expect: 'accept',
  }),

  // socket options Linux refuses: every TCP listener is dropped
  ...[
    ['tcp_keepcnt = 128', 'tcp_keepcnt = 128'],
    ['tcp_keepidle = 32768', 'tcp_keepidle = 32768'],
    ['tcp_keepidle = -1', 'tcp_keepidle = -1'],
    ['tcp_keepintvl = 32768', 'tcp_keepintvl = 32768'],
    ['tcp_keepintvl = -5', 'tcp_keepintvl = -5'],
    ['tcp_user_timeout = -1', 'tcp_user_timeout = -1'],
  ].flatMap(([name, line]) => [
    asIs({ name: `listeners: ${name}, TCP only`, config: `${TCP}${line}\n`, expect: 'reject' }),
    asIs({
      name: `listeners: ${name}, TCP and a Unix socket`,
      config: `${BOTH}${line}\n`,
      expect: 'accept',
      newer: 'reject',
    }),
  ]),
  ...[
    ['tcp_keepcnt = 127', 'tcp_keepcnt = 127'],
    ['tcp_keepcnt = -1 (not set)', 'tcp_keepcnt = -1'],
    ['tcp_keepidle = 32767', 'tcp_keepidle = 32767'],
    ['tcp_keepintvl = 32767', 'tcp_keepintvl = 32767'],
    ['tcp_user_timeout = 2147483647', 'tcp_user_timeout = 2147483647'],
    ['tcp_keepidle = -1 with tcp_keepalive = 0', 'tcp_keepalive = 0\ntcp_keepidle = -1'],
  ].map(([name, line]) =>
    asIs({ name: `listeners: ${name}, TCP only`, config: `${TCP}${line}\n`, expect: 'accept' }),
  ),
  asIs({
    name: 'listeners: tcp_keepcnt = 1000 with no TCP listener and the Unix socket',
    config: `${UNIX}tcp_keepcnt = 1000\n`,
    expect: 'accept',
  }),

  // unix_socket_dir
  asIs({
    name: 'listeners: unix_socket_dir missing, TCP too',
    config: `${TCP}unix_socket_dir = {{dir}}/missing\n`,
    expect: 'accept',
    newer: 'reject',
  }),
  asIs({
    name: 'listeners: unix_socket_dir missing, no TCP',
    config: `${UNIX}unix_socket_dir = {{dir}}/missing\n`,
    expect: 'reject',
  }),
  asIs({
    name: 'listeners: unix_socket_dir is a file, TCP too',
    config: `${TCP}unix_socket_dir = {{dir}}/file\n`,
    extraFiles: { file: 'x\n' },
    expect: 'accept',
    newer: 'reject',
  }),
  asIs({
    name: 'listeners: unix_socket_dir is a file, no TCP',
    config: `${UNIX}unix_socket_dir = {{dir}}/file\n`,
    extraFiles: { file: 'x\n' },
    expect: 'reject',
  }),
  asIs({
    name: 'listeners: unix_socket_dir too long for a socket path, TCP too',
    config: `${TCP}unix_socket_dir = {{dir}}/${LONG_NAME}\n`,
    extraFiles: { [`${LONG_NAME}/keep`]: '' },
    expect: 'accept',
  }),
  asIs({
    name: 'listeners: unix_socket_dir too long for a socket path, no TCP',
    config: `${UNIX}unix_socket_dir = {{dir}}/${LONG_NAME}\n`,
    extraFiles: { [`${LONG_NAME}/keep`]: '' },
    expect: 'accept',
    note: 'PgBouncer cuts the path to 107 bytes and binds the socket under the shortened name, in the same directory.',
  }),
  asIs({
    name: 'listeners: unix_socket_dir = . (the working directory)',
    config: `${UNIX}unix_socket_dir = .\n`,
    expect: 'accept',
  }),
  asIs({
    name: 'listeners: unix_socket_dir abstract (@name)',
    config: `${UNIX}unix_socket_dir = @pgb-oracle-{{port}}\n`,
    expect: 'accept',
  }),
  asIs({
    name: 'listeners: unix_socket_dir with an inline comment',
    config: `${TCP}unix_socket_dir = {{dir}}   # sockets here\n`,
    expect: 'accept',
    newer: 'reject',
  }),
  asIs({
    name: 'listeners: unix_socket_dir that is only a comment, TCP too',
    config: `${TCP}unix_socket_dir =  # disable sockets\n`,
    expect: 'accept',
    newer: 'reject',
  }),
  asIs({
    name: 'listeners: unix_socket_dir that is only a comment, no TCP',
    config: `${UNIX}unix_socket_dir = ; no sockets\n`,
    expect: 'reject',
  }),

  // pidfile
  asIs({
    name: 'process files: pidfile in the working directory',
    config: `${BOTH}pidfile = {{dir}}/pgbouncer.pid\n`,
    expect: 'accept',
  }),
  asIs({
    name: 'process files: pidfile names a directory',
    config: `${BOTH}pidfile = {{dir}}/piddir\n`,
    extraFiles: { 'piddir/keep': '' },
    expect: 'reject',
  }),
  asIs({
    name: 'process files: pidfile exists and is empty',
    config: `${BOTH}pidfile = {{dir}}/pgbouncer.pid\n`,
    extraFiles: { 'pgbouncer.pid': '' },
    expect: 'reject',
  }),
  asIs({
    name: 'process files: pidfile holds no process id',
    config: `${BOTH}pidfile = {{dir}}/pgbouncer.pid\n`,
    extraFiles: { 'pgbouncer.pid': 'hello\n' },
    expect: 'reject',
  }),
  asIs({
    name: 'process files: pidfile holds 0',
    config: `${BOTH}pidfile = {{dir}}/pgbouncer.pid\n`,
    extraFiles: { 'pgbouncer.pid': '0\n' },
    expect: 'reject',
  }),
  asIs({
    name: 'process files: pidfile holds a stale process id',
    config: `${BOTH}pidfile = {{dir}}/pgbouncer.pid\n`,
    extraFiles: { 'pgbouncer.pid': '4194304\n' },
    expect: 'accept',
  }),
  asIs({
    name: 'process files: pidfile in a missing directory',
    config: `${BOTH}pidfile = {{dir}}/missing/pgbouncer.pid\n`,
    expect: 'reject',
  }),
  asIs({
    name: 'process files: pidfile with an inline comment',
    config: `${BOTH}pidfile = {{dir}}/pgbouncer.pid   # PID file\n`,
    expect: 'accept',
  }),
  asIs({
    name: 'process files: pidfile with an inline comment after a missing directory',
    config: `${BOTH}pidfile = {{dir}}/run/pgbouncer.pid   # PID file\n`,
    expect: 'reject',
  }),
  asIs({
    name: 'process files: pidfile through missing-dir/..',
    config: `${BOTH}pidfile = {{dir}}/missing/../pgbouncer.pid\n`,
    expect: 'reject',
  }),
  asIs({
    name: 'process files: pidfile relative to the working directory',
    config: `${BOTH}pidfile = pgbouncer.pid\n`,
    expect: 'accept',
  }),

  // logfile
  asIs({
    name: 'process files: logfile in the working directory',
    config: `${BOTH}logfile = {{dir}}/pgbouncer.log\n`,
    expect: 'accept',
  }),
  asIs({
    name: 'process files: logfile names a directory',
    config: `${BOTH}logfile = {{dir}}/logdir\n`,
    extraFiles: { 'logdir/keep': '' },
    expect: 'reject',
  }),
  asIs({
    name: 'process files: logfile in a missing directory',
    config: `${BOTH}logfile = {{dir}}/missing/pgbouncer.log\n`,
    expect: 'reject',
  }),
  asIs({
    name: 'process files: logfile with an inline comment',
    config: `${BOTH}logfile = {{dir}}/pgbouncer.log ; log here\n`,
    expect: 'accept',
  }),
  asIs({
    name: 'process files: pidfile in /tmp with an inline comment',
    config: `${BOTH}pidfile = /tmp/pgb-oracle-{{port}}.pid   # PID file\n`,
    expect: 'accept',
  }),
  asIs({
    name: 'process files: pidfile with an inline comment holding a slash',
    config: `${BOTH}pidfile = {{dir}}/pgbouncer.pid # see /etc/default\n`,
    expect: 'reject',
  }),
  asIs({
    name: 'process files: logfile with an inline comment holding a slash',
    config: `${BOTH}logfile = {{dir}}/pgbouncer.log # or /var/log\n`,
    expect: 'reject',
  }),
  asIs({
    name: 'process files: pidfile and logfile empty',
    config: `${BOTH}pidfile =\nlogfile =\n`,
    expect: 'accept',
  }),

  // %include as the kernel resolves it
  ...[
    ['extra.ini/', 'reject'],
    ['extra.ini/.', 'reject'],
    ['missing-dir/../extra.ini', 'reject'],
    ['sub/../extra.ini', 'accept'],
    ['./extra.ini', 'accept'],
    ['sub//../extra.ini', 'accept'],
  ].map(([include, verdict]) =>
    asIs({
      name: `includes: %include ${include}`,
      config: `${BOTH}%include ${include}\n`,
      extraFiles: { 'extra.ini': 'max_client_conn = 10\n', 'sub/keep': '' },
      expect: verdict as 'accept' | 'reject',
    }),
  ),
  // TLS and auth files through the same resolution
  asIs({
    name: 'paths: auth_file through missing-dir/..',
    config: `${BOTH}auth_type = md5\nauth_file = {{dir}}/missing/../users.txt\n`,
    extraFiles: { 'users.txt': '"u" "p"\n' },
    expect: 'accept',
  }),
  asIs({
    name: 'paths: auth_file with a trailing slash',
    config: `${BOTH}auth_type = md5\nauth_file = {{dir}}/users.txt/\n`,
    extraFiles: { 'users.txt': '"u" "p"\n' },
    expect: 'accept',
  }),
  asIs({
    name: 'paths: auth_file missing',
    config: `${BOTH}auth_type = md5\nauth_file = {{dir}}/users.txt\n`,
    expect: 'accept',
  }),
  asIs({
    name: 'paths: auth_hba_file missing',
    config: `${BOTH}auth_type = hba\nauth_hba_file = {{dir}}/hba.conf\n`,
    expect: 'accept',
  }),
  asIs({
    name: 'paths: client_tls_key_file missing',
    config: `${BOTH}client_tls_sslmode = allow\nclient_tls_key_file = {{dir}}/server.key\nclient_tls_cert_file = {{dir}}/server.crt\n`,
    expect: 'reject',
  }),
  asIs({
    name: 'paths: client_tls_ca_file missing',
    config: `${BOTH}client_tls_sslmode = disable\nclient_tls_ca_file = {{dir}}/ca.crt\n`,
    expect: 'accept',
  }),
  asIs({
    name: 'paths: server_tls_ca_file missing',
    config: `${BOTH}server_tls_sslmode = verify-full\nserver_tls_ca_file = {{dir}}/ca.crt\n`,
    expect: 'accept',
    note: 'Server TLS files are read when a server connection is made, not at start-up.',
  }),
];
