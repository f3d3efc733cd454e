// Hand-made oracle cases: what PgBouncer checks at start-up (surprises). See ./index.ts.
//
// Configurations PgBouncer starts with although it reads them otherwise than they look: a mode in
// decimal, an unknown syslog facility, ';' in name lists, [pgbouncer] setting names as databases
// or users, a tiny pkt_buf, HBA lines it drops with a log line. Each verdict was measured with
// Debian's 1.18 and release builds of 1.21.0, 1.24.1 and 1.25.2; our rules make warnings of them,
// so none may be an error.

import type { OracleCase } from '../cases';

const MAIN = '[pgbouncer]\n';
const BY = { '1.21': 'accept', '1.25': 'accept' } as const;

const cases: OracleCase[] = [];
const accept = (name: string, config: string, extra: Partial<OracleCase> = {}): void => {
  cases.push({ name, config, expect: 'accept', expectBy: { ...BY }, ...extra });
};

// --- unix_socket_mode: strtol base 0, then chmod keeps the low 12 bits --------------------------
accept('surprises: unix_socket_mode = 777 (decimal, mode 01411)', MAIN + 'unix_socket_mode = 777\n');
accept('surprises: unix_socket_mode = 770 (decimal, mode 01402)', MAIN + 'unix_socket_mode = 770\n');
accept('surprises: unix_socket_mode = 1777 (decimal, mode 03361)', MAIN + 'unix_socket_mode = 1777\n');
accept('surprises: unix_socket_mode = 511 (0777 in decimal)', MAIN + 'unix_socket_mode = 511\n');
accept('surprises: unix_socket_mode = 0x1ff (hexadecimal)', MAIN + 'unix_socket_mode = 0x1ff\n');
accept('surprises: unix_socket_mode = 99999 (bits above 07777 dropped)', MAIN + 'unix_socket_mode = 99999\n');
accept('surprises: unix_socket_mode = -1', MAIN + 'unix_socket_mode = -1\n');

// --- syslog_facility: looked up case-sensitively, unknown names log as daemon -----------------
accept('surprises: syslog_facility = LOCAL0 (upper case)', MAIN + 'syslog = 1\nsyslog_facility = LOCAL0\n');
accept('surprises: syslog_facility = local8 (unknown)', MAIN + 'syslog = 1\nsyslog_facility = local8\n');
accept('surprises: syslog_facility = kern (not in the list)', MAIN + 'syslog = 1\nsyslog_facility = kern\n');
accept('surprises: syslog_facility empty', MAIN + 'syslog = 1\nsyslog_facility =\n');
accept('surprises: syslog_facility = Daemon with syslog off', MAIN + 'syslog_facility = Daemon\n');

// --- ';' in name lists: part of a name, not a separator nor a comment --------------------------
accept('surprises: admin_users = alice;bob', MAIN + 'admin_users = alice;bob\n');
accept('surprises: stats_users = alice; bob', MAIN + 'stats_users = alice; bob\n');
accept('surprises: admin_users = alice; (trailing semicolon)', MAIN + 'admin_users = alice;\n');
accept(
  'surprises: ignore_startup_parameters with semicolons',
  MAIN + 'ignore_startup_parameters = extra_float_digits;search_path\n',
);
cases.push({
  name: 'surprises: track_extra_parameters with semicolons',
  config: MAIN + 'track_extra_parameters = search_path;IntervalStyle\n',
  note: 'track_extra_parameters exists from 1.20: 1.18 refuses the key',
  expect: 'reject',
  expectBy: { ...BY },
  since: '1.21',
});

// --- [pgbouncer] setting names as database or user names -------------------------------------
accept('surprises: [databases] logfile = (empty connection string)', '[databases]\nlogfile =\n\n' + MAIN);
accept(
  'surprises: [databases] user = host=127.0.0.1 dbname=app',
  '[databases]\nuser = host=127.0.0.1 dbname=app\n\n' + MAIN,
);
accept('surprises: [databases] job_name = dbname=app', '[databases]\njob_name = dbname=app\n\n' + MAIN);
accept('surprises: [users] admin_users = (empty)', '[users]\nadmin_users =\n\n' + MAIN);
accept('surprises: [users] user = pool_mode=session', '[users]\nuser = pool_mode=session\n\n' + MAIN);

// --- pkt_buf: no minimum at start-up (logins fail below about 160 bytes) ----------------------
for (const size of ['-1', '0', '1', '64', '128', '256'])
  accept(`surprises: pkt_buf = ${size}`, MAIN + `pkt_buf = ${size}\n`);

// --- HBA lines PgBouncer drops ("could not parse hba config line N") and starts ----------------
const hba = (name: string, line: string, extra: Partial<OracleCase> = {}): void =>
  accept(`surprises: hba ${name}`, MAIN + 'auth_type = hba\nauth_hba_file = hba.conf\n', {
    extraFiles: { 'hba.conf': line },
    ...extra,
  });
hba('method ident (unsupported)', 'local all all trust\nhost all all 127.0.0.1/32 ident\n');
hba('option clientcert= after the method', 'hostssl all all 0.0.0.0/0 cert clientcert=verify-full\n');
hba('host name as address', 'host all all db.example.com md5\n');
hba('type hostgssenc', 'hostgssenc all all 10.0.0.0/8 md5\n');
hba('+group as user', 'host all +admins 10.0.0.0/8 md5\n');
hba('database replication (1.23+ reads it)', 'host replication all 10.0.0.0/8 md5\n');
hba('address all (1.23+ reads it)', 'host all all all md5\n');
hba('map= without an ident file', 'local all all peer map=ops\n');
hba('address with bits outside the mask', 'host all all 192.168.1.5/24 md5\n');
hba('method ldap (1.25+ reads it)', 'host all all 10.0.0.0/8 ldap ldapserver=ldap.example.com\n');

hba(
  'a file mixing read, dropped and never-matching lines',
  [
    'local all all peer',
    'host all all 127.0.0.1/32 scram-sha-256',
    'host all all db.example.com md5',
    'hostgssenc all all 10.0.0.0/8 md5',
    'host all +admins 10.0.0.0/8 md5',
    'host replication all 10.0.0.0/8 md5',
    'host all all all md5',
    'hostssl all all 0.0.0.0/0 cert clientcert=verify-full',
    'host all all 192.168.1.5/24 md5',
    'host all all 10.0.0.0 255.0.0.0 reject',
    'host all all ::1/128 ident',
    'local all all peer map=ops',
    'host all all 10.0.0.0/8 ldap ldapserver=ldap.example.com',
    '',
  ].join('\n'),
);
hba('empty mask after the slash (read as /0)', 'host all all 0.0.0.0/ md5\nhost all all 10.0.0.0/ md5\n');

export const SURPRISES_CASES: OracleCase[] = cases;
