// Hand-made oracle cases: what PgBouncer checks at start-up (numbers). See ./index.ts.
//
// Numbers as C reads them: times are strtod seconds kept as (usec_t)(1000000 * seconds), so strtod's
// ERANGE (1e400, 0x1p2000, an inexact subnormal) refuses the file while a time too large for 64-bit
// microseconds is silently 0; connection-string numbers are glibc's atoi, (int)strtol, which clamps
// to 64 bits before it cuts to 32 (port=18446744073709551616 is -1, and starts; 4294967296 is 0, and
// is refused). Names are measured in the file's own bytes: '\udce9' below is a Latin-1 'é', one byte
// in the file (see server/src/files/text-codec.ts).

import type { OracleCase } from '../cases';

const DB = '[databases]\nd = host=127.0.0.1';
const MAIN = '[pgbouncer]\n';

/** A [pgbouncer] time (or number) setting with `value`. */
function setting(
  name: string,
  key: string,
  value: string,
  expect: 'accept' | 'reject',
  note?: string,
): OracleCase {
  return {
    name: `numbers: ${name}`,
    config: `${MAIN}${key} = ${value}\n`,
    expect,
    expectBy: { '1.21': expect, '1.24': expect, '1.25': expect },
    ...(note ? { note } : {}),
  };
}

/** A [databases] entry with `params`. */
function database(name: string, params: string, expect: 'accept' | 'reject', note?: string): OracleCase {
  return {
    name: `numbers: ${name}`,
    config: `${DB} ${params}\n${MAIN}`,
    expect,
    expectBy: { '1.21': expect, '1.24': expect, '1.25': expect },
    ...(note ? { note } : {}),
  };
}

const latin1 = (count: number): string => '\udce9'.repeat(count);

export const NUMBERS_CASES: OracleCase[] = [
  // Times: strtod, then the microsecond store.
  setting('a time beyond the microsecond store is kept as 0 (1e20)', 'server_lifetime', '1e20', 'accept'),
  setting('a time just beyond 2^64 microseconds (1.9e13 s)', 'server_lifetime', '1.9e13', 'accept'),
  setting('a time just inside 2^64 microseconds (1.8e13 s)', 'server_lifetime', '1.8e13', 'accept'),
  setting('inf is accepted and kept as 0', 'server_idle_timeout', 'inf', 'accept'),
  setting('infinity, any case, is accepted', 'client_idle_timeout', 'INFINITY', 'accept'),
  setting('nan is accepted', 'query_timeout', 'nan', 'accept'),
  setting('nan(...) with a payload is accepted', 'query_timeout', 'nan(123)', 'accept'),
  setting('a hex float strtod overflows (0x1p2000) is refused', 'client_idle_timeout', '0x1p2000', 'reject'),
  setting(
    'a hex float strtod underflows (0x1p-2000) is refused',
    'idle_transaction_timeout',
    '0x1p-2000',
    'reject',
  ),
  setting(
    'an exact subnormal hex float (0x1p-1074) is accepted',
    'server_connect_timeout',
    '0x1p-1074',
    'accept',
  ),
  setting(
    'a hex float below the smallest subnormal (0x1p-1075) is refused',
    'server_connect_timeout',
    '0x1p-1075',
    'reject',
  ),
  setting(
    'an inexact subnormal hex float (0x3p-1075) is refused',
    'server_connect_timeout',
    '0x3p-1075',
    'reject',
  ),
  setting('a decimal time that underflows (1e-400) is refused', 'suspend_timeout', '1e-400', 'reject'),
  setting('a decimal subnormal time (1e-310) is refused', 'suspend_timeout', '1e-310', 'reject'),
  setting(
    'the smallest subnormal written in decimal (4e-324) is refused',
    'dns_nxdomain_ttl',
    '4e-324',
    'reject',
  ),
  setting('a decimal time that overflows (1e400) is refused', 'server_login_retry', '1e400', 'reject'),
  setting('zero written with a huge exponent (0e-400) is accepted', 'server_login_retry', '0e-400', 'accept'),
  setting('a time below a microsecond (1e-7) is accepted', 'query_wait_timeout', '1e-7', 'accept'),
  setting('a hex float with a fraction (0x1.8p1) is accepted', 'server_check_delay', '0x1.8p1', 'accept'),
  setting(
    'the largest double (0x1.fffffffffffffp1023) is accepted',
    'autodb_idle_timeout',
    '0x1.fffffffffffffp1023',
    'accept',
  ),
  setting(
    'a hex float that rounds up to infinity is refused',
    'autodb_idle_timeout',
    '0x1.fffffffffffffffffp1023',
    'reject',
  ),
  setting('a negative hex float that overflows is refused', 'dns_max_ttl', '-0x1p2000', 'reject'),
  setting('1e308 is accepted', 'client_login_timeout', '1e308', 'accept'),
  setting('-inf is refused (negative)', 'server_lifetime', '-inf', 'reject'),
  setting('-0 is accepted', 'server_lifetime', '-0', 'accept'),
  // Integers of [pgbouncer]: strtol's ERANGE is not checked.
  setting(
    'an int setting beyond 64 bits is accepted (strtol clamps)',
    'stats_period',
    '99999999999999999999',
    'accept',
  ),
  setting(
    'a negative int setting beyond 64 bits is accepted',
    'max_client_conn',
    '-99999999999999999999',
    'accept',
  ),
  setting(
    'an unsigned setting beyond 64 bits is accepted (strtoul clamps)',
    'max_packet_size',
    '99999999999999999999',
    'accept',
  ),
  setting('an int setting written as a hex float is refused', 'listen_backlog', '0x1p3', 'reject'),
  // Connection-string numbers: atoi is (int)strtol.
  database('port=2^64 is atoi -1 and starts', 'port=18446744073709551616', 'accept'),
  database('port=2^32 is atoi 0 and is refused', 'port=4294967296', 'reject'),
  database(
    'port=-2^64 is atoi 0 (LONG_MIN cut to 32 bits) and is refused',
    'port=-18446744073709551616',
    'reject',
  ),
  database('port=2^32+1 is atoi 1 and starts', 'port=4294967297', 'accept'),
  database('an overflowing port with text after it still reads -1', 'port=99999999999999999999abc', 'accept'),
  database(
    'pool_size beyond 64 bits is -1, the default pool size',
    'pool_size=99999999999999999999',
    'accept',
  ),
  database('min_pool_size=2^32+1 is 1', 'min_pool_size=4294967297', 'accept'),
  database('reserve_pool beyond -2^63 is 0', 'reserve_pool=-99999999999999999999', 'accept'),
  database('max_db_connections=2^31 is INT_MIN', 'max_db_connections=2147483648', 'accept'),
  {
    name: 'numbers: [users] max_user_connections=2^32-1 is -1',
    config: `[users]\nu = max_user_connections=4294967295 pool_mode=session\n${MAIN}`,
    expect: 'accept',
    expectBy: { '1.21': 'accept', '1.24': 'accept', '1.25': 'accept' },
  },
  {
    name: 'numbers: [databases] server_lifetime beyond 64 bits (1.23+)',
    config: `${DB} server_lifetime=99999999999999999999\n${MAIN}`,
    expect: 'reject',
    expectBy: { '1.21': 'reject', '1.24': 'accept', '1.25': 'accept' },
    note: 'unknown parameter before 1.23',
  },
  {
    name: 'numbers: [peers] port=2^64 (1.19+)',
    config: `[peers]\n1 = host=127.0.0.1 port=18446744073709551616\n${MAIN}`,
    expect: 'reject',
    expectBy: { '1.21': 'accept', '1.24': 'accept', '1.25': 'accept' },
    note: '[peers] is an invalid section before 1.19',
  },
  {
    name: 'numbers: [peers] port=2^32',
    config: `[peers]\n1 = host=127.0.0.1 port=4294967296\n${MAIN}`,
    expect: 'reject',
    expectBy: { '1.21': 'reject', '1.24': 'reject', '1.25': 'reject' },
  },
  // Name lengths in the file's own bytes.
  {
    name: 'numbers: auth_user names of 43 and 44 Latin-1 bytes do not collide',
    config: `[databases]\na = host=127.0.0.1 auth_user=${latin1(43)}\nb = host=127.0.0.1 auth_user=${latin1(43)}x\n${MAIN}`,
    expect: 'accept',
    expectBy: { '1.21': 'accept', '1.24': 'accept', '1.25': 'accept' },
    note: 'counted as U+FFFD (3 bytes each) both would be cut to the same 127 bytes',
  },
  {
    name: 'numbers: auth_user names of 127 and 128 Latin-1 bytes collide',
    config: `[databases]\na = host=127.0.0.1 auth_user=${latin1(127)}\nb = host=127.0.0.1 auth_user=${latin1(127)}x\n${MAIN}`,
    expect: 'reject',
    expectBy: { '1.21': 'reject', '1.24': 'reject', '1.25': 'reject' },
  },
  {
    name: 'numbers: a quoted database name of 63 Latin-1 bytes (1.25+)',
    config: `[databases]\n'${latin1(63)}' = host=127.0.0.1\n${MAIN}`,
    expect: 'reject',
    expectBy: { '1.21': 'reject', '1.24': 'reject', '1.25': 'accept' },
    note: 'quoted keys are a syntax error before 1.25',
  },
  {
    name: 'numbers: a quoted database name of 64 Latin-1 bytes is too long',
    config: `[databases]\n'${latin1(64)}' = host=127.0.0.1\n${MAIN}`,
    expect: 'reject',
    expectBy: { '1.21': 'reject', '1.24': 'reject', '1.25': 'reject' },
  },
  {
    name: 'numbers: a quoted database name of 31 UTF-8 letters (62 bytes, 1.25+)',
    config: `[databases]\n'${'é'.repeat(31)}' = host=127.0.0.1\n${MAIN}`,
    expect: 'reject',
    expectBy: { '1.21': 'reject', '1.24': 'reject', '1.25': 'accept' },
  },
  {
    name: 'numbers: a quoted database name of 32 UTF-8 letters (64 bytes) is too long',
    config: `[databases]\n'${'é'.repeat(32)}' = host=127.0.0.1\n${MAIN}`,
    expect: 'reject',
    expectBy: { '1.21': 'reject', '1.24': 'reject', '1.25': 'reject' },
  },
  {
    name: 'numbers: quoted [users] names of 43 and 44 Latin-1 bytes (1.25+)',
    config: `[users]\n'${latin1(43)}' = pool_mode=session\n'${latin1(43)}x' = pool_mode=session\n${MAIN}`,
    expect: 'reject',
    expectBy: { '1.21': 'reject', '1.24': 'reject', '1.25': 'accept' },
  },
];
